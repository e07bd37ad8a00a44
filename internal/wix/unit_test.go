package wix

// Unit tests of the client's arithmetic and small decisions: token
// lifetimes, backoff bounds, excerpt cuts, secret forms, result matching.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A token is kept until a margin before it expires: 5 minutes, or a tenth
// of its lifetime when that is shorter; without expires_in, 10 minutes.
func TestUnit_tokenIsRenewedAMarginBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		expiresIn int
		renewAt   time.Duration
	}{
		{14400, 4*time.Hour - 5*time.Minute},
		{3000, 50*time.Minute - 5*time.Minute},
		{600, 9 * time.Minute},
		{60, 54 * time.Second},
		{0, 9 * time.Minute},
		{-5, 9 * time.Minute},
	} {
		t.Run(fmt.Sprint(tc.expiresIn), func(t *testing.T) {
			f := newRawServer(t, answer(200, fmt.Sprintf(`{"access_token":"tok","expires_in":%d}`, tc.expiresIn)))
			client := f.client(t)
			src := client.tokens.(*appTokenSource)
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now := start
			src.now = func() time.Time { return now }
			if tok, err := src.token(context.Background()); err != nil || tok != "tok" {
				t.Fatalf("token = %q, %v", tok, err)
			}
			now = start.Add(tc.renewAt - time.Nanosecond)
			if _, ok := src.cached(); !ok {
				t.Errorf("token dropped before %s", tc.renewAt)
			}
			now = start.Add(tc.renewAt)
			if _, ok := src.cached(); ok {
				t.Errorf("token still kept at %s", tc.renewAt)
			}
		})
	}
}

// A 200 from the token endpoint without a token is an error, not "".
func TestUnit_tokenAnswerWithoutATokenFails(t *testing.T) {
	f := newRawServer(t, answer(200, `{"token_type":"Bearer"}`))
	err := f.client(t).CancelEvent(context.Background(), testKey, testEntity)
	if err == nil || !strings.Contains(err.Error(), "without an access_token") {
		t.Fatalf("CancelEvent = %v, want a missing-token error", err)
	}
}

// Defaults fill in missing bounds, and a maximum below the minimum is raised.
func TestUnit_backoffPolicyBounds(t *testing.T) {
	for _, tc := range []struct{ min, max, wantMin, wantMax time.Duration }{
		{0, 0, DefaultMinBackoff, DefaultMaxBackoff},
		{-1, -1, DefaultMinBackoff, DefaultMaxBackoff},
		{time.Millisecond, time.Millisecond, time.Millisecond, time.Millisecond},
		{time.Second, time.Millisecond, time.Second, time.Second},
		{2 * time.Second, 3 * time.Second, 2 * time.Second, 3 * time.Second},
	} {
		if b := newBackoffPolicy(tc.min, tc.max); b.min != tc.wantMin || b.max != tc.wantMax {
			t.Errorf("newBackoffPolicy(%s, %s) = %+v, want [%s, %s]", tc.min, tc.max, b, tc.wantMin, tc.wantMax)
		}
	}
	// The step doubles exactly until the maximum: 1, 2, 4, 8, 10, 10.
	b := newBackoffPolicy(time.Second, 10*time.Second)
	for retry, step := range []time.Duration{1, 2, 4, 8, 10, 10} {
		for range 50 {
			if d := b.delay(retry, 0); d < step*time.Second/2 || d > step*time.Second {
				t.Fatalf("retry %d: %s outside [%s, %s]", retry, d, step*time.Second/2, step*time.Second)
			}
		}
	}
	// The tiniest steps keep the jitter in [step/2, step].
	for _, step := range []time.Duration{1, 2, 3} {
		for range 20 {
			if d := newBackoffPolicy(step, step).delay(0, 0); d < step/2 || d > step {
				t.Fatalf("step %dns: delay %s", step, d)
			}
		}
	}
	// A tiny Retry-After still gets at least its own value, never less.
	if d := b.delay(0, time.Nanosecond); d < time.Nanosecond || d > time.Millisecond+time.Nanosecond {
		t.Errorf("delay with Retry-After 1ns = %s", d)
	}
}

// truncate keeps at most limit bytes, ellipsis included, cut between
// characters; shorter texts are untouched.
func TestUnit_truncate(t *testing.T) {
	for _, tc := range []struct {
		s     string
		limit int
		want  string
	}{
		{"abcdef", 6, "abcdef"},
		{"abcdefg", 6, "abc…"},
		{"abcdefg", 7, "abcdefg"},
		{"ééé", 5, "é…"},
		{"aééé", 6, "aé…"},
		{"", 0, ""},
		{"ab", 1, "…"},
		{"\x80\x80\x80\x80\x80", 4, "…"}, // no character start to cut at
	} {
		if got := truncate(tc.s, tc.limit); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.s, tc.limit, got, tc.want)
		}
	}
}

// Each failure to get an answer is sorted by whether the request may have
// left.
func TestUnit_transportKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want failureKind
	}{
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, kindNotSent},
		{syscall.ECONNREFUSED, kindNotSent},
		{&net.OpError{Op: "dial", Err: errors.New("network is unreachable")}, kindNotSent},
		{&net.DNSError{Err: "no such host", IsNotFound: true}, kindPermanent},
		{&net.DNSError{Err: "timeout", IsTimeout: true}, kindNotSent},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, kindMaybeSent},
		{syscall.EPIPE, kindMaybeSent},
		{io.EOF, kindMaybeSent},
		{io.ErrUnexpectedEOF, kindMaybeSent},
		{context.Canceled, kindMaybeSent},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), kindMaybeSent},
		{errors.New("tls: bad certificate"), kindPermanent},
	} {
		if got := transportKind(tc.err); got != tc.want {
			t.Errorf("transportKind(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// A redirect names the Location's host, or says there was none.
func TestUnit_redirectNamesTheLocationHost(t *testing.T) {
	for location, want := range map[string]string{
		"https://proxy.example:8443/login?x=1": "proxy.example:8443",
		"/login":                               "(the same host)",
		"":                                     "(none given)",
		"%zz":                                  "(none given)",
	} {
		h := http.Header{}
		if location != "" {
			h.Set("Location", location)
		}
		e := unexpectedResponse("Get Automation", &response{status: 301, header: h}, nil)
		if e.LocationHost != want || !strings.Contains(e.Error(), "redirecting to host "+want) {
			t.Errorf("Location %q: host %q, error %q; want %q", location, e.LocationHost, e.Error(), want)
		}
	}
	for status, want := range map[int]bool{299: false, 300: true, 308: true, 399: true, 400: false} {
		if isRedirect(status) != want {
			t.Errorf("isRedirect(%d) = %v", status, !want)
		}
	}
	e := unexpectedResponse("Cancel Event", &response{status: 200, header: http.Header{}}, nil)
	if !strings.Contains(e.Error(), "content type none") || strings.Contains(e.Error(), "began") || strings.Contains(e.Error(), "x-wix-request-id") {
		t.Errorf("an empty answer without headers: %q", e.Error())
	}
}

// Only a 200 with a JSON object is Wix's answer.
func TestUnit_isWixAnswer(t *testing.T) {
	for body, want := range map[string]bool{`{}`: true, " {\"a\":1}\n": true, `[]`: false, ``: false, `{`: false, `"{}"`: false, `{} {}`: false} {
		if got := isWixAnswer(&response{status: 200, body: []byte(body)}); got != want {
			t.Errorf("200 %q: %v, want %v", body, got, want)
		}
	}
	if isWixAnswer(&response{status: 201, body: []byte(`{}`)}) || isWixAnswer(&response{status: 299, body: []byte(`{}`)}) {
		t.Error("a 2xx other than 200 was taken as Wix's answer")
	}
}

// Every form of every secret is masked, longest first, and nothing else.
func TestUnit_redactor(t *testing.T) {
	r := newRedactor("", "a/b\"c", "😀x")
	r.add("a/b\"c") // twice is once
	for _, s := range []string{`a/b"c`, `a\/b\"c`, `a/b\"c`, `a%2Fb%22c`, `\ud83d\ude00x`, `\uD83D\uDE00x`, "😀x"} {
		if got := r.redact("<" + s + ">"); got != "<"+redacted+">" {
			t.Errorf("redact(%q) = %q", s, got)
		}
	}
	// The secrets are kept in a map: each redactor starts from another
	// order, which only sorting longest first makes right every time.
	for range 20 {
		overlapping := newRedactor("ab", "abcdef", "abcd")
		if got := overlapping.redact("abcdef abcd ab"); got != strings.Repeat(redacted+" ", 2)+redacted {
			t.Fatalf("overlapping secrets: %q, want each masked whole", got)
		}
	}
	if got := r.redact("nothing secret"); got != "nothing secret" {
		t.Errorf("redact changed a clean text: %q", got)
	}
	if got := newRedactor().redact("x"); got != "x" {
		t.Errorf("an empty redactor changed %q", got)
	}
	if got := jsonEscape("\uffff\U00010000", true); got != `\uffff\ud800\udc00` {
		t.Errorf("jsonEscape at the surrogate boundary = %q", got)
	}
	if got := jsonEscape("\n\r\t\x01", false); got != `\n\r\t\u0001` {
		t.Errorf("jsonEscape of control characters = %q", got)
	}
}

// Results are matched by position and key; anything else fails the item.
func TestUnit_matchResults(t *testing.T) {
	keys := []string{"a", "b", "c", "d"}
	refs := []resultRef{{"a", 0}, {"x", 1}, {"c", 2}, {"c", 2}, {"d", 7}, {"d", -1}}
	matched, errs := matchResults("Bulk X", "req-1", keys, refs)
	if matched[0] != 0 || errs[0] != nil {
		t.Errorf("a: matched %d, %v", matched[0], errs[0])
	}
	for i, want := range []string{"", `puts a result for "x"`, "has two results", "has no result"} {
		if i == 0 {
			continue
		}
		if errs[i] == nil || !strings.Contains(errs[i].Error(), want) || !strings.Contains(errs[i].Error(), "req-1") || matched[i] != -1 {
			t.Errorf("%s: matched %d, %v; want %q", keys[i], matched[i], errs[i], want)
		}
	}
}

// New checks its Config, keeps connections alive, and sends the default
// User-Agent only when none is given.
func TestUnit_newChecksItsConfig(t *testing.T) {
	ok := Config{BaseURL: "https://www.wixapis.com", AccessToken: "t"}
	for name, tweak := range map[string]func(*Config){
		"both credential sets": func(c *Config) { c.AppID, c.AppSecret, c.InstanceID = "a", "s", "i" },
		"partial app set":      func(c *Config) { c.AccessToken, c.AppID, c.AppSecret = "", "a", "s" },
		"no credentials":       func(c *Config) { c.AccessToken = "" },
		"negative pacing":      func(c *Config) { c.RequestsPerMinute = -1 },
		"negative retries":     func(c *Config) { c.MaxRetries = -1 },
		"plain http elsewhere": func(c *Config) { c.BaseURL = "http://www.wixapis.com" },
		"not a URL":            func(c *Config) { c.BaseURL = "www.wixapis.com" },
		"another scheme":       func(c *Config) { c.BaseURL = "ftp://www.wixapis.com" },
		"unparsable":           func(c *Config) { c.BaseURL = "https://[::1" },
	} {
		cfg := ok
		tweak(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
	for _, base := range []string{"", "http://localhost:8080", "http://LOCALHOST", "http://127.0.0.2", "http://[::1]:1", "https://proxy.example/wix"} {
		cfg := ok
		cfg.BaseURL = base
		if _, err := New(cfg); err != nil {
			t.Errorf("base URL %q: %v", base, err)
		}
	}
	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	tr, isTransport := c.http.Transport.(*http.Transport)
	if !isTransport || tr.MaxIdleConnsPerHost != 100 || tr.MaxIdleConns != 100 || tr.IdleConnTimeout != 90*time.Second {
		t.Errorf("default transport %+v: want 100 idle connections per host kept 90s", c.http.Transport)
	}
	if c.userAgent != "terraform-provider-wix/dev" || c.baseURL != DefaultBaseURL {
		t.Errorf("defaults: User-Agent %q, base URL %q", c.userAgent, c.baseURL)
	}
}

// The configured User-Agent goes out as given.
func TestUnit_userAgentIsSentAsGiven(t *testing.T) {
	f := newFakeWix(t, answer(200, "{}"))
	const ua = "terraform-provider-wix/1.2.3 terraform/1.11.4"
	if err := f.client(t, func(c *Config) { c.UserAgent = ua }).CancelEvent(context.Background(), testKey, testEntity); err != nil {
		t.Fatal(err)
	}
	if got := f.calls(PathCancel)[0].header.Get("User-Agent"); got != ua {
		t.Errorf("User-Agent %q, want %q", got, ua)
	}
}

// The 429 cap applies only without a deadline, and only once the waits
// would go past it.
func TestUnit_throttleCap(t *testing.T) {
	c := &Client{throttleCap: 250 * time.Millisecond}
	ms := time.Millisecond
	if c.throttleExhausted(context.Background(), 100*ms, 150*ms) {
		t.Error("waits adding up to the cap exactly were refused")
	}
	if !c.throttleExhausted(context.Background(), 100*ms, 151*ms) {
		t.Error("waits going past the cap were allowed")
	}
	if !c.throttleExhausted(context.Background(), 0, 251*ms) {
		t.Error("a first wait past the cap was allowed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if c.throttleExhausted(ctx, time.Minute, time.Minute) {
		t.Error("the cap applied to a context with a deadline")
	}
}

// A batched call waits for pacing once, on the batch's turn, not again
// when it leaves: with one call per 10 seconds, it still leaves at once.
func TestUnit_batchedCallIsPacedOnce(t *testing.T) {
	f := newFakeWix(t, answer(200, "{}"))
	client := f.client(t, func(c *Config) {
		c.RequestsPerMinute = 6
		c.Batching = BatchingConfig{Enabled: true}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := client.CancelEvent(ctx, testKey, testEntity); err != nil {
		t.Fatalf("CancelEvent: %v (paced twice?)", err)
	}
}

// APIError and ItemError texts, exactly: each part appears only when set,
// and Wix's description only when it adds to the message.
func TestUnit_errorTexts(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{Operation: "Get Automation", StatusCode: 404, Attempts: 1}, "Get Automation: HTTP 404 Not Found"},
		{&APIError{Operation: "Op", StatusCode: 400, Message: "m", Code: "C", Description: "m", Attempts: 2, RequestID: "r"},
			"Op: HTTP 400 Bad Request: m (application error C); gave up after 2 attempts; x-wix-request-id: r"},
		{&APIError{Operation: "Op", StatusCode: 409, Message: "m", Code: "C", Description: "d"}, "Op: HTTP 409 Conflict: m (application error C: d)"},
		{&APIError{Operation: "Op", StatusCode: 409, Description: "d"}, "Op: HTTP 409 Conflict"},
		{&APIError{Operation: "Op", StatusCode: 400, FieldViolations: []FieldViolation{{Field: "f", Description: "bad"}, {Field: "g", Description: "worse", ViolatedRule: "R"}}},
			`Op: HTTP 400 Bad Request; field "f": bad; field "g": worse (rule R)`},
		{&ItemError{Operation: "Bulk Report Event", ExternalEntityID: "e"}, "Bulk Report Event: Wix reported a failure for external entity e"},
		{&ItemError{Operation: "Bulk Cancel Event", ExternalEntityID: "e", Code: "C", Description: "d", RequestID: "r"},
			"Bulk Cancel Event: Wix reported a failure for external entity e: C: d; x-wix-request-id: r"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\nwant      %q", got, tc.want)
		}
	}
}

// ItemErrors reads a bulk answer in any order, takes itemMetadata.id when
// the result does not repeat the id, and honors each item's success flag.
func TestUnit_bulkCancelItemErrors(t *testing.T) {
	r := &BulkCancelEventResponse{RequestID: "req", Results: []BulkCancelResult{
		{ExternalEntityID: "b", ItemMetadata: ItemMetadata{OriginalIndex: 1, Error: &ItemErrorBody{Code: "NO"}}},
		{ItemMetadata: ItemMetadata{ID: "a", OriginalIndex: 0, Success: true}},
	}}
	errs := r.ItemErrors([]string{"a", "b"})
	var itemErr *ItemError
	if errs[0] != nil || !errors.As(errs[1], &itemErr) || itemErr.Code != "NO" || itemErr.ExternalEntityID != "b" || itemErr.RequestID != "req" {
		t.Fatalf("ItemErrors = %v, want a confirmed and b failed with NO", errs)
	}
}

// Outcomes matches a result that does not echo its event by position, and
// gives each confirmed event exactly its own activation ids.
func TestUnit_bulkReportOutcomes(t *testing.T) {
	events := []EventInfo{{ExternalEntityID: "a"}, {ExternalEntityID: "b"}, {ExternalEntityID: "c"}}
	r := &BulkReportEventResponse{RequestID: "req", Results: []BulkReportResult{
		{ItemMetadata: ItemMetadata{OriginalIndex: 2, Success: false}, EventInfo: &EventInfo{ExternalEntityID: "c"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: 0, Success: true}, ActivationIDs: []string{"x"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: 3, Success: true}, ActivationIDs: []string{"y"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: -1, Success: true}, ActivationIDs: []string{"z"}},
	}}
	vals, errs := r.Outcomes(events)
	if errs[0] != nil || vals[0] == nil || len(vals[0].ActivationIDs) != 1 || vals[0].ActivationIDs[0] != "x" {
		t.Errorf("a: %+v, %v; want activation x", vals[0], errs[0])
	}
	if errs[1] == nil || vals[1] != nil || !strings.Contains(errs[1].Error(), "has no result") {
		t.Errorf("b: %+v, %v; want no result", vals[1], errs[1])
	}
	var itemErr *ItemError
	if !errors.As(errs[2], &itemErr) || vals[2] != nil || itemErr.Operation != "Bulk Report Event" {
		t.Errorf("c: %+v, %v; want its *ItemError", vals[2], errs[2])
	}
}

// Request logs carry the body only when there is one, masked for the token
// call; the Authorization header is never logged.
func TestUnit_requestLogs(t *testing.T) {
	logs := &recordingLogger{}
	f := newFakeWix(t, answer(200, `{"automation":{"id":"x"}}`))
	client := f.client(t, withLogger(logs))
	if _, err := client.GetAutomation(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, line := range strings.Split(logs.text(), "\n") {
		if strings.HasPrefix(line, "Sending Wix API request") {
			sent = append(sent, line)
		}
	}
	if len(sent) != 2 || !strings.Contains(sent[0], "body:[redacted]") || !strings.Contains(sent[0], "method:POST") ||
		strings.Contains(sent[1], "body:") || !strings.Contains(sent[1], "method:GET") || !strings.Contains(sent[1], "?automationId=x") {
		t.Fatalf("request logs:\n%s\nwant the token call's body masked and no body for GET", strings.Join(sent, "\n"))
	}
	requireNoSecret(t, "logs", logs.text(), fakeToken)
}

// An error with no secret in its text is returned as it is; one with a
// secret is masked but still unwraps to the original.
func TestUnit_redactError(t *testing.T) {
	c := &Client{redactor: newRedactor("hunter2")}
	clean := errors.New("nothing to hide")
	if got := c.redactError(clean); got != clean { //nolint:errorlint // identity is the point: a clean error comes back unwrapped

		t.Errorf("a clean error was wrapped: %#v", got)
	}
	dirty := fmt.Errorf("wrapped: %w", &APIError{Operation: "Op", StatusCode: 400, Message: "hunter2"})
	got := c.redactError(dirty)
	var apiErr *APIError
	if got.Error() != "wrapped: Op: HTTP 400 Bad Request: "+redacted || !errors.As(got, &apiErr) {
		t.Errorf("redactError = %q, want the secret masked and the APIError reachable", got)
	}
	if c.redactError(nil) != nil {
		t.Error("redactError(nil) is not nil")
	}
}

// Items are named in messages as trigger key and entity, or the key alone.
func TestUnit_reportGroupNamesItems(t *testing.T) {
	g := newReportGroup(&Client{}, BatchingConfig{Enabled: true})
	if got := g.spec.describe("k", ReportEventRequest{ExternalEntityID: "e"}); got != "k/e" {
		t.Errorf("describe = %q, want k/e", got)
	}
	if got := g.spec.describe("k", ReportEventRequest{}); got != "k" {
		t.Errorf("describe without an entity = %q, want k", got)
	}
	if g.spec.maxSize != MaxBulkReportEvents || newReportGroup(&Client{}, BatchingConfig{}) != nil {
		t.Errorf("report group: max size %d; want %d, and none with batching off", g.spec.maxSize, MaxBulkReportEvents)
	}
}

// A secret across the 2,000-byte cut of a logged body is masked whole: the
// body is masked before it is cut.
func TestUnit_logBodyMasksBeforeCutting(t *testing.T) {
	token := strings.Repeat("S", 104)
	c := &Client{redactor: newRedactor(token)}
	logged := c.logBody(operation{}, []byte(strings.Repeat("x", 1950)+token))
	if strings.Contains(logged, "SSSS") {
		t.Fatalf("the logged body shows part of the secret: …%s", logged[len(logged)-80:])
	}
}

// A call not safe to repeat whose context ended after Wix answered 5xx or
// an answer that was not Wix's may have acted: the outcome is uncertain,
// as when the same failure ends the retries; the error keeps the last one.
func TestUnit_stoppedAfterA5xxIsUncertain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	create := operation{name: "Create Automation", repeat: notRepeatable}
	for _, kind := range []failureKind{kindMaybeSent, kindServerError, kindGarbled} {
		err := stoppedError(ctx, create, 1, failure{err: errors.New("HTTP 500"), kind: kind})
		if !errors.Is(err, ErrMayHaveReachedWix) || !strings.Contains(err.Error(), "last error: HTTP 500") {
			t.Errorf("kind %d: %v, want an UncertainError that names the last error", kind, err)
		}
		if final := finalError(create, failure{err: errors.New("HTTP 500"), kind: kind}); !errors.Is(final, ErrMayHaveReachedWix) {
			t.Errorf("kind %d: finalError = %v, want the same verdict", kind, final)
		}
	}
}
