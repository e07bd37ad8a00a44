package provider_test

// No secret leaks, in any auth mode: the app secret, a ready access token and
// every token the provider fetched must not appear in state, plan output,
// error messages, or TF_LOG=trace output. Each test drives a real Terraform
// CLI through successful and failing applies, with every log turned up to
// trace, and scans everything a user could see or keep afterwards.

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// secretCredentials gives the provider fresh, unguessable credentials in
// mode (the simulator's demo secret is public), registers them with the
// scan, and returns the provider block's lines.
func secretCredentials(t *testing.T, env *acctest.Env, scan *acctest.SecretScan, mode acctest.AuthMode) []string {
	lines := []string{env.BaseURLLine(), "max_retries = 1"}
	if !mode.AppCredentials {
		token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
		scan.Secret("the access token", token)
		if mode.FromEnv {
			t.Setenv(acctest.EnvAccessToken, token)
			return lines
		}
		return append(lines, fmt.Sprintf("access_token = %q", token))
	}
	appSecret := acctest.RandomSecret("wix-app-secret-")
	env.Sim.AddApp(wixsim.DemoAppID, appSecret, wixsim.DemoInstanceID)
	scan.Secret("the app secret", appSecret)
	if mode.FromEnv {
		t.Setenv(acctest.EnvAppID, wixsim.DemoAppID)
		t.Setenv(acctest.EnvAppSecret, appSecret)
		t.Setenv(acctest.EnvInstanceID, wixsim.DemoInstanceID)
		return lines
	}
	return append(lines, fmt.Sprintf("app_id      = %q", wixsim.DemoAppID),
		fmt.Sprintf("app_secret  = %q", appSecret), fmt.Sprintf("instance_id = %q", wixsim.DemoInstanceID))
}

// authFailure makes authentication fail in mode: the token call, or, for a
// ready token, which has no token call, Wix rejecting it.
func authFailure(mode acctest.AuthMode) (wixsim.Fault, []string) {
	if !mode.AppCredentials {
		return wixsim.Fault{Path: wix.PathCancel, Status: 401, Count: 1000, Message: "token revoked"},
			[]string{"Wix rejected the credentials", "token revoked"}
	}
	return wixsim.Fault{Path: wix.PathToken, Status: 500, Count: 1000, Message: "token service down"},
		[]string{"could not get an access token", "token service down"}
}

// testNoSecretLeaks runs successful and failing applies in one auth mode,
// with Terraform's and the provider's logs at trace, and scans state (JSON
// and the files on disk), plans (JSON, and the human-readable plan that
// plugin-testing logs at trace), every error, and the whole log.
func testNoSecretLeaks(t *testing.T, mode acctest.AuthMode) {
	env := acctest.NewSimEnv(t)
	scan := acctest.NewSecretScan(t, env)
	workDirs := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	t.Setenv("TF_ACC_LOG_PATH", logFile) // Terraform CLI and provider, at TRACE
	t.Setenv("TF_LOG", "TRACE")
	lines := secretCredentials(t, env, scan, mode)
	config := func(n int) string {
		return acctest.BareProviderBlock(lines...) + acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(n))
	}
	scanned := resource.TestStep{
		ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{scan.PlanCheck("the plan", !mode.FromEnv)}},
		ConfigStateChecks: []statecheck.StateCheck{scan.StateCheck("the state")},
		Check: func(*terraform.State) error {
			return scan.ScanTree("the working directory", workDirs, acctest.SkipUserConfig(mode))
		},
	}
	first, last := scanned, scanned
	first.Config, last.Config = config(1), config(3)
	authFault, authPhrases := authFailure(mode)
	last.PreConfig = env.Sim.ClearFaults
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		ErrorCheck:               scan.ErrorCheck,
		Steps: []resource.TestStep{first, {
			PreConfig: scan.ExpectFailure("the error of a failed authentication", authPhrases, func() { env.Sim.InjectFault(authFault) }),
			Config:    config(2),
		}, {
			PreConfig: scan.ExpectFailure("the error of a failed Cancel Event", []string{"Wix is unavailable", "backend down"}, func() {
				env.Sim.ClearFaults()
				env.Sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 500, Count: 1000, Message: "backend down"})
			}),
			Config: config(2),
		}, last},
	})
	acctest.ScanLog(t, scan, logFile, mode)
	scan.Report("the plan", "the state", "the working directory: terraform.tfstate",
		"the error of a failed authentication", "the error of a failed Cancel Event", "the TF_LOG=trace log")
}

func TestAccSecrets_appCredentialsInBlock(t *testing.T) {
	testNoSecretLeaks(t, acctest.AuthMode{AppCredentials: true})
}

func TestAccSecrets_appCredentialsFromEnvironment(t *testing.T) {
	testNoSecretLeaks(t, acctest.AuthMode{AppCredentials: true, FromEnv: true})
}

func TestAccSecrets_accessTokenInBlock(t *testing.T) {
	testNoSecretLeaks(t, acctest.AuthMode{})
}

func TestAccSecrets_accessTokenFromEnvironment(t *testing.T) {
	testNoSecretLeaks(t, acctest.AuthMode{FromEnv: true})
}
