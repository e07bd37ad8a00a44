// Package wix is a small client for the Wix REST APIs the provider needs:
// OAuth client-credentials tokens, the Automations events endpoints and
// Automations v2.
//
// It knows nothing of Terraform, so it can be tested, benchmarked and reused
// on its own. Every call is paced (a sliding window of the budget, lowered
// when another client shares Wix's limit: pacing.go), retried when Wix
// says "try again later" and the call is safe to repeat, and logged through
// a Logger with secrets redacted. Success is only Wix's own answer: HTTP 200
// with a JSON object; no redirect is ever followed.
package wix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of the provider contract.
const (
	DefaultBaseURL           = "https://www.wixapis.com"
	DefaultRequestsPerMinute = 200
	DefaultMaxRetries        = 5
	DefaultMinBackoff        = time.Second
	DefaultMaxBackoff        = 30 * time.Second
)

// maxResponseBytes bounds what is read of any answer, so that an endless
// or runaway body cannot exhaust memory. Most answers are a few hundred
// bytes, but a Query page holds up to 500 automations with their actions,
// which carry whole email templates and, asked for, override schemas: tens
// of kilobytes each on a real site. An answer over the bound fails as such,
// never as a truncated body mistaken for a proxy's.
const maxResponseBytes = 64 << 20

// Config is everything a Client needs. Exactly one credential set is used:
// AccessToken, or all of AppID, AppSecret and InstanceID.
type Config struct {
	BaseURL     string
	AppID       string
	AppSecret   string
	InstanceID  string
	AccessToken string

	// RequestsPerMinute is this process's budget of API calls (retries
	// included) in any window of PacingWindow; 0 turns pacing and its
	// adaptation to 429s off.
	RequestsPerMinute int
	// PacingWindow is the window RequestsPerMinute counts in: a minute,
	// Wix's, unless a test shortens it.
	PacingWindow time.Duration
	// MaxRetries bounds the retries of 5xx answers and connection failures
	// after the first attempt. A 429 does not count: it is waited out as
	// Wix asks, until the operation's deadline.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between retries
	// (defaults 1s and 30s).
	MinBackoff time.Duration
	MaxBackoff time.Duration

	UserAgent  string
	HTTPClient *http.Client
	Logger     Logger
	Batching   BatchingConfig
}

// Client calls the Wix API. It is safe for concurrent use, and one Client is
// meant to serve a whole provider process, so that it holds one token.
type Client struct {
	baseURL    string
	http       *http.Client
	tokens     tokenSource
	pacer      *pacer // nil when pacing is off
	maxRetries int
	backoff    backoffPolicy
	userAgent  string
	log        Logger
	redactor   *redactor
	// maxResponse is maxResponseBytes (tests lower it).
	maxResponse int64
	// throttleCap bounds the 429 waits of an operation without a deadline
	// (maxThrottledWait; tests shorten it).
	throttleCap time.Duration
	cancels     *groupCommit[string, struct{}]
	reports     *groupCommit[ReportEventRequest, *ReportEventResponse]
	reads       *sharedReads
	// roots is the Automations v2 root this process uses.
	roots automationsRoot
	// reportLedger is what this client's reports used and got, to refuse a
	// shared idempotency key and to spot an answer Wix repeated.
	reportLedger reportLedger

	// gatherQuiet and gatherSpan bound a paced batch's wait for its
	// company (minQuietGap and maxGatherSpan; tests change them).
	gatherQuiet, gatherSpan time.Duration
}

// New checks cfg and builds a Client. It makes no network call: the first
// token is fetched when the first API call needs it.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if err := ValidateBaseURL(cfg.BaseURL); err != nil {
		return nil, err
	}
	if err := validateCredentials(cfg); err != nil {
		return nil, err
	}
	if cfg.RequestsPerMinute < 0 || cfg.MaxRetries < 0 {
		return nil, errors.New("requests per minute and max retries must not be negative")
	}
	c := &Client{
		baseURL:     strings.TrimRight(cfg.BaseURL, "/"),
		http:        withoutRedirects(cfg.HTTPClient),
		maxRetries:  cfg.MaxRetries,
		backoff:     newBackoffPolicy(cfg.MinBackoff, cfg.MaxBackoff),
		userAgent:   cfg.UserAgent,
		redactor:    newRedactor(cfg.Secrets()...),
		throttleCap: maxThrottledWait,
		maxResponse: maxResponseBytes,
		gatherQuiet: minQuietGap,
		gatherSpan:  maxGatherSpan,
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-wix/dev"
	}
	var log Logger = nopLogger{}
	if cfg.Logger != nil {
		log = cfg.Logger
	}
	c.log = redactingLogger{next: log, redactor: c.redactor}
	// A window, not a metronome: calls go out at once until the budget
	// matters. What fills the bulk calls is the group commit waiting for
	// its callers (gather.go), not spacing.
	c.pacer = newPacer(cfg.RequestsPerMinute, cfg.PacingWindow, c.log)
	if cfg.AccessToken != "" {
		c.tokens = staticToken(cfg.AccessToken)
	} else {
		c.tokens = newAppTokenSource(c, cfg.AppID, cfg.AppSecret, cfg.InstanceID)
	}
	c.cancels = newCancelGroup(c, cfg.Batching)
	c.reports = newReportGroup(c, cfg.Batching)
	c.reads = newSharedReads(c, cfg.Batching)
	return c, nil
}

// Secrets are the secrets cfg holds: the app secret, the access token and
// the password of base_url's userinfo, those that are set. The client
// masks them (and the tokens it fetches) in every log line and error; a
// logger of the caller's that logs the configuration masks them too.
func (cfg Config) Secrets() []string {
	var out []string
	for _, s := range []string{cfg.AppSecret, cfg.AccessToken, baseURLPassword(cfg.BaseURL)} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// baseURLPassword is the password of base_url's userinfo (a proxy's, say),
// or "": a secret like the others, which every log line and error masks.
func baseURLPassword(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.User == nil {
		return ""
	}
	password, _ := u.User.Password()
	return password
}

// withoutRedirects returns a copy of h (or of a new client) that never
// follows a redirect. Wix's API does not redirect, so a 3xx comes from a
// proxy or a wrong base_url, and following it would send the request (the
// app secret, in the token call's body, which Go keeps on a 307) to a host
// nobody configured. The caller's client is copied, not changed, so its
// transport (and a test's instrumentation) still carries every call.
func withoutRedirects(h *http.Client) *http.Client {
	if h == nil {
		h = newHTTPClient()
	}
	cp := *h
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// newHTTPClient keeps connections alive across calls: with the default
// transport only two idle connections per host survive, so a parallel apply
// would open and close a TLS connection for most calls.
func newHTTPClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 100
	transport.MaxIdleConnsPerHost = 100
	transport.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: transport}
}

// ValidateBaseURL accepts https URLs, and plain http only for loopback hosts
// (the simulator, a local proxy): credentials must never cross a network in
// clear. A path prefix (a proxy's) is fine; a query or fragment is not, as
// every call appends its path to base_url and would put it inside them.
// Errors quote the URL with any password masked: base_url is often set
// from the environment, where Terraform shows no source line.
func ValidateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an absolute http(s) URL such as %s", withoutUserinfo(raw), DefaultBaseURL)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("%q has a query or fragment (after ? or #): the API paths are appended to base_url, so give only "+
			"the scheme, host and any path prefix, such as %s", u.Redacted(), DefaultBaseURL)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost)", u.Redacted())
	}
	return nil
}

// withoutUserinfo cuts what may be a user and password out of a URL that
// did not parse: everything from "://" up to the last "@" before the path.
func withoutUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = "xxxxx@" + authority[at+1:]
	}
	if path != "" || strings.HasSuffix(rest, "/") {
		return scheme + "://" + authority + "/" + path
	}
	return scheme + "://" + authority
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validateCredentials(cfg Config) error {
	appSet := cfg.AppID != "" || cfg.AppSecret != "" || cfg.InstanceID != ""
	switch {
	case cfg.AccessToken != "" && appSet:
		return errors.New("both an access token and app credentials were given: use one")
	case cfg.AccessToken != "":
		return nil
	case cfg.AppID == "" || cfg.AppSecret == "" || cfg.InstanceID == "":
		return errors.New("app credentials need all of app id, app secret and instance id")
	}
	return nil
}

// operation describes one API call.
type operation struct {
	name          string     // for messages, e.g. "Cancel Event"
	method        string     // HTTP method; POST when empty
	path          string     // escaped URL path below the base URL
	query         url.Values // sent in the URL; GET and DELETE carry their fields here
	body          any        // JSON body; nil sends none (and no Content-Type)
	out           any        // decoded from Wix's 200 answer when non-nil
	repeat        repeatSafety
	authenticated bool // sends the access token
	paced         bool // waits for the rate limiter before every attempt
	prepaced      bool // the caller already waited for pacing for the first attempt
	sensitive     bool // request and answer carry secrets: never log bodies
	onOK          func(*response)
	// onMaybeActed, when set, is told of each failed attempt that may have
	// reached Wix and been acted on (a broken connection, a 5xx, an answer
	// that is not Wix's), even when a later attempt or the final error says
	// otherwise: a report's caller must then keep its idempotency key.
	onMaybeActed func()
}

// doAndDecode sends op and returns Wix's answer decoded as an A.
func doAndDecode[A any](ctx context.Context, c *Client, op operation) (*A, error) {
	out := new(A)
	op.out = out
	if err := c.do(ctx, op); err != nil {
		return nil, err
	}
	return out, nil
}

// repeatSafety says whether an operation may be sent again after the
// request may have reached Wix (a reset connection, a 5xx answer).
type repeatSafety int

const (
	// notRepeatable calls (Create Automation, a report without an
	// idempotency key) could take effect twice if sent again.
	notRepeatable repeatSafety = iota
	// repeatable calls have the same effect however often they arrive:
	// reads, deletes, cancels, updates carrying a revision, reports
	// carrying an idempotency key, and the token call.
	repeatable
)

func (op operation) httpMethod() string {
	if op.method == "" {
		return http.MethodPost
	}
	return op.method
}

type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
	path      string // the URL path the request went to, base_url's path included
	// tooLarge is the bound the answer's body went past (body holds only
	// that much), or 0: such an answer was not read whole.
	tooLarge int64
}

// retryBudget tracks what an operation has spent on retries so far.
type retryBudget struct {
	retries   int           // 5xx and connection failures retried, bounded by max_retries
	waits     int           // every wait so far, which grows the backoff
	throttled time.Duration // time spent waiting out 429s
}

// maxThrottledWait bounds the total wait for 429 answers of an operation
// whose context has no deadline. With a deadline (every Terraform operation
// has one) 429s are waited out until it; without one, nothing else would
// stop a server that answers 429 forever, and ten minutes is twice the
// default create timeout, so a caller without a deadline is not treated
// less patiently than one with the default.
const maxThrottledWait = 10 * time.Minute

// do sends op until it succeeds, fails for good, runs out of retries, or
// ctx ends. Every error it returns has the client's secrets masked.
//
// The loop is written here rather than taken from go-retryablehttp or
// cenkalti/backoff because both sleep into a deadline they can no longer
// meet, and neither knows Wix's rule that a 401 means "fetch a new token and
// try once more". Pacing, token and logging also belong to each attempt.
func (c *Client) do(ctx context.Context, op operation) error {
	return c.redactError(c.attempts(ctx, op))
}

func (c *Client) attempts(ctx context.Context, op operation) error {
	payload, err := encodeBody(op)
	if err != nil {
		return err
	}
	var budget retryBudget
	reauthorized := false
	for attempt := 1; ; attempt++ {
		res, token, err := c.send(ctx, op, payload, attempt)
		if err == nil && isWixAnswer(res) {
			if op.onOK != nil {
				op.onOK(res)
			}
			return finalError(op, failure{err: decodeOK(op, res), kind: kindGarbled})
		}
		f := classify(op, res, err, attempt, c.redactor.redact)
		if op.onMaybeActed != nil && f.mayHaveActed() {
			op.onMaybeActed()
		}
		if ctx.Err() != nil {
			return stoppedError(ctx, op, attempt, f)
		}
		// Only a call that sent a token can have had it rejected: a 401
		// from the token endpoint itself means wrong app credentials, which
		// no new token (nor a second try) can fix.
		if f.kind == kindUnauthorized && op.authenticated && c.tokens.refreshable() && !reauthorized {
			// One new token and one more try: a token can expire or be
			// revoked between our clock's check and Wix's.
			reauthorized = true
			c.tokens.invalidate(token)
			c.log.Debug(ctx, "Wix rejected the access token; fetching a new one and retrying once", map[string]any{"operation": op.name})
			continue
		}
		if f.kind == kindUnauthorized && op.authenticated && reauthorized {
			return fmt.Errorf("%w (a freshly fetched token was rejected too: check that the app is still installed on the instance and has the permission %s needs)", f.err, op.name)
		}
		if err := c.retryWait(ctx, op, f, &budget, attempt); err != nil {
			return err
		}
	}
}

// retryWait decides whether f is retried, logs the decision, and waits
// before the next attempt; a non-nil error is the operation's outcome.
func (c *Client) retryWait(ctx context.Context, op operation, f failure, budget *retryBudget, attempt int) error {
	retry, reason := c.shouldRetry(op, f, *budget)
	fields := map[string]any{"operation": op.name, "attempt": attempt, "reason": reason}
	if !retry {
		c.log.Debug(ctx, "Not retrying Wix API request", fields)
		return finalError(op, f)
	}
	wait := c.backoff.delay(budget.waits, f.retryAfter)
	if f.kind == kindThrottled {
		c.throttled(ctx, wait)
	}
	if f.kind == kindThrottled && c.throttleExhausted(ctx, budget.throttled, wait) {
		fields["reason"] = "429s have been waited out for " + budget.throttled.Round(time.Second).String() + " with no deadline set"
		c.log.Debug(ctx, "Not retrying Wix API request", fields)
		return fmt.Errorf("%w; Wix kept asking to slow down for %s, the most waited without a deadline", f.err, budget.throttled.Round(time.Second))
	}
	fields["wait"] = wait.Round(time.Millisecond).String()
	c.log.Debug(ctx, "Retrying Wix API request after a wait", fields)
	if err := sleepWithin(ctx, wait); err != nil {
		return fmt.Errorf("%s: not retrying: %w; last error: %w", op.name, err, f.err)
	}
	budget.waits++
	if f.kind == kindThrottled {
		budget.throttled += wait
	} else {
		budget.retries++
	}
	return nil
}

// throttleExhausted says whether waiting wait more for 429s would go past
// the cap, which applies only to a context without a deadline.
func (c *Client) throttleExhausted(ctx context.Context, waited, wait time.Duration) bool {
	return !hasDeadline(ctx) && waited+wait > c.throttleCap
}

func encodeBody(op operation) ([]byte, error) {
	if op.body == nil {
		return nil, nil
	}
	payload, err := json.Marshal(op.body)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the request: %w", op.name, err)
	}
	return payload, nil
}

// send makes one attempt. It returns the token it sent so that a 401 drops
// exactly that token and not one a concurrent call has just fetched.
func (c *Client) send(ctx context.Context, op operation, payload []byte, attempt int) (*response, string, error) {
	req, err := c.newRequest(ctx, op, payload)
	if err != nil {
		return nil, "", permanent(err)
	}
	var token string
	if op.authenticated {
		if token, err = c.tokens.token(ctx); err != nil {
			return nil, "", permanent(err)
		}
		// Wix takes the token raw, without "Bearer ", although its token
		// endpoint says token_type Bearer.
		req.Header.Set("Authorization", token)
	}
	// Pacing comes last, right before the request leaves: calls paced first
	// and then held up by a slow token fetch would all leave together when
	// the token arrives, a burst a strict rate limit answers with 429s.
	if op.paced && !(attempt == 1 && op.prepaced) {
		if err := c.pace(ctx); err != nil {
			return nil, token, permanent(err)
		}
	}
	c.logRequest(ctx, op, req.URL.String(), payload, attempt)
	started := time.Now()
	httpRes, err := c.http.Do(req)
	if err != nil {
		c.logTransportError(ctx, op, attempt, err)
		return nil, token, err
	}
	defer httpRes.Body.Close()
	body, err := io.ReadAll(io.LimitReader(httpRes.Body, c.maxResponse+1))
	if err != nil {
		return nil, token, err
	}
	res := &response{status: httpRes.StatusCode, header: httpRes.Header, body: body, requestID: httpRes.Header.Get("x-wix-request-id"), path: req.URL.Path}
	if int64(len(body)) > c.maxResponse {
		res.body, res.tooLarge = body[:c.maxResponse], c.maxResponse
	}
	c.logResponse(ctx, op, res, attempt, time.Since(started))
	return res, token, nil
}

// newRequest builds the request of op. Like Wix's SDK, it sends
// Content-Type only with a body: GET and DELETE carry their fields in the
// query string.
func (c *Client) newRequest(ctx context.Context, op operation, payload []byte) (*http.Request, error) {
	target := c.baseURL + op.path
	if len(op.query) > 0 {
		target += "?" + op.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, op.httpMethod(), target, body)
	if err != nil {
		return nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// pace waits for the next free slot of the request pacing. When that slot
// is past ctx's deadline it fails at once, with an error that is
// context.DeadlineExceeded, so that callers report a timeout and how to
// raise it.
func (c *Client) pace(ctx context.Context) error {
	if c.pacer == nil {
		return nil
	}
	return c.pacer.wait(ctx)
}

func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}

// isWixAnswer says whether res is a success as Wix sends it: HTTP 200
// with a JSON object. Wix's SDK accepts no other status, and Wix answers
// every call here with an object ({} at least), so an empty body, an HTML
// page or a JSON array under a 200 came from something else (a proxy, a
// captive portal, a catch-all host) and proves nothing.
func isWixAnswer(res *response) bool {
	if res.status != http.StatusOK {
		return false
	}
	body := bytes.TrimSpace(res.body)
	return len(body) > 0 && body[0] == '{' && json.Valid(body)
}

func decodeOK(op operation, res *response) error {
	if err := checkAnswer(op, res); err != nil {
		return err
	}
	if op.out == nil {
		return nil
	}
	if err := json.Unmarshal(res.body, op.out); err != nil {
		return fmt.Errorf("%s: Wix answered 200 with a JSON object that does not have the expected shape (x-wix-request-id: %s): %w", op.name, res.requestID, err)
	}
	return nil
}

// permanentError marks a failure that retrying cannot fix (a bad request, or
// a token that could not be had even after the token call's own retries).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return permanentError{err} }

// stoppedError is the outcome of an operation whose context ended. When the
// last attempt may have reached Wix and op is not safe to repeat, the
// outcome is unknown, and the error says so.
func stoppedError(ctx context.Context, op operation, attempts int, last failure) error {
	cause := context.Cause(ctx)
	var err error
	if errors.Is(cause, context.DeadlineExceeded) {
		err = fmt.Errorf("%s did not complete before the deadline after %d attempt(s): %w; last error: %w", op.name, attempts, context.DeadlineExceeded, last.err)
	} else {
		err = fmt.Errorf("%s was canceled after %d attempt(s): %w; last error: %w", op.name, attempts, cause, last.err)
	}
	if op.repeat == notRepeatable && last.mayHaveActed() {
		return &UncertainError{Operation: op.name, Err: err}
	}
	return err
}

// sleepWithin waits d, or fails at once when ctx would end first: waiting
// into a deadline that cannot be met only delays the error.
func sleepWithin(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return fmt.Errorf("the next attempt would start in %s, after the deadline: %w", d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-timer.C:
		return nil
	}
}
