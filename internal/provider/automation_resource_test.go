package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Create, an empty plan, import, an in-place rename, destroy: what each
// step leaves in state and at Wix.
func TestAccAutomationResource_lifecycle(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	sameID := staysSame()
	env.test(t, []resource.TestStep{
		{
			Config: env.automationConfig(automationSpec{extra: `description = "Sends the follow-up"`}),
			ConfigStateChecks: []statecheck.StateCheck{
				automationIs("name", knownvalue.StringExact("tf-acc automation")),
				automationIs("description", knownvalue.StringExact("Sends the follow-up")),
				automationIs("status", knownvalue.StringExact("ACTIVE")),
				automationIs("origin", knownvalue.StringExact("APPLICATION")),
				automationIs("revision", knownvalue.StringExact("1")),
				automationIs("root_action_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(rootActionID)})),
				sameID.AddStateValue(automationAddr, attr("id")),
			},
			Check: checkCreateBody(env),
		},
		{Config: env.automationConfig(automationSpec{extra: `description = "Sends the follow-up"`}), PlanOnly: true},
		{
			ResourceName: automationAddr, ImportState: true, ImportStateVerify: true,
			// Import reads Wix's actions, with the id and namespace Wix adds.
			ImportStateVerifyIgnore: []string{"actions", "timeouts"},
		},
		{
			Config: env.automationConfig(automationSpec{name: "tf-acc automation renamed"}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(automationAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(automationAddr, attr("revision")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				automationIs("name", knownvalue.StringExact("tf-acc automation renamed")),
				automationIs("description", knownvalue.Null()),
				automationIs("revision", knownvalue.StringExact("2")),
				sameID.AddStateValue(automationAddr, attr("id")),
			},
		},
	}, env.expectAutomationCount(0))
}

// The resource identity (Terraform 1.12+), which terraform query's import
// blocks use: it is the automation's id, in state after create and after
// an update, and an import block by identity adopts the automation with no
// change.
func TestAccAutomationResource_identity(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	config := env.automationConfig(automationSpec{})
	renamed := env.automationConfig(automationSpec{name: "tf-acc automation renamed"})
	identityIsID := statecheck.ExpectIdentityValueMatchesState(automationAddr, attr("id"))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{identityIsID}},
			{Config: renamed, ConfigStateChecks: []statecheck.StateCheck{identityIsID}},
			{
				Config: renamed, ResourceName: automationAddr, ImportState: true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
		CheckDestroy: env.expectAutomationCount(0),
	})
}

// checkCreateBody checks that create sent origin APPLICATION with the
// provider's app id, as the contract says.
func checkCreateBody(env *accEnv) resource.TestCheckFunc {
	return env.onSim(func() error {
		body, err := env.onlyCreate()
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
	parallel(t)
	env := newAccEnv(t)
	config := env.automationConfig(automationSpec{actions: respelledActions(env)})
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	env.test(t, []resource.TestStep{
		{Config: env.automationConfig(automationSpec{})},
		{Config: config, ConfigPlanChecks: empty},
		{Config: config, PlanOnly: true},
	})
}

// respelledActions is the default actions JSON with other key order and
// spacing.
func respelledActions(env *accEnv) string {
	return fmt.Sprintf(`<<-EOT
    {"%s": {"appDefinedInfo": {"inputMapping": {"subject": "Hello"},
        "actionKey": "send_email",   "appId": "%s"}}}
  EOT`, rootActionID, env.triggerAppID())
}

// An automation forgotten without deleting it (a removed block, Terraform
// 1.7+) and imported back holds Wix's JSON, with the ids and namespaces Wix
// adds: the configuration's JSON still plans no change.
func TestAccAutomationResource_importedJSONPlansEmpty(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	config := env.automationConfig(automationSpec{actions: respelledActions(env)})
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				automationIs("id", knownvalue.StringFunc(func(v string) error { id = v; return nil })),
			}},
			{Config: env.providerBlock() + "removed {\n  from = " + automationAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n"},
			{
				Config: config, ResourceName: automationAddr, ImportState: true, ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
			},
			{Config: config, ConfigPlanChecks: empty},
		},
	})
}

// Status and actions changed in the dashboard show in the next plan, and
// apply puts back what the configuration says.
func TestAccAutomationResource_drift(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	config := env.automationConfig(automationSpec{})
	env.test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: env.changeBehindTerraform(func(a *wixsim.Automation) {
				a.Configuration.Status = "INACTIVE"
				info := a.Configuration.Actions[rootActionID]["appDefinedInfo"].(map[string]any)
				info["inputMapping"] = map[string]any{"subject": "Changed in the dashboard"}
			}),
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(automationAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				automationIs("status", knownvalue.StringExact("ACTIVE")),
				automationIs("revision", knownvalue.StringExact("3")),
			},
			Check: func(*terraform.State) error {
				a := env.onlyAutomation()
				subject := a.Configuration.Actions[rootActionID]["appDefinedInfo"].(map[string]any)["inputMapping"]
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
	parallel(t)
	env := newSimEnv(t)
	config := env.automationConfig(automationSpec{})
	newID := changesEachTime()
	env.test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(automationAddr, attr("id"))}},
		{
			PreConfig: func() {
				if err := env.sim.DeleteAutomationDirect(env.onlyAutomation().ID); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(automationAddr, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(automationAddr, attr("id"))},
			Check:             env.expectAutomationCount(1),
		},
	})
}

// ACTIVE -> INACTIVE is an update in place of the same automation.
func TestAccAutomationResource_statusFlip(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	sameID := staysSame()
	env.test(t, []resource.TestStep{
		{
			Config:            env.automationConfig(automationSpec{status: "ACTIVE"}),
			ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(automationAddr, attr("id"))},
		},
		{
			Config: env.automationConfig(automationSpec{status: "INACTIVE"}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(automationAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(automationAddr, attr("id")),
				automationIs("status", knownvalue.StringExact("INACTIVE")),
				automationIs("revision", knownvalue.StringExact("2")),
			},
			Check: env.onSim(func() error {
				if status := env.onlyAutomation().Configuration.Status; status != "INACTIVE" {
					return fmt.Errorf("Wix's automation is still %s", status)
				}
				return nil
			}),
		},
	})
}
