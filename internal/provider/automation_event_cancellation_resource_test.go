package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Several cancellations in one apply: one token, one Cancel Event per
// resource with exactly the SDK's body and headers, then no API call for
// refresh, the follow-up plan, or destroy.
func TestAccAutomationEventCancellation_applyMany(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	ids := entityIDs(3)
	config := env.providerBlock(batchingOff) + cancellationsConfig(env.triggerKey, ids)
	stateChecks := savedChecks(env.triggerKey, ids)
	for i, id := range ids {
		stateChecks = append(stateChecks,
			expectString(address(i), "trigger_key", env.triggerKey),
			expectString(address(i), "external_entity_id", id))
	}
	wire := env.onSim(func() error { return checkWireOfApply(env, ids) })
	env.test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: stateChecks, Check: wire},
		// A refresh-and-plan of the same configuration is empty (the
		// framework fails a non-empty plan) and calls nothing.
		{Config: config, PlanOnly: true},
	}, env.onSim(func() error {
		if got := len(env.cancellationRequests()); got != len(ids) {
			return fmt.Errorf("after refresh, plan and destroy there were %d cancel calls in all, want the %d of the apply", got, len(ids))
		}
		if got := len(env.sim.RequestsTo(wix.PathToken)); got != 1 {
			return fmt.Errorf("token requests = %d, want 1 (refresh, plan and destroy need no token)", got)
		}
		return nil
	}))
}

// checkWireOfApply compares what reached the simulator with what Wix's JS
// SDK sends.
func checkWireOfApply(env *accEnv, ids []string) error {
	tokens := env.sim.RequestsTo(wix.PathToken)
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
	cancels := env.sim.RequestsTo(wix.PathCancel)
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
	return env.verifyCanceledOnce(env.triggerKey, ids...)
}

// checkCancelRequest checks one Cancel Event call: exactly the SDK's body
// and the headers every call carries.
func checkCancelRequest(env *accEnv, r wixsim.RecordedRequest) error {
	want := fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":"`, env.triggerKey)
	if !strings.HasPrefix(string(r.Body), want) || !strings.HasSuffix(string(r.Body), `"}`) || strings.Count(string(r.Body), ":") != 2 {
		return fmt.Errorf("Cancel Event body = %s, want exactly {\"triggerKey\":…,\"externalEntityId\":…}", r.Body)
	}
	return checkHeaders(r)
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
func (e *accEnv) replacedStep(config string, want int, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(oneCancellationAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}},
		ConfigStateChecks: checks,
		Check:             e.cancelCallsSoFar(want),
	}
}

// Every input forces a new cancellation; timeouts change in place.
func TestAccAutomationEventCancellation_replacement(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	ids := entityIDs(2)
	const one = oneCancellationAddr
	v2 := `triggers = { release = "v2" }`
	canceledAt := staysSame()
	steps := []resource.TestStep{
		{Config: env.oneCancellation(env.triggerKey, ids[0]), Check: env.cancelCallsSoFar(1)},
		env.replacedStep(env.oneCancellation(env.triggerKey, ids[1]), 2,
			expectString(one, "external_entity_id", ids[1])),
		env.replacedStep(env.oneCancellation(env.triggerKey, ids[1], `triggers = { release = "v1" }`), 3),
		env.replacedStep(env.oneCancellation(env.triggerKey, ids[1], v2), 4,
			expectAttr(one, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v2")})),
			canceledAt.AddStateValue(one, attr("canceled_at"))),
		{
			Config: env.oneCancellation(env.triggerKey, ids[1], v2, "timeouts {\n    create = \"10m\"\n  }"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(one, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(one, "timeouts", knownvalue.ObjectExact(map[string]knownvalue.Check{"create": knownvalue.StringExact("10m")})),
				// An update in place keeps the time of the cancellation.
				canceledAt.AddStateValue(one, attr("canceled_at")),
			},
			Check: env.cancelCallsSoFar(4),
		},
	}
	if env.sim != nil {
		const otherKey = "booking_confirmed"
		env.sim.OwnTriggerKey(wixsim.DemoAppID, otherKey)
		steps = append(steps, env.replacedStep(env.oneCancellation(otherKey, ids[1], v2), 5,
			expectString(one, "id", otherKey+"/"+ids[1])))
	}
	env.test(t, steps)
}

// Import adopts a cancellation without an API call, by CLI and by import
// block, and a malformed id is refused with the expected form.
func TestAccAutomationEventCancellation_import(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id := entityIDs(1)[0]
	address := "wix_automation_event_cancellation.env[0]"
	config := env.providerBlock() + cancellationsConfig(env.triggerKey, []string{id})
	var cancelsAfterCreate int
	env.test(t, []resource.TestStep{
		{Config: config, Check: env.onSim(func() error {
			cancelsAfterCreate = len(env.cancellationRequests())
			return nil
		})},
		{
			ResourceName:            address,
			ImportState:             true,
			ImportStateId:           env.triggerKey + "/" + id,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"canceled_at"},
			Config:                  config,
		},
		{
			ResourceName:    address,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   env.triggerKey + "/" + id,
			Config:          config,
		},
		{ResourceName: address, ImportState: true, ImportStateId: id, Config: config,
			ExpectError: expectWords(`has no "/"`, "<trigger_key>/<external_entity_id>")},
		{ResourceName: address, ImportState: true, ImportStateId: env.triggerKey + "/not-a-guid", Config: config,
			ExpectError: expectWords(`ends in "not-a-guid", which is not a GUID`, "form_submitted/16ef8c9c")},
		{ResourceName: address, ImportState: true, ImportStateId: "/" + id, Config: config,
			ExpectError: expectWords("has a trigger key that is empty")},
	}, env.onSim(func() error {
		if len(env.cancellationRequests()) != cancelsAfterCreate {
			return fmt.Errorf("import or destroy called Wix: %d cancel calls, want %d", len(env.cancellationRequests()), cancelsAfterCreate)
		}
		return nil
	}))
}

// Importing with no credentials at all works: import makes no API call, and
// adopting triggers from the configuration does not cancel again.
func TestAccAutomationEventCancellation_importWithoutCredentials(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	config := bareProviderBlock(env.baseURLLine()) + fmt.Sprintf(`
import {
  to = wix_automation_event_cancellation.adopted
  id = "%[1]s/%[2]s"
}

resource "wix_automation_event_cancellation" "adopted" {
  trigger_key        = %[1]q
  external_entity_id = %[2]q
  triggers           = { release = "v1" }
}
`, env.triggerKey, id)
	address := "wix_automation_event_cancellation.adopted"
	env.test(t, []resource.TestStep{{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectString(address, "id", env.triggerKey+"/"+id),
			expectAttr(address, "canceled_at", knownvalue.Null()),
			expectAttr(address, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
		},
	}}, env.onSim(func() error {
		if n := len(env.sim.Requests()); n != 0 {
			return fmt.Errorf("import, apply and destroy without credentials made %d API calls, want 0", n)
		}
		return nil
	}))
}

// Refresh, an empty plan and destroy of existing cancellations need no
// credentials; a planned create without them fails at plan, before any call.
func TestAccAutomationEventCancellation_credentialsOnlyWhenCalling(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	ids := entityIDs(2)
	withCredentials := env.providerBlock() + cancellationsConfig(env.triggerKey, ids[:1])
	noCredentials := bareProviderBlock(env.baseURLLine())
	var requestsAfterCreate int
	env.test(t, []resource.TestStep{
		{Config: withCredentials, Check: env.onSim(func() error {
			requestsAfterCreate = len(env.sim.Requests())
			return nil
		})},
		// The same resources, no credentials: refresh and plan are empty.
		{Config: noCredentials + cancellationsConfig(env.triggerKey, ids[:1]), PlanOnly: true},
		// One more resource needs an API call: the plan fails and names
		// every attribute and environment variable.
		{
			Config:      noCredentials + cancellationsConfig(env.triggerKey, ids),
			PlanOnly:    true,
			ExpectError: expectWords("Missing Wix credentials", "app_id, app_secret and instance_id", "WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "access_token (or WIX_ACCESS_TOKEN)"),
		},
		// A replacement is an API call too: Terraform plans its create
		// half as a create, with a null prior state.
		{
			Config:      noCredentials + cancellationsConfig(env.triggerKey, ids[:1], `triggers = { release = "v2" }`),
			PlanOnly:    true,
			ExpectError: expectWords("Missing Wix credentials", "Creating a wix_automation_event_cancellation calls Wix's Cancel Event API"),
		},
		// So is a replacement forced by taint (as by -replace). Destroy
		// (the test's final step) then runs with this configuration.
		{
			Config:      noCredentials + cancellationsConfig(env.triggerKey, ids[:1]),
			Taint:       []string{address(0)},
			PlanOnly:    true,
			ExpectError: expectWords("Missing Wix credentials"),
		},
	}, env.onSim(func() error {
		if n := len(env.sim.Requests()); n != requestsAfterCreate {
			return fmt.Errorf("plans and destroy without credentials made %d API calls, want 0", n-requestsAfterCreate)
		}
		return nil
	}))
}

// Bad resource input fails at plan, naming the attribute and what was
// expected, before any API call.
func TestAccAutomationEventCancellation_planTimeValidation(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id, key := entityIDs(1)[0], env.triggerKey
	cases := map[string]badInput{
		"not a GUID":         {key, "16ef8c9c-413e-4d5f-b77d", "", []string{"Invalid external_entity_id", `"16ef8c9c-413e-4d5f-b77d" is not a GUID`, "8-4-4-4-12"}},
		"empty trigger key":  {"", id, "", []string{"Invalid trigger_key", `The trigger_key "" is empty`}},
		"long trigger key":   {strings.Repeat("k", 101), id, "", []string{"Invalid trigger_key", "is 101 characters long", "at most 100"}},
		"padded trigger key": {" form_submitted", id, "", []string{"Invalid trigger_key", "leading or trailing spaces"}},
		"negative timeout":   {key, id, `create = "-5m"`, []string{"Invalid timeouts.create", `timeouts.create is "-5m", which is not above zero`}},
		"zero timeout":       {key, id, `create = "0s"`, []string{"Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`, "default of 5m"}},
		"not a duration":     {key, id, `create = "soon"`, []string{"Invalid timeouts.create", `timeouts.create is "soon", which is not a duration`}},
	}
	env.expectPlanFailures(t, cases, func(tc badInput) string {
		return fmt.Sprintf(`
resource "wix_automation_event_cancellation" "bad" {
  trigger_key        = %q
  external_entity_id = %q
  timeouts {
    %s
  }
}
`, tc.triggerKey, tc.entityID, tc.extra)
	})
}

func TestParseImportID(t *testing.T) {
	guid := "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
	cases := []struct {
		id, key, entity, problem string
	}{
		{"form_submitted/" + guid, "form_submitted", guid, ""},
		{"ns/form_submitted/" + guid, "ns/form_submitted", guid, ""},
		{"form_submitted/" + strings.ToUpper(guid), "form_submitted", strings.ToUpper(guid), ""},
		{guid, "", "", `has no "/"`},
		{"/" + guid, "", "", "trigger key that is empty"},
		{"form_submitted/", "", "", "is not a GUID"},
		{"form_submitted/" + guid + "/", "", "", "is not a GUID"},
		{strings.Repeat("k", 101) + "/" + guid, "", "", "at most 100"},
	}
	for _, tc := range cases {
		key, entity, problem := parseImportID(tc.id)
		if key != tc.key || entity != tc.entity || !strings.Contains(problem, tc.problem) || (tc.problem == "") != (problem == "") {
			t.Errorf("parseImportID(%q) = %q, %q, %q; want %q, %q, a problem containing %q", tc.id, key, entity, problem, tc.key, tc.entity, tc.problem)
		}
	}
}
