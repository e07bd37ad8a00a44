package accesstoken_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The token of wix_access_token configures a second, aliased provider that
// cancels with it: Wix sees that very token, no provider configuration asks
// for more than one token, and the token is in no plan, no state, no file
// of the working directory and no log line at TRACE.
//
// Only the aliased provider manages a resource: plugin-testing serves every
// configuration of a provider from one in-process server, where a second
// configuration overwrites the first's data (and races with its calls),
// unlike real runs, where each configuration is its own plugin process.
func TestAccAccessToken_configuresAnotherProvider(t *testing.T) {
	env := acctest.NewSimEnv(t)
	tokens := acctest.RecordTokens(env)
	scan := acctest.NewSecretScan(t, env)
	workDirs := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile) // Terraform CLI and provider, at TRACE
	t.Setenv("TF_LOG", "TRACE")
	id := acctest.EntityIDs(1)[0]
	config := env.ProviderBlock() + fmt.Sprintf(`
ephemeral "wix_access_token" "t" {}

provider "wix" {
  alias        = "viatoken"
  base_url     = %[1]q
  access_token = ephemeral.wix_access_token.t.access_token
}

resource "wix_automation_event_cancellation" "via_token" {
  provider           = wix.viatoken
  trigger_key        = %[2]q
  external_entity_id = %[3]q
}
`, env.Server.URL, env.TriggerKey, id)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NeedsEphemeralCLI{}},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{scan.PlanCheck("the plan", false)}},
			ConfigStateChecks: []statecheck.StateCheck{scan.StateCheck("the state")},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return checkCanceledWithIssuedToken(env, tokens, id) },
				func(*terraform.State) error { return scan.ScanTree("the working directory", workDirs, nil) },
			),
		}},
	})
	// The configuration holds no secret (the simulator's demo app secret is
	// public), so the log is scanned whole, as with credentials from the
	// environment.
	acctest.ScanLog(t, scan, logFile, acctest.AuthMode{FromEnv: true})
	issued, _ := tokens.Issued()
	for _, token := range issued {
		scan.Secret("an access token the simulator issued", token)
	}
	scan.Report("the plan", "the state", "the working directory: terraform.tfstate", "the TF_LOG=trace log")
}

// checkCanceledWithIssuedToken checks that the cancellation through the
// aliased provider sent the token the simulator issued last (when the
// apply opened wix_access_token), and that no provider configuration with
// app credentials asked for more than one token.
func checkCanceledWithIssuedToken(env *acctest.Env, tokens *acctest.TokenLog, id string) error {
	issued, appClients := tokens.Issued()
	if got := len(env.Sim.RequestsTo(wix.PathToken)); got != len(issued) || got == 0 {
		return fmt.Errorf("token requests = %d, tokens recorded = %d", got, len(issued))
	}
	if len(issued) > appClients {
		return fmt.Errorf("%d token requests for %d provider configurations with app credentials, want at most one each", len(issued), appClients)
	}
	calls := env.CancellationRequests()
	if len(calls) != 1 {
		return fmt.Errorf("cancellation calls = %d, want 1", len(calls))
	}
	if calls[0].Header.Get("Authorization") != issued[len(issued)-1] {
		return fmt.Errorf("the cancellation sent a token other than the one the simulator issued last")
	}
	return env.VerifyCanceledOnce(env.TriggerKey, id)
}

// The registry example of wix_access_token applies as written with the
// credentials in WIX_* variables, as the README recommends: the aliased
// provider sets access_token in its block, so the app credentials of the
// environment do not conflict with it.
func TestAccAccessToken_exampleWithCredentialsInTheEnvironment(t *testing.T) {
	env := acctest.NewSimEnv(t)
	example, err := os.ReadFile("../../../examples/ephemeral-resources/wix_access_token/ephemeral-resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(acctest.EnvBaseURL, env.Server.URL)
	t.Setenv(acctest.EnvAppID, wixsim.DemoAppID)
	t.Setenv(acctest.EnvAppSecret, wixsim.DemoAppSecret)
	t.Setenv(acctest.EnvInstanceID, wixsim.DemoInstanceID)
	tokens := acctest.RecordTokens(env)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NeedsEphemeralCLI{}},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Config: string(example),
			Check: func(*terraform.State) error {
				issued, _ := tokens.Issued()
				calls := env.CancellationRequests()
				if len(issued) == 0 || len(calls) != 1 || calls[0].Header.Get("Authorization") != issued[len(issued)-1] {
					return fmt.Errorf("want one cancellation sent with the token the ephemeral resource handed out; %d calls, %d tokens", len(calls), len(issued))
				}
				return nil
			},
		}},
	})
}
