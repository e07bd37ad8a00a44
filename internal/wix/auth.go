package wix

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// tokenSource hands out the access token sent in Authorization.
type tokenSource interface {
	token(ctx context.Context) (string, error)
	// invalidate drops token if it is still the one being handed out.
	invalidate(token string)
	// refreshable says whether a new token can be had after a 401.
	refreshable() bool
}

// staticToken is a ready access token minted elsewhere (a CI secret store).
type staticToken string

func (t staticToken) token(context.Context) (string, error) { return string(t), nil }
func (staticToken) invalidate(string)                       {}
func (staticToken) refreshable() bool                       { return false }

// tokenFetchTimeout bounds the shared token call. It is detached from the
// caller's context so that one resource's timeout or cancellation does not
// fail every other resource waiting on the same fetch.
const tokenFetchTimeout = 2 * time.Minute

// appTokenSource holds the one OAuth client-credentials token of a provider
// process. It is written here because golang.org/x/oauth2's clientcredentials
// sends a form-encoded body (Wix's endpoint takes JSON) and its TokenSource
// takes no context and cannot drop a token that Wix rejected.
type appTokenSource struct {
	client                       *Client
	appID, appSecret, instanceID string

	mu      sync.Mutex
	current string
	renewAt time.Time
	fetches singleflight.Group
	now     func() time.Time

	// expiresAt is when current lapses, as Wix's expires_in said.
	expiresAt time.Time
}

func newAppTokenSource(c *Client, appID, appSecret, instanceID string) *appTokenSource {
	return &appTokenSource{client: c, appID: appID, appSecret: appSecret, instanceID: instanceID, now: time.Now}
}

func (s *appTokenSource) refreshable() bool { return true }

func (s *appTokenSource) cached() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current, s.current != "" && s.now().Before(s.renewAt)
}

func (s *appTokenSource) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == token {
		s.current = ""
	}
}

// token returns the cached token, or joins the one fetch in flight: however
// many resources start at once, Wix sees one token request.
func (s *appTokenSource) token(ctx context.Context) (string, error) {
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	result := s.fetches.DoChan("token", func() (any, error) {
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenFetchTimeout)
		defer cancel()
		return s.fetch(fetchCtx)
	})
	select {
	case r := <-result:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for an access token: %w", context.Cause(ctx))
	}
}

// opToken names the token call in messages.
const opToken = "Wix OAuth token request" //nolint:gosec // G101: the name of a call in messages, not a credential

type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	InstanceID   string `json:"instance_id"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (s *appTokenSource) fetch(ctx context.Context) (string, error) {
	// Another caller may have stored a fresh token while this one queued.
	if tok, ok := s.cached(); ok {
		return tok, nil
	}
	var out tokenResponse
	err := s.client.do(ctx, operation{
		name:      opToken,
		path:      PathToken,
		body:      tokenRequest{GrantType: "client_credentials", ClientID: s.appID, ClientSecret: s.appSecret, InstanceID: s.instanceID},
		out:       &out,
		repeat:    repeatable, // asking for a token twice only yields two tokens
		sensitive: true,
	})
	if err != nil {
		return "", fmt.Errorf("could not get an access token for app %s on instance %s: %w", s.appID, s.instanceID, err)
	}
	lifetime := time.Duration(out.ExpiresIn) * time.Second
	if lifetime <= 0 {
		// No expires_in: keep the token a short while; a 401 renews it anyway.
		lifetime = 10 * time.Minute
	}
	s.store(out.AccessToken, lifetime)
	return out.AccessToken, nil
}

// store keeps the token until a margin before it expires, so that no call
// starts with a token about to lapse in flight: 5 minutes, or a tenth of the
// lifetime for short-lived tokens.
func (s *appTokenSource) store(token string, lifetime time.Duration) {
	margin := min(5*time.Minute, lifetime/10)
	// Masked from now on, before anyone can send it and see it quoted back.
	s.client.redactor.add(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current = token
	s.renewAt = s.now().Add(lifetime - margin)
	s.expiresAt = s.now().Add(lifetime)
}
