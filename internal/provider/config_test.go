package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The provider can be configured entirely from WIX_* variables.
func TestAccProvider_environmentVariables(t *testing.T) {
	env := newSimEnv(t)
	t.Setenv(envBaseURL, env.server.URL)
	t.Setenv(envAppID, wixsim.DemoAppID)
	t.Setenv(envAppSecret, wixsim.DemoAppSecret)
	t.Setenv(envInstanceID, wixsim.DemoInstanceID)
	t.Setenv(envRequestsPerMinute, "0")
	t.Setenv(envMaxRetries, "1")
	env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 503, Count: 5})
	env.test(t, []resource.TestStep{
		// WIX_MAX_RETRIES=1: two attempts, then Wix's 503 reaches the user.
		{
			Config:      bareProviderBlock() + cancellationsConfig(env.triggerKey, entityIDs(1)),
			ExpectError: expectWords("HTTP 503", "gave up after 2 attempts"),
		},
		{
			PreConfig: env.sim.ClearFaults,
			Config:    bareProviderBlock() + cancellationsConfig(env.triggerKey, entityIDs(1)),
			Check:     env.canceledOnce(env.triggerKey, entityIDs(1)...),
		},
	})
	if got := len(env.sim.RequestsTo(wix.PathCancel)); got != 3 {
		t.Errorf("Cancel Event attempts = %d, want 2 (WIX_MAX_RETRIES=1) + 1", got)
	}
}

// A value in the block wins over its environment variable.
func TestAccProvider_blockWinsOverEnvironment(t *testing.T) {
	env := newSimEnv(t)
	t.Setenv(envAppSecret, "a-wrong-secret-from-the-environment")
	t.Setenv(envBaseURL, "http://127.0.0.1:1")
	env.test(t, []resource.TestStep{{
		Config: env.providerBlock() + cancellationsConfig(env.triggerKey, entityIDs(1)),
		Check:  env.canceledOnce(env.triggerKey, entityIDs(1)...),
	}})
}

// A ready access token is sent as it is, and no token is requested.
func TestAccProvider_accessToken(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	ids := entityIDs(2)
	env.test(t, []resource.TestStep{{
		Config: bareProviderBlock(env.baseURLLine(), fmt.Sprintf("access_token = %q", token)) + cancellationsConfig(env.triggerKey, ids),
		Check: resource.ComposeTestCheckFunc(env.canceledOnce(env.triggerKey, ids...), env.onSim(func() error {
			if n := len(env.sim.RequestsTo(wix.PathToken)); n != 0 {
				return fmt.Errorf("token requests = %d, want 0 with a ready access token", n)
			}
			for _, r := range env.cancellationRequests() {
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
	env := newSimEnv(t)
	t.Setenv(envAccessToken, env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0))
	env.test(t, []resource.TestStep{{
		Config: bareProviderBlock(env.baseURLLine()) + cancellationsConfig(env.triggerKey, entityIDs(1)),
		Check:  env.canceledOnce(env.triggerKey, entityIDs(1)...),
	}})
}

// Values that come from resources not yet applied must not break plan; the
// provider is configured with the known values at apply.
func TestAccProvider_unknownValuesInBlock(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	config := fmt.Sprintf(`
resource "terraform_data" "wix" {
  input = { base_url = %q, token = %q }
}
`, env.server.URL, token) + bareProviderBlock(
		"base_url     = terraform_data.wix.output.base_url",
		"access_token = terraform_data.wix.output.token",
	) + cancellationsConfig(env.triggerKey, entityIDs(2))
	env.test(t, []resource.TestStep{{Config: config, Check: env.canceledOnce(env.triggerKey, entityIDs(2)...)}})
}

// A malformed configuration is an error whenever the provider is
// configured, naming the attributes and environment variables involved.
func TestAccProvider_malformedConfiguration(t *testing.T) {
	env := newSimEnv(t)
	url := env.baseURLLine()
	cases := []struct {
		name  string
		env   map[string]string
		lines []string
		want  []string
	}{
		{"app id alone", nil, []string{url, `app_id = "x"`},
			[]string{"Incomplete Wix app credentials", "app_id is set, but app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID) are not", "access_token (WIX_ACCESS_TOKEN)"}},
		{"app id from the environment alone", map[string]string{envAppID: "x"}, []string{url},
			[]string{"Incomplete Wix app credentials", "app_id (from WIX_APP_ID) is set"}},
		{"both credential sets", map[string]string{envAppSecret: "s"}, []string{url, `access_token = "t"`, `app_id = "x"`, `instance_id = "i"`},
			[]string{"Conflicting Wix credentials", "access_token", "access_token is set, and so are app_id, app_secret (from WIX_APP_SECRET) and instance_id", "WIX_ACCESS_TOKEN"}},
		{"plain http to a remote host", nil, []string{`base_url = "http://www.example.com"`},
			[]string{"Invalid Wix base URL", "https is required"}},
		{"plain http to a remote host from the environment", map[string]string{envBaseURL: "http://10.1.2.3:8080"}, nil,
			[]string{"Invalid Wix base URL", "base_url (from WIX_BASE_URL)", "https is required"}},
		{"not a URL", nil, []string{`base_url = "www.wixapis.com"`},
			[]string{"Invalid Wix base URL", "not an absolute http(s) URL"}},
		{"negative pacing", nil, []string{url, `requests_per_minute = -1`},
			[]string{"requests_per_minute", "at least 0"}},
		{"negative retries from the environment", map[string]string{envMaxRetries: "-2"}, []string{url},
			[]string{"Invalid WIX_MAX_RETRIES environment variable", "not a whole number of 0 or more"}},
		{"pacing not a number", map[string]string{envRequestsPerMinute: "fast"}, []string{url},
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
				env.test(t, []resource.TestStep{{
					Config:      bareProviderBlock(tc.lines...) + cancellationsConfig(env.triggerKey, entityIDs(1)),
					PlanOnly:    true,
					ExpectError: expectWords(tc.want...),
				}})
			})
		}
	})
	if n := len(env.sim.Requests()); n != 0 {
		t.Fatalf("malformed configurations reached Wix: %d requests", n)
	}
}
