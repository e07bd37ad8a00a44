package automations_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Ctrl-C while three creates have reached Wix and wait for its answers:
// Terraform stops the provider, each create's answer is lost, and the
// provider looks up what Wix made on a context of its own (the create's
// ended with the Ctrl-C), finds each automation and saves it to state. The
// next plan creates nothing, and Wix holds exactly the three.
func TestAccAutomationResource_ctrlCDuringCreatesSavesWhatWixMade(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("finds the terraform process to interrupt through /proc (Linux)")
	}
	workDirs := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	env := acctest.NewSimEnv(t)
	const n = 3
	var served atomic.Int32
	interrupted := make(chan error, 1)
	env.Hook(func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.Method != http.MethodPost || r.URL.Path != wix.PathAutomations {
			return nil, nil
		}
		// Wix creates the automation; its answer waits until Terraform,
		// interrupted once all three are made, stops the provider.
		res, err := base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		if served.Add(1) == n {
			go func() { interrupted <- acctest.InterruptTerraform(workDirs) }()
		}
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	config := env.AutomationConfig(acctest.AutomationSpec{Count: n})
	var checks []statecheck.StateCheck
	for i := range n {
		checks = append(checks, acctest.ExpectAttr(fmt.Sprintf("%s[%d]", acctest.AutomationAddr, i), "id", knownvalue.StringFunc(func(id string) error {
			for _, a := range env.Sim.Automations() {
				if a.ID == id && a.Name == fmt.Sprintf("tf-acc automation %d", i) {
					return nil
				}
			}
			return fmt.Errorf("state holds automation %s, which Wix does not hold as tf-acc automation %d", id, i)
		})))
	}
	env.Test(t, []resource.TestStep{
		{Config: config, ExpectError: regexp.MustCompile(`(?i)interrupt|cancel|halted|stopped`)},
		{
			PreConfig: func() {
				select {
				case err := <-interrupted:
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(time.Minute):
					t.Fatal("the apply was never interrupted")
				}
			},
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				if got := len(env.Sim.Automations()); got != n {
					return fmt.Errorf("Wix holds %d automations, want the %d the interrupted apply made", got, n)
				}
				return nil
			},
		},
	}, env.ExpectAutomationCount(0))
}

// A create whose answer does not come before timeouts.create: Wix made the
// automation, and the look-up, on a context of its own, finds and adopts
// it, so the apply succeeds with the one automation Wix holds.
func TestAccAutomationResource_createTimeoutAdoptsWhatWixMade(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Hook(func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.Method != http.MethodPost || r.URL.Path != wix.PathAutomations {
			return nil, nil
		}
		res, err := base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		<-r.Context().Done() // the answer never comes in time
		return nil, r.Context().Err()
	})
	env.Test(t, []resource.TestStep{{
		Config: env.AutomationConfig(acctest.AutomationSpec{Extra: "timeouts {\n    create = \"2s\"\n  }"}),
		ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("id", knownvalue.StringFunc(func(got string) error {
			if want := env.OnlyAutomation().ID; got != want {
				return fmt.Errorf("state holds automation %s, Wix holds %s", got, want)
			}
			return nil
		}))},
	}}, env.ExpectAutomationCount(0))
}

// The create's answer is lost while the window's pacing budget is spent:
// the create has minutes left (timeouts.create), and the look-up waits for
// pacing within them instead of giving up at its fixed 15 seconds, so
// what Wix made is adopted, not left out of state for the next apply to
// create again.
func TestAccAutomationResource_lookupWaitsForPacingWithinTheCreateTimeout(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	// One call per 20 s window: the look-up's Query waits about 20 s for
	// the slot after the create's, beyond the look-up's own 15 s.
	env.AdjustClient(func(c *wix.Config) { c.RequestsPerMinute = 1; c.PacingWindow = 20 * time.Second })
	env.Test(t, []resource.TestStep{{
		PreConfig:         env.Dropping(wix.PathAutomations, true),
		Config:            env.AutomationConfig(acctest.AutomationSpec{Extra: "timeouts {\n    create = \"5m\"\n  }"}),
		ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("id", knownvalue.NotNull())},
		Check:             env.ExpectAutomationCount(1),
	}})
}
