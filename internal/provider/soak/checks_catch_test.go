package soak_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The soak's checks catch each defect they are for. The seeds of
// TestAccSoak show them passing on today's provider (and the doubled check
// failing on the provider before issue 19); these show, without Terraform,
// that each check fails on what it must catch and only on that.

const (
	flowID  = "11111111-2222-4333-8444-555555555555"
	entity1 = "5eed0000-0000-4000-8000-000000000001"
)

// stateWith is a state file holding these resources (JSON), read back as
// the soak reads Terraform's.
func stateWith(t *testing.T, resources ...string) *acctest.StateFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraform.tfstate")
	text := fmt.Sprintf(`{"version":4,"serial":3,"lineage":"l-1","outputs":{},"resources":[%s]}`, strings.Join(resources, ","))
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _, err := acctest.ReadStateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func flowInState(revision, status, extra string) string {
	return fmt.Sprintf(`{"mode":"managed","type":"wix_automation","name":"flow","instances":[{"index_key":"listener",%s
		"attributes":{"id":%q,"name":"soak listener","status":%q,"revision":%q,"trigger":{"trigger_key":"form_submitted"}}}]}`,
		extra, flowID, status, revision)
}

// eventInState is e1 in state: confirmed with its activation ids, or
// (ids nil) unconfirmed, with the provider's private mark.
func eventInState(key string, ids []string) string {
	attrs := fmt.Sprintf(`"id":"form_submitted/%s","trigger_key":"form_submitted","external_entity_id":%q,"idempotency_key":%q`,
		entity1, entity1, key)
	private := ""
	if ids == nil {
		mark := base64.StdEncoding.EncodeToString([]byte(`{"idempotency_key":"` + key + `"}`))
		private = fmt.Sprintf(`,"private":%q`, base64.StdEncoding.EncodeToString([]byte(`{"unconfirmed_report":"`+mark+`"}`)))
		attrs += `,"reported_at":null,"activation_ids":null`
	} else {
		attrs += fmt.Sprintf(`,"reported_at":"2026-12-04T10:00:00Z","activation_ids":["%s"]`, strings.Join(ids, `","`))
	}
	return fmt.Sprintf(`{"mode":"managed","type":"wix_automation_event","name":"e1","instances":[{"attributes":{%s}%s}]}`, attrs, private)
}

func flowAtWix(revision, status string) wixsim.Automation {
	a := wixsim.Automation{ID: flowID, Name: "soak listener", Revision: revision}
	a.Configuration.Status = status
	a.Configuration.Trigger.TriggerKey = "form_submitted"
	return a
}

func eventAtWix(key string, ids ...string) wixsim.Event {
	return wixsim.Event{TriggerKey: "form_submitted", ExternalEntityID: entity1, IdempotencyKey: key, ActivationIDs: ids,
		Payload: events[0].payloadWix()}
}

// expectWrong checks that got names want, or is empty when want is "".
func expectWrong(t *testing.T, what string, got []string, want string) {
	t.Helper()
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("%s: %q, want nothing wrong", what, got)
	case want != "" && !strings.Contains(strings.Join(got, "\n"), want):
		t.Errorf("%s: %q, want one saying %q", what, got, want)
	}
}

func TestSoakChecks_doubled(t *testing.T) {
	expectWrong(t, "one of each", doubled(world{automations: []wixsim.Automation{flowAtWix("1", "ACTIVE")},
		events: []wixsim.Event{eventAtWix("k1", "act-1")}, activations: []wixsim.Activation{{ExternalEntityID: entity1, AutomationID: flowID}}}), "")
	expectWrong(t, "two automations of one name", doubled(world{automations: []wixsim.Automation{flowAtWix("1", "ACTIVE"),
		{ID: "other", Name: "soak listener"}}}), `2 automations named "soak listener"`)
	expectWrong(t, "an event under two keys", doubled(world{events: []wixsim.Event{eventAtWix("k1"), eventAtWix("k2")}}),
		`reported under the keys ["k1" "k2"]`)
	expectWrong(t, "a flow started twice", doubled(world{activations: []wixsim.Activation{
		{ExternalEntityID: entity1, AutomationID: flowID}, {ExternalEntityID: entity1, AutomationID: flowID}}}), "started 2 times")
}

func TestSoakChecks_lostAutomations(t *testing.T) {
	st := stateWith(t, flowInState("2", "INACTIVE", ""))
	same := world{automations: []wixsim.Automation{flowAtWix("2", "INACTIVE")}}
	expectWrong(t, "as state says", lost(st, same, true), "")
	gone := world{uncertain: map[writeKey]bool{}}
	expectWrong(t, "gone from Wix", lost(st, gone, true), "Wix holds no automation")
	gone.uncertain[writeKey("DELETE "+flowID)] = true
	expectWrong(t, "gone after a failed apply whose delete was unanswered", lost(st, gone, false), "")
	expectWrong(t, "gone after a successful apply", lost(st, gone, true), "Wix holds no automation")
	ahead := world{automations: []wixsim.Automation{flowAtWix("3", "ACTIVE")}, uncertain: map[writeKey]bool{}}
	expectWrong(t, "Wix ahead of state", lost(st, ahead, false), "revision 2 in state, and ACTIVE at revision 3")
	ahead.uncertain[writeKey("PATCH "+flowID)] = true
	expectWrong(t, "Wix ahead after an unanswered update", lost(st, ahead, false), "")
	extra := world{automations: []wixsim.Automation{flowAtWix("2", "INACTIVE"), {ID: "lost-one", Name: "soak trial"}},
		uncertain: map[writeKey]bool{}}
	expectWrong(t, "an automation state does not hold", lost(st, extra, false), `"soak trial" (lost-one), and state does not`)
	extra.uncertain["create soak trial"] = true
	expectWrong(t, "one whose create was unanswered, after a failed apply", lost(st, extra, false), "")
}

func TestSoakChecks_lostEvents(t *testing.T) {
	confirmed := stateWith(t, eventInState("k1", []string{"act-1"}))
	expectWrong(t, "as state says", lost(confirmed, world{events: []wixsim.Event{eventAtWix("k1", "act-1")}}, true), "")
	expectWrong(t, "another key at Wix", lost(confirmed, world{events: []wixsim.Event{eventAtWix("k2", "act-1")}}, true),
		`Wix holds key "k2"`)
	expectWrong(t, "other activation ids", lost(confirmed, world{events: []wixsim.Event{eventAtWix("k1", "act-9")}}, true),
		"activation ids [act-9]")
	expectWrong(t, "not at Wix", lost(confirmed, world{}, true), "Wix holds 0 events of it")
	unconfirmed := stateWith(t, eventInState("k1", nil))
	expectWrong(t, "unconfirmed, not at Wix", lost(unconfirmed, world{}, true), "")
	expectWrong(t, "unconfirmed, at Wix under its key", lost(unconfirmed, world{events: []wixsim.Event{eventAtWix("k1")}}, true), "")
	expectWrong(t, "unconfirmed, at Wix under another key", lost(unconfirmed, world{events: []wixsim.Event{eventAtWix("k2")}}, true),
		"settling it would start its flows again")
	none := stateWith(t)
	live := world{events: []wixsim.Event{eventAtWix("k1")}, uncertain: map[writeKey]bool{}}
	expectWrong(t, "a live event state does not hold", lost(none, live, true), "that state does not")
	live.uncertain[writeKey("report "+entity1)] = true
	expectWrong(t, "one whose report was uncertain, after a failed apply", lost(none, live, false), "")
}

func TestSoakChecks_wellFormed(t *testing.T) {
	expectWrong(t, "confirmed", wellFormed(stateWith(t, flowInState("1", "ACTIVE", ""), eventInState("k1", []string{"a"}))), "")
	expectWrong(t, "unconfirmed", wellFormed(stateWith(t, eventInState("k1", nil))), "")
	expectWrong(t, "tainted", wellFormed(stateWith(t, flowInState("1", "ACTIVE", `"status":"tainted",`))), "is tainted")
	halfway := strings.Replace(eventInState("k1", []string{"a"}), `"reported_at":"2026-12-04T10:00:00Z"`, `"reported_at":null`, 1)
	expectWrong(t, "neither", wellFormed(stateWith(t, halfway)), "neither confirmed nor unconfirmed")
}

func TestSoakChecks_plans(t *testing.T) {
	st := stateWith(t, flowInState("1", "ACTIVE", ""), eventInState("k1", nil))
	settle := "  # wix_automation_event.e1 will be updated in-place\nPlan: 0 to add, 1 to change, 0 to destroy."
	expectWrong(t, "a settle", onlySettlesLeft(settle, st), "")
	drift := settle + "\n  # wix_automation.flow[\"listener\"] will be updated in-place"
	expectWrong(t, "a diff after a successful apply", onlySettlesLeft(drift, st), `wix_automation.flow["listener"] will be updated`)
	expectWrong(t, "reads only", noWrites([]wixsim.RecordedRequest{{Method: "POST", Path: wix.PathToken},
		{Method: "POST", Path: wix.PathAutomations + "/query"}, {Method: "GET", Path: wix.PathAutomations + "/" + flowID}}), "")
	expectWrong(t, "a report", noWrites([]wixsim.RecordedRequest{{Method: "POST", Path: wix.PathReport}}), "called POST "+wix.PathReport)
}

func TestSoakChecks_uncertainWrites(t *testing.T) {
	bulk := fmt.Sprintf(`{"triggerKey":"form_submitted","eventsInfo":[{"externalEntityId":%q},{"externalEntityId":"e-2"}]}`, entity1)
	got := uncertainWrites([]wixsim.RecordedRequest{
		{Method: "POST", Path: wix.PathBulkReport, Body: []byte(bulk), Status: 200, RequestID: "r1"},
		{Method: "POST", Path: wix.PathAutomations, Body: []byte(`{"automation":{"name":"soak trial"}}`), Status: 0},
		{Method: "PATCH", Path: wix.PathAutomations + "/" + flowID, Status: 503},
		{Method: "DELETE", Path: wix.PathAutomations + "/" + flowID, Status: 200},
	}, []wixsim.MetFault{{RequestID: "r1", Item: entity1, Kind: wixsim.SoakItemOmitted}})
	want := map[writeKey]bool{writeKey("report " + entity1): true, "create soak trial": true, writeKey("PATCH " + flowID): true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("uncertain writes = %v, want %v", got, want)
	}
}
