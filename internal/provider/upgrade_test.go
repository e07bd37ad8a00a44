package provider_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// A user who upgrades keeps the state an earlier provider wrote, and Wix
// keeps what it did: today's provider must plan that state empty, and then
// go on with it (retire the environment, destroy it) as if it had written
// it. testdata/upgrade holds such a state: scripts/upgrade-fixture.sh
// applied testdata/upgrade/main.tf with the provider of an earlier commit
// (SOURCE says which) against the simulator and saved both states. The
// test needs no git history and builds nothing old.

// upgradeFixture is the directory of that state, from this package's.
const upgradeFixture = "testdata/upgrade"

// upgradeTerraformBlock names the provider by its full address, which the
// state names too, so that OpenTofu (whose registry is another host) plans
// the same state.
const upgradeTerraformBlock = `terraform {
  required_providers {
    wix = { source = "registry.terraform.io/wix-terraform/wix" }
  }
}
`

func TestAccUpgrade_earlierStatePlansEmptyAndRetires(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	loadUpgradeSimulator(t, env.Sim)
	cli := acctest.TerraformCLI(t, "to plan a state file written by an earlier provider")
	ws := acctest.NewWorkspace(t, cli, acctest.ReattachProvider(t, env.Provider()))
	ws.Write("main.tf", readUpgradeFixture(t, "main.tf"))
	ws.Write("provider.tf", upgradeTerraformBlock+env.ProviderBlock())
	ws.Write("terraform.tfstate", readUpgradeFixture(t, "terraform.tfstate"))
	earlier, _, err := acctest.ReadStateFile(ws.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	followUp := stateAttribute(t, earlier, "wix_automation", "follow_up", "id")
	thankYou := stateAttribute(t, earlier, "wix_automation", "thank_you", "id")

	requireExit(t, ws.Run("plan", "-detailed-exitcode"), 0, "the earlier provider's state must plan empty")

	retire := []string{"-var", "decommissioned=true"}
	requireExit(t, ws.Run(append([]string{"apply", "-auto-approve"}, retire...)...), 0, "retiring the upgraded environment")
	requireExit(t, ws.Run(append([]string{"plan", "-detailed-exitcode"}, retire...)...), 0, "the plan after retiring must be empty")
	if status := simAutomationStatus(env.Sim, followUp); status != "INACTIVE" {
		t.Errorf("after retiring, automation %s is %q at Wix, want INACTIVE", followUp, status)
	}
	submissions := []string{"16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c", "2b1c7e4a-9f3d-4c1e-8a5b-6d7e8f9a0b1c", "3c2d8f5b-0a4e-4d2f-9b6c-7e8f9a0b1c2d"}
	if err := env.VerifyCanceledOnce(wixsim.DemoTriggerKey, submissions...); err != nil {
		t.Errorf("retiring canceled the events the earlier provider reported: %v", err)
	}

	requireExit(t, ws.Run(append([]string{"destroy", "-auto-approve"}, retire...)...), 0, "destroying the upgraded environment")
	for _, id := range []string{followUp, thankYou} {
		if status := simAutomationStatus(env.Sim, id); status != "" {
			t.Errorf("after destroy, automation %s is still at Wix (%s)", id, status)
		}
	}
}

// loadUpgradeSimulator gives the simulator what Wix held when the earlier
// provider's apply ended.
func loadUpgradeSimulator(t *testing.T, sim *wixsim.Server) {
	t.Helper()
	f, err := os.Open(filepath.Join(upgradeFixture, "wixsim-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sim.LoadState(f); err != nil {
		t.Fatal(err)
	}
}

func readUpgradeFixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(upgradeFixture, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// requireExit fails the test unless run exited with want, showing what
// the CLI printed.
func requireExit(t *testing.T, run acctest.CLIRun, want int, what string) {
	t.Helper()
	if run.Exit != want {
		t.Fatalf("%s: %v exited %d, want %d:\n%s", what, run.Args, run.Exit, want, run.Output)
	}
}

// stateAttribute is a string attribute of the one instance of a managed
// resource in state.
func stateAttribute(t *testing.T, state *acctest.StateFile, typeName, name, attribute string) string {
	t.Helper()
	for _, inst := range state.Instances("managed", typeName) {
		if inst.Address == typeName+"."+name {
			return inst.String(attribute)
		}
	}
	t.Fatalf("state holds no %s.%s", typeName, name)
	return ""
}

// simAutomationStatus is the status of the automation at the simulator,
// or "" when it has none of that id.
func simAutomationStatus(sim *wixsim.Server, id string) string {
	automations := sim.Automations()
	i := slices.IndexFunc(automations, func(a wixsim.Automation) bool { return a.ID == id })
	if i < 0 {
		return ""
	}
	return automations[i].Configuration.Status
}
