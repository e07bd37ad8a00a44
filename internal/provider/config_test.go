package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The provider can be configured entirely from WIX_* variables.
func TestAccProvider_environmentVariables(t *testing.T) {
	env := acctest.NewSimEnv(t)
	t.Setenv(acctest.EnvBaseURL, env.Server.URL)
	t.Setenv(acctest.EnvAppID, wixsim.DemoAppID)
	t.Setenv(acctest.EnvAppSecret, wixsim.DemoAppSecret)
	t.Setenv(acctest.EnvInstanceID, wixsim.DemoInstanceID)
	t.Setenv(acctest.EnvRequestsPerMinute, "0")
	t.Setenv(acctest.EnvMaxRetries, "1")
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 503, Count: 5})
	env.Test(t, []resource.TestStep{
		// WIX_MAX_RETRIES=1: two attempts, then Wix's 503 reaches the user.
		{
			Config:      acctest.BareProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
			ExpectError: acctest.ExpectWords("HTTP 503", "gave up after 2 attempts"),
		},
		{
			PreConfig: env.Sim.ClearFaults,
			Config:    acctest.BareProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
			Check:     env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...),
		},
	})
	if got := len(env.Sim.RequestsTo(wix.PathCancel)); got != 3 {
		t.Errorf("Cancel Event attempts = %d, want 2 (WIX_MAX_RETRIES=1) + 1", got)
	}
}

// A value in the block wins over its environment variable.
func TestAccProvider_blockWinsOverEnvironment(t *testing.T) {
	env := acctest.NewSimEnv(t)
	t.Setenv(acctest.EnvAppSecret, "a-wrong-secret-from-the-environment")
	t.Setenv(acctest.EnvBaseURL, "http://127.0.0.1:1")
	env.Test(t, []resource.TestStep{{
		Config: env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
		Check:  env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...),
	}})
}

// What the block sets explicitly wins over the environment: a credential
// set in the block makes the provider ignore the other set's WIX_*
// variables, whichever way round.
func TestAccProvider_blockCredentialSetWinsOverTheEnvironment(t *testing.T) {
	t.Run("access token in the block, app credentials in the environment", func(t *testing.T) {
		env := acctest.NewSimEnv(t)
		token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
		setAppCredentials(t, wixsim.DemoAppID, "a-secret-the-provider-must-not-use", wixsim.DemoInstanceID)
		env.Test(t, []resource.TestStep{{
			Config: acctest.BareProviderBlock(env.BaseURLLine(), fmt.Sprintf("access_token = %q", token)) +
				acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
			Check: resource.ComposeTestCheckFunc(env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...), env.OnSim(func() error {
				return sentWith(env, token, 0)
			})),
		}})
	})
	t.Run("app credentials in the block, an access token in the environment", func(t *testing.T) {
		env := acctest.NewSimEnv(t)
		t.Setenv(acctest.EnvAccessToken, "a-token-the-provider-must-not-use")
		env.Test(t, []resource.TestStep{{
			Config: env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
			Check: resource.ComposeTestCheckFunc(env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...), env.OnSim(func() error {
				if got := env.CancellationRequests()[0].Header.Get("Authorization"); got == "a-token-the-provider-must-not-use" {
					return fmt.Errorf("the provider canceled with WIX_ACCESS_TOKEN, not with the block's app credentials")
				}
				return sentWith(env, "", 1)
			})),
		}})
	})
}

// setAppCredentials puts an app credential set in the environment.
func setAppCredentials(t *testing.T, appID, secret, instanceID string) {
	t.Setenv(acctest.EnvAppID, appID)
	t.Setenv(acctest.EnvAppSecret, secret)
	t.Setenv(acctest.EnvInstanceID, instanceID)
}

// sentWith checks that the cancellations carried token (when set) and
// that the provider asked for tokens exactly wantTokenCalls times.
func sentWith(env *acctest.Env, token string, wantTokenCalls int) error {
	if n := len(env.Sim.RequestsTo(wix.PathToken)); n != wantTokenCalls {
		return fmt.Errorf("token requests = %d, want %d", n, wantTokenCalls)
	}
	for _, r := range env.CancellationRequests() {
		if token != "" && r.Header.Get("Authorization") != token {
			return fmt.Errorf("a cancellation was not sent with the block's access token")
		}
	}
	return nil
}

// A ready access token is sent as it is, and no token is requested.
func TestAccProvider_accessToken(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	ids := acctest.EntityIDs(2)
	env.Test(t, []resource.TestStep{{
		Config: acctest.BareProviderBlock(env.BaseURLLine(), fmt.Sprintf("access_token = %q", token)) + acctest.CancellationsConfig(env.TriggerKey, ids),
		Check: resource.ComposeTestCheckFunc(env.CanceledOnce(env.TriggerKey, ids...), env.OnSim(func() error {
			if n := len(env.Sim.RequestsTo(wix.PathToken)); n != 0 {
				return fmt.Errorf("token requests = %d, want 0 with a ready access token", n)
			}
			for _, r := range env.CancellationRequests() {
				if r.Header.Get("Authorization") != token {
					return fmt.Errorf("Authorization header is not the configured token, sent raw")
				}
			}
			return nil
		})),
	}})
}

// WIX_ACCESS_TOKEN works like access_token.
func TestAccProvider_accessTokenFromEnvironment(t *testing.T) {
	env := acctest.NewSimEnv(t)
	t.Setenv(acctest.EnvAccessToken, env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0))
	env.Test(t, []resource.TestStep{{
		Config: acctest.BareProviderBlock(env.BaseURLLine()) + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
		Check:  env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...),
	}})
}

// Values that come from resources not yet applied must not break plan; the
// provider is configured with the known values at apply.
func TestAccProvider_unknownValuesInBlock(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	config := fmt.Sprintf(`
resource "terraform_data" "wix" {
  input = { base_url = %q, token = %q }
}
`, env.Server.URL, token) + acctest.BareProviderBlock(
		"base_url     = terraform_data.wix.output.base_url",
		"access_token = terraform_data.wix.output.token",
	) + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(2))
	env.Test(t, []resource.TestStep{{Config: config, Check: env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(2)...)}})
}

// An automation whose provider block takes its credentials, or its
// base_url, from a resource that changes in the same plan still plans: its
// refresh keeps state (the contract: unknown values in the block must not
// break plan of managed resources), and the apply, with the values known,
// changes nothing at Wix. Before, the refresh failed with "Missing Wix
// credentials" although they were configured, and with only base_url
// unknown it would have read the automation from the default base URL.
// A data source, which needs known values, says so.
func TestAccProvider_unknownValuesInBlockKeepAnAutomationsPlan(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	fromResource := func(rev string, lines ...string) string {
		return fmt.Sprintf(`
resource "terraform_data" "wix" {
  input = { base_url = %q, token = %q, rev = %q }
}
`, env.Server.URL, token, rev) + acctest.BareProviderBlock(lines...) + env.AutomationBlock(acctest.AutomationSpec{})
	}
	both := []string{"base_url     = terraform_data.wix.output.base_url", "access_token = terraform_data.wix.output.token"}
	baseURLOnly := []string{"base_url     = terraform_data.wix.output.base_url", fmt.Sprintf("access_token = %q", token)}
	keptAsItWas := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("terraform_data.wix", plancheck.ResourceActionUpdate),
	}}
	env.Test(t, []resource.TestStep{
		{Config: fromResource("1", both...)},
		{Config: fromResource("2", both...), ConfigPlanChecks: keptAsItWas},
		{Config: fromResource("3", baseURLOnly...), ConfigPlanChecks: keptAsItWas,
			Check: env.ExpectAutomationCount(1)},
		{
			Config: fromResource("4", both...) + `
data "wix_automations" "all" {}
`,
			ExpectError: acctest.ExpectWords("Wix credentials not known yet", "wix_automations data source", "known at plan time"),
		},
	})
}

// A malformed configuration is an error whenever the provider is
// configured, naming the attributes and environment variables involved.
func TestAccProvider_malformedConfiguration(t *testing.T) {
	env := acctest.NewSimEnv(t)
	url := env.BaseURLLine()
	cases := []struct {
		name  string
		env   map[string]string
		lines []string
		want  []string
	}{
		{"app id alone", nil, []string{url, `app_id = "x"`},
			[]string{"Incomplete Wix app credentials", "app_id is set, but app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID) are not", "access_token (WIX_ACCESS_TOKEN)"}},
		{"app id from the environment alone", map[string]string{acctest.EnvAppID: "x"}, []string{url},
			[]string{"Incomplete Wix app credentials", "app_id (from WIX_APP_ID) is set"}},
		{"both credential sets", map[string]string{acctest.EnvAppSecret: "s"}, []string{url, `access_token = "t"`, `app_id = "x"`, `instance_id = "i"`},
			[]string{"Conflicting Wix credentials", "access_token", "access_token is set, and so are app_id, app_secret (from WIX_APP_SECRET) and instance_id", "WIX_ACCESS_TOKEN"}},
		{"both credential sets in the environment", map[string]string{acctest.EnvAccessToken: "t", acctest.EnvAppID: "x", acctest.EnvAppSecret: "s", acctest.EnvInstanceID: "i"}, []string{url},
			[]string{"Conflicting Wix credentials", "access_token (from WIX_ACCESS_TOKEN) is set, and so are app_id (from WIX_APP_ID)",
				"setting the other in the provider block is enough"}},
		{"plain http to a remote host", nil, []string{`base_url = "http://www.example.com"`},
			[]string{"Invalid Wix base URL", "https is required"}},
		{"plain http to a remote host from the environment", map[string]string{acctest.EnvBaseURL: "http://10.1.2.3:8080"}, nil,
			[]string{"Invalid Wix base URL", "base_url (from WIX_BASE_URL)", "https is required"}},
		{"not a URL", nil, []string{`base_url = "www.wixapis.com"`},
			[]string{"Invalid Wix base URL", "not an absolute http(s) URL"}},
		{"a query in base_url", nil, []string{`base_url = "https://www.wixapis.com?tenant=1"`},
			[]string{"Invalid Wix base URL", "has a query or fragment", "the API paths are appended to base_url"}},
		// The password shows masked, so the phrase proves it is not shown.
		{"a proxy password in WIX_BASE_URL", map[string]string{acctest.EnvBaseURL: "http://proxyuser:Pr0xyS3cret@proxy.example.com"}, nil,
			[]string{"Invalid Wix base URL", `"http://proxyuser:xxxxx@proxy.example.com" uses plain http`}},
		{"negative pacing", nil, []string{url, `requests_per_minute = -1`},
			[]string{"requests_per_minute", "at least 0"}},
		{"negative retries from the environment", map[string]string{acctest.EnvMaxRetries: "-2"}, []string{url},
			[]string{"Invalid WIX_MAX_RETRIES environment variable", "not a whole number of 0 or more"}},
		{"pacing not a number", map[string]string{acctest.EnvRequestsPerMinute: "fast"}, []string{url},
			[]string{"Invalid WIX_REQUESTS_PER_MINUTE", `"fast"`}},
		{"send_after not a duration", nil, []string{url, "batching {\n    send_after = \"soon\"\n  }"},
			[]string{"batching.send_after", `"soon"`, `it must be a duration from 0s to 1m, such as "500ms"`}},
		{"batch too large", nil, []string{url, "batching {\n    max_batch_size = 101\n  }"},
			[]string{"max_batch_size", "between 1 and 100"}},
		{"empty app secret", nil, []string{url, `app_id = "x"`, `app_secret = ""`, `instance_id = "i"`},
			[]string{"app_secret", "at least 1"}},
	}
	// The cases that set environment variables run one at a time, first;
	// then the others, alongside each other. "all" returns when every case
	// has, so the check below sees them all.
	t.Run("all", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if len(tc.env) == 0 {
					t.Parallel()
				}
				for name, value := range tc.env {
					t.Setenv(name, value)
				}
				env.Test(t, []resource.TestStep{{
					Config:      acctest.BareProviderBlock(tc.lines...) + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1)),
					PlanOnly:    true,
					ExpectError: acctest.ExpectWords(tc.want...),
				}})
			})
		}
	})
	if n := len(env.Sim.Requests()); n != 0 {
		t.Fatalf("malformed configurations reached Wix: %d requests", n)
	}
}
