package wix

// Unit tests of the client itself: its configuration, what counts as
// Wix's answer, and what it logs.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

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
		"a query":              func(c *Config) { c.BaseURL = "https://www.wixapis.com?tenant=1" },
		"a query after a path": func(c *Config) { c.BaseURL = "https://proxy.example/wix/?a=b" },
		"an empty query":       func(c *Config) { c.BaseURL = "https://www.wixapis.com?" },
		"a fragment":           func(c *Config) { c.BaseURL = "https://www.wixapis.com#x" },
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

// A base_url error never shows the password of its userinfo (a proxy's):
// set from WIX_BASE_URL, it has no source line Terraform would hide, and
// the error goes to CI logs.
func TestUnit_baseURLErrorsMaskThePassword(t *testing.T) {
	for _, raw := range []string{
		"http://proxyuser:Pr0xyS3cret@proxy.example.com",
		"https://proxyuser:Pr0xyS3cret@proxy.example.com/wix?x=1",
		"https://proxyuser:Pr0xyS3cret@[::1",
		"ftp://proxyuser:Pr0xyS3cret@proxy.example.com/a@b",
	} {
		err := ValidateBaseURL(raw)
		if err == nil {
			t.Fatalf("%s: accepted", raw)
		}
		if strings.Contains(err.Error(), "Pr0xyS3cret") || !strings.Contains(err.Error(), "proxy") && !strings.Contains(err.Error(), "[::1") {
			t.Errorf("%s: error %q shows the password, or not which URL", raw, err)
		}
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

// Request logs carry the body only when there is one, masked for the token
// call; the Authorization header is never logged.
func TestUnit_requestLogs(t *testing.T) {
	logs := &recordingLogger{}
	f := newFakeWix(t, answer(200, `{"automation":{"id":"x","revision":"1"}}`))
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
		strings.Contains(sent[1], "body:") || !strings.Contains(sent[1], "method:GET") || !strings.Contains(sent[1], "?automationId=x&fields=OVERRIDE_SCHEMA") {
		t.Fatalf("request logs:\n%s\nwant the token call's body masked and no body for GET", strings.Join(sent, "\n"))
	}
	requireNoSecret(t, "logs", logs.text(), fakeToken)
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

// An answer over the read bound fails as such, naming the bound, not as a
// truncated body taken for a proxy's page; for a create, which may have
// acted all the same, the outcome is uncertain.
func TestUnit_answerOverTheReadBound(t *testing.T) {
	big := `{"automation":{"id":"x","revision":"1","name":"` + strings.Repeat("a", 2048) + `"}}`
	f := newFakeWix(t, answer(200, big))
	client := f.client(t)
	client.maxResponse = 1024
	_, err := client.GetAutomation(context.Background(), "x")
	if err == nil || !strings.Contains(err.Error(), "is larger than 1024 bytes") || strings.Contains(err.Error(), "proxy") {
		t.Fatalf("Get of a 2 KB answer with a 1 KB bound: %v", err)
	}
	_, err = client.CreateAutomation(context.Background(), Automation{Name: "n"})
	if !errors.Is(err, ErrMayHaveReachedWix) {
		t.Fatalf("Create of a 2 KB answer with a 1 KB bound: %v, want an uncertain outcome", err)
	}
	client.maxResponse = maxResponseBytes
	if _, err := client.GetAutomation(context.Background(), "x"); err != nil {
		t.Fatalf("the same answer under the real bound: %v", err)
	}
}
