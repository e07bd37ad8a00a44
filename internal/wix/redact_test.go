package wix

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Unit tests of the redactor: every form of a secret, and errors that
// quote one.

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
