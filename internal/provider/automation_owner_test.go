package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// With only an access token configured, the automation belongs to the
// trigger's app: the provider has no app_id of its own to name.
func TestAccAutomationResource_accessTokenOwner(t *testing.T) {
	env := newSimEnv(t)
	token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	const triggerApp = "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	config := bareProviderBlock(env.baseURLLine(), fmt.Sprintf("access_token = %q", token)) + env.automationBlock(automationSpec{appID: triggerApp})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				creates := env.sim.RequestsTo(wix.PathAutomations)
				if len(creates) != 1 {
					return fmt.Errorf("Create Automation calls = %d, want 1", len(creates))
				}
				var body struct {
					Automation struct {
						ApplicationInfo struct {
							AppID string `json:"appId"`
						} `json:"applicationInfo"`
					} `json:"automation"`
				}
				if err := json.Unmarshal(creates[0].Body, &body); err != nil {
					return err
				}
				if got := body.Automation.ApplicationInfo.AppID; got != triggerApp {
					return fmt.Errorf("applicationInfo.appId = %q, want the trigger's app %s", got, triggerApp)
				}
				return nil
			},
		}},
	})
}

// Destroying an automation that someone deleted after the refresh
// succeeds: Wix's 404 means it is already gone.
func TestAccAutomationResource_deleteAlreadyGone(t *testing.T) {
	env := newSimEnv(t)
	var armed atomic.Bool
	env.hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.Method == http.MethodDelete && armed.CompareAndSwap(true, false) {
			if err := env.sim.DeleteAutomationDirect(env.onlyAutomation().ID); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	var path string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: env.automationConfig(automationSpec{})},
			{
				PreConfig: func() { path = env.patchPath(); armed.Store(true) },
				Config:    env.providerBlock(),
				Check: func(*terraform.State) error {
					var got []int
					for _, r := range env.sim.RequestsTo(path) {
						if r.Method == http.MethodDelete {
							got = append(got, r.Status)
						}
					}
					if fmt.Sprint(got) != "[404]" {
						return fmt.Errorf("answers to Delete Automation = %v, want [404] (already gone)", got)
					}
					return env.expectAutomationCount(0)(nil)
				},
			},
		},
	})
}
