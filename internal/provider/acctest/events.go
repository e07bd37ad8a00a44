package acctest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// EntityIDs are fixed, distinct GUIDs for test resources.
func EntityIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("16ef8c9c-413e-4d5f-b77d-%012x", i+1)
	}
	return ids
}

// QuoteAll writes strings as the elements of an HCL list.
func QuoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}

// The resource types whose configurations the tests build.
const (
	CancellationType = "wix_automation_event_cancellation"
	EventType        = "wix_automation_event"
)

// address is the address of the n-th resource of CancellationsConfig.
func CancellationAddr(n int) string { return countedAddr(CancellationType, n) }

// EventAddr is the address of the n-th event of EventsConfig.
func EventAddr(n int) string { return countedAddr(EventType, n) }

// countedAddr is the address of the n-th resource of countedConfig.
func countedAddr(typeName string, n int) string {
	return fmt.Sprintf("%s.env[%d]", typeName, n)
}

// CancellationsConfig declares one cancellation per entity id.
func CancellationsConfig(triggerKey string, ids []string, extraAttributes ...string) string {
	return countedConfig(CancellationType, triggerKey, ids, extraAttributes...)
}

// EventsConfig declares one event per entity id, with count: the
// plugin-testing harness cannot read a state with for_each resources back
// for Check, CheckDestroy or its own final destroy (see ForEachEvents).
func EventsConfig(triggerKey string, ids []string, extra ...string) string {
	return countedConfig(EventType, triggerKey, ids, extra...)
}

// countedConfig declares resources "env" of a type that takes trigger_key
// and external_entity_id, one per entity id, with count.
func countedConfig(typeName, triggerKey string, ids []string, extra ...string) string {
	return fmt.Sprintf(`
locals {
  entity_ids = [%s]
}

resource %q "env" {
  count              = length(local.entity_ids)
  trigger_key        = %q
  external_entity_id = local.entity_ids[count.index]
  %s
}
`, QuoteAll(ids), typeName, triggerKey, strings.Join(extra, "\n  "))
}

// ForEachEvents declares one event per entity id, with for_each. A test of
// it asserts with ConfigStateChecks only and destroys in a step of its own.
func ForEachEvents(triggerKey string, ids []string) string {
	return fmt.Sprintf(`
resource %q "env" {
  for_each           = toset([%s])
  trigger_key        = %q
  external_entity_id = each.key
}
`, EventType, QuoteAll(ids), triggerKey)
}

// OneEventAddr is the address of the event of OneEvent.
const OneEventAddr = EventType + ".one"

// OneCancellationAddr is the address of the cancellation of OneCancellation.
const OneCancellationAddr = CancellationType + ".one"

// OneEvent is a wix_automation_event named "one" with extra attribute lines.
func OneEvent(triggerKey, id string, extra ...string) string {
	return OneEventNamed("one", triggerKey, id, extra...)
}

// OneEventNamed is a wix_automation_event with a name and extra attribute lines.
func OneEventNamed(name, triggerKey, id string, extra ...string) string {
	return namedResource(EventType, name, triggerKey, id, extra...)
}

// OneCancellation is the provider block and a cancellation named "one".
func (e *Env) OneCancellation(triggerKey, id string, extra ...string) string {
	return e.ProviderBlock() + namedResource(CancellationType, "one", triggerKey, id, extra...)
}

// namedResource is one resource of a type that takes trigger_key and
// external_entity_id, with extra attribute lines.
func namedResource(typeName, name, triggerKey, id string, extra ...string) string {
	return fmt.Sprintf(`
resource %q %q {
  trigger_key        = %q
  external_entity_id = %q
  %s
}
`, typeName, name, triggerKey, id, strings.Join(extra, "\n  "))
}

// Config is the provider block with extra lines, and n cancellations.
func (e *Env) Config(n int, providerLines []string, resourceLines ...string) string {
	return e.ProviderBlock(providerLines...) + CancellationsConfig(e.TriggerKey, EntityIDs(n), resourceLines...)
}

// TestApply applies the cancellations of ids with a provider block of
// these lines, and checks state and check.
func (e *Env) TestApply(t *testing.T, ids []string, check resource.TestCheckFunc, providerLines ...string) {
	e.Test(t, []resource.TestStep{{
		Config:            e.ProviderBlock(providerLines...) + CancellationsConfig(e.TriggerKey, ids),
		ConfigStateChecks: SavedChecks(e.TriggerKey, ids),
		Check:             check,
	}})
}

// ExpectCreates is a plan check: the plan creates exactly the resources of
// CancellationsConfig at these indexes and leaves the others alone, i.e.
// state holds exactly the others. indexes is called when the plan is made.
func ExpectCreates(total int, indexes func() []int) plancheck.PlanCheck {
	return createsCheck{CancellationAddr, total, indexes}
}

// ExpectEventCreates is ExpectCreates for the events of EventsConfig.
func ExpectEventCreates(total int, indexes ...int) plancheck.PlanCheck {
	return createsCheck{EventAddr, total, func() []int { return indexes }}
}

type createsCheck struct {
	address func(n int) string
	total   int
	indexes func() []int
}

func (c createsCheck) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	want := c.indexes()
	var errs []error
	for i := range c.total {
		action := plancheck.ResourceActionNoop
		if slices.Contains(want, i) {
			action = plancheck.ResourceActionCreate
		}
		r := &plancheck.CheckPlanResponse{}
		plancheck.ExpectResourceAction(c.address(i), action).CheckPlan(ctx, req, r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}

// Recreates is a plan check: the first resource is to be created, because
// the failed apply saved nothing to state.
var Recreates = ExpectCreates(1, func() []int { return []int{0} })

// SavedChecks expect every resource of CancellationsConfig in state with
// its id and canceled_at.
func SavedChecks(triggerKey string, ids []string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for i, id := range ids {
		checks = append(checks,
			ExpectString(CancellationAddr(i), "id", triggerKey+"/"+id),
			ExpectAttr(CancellationAddr(i), "canceled_at", RecentRFC3339{}))
	}
	return checks
}

// CanceledOnce checks that Wix canceled each entity of triggerKey exactly
// once. Against the real API, which cannot tell, it checks nothing.
func (e *Env) CanceledOnce(triggerKey string, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error { return e.VerifyCanceledOnce(triggerKey, ids...) }
}

// VerifyCanceledOnce is CanceledOnce for use inside other checks.
func (e *Env) VerifyCanceledOnce(triggerKey string, ids ...string) error {
	if e.Sim == nil {
		return nil
	}
	for _, id := range ids {
		if n := e.Sim.CancelCount(triggerKey, id); n != 1 {
			return fmt.Errorf("%s/%s was canceled %d times, want once", triggerKey, id, n)
		}
	}
	return nil
}
