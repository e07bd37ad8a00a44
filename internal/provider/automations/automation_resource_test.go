package automations_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Create, an empty plan, import, an in-place rename, destroy: what each
// step leaves in state and at Wix.
func TestAccAutomationResource_lifecycle(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	sameID := acctest.StaysSame()
	env.Test(t, []resource.TestStep{
		{
			Config: env.AutomationConfig(acctest.AutomationSpec{Extra: `description = "Sends the follow-up"`}),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.AutomationIs("name", knownvalue.StringExact("tf-acc automation")),
				acctest.AutomationIs("description", knownvalue.StringExact("Sends the follow-up")),
				acctest.AutomationIs("status", knownvalue.StringExact("ACTIVE")),
				acctest.AutomationIs("origin", knownvalue.StringExact("APPLICATION")),
				acctest.AutomationIs("revision", knownvalue.StringExact("1")),
				acctest.AutomationIs("root_action_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(acctest.RootActionID)})),
				sameID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id")),
			},
			Check: checkCreateBody(env),
		},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Extra: `description = "Sends the follow-up"`}), PlanOnly: true},
		{
			ResourceName: acctest.AutomationAddr, ImportState: true, ImportStateVerify: true,
			// Import reads Wix's actions, with the id and namespace Wix adds.
			ImportStateVerifyIgnore: []string{"actions", "timeouts"},
		},
		{
			Config: env.AutomationConfig(acctest.AutomationSpec{Name: "tf-acc automation renamed"}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(acctest.AutomationAddr, acctest.Attr("revision")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.AutomationIs("name", knownvalue.StringExact("tf-acc automation renamed")),
				acctest.AutomationIs("description", knownvalue.Null()),
				acctest.AutomationIs("revision", knownvalue.StringExact("2")),
				sameID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id")),
			},
		},
	}, env.ExpectAutomationCount(0))
}

// The resource identity (Terraform 1.12+), which terraform query's import
// blocks use: it is the automation's id, in state after create and after
// an update, and an import block by identity adopts the automation with no
// change.
func TestAccAutomationResource_identity(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{})
	renamed := env.AutomationConfig(acctest.AutomationSpec{Name: "tf-acc automation renamed"})
	identityIsID := statecheck.ExpectIdentityValueMatchesState(acctest.AutomationAddr, acctest.Attr("id"))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{identityIsID}},
			{Config: renamed, ConfigStateChecks: []statecheck.StateCheck{identityIsID}},
			{
				Config: renamed, ResourceName: acctest.AutomationAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
		CheckDestroy: env.ExpectAutomationCount(0),
	})
}

// checkCreateBody checks that create sent origin APPLICATION with the
// provider's app id, as the contract says.
func checkCreateBody(env *acctest.Env) resource.TestCheckFunc {
	return env.OnSim(func() error {
		body, err := env.OnlyCreate()
		if err != nil {
			return err
		}
		if a := body.Automation; a.Origin != "APPLICATION" || a.ApplicationInfo.AppID != wixsim.DemoAppID {
			return fmt.Errorf("create sent origin %q, applicationInfo.appId %q; want APPLICATION and %s", a.Origin, a.ApplicationInfo.AppID, wixsim.DemoAppID)
		}
		return nil
	})
}

// The same actions written in another key order and spacing are no
// change, nor is an imported automation's JSON with Wix's own additions.
func TestAccAutomationResource_respelledJSON(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{Actions: respelledActions(env)})
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{})},
		{Config: config, ConfigPlanChecks: empty},
		{Config: config, PlanOnly: true},
	})
}

// respelledActions is the default actions JSON with other key order and
// spacing.
func respelledActions(env *acctest.Env) string {
	return fmt.Sprintf(`<<-EOT
    {"%s": {"appDefinedInfo": {"inputMapping": {"subject": "Hello"},
        "actionKey": "send_email",   "appId": "%s"}}}
  EOT`, acctest.RootActionID, env.TriggerAppID())
}

// An automation forgotten without deleting it (a removed block, Terraform
// 1.7+) and imported back holds Wix's JSON, with the ids and namespaces Wix
// adds: the configuration's JSON still plans no change.
func TestAccAutomationResource_importedJSONPlansEmpty(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{Actions: respelledActions(env)})
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				acctest.AutomationIs("id", knownvalue.StringFunc(func(v string) error { id = v; return nil })),
			}},
			{Config: env.ProviderBlock() + "removed {\n  from = " + acctest.AutomationAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n"},
			{
				Config: config, ResourceName: acctest.AutomationAddr, ImportState: true, ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
			},
			{Config: config, ConfigPlanChecks: empty},
		},
	})
}

// Status and actions changed in the dashboard show in the next plan, and
// apply puts back what the configuration says.
func TestAccAutomationResource_drift(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{})
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: env.ChangeBehindTerraform(func(a *wixsim.Automation) {
				a.Configuration.Status = "INACTIVE"
				info := a.Configuration.Actions[acctest.RootActionID]["appDefinedInfo"].(map[string]any)
				info["inputMapping"] = map[string]any{"subject": "Changed in the dashboard"}
			}),
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.AutomationIs("status", knownvalue.StringExact("ACTIVE")),
				acctest.AutomationIs("revision", knownvalue.StringExact("3")),
			},
			Check: func(*terraform.State) error {
				a := env.OnlyAutomation()
				subject := a.Configuration.Actions[acctest.RootActionID]["appDefinedInfo"].(map[string]any)["inputMapping"]
				if a.Configuration.Status != "ACTIVE" || fmt.Sprint(subject) != "map[subject:Hello]" {
					return fmt.Errorf("after apply Wix holds status %s and inputMapping %v, want the configuration's", a.Configuration.Status, subject)
				}
				return nil
			},
		},
		{Config: config, PlanOnly: true},
	})
}

// An automation deleted elsewhere leaves state and is planned again.
func TestAccAutomationResource_deletedElsewhere(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{})
	newID := acctest.ChangesEachTime()
	env.Test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id"))}},
		{
			PreConfig: func() {
				if err := env.Sim.DeleteAutomationDirect(env.OnlyAutomation().ID); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id"))},
			Check:             env.ExpectAutomationCount(1),
		},
	})
}

// ACTIVE -> INACTIVE is an update in place of the same automation.
func TestAccAutomationResource_statusFlip(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	sameID := acctest.StaysSame()
	env.Test(t, []resource.TestStep{
		{
			Config:            env.AutomationConfig(acctest.AutomationSpec{Status: "ACTIVE"}),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id"))},
		},
		{
			Config: env.AutomationConfig(acctest.AutomationSpec{Status: "INACTIVE"}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(acctest.AutomationAddr, acctest.Attr("id")),
				acctest.AutomationIs("status", knownvalue.StringExact("INACTIVE")),
				acctest.AutomationIs("revision", knownvalue.StringExact("2")),
			},
			Check: env.OnSim(func() error {
				if status := env.OnlyAutomation().Configuration.Status; status != "INACTIVE" {
					return fmt.Errorf("Wix's automation is still %s", status)
				}
				return nil
			}),
		},
	})
}

// A timeouts block is read and kept through create, update and import: its
// value goes through the model in every operation.
func TestAccAutomationResource_timeoutsBlock(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	timeoutsBlock := "timeouts {\n    create = \"10m\"\n    update = \"9m\"\n  }"
	env.Test(t, []resource.TestStep{
		{
			Config:            env.AutomationConfig(acctest.AutomationSpec{Extra: timeoutsBlock}),
			ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("timeouts", knownvalue.ObjectPartial(map[string]knownvalue.Check{"create": knownvalue.StringExact("10m")}))},
		},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Name: "tf-acc automation renamed", Extra: timeoutsBlock})},
		{
			ResourceName: acctest.AutomationAddr, ImportState: true, ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"actions", "timeouts"},
		},
	})
}

// Importing an id no automation of the site has says so, by the id, and
// not only Terraform's generic "Cannot import non-existent remote object".
func TestAccAutomationResource_importUnknownID(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	const unknown = "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	env.Test(t, []resource.TestStep{{
		Config:        env.AutomationConfig(acctest.AutomationSpec{}),
		ResourceName:  acctest.AutomationAddr,
		ImportState:   true,
		ImportStateId: unknown,
		ExpectError: acctest.ExpectWords("No such Wix automation", "No automation has the id "+unknown+" on this site",
			"HTTP 404", "wix_automations data source", "instance_id (WIX_INSTANCE_ID)"),
	}})
	if n := len(env.Sim.Automations()); n != 0 {
		t.Fatalf("the failed import left %d automations at Wix", n)
	}
}

// An id copied in upper case, which Wix does not know, gets the hint of
// the lower-case id Wix writes.
func TestAccAutomationResource_importUpperCaseIDPointsAtLowerCase(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	var id string
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{}), Check: func(s *terraform.State) error {
			id = s.RootModule().Resources[acctest.AutomationAddr].Primary.ID
			return nil
		}},
		{
			Config:            env.AutomationConfig(acctest.AutomationSpec{}),
			ResourceName:      acctest.AutomationAddr,
			ImportState:       true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return strings.ToUpper(id), nil },
			ExpectError: acctest.ExpectWords("No such Wix automation", "The id has upper-case letters",
				"Wix writes automation ids in lower case: try importing"),
		},
	})
}
