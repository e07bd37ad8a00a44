package acctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Hook routes the provider's HTTP calls through before, which may answer a
// request itself (a refused connection, an altered request) or act before
// it leaves; a nil response and error let the request go on unchanged.
func (e *Env) Hook(before func(r *http.Request, base http.RoundTripper) (*http.Response, error)) {
	e.WrapTransport(func(base http.RoundTripper) http.RoundTripper {
		return hookTransport{base: base, before: before}
	})
}

// WrapTransport gives every client the provider builds a transport that
// wrap makes around the env's transport so far (at first one shared
// default transport), so that hooks compose: the last one wrapped sees a
// call first.
func (e *Env) WrapTransport(wrap func(base http.RoundTripper) http.RoundTripper) {
	if e.transport == nil {
		e.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	transport := wrap(e.transport)
	e.transport = transport
	e.overrides = append(e.overrides, func(c *wix.Config) {
		c.HTTPClient = &http.Client{Transport: transport}
	})
}

type hookTransport struct {
	base   http.RoundTripper
	before func(*http.Request, http.RoundTripper) (*http.Response, error)
}

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if res, err := h.before(r, h.base); res != nil || err != nil {
		return res, err
	}
	return h.base.RoundTrip(r)
}

// OnceBeforeCall arms, when the returned func runs, an act that runs just
// before the next call of this method leaves, once: a change behind
// Terraform's back between plan and apply.
func (e *Env) OnceBeforeCall(method string, act func() error) (arm func()) {
	var armed atomic.Bool
	e.Hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.Method == method && armed.CompareAndSwap(true, false) {
			return nil, act()
		}
		return nil, nil
	})
	return func() { armed.Store(true) }
}

// TokenLog records the access tokens Wix issues to the provider, read off
// the token endpoint's answers on their way back, and counts the clients
// with app credentials the provider builds (one per provider configuration).
type TokenLog struct {
	mu         sync.Mutex
	tokens     []string
	appClients int
}

// RecordTokens routes env's provider clients through a TokenLog.
func RecordTokens(env *Env) *TokenLog {
	log := &TokenLog{}
	env.overrides = append(env.overrides, func(c *wix.Config) {
		log.mu.Lock()
		defer log.mu.Unlock()
		if c.AccessToken == "" {
			log.appClients++
		}
	})
	env.WrapTransport(func(base http.RoundTripper) http.RoundTripper { return tokenTee{base: base, log: log} })
	return log
}

// Issued returns the tokens issued so far, in order, and the number of
// clients with app credentials.
func (l *TokenLog) Issued() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...), l.appClients
}

// tokenTee passes calls through to base and hands each token the token
// endpoint issues to log.
type tokenTee struct {
	base http.RoundTripper
	log  *TokenLog
}

func (t tokenTee) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err != nil || r.URL.Path != wix.PathToken || res.StatusCode != http.StatusOK {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.AccessToken != "" {
		t.log.mu.Lock()
		t.log.tokens = append(t.log.tokens, answer.AccessToken)
		t.log.mu.Unlock()
	}
	return res, nil
}
