package events_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

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

// importBlock is an import block for the resource at address.
func importBlock(address, triggerKey, id string) string {
	return fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", address, triggerKey, id)
}

// An event imported by an import block whose configuration sets nothing to
// record: the import's apply is an update that calls nothing and ends the
// import's grace, so that triggers added later cancel the event and report
// it anew, as they would on an event the provider reported.
func TestAccAutomationEvent_importedBareThenTriggersReplace(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id, outside := env.EventReportedOutside()
	event := func(extra ...string) string {
		return env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, extra...)
	}
	env.Test(t, []resource.TestStep{
		{Config: importBlock(acctest.OneEventAddr, env.TriggerKey, id) + event(), ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr),
			ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectAttr(acctest.OneEventAddr, "reported_at", knownvalue.Null())},
			Check:             env.NoRequestsSince(&outside)},
		{Config: event(), PlanOnly: true},
		{Config: event(`triggers = { rerun = "2027-01" }`), ConfigPlanChecks: replaces(acctest.OneEventAddr), Check: wixSaw(env, id, 2, 1)},
		{Config: event(`triggers = { rerun = "2027-01" }`, `payload = { tier = "gold" }`), ConfigPlanChecks: replaces(acctest.OneEventAddr),
			Check: wixSaw(env, id, 3, 2)},
	}, env.EventsCanceled(true, id))
}

// The same after terraform import: the first apply calls nothing and ends
// the grace; a payload added later replaces the event.
func TestAccAutomationEvent_importedByCLIBareThenPayloadReplaces(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id, outside := env.EventReportedOutside()
	bare := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{ResourceName: acctest.OneEventAddr, ImportState: true, ImportStateId: env.TriggerKey + "/" + id, ImportStatePersist: true, Config: bare},
		{Config: bare, ConfigPlanChecks: updatesInPlace(acctest.OneEventAddr), Check: env.NoRequestsSince(&outside)},
		{Config: bare, PlanOnly: true},
		{Config: env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, `payload = { tier = "gold" }`),
			ConfigPlanChecks: replaces(acctest.OneEventAddr), Check: wixSaw(env, id, 2, 1)},
	}, env.EventsCanceled(true, id))
}

// A cancellation imported with a configuration that sets no triggers: the
// import's apply cancels nothing, and triggers added later cancel again,
// as the docs promise.
func TestAccAutomationEventCancellation_importedBareThenTriggersCancelAgain(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	bare := env.OneCancellation(env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{Config: importBlock(acctest.OneCancellationAddr, env.TriggerKey, id) + bare, ConfigPlanChecks: updatesInPlace(acctest.OneCancellationAddr),
			ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectAttr(acctest.OneCancellationAddr, "canceled_at", knownvalue.Null())},
			Check:             wixSaw(env, id, 0, 0)},
		{Config: bare, PlanOnly: true},
		{Config: env.OneCancellation(env.TriggerKey, id, `triggers = { new_events = "2027-01" }`),
			ConfigPlanChecks: replaces(acctest.OneCancellationAddr), Check: wixSaw(env, id, 0, 1)},
	})
}

// The same after terraform import.
func TestAccAutomationEventCancellation_importedByCLIBareThenTriggersCancelAgain(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	bare := env.OneCancellation(env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{ResourceName: acctest.OneCancellationAddr, ImportState: true, ImportStateId: env.TriggerKey + "/" + id, ImportStatePersist: true, Config: bare},
		{Config: bare, ConfigPlanChecks: updatesInPlace(acctest.OneCancellationAddr), Check: wixSaw(env, id, 0, 0)},
		{Config: bare, PlanOnly: true},
		{Config: env.OneCancellation(env.TriggerKey, id, `triggers = { new_events = "2027-01" }`),
			ConfigPlanChecks: replaces(acctest.OneCancellationAddr), Check: wixSaw(env, id, 0, 1)},
	})
}

// The plan of an import block with nothing to record says why it shows
// an update, and that the update calls nothing.
func TestAccAutomationEventCancellation_importedBareWarnsOfItsUpdate(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.TerraformOutputCLI(t, "to read its warnings")
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+
		importBlock(acctest.OneCancellationAddr, env.TriggerKey, id)+env.OneCancellation(env.TriggerKey, id))
	out, err := acctest.RunCLI(t, cli, dir, acctest.ReattachProvider(t, env.Provider()), "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	if !acctest.ExpectWords("1 to import, 0 to add, 1 to change", "Warning: First apply after an import",
		"wix_automation_event_cancellation "+env.TriggerKey+"/"+id+" was imported", "makes no call to Wix",
		"canceled_at stays null", "a change of triggers replaces the cancellation").MatchString(out) {
		t.Errorf("the plan does not explain its update:\n%s", out)
	}
	if n := len(env.Sim.Requests()); n != 0 {
		t.Errorf("the plan made %d API calls, want none", n)
	}
}
