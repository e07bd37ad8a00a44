package soak_test

import (
	"fmt"
	"strings"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The environment the soak takes through its life: automations (one ACTIVE
// on the events' trigger key, so that reports start flows), events with
// typed payloads, cancellations and a data source listing the automations,
// as one configuration that each phase changes.

// flow is one wix_automation, wix_automation.flow[key], named "soak <key>".
type flow struct {
	key, triggerKey, status string
}

// flows: the listener is the only automation of the events' trigger key.
var flows = []flow{
	{"listener", wixsim.DemoTriggerKey, "ACTIVE"},
	{"trial", "trial_started", "ACTIVE"},
	{"order", "order_paid", "INACTIVE"},
}

func (f flow) name() string { return "soak " + f.key }

// event is one wix_automation_event, wix_automation_event.<name>.
type event struct {
	name, entityID string
	// idempotencyKey is set by the configuration, or "" for the
	// provider's own random key.
	idempotencyKey string
	// phase is the first phase that declares it; the events of the first
	// start the listener's flow, those added in the retire phase, when the
	// listener is INACTIVE, start none.
	phase int
	n     int
}

// payloadHCL is the event's payload as written: a string, a fractional
// number, a bool and a list of flat objects.
func (e event) payloadHCL() string {
	return fmt.Sprintf(`{ order_id = "A-%d", amount = %d.25, vip = %t, items = [{ sku = "S-%d", qty = %d }] }`,
		e.n, e.n*10, e.n%2 == 0, e.n, e.n+1)
}

// payloadWix is the payload as Wix keeps it, decoded with encoding/json.
func (e event) payloadWix() map[string]any {
	return map[string]any{
		"order_id": fmt.Sprintf("A-%d", e.n), "amount": float64(e.n*10) + 0.25, "vip": e.n%2 == 0,
		"items": []any{map[string]any{"sku": fmt.Sprintf("S-%d", e.n), "qty": float64(e.n + 1)}},
	}
}

// events: six in the create phase (one with an idempotency key of its
// own), two more in the retire phase.
var events = func() []event {
	var out []event
	for n := 1; n <= 8; n++ {
		e := event{name: fmt.Sprintf("e%d", n), entityID: fmt.Sprintf("5eed0000-0000-4000-8000-%012x", n), phase: 1, n: n}
		if n > 6 {
			e.phase = 2
		}
		if n == 3 {
			e.idempotencyKey = "soak-order-3-created"
		}
		out = append(out, e)
	}
	return out
}()

// cancellations are the entities of the wix_automation_event_cancellation
// resources c1, c2.
var cancellations = []string{"c0ffee00-0000-4000-8000-000000000001", "c0ffee00-0000-4000-8000-000000000002"}

// rootAction is the id of each automation's only action.
const rootAction = acctest.RootActionID

// The phases of the environment's life.
const (
	phaseCreate = iota + 1
	phaseRetire
	phaseDestroy
)

var phaseNames = map[int]string{phaseCreate: "create", phaseRetire: "retire", phaseDestroy: "destroy"}

// statusIn is the status a flow has in a phase: its own at first, then
// INACTIVE (retired).
func (f flow) statusIn(phase int) string {
	if phase >= phaseRetire {
		return "INACTIVE"
	}
	return f.status
}

// eventsIn are the events a phase declares.
func eventsIn(phase int) []event {
	var out []event
	for _, e := range events {
		if e.phase <= phase {
			out = append(out, e)
		}
	}
	return out
}

// ephemeralHCL opens wix_access_token in every plan and apply (Terraform
// 1.10 and later): its token must reach no state, plan or output either.
// The check block makes sure that it was opened and yielded a token.
const ephemeralHCL = `
ephemeral "wix_access_token" "soak" {}

check "token" {
  assert {
    condition     = length(ephemeral.wix_access_token.soak.access_token) > 20
    error_message = "wix_access_token yields no token"
  }
}
`

// settings are what a run varies besides the faults, chosen by its seed.
type settings struct {
	// batching: group commits and shared reads, as by default; one seed in
	// four turns them off, so that every report, cancel and read is a call
	// of its own.
	batching bool
	// ephemeral: the CLI has ephemeral resources (Terraform 1.10+).
	ephemeral bool
}

func (s settings) String() string {
	return fmt.Sprintf("batching %v, wix_access_token %v", s.batching, s.ephemeral)
}

// batchingHCL is the provider's batching block.
func (s settings) batchingHCL() string {
	if !s.batching {
		return "enable_batching = false"
	}
	return `send_after = "200ms"`
}

// configuration is the phase's main.tf. The app secret comes from a
// sensitive variable, set through TF_VAR_app_secret, so that no file of the
// working directory holds it; max_retries = 1, so that two faults in a row
// use a call's retries up; no pacing, as the simulator has no rate limit.
func configuration(phase int, baseURL string, set settings) string {
	var b strings.Builder
	fmt.Fprintf(&b, `%s
variable "app_secret" {
  type      = string
  sensitive = true
}

provider "wix" {
  base_url            = %q
  app_id              = %q
  app_secret          = var.app_secret
  instance_id         = %q
  max_retries         = 1
  requests_per_minute = 0
  batching {
    %s
  }
}
`, acctest.RequiredWixProvider, baseURL, wixsim.DemoAppID, wixsim.DemoInstanceID, set.batchingHCL())
	b.WriteString(flowsHCL(phase))
	for _, e := range eventsIn(phase) {
		b.WriteString(eventHCL(e))
	}
	for i, id := range cancellations {
		fmt.Fprintf(&b, `
resource "wix_automation_event_cancellation" "c%d" {
  trigger_key        = %q
  external_entity_id = %q
}
`, i+1, wixsim.DemoTriggerKey, id)
	}
	b.WriteString(readsHCL)
	if set.ephemeral {
		b.WriteString(ephemeralHCL)
	}
	return b.String()
}

// flowsHCL declares the automations with for_each.
func flowsHCL(phase int) string {
	var entries []string
	for _, f := range flows {
		entries = append(entries, fmt.Sprintf("    %s = { trigger_key = %q, status = %q }", f.key, f.triggerKey, f.statusIn(phase)))
	}
	return fmt.Sprintf(`
locals {
  flows = {
%s
  }
}

resource "wix_automation" "flow" {
  for_each        = local.flows
  name            = "soak ${each.key}"
  description     = "Soak environment: ${each.key}"
  status          = each.value.status
  trigger         = { app_id = %[2]q, trigger_key = each.value.trigger_key }
  root_action_ids = [%[3]q]
  actions = jsonencode({
    %[3]q = {
      appDefinedInfo = {
        appId        = %[2]q
        actionKey    = "send_email"
        inputMapping = { subject = "Soak ${each.key}: order {{order_id}}" }
      }
    }
  })
}
`, strings.Join(entries, "\n"), wixsim.DemoAppID, rootAction)
}

// eventHCL declares one event, reported once the listener is in place.
func eventHCL(e event) string {
	key := ""
	if e.idempotencyKey != "" {
		key = fmt.Sprintf("\n  idempotency_key    = %q", e.idempotencyKey)
	}
	return fmt.Sprintf(`
resource "wix_automation_event" %q {
  trigger_key        = %q
  external_entity_id = %q
  payload            = %s%s
  depends_on         = [wix_automation.flow["listener"]]
}
`, e.name, wixsim.DemoTriggerKey, e.entityID, e.payloadHCL(), key)
}

// readsHCL lists the automations after they changed, and outputs what the
// environment holds (the outputs are scanned for secrets with the state).
const readsHCL = `
data "wix_automations" "soak" {
  origin     = "APPLICATION"
  depends_on = [wix_automation.flow]
}

output "automations" {
  value = { for a in data.wix_automations.soak.automations : a.name => "${a.status} r${a.revision}" }
}

output "flow_ids" {
  value = { for k, f in wix_automation.flow : k => f.id }
}
`
