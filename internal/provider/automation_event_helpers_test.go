package provider

// Helpers of the wix_automation_event acceptance tests. The shared ones
// (accEnv, entityIDs, expectWords, ...) are in helpers_test.go.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// oneEventAddr is the address of the event of oneEvent.
const oneEventAddr = "wix_automation_event.one"

// oneEvent is a wix_automation_event named "one" with extra attribute lines.
func oneEvent(triggerKey, id string, extra ...string) string {
	return oneEventNamed("one", triggerKey, id, extra...)
}

// oneEventNamed is a wix_automation_event with a name and extra attribute lines.
func oneEventNamed(name, triggerKey, id string, extra ...string) string {
	return fmt.Sprintf(`
resource "wix_automation_event" %q {
  trigger_key        = %q
  external_entity_id = %q
  %s
}
`, name, triggerKey, id, strings.Join(extra, "\n  "))
}

// eventAddr is the address of the n-th event of eventsConfig.
func eventAddr(n int) string {
	return fmt.Sprintf("wix_automation_event.env[%d]", n)
}

// eventsConfig declares one event per entity id, with count: the
// plugin-testing harness cannot read a state with for_each resources back
// for Check, CheckDestroy or its own final destroy (see forEachEvents).
func eventsConfig(triggerKey string, ids []string, extra ...string) string {
	return fmt.Sprintf(`
locals {
  event_ids = [%s]
}

resource "wix_automation_event" "env" {
  count              = length(local.event_ids)
  trigger_key        = %q
  external_entity_id = local.event_ids[count.index]
  %s
}
`, quoteAll(ids), triggerKey, strings.Join(extra, "\n  "))
}

// forEachEvents declares one event per entity id, with for_each. A test of
// it asserts with ConfigStateChecks only and destroys in a step of its own.
func forEachEvents(triggerKey string, ids []string) string {
	return fmt.Sprintf(`
resource "wix_automation_event" "env" {
  for_each           = toset([%s])
  trigger_key        = %q
  external_entity_id = each.key
}
`, quoteAll(ids), triggerKey)
}

// simCheck is a state check that asserts on the simulator, not on state.
type simCheck func() error

func (f simCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// checkHeaders checks what every call must carry, whatever its body.
func checkHeaders(r wixsim.RecordedRequest) error {
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

// reportRequests are the Report Event and Bulk Report Event calls so far.
func (e *accEnv) reportRequests() []wixsim.RecordedRequest {
	var out []wixsim.RecordedRequest
	for _, r := range e.sim.Requests() {
		if r.Path == wix.PathReport || r.Path == wix.PathBulkReport {
			out = append(out, r)
		}
	}
	return out
}

// eventsOf are the simulator's events of an entity, in report order.
func (e *accEnv) eventsOf(triggerKey, id string) []wixsim.Event {
	var out []wixsim.Event
	for _, ev := range e.sim.Events() {
		if ev.TriggerKey == triggerKey && ev.ExternalEntityID == id {
			out = append(out, ev)
		}
	}
	return out
}

// onlyEvent is the one event the simulator holds for an entity, or an error.
func (e *accEnv) onlyEvent(triggerKey, id string) (wixsim.Event, error) {
	events := e.eventsOf(triggerKey, id)
	if len(events) != 1 {
		return wixsim.Event{}, fmt.Errorf("the simulator holds %d events of %s/%s, want exactly 1", len(events), triggerKey, id)
	}
	return events[0], nil
}

// eventsCanceled checks that every event of these entities is canceled, or
// (canceled false) that none is. Against the real API it checks nothing.
func (e *accEnv) eventsCanceled(canceled bool, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		for _, id := range ids {
			events := e.eventsOf(e.triggerKey, id)
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

// simActivationIDs matches a list of strings in state against the
// activation ids the simulator holds for the one event of an entity, read
// when the check runs. Against the real API it matches any non-empty list
// of strings.
func (e *accEnv) simActivationIDs(id string) knownvalue.Check {
	return activationIDsCheck{env: e, id: id}
}

type activationIDsCheck struct {
	env *accEnv
	id  string
}

func (c activationIDsCheck) CheckValue(v any) error {
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
	if c.env.sim == nil {
		return nil
	}
	ev, err := c.env.onlyEvent(c.env.triggerKey, c.id)
	if err != nil {
		return err
	}
	if !slices.Equal(got, ev.ActivationIDs) {
		return fmt.Errorf("activation_ids = %v, the simulator answered %v", got, ev.ActivationIDs)
	}
	return nil
}

func (c activationIDsCheck) String() string {
	return "the activation ids the simulator holds for " + c.id
}

// simReportedAt matches reported_at in state: an RFC 3339 time of the
// apply, the second in which the simulator stored the event.
func (e *accEnv) simReportedAt(id string) knownvalue.Check {
	return reportedAtCheck{env: e, id: id}
}

type reportedAtCheck struct {
	env *accEnv
	id  string
}

func (c reportedAtCheck) CheckValue(v any) error {
	if err := (recentRFC3339{}).CheckValue(v); err != nil {
		return err
	}
	if c.env.sim == nil {
		return nil
	}
	ev, err := c.env.onlyEvent(c.env.triggerKey, c.id)
	if err != nil {
		return err
	}
	// reported_at is taken when the answer arrives, whole seconds: it is
	// the simulator's second or the next.
	stored := ev.ReportedAt.UTC().Truncate(1e9)
	if s := v.(string); s != stored.Format(rfc3339) && s != stored.Add(1e9).Format(rfc3339) {
		return fmt.Errorf("reported_at = %s, the simulator stored the event at %s", s, ev.ReportedAt.UTC())
	}
	return nil
}

func (c reportedAtCheck) String() string { return "the time the simulator stored the event of " + c.id }

const rfc3339 = "2006-01-02T15:04:05Z07:00"

// reportCallsSoFar checks the number of Report Event and Bulk Report
// Event calls so far. Against the real API it checks nothing.
func (e *accEnv) reportCallsSoFar(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim != nil && len(e.reportRequests()) != want {
			return fmt.Errorf("report calls so far = %d, want %d", len(e.reportRequests()), want)
		}
		return nil
	}
}

// noRequestsSince checks that no API call at all was made since the count
// that *before holds when the check runs.
func (e *accEnv) noRequestsSince(before *int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n := len(e.sim.Requests()); n != *before {
			return fmt.Errorf("%d API calls, want none", n-*before)
		}
		return nil
	}
}

// countRequests stores the number of API calls so far in *n.
func (e *accEnv) countRequests(n *int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		*n = len(e.sim.Requests())
		return nil
	}
}

// replacesEvent is a plan check: the event "one" is replaced.
var replacesEvent = plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionDestroyBeforeCreate)

// eventStateChecks expect the event "one" in state as the simulator has it.
func (e *accEnv) eventStateChecks(id string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("id"), knownvalue.StringExact(e.triggerKey+"/"+id)),
		statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("activation_ids"), e.simActivationIDs(id)),
		statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("reported_at"), e.simReportedAt(id)),
	}
}

// reportOutside reports an event of the env's trigger key the way another
// tool would, outside Terraform: the event that an import adopts.
func (e *accEnv) reportOutside(id string) {
	e.t.Helper()
	cfg := wix.Config{AppID: os.Getenv(envAppID), AppSecret: os.Getenv(envAppSecret), InstanceID: os.Getenv(envInstanceID)}
	if e.sim != nil {
		cfg = wix.Config{BaseURL: e.server.URL, AppID: wixsim.DemoAppID, AppSecret: wixsim.DemoAppSecret, InstanceID: wixsim.DemoInstanceID}
	}
	client, err := wix.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = client.ReportEvent(e.t.Context(), wix.ReportEventRequest{TriggerKey: e.triggerKey, ExternalEntityID: id,
		Idempotency: &wix.Idempotency{Key: uniqueKey("outside")}})
	if err != nil {
		e.t.Fatalf("reporting the event to import: %v", err)
	}
}

// uniqueKey is an idempotency key no earlier run used: against the real API
// Wix remembers keys for a week.
func uniqueKey(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}

// expectEventCreates is a plan check: of the total events of eventsConfig,
// the plan creates those at these indexes and leaves the others alone.
func expectEventCreates(total int, indexes ...int) plancheck.PlanCheck {
	return eventCreatesCheck{total, indexes}
}

type eventCreatesCheck struct {
	total   int
	indexes []int
}

func (c eventCreatesCheck) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var errs []error
	for i := range c.total {
		action := plancheck.ResourceActionNoop
		if slices.Contains(c.indexes, i) {
			action = plancheck.ResourceActionCreate
		}
		r := &plancheck.CheckPlanResponse{}
		plancheck.ExpectResourceAction(eventAddr(i), action).CheckPlan(ctx, req, r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}
