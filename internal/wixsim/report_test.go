package wixsim_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

func TestReportPayloadRules(t *testing.T) {
	_, ts, tok := startDemo(t)
	body := func(payload string) string { return `{"triggerKey":"form_submitted","payload":` + payload + `}` }
	checkBodies(t, ts, reportPath, tok, []bodyCase{
		{"scalars", body(`{"a":"x","b":1.5,"c":true,"d":null}`), ""},
		{"list of flat objects", body(`{"items":[{"sku":"x","qty":2},{"sku":"y"}]}`), ""},
		{"digit first", body(`{"1st":1}`), ""},
		{"underscore first", body(`{"_x":1}`), "payload._x/FORMAT"},
		{"dash", body(`{"a-b":1}`), "payload.a-b/FORMAT"},
		{"nested map", body(`{"a":{"b":1}}`), "payload.a/VALIDATION"},
		{"list of lists", body(`{"a":[[1]]}`), "payload.a[0]/VALIDATION"},
		{"list of scalars", body(`{"a":["x"]}`), "payload.a[0]/VALIDATION"},
		{"map inside list item", body(`{"a":[{"b":{"c":1}}]}`), "payload.a[0].b/VALIDATION"},
		{"bad key inside list item", body(`{"a":[{"_b":1}]}`), "payload.a[0]._b/FORMAT"},
	})
}

func TestReportIdempotencyRules(t *testing.T) {
	_, ts, tok := startDemo(t)
	body := func(idem string) string { return `{"triggerKey":"form_submitted","idempotency":` + idem + `}` }
	checkBodies(t, ts, reportPath, tok, []bodyCase{
		{"80 characters", body(`{"key":"` + strings.Repeat("k", 80) + `"}`), ""},
		{"81 characters", body(`{"key":"` + strings.Repeat("k", 81) + `"}`), "idempotency.key/MAX_LENGTH"},
		{"empty key", body(`{"key":""}`), "idempotency.key/MIN_LENGTH"},
		{"ttl as number", body(`{"key":"n","ttlInMilliseconds":60000}`), ""},
		{"ttl as string", body(`{"key":"s","ttlInMilliseconds":"60000"}`), ""},
		{"ttl zero", body(`{"key":"z","ttlInMilliseconds":0}`), "idempotency.ttlInMilliseconds/VALIDATION"},
		{"ttl fraction", body(`{"key":"f","ttlInMilliseconds":1.5}`), "idempotency.ttlInMilliseconds/VALIDATION"},
	})
}

func TestEventsInspection(t *testing.T) {
	sim, ts, tok := startListening(t)
	ev := fmt.Sprintf(`{"triggerKey":"form_submitted","payload":{"order_id":"A-17","amount":42,"vip":true},`+
		`"externalEntityId":%q,"idempotency":{"key":"k1"}}`, entityA)
	ids := report(t, ts, tok, ev)
	report(t, ts, tok, ev) // a repeat stores nothing
	report(t, ts, tok, `{"triggerKey":"form_submitted"}`)
	events := sim.Events()
	if len(events) != 2 {
		t.Fatalf("events = %+v, want 2", events)
	}
	e := events[0]
	if e.TriggerKey != wixsim.DemoTriggerKey || e.ExternalEntityID != entityA || e.IdempotencyKey != "k1" ||
		e.ActivationIDs[0] != ids[0] || e.Canceled || e.ReportedAt.IsZero() || e.AppID != wixsim.DemoAppID || e.Bulk {
		t.Errorf("event = %+v", e)
	}
	if e.Payload["order_id"] != "A-17" || e.Payload["amount"] != 42.0 || e.Payload["vip"] != true {
		t.Errorf("payload = %#v", e.Payload)
	}
	if events[1].Payload != nil || events[1].PayloadJSON != nil {
		t.Errorf("absent payload = %#v %s", events[1].Payload, events[1].PayloadJSON)
	}
	events[0].ActivationIDs[0] = "changed"
	if sim.Events()[0].ActivationIDs[0] != ids[0] {
		t.Error("Events returned shared memory")
	}
}

func TestCancelMarksEventsCanceled(t *testing.T) {
	sim, ts, tok := startListening(t)
	for _, id := range []string{entityA, entityA, entityB, entityC} {
		report(t, ts, tok, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, id))
	}
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	wantStatus(t, post(t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, entityB)), 200)
	var got []string
	for _, e := range sim.Events() {
		got = append(got, fmt.Sprintf("%s:%v", e.ExternalEntityID[:1], e.Canceled))
	}
	if strings.Join(got, " ") != "1:true 1:true 2:true 3:false" {
		t.Errorf("canceled flags = %v", got)
	}
}

// Report Event starts the ACTIVE automations of the caller's site whose
// trigger is the reported app's trigger key, one activation each; with
// none it answers an empty list. Turning an automation off stops new
// reports from starting it, and a cancel marks the event's activations
// canceled.
func TestActivationsOnlyForActiveMatchingAutomations(t *testing.T) {
	sim, ts, tok := startDemo(t)
	reportIDs := func(tok, body string) []string {
		t.Helper()
		r := post(t, ts, reportPath, tok, body)
		wantStatus(t, r, 200)
		var resp struct{ ActivationIDs *[]string }
		r.decode(t, &resp)
		if resp.ActivationIDs == nil {
			t.Fatalf("answer %s has no activationIds", r.raw)
		}
		return *resp.ActivationIDs
	}
	ev := fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityA)
	if ids := reportIDs(tok, ev); len(ids) != 0 {
		t.Fatalf("no automation: activationIds = %v, want []", ids)
	}
	active := createAutomation(t, ts, tok, newAutomation("on", "ACTIVE"))
	second := createAutomation(t, ts, tok, newAutomation("on too", "ACTIVE"))
	createAutomation(t, ts, tok, newAutomation("off", "INACTIVE"))
	otherApps := newAutomation("another app's trigger", "ACTIVE")
	otherApps["configuration"].(map[string]any)["trigger"] = map[string]any{"appId": otherApp, "triggerKey": wixsim.DemoTriggerKey}
	createAutomation(t, ts, tok, otherApps)
	ids := reportIDs(tok, ev)
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("activationIds = %v, want two distinct (two ACTIVE automations of this app's trigger)", ids)
	}
	var started []string
	for _, a := range sim.Activations() {
		started = append(started, a.AutomationID)
	}
	if strings.Join(started, ",") != active.ID+","+second.ID {
		t.Fatalf("activations started automations %v, want %s and %s", started, active.ID, second.ID)
	}
	// Another site's automations start nothing here.
	if ids := reportIDs(sim.IssueToken(otherApp, otherInstance, 0), `{"triggerKey":"order_paid"}`); len(ids) != 0 {
		t.Errorf("another site: activationIds = %v, want []", ids)
	}
	// Turned off, they start nothing new.
	for _, a := range []automationOut{active, second} {
		if err := sim.UpdateAutomationDirect(a.ID, func(a *wixsim.Automation) { a.Configuration.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
	}
	if ids := reportIDs(tok, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityB)); len(ids) != 0 {
		t.Errorf("after turning them off: activationIds = %v, want []", ids)
	}
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
	for _, a := range sim.Activations() {
		if !a.Canceled || a.ExternalEntityID != entityA {
			t.Errorf("activation %+v: want it canceled with its event", a)
		}
	}
}

type reportItemOut struct {
	ItemMetadata  itemOut
	EventInfo     map[string]any
	ActivationIDs []string
}

func bulkReportBody(t *testing.T, events ...map[string]any) string {
	return jsonOf(t, map[string]any{"triggerKey": wixsim.DemoTriggerKey, "eventsInfo": events})
}

func TestBulkReportPerItemFailure(t *testing.T) {
	sim, ts, tok := startListening(t)
	sim.FailBulkReportItems(wixsim.DemoTriggerKey, entityB)
	body := bulkReportBody(t,
		map[string]any{"externalEntityId": entityA, "payload": map[string]any{"n": 1}},
		map[string]any{"externalEntityId": entityB},
		map[string]any{"idempotency": map[string]any{"key": "k"}})
	out := postBulk[reportItemOut](t, ts, bulkReportPath, tok, body, 3)
	for i, res := range out.Results {
		failed := i == 1
		if !res.ItemMetadata.settled(i, failed) || (len(res.ActivationIDs) == 0) != failed {
			t.Errorf("result %d = %+v", i, res)
		}
	}
	if out.Results[0].ItemMetadata.ID != entityA || out.Results[0].EventInfo["externalEntityId"] != entityA {
		t.Errorf("result 0 does not name its event: %+v", out.Results[0])
	}
	if m := out.BulkActionMetadata; m.TotalSuccesses != 2 || m.TotalFailures != 1 {
		t.Errorf("bulkActionMetadata = %+v", m)
	}
	if evs := sim.Events(); len(evs) != 2 || !evs[0].Bulk || evs[1].IdempotencyKey != "k" {
		t.Errorf("events = %+v", evs)
	}
	// Single report ignores the hook; ClearFaults lifts it for bulk.
	report(t, ts, tok, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityB))
	sim.ClearFaults()
	out = postBulk[reportItemOut](t, ts, bulkReportPath, tok, bulkReportBody(t, map[string]any{"externalEntityId": entityB}), 1)
	if !out.Results[0].ItemMetadata.Success {
		t.Errorf("after ClearFaults: %+v", out.Results[0])
	}
}

func TestBulkReportSharesIdempotencyWithReport(t *testing.T) {
	sim, ts, tok := startListening(t)
	first := report(t, ts, tok, `{"triggerKey":"form_submitted","idempotency":{"key":"same"}}`)
	out := postBulk[reportItemOut](t, ts, bulkReportPath, tok, bulkReportBody(t, map[string]any{"idempotency": map[string]any{"key": "same"}}), 1)
	if got := out.Results[0].ActivationIDs; len(got) != 1 || got[0] != first[0] {
		t.Errorf("bulk repeat answered %v, want %v", got, first)
	}
	if n := len(sim.Events()); n != 1 {
		t.Errorf("%d events stored, want 1", n)
	}
}

func TestBulkReportValidation(t *testing.T) {
	_, ts, tok := startDemo(t)
	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = map[string]any{}
	}
	checkBodies(t, ts, bulkReportPath, tok, []bodyCase{
		{"missing eventsInfo", `{"triggerKey":"form_submitted"}`, "eventsInfo/REQUIRED_FIELD"},
		{"empty eventsInfo", `{"triggerKey":"form_submitted","eventsInfo":[]}`, "eventsInfo/MIN_SIZE"},
		{"101 events", bulkReportBody(t, many...), "eventsInfo/MAX_SIZE"},
		{"item not an object", `{"triggerKey":"form_submitted","eventsInfo":[1]}`, "eventsInfo[0]/VALIDATION"},
		{"item bad GUID", bulkReportBody(t, map[string]any{"externalEntityId": "x"}), "eventsInfo[0].externalEntityId/FORMAT"},
		{"item unknown field", bulkReportBody(t, map[string]any{"triggerKey": "x"}), "eventsInfo[0].triggerKey/FIELD_NOT_ALLOWED"},
		{"item bad payload key", bulkReportBody(t, map[string]any{"payload": map[string]any{"_x": 1}}), "eventsInfo[0].payload._x/FORMAT"},
		{"missing trigger key", `{"eventsInfo":[{}]}`, "triggerKey/REQUIRED_FIELD"},
	})
	wantStatus(t, post(t, ts, bulkReportPath, tok, bulkReportBody(t, many[:100]...)), 200)
	r := post(t, ts, bulkReportPath, tok, `{"triggerKey":"order_paid","eventsInfo":[{}]}`)
	wantStatus(t, r, 403)
}

func TestIdempotencyKeyExpiresAfterTTL(t *testing.T) {
	sim, ts, tok := startListening(t)
	ev := `{"triggerKey":"form_submitted","idempotency":{"key":"short","ttlInMilliseconds":"1"}}`
	first := report(t, ts, tok, ev)
	time.Sleep(5 * time.Millisecond) // outlive the 1 ms TTL
	if again := report(t, ts, tok, ev); again[0] == first[0] {
		t.Error("an expired idempotency key still answered the first report's activation ids")
	}
	if n := len(sim.Events()); n != 2 {
		t.Errorf("%d events, want 2 after the key expired", n)
	}
}
