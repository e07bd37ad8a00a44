package events_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
)

// The tests of this file are about when a change replaces an event or a
// cancellation: only when it changes what Wix is sent (or triggers that
// say to), and, after an import, on every change but the first apply's.

// wixSaw checks how many reports and cancels of one entity the simulator
// has taken so far: a replacement shows as one more of each.
func wixSaw(env *acctest.Env, id string, reports, cancels int) resource.TestCheckFunc {
	return env.OnSim(func() error {
		gotReports, gotCancels := len(env.EventsOf(env.TriggerKey, id)), env.Sim.CancelCount(env.TriggerKey, id)
		if gotReports != reports || gotCancels != cancels {
			return fmt.Errorf("Wix took %d reports and %d cancels of %s, want %d and %d", gotReports, gotCancels, id, reports, cancels)
		}
		return nil
	})
}

// updatesInPlace is a plan check: the resource at address is updated, not
// replaced.
func updatesInPlace(address string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(address, plancheck.ResourceActionUpdate)}}
}

// replaces is a plan check: the resource at address is destroyed, then
// created anew.
func replaces(address string) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(address, plancheck.ResourceActionDestroyBeforeCreate)}}
}

// The same payload written through a variable of type map(string) instead
// of an object literal sends Wix the same JSON: an update that calls
// nothing, not a replacement that cancels the event and reports it again.
// A change of a value still replaces it.
func TestAccAutomationEvent_payloadOfTheSameJSONUpdatesInPlace(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	literal := env.ProviderBlock(acctest.BatchingOff) + acctest.OneEvent(env.TriggerKey, id, `payload = { order_id = "A-17", tier = "gold" }`)
	throughVariable := func(tier string) string {
		return env.ProviderBlock(acctest.BatchingOff) + payloadVariable("string", `{ order_id = "A-17", tier = "`+tier+`" }`) +
			acctest.OneEvent(env.TriggerKey, id, `payload = var.p`)
	}
	env.Test(t, []resource.TestStep{
		{Config: literal, Check: wixSaw(env, id, 1, 0)},
		{Config: throughVariable("gold"), ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: throughVariable("gold"), PlanOnly: true},
		{Config: literal, ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: throughVariable("silver"), ConfigPlanChecks: replaces(acctest.OneEventAddr), Check: wixSaw(env, id, 2, 1)},
	}, env.EventsCanceled(true, id))
}

// A number keeps its JSON type through a map(number): the same body, an
// update. Through a map(string) it becomes a string, which Wix tells
// apart: a new event.
func TestAccAutomationEvent_payloadNumberTurnedStringReplaces(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	provider := env.ProviderBlock(acctest.BatchingOff)
	event := acctest.OneEvent(env.TriggerKey, id, `payload = var.p`)
	env.Test(t, []resource.TestStep{
		{Config: provider + acctest.OneEvent(env.TriggerKey, id, `payload = { amount = 42, qty = 2 }`), Check: wixSaw(env, id, 1, 0)},
		{Config: provider + payloadVariable("number", `{ amount = 42.0, qty = 2 }`) + event,
			ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: provider + payloadVariable("string", `{ amount = 42, qty = 2 }`) + event,
			ConfigPlanChecks: replaces(acctest.OneEventAddr), Check: wixSaw(env, id, 2, 1)},
	}, env.EventsCanceled(true, id))
}

// payloadVariable declares variable "p" of type map(elementType) with a
// default.
func payloadVariable(elementType, value string) string {
	return fmt.Sprintf("\nvariable \"p\" {\n  type    = map(%s)\n  default = %s\n}\n", elementType, value)
}

// No payload and payload = {} send Wix the same body (Report Event leaves
// an empty payload out), and no triggers and triggers = {} hold the same
// values: adding or removing either is an update that calls nothing.
func TestAccAutomationEvent_emptyPayloadOrTriggersUpdateInPlace(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	event := func(extra ...string) string {
		return env.ProviderBlock(acctest.BatchingOff) + acctest.OneEvent(env.TriggerKey, id, extra...)
	}
	env.Test(t, []resource.TestStep{
		{Config: event(), Check: wixSaw(env, id, 1, 0)},
		{Config: event(`payload = {}`), ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: event(`payload = {}`, `triggers = {}`), ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: event(), ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: wixSaw(env, id, 1, 0)},
		{Config: event(), PlanOnly: true},
		{Config: event(`triggers = { rerun = "1" }`), ConfigPlanChecks: replaces(acctest.OneEventAddr), Check: wixSaw(env, id, 2, 1)},
	}, env.EventsCanceled(true, id))
}

// triggers = {} on a cancellation that had none holds no new value:
// an update that cancels nothing; a value in it cancels again.
func TestAccAutomationEventCancellation_emptyTriggersUpdateInPlace(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	env.Test(t, []resource.TestStep{
		{Config: env.OneCancellation(env.TriggerKey, id), Check: wixSaw(env, id, 0, 1)},
		{Config: env.OneCancellation(env.TriggerKey, id, `triggers = {}`), ConfigPlanChecks: updatesInPlace(acctest.OneCancellationAddr),
			Check: wixSaw(env, id, 0, 1)},
		{Config: env.OneCancellation(env.TriggerKey, id, `triggers = { new_events = "1" }`), ConfigPlanChecks: replaces(acctest.OneCancellationAddr),
			Check: wixSaw(env, id, 0, 2)},
	})
}
