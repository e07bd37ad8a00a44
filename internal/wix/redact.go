package wix

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// redactor masks every secret the client knows (the app secret, a
// configured access token, each token fetched so far) in error texts and
// log lines. Wix's error bodies may quote what they were sent, so each
// secret is also masked in the forms it takes inside JSON and URLs.
type redactor struct {
	mu       sync.RWMutex
	known    map[string]bool
	replacer *strings.Replacer
}

func newRedactor(secrets ...string) *redactor {
	r := &redactor{known: map[string]bool{}}
	for _, s := range secrets {
		r.add(s)
	}
	return r
}

// add makes secret, and its escaped forms, masked from now on.
func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known[secret] {
		return
	}
	r.known[secret] = true
	forms := map[string]bool{}
	for s := range r.known {
		for _, f := range secretForms(s) {
			forms[f] = true
		}
	}
	// Longest first: the replacer takes the first form that matches at a
	// position, and a secret's escaped form may contain a shorter secret.
	sorted := slices.Collect(maps.Keys(forms))
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	var pairs []string
	for _, f := range sorted {
		pairs = append(pairs, f, redacted)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// redact returns s with every known secret masked.
func (r *redactor) redact(s string) string {
	r.mu.RLock()
	replacer := r.replacer
	r.mu.RUnlock()
	if replacer == nil {
		return s
	}
	return replacer.Replace(s)
}

// secretForms are the ways secret may be spelled in a body that quotes it:
// raw, JSON-escaped (Go's HTML-safe escaping, plain escaping, escaped
// slashes, and non-ASCII as \u escapes in either case), and URL-escaped.
func secretForms(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if quoted, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(quoted[1:len(quoted)-1]))
	}
	plain, ascii := jsonEscape(secret, false), jsonEscape(secret, true)
	forms = append(forms, plain, strings.ReplaceAll(plain, "/", `\/`), ascii, upperHexEscapes(ascii))
	return slices.DeleteFunc(forms, func(f string) bool { return f == "" })
}

// jsonEscape escapes s as the inside of a JSON string without HTML
// escaping; asciiOnly also writes every non-ASCII character as \uXXXX, as
// Java and Python JSON encoders do by default.
func jsonEscape(s string, asciiOnly bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || (asciiOnly && r > 0x7e):
			writeUnicodeEscape(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func writeUnicodeEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		r -= 0x10000
		fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// upperHexEscapes turns the hex digits of \uxxxx escapes upper case.
func upperHexEscapes(s string) string {
	parts := strings.Split(s, `\u`)
	for i := 1; i < len(parts); i++ {
		if len(parts[i]) >= 4 {
			parts[i] = strings.ToUpper(parts[i][:4]) + parts[i][4:]
		}
	}
	return strings.Join(parts, `\u`)
}

// Redact masks every secret the client knows in s: the app secret, the
// configured access token, and every access token fetched so far, raw and
// as they appear escaped in JSON or URLs. The provider uses it for the
// texts it builds itself; errors and logs of the client are masked already.
func (c *Client) Redact(s string) string { return c.redactor.redact(s) }

// redactedError is an error whose text had a secret in it. Its text is
// masked; Unwrap keeps errors.Is and errors.As working.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError masks the client's secrets in err's text.
func (c *Client) redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if masked := c.redactor.redact(msg); masked != msg {
		return &redactedError{msg: masked, err: err}
	}
	return err
}
