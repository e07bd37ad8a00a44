package events_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Several cancellations in one apply: one token, one Cancel Event per
// resource with exactly the SDK's body and headers, then no API call for
// refresh, the follow-up plan, or destroy.
func TestAccAutomationEventCancellation_applyMany(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	ids := acctest.EntityIDs(3)
	config := env.ProviderBlock(acctest.BatchingOff) + acctest.CancellationsConfig(env.TriggerKey, ids)
	stateChecks := acctest.SavedChecks(env.TriggerKey, ids)
	for i, id := range ids {
		stateChecks = append(stateChecks,
			acctest.ExpectString(acctest.CancellationAddr(i), "trigger_key", env.TriggerKey),
			acctest.ExpectString(acctest.CancellationAddr(i), "external_entity_id", id))
	}
	wire := env.OnSim(func() error { return checkWireOfApply(env, ids) })
	env.Test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: stateChecks, Check: wire},
		// A refresh-and-plan of the same configuration is empty (the
		// framework fails a non-empty plan) and calls nothing.
		{Config: config, PlanOnly: true},
	}, env.OnSim(func() error {
		if got := len(env.CancellationRequests()); got != len(ids) {
			return fmt.Errorf("after refresh, plan and destroy there were %d cancel calls in all, want the %d of the apply", got, len(ids))
		}
		if got := len(env.Sim.RequestsTo(wix.PathToken)); got != 1 {
			return fmt.Errorf("token requests = %d, want 1 (refresh, plan and destroy need no token)", got)
		}
		return nil
	}))
}

// checkWireOfApply compares what reached the simulator with what Wix's JS
// SDK sends.
func checkWireOfApply(env *acctest.Env, ids []string) error {
	tokens := env.Sim.RequestsTo(wix.PathToken)
	if len(tokens) != 1 {
		return fmt.Errorf("token requests = %d, want exactly 1 per apply", len(tokens))
	}
	var tokenBody map[string]string
	if err := json.Unmarshal(tokens[0].Body, &tokenBody); err != nil {
		return fmt.Errorf("token request body is not JSON: %w", err)
	}
	wantTokenBody := map[string]string{"grant_type": "client_credentials", "client_id": wixsim.DemoAppID,
		"client_secret": wixsim.DemoAppSecret, "instance_id": wixsim.DemoInstanceID}
	if fmt.Sprint(tokenBody) != fmt.Sprint(wantTokenBody) {
		return fmt.Errorf("token request body = %v, want the four client-credentials fields", redactSecret(tokenBody))
	}
	cancels := env.Sim.RequestsTo(wix.PathCancel)
	if len(cancels) != len(ids) {
		return fmt.Errorf("Cancel Event calls = %d, want one per resource (%d)", len(cancels), len(ids))
	}
	seen := map[string]bool{}
	for _, r := range cancels {
		if err := checkCancelRequest(env, r); err != nil {
			return err
		}
		var body struct{ ExternalEntityID string }
		_ = json.Unmarshal(r.Body, &body)
		seen[body.ExternalEntityID] = true
	}
	for _, id := range ids {
		if !seen[id] {
			return fmt.Errorf("no Cancel Event for entity %s", id)
		}
	}
	return env.VerifyCanceledOnce(env.TriggerKey, ids...)
}

// checkCancelRequest checks one Cancel Event call: exactly the SDK's body
// and the headers every call carries.
func checkCancelRequest(env *acctest.Env, r wixsim.RecordedRequest) error {
	want := fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":"`, env.TriggerKey)
	if !strings.HasPrefix(string(r.Body), want) || !strings.HasSuffix(string(r.Body), `"}`) || strings.Count(string(r.Body), ":") != 2 {
		return fmt.Errorf("Cancel Event body = %s, want exactly {\"triggerKey\":…,\"externalEntityId\":…}", r.Body)
	}
	return acctest.CheckHeaders(r)
}

func redactSecret(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k == "client_secret" {
			v = "…"
		}
		out[k] = v
	}
	return out
}

// replacedStep is a step whose plan replaces the cancellation "one", which
// cancels again: want is the number of cancel calls after it.
func replacedStep(e *acctest.Env, config string, want int, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(acctest.OneCancellationAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}},
		ConfigStateChecks: checks,
		Check:             e.CancelCallsSoFar(want),
	}
}

// Every input forces a new cancellation; timeouts change in place.
func TestAccAutomationEventCancellation_replacement(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	ids := acctest.EntityIDs(2)
	const one = acctest.OneCancellationAddr
	v2 := `triggers = { release = "v2" }`
	canceledAt := acctest.StaysSame()
	steps := []resource.TestStep{
		{Config: env.OneCancellation(env.TriggerKey, ids[0]), Check: env.CancelCallsSoFar(1)},
		replacedStep(env, env.OneCancellation(env.TriggerKey, ids[1]), 2,
			acctest.ExpectString(one, "external_entity_id", ids[1])),
		replacedStep(env, env.OneCancellation(env.TriggerKey, ids[1], `triggers = { release = "v1" }`), 3),
		replacedStep(env, env.OneCancellation(env.TriggerKey, ids[1], v2), 4,
			acctest.ExpectAttr(one, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v2")})),
			canceledAt.AddStateValue(one, acctest.Attr("canceled_at"))),
		{
			Config: env.OneCancellation(env.TriggerKey, ids[1], v2, "timeouts {\n    create = \"10m\"\n  }"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(one, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectAttr(one, "timeouts", knownvalue.ObjectExact(map[string]knownvalue.Check{"create": knownvalue.StringExact("10m")})),
				// An update in place keeps the time of the cancellation.
				canceledAt.AddStateValue(one, acctest.Attr("canceled_at")),
			},
			Check: env.CancelCallsSoFar(4),
		},
	}
	if env.Sim != nil {
		const otherKey = "booking_confirmed"
		env.Sim.OwnTriggerKey(wixsim.DemoAppID, otherKey)
		steps = append(steps, replacedStep(env, env.OneCancellation(otherKey, ids[1], v2), 5,
			acctest.ExpectString(one, "id", otherKey+"/"+ids[1])))
	}
	env.Test(t, steps)
}

// Import adopts a cancellation without an API call, by CLI and by import
// block, and a malformed id is refused with the expected form.
func TestAccAutomationEventCancellation_import(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	id := acctest.EntityIDs(1)[0]
	address := "wix_automation_event_cancellation.env[0]"
	config := env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, []string{id})
	var cancelsAfterCreate int
	env.Test(t, []resource.TestStep{
		{Config: config, Check: env.OnSim(func() error {
			cancelsAfterCreate = len(env.CancellationRequests())
			return nil
		})},
		{
			ResourceName:            address,
			ImportState:             true,
			ImportStateId:           env.TriggerKey + "/" + id,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"canceled_at"},
			Config:                  config,
		},
		// The import block's plan is an update that calls nothing: it ends
		// the import's grace (see TestAccAutomationEventCancellation_importedBareThenTriggersCancelAgain).
		{
			ResourceName:       address,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ImportStateId:      env.TriggerKey + "/" + id,
			Config:             config,
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}},
		},
		{ResourceName: address, ImportState: true, ImportStateId: id, Config: config,
			ExpectError: acctest.ExpectWords(`has no "/"`, "<trigger_key>/<external_entity_id>")},
		{ResourceName: address, ImportState: true, ImportStateId: env.TriggerKey + "/not-a-guid", Config: config,
			ExpectError: acctest.ExpectWords(`ends in "not-a-guid", which is not a GUID`, "form_submitted/16ef8c9c")},
		{ResourceName: address, ImportState: true, ImportStateId: "/" + id, Config: config,
			ExpectError: acctest.ExpectWords("has a trigger key that is empty")},
	}, env.OnSim(func() error {
		if len(env.CancellationRequests()) != cancelsAfterCreate {
			return fmt.Errorf("import or destroy called Wix: %d cancel calls, want %d", len(env.CancellationRequests()), cancelsAfterCreate)
		}
		return nil
	}))
}

// Importing with no credentials at all works: import makes no API call, and
// adopting triggers from the configuration does not cancel again.
func TestAccAutomationEventCancellation_importWithoutCredentials(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	config := acctest.BareProviderBlock(env.BaseURLLine()) + fmt.Sprintf(`
import {
  to = wix_automation_event_cancellation.adopted
  id = "%[1]s/%[2]s"
}

resource "wix_automation_event_cancellation" "adopted" {
  trigger_key        = %[1]q
  external_entity_id = %[2]q
  triggers           = { release = "v1" }
}
`, env.TriggerKey, id)
	address := "wix_automation_event_cancellation.adopted"
	env.Test(t, []resource.TestStep{{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			acctest.ExpectString(address, "id", env.TriggerKey+"/"+id),
			acctest.ExpectAttr(address, "canceled_at", knownvalue.Null()),
			acctest.ExpectAttr(address, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
		},
	}}, env.OnSim(func() error {
		if n := len(env.Sim.Requests()); n != 0 {
			return fmt.Errorf("import, apply and destroy without credentials made %d API calls, want 0", n)
		}
		return nil
	}))
}

// Refresh, an empty plan and destroy of existing cancellations need no
// credentials; a planned create without them fails at plan, before any call.
func TestAccAutomationEventCancellation_credentialsOnlyWhenCalling(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(2)
	withCredentials := env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, ids[:1])
	noCredentials := acctest.BareProviderBlock(env.BaseURLLine())
	var requestsAfterCreate int
	env.Test(t, []resource.TestStep{
		{Config: withCredentials, Check: env.OnSim(func() error {
			requestsAfterCreate = len(env.Sim.Requests())
			return nil
		})},
		// The same resources, no credentials: refresh and plan are empty.
		{Config: noCredentials + acctest.CancellationsConfig(env.TriggerKey, ids[:1]), PlanOnly: true},
		// One more resource needs an API call: the plan fails and names
		// every attribute and environment variable.
		{
			Config:      noCredentials + acctest.CancellationsConfig(env.TriggerKey, ids),
			PlanOnly:    true,
			ExpectError: acctest.ExpectWords("Missing Wix credentials", "app_id, app_secret and instance_id", "WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "access_token (or WIX_ACCESS_TOKEN)"),
		},
		// A replacement is an API call too: Terraform plans its create
		// half as a create, with a null prior state.
		{
			Config:      noCredentials + acctest.CancellationsConfig(env.TriggerKey, ids[:1], `triggers = { release = "v2" }`),
			PlanOnly:    true,
			ExpectError: acctest.ExpectWords("Missing Wix credentials", "Creating a wix_automation_event_cancellation calls Wix's Cancel Event API"),
		},
		// So is a replacement forced by taint (as by -replace). Destroy
		// (the test's final step) then runs with this configuration.
		{
			Config:      noCredentials + acctest.CancellationsConfig(env.TriggerKey, ids[:1]),
			Taint:       []string{acctest.CancellationAddr(0)},
			PlanOnly:    true,
			ExpectError: acctest.ExpectWords("Missing Wix credentials"),
		},
	}, env.OnSim(func() error {
		if n := len(env.Sim.Requests()); n != requestsAfterCreate {
			return fmt.Errorf("plans and destroy without credentials made %d API calls, want 0", n-requestsAfterCreate)
		}
		return nil
	}))
}

// Bad resource input fails at plan, naming the attribute and what was
// expected, before any API call.
func TestAccAutomationEventCancellation_planTimeValidation(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	id, key := acctest.EntityIDs(1)[0], env.TriggerKey
	cases := map[string]acctest.BadInput{
		"not a GUID":         {TriggerKey: key, EntityID: "16ef8c9c-413e-4d5f-b77d", Extra: "", Want: []string{"Invalid external_entity_id", `"16ef8c9c-413e-4d5f-b77d" is not a GUID`, "8-4-4-4-12"}},
		"empty trigger key":  {TriggerKey: "", EntityID: id, Extra: "", Want: []string{"Invalid trigger_key", `The trigger_key "" is empty`}},
		"long trigger key":   {TriggerKey: strings.Repeat("k", 101), EntityID: id, Extra: "", Want: []string{"Invalid trigger_key", "is 101 characters long", "at most 100"}},
		"padded trigger key": {TriggerKey: " form_submitted", EntityID: id, Extra: "", Want: []string{"Invalid trigger_key", "leading or trailing spaces"}},
		"negative timeout":   {TriggerKey: key, EntityID: id, Extra: `create = "-5m"`, Want: []string{"Invalid timeouts.create", `timeouts.create is "-5m", which is not above zero`}},
		"zero timeout":       {TriggerKey: key, EntityID: id, Extra: `create = "0s"`, Want: []string{"Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`, "default of 5m"}},
		"not a duration":     {TriggerKey: key, EntityID: id, Extra: `create = "soon"`, Want: []string{"Invalid timeouts.create", `timeouts.create is "soon", which is not a duration`}},
	}
	env.ExpectPlanFailures(t, cases, func(tc acctest.BadInput) string {
		return fmt.Sprintf(`
resource "wix_automation_event_cancellation" "bad" {
  trigger_key        = %q
  external_entity_id = %q
  timeouts {
    %s
  }
}
`, tc.TriggerKey, tc.EntityID, tc.Extra)
	})
}

// A trigger key Wix does not know: Wix's 404 in its own words, and advice
// that says where trigger keys come from.
func TestAccAutomationEventCancellation_unknownTriggerKey(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Test(t, []resource.TestStep{{
		Config: env.ProviderBlock() + acctest.CancellationsConfig("form_submited", acctest.EntityIDs(1)),
		ExpectError: acctest.ExpectWords("Could not cancel Wix automation events", "HTTP 404", "TRIGGER_NOT_FOUND",
			"Wix knows no such trigger key for this app.", "Trigger keys come from the app's automation triggers",
			"Extensions, then Automations"),
	}})
}
