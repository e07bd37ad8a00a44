// Package wix is a small client for the Wix REST APIs the provider needs:
// OAuth client-credentials tokens and the Automations events endpoints.
//
// It knows nothing of Terraform, so it can be tested, benchmarked and reused
// on its own. Every call is paced (golang.org/x/time/rate), retried when Wix
// says "try again later", and logged through a Logger with secrets redacted.
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

	"golang.org/x/time/rate"
)

// Defaults of the provider contract.
const (
	DefaultBaseURL           = "https://www.wixapis.com"
	DefaultRequestsPerMinute = 200
	DefaultMaxRetries        = 5
	DefaultMinBackoff        = time.Second
	DefaultMaxBackoff        = 30 * time.Second
)

// maxResponseBytes bounds what is read of any answer: Wix's answers here are
// a few hundred bytes, and an error page must not exhaust memory.
const maxResponseBytes = 1 << 20

// Config is everything a Client needs. Exactly one credential set is used:
// AccessToken, or all of AppID, AppSecret and InstanceID.
type Config struct {
	BaseURL     string
	AppID       string
	AppSecret   string
	InstanceID  string
	AccessToken string

	// RequestsPerMinute paces every API call (retries included); 0 turns pacing off.
	RequestsPerMinute int
	// MaxRetries is how many times a retryable failure is retried after the first attempt.
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
	limiter    *rate.Limiter
	maxRetries int
	backoff    backoffPolicy
	userAgent  string
	log        Logger
	batcher    *batcher
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
		baseURL:    strings.TrimRight(cfg.BaseURL, "/"),
		http:       cfg.HTTPClient,
		maxRetries: cfg.MaxRetries,
		backoff:    newBackoffPolicy(cfg.MinBackoff, cfg.MaxBackoff),
		userAgent:  cfg.UserAgent,
		log:        cfg.Logger,
	}
	if c.http == nil {
		c.http = newHTTPClient()
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-wix/dev"
	}
	if c.log == nil {
		c.log = nopLogger{}
	}
	if cfg.RequestsPerMinute > 0 {
		// A burst of one spaces calls evenly: Wix counts requests per minute,
		// and an even pace is also what lets concurrent cancellations queue
		// up behind the limiter and leave together in one bulk call.
		c.limiter = rate.NewLimiter(rate.Every(time.Minute/time.Duration(cfg.RequestsPerMinute)), 1)
	}
	if cfg.AccessToken != "" {
		c.tokens = staticToken(cfg.AccessToken)
	} else {
		c.tokens = newAppTokenSource(c, cfg.AppID, cfg.AppSecret, cfg.InstanceID)
	}
	c.batcher = newBatcher(c, cfg.Batching)
	return c, nil
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
// (the simulator, a local proxy): credentials must never cross a network in clear.
func ValidateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an absolute http(s) URL such as %s", raw, DefaultBaseURL)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%q uses plain http: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost)", raw)
	}
	return nil
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
	name          string // for messages, e.g. "Cancel Event"
	path          string
	body          any
	out           any  // decoded from a 200 answer when non-nil
	authenticated bool // sends the access token
	paced         bool // waits for the rate limiter before every attempt
	prepaced      bool // the caller already waited for pacing for the first attempt
	sensitive     bool // request and answer carry secrets: never log bodies
	onOK          func(*response)
}

type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
}

// do sends op until it succeeds, fails for good, runs out of retries, or
// ctx ends.
//
// The loop is written here rather than taken from go-retryablehttp or
// cenkalti/backoff because both sleep into a deadline they can no longer
// meet, and neither knows Wix's rule that a 401 means "fetch a new token and
// try once more". Pacing, token and logging also belong to each attempt.
func (c *Client) do(ctx context.Context, op operation) error {
	payload, err := json.Marshal(op.body)
	if err != nil {
		return fmt.Errorf("%s: encoding the request: %w", op.name, err)
	}
	retries, reauthorized := 0, false
	for attempt := 1; ; attempt++ {
		res, token, err := c.send(ctx, op, payload, attempt)
		if err == nil && res.status == http.StatusOK {
			if op.onOK != nil {
				op.onOK(res)
			}
			return decodeOK(op, res)
		}
		failure := classify(op, res, err, attempt)
		if ctx.Err() != nil {
			return stoppedError(ctx, op, attempt, failure.err)
		}
		// Only a call that sent a token can have had it rejected: a 401
		// from the token endpoint itself means wrong app credentials, which
		// no new token (nor a second try) can fix.
		if failure.unauthorized && op.authenticated && c.tokens.refreshable() && !reauthorized {
			// One new token and one more try: a token can expire or be
			// revoked between our clock's check and Wix's.
			reauthorized = true
			c.tokens.invalidate(token)
			c.log.Debug(ctx, "Wix rejected the access token; fetching a new one and retrying once", map[string]any{"operation": op.name})
			continue
		}
		if failure.unauthorized && op.authenticated && reauthorized {
			return fmt.Errorf("%w (a freshly fetched token was rejected too: check that the app is still installed on the instance and has the permission %s needs)", failure.err, op.name)
		}
		if !failure.retryable || retries >= c.maxRetries {
			return failure.err
		}
		wait := c.backoff.delay(retries, failure.retryAfter)
		if err := sleepWithin(ctx, wait); err != nil {
			return fmt.Errorf("%s: not retrying: %w; last error: %w", op.name, err, failure.err)
		}
		retries++
	}
}

// send makes one attempt. It returns the token it sent so that a 401 drops
// exactly that token and not one a concurrent call has just fetched.
func (c *Client) send(ctx context.Context, op operation, payload []byte, attempt int) (*response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+op.path, bytes.NewReader(payload))
	if err != nil {
		return nil, "", permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
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
			return nil, token, err
		}
	}
	c.logRequest(ctx, op, payload, attempt)
	started := time.Now()
	httpRes, err := c.http.Do(req)
	if err != nil {
		c.logTransportError(ctx, op, attempt, err)
		return nil, token, err
	}
	defer httpRes.Body.Close()
	body, err := io.ReadAll(io.LimitReader(httpRes.Body, maxResponseBytes))
	if err != nil {
		return nil, token, err
	}
	res := &response{status: httpRes.StatusCode, header: httpRes.Header, body: body, requestID: httpRes.Header.Get("x-wix-request-id")}
	c.logResponse(ctx, op, res, attempt, time.Since(started))
	return res, token, nil
}

// pace waits for the next free slot of the request pacing. When that slot
// is past ctx's deadline it fails at once, with an error that is
// context.DeadlineExceeded (rate.Limiter's own error says so only in words),
// so that callers report a timeout and how to raise it.
func (c *Client) pace(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	err := c.limiter.Wait(ctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("waiting for the request pacing: %w", context.Cause(ctx))
	case hasDeadline(ctx):
		return fmt.Errorf("waiting for the request pacing: the next free slot is after the deadline: %w", context.DeadlineExceeded)
	}
	return fmt.Errorf("waiting for the request pacing: %w", err)
}

func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}

func decodeOK(op operation, res *response) error {
	if op.out == nil || len(bytes.TrimSpace(res.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(res.body, op.out); err != nil {
		return fmt.Errorf("%s: Wix answered 200 with a body that is not the expected JSON (x-wix-request-id: %s): %w", op.name, res.requestID, err)
	}
	return nil
}

// permanentError marks a failure that retrying cannot fix (a bad request, or
// a token that could not be had even after the token call's own retries).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return permanentError{err} }

func stoppedError(ctx context.Context, op operation, attempts int, last error) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("%s did not complete before the deadline after %d attempt(s): %w; last error: %w", op.name, attempts, context.DeadlineExceeded, last)
	}
	return fmt.Errorf("%s was cancelled after %d attempt(s): %w", op.name, attempts, cause)
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
