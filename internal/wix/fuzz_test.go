package wix

// Fuzz targets for what the client reads from the network. Run briefly in CI
// by scripts/fuzz.sh; `go test` alone replays the seeds below and the
// committed corpus in testdata/fuzz.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeAPIError: any status, request id and body (what a gateway, a
// proxy or Wix itself may answer) decodes without panicking into an error
// that names the status and the request id, keeps Wix's own words, and stays
// valid UTF-8 when the input is.
func FuzzDecodeAPIError(f *testing.F) {
	seeds := []struct {
		status int
		id     string
		body   string
	}{
		{500, "1b2c3d4e-0000-4000-8000-000000000001", `{"message":"internal error","details":{"applicationError":{"code":"INTERNAL","description":"internal error","data":{}}}}`},
		{400, "req-2", `{"message":"invalid request","details":{"validationError":{"fieldViolations":[{"field":"externalEntityId","description":"must be a GUID","violatedRule":"FORMAT"}]}}}`},
		{403, "", `{"message":"app does not own trigger key","details":{"applicationError":{"code":"PERMISSION_DENIED","description":"other words"}}}`},
		{502, "req-4", "<html><body><h1>502 Bad Gateway</h1></body></html>"},
		{429, "req-5", ""},
		{401, "req-6", "null"},
		{404, "req-7", `["not","an","object"]`},
		{500, "req-8", `"a string"`},
		{503, "req-9", `{"message":123}`},
		{400, "req-10", `{"details":{"validationError":{"fieldViolations":null}}}`},
		{599, "req-11", "a" + strings.Repeat("€", 150)}, // a long non-JSON body cut inside a character
		{0, "", "\xff\xfe"},
		{-1, "\n", "{"},
	}
	for _, s := range seeds {
		f.Add(s.status, s.id, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, requestID string, body []byte) {
		header := http.Header{}
		header.Set("x-wix-request-id", requestID)
		e := decodeAPIError("Cancel Event", status, header, body)
		msg := e.Error()
		if e.StatusCode != status || !strings.Contains(msg, "HTTP "+strconv.Itoa(status)) {
			t.Fatalf("status %d: error %q does not carry it", status, msg)
		}
		if !strings.HasPrefix(msg, "Cancel Event: ") {
			t.Fatalf("error %q does not name the operation", msg)
		}
		if e.RequestID != requestID || (requestID != "" && !strings.Contains(msg, "x-wix-request-id: "+requestID)) {
			t.Fatalf("request id %q: error %q (RequestID %q)", requestID, msg, e.RequestID)
		}
		if e.Retryable() != isRetryableStatus(status) {
			t.Fatalf("Retryable() = %v for status %d", e.Retryable(), status)
		}
		if utf8.Valid(body) && utf8.ValidString(requestID) && !utf8.ValidString(msg) {
			t.Fatalf("valid UTF-8 in, invalid UTF-8 out: %q", msg)
		}
		var parsed wixErrorBody
		if json.Unmarshal(body, &parsed) != nil {
			// Not Wix's format: the start of the body stands in for a message.
			if len(e.Message) > maxExcerpt {
				t.Fatalf("message of %d bytes from a non-JSON body, want it cut to at most %d", len(e.Message), maxExcerpt)
			}
			if !strings.HasPrefix(strings.TrimSpace(string(body)), strings.TrimSuffix(e.Message, "…")) {
				t.Fatalf("message %q is not the start of the body %q", e.Message, body)
			}
			return
		}
		if e.Message != parsed.Message || (parsed.Message != "" && !strings.Contains(msg, parsed.Message)) {
			t.Fatalf("Wix's message %q is not in the error %q", parsed.Message, msg)
		}
		if ae := parsed.Details.ApplicationError; ae != nil && ae.Code != "" && !strings.Contains(msg, ae.Code) {
			t.Fatalf("application error code %q is not in the error %q", ae.Code, msg)
		}
		if ve := parsed.Details.ValidationError; ve != nil {
			for _, v := range ve.FieldViolations {
				if !strings.Contains(msg, fmt.Sprintf("field %q: %s", v.Field, v.Description)) {
					t.Fatalf("field violation %+v is not in the error %q", v, msg)
				}
			}
		}
	})
}

// FuzzParseRetryAfter: any Retry-After value gives a wait between 0 and
// maxRetryAfter that, for whole seconds, is exactly what the server asked for
// (capped), and the delay built on it is never shorter.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, seed := range []string{
		"", "0", "1", "2", "120", "-1", "1.5", " 3", "+4", "0x10", "soon",
		"86400", "86401", "18446744074", "9223372036854775807", "99999999999999999999",
		now.Add(30 * time.Second).Format(http.TimeFormat),
		"Fri, 31 Dec 9999 23:59:59 GMT",
		"Thu, 01 Jan 1970 00:00:00 GMT",
		"Monday, 02-Jan-06 15:04:05 MST",
	} {
		f.Add(seed)
	}
	b := newBackoffPolicy(10*time.Millisecond, 100*time.Millisecond)
	f.Fuzz(func(t *testing.T, value string) {
		d := parseRetryAfter(value, now)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %s, want 0 to %s", value, d, maxRetryAfter)
		}
		if n, err := strconv.ParseUint(value, 10, 64); err == nil && value[0] != '+' {
			want := maxRetryAfter
			if n < uint64(maxRetryAfter/time.Second) {
				want = time.Duration(n) * time.Second
			}
			if d != want {
				t.Fatalf("parseRetryAfter(%q) = %s, want %s", value, d, want)
			}
		}
		if wait := b.delay(3, d); wait < d || wait <= 0 {
			t.Fatalf("delay with Retry-After %s = %s, want at least that and positive", d, wait)
		}
	})
}
