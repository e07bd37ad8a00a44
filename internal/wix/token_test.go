package wix

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// tokenTestClient serves a fresh simulator whose tokens live ttl and builds
// a client for it with cfg's credentials (the demo app's when cfg has none).
func tokenTestClient(t *testing.T, ttl time.Duration, cfg Config) (*wixsim.Server, *Client) {
	t.Helper()
	sim := wixsim.New(wixsim.Options{TokenTTL: ttl})
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	cfg.BaseURL = server.URL
	if cfg.AccessToken == "" && cfg.AppID == "" {
		cfg.AppID, cfg.AppSecret, cfg.InstanceID = wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID
	}
	client, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return sim, client
}

// The token AccessToken hands out is the one the client's API calls send,
// fetched once however many callers ask at the same time, with the expiry
// Wix's expires_in gave.
func TestAccessToken_isTheClientsOneToken(t *testing.T) {
	sim, client := tokenTestClient(t, 2*time.Hour, Config{})
	before := time.Now()
	tokens := make([]string, 8)
	expiries := make([]time.Time, 8)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			var err error
			tokens[i], expiries[i], err = client.AccessToken(context.Background())
			if err != nil {
				t.Errorf("AccessToken: %v", err)
			}
		})
	}
	wg.Wait()
	after := time.Now()
	for i := range tokens {
		if tokens[i] != tokens[0] || !strings.HasPrefix(tokens[i], "OAUTH2.") {
			t.Fatalf("caller %d got a different or malformed token (%d characters)", i, len(tokens[i]))
		}
		if expiries[i].Before(before.Add(2*time.Hour)) || expiries[i].After(after.Add(2*time.Hour)) {
			t.Fatalf("expiresAt = %s, want two hours (the simulator's expires_in) after the fetch", expiries[i])
		}
	}
	if err := client.CancelEvent(context.Background(), wixsim.DemoTriggerKey, "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"); err != nil {
		t.Fatalf("CancelEvent: %v", err)
	}
	if got := len(sim.RequestsTo(PathToken)); got != 1 {
		t.Errorf("token requests = %d, want 1 for eight AccessToken calls and a Cancel Event", got)
	}
	cancels := sim.RequestsTo(PathCancel)
	if len(cancels) != 1 || cancels[0].Header.Get("Authorization") != tokens[0] {
		t.Errorf("Cancel Event did not send the token AccessToken returned")
	}
}

// A ready access token is handed out as configured, with no expiry and no
// token request.
func TestAccessToken_readyToken(t *testing.T) {
	sim, client := tokenTestClient(t, 0, Config{AccessToken: "OAUTH2.ready-made"})
	token, expiresAt, err := client.AccessToken(context.Background())
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	if token != "OAUTH2.ready-made" || !expiresAt.IsZero() {
		t.Errorf("AccessToken = (%d characters, %s), want the configured token and the zero time", len(token), expiresAt)
	}
	if got := len(sim.Requests()); got != 0 {
		t.Errorf("requests = %d, want none", got)
	}
}

// A token that cannot be had is an error that names the app, not its secret.
func TestAccessToken_rejectedCredentials(t *testing.T) {
	const secret = "not-the-demo-secret"
	_, client := tokenTestClient(t, 0, Config{AppID: wixsim.DemoAppID, AppSecret: secret, InstanceID: wixsim.DemoInstanceID, MaxRetries: 1})
	token, _, err := client.AccessToken(context.Background())
	if err == nil || token != "" {
		t.Fatalf("AccessToken = (%d characters, %v), want no token and an error", len(token), err)
	}
	if !strings.Contains(err.Error(), wixsim.DemoAppID) || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), secret) {
		t.Errorf("error = %q, want the app id and the 401, without the secret", err)
	}
}

// A token that a 401 dropped after AccessToken fetched it has no known
// expiry: the expiry held belongs to the token that replaces it, and
// pairing the two would promise the old token a life it no longer has.
func TestAccessToken_droppedTokenHasNoKnownExpiry(t *testing.T) {
	_, client := tokenTestClient(t, time.Hour, Config{})
	old, _, err := client.AccessToken(context.Background())
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	source, ok := client.tokens.(*appTokenSource)
	if !ok {
		t.Fatalf("token source = %T, want the app's", client.tokens)
	}
	source.invalidate(old)
	fresh, expiresAt, err := client.AccessToken(context.Background())
	if err != nil {
		t.Fatalf("AccessToken after the drop: %v", err)
	}
	if fresh == old || expiresAt.IsZero() {
		t.Fatalf("after the drop AccessToken = (same token: %t, %s), want a new token with its expiry", fresh == old, expiresAt)
	}
	if got := source.expiry(old); !got.IsZero() {
		t.Errorf("expiry of the dropped token = %s, want the zero time", got)
	}
	if got := source.expiry(fresh); !got.Equal(expiresAt) {
		t.Errorf("expiry of the new token = %s, want %s", got, expiresAt)
	}
}

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
	if err == nil || !strings.Contains(err.Error(), "lacks access_token") {
		t.Fatalf("CancelEvent = %v, want a missing-token error", err)
	}
}
