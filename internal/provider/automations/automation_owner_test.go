package automations_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// With only an access token configured, the automation belongs to the
// trigger's app: the provider has no app_id of its own to name.
func TestAccAutomationResource_accessTokenOwner(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	const triggerApp = "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	config := acctest.BareProviderBlock(env.BaseURLLine(), fmt.Sprintf("access_token = %q", token)) + env.AutomationBlock(acctest.AutomationSpec{AppID: triggerApp})
	env.Test(t, []resource.TestStep{{
		Config: config,
		Check: env.OnSim(func() error {
			body, err := env.OnlyCreate()
			if err != nil {
				return err
			}
			if got := body.Automation.ApplicationInfo.AppID; got != triggerApp {
				return fmt.Errorf("applicationInfo.appId = %q, want the trigger's app %s", got, triggerApp)
			}
			return nil
		}),
	}})
}

// Destroying an automation that someone deleted after the refresh
// succeeds: Wix's 404 means it is already gone.
func TestAccAutomationResource_deleteAlreadyGone(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	arm := env.OnceBeforeCall(http.MethodDelete, func() error {
		a, err := env.TheAutomation()
		if err != nil {
			return err
		}
		return env.Sim.DeleteAutomationDirect(a.ID)
	})
	var path string
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{})},
		{
			PreConfig: func() { path = env.PatchPath(); arm() },
			Config:    env.ProviderBlock(),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.ExpectMethodStatuses(http.MethodDelete, &path, "already gone", 404),
				env.ExpectAutomationCount(0)),
		},
	})
}
