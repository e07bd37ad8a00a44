package acctest

import (
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// EventsOf are the simulator's events of an entity, in report order.
func (e *Env) EventsOf(triggerKey, id string) []wixsim.Event {
	var out []wixsim.Event
	for _, ev := range e.Sim.Events() {
		if ev.TriggerKey == triggerKey && ev.ExternalEntityID == id {
			out = append(out, ev)
		}
	}
	return out
}

// OnlyEvent is the one event the simulator holds for an entity, or an error.
func (e *Env) OnlyEvent(triggerKey, id string) (wixsim.Event, error) {
	events := e.EventsOf(triggerKey, id)
	if len(events) != 1 {
		return wixsim.Event{}, fmt.Errorf("the simulator holds %d events of %s/%s, want exactly 1", len(events), triggerKey, id)
	}
	return events[0], nil
}

// SimEvent is OnlyEvent of the env's trigger key for checks that also run
// against the real API: there it is nil, with no error.
func (e *Env) SimEvent(id string) (*wixsim.Event, error) {
	if e.Sim == nil {
		return nil, nil
	}
	ev, err := e.OnlyEvent(e.TriggerKey, id)
	return &ev, err
}

// EventsCanceled checks that every event of these entities is canceled, or
// (canceled false) that none is. Against the real API it checks nothing.
func (e *Env) EventsCanceled(canceled bool, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Sim == nil {
			return nil
		}
		for _, id := range ids {
			events := e.EventsOf(e.TriggerKey, id)
			if len(events) == 0 {
				return fmt.Errorf("the simulator holds no event of %s", id)
			}
			for _, ev := range events {
				if ev.Canceled != canceled {
					return fmt.Errorf("event of %s: Canceled = %v, want %v", id, ev.Canceled, canceled)
				}
			}
		}
		return nil
	}
}

// SimActivationIDs matches a list of strings in state against the
// activation ids the simulator holds for the one event of an entity, read
// when the check runs. Against the real API it matches any non-empty list
// of strings.
func (e *Env) SimActivationIDs(id string) knownvalue.Check {
	return simEventCheck{e, id, "the activation ids the simulator holds for " + id, checkActivationIDs}
}

// SimReportedAt matches reported_at in state: an RFC 3339 time of the
// apply, the second in which the simulator stored the event.
func (e *Env) SimReportedAt(id string) knownvalue.Check {
	return simEventCheck{e, id, "the time the simulator stored the event of " + id, checkReportedAt}
}

// simEventCheck matches a value in state against the simulator's one
// event of an entity: check gets the event, or nil against the real API.
type simEventCheck struct {
	env   *Env
	id    string
	want  string
	check func(v any, ev func() (*wixsim.Event, error)) error
}

func (c simEventCheck) CheckValue(v any) error {
	return c.check(v, func() (*wixsim.Event, error) { return c.env.SimEvent(c.id) })
}

func (c simEventCheck) String() string { return c.want }

// checkActivationIDs is SimActivationIDs' check.
func checkActivationIDs(v any, event func() (*wixsim.Event, error)) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("activation_ids = %v, want a non-empty list", v)
	}
	got := make([]string, len(list))
	for i, item := range list {
		if got[i], ok = item.(string); !ok {
			return fmt.Errorf("activation_ids[%d] = %v, want a string", i, item)
		}
	}
	ev, err := event()
	if ev == nil || err != nil {
		return err
	}
	if !slices.Equal(got, ev.ActivationIDs) {
		return fmt.Errorf("activation_ids = %v, the simulator answered %v", got, ev.ActivationIDs)
	}
	return nil
}

// checkReportedAt is SimReportedAt's check.
func checkReportedAt(v any, event func() (*wixsim.Event, error)) error {
	if err := (RecentRFC3339{}).CheckValue(v); err != nil {
		return err
	}
	ev, err := event()
	if ev == nil || err != nil {
		return err
	}
	// reported_at is taken when the answer arrives, whole seconds: it is
	// the simulator's second or the next.
	stored := ev.ReportedAt.UTC().Truncate(time.Second)
	if s := v.(string); s != stored.Format(time.RFC3339) && s != stored.Add(time.Second).Format(time.RFC3339) {
		return fmt.Errorf("reported_at = %s, the simulator stored the event at %s", s, ev.ReportedAt.UTC())
	}
	return nil
}

// ReplacesEvent is a plan check: the event "one" is replaced.
var ReplacesEvent = plancheck.ExpectResourceAction(OneEventAddr, plancheck.ResourceActionDestroyBeforeCreate)

// EventStateChecks expect the event "one" in state as the simulator has it.
func (e *Env) EventStateChecks(id string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		ExpectString(OneEventAddr, "id", e.TriggerKey+"/"+id),
		ExpectAttr(OneEventAddr, "activation_ids", e.SimActivationIDs(id)),
		ExpectAttr(OneEventAddr, "reported_at", e.SimReportedAt(id)),
	}
}

// EventReportedOutside reports an event for a new external entity as
// another tool would, for a test to import, and returns the entity id and
// how many requests Wix had received by then.
func (e *Env) EventReportedOutside() (id string, requests int) {
	e.t.Helper()
	id = EntityIDs(1)[0]
	_, err := e.Client().ReportEvent(e.t.Context(), wix.ReportEventRequest{TriggerKey: e.TriggerKey, ExternalEntityID: id,
		Idempotency: &wix.Idempotency{Key: UniqueKey("outside")}})
	if err != nil {
		e.t.Fatalf("reporting the event to import: %v", err)
	}
	return id, e.RequestCount()
}
