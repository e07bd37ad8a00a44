package accesstoken_test

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Opening wix_access_token after the provider called Wix hands out the
// token those calls sent, with Wix's expiry, and asks for no new token; an
// action after it shares the token too.
func TestEphemeral_AccessToken_reusesTheClientsToken(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(nil)
	if _, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(1))); acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	sent := p.BulkCancelCalls()[0].Header.Get("Authorization")
	for range 2 {
		before := time.Now().Truncate(time.Second)
		token, expiresAt, diags := p.OpenAccessToken()
		if acctest.HasErrors(diags) {
			t.Fatalf("OpenEphemeralResource: %s", acctest.DiagText(diags))
		}
		if token != sent {
			t.Fatalf("access_token is not the token the provider's calls send")
		}
		checkExpiry(t, expiresAt, before)
	}
	if _, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(2))); acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	if got := p.TokenRequests(); got != 1 {
		t.Errorf("token requests = %d, want 1 for two actions and two opens", got)
	}
}

// checkExpiry checks that expires_at is RFC 3339 and about four hours (the
// simulator's token lifetime) after the token was fetched, which was not
// after notLater.
func checkExpiry(t *testing.T, expiresAt string, notLater time.Time) {
	t.Helper()
	at, err := time.Parse(time.RFC3339, expiresAt)
	if err != nil {
		t.Fatalf("expires_at %q is not RFC 3339: %v", expiresAt, err)
	}
	if at.After(notLater.Add(4*time.Hour)) || at.Before(notLater.Add(4*time.Hour-time.Minute)) {
		t.Errorf("expires_at = %s, want four hours after the token was fetched (before %s)", expiresAt, notLater.Add(4*time.Hour))
	}
}

// Opened first, wix_access_token fetches the token that later calls use.
func TestEphemeral_AccessToken_firstFetchIsShared(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(nil)
	token, _, diags := p.OpenAccessToken()
	if acctest.HasErrors(diags) || p.TokenRequests() != 1 {
		t.Fatalf("OpenEphemeralResource: %d token requests, %s", p.TokenRequests(), acctest.DiagText(diags))
	}
	if _, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(1))); acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	if p.TokenRequests() != 1 || p.BulkCancelCalls()[0].Header.Get("Authorization") != token {
		t.Errorf("token requests = %d; want 1, and the action to send the token wix_access_token gave", p.TokenRequests())
	}
}

// With a ready access_token, wix_access_token hands it out with a null
// expires_at, and calls nothing.
func TestEphemeral_AccessToken_readyToken(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	configured := p.Env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	p.ConfigureToken(configured)
	token, expiresAt, diags := p.OpenAccessToken()
	if acctest.HasErrors(diags) {
		t.Fatalf("OpenEphemeralResource: %s", acctest.DiagText(diags))
	}
	if token != configured || expiresAt != "" {
		t.Errorf("got a different token, or expires_at %q; want the configured token and a null expires_at", expiresAt)
	}
	if got := len(p.Env.Sim.Requests()); got != 0 {
		t.Errorf("requests to Wix = %d, want none", got)
	}
}

// Without credentials, or with credentials not known yet, opening fails
// and says which.
func TestEphemeral_AccessToken_noCredentials(t *testing.T) {
	acctest.Parallel(t)
	for name, tc := range map[string]struct {
		appID   tftypes.Value
		phrases []string
	}{
		"missing": {tftypes.NewValue(tftypes.String, nil), []string{"Missing Wix credentials", "app_id, app_secret and instance_id", "WIX_ACCESS_TOKEN"}},
		"unknown": {tftypes.NewValue(tftypes.String, tftypes.UnknownValue), []string{"Wix credentials not known yet", "known provider values"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := acctest.NewProtocol(t)
			p.ConfigureOK(map[string]tftypes.Value{
				"base_url": tftypes.NewValue(tftypes.String, p.Env.Server.URL),
				"app_id":   tc.appID,
			})
			_, _, diags := p.OpenAccessToken()
			acctest.ExpectDiag(t, diags, tc.phrases...)
			if got := len(p.Env.Sim.Requests()); got != 0 {
				t.Errorf("requests to Wix = %d, want none", got)
			}
		})
	}
}

// A token request Wix refuses shows Wix's OAuth error and its description
// and says to check the credentials; a token path the host does not serve
// (a wrong base_url) says to check base_url.
func TestEphemeral_AccessToken_tokenErrors(t *testing.T) {
	acctest.Parallel(t)
	for name, tc := range map[string]struct {
		extra   map[string]string
		phrases []string
	}{
		"wrong secret": {map[string]string{"app_secret": "not-the-secret"},
			[]string{"Could not get a Wix access token", "invalid_client", "invalid client_id or client_secret", "Check app_id, app_secret and instance_id"}},
		"not installed": {map[string]string{"instance_id": "0c0c0c0c-0000-4000-8000-000000000000"},
			[]string{"invalid_grant", "is not installed on instance", "Check app_id, app_secret and instance_id"}},
		"wrong base_url": {map[string]string{"base_url": "/wix"},
			[]string{"HTTP 404 Not Found for POST /wix/oauth2/token", "not Wix's JSON error body", "check base_url (WIX_BASE_URL)"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := acctest.NewProtocol(t)
			if tc.extra["base_url"] != "" {
				tc.extra["base_url"] = p.Env.Server.URL + tc.extra["base_url"]
			}
			p.ConfigureApp(acctest.StringValues(tc.extra))
			_, _, diags := p.OpenAccessToken()
			acctest.ExpectDiag(t, diags, tc.phrases...)
		})
	}
}
