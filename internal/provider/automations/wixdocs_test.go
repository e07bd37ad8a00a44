package automations_test

// What Wix's REST docs and guides add to what its SDK shows (the shared
// wire notes, section 6), as a user meets it through Terraform.

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// A token request Wix refuses in OAuth form shows Wix's error and
// error_description, and is worded as rejected credentials with what to
// check, whether the secret is wrong (401 invalid_client) or the app is
// not installed on the instance (400 invalid_grant).
func TestAccWixDocs_tokenErrorsInOAuthForm(t *testing.T) {
	acctest.Parallel(t)
	for name, tc := range map[string]struct {
		secret, instance string
		words            []string
	}{
		"wrong secret":  {"not-the-secret", wixsim.DemoInstanceID, []string{"HTTP 401", "invalid_client", "invalid client_id or client_secret"}},
		"not installed": {wixsim.DemoAppSecret, "0c0c0c0c-0000-4000-8000-000000000000", []string{"HTTP 400", "invalid_grant", "is not installed on instance"}},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			provider := acctest.BareProviderBlock(env.BaseURLLine(), fmt.Sprintf("app_id = %q", wixsim.DemoAppID),
				fmt.Sprintf("app_secret = %q", tc.secret), fmt.Sprintf("instance_id = %q", tc.instance))
			env.Test(t, []resource.TestStep{{
				Config:      provider + env.AutomationBlock(acctest.AutomationSpec{}),
				ExpectError: acctest.ExpectWords(append(append([]string{"Wix rejected the credentials"}, tc.words...), "Check app_id, app_secret and instance_id", "and that the app is installed on that instance")...),
			}})
		})
	}
}

// notServed answers like a gateway that does not serve the path: 404 in
// plain text, without Wix's error body.
func notServed(r *http.Request) *http.Response {
	return &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body: http.NoBody, Request: r, ContentLength: 0}
}

// A 404 without Wix's error body (a wrong path, base_url or proxy) never
// counts as "the automation is gone": a refresh fails naming the path and
// keeps the automation in state, and a destroy fails and keeps it too.
func TestAccWixDocs_routing404KeepsTheAutomation(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	var missing atomic.Value // the HTTP method answered as a routing miss; "" for none
	missing.Store("")
	env.Hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		method := missing.Load().(string)
		if method != "" && strings.Contains(r.URL.Path, "/automations") && (r.Method == method || (method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/query"))) {
			return notServed(r), nil
		}
		return nil, nil
	})
	config := env.AutomationConfig(acctest.AutomationSpec{})
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig:   func() { missing.Store(http.MethodGet) },
			Config:      config,
			ExpectError: acctest.ExpectWords("HTTP 404 Not Found for GET /v2/automations/", "/automations-service/v2/automations/", "not Wix's JSON error body", "base_url"),
		},
		{
			PreConfig:   func() { missing.Store(http.MethodDelete) },
			Config:      env.ProviderBlock(),
			ExpectError: acctest.ExpectWords("No Wix API at base_url", "it stays in state", "HTTP 404 Not Found for DELETE /v2/automations/", "Apply again once base_url is right."),
		},
		{
			PreConfig: func() { missing.Store("") },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(), // still in state, and still at Wix
			}},
			Check: env.ExpectAutomationCount(1),
		},
	}, env.ExpectAutomationCount(0))
}

// Whichever documented Automations v2 root Wix's gateway serves, create,
// read, update, import, query (the data source and the list resource)
// and delete all work, each in turn against a Wix that serves only one.
func TestAccWixDocs_eitherAutomationsRoot(t *testing.T) {
	acctest.Parallel(t)
	for _, served := range []string{wixsim.PrefixV2, wixsim.PrefixAutomationsService} {
		t.Run(strings.Trim(served, "/"), func(t *testing.T) {
			env := acctest.NewSimEnvWith(t, wixsim.Options{AutomationsPrefixes: []string{served}})
			listed := automationsConfig(env) + env.AutomationBlock(acctest.AutomationSpec{Name: "renamed"})
			env.Test(t, []resource.TestStep{
				{Config: env.AutomationConfig(acctest.AutomationSpec{})},
				{
					Config: listed,
					ConfigStateChecks: []statecheck.StateCheck{
						acctest.AutomationIs("name", knownvalue.StringExact("renamed")),
						acctest.AutomationIs("revision", knownvalue.StringExact("2")),
					},
				},
				{
					Config: listed,
					ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectAttr(automationsAddress, "automations", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("renamed")}),
					}))},
				},
				{ResourceName: acctest.AutomationAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"actions", "timeouts"}},
				{
					Config: listed,
					Check: func(*terraform.State) error {
						server := env.ServeProtocol()
						server.ConfigureApp(nil)
						if ids := listedIDsOf(t, server.List(nil, true, 0)); len(ids) != 1 {
							return fmt.Errorf("the list resource found %v, want the one automation", ids)
						}
						return nil
					},
				},
			}, env.ExpectAutomationCount(0), servedOnly(env, served))
		})
	}
}

// servedOnly checks where the calls went: all to /v2 when Wix serves it,
// the first tried; otherwise every call that missed at /v2 was sent to the
// other root next. Each Terraform command is a provider process of its
// own, whose first calls try /v2; the client's own test proves that a
// process then keeps the root that worked.
func servedOnly(env *acctest.Env, served string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		calls := env.Sim.Requests()
		misses := 0
		for i, r := range calls {
			if r.Path == "/oauth2/token" || strings.HasPrefix(r.Path, served+"/") {
				continue
			}
			if misses++; served == wixsim.PrefixV2 || r.Status != http.StatusNotFound {
				return fmt.Errorf("%s %s answered %d: a call went to the root Wix does not serve", r.Method, r.Path, r.Status)
			}
			if !triedAt(calls[i+1:], r, served+strings.TrimPrefix(r.Path, wixsim.PrefixV2)) {
				return fmt.Errorf("%s %s missed and was not tried at %s", r.Method, r.Path, served)
			}
		}
		if served != wixsim.PrefixV2 && misses == 0 {
			return fmt.Errorf("no call tried /v2 first")
		}
		return nil
	}
}

// triedAt says whether a later call sent miss's method to path.
func triedAt(later []wixsim.RecordedRequest, miss wixsim.RecordedRequest, path string) bool {
	for _, r := range later {
		if r.Method == miss.Method && r.Path == path {
			return true
		}
	}
	return false
}

// overrideBehind sets override schemas outside Terraform, on the trigger
// and on the root action, as an app or the dashboard does, and archives
// the automation with a policy (fields the resource does not manage).
func overrideBehind(env *acctest.Env) func() {
	return env.ChangeBehindTerraform(func(a *wixsim.Automation) {
		a.Archived, a.AutoArchivePolicy = true, map[string]any{"archiveDate": "2030-01-01T00:00:00.000Z"}
		a.Configuration.Trigger.OverrideSchema = map[string]any{"title": "trigger schema", "type": "object"}
		info := a.Configuration.Actions[acctest.RootActionID]["appDefinedInfo"].(map[string]any)
		info["overrideOutputSchema"] = map[string]any{"title": "action schema", "type": "object"}
	})
}

// overridesKept checks that Wix still holds both override schemas.
func overridesKept(env *acctest.Env) resource.TestCheckFunc {
	return env.OnSim(func() error {
		a := env.OnlyAutomation()
		info := a.Configuration.Actions[acctest.RootActionID]["appDefinedInfo"].(map[string]any)
		if a.Configuration.Trigger.OverrideSchema == nil || info["overrideOutputSchema"] == nil {
			return fmt.Errorf("an update erased an override schema: trigger %v, action %v", a.Configuration.Trigger.OverrideSchema, info["overrideOutputSchema"])
		}
		if !a.Archived || a.AutoArchivePolicy["archiveDate"] == nil {
			return fmt.Errorf("an update changed archived (%v) or autoArchivePolicy (%v)", a.Archived, a.AutoArchivePolicy)
		}
		return nil
	})
}

// Override schemas set outside Terraform on the trigger and on an action
// are no drift, and survive a status flip and an update of actions; the
// plan after each is empty (the harness checks it after every apply).
// archived and autoArchivePolicy survive too.
func TestAccWixDocs_overrideSchemasSurviveUpdates(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{})
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(acctest.AutomationAddr, plancheck.ResourceActionUpdate)}}
	env.Test(t, []resource.TestStep{
		{Config: config},
		{PreConfig: overrideBehind(env), Config: config, ConfigPlanChecks: empty},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Status: "INACTIVE"}), ConfigPlanChecks: update, Check: overridesKept(env)},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Status: "INACTIVE", Subject: "Changed"}), ConfigPlanChecks: update, Check: overridesKept(env)},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Status: "INACTIVE", Subject: "Changed"}), PlanOnly: true},
	})
}

// twoRoots is an automation with two root actions, which Wix's docs say it
// does not take for now.
func twoRoots(env *acctest.Env) acctest.AutomationSpec {
	const second = "9b2c1d3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e"
	return acctest.AutomationSpec{
		Roots: fmt.Sprintf("[%q, %q]", acctest.RootActionID, second),
		Actions: fmt.Sprintf(`jsonencode({
    %q = { delayInfo = { offsetExpression = "1", offsetTimeUnit = "HOURS" } }
    %q = { delayInfo = { offsetExpression = "2", offsetTimeUnit = "HOURS" } }
  })`, acctest.RootActionID, second),
	}
}

// More than one root action is a warning at plan, naming Wix's rule
// ("currently", so not an error); Wix then refuses it in its validation
// error shape, which the apply shows.
func TestAccWixDocs_oneRootAction(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(twoRoots(env))
	// A subtest, so that under OpenTofu (which cannot run the CLI by hand
	// here) only the validate half skips and Wix's refusal is still tested.
	t.Run("validate warns", func(t *testing.T) {
		cli := acctest.TerraformOutputCLI(t, "to read its validate warning")
		dir := t.TempDir()
		acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+config)
		out, err := acctest.RunCLI(t, cli, dir, acctest.ReattachProvider(t, env.Provider()), "validate", "-no-color")
		if warning := acctest.ExpectWords("Warning: Wix currently takes one root action", "root_action_ids names 2 actions",
			"You can currently only specify 1 root action"); err != nil || !warning.MatchString(out) {
			t.Errorf("terraform validate (%v) does not warn of the root actions:\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
			t.Error("validate wrote state")
		}
	})
	env.Test(t, []resource.TestStep{{
		Config:      config,
		ExpectError: acctest.ExpectWords("HTTP 400", "rootActionIds", "only 1 root action"),
	}})
}
