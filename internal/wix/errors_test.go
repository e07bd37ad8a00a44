package wix

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Unit tests of the error texts: excerpts, redirects, and exactly what
// each error says.

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

// A call that got no answer at all is unreachable; one Wix answered, or
// that a routing miss answered, is not.
func TestUnit_isUnreachable(t *testing.T) {
	c, err := New(Config{BaseURL: "http://" + closedAddress(t), AccessToken: "a-ready-token", MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	refused := c.CancelEvent(context.Background(), testKey, testEntity)
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused connection", refused, true},
		{"unknown host", fmt.Errorf("Get Automation: %w", &net.DNSError{Err: "no such host", Name: "www.wixapis.invalid"}), true},
		{"Wix's 503", &APIError{Operation: "Cancel Event", StatusCode: 503}, false},
		{"a routing miss", &RoutingMissError{Operation: "Get Automation", Method: "GET"}, false},
	} {
		if got := IsUnreachable(tc.err); got != tc.want {
			t.Errorf("%s: IsUnreachable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
