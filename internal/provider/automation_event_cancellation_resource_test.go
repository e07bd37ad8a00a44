package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const batchingOff = "batching {\n    enable_batching = false\n  }"

// Several cancellations in one apply: one token, one Cancel Event per
// resource with exactly the SDK's body and headers, then no API call for
// refresh, the follow-up plan, or destroy.
func TestAccAutomationEventCancellation_applyMany(t *testing.T) {
	env := newAccEnv(t)
	ids := entityIDs(3)
	config := env.providerBlock(batchingOff) + cancellationsConfig(env.triggerKey, ids)
	var stateChecks []statecheck.StateCheck
	for i, id := range ids {
		address := fmt.Sprintf("wix_automation_event_cancellation.env[%d]", i)
		stateChecks = append(stateChecks,
			statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(env.triggerKey+"/"+id)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("trigger_key"), knownvalue.StringExact(env.triggerKey)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("external_entity_id"), knownvalue.StringExact(id)),
			statecheck.ExpectKnownValue(address, tfjsonpath.New("canceled_at"), recentRFC3339{}),
		)
	}
	wire := func(*terraform.State) error { return nil }
	if env.sim != nil {
		wire = func(*terraform.State) error { return checkWireOfApply(env, ids) }
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: stateChecks, Check: wire},
			// A refresh-and-plan of the same configuration is empty (the
			// framework fails a non-empty plan) and calls nothing.
			{Config: config, PlanOnly: true},
		},
		CheckDestroy: func(*terraform.State) error {
			if env.sim == nil {
				return nil
			}
			if got := len(env.cancellationRequests()); got != len(ids) {
				return fmt.Errorf("after refresh, plan and destroy there were %d cancel calls in all, want the %d of the apply", got, len(ids))
			}
			if got := len(env.sim.RequestsTo(wix.PathToken)); got != 1 {
				return fmt.Errorf("token requests = %d, want 1 (refresh, plan and destroy need no token)", got)
			}
			return nil
		},
	})
}

// recentRFC3339 matches an RFC 3339 time of the last few minutes.
type recentRFC3339 struct{}

func (recentRFC3339) CheckValue(v any) error {
	value, ok := v.(string)
	if !ok {
		return fmt.Errorf("canceled_at is %T, want a string", v)
	}
	at, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return fmt.Errorf("canceled_at %q is not RFC 3339: %w", value, err)
	}
	if age := time.Since(at); age < -time.Minute || age > 10*time.Minute {
		return fmt.Errorf("canceled_at %s is not the time of the apply", value)
	}
	return nil
}

func (recentRFC3339) String() string { return "an RFC 3339 time of the last minutes" }

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
		if !seen[id] || env.sim.CancelCount(env.triggerKey, id) != 1 {
			return fmt.Errorf("entity %s: cancelled %d times, want once", id, env.sim.CancelCount(env.triggerKey, id))
		}
	}
	return nil
}

var userAgentPattern = regexp.MustCompile(`^terraform-provider-wix/test terraform/\d+\.\d+\.\d+`)

func checkCancelRequest(env *accEnv, r wixsim.RecordedRequest) error {
	want := fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":"`, env.triggerKey)
	if !strings.HasPrefix(string(r.Body), want) || !strings.HasSuffix(string(r.Body), `"}`) || strings.Count(string(r.Body), ":") != 2 {
		return fmt.Errorf("Cancel Event body = %s, want exactly {\"triggerKey\":…,\"externalEntityId\":…}", r.Body)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		return fmt.Errorf("Content-Type = %q, want application/json", got)
	}
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "OAUTH2.") {
		return fmt.Errorf("Authorization header is not the raw OAuth token (no Bearer prefix): starts %.10q", auth)
	}
	if ua := r.Header.Get("User-Agent"); !userAgentPattern.MatchString(ua) {
		return fmt.Errorf("User-Agent = %q, want terraform-provider-wix/<version> terraform/<version>", ua)
	}
	if r.Status != 200 {
		return fmt.Errorf("simulator answered %d to %s", r.Status, r.Body)
	}
	return nil
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

// Every input forces a new cancellation; timeouts change in place.
func TestAccAutomationEventCancellation_replacement(t *testing.T) {
	env := newAccEnv(t)
	ids := entityIDs(2)
	one := func(triggerKey, id string, extra ...string) string {
		return env.providerBlock() + fmt.Sprintf(`
resource "wix_automation_event_cancellation" "one" {
  trigger_key        = %q
  external_entity_id = %q
  %s
}
`, triggerKey, id, strings.Join(extra, "\n  "))
	}
	otherKey := env.triggerKey
	if env.sim != nil {
		otherKey = "booking_confirmed"
		env.sim.OwnTriggerKey(wixsim.DemoAppID, otherKey)
	}
	replaced := func() []plancheck.PlanCheck {
		return []plancheck.PlanCheck{plancheck.ExpectResourceAction("wix_automation_event_cancellation.one", plancheck.ResourceActionDestroyBeforeCreate)}
	}
	cancelsSoFar := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if env.sim == nil {
				return nil
			}
			if got := len(env.cancellationRequests()); got != want {
				return fmt.Errorf("cancel calls so far = %d, want %d", got, want)
			}
			return nil
		}
	}
	address := "wix_automation_event_cancellation.one"
	steps := []resource.TestStep{
		{Config: one(env.triggerKey, ids[0]), Check: cancelsSoFar(1)},
		{
			Config:           one(env.triggerKey, ids[1]),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced()},
			Check:            resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(address, "external_entity_id", ids[1]), cancelsSoFar(2)),
		},
		{
			Config:           one(env.triggerKey, ids[1], `triggers = { release = "v1" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced()},
			Check:            cancelsSoFar(3),
		},
		{
			Config:           one(env.triggerKey, ids[1], `triggers = { release = "v2" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced()},
			Check:            resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(address, "triggers.release", "v2"), cancelsSoFar(4)),
		},
		{
			Config: one(env.triggerKey, ids[1], `triggers = { release = "v2" }`, "timeouts {\n    create = \"10m\"\n  }"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(address, "timeouts.create", "10m"), cancelsSoFar(4)),
		},
	}
	if otherKey != env.triggerKey {
		steps = append(steps, resource.TestStep{
			Config:           one(otherKey, ids[1], `triggers = { release = "v2" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced()},
			Check:            resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(address, "id", otherKey+"/"+ids[1]), cancelsSoFar(5)),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: env.factories(), Steps: steps})
}
