package wixsim_test

// What Wix's REST docs and guides add to what its SDK shows (the shared
// wire notes, section 6): the simulator answers as they describe.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// A path the simulator does not serve answers 404 in plain text without
// Wix's error body, as a gateway does; a missing automation answers 404
// with Wix's body. A client tells "gone" from "wrong path" by that.
func TestUnservedPathIsAPlainRoutingMiss(t *testing.T) {
	_, ts, tok := startDemo(t)
	for _, path := range []string{"/automations/v1/events/cancel/", "/v3/automations", "/v2/automation", "/nothing"} {
		r := do(t, ts, "POST", path, tok, "application/json", `{}`)
		wantStatus(t, r, 404)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || json.Valid(r.raw) {
			t.Errorf("%s: %s %q, want text/plain that is not Wix's JSON", path, ct, r.raw)
		}
	}
	r := byID(t, ts, "GET", tok, newID(), "")
	wantStatus(t, r, 404)
	if r.appCode(t) != "AUTOMATION_NOT_FOUND" {
		t.Errorf("a missing automation: %s, want Wix's AUTOMATION_NOT_FOUND", r.raw)
	}
}

// AutomationsPrefixes serves Automations v2 under one documented root
// only; every call under the other root is a routing miss.
func TestAutomationsPrefixes(t *testing.T) {
	for _, served := range []string{wixsim.PrefixV2, wixsim.PrefixAutomationsService} {
		t.Run(served, func(t *testing.T) {
			sim, ts := start(t, wixsim.Options{AutomationsPrefixes: []string{served}})
			tok := demoToken(sim)
			other := map[string]string{wixsim.PrefixV2: wixsim.PrefixAutomationsService, wixsim.PrefixAutomationsService: wixsim.PrefixV2}[served]
			body := jsonOf(t, map[string]any{"automation": newAutomation("n", "ACTIVE")})
			wantStatus(t, post(t, ts, other+"/automations", tok, body), 404)
			r := post(t, ts, served+"/automations", tok, body)
			wantStatus(t, r, 200)
			id := decodeAutomation(t, r).ID
			for _, call := range []struct{ method, path, body string }{
				{"GET", "/automations/" + id + "?automationId=" + id, ""},
				{"PATCH", "/automations/" + id, patchBody(t, id, "1", map[string]any{"name": "renamed"})},
				{"POST", "/automations/query", `{"query":{}}`},
				{"DELETE", "/automations/" + id + "?automationId=" + id, ""},
				{"POST", "/bulk/automations/delete", jsonOf(t, map[string]any{"automationIds": []string{newID()}})},
			} {
				ct := ""
				if call.body != "" {
					ct = "application/json"
				}
				if r := do(t, ts, call.method, other+call.path, tok, ct, call.body); r.status != 404 || json.Valid(r.raw) {
					t.Errorf("%s %s%s answered %d %s, want a routing miss", call.method, other, call.path, r.status, r.raw)
				}
				wantStatus(t, do(t, ts, call.method, served+call.path, tok, ct, call.body), 200)
			}
		})
	}
}

// withOverrides is an automation whose trigger and app-defined action
// carry override schemas.
func withOverrides() (map[string]any, string) {
	a := newAutomation("overridden", "ACTIVE")
	cfg := a["configuration"].(map[string]any)
	cfg["trigger"].(map[string]any)["overrideSchema"] = map[string]any{"type": "object", "title": "trigger"}
	root := cfg["rootActionIds"].([]string)[0]
	info := cfg["actions"].(map[string]any)[root].(map[string]any)["appDefinedInfo"].(map[string]any)
	info["overrideOutputSchema"] = map[string]any{"type": "object", "title": "action"}
	return a, root
}

// hasOverrides reports which override schemas an answered automation holds.
func hasOverrides(a automationOut, root string) (trigger, action bool) {
	info, _ := a.Configuration.Actions[root]["appDefinedInfo"].(map[string]any)
	return a.Configuration.Trigger["overrideSchema"] != nil, info["overrideOutputSchema"] != nil
}

// Override schemas are kept, but answered only to a call that asks with
// fields: ["OVERRIDE_SCHEMA"], as Wix's guide says; GET asks in the query
// string, the others in the body.
func TestOverrideSchemasOnlyWhenAsked(t *testing.T) {
	sim, ts, tok := startDemo(t)
	spec, root := withOverrides()
	r := post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": spec}))
	wantStatus(t, r, 200)
	created := decodeAutomation(t, r)
	id := created.ID
	if tr, ac := hasOverrides(created, root); tr || ac {
		t.Errorf("create without fields answered override schemas: trigger %v, action %v", tr, ac)
	}
	r = post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": spec, "fields": []string{"OVERRIDE_SCHEMA"}}))
	if tr, ac := hasOverrides(decodeAutomation(t, r), root); !tr || !ac {
		t.Errorf("create with fields: trigger %v, action %v, want both", tr, ac)
	}
	get := func(query string) automationOut {
		r := do(t, ts, "GET", automationsPath+"/"+id+"?automationId="+id+query, tok, "", "")
		wantStatus(t, r, 200)
		return decodeAutomation(t, r)
	}
	if tr, ac := hasOverrides(get(""), root); tr || ac {
		t.Errorf("GET without fields: trigger %v, action %v, want neither", tr, ac)
	}
	if tr, ac := hasOverrides(get("&fields=OVERRIDE_SCHEMA"), root); !tr || !ac {
		t.Errorf("GET with fields=OVERRIDE_SCHEMA: trigger %v, action %v, want both", tr, ac)
	}
	page := query(t, ts, tok, `{"query":{"filter":{"name":"overridden"},"cursorPaging":{"limit":1}},"fields":["OVERRIDE_SCHEMA"]}`)
	if tr, ac := hasOverrides(page.Automations[0], root); !tr || !ac {
		t.Errorf("Query with fields: trigger %v, action %v, want both", tr, ac)
	}
	if tr, ac := hasOverrides(query(t, ts, tok, `{"query":{}}`).Automations[0], root); tr || ac {
		t.Errorf("Query without fields: trigger %v, action %v, want neither", tr, ac)
	}
	r = byID(t, ts, "PATCH", tok, id, jsonOf(t, map[string]any{"automation": map[string]any{"id": id, "revision": "1", "name": "renamed"}, "fields": []string{"OVERRIDE_SCHEMA"}}))
	wantStatus(t, r, 200)
	if tr, ac := hasOverrides(decodeAutomation(t, r), root); !tr || !ac {
		t.Errorf("an update that did not touch configuration lost them: trigger %v, action %v", tr, ac)
	}
	wantStatus(t, do(t, ts, "GET", automationsPath+"/"+id+"?automationId="+id+"&fields=EVERYTHING", tok, "", ""), 400)
	if stored := sim.Automations()[0]; stored.Configuration.Trigger.OverrideSchema == nil {
		t.Errorf("the stored automation lost its trigger.overrideSchema: %+v", stored.Configuration.Trigger)
	}
}

// Wix "can currently only specify 1 root action": two are refused with
// Wix's validation error shape.
func TestOneRootActionOnly(t *testing.T) {
	_, ts, tok := startDemo(t)
	a := mutated(func(_, c map[string]any) {
		actions := c["actions"].(map[string]any)
		var ids []string
		for id := range actions {
			ids = append(ids, id)
		}
		c["rootActionIds"] = ids
	})
	r := post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": a}))
	wantStatus(t, r, 400)
	if got := r.violation(t); got != "automation.configuration.rootActionIds/MAX_SIZE" {
		t.Errorf("violation = %q, want rootActionIds/MAX_SIZE", got)
	}
	if !strings.Contains(string(r.raw), "only 1 root action") {
		t.Errorf("answer %s does not name the rule", r.raw)
	}
}

// archived and autoArchivePolicy (on Wix's automation-object page, not in
// the SDK) are accepted, answered, filterable (archived) and kept by an
// update that does not send them.
func TestArchivedAndAutoArchivePolicy(t *testing.T) {
	_, ts, tok := startDemo(t)
	spec := newAutomation("archived", "INACTIVE")
	spec["archived"] = true
	spec["autoArchivePolicy"] = map[string]any{"archiveDate": "2030-01-01T00:00:00.000Z"}
	a := createAutomation(t, ts, tok, spec)
	createAutomation(t, ts, tok, newAutomation("current", "ACTIVE"))
	r := byID(t, ts, "PATCH", tok, a.ID, patchBody(t, a.ID, "1", map[string]any{"name": "still archived"}))
	wantStatus(t, r, 200)
	var got struct {
		Automation struct {
			Archived          *bool
			AutoArchivePolicy map[string]any
		}
	}
	r.decode(t, &got)
	if got.Automation.Archived == nil || !*got.Automation.Archived || got.Automation.AutoArchivePolicy["archiveDate"] == nil {
		t.Errorf("after an update that did not send them: %s", r.raw)
	}
	if n := names(query(t, ts, tok, `{"query":{"filter":{"archived":false}}}`)); n != "current" {
		t.Errorf("archived = false lists %q, want current", n)
	}
	if n := names(query(t, ts, tok, `{"query":{"filter":{"archived":{"$eq":true}}}}`)); n != "still archived" {
		t.Errorf("archived $eq true lists %q", n)
	}
	bad := post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": mutated(func(a, _ map[string]any) { a["archived"] = "yes" })}))
	wantStatus(t, bad, 400)
}

// With Preinstalled, Query returns what a real site holds beside the
// demo app's own automations: preinstalled ones (one overridden on the
// site) and another installed app's. Without it the site is empty.
func TestPreinstalledSeed(t *testing.T) {
	sim, ts := start(t, wixsim.Options{Preinstalled: true})
	tok := demoToken(sim)
	out := query(t, ts, tok, `{"query":{}}`)
	origins := map[string]int{}
	for _, a := range out.Automations {
		var full wixsim.Automation
		for _, s := range sim.Automations() {
			if s.ID == a.ID {
				full = s
			}
		}
		origins[full.Origin]++
		if full.Origin == "PREINSTALLED" && full.PreinstalledInfo["componentId"] == nil {
			t.Errorf("%s has no preinstalledInfo.componentId: %+v", a.Name, full.PreinstalledInfo)
		}
	}
	if origins["PREINSTALLED"] != 2 || origins["APPLICATION"] != 1 {
		t.Errorf("origins = %v, want 2 PREINSTALLED and 1 APPLICATION", origins)
	}
	if n := names(query(t, ts, tok, `{"query":{"filter":{"origin":"PREINSTALLED","configuration.trigger.triggerKey":"form_submitted"}}}`)); n != "Thank new form submitters" {
		t.Errorf("the preinstalled automation of the demo trigger: %q", n)
	}
	// The seeded one on the demo's trigger key is off: it starts no flow.
	r := post(t, ts, reportPath, tok, `{"triggerKey":"form_submitted"}`)
	if wantStatus(t, r, http.StatusOK); !strings.Contains(string(r.raw), `"activationIds":[]`) {
		t.Errorf("a report with only the seeded automations: %s, want no activation", r.raw)
	}
	bare, plain := start(t, wixsim.Options{})
	if out := query(t, plain, demoToken(bare), `{"query":{}}`); len(out.Automations) != 0 {
		t.Errorf("without Preinstalled the site holds %d automations, want none", len(out.Automations))
	}
}
