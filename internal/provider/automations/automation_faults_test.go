package automations_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// A dashboard edit between plan and apply makes the update meet a newer
// revision: the error says so and to plan again, and Wix keeps the edit.
func TestAccAutomationResource_staleRevision(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	arm := env.OnceBeforeCall(http.MethodPatch, func() error {
		return env.ChangeBehind(func(a *wixsim.Automation) { a.Name = "renamed in the dashboard" })
	})
	renamed := env.AutomationConfig(acctest.AutomationSpec{Name: "renamed by terraform"})
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{})},
		{
			PreConfig:   arm,
			Config:      renamed,
			ExpectError: acctest.ExpectWords("changed outside Terraform", "revision 1", "terraform plan again", "HTTP 409"),
		},
		{
			PreConfig: func() {
				if got := env.OnlyAutomation().Name; got != "renamed in the dashboard" {
					t.Errorf("after the refused update Wix holds name %q, want the dashboard's", got)
				}
			},
			Config:            renamed,
			ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("name", knownvalue.StringExact("renamed by terraform"))},
		},
	})
}

// An update whose answer is lost is retried; the retry meets the revision
// the first attempt made, which the provider recognizes as its own.
func TestAccAutomationResource_updateAnswerLost(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	var path string
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{})},
		{
			PreConfig: func() {
				path = env.PatchPath()
				env.Dropping(path, true)()
			},
			Config:            env.AutomationConfig(acctest.AutomationSpec{Status: "INACTIVE"}),
			ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("revision", knownvalue.StringExact("2"))},
			Check:             env.ExpectMethodStatuses(http.MethodPatch, &path, "lost, then the retry's conflict", 0, 409),
		},
	})
}

// Wix creates the automation and the connection drops before its answer:
// the provider does not send the create again but finds and adopts it.
func TestAccAutomationResource_createAnswerLost(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Test(t, []resource.TestStep{{
		PreConfig: env.Dropping(wix.PathAutomations, true),
		Config:    env.AutomationConfig(acctest.AutomationSpec{}),
		Check:     resource.ComposeAggregateTestCheckFunc(env.ExpectAutomationCount(1), env.ExpectStatuses(wix.PathAutomations, 0)),
		ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("id", knownvalue.StringFunc(func(got string) error {
			if want := env.OnlyAutomation().ID; got != want {
				return fmt.Errorf("state holds automation %s, Wix holds %s", got, want)
			}
			return nil
		}))},
	}}, env.ExpectAutomationCount(0))
}

// Two matching automations after a lost answer: nothing is adopted, and
// the error names both and the import command.
func TestAccAutomationResource_createAnswerLostAmbiguous(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	twin := env.Sim.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{
		Name: "tf-acc automation", Origin: "APPLICATION", ApplicationInfo: map[string]any{"appId": wixsim.DemoAppID},
		Configuration: wixsim.AutomationConfiguration{
			Status:        "ACTIVE",
			Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: env.TriggerKey},
			RootActionIDs: []string{acctest.RootActionID},
			Actions: map[string]map[string]any{acctest.RootActionID: {"appDefinedInfo": map[string]any{
				"appId": wixsim.DemoAppID, "actionKey": "send_email", "inputMapping": map[string]any{"subject": "Hello"},
			}}},
		},
	})
	env.Test(t, []resource.TestStep{{
		PreConfig: env.Dropping(wix.PathAutomations, true),
		Config:    env.AutomationConfig(acctest.AutomationSpec{}),
		ExpectError: acctest.ExpectWords("Wix automation creation is uncertain", "holds 2 automations", twin.ID,
			"terraform import wix_automation.<name>"),
	}})
	if got := len(env.Sim.Automations()); got != 2 {
		t.Errorf("the simulator holds %d automations, want 2 (the twin and the uncertain create, nothing more)", got)
	}
}

// The connection drops before Wix acts: the lookup finds nothing, the
// error says the create most likely did not happen, and the next apply
// creates the one automation.
func TestAccAutomationResource_createLostBeforeWix(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{})
	env.Test(t, []resource.TestStep{
		{
			PreConfig:   env.Dropping(wix.PathAutomations, false),
			Config:      config,
			ExpectError: acctest.ExpectWords("Wix automation creation is uncertain", "most likely did not take effect", "apply again"),
		},
		{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				env.ExpectAutomationCount(1),
				env.ExpectStatuses(wix.PathAutomations, 0, 200),
			),
		},
	})
}

// Each bad input fails at plan, naming the attribute and the rule, with
// no API call at all.
func TestAccAutomationResource_badInput(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	cases := []struct {
		spec acctest.AutomationSpec
		want []string
	}{
		{acctest.AutomationSpec{Status: "PAUSED"}, []string{"status", "ACTIVE", "INACTIVE"}},
		{acctest.AutomationSpec{Actions: `jsonencode(["not", "an", "object"])`}, []string{"actions", "JSON array, not an object"}},
		{acctest.AutomationSpec{Actions: `"{not json"`}, []string{"actions", "is not JSON"}},
		{acctest.AutomationSpec{Name: strings.Repeat("n", 501)}, []string{"name", "character count must be between 1 and 500, got: 501"}},
		{acctest.AutomationSpec{AppID: "not-a-guid"}, []string{"trigger.app_id", "is not a GUID"}},
		{acctest.AutomationSpec{Roots: "[]"}, []string{"root_action_ids", "at least 1"}},
		{acctest.AutomationSpec{Roots: `["0b5d3c1e-1111-4e5f-9a6b-7c8d9e0f1a2b"]`}, []string{"root_action_ids[0]", "not a key of actions"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: env.AutomationConfig(c.spec), PlanOnly: true, ExpectError: acctest.ExpectWords(c.want...)})
	}
	env.Test(t, steps)
	if n := len(env.Sim.Requests()); n != 0 {
		t.Errorf("bad input made %d API calls, want none", n)
	}
}

// Wix's own validation errors reach the user with each field violation.
func TestAccAutomationResource_wixValidation(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	actions := fmt.Sprintf(`jsonencode({
    %q = { appDefinedInfo = { appId = %q, actionKey = "send_email", postActionIds = ["not-a-guid"] } }
    "not-a-guid" = { delayInfo = { offsetExpression = "1", offsetTimeUnit = "DAYS" } }
  })`, acctest.RootActionID, env.TriggerAppID())
	env.Test(t, []resource.TestStep{{
		Config:      env.AutomationConfig(acctest.AutomationSpec{Actions: actions}),
		ExpectError: acctest.ExpectWords("Could not create the Wix automation", "HTTP 400", `field "automation.configuration.actions.not-a-guid"`),
	}})
}

// The real Wix API: create, read back, deactivate and delete an automation
// of the test app's trigger key.
func TestAccAutomationResource_realAPI(t *testing.T) {
	acctest.Parallel(t)
	acctest.RequireRealAPI(t)
	env := acctest.NewEnv(t)
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{Name: "terraform-provider-wix acceptance test"})},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Name: "terraform-provider-wix acceptance test"}), PlanOnly: true},
		{
			Config:            env.AutomationConfig(acctest.AutomationSpec{Name: "terraform-provider-wix acceptance test", Status: "INACTIVE"}),
			ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("status", knownvalue.StringExact("INACTIVE"))},
		},
	})
}
