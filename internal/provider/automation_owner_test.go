package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// With only an access token configured, the automation belongs to the
// trigger's app: the provider has no app_id of its own to name.
func TestAccAutomationResource_accessTokenOwner(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	const triggerApp = "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	config := bareProviderBlock(env.baseURLLine(), fmt.Sprintf("access_token = %q", token)) + env.automationBlock(automationSpec{appID: triggerApp})
	env.test(t, []resource.TestStep{{
		Config: config,
		Check: env.onSim(func() error {
			body, err := env.onlyCreate()
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
	parallel(t)
	env := newSimEnv(t)
	arm := env.onceBeforeCall(http.MethodDelete, func() error {
		a, err := env.theAutomation()
		if err != nil {
			return err
		}
		return env.sim.DeleteAutomationDirect(a.ID)
	})
	var path string
	env.test(t, []resource.TestStep{
		{Config: env.automationConfig(automationSpec{})},
		{
			PreConfig: func() { path = env.patchPath(); arm() },
			Config:    env.providerBlock(),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.expectMethodStatuses(http.MethodDelete, &path, "already gone", 404),
				env.expectAutomationCount(0)),
		},
	})
}
