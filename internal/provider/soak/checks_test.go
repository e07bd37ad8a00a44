package soak_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The soak's checks, each a list of what is wrong (empty when all is well).

// world is what Wix (the simulator) holds, and what its request log says.
type world struct {
	automations []wixsim.Automation
	events      []wixsim.Event
	activations []wixsim.Activation
	// canceled counts the cancellations of each trigger key/entity.
	canceled  map[string]int
	uncertain map[writeKey]bool
}

func worldOf(sim *wixsim.Server) world {
	w := world{automations: sim.Automations(), events: sim.Events(), activations: sim.Activations(),
		canceled: map[string]int{}, uncertain: uncertainWrites(sim.Requests(), sim.SoakFaultsMet())}
	for _, c := range sim.Cancellations() {
		w.canceled[c.TriggerKey+"/"+c.ExternalEntityID]++
	}
	return w
}

func (w world) eventsOf(entityID string) []wixsim.Event {
	var out []wixsim.Event
	for _, e := range w.events {
		if e.ExternalEntityID == entityID {
			out = append(out, e)
		}
	}
	return out
}

// privateUnconfirmed is the private state key of an unconfirmed event
// (internal/provider/events/settle.go).
const privateUnconfirmed = "unconfirmed_report"

func unconfirmed(inst acctest.StateInstance) bool {
	keys, _ := inst.PrivateKeys() // unreadable private data is a well-formedness violation of its own
	return slices.Contains(keys, privateUnconfirmed)
}

// doubled: no two automations of one name; no entity whose event Wix
// stored twice (a second key) or whose flows started twice for one
// automation.
func doubled(w world) []string {
	var out []string
	byName := map[string][]string{}
	for _, a := range w.automations {
		byName[a.Name] = append(byName[a.Name], a.ID)
	}
	for name, ids := range byName {
		if len(ids) > 1 {
			out = append(out, fmt.Sprintf("Wix holds %d automations named %q: %v", len(ids), name, ids))
		}
	}
	keys, flowsStarted := map[string][]string{}, map[string]int{}
	for _, e := range w.events {
		keys[e.ExternalEntityID] = append(keys[e.ExternalEntityID], e.IdempotencyKey)
	}
	for _, a := range w.activations {
		flowsStarted[a.ExternalEntityID+" by "+a.AutomationID]++
	}
	for id, k := range keys {
		if len(k) > 1 {
			out = append(out, fmt.Sprintf("Wix stored %d events of %s, reported under the keys %q: its flows started %d times",
				len(k), id, k, len(k)))
		}
	}
	for what, n := range flowsStarted {
		if n > 1 {
			out = append(out, fmt.Sprintf("the flow of %s started %d times", what, n))
		}
	}
	return out
}

var (
	guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	eventNames  = regexp.MustCompile(`^wix_automation_event\.(e\d+)$`)
)

// wellFormed: no tainted instance (a replacement would cancel an event's
// flows, or recreate an automation), and every kind's attributes as its
// schema promises.
func wellFormed(st *acctest.StateFile) []string {
	var out []string
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			if inst.Status == "tainted" {
				out = append(out, fmt.Sprintf("%s.%s is tainted: the next apply would replace it", r.Type, r.Name))
			}
		}
	}
	for _, a := range st.Instances("managed", "wix_automation") {
		rev, err := strconv.Atoi(a.String("revision"))
		if !guidPattern.MatchString(a.String("id")) || err != nil || rev < 1 || !strings.HasPrefix(a.String("name"), "soak ") ||
			(a.String("status") != "ACTIVE" && a.String("status") != "INACTIVE") {
			out = append(out, fmt.Sprintf("%s: id %q, revision %q, name %q, status %q", a.Address, a.String("id"),
				a.String("revision"), a.String("name"), a.String("status")))
		}
	}
	for _, e := range st.Instances("managed", "wix_automation_event") {
		out = append(out, eventWellFormed(e)...)
	}
	for _, c := range st.Instances("managed", "wix_automation_event_cancellation") {
		if c.String("id") != c.String("trigger_key")+"/"+c.String("external_entity_id") || !rfc3339(c.String("canceled_at")) {
			out = append(out, fmt.Sprintf("%s: id %q, canceled_at %q", c.Address, c.String("id"), c.String("canceled_at")))
		}
	}
	return out
}

// eventWellFormed: an event is confirmed (reported_at and activation ids
// known) or unconfirmed (both null, its key kept, the private mark set).
func eventWellFormed(e acctest.StateInstanceAt) []string {
	var out []string
	if e.String("id") != e.String("trigger_key")+"/"+e.String("external_entity_id") {
		out = append(out, fmt.Sprintf("%s: id %q", e.Address, e.String("id")))
	}
	if key := e.String("idempotency_key"); len(key) < 1 || len(key) > 80 {
		out = append(out, fmt.Sprintf("%s: idempotency_key %q", e.Address, key))
	}
	if _, err := e.PrivateKeys(); err != nil {
		out = append(out, fmt.Sprintf("%s: %v", e.Address, err))
	}
	ids, err := e.Strings("activation_ids")
	if err != nil {
		out = append(out, fmt.Sprintf("%s: %v", e.Address, err))
	}
	settled := rfc3339(e.String("reported_at")) && ids != nil
	waiting := unconfirmed(e.StateInstance) && e.Attributes["reported_at"] == nil && e.Attributes["activation_ids"] == nil
	if settled == waiting {
		out = append(out, fmt.Sprintf("%s is neither confirmed nor unconfirmed: reported_at %v, activation_ids %v, unconfirmed mark %v",
			e.Address, e.Attributes["reported_at"], e.Attributes["activation_ids"], unconfirmed(e.StateInstance)))
	}
	return out
}

func rfc3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// lost: everything in state exists at Wix as state says, and Wix holds
// nothing of the environment that state does not. After a failed apply
// (applied false) state may lag Wix where a write's outcome is uncertain;
// an unconfirmed event may not have reached Wix at all.
func lost(st *acctest.StateFile, w world, applied bool) []string {
	out := automationsLost(st, w, applied)
	out = append(out, eventsLost(st, w, applied)...)
	for _, c := range st.Instances("managed", "wix_automation_event_cancellation") {
		if w.canceled[c.String("id")] == 0 {
			out = append(out, fmt.Sprintf("%s is in state, and Wix never canceled %s", c.Address, c.String("id")))
		}
	}
	return out
}

func automationsLost(st *acctest.StateFile, w world, applied bool) []string {
	var out []string
	atWix := map[string]wixsim.Automation{}
	for _, a := range w.automations {
		atWix[a.ID] = a
	}
	inState := map[string]bool{}
	for _, inst := range st.Instances("managed", "wix_automation") {
		id := inst.String("id")
		inState[id] = true
		a, ok := atWix[id]
		switch {
		case !ok && (applied || !w.uncertain[writeKey("DELETE "+id)]):
			out = append(out, fmt.Sprintf("%s (%s) is in state, and Wix holds no automation %s", inst.Address, inst.String("name"), id))
		case !ok:
		case a.Name != inst.String("name") || a.Configuration.Trigger.TriggerKey != nestedString(inst.Attributes["trigger"], "trigger_key"):
			out = append(out, fmt.Sprintf("%s is %q in state, and %q at Wix", inst.Address, inst.String("name"), a.Name))
		case a.Revision != inst.String("revision") || a.Configuration.Status != inst.String("status"):
			behind := !applied && w.uncertain[writeKey("PATCH "+id)] && revisionOf(a.Revision) > revisionOf(inst.String("revision"))
			if !behind {
				out = append(out, fmt.Sprintf("%s is %s at revision %s in state, and %s at revision %s at Wix", inst.Address,
					inst.String("status"), inst.String("revision"), a.Configuration.Status, a.Revision))
			}
		}
	}
	for _, a := range w.automations {
		if !inState[a.ID] && (applied || !w.uncertain[writeKey("create "+a.Name)]) {
			out = append(out, fmt.Sprintf("Wix holds automation %q (%s), and state does not: it was lost", a.Name, a.ID))
		}
	}
	return out
}

func nestedString(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func revisionOf(s string) int {
	n, _ := strconv.Atoi(s) // wellFormed reports a revision that is no number
	return n
}

func eventsLost(st *acctest.StateFile, w world, applied bool) []string {
	var out []string
	inState := map[string]bool{}
	for _, inst := range st.Instances("managed", "wix_automation_event") {
		entity := inst.String("external_entity_id")
		inState[entity] = true
		out = append(out, eventLost(inst, w.eventsOf(entity), w, applied)...)
	}
	for _, e := range w.events {
		if !e.Canceled && !inState[e.ExternalEntityID] && (applied || !w.uncertain[writeKey("report "+e.ExternalEntityID)]) {
			out = append(out, fmt.Sprintf("Wix holds a live event of %s (key %q) that state does not: it was lost, "+
				"and its flows run with nothing to cancel them", e.ExternalEntityID, e.IdempotencyKey))
		}
	}
	return out
}

// eventLost compares one event in state with what Wix holds of its entity.
func eventLost(inst acctest.StateInstanceAt, atWix []wixsim.Event, w world, applied bool) []string {
	key := inst.String("idempotency_key")
	if unconfirmed(inst.StateInstance) {
		if len(atWix) == 1 && atWix[0].IdempotencyKey != key {
			return []string{fmt.Sprintf("%s is unconfirmed with key %q, and Wix holds its event under %q: settling it "+
				"would start its flows again", inst.Address, key, atWix[0].IdempotencyKey)}
		}
		return nil
	}
	if len(atWix) != 1 {
		return []string{fmt.Sprintf("%s is confirmed in state, and Wix holds %d events of it", inst.Address, len(atWix))}
	}
	ev := atWix[0]
	ids, _ := inst.Strings("activation_ids")
	var out []string
	if ev.IdempotencyKey != key || !slices.Equal(ids, ev.ActivationIDs) {
		out = append(out, fmt.Sprintf("%s has key %q and activation ids %v in state; Wix holds key %q and activation ids %v",
			inst.Address, key, ids, ev.IdempotencyKey, ev.ActivationIDs))
	}
	if spec, ok := eventNamed(inst.Address); ok && !reflect.DeepEqual(ev.Payload, spec.payloadWix()) {
		got, _ := json.Marshal(ev.Payload)
		want, _ := json.Marshal(spec.payloadWix())
		out = append(out, fmt.Sprintf("%s: Wix holds the payload %s, the configuration says %s", inst.Address, got, want))
	}
	if ev.Canceled && (applied || !w.uncertain[writeKey("cancel "+ev.ExternalEntityID)]) {
		out = append(out, fmt.Sprintf("%s is in state, and Wix canceled its event", inst.Address))
	}
	return out
}

// eventNamed is the event of an address of the configuration.
func eventNamed(address string) (event, bool) {
	m := eventNames.FindStringSubmatch(address)
	for _, e := range events {
		if m != nil && e.name == m[1] {
			return e, true
		}
	}
	return event{}, false
}

// converged: at a phase's end, after its empty plan, Wix and state hold
// exactly the phase's environment: every event confirmed, the listener's
// flow started once for each event reported while it was ACTIVE and for
// none other, and the data source listing the automations as Wix has them.
func converged(st *acctest.StateFile, w world, phase int) []string {
	out := lost(st, w, true)
	want, got := map[string]string{}, map[string]string{}
	for _, f := range flows {
		if phase != phaseDestroy {
			want[f.name()] = f.statusIn(phase)
		}
	}
	for _, a := range w.automations {
		got[a.Name] = a.Configuration.Status
	}
	if !reflect.DeepEqual(want, got) {
		out = append(out, fmt.Sprintf("Wix holds the automations %v, want %v", got, want))
	}
	for _, e := range eventsIn(min(phase, phaseRetire)) {
		out = append(out, eventConverged(e, w.eventsOf(e.entityID), phase)...)
	}
	if phase == phaseDestroy {
		if len(st.Resources) != 0 {
			out = append(out, fmt.Sprintf("state still holds %d resources after the destroy", len(st.Resources)))
		}
		return out
	}
	return append(out, stateConverged(st, w, phase)...)
}

// eventConverged: reported once, started the listener's flow when it was
// ACTIVE, live until the destroy cancels it.
func eventConverged(e event, atWix []wixsim.Event, phase int) []string {
	if len(atWix) != 1 {
		return []string{fmt.Sprintf("Wix holds %d events of %s (%s), want 1", len(atWix), e.name, e.entityID)}
	}
	var out []string
	wantFlows := map[bool]int{true: 1}[e.phase == phaseCreate]
	if n := len(atWix[0].ActivationIDs); n != wantFlows {
		out = append(out, fmt.Sprintf("%s started %d flows, want %d (the listener is ACTIVE in the create phase only)", e.name, n, wantFlows))
	}
	if atWix[0].Canceled != (phase == phaseDestroy) {
		out = append(out, fmt.Sprintf("%s is canceled %v at Wix in the %s phase", e.name, atWix[0].Canceled, phaseNames[phase]))
	}
	return out
}

// stateConverged: every resource of the phase in state, every event
// confirmed, and the data source as Wix holds the automations.
func stateConverged(st *acctest.StateFile, w world, phase int) []string {
	var out []string
	counts := map[string][2]int{
		"wix_automation":                    {len(st.Instances("managed", "wix_automation")), len(flows)},
		"wix_automation_event":              {len(st.Instances("managed", "wix_automation_event")), len(eventsIn(phase))},
		"wix_automation_event_cancellation": {len(st.Instances("managed", "wix_automation_event_cancellation")), len(cancellations)},
	}
	for kind, n := range counts {
		if n[0] != n[1] {
			out = append(out, fmt.Sprintf("state holds %d %s, want %d", n[0], kind, n[1]))
		}
	}
	for _, e := range st.Instances("managed", "wix_automation_event") {
		if unconfirmed(e.StateInstance) {
			out = append(out, e.Address+" is still unconfirmed after the phase's empty plan")
		}
	}
	listed, atWix := map[string]string{}, map[string]string{}
	for _, d := range st.Instances("data", "wix_automations") {
		list, _ := d.Attributes["automations"].([]any)
		for _, a := range list {
			m, _ := a.(map[string]any)
			listed[fmt.Sprint(m["name"])] = fmt.Sprintf("%v r%v", m["status"], m["revision"])
		}
	}
	for _, a := range w.automations {
		atWix[a.Name] = a.Configuration.Status + " r" + a.Revision
	}
	if !reflect.DeepEqual(listed, atWix) {
		out = append(out, fmt.Sprintf("data.wix_automations.soak lists %v, and Wix holds %v", listed, atWix))
	}
	return out
}

// planLine is a resource line of Terraform's plan output.
var planLine = regexp.MustCompile(`(?m)^\s*# (\S+) (?:will|must) be (.+)$`)

// onlySettlesLeft: a plan after a successful apply may only settle
// unconfirmed events, in place; anything else is a change the apply should
// have made, or a diff that will not go away.
func onlySettlesLeft(plan string, st *acctest.StateFile) []string {
	waiting := map[string]bool{}
	for _, e := range st.Instances("managed", "wix_automation_event") {
		waiting[e.Address] = unconfirmed(e.StateInstance)
	}
	var out []string
	for _, m := range planLine.FindAllStringSubmatch(plan, -1) {
		if !waiting[m[1]] || m[2] != "updated in-place" {
			out = append(out, fmt.Sprintf("after a successful apply the plan says %s will be %s", m[1], m[2]))
		}
	}
	if len(out) == 0 && !strings.Contains(plan, "to change") {
		out = append(out, "the plan has changes, and no resource to change")
	}
	return out
}

// noWrites: the calls of a plan change nothing at Wix.
func noWrites(requests []wixsim.RecordedRequest) []string {
	var out []string
	for _, r := range requests {
		if isWrite(r) {
			out = append(out, fmt.Sprintf("the plan called %s %s", r.Method, r.Path))
		}
	}
	return out
}
