package automations_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// actionsWithNumber is the test automation's one action with a number n
// in its input mapping, written as HCL.
func actionsWithNumber(env *acctest.Env, n string) string {
	return fmt.Sprintf(`jsonencode({
    %q = {
      appDefinedInfo = {
        appId        = %q
        actionKey    = "send_email"
        inputMapping = { subject = "Hello", amount = %s }
      }
    }
  })`, acctest.RootActionID, env.TriggerAppID(), n)
}

// Wix keeps action values as doubles, so 2^53+1 comes back as 2^53: the
// apply stores it, and the plans after it compare the number as Wix gives
// it back, with no perpetual diff. A number no double holds (1e400) fails
// at plan, naming where it is, with no API call.
func TestAccAutomationResource_numbersAsWixKeepsThem(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{Actions: actionsWithNumber(env, "9007199254740993")})
	var calls int
	env.Test(t, []resource.TestStep{
		{
			Config: env.AutomationConfig(acctest.AutomationSpec{Actions: actionsWithNumber(env, "1e400")}), PlanOnly: true,
			ExpectError: acctest.ExpectWords("Number out of range in actions", `actions["`+acctest.RootActionID+
				`"].appDefinedInfo.inputMapping.amount is 1e+400`, "beyond the largest number Wix can hold", "as a string"),
		},
		{
			PreConfig: func() {
				if n := len(env.Sim.Requests()); n != 0 {
					t.Fatalf("the refused plan made %d API calls, want none", n)
				}
			},
			Config: config,
			Check: func(*terraform.State) error {
				stored := fmt.Sprint(env.OnlyAutomation().Configuration.Actions[acctest.RootActionID]["appDefinedInfo"])
				if !strings.Contains(stored, "amount:9007199254740992 ") {
					return fmt.Errorf("Wix holds %s, want the amount as the double 2^53", stored)
				}
				calls = len(env.Sim.Requests())
				return nil
			},
		},
		// Refreshed from Wix's rounded answer: no change, and no write.
		{Config: config, PlanOnly: true},
		{Config: config, Check: func(*terraform.State) error {
			_, _, writes := env.AutomationRequestCounts()
			if writes != 1 {
				return fmt.Errorf("Automations writes = %d after %d calls, want the 1 create: the rounding made an update", writes, calls)
			}
			return nil
		}},
	}, env.ExpectAutomationCount(0))
}

// The plan warns, naming the number and what Wix keeps, when a number of
// the actions loses digits in Wix; read through the real CLI, which shows
// warnings.
func TestAccAutomationResource_roundedNumberWarnsAtPlan(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.TerraformOutputCLI(t, "to read its warnings")
	env := acctest.NewSimEnv(t)
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+
		env.AutomationConfig(acctest.AutomationSpec{Actions: actionsWithNumber(env, "9007199254740993")}))
	out, err := acctest.RunCLI(t, cli, dir, acctest.ReattachProvider(t, env.Provider()), "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	if !acctest.ExpectWords("Warning: Numbers lose precision in actions", "inputMapping.amount is 9007199254740993, which Wix keeps as",
		"9007199254740992", "write the value as a string").MatchString(out) {
		t.Errorf("the plan does not warn of the rounding:\n%s", out)
	}
}

// A create whose answer is lost after Wix made the automation, with a
// number Wix rounded: the look-up compares the number as Wix gives it
// back, so it recognizes and adopts the automation instead of calling the
// create lost (after which the next apply would make a second one).
func TestAccAutomationResource_createAnswerLostWithRoundedNumber(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Test(t, []resource.TestStep{{
		PreConfig: env.Dropping(wix.PathAutomations, true),
		Config:    env.AutomationConfig(acctest.AutomationSpec{Actions: actionsWithNumber(env, "9007199254740993")}),
		Check:     resource.ComposeAggregateTestCheckFunc(env.ExpectAutomationCount(1), env.ExpectStatuses(wix.PathAutomations, 0)),
		ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("id", knownvalue.StringFunc(func(got string) error {
			if want := env.OnlyAutomation().ID; got != want {
				return fmt.Errorf("state holds automation %s, Wix holds %s", got, want)
			}
			return nil
		}))},
	}}, env.ExpectAutomationCount(0))
}
