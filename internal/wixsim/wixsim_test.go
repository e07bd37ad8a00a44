package wixsim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The token endpoint answers failures in OAuth form (RFC 6749 section
// 5.2), as Wix's Create Access Token page says, not in Wix's envelope.
func TestTokenEndpoint(t *testing.T) {
	good := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	withField := func(from, to string) string { return strings.Replace(good, from, to, 1) }
	tests := []struct {
		name, method, contentType, body string
		status                          int
		oauthError, description         string
	}{
		{"ok", "POST", "application/json", good, 200, "", ""},
		{"wrong secret", "POST", "application/json", withField(wixsim.DemoAppSecret, "nope"), 401, "invalid_client", "invalid client_id or client_secret"},
		{"unknown app", "POST", "application/json", withField(wixsim.DemoAppID, otherInstance), 401, "invalid_client", "invalid client_id or client_secret"},
		{"other app's instance", "POST", "application/json", withField(wixsim.DemoInstanceID, otherInstance), 400, "invalid_grant", "is not installed on instance " + otherInstance},
		{"wrong grant", "POST", "application/json", withField("client_credentials", "password"), 400, "unsupported_grant_type", `got "password"`},
		{"unknown field", "POST", "application/json", withField(`"client_secret"`, `"clientSecret"`), 400, "invalid_request", `unknown field "clientSecret"`},
		{"missing instance", "POST", "application/json", `{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}`, 400, "invalid_request", "instance_id: instance_id is required"},
		{"not an object", "POST", "application/json", `[]`, 400, "invalid_request", "must be a JSON object"},
		{"form encoded", "POST", "application/x-www-form-urlencoded", "grant_type=client_credentials", 400, "invalid_request", "Content-Type must be application/json"},
		{"GET", "GET", "", "", 405, "invalid_request", "use POST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := start(t, wixsim.Options{})
			r := do(t, ts, tc.method, tokenPath, "", tc.contentType, tc.body)
			wantStatus(t, r, tc.status)
			if tc.status == 200 {
				return
			}
			var got struct {
				Error            string  `json:"error"`
				ErrorDescription string  `json:"error_description"`
				Message          *string `json:"message"`
			}
			r.decode(t, &got)
			if got.Error != tc.oauthError || !strings.Contains(got.ErrorDescription, tc.description) || got.Message != nil {
				t.Errorf("answer = %s, want OAuth error %q with a description containing %q and no Wix message", r.raw, tc.oauthError, tc.description)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		})
	}
}

func TestIssuedTokenWorksAndTTLOption(t *testing.T) {
	_, ts := start(t, wixsim.Options{})
	tok := fetchToken(t, ts)
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)

	_, short := start(t, wixsim.Options{TokenTTL: time.Minute})
	r := post(t, short, tokenPath, "", fmt.Sprintf(
		`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID))
	var body struct {
		ExpiresIn int `json:"expires_in"`
	}
	r.decode(t, &body)
	if body.ExpiresIn != 60 {
		t.Errorf("expires_in = %d, want 60", body.ExpiresIn)
	}
}

func TestAuthorization(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	valid := demoToken(sim)
	tests := []struct {
		name, auth string
		status     int
		code, msg  string
	}{
		{"raw token", valid, 200, "", ""},
		{"missing", "", 401, "UNAUTHENTICATED", "missing"},
		{"bearer prefix", "Bearer " + valid, 401, "INVALID_TOKEN", "raw"},
		{"lowercase bearer", "bearer " + valid, 401, "INVALID_TOKEN", "raw"},
		{"unknown", "OAUTH2.forged", 401, "INVALID_TOKEN", "invalid"},
		{"expired", sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, -time.Second), 401, "EXPIRED_TOKEN", "token expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, cancelPath, tc.auth, cancelBody(wixsim.DemoTriggerKey, entityA))
			wantStatus(t, r, tc.status)
			if tc.code == "" {
				return
			}
			if got := r.appCode(t); got != tc.code {
				t.Errorf("code = %q, want %q", got, tc.code)
			}
			if msg := r.wixError(t).Message; !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not mention %q", msg, tc.msg)
			}
		})
	}
}

func TestExpireTokens(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	old := fetchToken(t, ts)
	sim.ExpireTokens()
	r := post(t, ts, cancelPath, old, cancelBody(wixsim.DemoTriggerKey, entityA))
	wantStatus(t, r, 401)
	if r.appCode(t) != "EXPIRED_TOKEN" || r.wixError(t).Message != "token expired" {
		t.Errorf("expired token answer: %s", r.raw)
	}
	fresh := fetchToken(t, ts)
	wantStatus(t, post(t, ts, cancelPath, fresh, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
}

func TestCancelValidation(t *testing.T) {
	_, ts, tok := startDemo(t)
	long := strings.Repeat("k", 101)
	tests := []struct {
		name, method, contentType, path, body string
		status                                int
		code, violation                       string
	}{
		{"ok", "POST", "application/json", cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA), 200, "", ""},
		{"charset param ok", "POST", "application/json; charset=utf-8", cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA), 200, "", ""},
		{"typo in field", "POST", "application/json", cancelPath, `{"triggerKey":"form_submitted","externalEntityID":"` + entityA + `"}`, 400, "", "externalEntityID/FIELD_NOT_ALLOWED"},
		{"bad GUID", "POST", "application/json", cancelPath, cancelBody(wixsim.DemoTriggerKey, "not-a-guid"), 400, "", "externalEntityId/FORMAT"},
		{"GUID without dashes", "POST", "application/json", cancelPath, cancelBody(wixsim.DemoTriggerKey, strings.ReplaceAll(entityA, "-", "")), 400, "", "externalEntityId/FORMAT"},
		{"missing id", "POST", "application/json", cancelPath, `{"triggerKey":"form_submitted"}`, 400, "", "externalEntityId/REQUIRED_FIELD"},
		{"trigger key too long", "POST", "application/json", cancelPath, cancelBody(long, entityA), 400, "", "triggerKey/MAX_LENGTH"},
		{"trigger key empty", "POST", "application/json", cancelPath, cancelBody("", entityA), 400, "", "triggerKey/MIN_LENGTH"},
		{"trigger key not a string", "POST", "application/json", cancelPath, `{"triggerKey":7,"externalEntityId":"` + entityA + `"}`, 400, "", "triggerKey/VALIDATION"},
		{"trigger key of 100 chars passes validation", "POST", "application/json", cancelPath, cancelBody(long[:100], entityA), 404, "TRIGGER_NOT_FOUND", ""},
		{"body is an array", "POST", "application/json", cancelPath, `[]`, 400, "INVALID_ARGUMENT", ""},
		{"trailing data", "POST", "application/json", cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA) + `{}`, 400, "INVALID_ARGUMENT", ""},
		{"empty body", "POST", "application/json", cancelPath, ``, 400, "INVALID_ARGUMENT", ""},
		{"text/plain", "POST", "text/plain", cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA), 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"no content type", "POST", "", cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA), 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"GET", "GET", "", cancelPath, "", 405, "METHOD_NOT_ALLOWED", ""},
		{"someone else's trigger", "POST", "application/json", cancelPath, cancelBody(otherTrigger, entityA), 403, "PERMISSION_DENIED", ""},
		{"unknown trigger", "POST", "application/json", cancelPath, cancelBody("nobody_owns_this", entityA), 404, "TRIGGER_NOT_FOUND", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts, tc.method, tc.path, tok, tc.contentType, tc.body)
			wantStatus(t, r, tc.status)
			switch {
			case tc.status == 200:
				if string(r.raw) != "{}\n" {
					t.Errorf("body = %q, want {}", r.raw)
				}
			case tc.code != "":
				if got := r.appCode(t); got != tc.code {
					t.Errorf("code = %q, want %q", got, tc.code)
				}
			default:
				if got := r.violation(t); got != tc.violation {
					t.Errorf("violation = %q, want %q", got, tc.violation)
				}
			}
		})
	}
	if got := do(t, ts, "GET", cancelPath, tok, "", "").header.Get("Allow"); got != "POST" {
		t.Errorf("405 Allow = %q, want POST", got)
	}
}

func TestEveryViolationIsListed(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	r := post(t, ts, cancelPath, demoToken(sim), `{"triggerKey":"","externalEntityId":"x","extra":1}`)
	wantStatus(t, r, 400)
	var got []string
	for _, v := range r.wixError(t).Details.ValidationError.FieldViolations {
		got = append(got, v.Field+"/"+v.ViolatedRule)
	}
	want := "extra/FIELD_NOT_ALLOWED triggerKey/MIN_LENGTH externalEntityId/FORMAT"
	if strings.Join(got, " ") != want {
		t.Errorf("violations = %v, want %s", got, want)
	}
}

func TestBulkCancelPerItemFailure(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sim.FailBulkItems(wixsim.DemoTriggerKey, entityB)
	resp := postBulk[cancelItemOut](t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, entityA, entityB, entityC), 3)
	for i, res := range resp.Results {
		if !res.ItemMetadata.settled(i, res.ExternalEntityID == entityB) || res.ItemMetadata.ID != res.ExternalEntityID {
			t.Errorf("result %d = %+v", i, res)
		}
	}
	if m := resp.BulkActionMetadata; m.TotalSuccesses != 2 || m.TotalFailures != 1 || m.UndetailedFailures != 0 {
		t.Errorf("bulkActionMetadata = %+v", m)
	}
	if sim.CancelCount(wixsim.DemoTriggerKey, entityB) != 0 || sim.CancelCount(wixsim.DemoTriggerKey, entityA) != 1 {
		t.Errorf("cancellations = %+v", sim.Cancellations())
	}
	// Single cancel ignores FailBulkItems; ClearFaults lifts it for bulk.
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityB)), 200)
	sim.ClearFaults()
	resp = postBulk[cancelItemOut](t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, entityB), 1)
	if !resp.Results[0].ItemMetadata.Success {
		t.Errorf("after ClearFaults: %+v", resp.Results[0])
	}
	if got := sim.Cancellations(); len(got) != 4 || !got[0].Bulk || got[2].Bulk || got[2].AppID != wixsim.DemoAppID || got[2].InstanceID != wixsim.DemoInstanceID {
		t.Errorf("cancellations = %+v", got)
	}
}

func TestBulkCancelValidation(t *testing.T) {
	_, ts, tok := startDemo(t)
	many := make([]string, 101)
	for i := range many {
		many[i] = entityA
	}
	checkBodies(t, ts, bulkPath, tok, []bodyCase{
		{"no ids", bulkBody(wixsim.DemoTriggerKey), "externalEntityIds/MIN_SIZE"},
		{"missing ids", `{"triggerKey":"form_submitted"}`, "externalEntityIds/REQUIRED_FIELD"},
		{"101 ids", bulkBody(wixsim.DemoTriggerKey, many...), "externalEntityIds/MAX_SIZE"},
		{"bad second id", bulkBody(wixsim.DemoTriggerKey, entityA, "nope"), "externalEntityIds[1]/FORMAT"},
		{"single-cancel field name", cancelBody(wixsim.DemoTriggerKey, entityA), "externalEntityId/FIELD_NOT_ALLOWED"},
	})
	wantStatus(t, post(t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, many[:100]...)), 200)
	wantStatus(t, post(t, ts, bulkPath, tok, bulkBody(otherTrigger, entityA)), 403)
}

func TestReportThenCancel(t *testing.T) {
	sim, ts, tok := startListening(t)
	ev := fmt.Sprintf(`{"triggerKey":"form_submitted","payload":{"form_id":"f1","n":2},"externalEntityId":%q}`, entityA)
	report(t, ts, tok, ev)
	report(t, ts, tok, ev)
	report(t, ts, tok, `{"triggerKey":"form_submitted","payload":{}}`) // not cancelable: no entity id
	if n := sim.PendingEvents(wixsim.DemoTriggerKey, entityA); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	if n := sim.PendingEvents(wixsim.DemoTriggerKey, entityA); n != 0 {
		t.Errorf("pending after cancel = %d", n)
	}
	// Canceling again is harmless and still counts as a cancellation.
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	if n := sim.CancelCount(wixsim.DemoTriggerKey, entityA); n != 2 {
		t.Errorf("CancelCount = %d, want 2", n)
	}
}

func TestCancelIsScopedToInstance(t *testing.T) {
	const secondInstance = "44444444-4444-4444-8444-444444444444"
	sim, ts := start(t, wixsim.Options{})
	sim.AddApp(wixsim.DemoAppID, wixsim.DemoAppSecret, secondInstance)
	listen(sim, secondInstance)
	other := sim.IssueToken(wixsim.DemoAppID, secondInstance, 0)
	report(t, ts, other, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityA))
	wantStatus(t, post(t, ts, cancelPath, demoToken(sim), cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	if n := sim.PendingEvents(wixsim.DemoTriggerKey, entityA); n != 1 {
		t.Errorf("another site's cancel touched the event: pending = %d", n)
	}
}

func TestReportIdempotency(t *testing.T) {
	sim, ts, tok := startListening(t)
	ev := fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q,"idempotency":{"key":"k1"}}`, entityA)
	first := report(t, ts, tok, ev)
	again := report(t, ts, tok, ev)
	if first[0] != again[0] {
		t.Errorf("activation ids differ: %v vs %v", first, again)
	}
	if n := sim.PendingEvents(wixsim.DemoTriggerKey, entityA); n != 1 {
		t.Errorf("pending = %d, want 1", n)
	}
	other := report(t, ts, tok, strings.Replace(ev, "k1", "k2", 1))
	if other[0] == first[0] {
		t.Error("a new key reused the activation id")
	}
}

func TestReportValidation(t *testing.T) {
	_, ts, tok := startListening(t)
	checkBodies(t, ts, reportPath, tok, []bodyCase{
		{"bad payload key", `{"triggerKey":"form_submitted","payload":{"_x":1}}`, "payload._x/FORMAT"},
		{"payload not object", `{"triggerKey":"form_submitted","payload":[1]}`, "payload/VALIDATION"},
		{"bad entity id", `{"triggerKey":"form_submitted","externalEntityId":"abc"}`, "externalEntityId/FORMAT"},
		{"idempotency typo", `{"triggerKey":"form_submitted","idempotency":{"Key":"a"}}`, "idempotency.Key/FIELD_NOT_ALLOWED"},
		{"idempotency without key", `{"triggerKey":"form_submitted","idempotency":{}}`, "idempotency.key/REQUIRED_FIELD"},
		{"bad ttl", `{"triggerKey":"form_submitted","idempotency":{"key":"a","ttlInMilliseconds":"x"}}`, "idempotency.ttlInMilliseconds/VALIDATION"},
	})
	report(t, ts, tok, `{"triggerKey":"form_submitted","idempotency":{"key":"a","ttlInMilliseconds":"60000"}}`)
	wantStatus(t, post(t, ts, reportPath, tok, `{"triggerKey":"order_paid"}`), 403)
}

func TestFaultQueue(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sim.InjectFault(wixsim.Fault{Path: cancelPath, Count: 2, Status: 503, RetryAfter: "7"})
	sim.InjectFault(wixsim.Fault{Path: cancelPath, Status: 500, Message: "boom"})
	sim.InjectFault(wixsim.Fault{Path: bulkPath, Status: 502})
	body := cancelBody(wixsim.DemoTriggerKey, entityA)
	for i, want := range []int{503, 503, 500, 200} {
		r := post(t, ts, cancelPath, tok, body)
		wantStatus(t, r, want)
		if want == 200 {
			break
		}
		if want == 503 && r.header.Get("Retry-After") != "7" {
			t.Errorf("call %d: Retry-After = %q", i, r.header.Get("Retry-After"))
		}
		if want == 500 && (r.header.Get("Retry-After") != "" || r.wixError(t).Message != "boom") {
			t.Errorf("call %d: %v %s", i, r.header, r.raw)
		}
		if code := r.appCode(t); code == "" {
			t.Errorf("call %d: empty code", i)
		}
	}
	if got := sim.CancelCount(wixsim.DemoTriggerKey, entityA); got != 1 {
		t.Errorf("faulted calls canceled something: %d", got)
	}
	wantStatus(t, post(t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, entityA)), 502)
	var statuses []int
	for _, rec := range sim.RequestsTo(cancelPath) {
		statuses = append(statuses, rec.Status)
	}
	if fmt.Sprint(statuses) != "[503 503 500 200]" {
		t.Errorf("recorded statuses = %v", statuses)
	}
}

func TestFaultBeforeAuthAndOnEveryPath(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	sim.InjectFault(wixsim.Fault{Count: 2, Status: 429, RetryAfter: "1"})
	wantStatus(t, post(t, ts, tokenPath, "", `{}`), 429)
	wantStatus(t, post(t, ts, cancelPath, "", `not json`), 429) // no token, bad body: fault still wins
	wantStatus(t, post(t, ts, cancelPath, "", `{}`), 401)
	sim.InjectFault(wixsim.Fault{Path: reportPath, Status: 503})
	sim.ClearFaults()
	wantStatus(t, post(t, ts, reportPath, demoToken(sim), `{"triggerKey":"form_submitted"}`), 200)
}

func TestInjectFaultRejectsNonErrorStatus(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("InjectFault(Status: 200) did not panic")
		}
	}()
	wixsim.New(wixsim.Options{}).InjectFault(wixsim.Fault{Status: 200})
}

func TestFaultDelayThenServe(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	sim.InjectFault(wixsim.Fault{Path: cancelPath, Delay: 50 * time.Millisecond})
	begin := time.Now()
	wantStatus(t, post(t, ts, cancelPath, demoToken(sim), cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	if d := time.Since(begin); d < 50*time.Millisecond {
		t.Errorf("delay-only fault took %v", d)
	}
}

func TestFaultDelayHonorsClientCancellation(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	sim.InjectFault(wixsim.Fault{Path: cancelPath, Delay: time.Minute, Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+cancelPath, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("expected the client's deadline to cut the call short")
	}
	// Close waits for handlers: it returns fast only if the delay stopped.
	begin := time.Now()
	ts.Close()
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("handler kept waiting for %v after the client left", d)
	}
	if recs := sim.Requests(); len(recs) != 1 || recs[0].Status != 0 {
		t.Errorf("records = %+v, want one with status 0", recs)
	}
}

func TestDropConnection(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sim.InjectFault(wixsim.Fault{Path: cancelPath, DropConnection: true})
	sendDropped(t, ts, ts.URL+cancelPath, "POST", tok, cancelBody(wixsim.DemoTriggerKey, entityA))
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	recs := sim.RequestsTo(cancelPath)
	if len(recs) != 2 || recs[0].Status != 0 || recs[1].Status != 200 {
		t.Errorf("records = %+v", recs)
	}
	if n := sim.CancelCount(wixsim.DemoTriggerKey, entityA); n != 1 {
		t.Errorf("CancelCount = %d, want 1", n)
	}
}

// The limit is a strict sliding window per installation: three calls
// admitted, the fourth answered 429 in Wix's error format until the first
// leaves the window a minute later (Retry-After 60, when asked for). (Issue
// 21 rewrote the Retry-After check: the old token bucket refilled one call
// every 20 s.)
func TestRateLimit(t *testing.T) {
	sim, ts := start(t, wixsim.Options{RateLimitPerMinute: 3})
	tok := demoToken(sim)
	body := cancelBody(wixsim.DemoTriggerKey, entityA)
	for range 3 {
		wantStatus(t, post(t, ts, cancelPath, tok, body), 200)
	}
	r := post(t, ts, cancelPath, tok, body)
	wantStatus(t, r, 429)
	if r.appCode(t) != "TOO_MANY_REQUESTS" || r.header.Get("Retry-After") != "" {
		t.Errorf("429 without RetryAfter option: %v %s", r.header, r.raw)
	}
	// Another installation has its own budget; the token endpoint has none.
	wantStatus(t, post(t, ts, reportPath, sim.IssueToken(otherApp, otherInstance, 0), `{"triggerKey":"order_paid"}`), 200)
	for range 5 {
		fetchToken(t, ts)
	}

	sim.SetRateLimit(3, true)
	for range 3 {
		wantStatus(t, post(t, ts, cancelPath, tok, body), 200)
	}
	r = post(t, ts, cancelPath, tok, body)
	wantStatus(t, r, 429)
	if got := r.header.Get("Retry-After"); got != "60" && got != "59" {
		t.Errorf("Retry-After = %q, want 60: the first call leaves the window a minute after it came", got)
	}
	sim.SetRateLimit(0, false)
	wantStatus(t, post(t, ts, cancelPath, tok, body), 200)
}

// The window, driven by an injected clock: never more than the limit in
// any window (closed at both ends), a call admitted as soon as the oldest
// of the window has left it, 429s not counted, and Retry-After the time
// until then. A token bucket of the same limit would let a full window's
// calls through again at once after a pause of one window, and twice the
// limit within one window after it started full.
func TestRateLimitWindow(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	sim, ts := start(t, wixsim.Options{RateLimitPerMinute: 3, RateLimitWindow: 2 * time.Second,
		RateLimitRetryAfter: true, RateLimitClock: func() time.Time { return now }})
	tok := demoToken(sim)
	call := func(at time.Duration) response {
		now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC).Add(at)
		return post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA))
	}
	for _, c := range []struct {
		at         time.Duration
		status     int
		retryAfter string
	}{
		{0, 200, ""}, {500 * time.Millisecond, 200, ""}, {1500 * time.Millisecond, 200, ""},
		{1600 * time.Millisecond, 429, "1"}, // the window holds three
		{2 * time.Second, 429, "1"},         // closed: the call at 0 still shares it
		{2*time.Second + time.Nanosecond, 200, ""},
		{2100 * time.Millisecond, 429, "1"}, // 0.5s, 1.5s and 2s are in the window
		{2500*time.Millisecond + time.Nanosecond, 200, ""},
		{3400 * time.Millisecond, 429, "1"},
		{5 * time.Second, 200, ""}, {5 * time.Second, 200, ""}, {5 * time.Second, 200, ""},
		{5 * time.Second, 429, "2"}, // a burst of three, and no more, after a pause
	} {
		r := call(c.at)
		if r.status != c.status || r.header.Get("Retry-After") != c.retryAfter {
			t.Errorf("call at +%s: %d with Retry-After %q, want %d with %q", c.at, r.status, r.header.Get("Retry-After"), c.status, c.retryAfter)
		}
	}
}

func TestRequestIDOnEveryResponse(t *testing.T) {
	sim, ts := start(t, wixsim.Options{RateLimitPerMinute: 1})
	tok := demoToken(sim)
	sim.InjectFault(wixsim.Fault{Path: "/x", Status: 503})
	rs := []response{
		post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), // 200
		post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), // 429
		post(t, ts, cancelPath, "", `{}`),                                        // 401
		do(t, ts, "GET", cancelPath, "", "", ""),                                 // 405
		post(t, ts, "/x", "", ""),                                                // fault 503
		post(t, ts, "/x", "", ""),                                                // 404
		post(t, ts, tokenPath, "", `{}`),                                         // 400
	}
	recs := sim.Requests()
	seen := map[string]bool{}
	for i, r := range rs {
		id := r.header.Get("x-wix-request-id") // do() checked the format
		if seen[id] {
			t.Errorf("response %d reuses request id %s", i, id)
		}
		seen[id] = true
		if recs[i].RequestID != id || recs[i].Status != r.status {
			t.Errorf("record %d = %+v, response id %s status %d", i, recs[i], id, r.status)
		}
	}
	if got := fmt.Sprint(statuses(rs)); got != "[200 429 401 405 503 404 400]" {
		t.Errorf("statuses = %s", got)
	}
}

func TestRecording(t *testing.T) {
	sim, ts, tok := startDemo(t)
	body := cancelBody(wixsim.DemoTriggerKey, entityA)
	before := time.Now()
	post(t, ts, cancelPath, tok, body)
	post(t, ts, reportPath, tok, `{"triggerKey":"form_submitted"}`)
	recs := sim.Requests()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.Method != "POST" || r.Path != cancelPath || string(r.Body) != body || r.Status != 200 ||
		r.Header.Get("Authorization") != tok || r.Time.Before(before) {
		t.Errorf("record = %+v", r)
	}
	r.Header.Set("Authorization", "changed") // a copy: must not leak back
	r.Body[0] = 'X'
	if again := sim.Requests()[0]; again.Header.Get("Authorization") != tok || again.Body[0] != '{' {
		t.Error("Requests returned shared memory")
	}
	if got := sim.RequestsTo(reportPath); len(got) != 1 || got[0].Path != reportPath {
		t.Errorf("RequestsTo = %+v", got)
	}
	sim.ResetRequests()
	if len(sim.Requests()) != 0 || len(sim.Cancellations()) != 1 {
		t.Error("ResetRequests must forget requests but keep cancellations")
	}
}

func TestConnectionCounting(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	// Hold three calls open at once so that each needs its own connection.
	sim.InjectFault(wixsim.Fault{Count: 3, Delay: 200 * time.Millisecond})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { post(t, ts, "/nowhere", "", "") })
	}
	wg.Wait()
	if sim.PeakOpenConnections() != 3 || sim.TotalConnections() != 3 {
		t.Errorf("peak %d total %d, want 3 and 3", sim.PeakOpenConnections(), sim.TotalConnections())
	}
	post(t, ts, "/nowhere", "", "") // reuses an idle keep-alive connection
	if sim.TotalConnections() != 3 {
		t.Errorf("total = %d after keep-alive reuse", sim.TotalConnections())
	}
}

func TestLatencyOption(t *testing.T) {
	_, ts := start(t, wixsim.Options{Latency: 30 * time.Millisecond})
	begin := time.Now()
	post(t, ts, "/nowhere", "", "")
	if d := time.Since(begin); d < 30*time.Millisecond {
		t.Errorf("call took %v, want >= 30ms", d)
	}
}

func TestConcurrentUse(t *testing.T) {
	sim, ts := start(t, wixsim.Options{RateLimitPerMinute: 10000})
	tok := demoToken(sim)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			path, body := cancelPath, cancelBody(wixsim.DemoTriggerKey, entityA)
			if i%2 == 0 {
				path, body = reportPath, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityB)
			}
			req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", tok)
			resp, err := ts.Client().Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = errors.New(resp.Status)
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if sim.CancelCount(wixsim.DemoTriggerKey, entityA) != 20 || sim.PendingEvents(wixsim.DemoTriggerKey, entityB) != 20 {
		t.Errorf("cancel %d pending %d", sim.CancelCount(wixsim.DemoTriggerKey, entityA), sim.PendingEvents(wixsim.DemoTriggerKey, entityB))
	}
}
