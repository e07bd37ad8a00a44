package wix

// Issue 12, at the client: success only from Wix, no redirect followed, no
// secret in any error or log line, and 429 waited out within the deadline.
// Each test fails on the client as it was before.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Only HTTP 200 with a JSON object is success. Anything else, which is
// what proxies, captive portals and catch-all hosts answer, is an error
// naming the call, the status and the content type; it is not retried.
func TestTrust_onlyA200WithAJSONObjectIsSuccess(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"HTML 200", "text/html", "<html><body>Please sign in</body></html>", 200},
		{"empty 200", "application/json", "", 200},
		{"whitespace 200", "application/json", " \n ", 200},
		{"JSON array 200", "application/json", "[]", 200},
		{"JSON null 200", "application/json", "null", 200},
		{"truncated JSON 200", "application/json", `{"results": [`, 200},
		{"201 with an object", "application/json", "{}", 201},
		{"204", "", "", 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, tc.status, tc.contentType, tc.body) })
			err := f.client(t).CancelEvent(context.Background(), testKey, testEntity)
			var unexpected *UnexpectedResponseError
			if !errors.As(err, &unexpected) {
				t.Fatalf("CancelEvent = %v, want an *UnexpectedResponseError", err)
			}
			want := []string{fmt.Sprintf("Cancel Event: HTTP %d", tc.status), "not an answer from Wix", "x-wix-request-id: req-fake"}
			if tc.contentType != "" {
				want = append(want, "content type "+tc.contentType)
			}
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if n := len(f.calls(PathCancel)); n != 1 {
				t.Errorf("attempts = %d, want 1: a page that is not Wix's does not heal", n)
			}
		})
	}
}

// A long page is quoted by at most 200 bytes, cut between characters.
func TestTrust_excerptIsShortAndValidUTF8(t *testing.T) {
	page := "<html>" + strings.Repeat("é", 500) + "</html>"
	f := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "text/html; charset=utf-8", page) })
	err := f.client(t).CancelEvent(context.Background(), testKey, testEntity)
	var unexpected *UnexpectedResponseError
	if !errors.As(err, &unexpected) {
		t.Fatalf("CancelEvent = %v, want an *UnexpectedResponseError", err)
	}
	if n := len(unexpected.Excerpt); n > maxExcerpt || n < maxExcerpt-4 {
		t.Errorf("excerpt of %d bytes, want at most %d and not much less", n, maxExcerpt)
	}
	if !utf8.ValidString(err.Error()) || !strings.HasPrefix(unexpected.Excerpt, "<html>éé") || !strings.HasSuffix(unexpected.Excerpt, "…") {
		t.Errorf("excerpt %q: want the start of the page, cut between characters, with an ellipsis", unexpected.Excerpt)
	}
}

// A 302 is not followed: the error names the Location's host (not its
// path or query) and says Wix does not redirect.
func TestTrust_redirectIsNotFollowed(t *testing.T) {
	elsewhere := newFakeWix(t, answer(200, "{}"))
	target := elsewhere.server.URL + "/sign-in?session=s3cr3t-session"
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) })
	err := f.client(t).CancelEvent(context.Background(), testKey, testEntity)
	host := strings.TrimPrefix(elsewhere.server.URL, "http://")
	var unexpected *UnexpectedResponseError
	if !errors.As(err, &unexpected) || unexpected.LocationHost != host {
		t.Fatalf("CancelEvent = %v, want an *UnexpectedResponseError naming host %s", err, host)
	}
	for _, want := range []string{"HTTP 302", "redirecting to host " + host, "Wix's API does not redirect", "base_url"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "sign-in") || strings.Contains(err.Error(), "s3cr3t-session") {
		t.Errorf("error %q shows the Location's path or query", err)
	}
	if n := len(elsewhere.all()); n != 0 {
		t.Fatalf("the redirect target got %d requests, want none", n)
	}
	if n := len(f.calls(PathCancel)); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
}

// A 307 on the token call would make Go re-send the body, app secret
// included, to the other host. It is not followed, also with a client's
// own http.Client, which keeps carrying the calls.
func TestTrust_307OnTheTokenCallDoesNotResendTheSecret(t *testing.T) {
	elsewhere := newFakeWix(t, answer(200, "{}"))
	proxy := newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.server.URL+PathToken, http.StatusTemporaryRedirect)
	})
	own := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	client := proxy.client(t, func(c *Config) { c.HTTPClient = own })
	err := client.CancelEvent(context.Background(), testKey, testEntity)
	if !strings.Contains(err.Error(), "HTTP 307") || !strings.Contains(err.Error(), strings.TrimPrefix(elsewhere.server.URL, "http://")) {
		t.Fatalf("CancelEvent = %v, want the token call's 307 naming the other host", err)
	}
	if n := len(proxy.calls(PathToken)); n != 1 {
		t.Fatalf("token calls = %d, want 1", n)
	}
	if n := len(elsewhere.all()); n != 0 {
		t.Fatalf("the other host got %d requests (the app secret with them), want none", n)
	}
	if own.CheckRedirect != nil {
		t.Error("the caller's http.Client was changed; the client must work on a copy")
	}
	requireNoSecret(t, "error", err.Error(), "demo-app-secret")
}

// A secret Wix quotes back (the app secret, a configured token, a fetched
// token), raw or escaped, is masked in the error and in every log line.
func TestTrust_secretsQuotedBackAreMasked(t *testing.T) {
	const secret = `s3cret/"quoted"&ünïcode`
	for _, tc := range []struct {
		name, secret string
		tweak        func(*Config)
		path         string
	}{
		{"app secret", secret, func(c *Config) { c.AppSecret = secret }, PathToken},
		{"configured token", secret, func(c *Config) { c.AppID, c.AppSecret, c.InstanceID, c.AccessToken = "", "", "", secret }, PathCancel},
		{"fetched token", fakeToken, func(*Config) {}, PathCancel},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quote := func(w http.ResponseWriter, r *http.Request) {
				raw := url.QueryEscape(tc.secret) + " " + tc.secret
				escaped := `"got ` + quotedForms(tc.secret)[2] + `"` // as Java escapes it
				forms := strings.Join(quotedForms(tc.secret), " | ")
				writeRaw(w, 400, "application/json", `{"message":`+escaped+`,"details":{"applicationError":{"code":"BAD","description":`+jsonString(raw+forms)+`}}}`)
			}
			f := newFakeWix(t, quote)
			if tc.path == PathToken {
				f = newRawServer(t, quote)
			}
			logs := &recordingLogger{}
			client := f.client(t, tc.tweak, withLogger(logs))
			err := client.CancelEvent(context.Background(), testKey, testEntity)
			if err == nil || !strings.Contains(err.Error(), redacted) {
				t.Fatalf("CancelEvent = %v, want an error with the secret masked", err)
			}
			requireNoSecret(t, "error", err.Error(), tc.secret)
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				requireNoSecret(t, "APIError.Error()", apiErr.Error(), tc.secret)
			}
			requireNoSecret(t, "logs", logs.text(), tc.secret)
			requireNoSecret(t, "Redact", client.Redact("x "+tc.secret+" y"), tc.secret)
		})
	}
}

// A 6-second storm of 429 Retry-After: 1 outlasts max_retries 5, yet the
// call succeeds within its deadline: a 429 says "wait", not "failed".
func TestTrust_429StormIsWaitedOutWithinTheDeadline(t *testing.T) {
	t.Parallel()
	stormEnds := time.Now().Add(6 * time.Second)
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		if time.Now().Before(stormEnds) {
			w.Header().Set("Retry-After", "1")
			writeRaw(w, 429, "application/json", `{"message":"slow down"}`)
			return
		}
		writeRaw(w, 200, "application/json", "{}")
	})
	client := f.client(t, func(c *Config) { c.MaxRetries = 5 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.CancelEvent(ctx, testKey, testEntity); err != nil {
		t.Fatalf("CancelEvent: %v", err)
	}
	if n := len(f.calls(PathCancel)); n < 7 {
		t.Fatalf("attempts = %d, want more than max_retries + 1: 429s do not count", n)
	}
}

// Without a deadline, 429s are waited out up to a cap, then the call fails
// saying so.
func TestTrust_429WithoutADeadlineStopsAtTheCap(t *testing.T) {
	f := newFakeWix(t, answer(429, `{"message":"slow down"}`))
	client := f.client(t)
	client.throttleCap = 300 * time.Millisecond
	err := client.CancelEvent(context.Background(), testKey, testEntity)
	if !IsStatus(err, 429) || !strings.Contains(err.Error(), "the most waited without a deadline") {
		t.Fatalf("CancelEvent = %v, want the 429 and the cap", err)
	}
	if n := len(f.calls(PathCancel)); n < 3 || n > 40 {
		t.Fatalf("attempts = %d, want several within the 300ms cap (backoff 10-100ms)", n)
	}
}

// A password in base_url's userinfo (a proxy's) is a secret like the app
// secret: no log line and no error shows it.
func TestTrust_baseURLPasswordIsMasked(t *testing.T) {
	_, server := startSim(t)
	logs := &recordingLogger{}
	withPassword := strings.Replace(server.URL, "http://", "http://proxyuser:Pr0xyS3cret@", 1)
	client := newSimClient(t, withPassword, withLogger(logs))
	err := client.CancelEvent(context.Background(), wixsim.DemoTriggerKey, "not-a-guid")
	if err == nil {
		t.Fatal("the cancel of a malformed id succeeded; the test needs an error to look into")
	}
	requireNoSecret(t, "logs", logs.text(), "Pr0xyS3cret")
	requireNoSecret(t, "the error", err.Error(), "Pr0xyS3cret")
	if !strings.Contains(logs.text(), "Sending Wix API request") {
		t.Fatal("no request was logged: the test would pass for nothing")
	}
}
