package wixsim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

func TestCreateAutomationFillsWixDefaults(t *testing.T) {
	sim, ts, tok := startDemo(t)
	spec := newAutomation("welcome", "ACTIVE")
	spec["revision"] = "77" // ignored on create, as Wix documents
	a := createAutomation(t, ts, tok, spec)
	if !guidRE.MatchString(a.ID) || a.Revision != "1" || a.Name != "welcome" || a.Configuration.Status != "ACTIVE" {
		t.Errorf("automation = %+v", a)
	}
	for _, d := range []string{a.CreatedDate, a.UpdatedDate} {
		if _, err := time.Parse(time.RFC3339, d); err != nil {
			t.Errorf("date %q is not RFC 3339: %v", d, err)
		}
	}
	if a.CreatedBy["appId"] != wixsim.DemoAppID {
		t.Errorf("createdBy = %v", a.CreatedBy)
	}
	if a.Settings["hidden"] != false || a.Settings["disableDelete"] != false || a.Settings["domain"] != "USER" {
		t.Errorf("settings = %v", a.Settings)
	}
	if f, ok := a.Configuration.Trigger["filters"].([]any); !ok || len(f) != 0 {
		t.Errorf("trigger.filters = %#v, want []", a.Configuration.Trigger["filters"])
	}
	namespaces := map[any]bool{}
	for key, action := range a.Configuration.Actions {
		namespaces[action["namespace"]] = true
		if action["id"] != key || action["type"] == nil {
			t.Errorf("action %s = %v, want its key as id and a type", key, action)
		}
	}
	if !namespaces["actionkey-0"] || !namespaces["actionkey-1"] {
		t.Errorf("namespaces = %v", namespaces)
	}
	if got := sim.Automations(); len(got) != 1 || got[0].ID != a.ID || got[0].InstanceID != wixsim.DemoInstanceID {
		t.Errorf("Automations() = %+v", got)
	}
}

// mutated returns newAutomation("n", "ACTIVE") changed by edit.
func mutated(edit func(a, cfg map[string]any)) map[string]any {
	a := newAutomation("n", "ACTIVE")
	edit(a, a["configuration"].(map[string]any))
	return a
}

func TestCreateAutomationValidation(t *testing.T) {
	sim, ts, tok := startDemo(t)
	firstAction := func(cfg map[string]any) map[string]any {
		return cfg["actions"].(map[string]any)[cfg["rootActionIds"].([]string)[0]].(map[string]any)
	}
	// want is the first violation; {root} stands for the id of the root
	// action, which each case generates afresh.
	tests := []struct {
		name string
		a    map[string]any
		want string
	}{
		{"no name", mutated(func(a, _ map[string]any) { delete(a, "name") }), "automation.name/REQUIRED_FIELD"},
		{"long name", mutated(func(a, _ map[string]any) { a["name"] = strings.Repeat("n", 501) }), "automation.name/MAX_LENGTH"},
		{"long description", mutated(func(a, _ map[string]any) { a["description"] = strings.Repeat("d", 2001) }), "automation.description/MAX_LENGTH"},
		{"bad origin", mutated(func(a, _ map[string]any) { a["origin"] = "UNKNOWN_ORIGIN" }), "automation.origin/INVALID_ENUM_VALUE"},
		{"application without appId", mutated(func(a, _ map[string]any) { delete(a, "applicationInfo") }), "automation.applicationInfo.appId/REQUIRED_FIELD"},
		{"unknown field", mutated(func(a, _ map[string]any) { a["nameTypo"] = "x" }), "automation.nameTypo/FIELD_NOT_ALLOWED"},
		{"no configuration", mutated(func(a, _ map[string]any) { delete(a, "configuration") }), "automation.configuration/REQUIRED_FIELD"},
		{"bad status", mutated(func(_, c map[string]any) { c["status"] = "ON" }), "automation.configuration.status/INVALID_ENUM_VALUE"},
		{"trigger app not a GUID", mutated(func(_, c map[string]any) { c["trigger"].(map[string]any)["appId"] = "app" }), "automation.configuration.trigger.appId/FORMAT"},
		{"long trigger key", mutated(func(_, c map[string]any) { c["trigger"].(map[string]any)["triggerKey"] = strings.Repeat("k", 101) }), "automation.configuration.trigger.triggerKey/MAX_LENGTH"},
		{"no root actions", mutated(func(_, c map[string]any) { c["rootActionIds"] = []string{} }), "automation.configuration.rootActionIds/MIN_SIZE"},
		{"root not in actions", mutated(func(_, c map[string]any) { c["rootActionIds"] = []string{newID()} }), "automation.configuration.rootActionIds[0]/VALIDATION"},
		{"action key not a GUID", mutated(func(_, c map[string]any) {
			c["actions"].(map[string]any)["x"] = map[string]any{"delayInfo": map[string]any{}}
		}), "automation.configuration.actions.x/FORMAT"},
		{"two infos", mutated(func(_, c map[string]any) { firstAction(c)["delayInfo"] = map[string]any{} }), "automation.configuration.actions.{root}.appDefinedInfo/VALIDATION"},
		{"action id differs", mutated(func(_, c map[string]any) { firstAction(c)["id"] = newID() }), "automation.configuration.actions.{root}.id/VALIDATION"},
		{"post action missing", mutated(func(_, c map[string]any) {
			firstAction(c)["appDefinedInfo"].(map[string]any)["postActionIds"] = []string{newID()}
		}), "automation.configuration.actions.{root}.appDefinedInfo.postActionIds[0]/VALIDATION"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": tc.a}))
			wantStatus(t, r, 400)
			want := tc.want
			if strings.Contains(want, "{root}") {
				cfg := tc.a["configuration"].(map[string]any)
				want = strings.ReplaceAll(want, "{root}", cfg["rootActionIds"].([]string)[0])
			}
			if got := r.violation(t); got != want {
				t.Errorf("violation = %q, want %q (all: %v)", got, want, r.violations(t))
			}
		})
	}
	if n := len(sim.Automations()); n != 0 {
		t.Errorf("%d automations stored by refused creates", n)
	}
}

func TestGetAutomation(t *testing.T) {
	sim, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("n", "ACTIVE"))
	r := byID(t, ts, "GET", tok, a.ID, "")
	wantStatus(t, r, 200)
	if got := decodeAutomation(t, r); got.ID != a.ID || got.Revision != "1" {
		t.Errorf("GET = %+v", got)
	}
	missing := newID()
	r = byID(t, ts, "GET", tok, missing, "")
	wantStatus(t, r, 404)
	if r.appCode(t) != "AUTOMATION_NOT_FOUND" || !strings.Contains(r.wixError(t).Message, missing) {
		t.Errorf("404 = %s", r.raw)
	}
	r = do(t, ts, "GET", automationsPath+"/"+a.ID+"?automationId="+missing, tok, "", "")
	wantStatus(t, r, 400)
	wantStatus(t, do(t, ts, "GET", automationsPath+"/not-a-guid", tok, "", ""), 400)
	wantStatus(t, do(t, ts, "GET", automationsPath+"/"+a.ID, tok, "", ""), 200) // the query is optional
	// Another site cannot see it.
	wantStatus(t, byID(t, ts, "GET", sim.IssueToken(otherApp, otherInstance, 0), a.ID, ""), 404)
	wantStatus(t, byID(t, ts, "GET", "", a.ID, ""), 401)
	wantStatus(t, do(t, ts, "PUT", automationsPath+"/"+a.ID, tok, "application/json", "{}"), 405)
}

func TestDeleteAutomation(t *testing.T) {
	_, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("n", "ACTIVE"))
	r := byID(t, ts, "DELETE", tok, a.ID, "")
	wantStatus(t, r, 200)
	if string(r.raw) != "{}\n" {
		t.Errorf("DELETE answered %q, want {}", r.raw)
	}
	wantStatus(t, byID(t, ts, "DELETE", tok, a.ID, ""), 404)
	wantStatus(t, byID(t, ts, "GET", tok, a.ID, ""), 404)
}

func TestBulkDeleteAutomations(t *testing.T) {
	sim, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("a", "ACTIVE"))
	missing := newID()
	r := post(t, ts, bulkDeletePath, tok, jsonOf(t, map[string]any{"automationIds": []string{missing, a.ID}}))
	wantStatus(t, r, 200)
	var out struct {
		Results []struct {
			ItemMetadata struct {
				ID            string
				OriginalIndex int
				Success       bool
				Error         *struct{ Code string }
			}
		}
		BulkActionMetadata struct{ TotalSuccesses, TotalFailures int }
	}
	r.decode(t, &out)
	if len(out.Results) != 2 || out.Results[0].ItemMetadata.Success || out.Results[0].ItemMetadata.Error == nil ||
		!out.Results[1].ItemMetadata.Success || out.Results[1].ItemMetadata.ID != a.ID || out.Results[1].ItemMetadata.OriginalIndex != 1 {
		t.Errorf("answer = %s", r.raw)
	}
	if m := out.BulkActionMetadata; m.TotalSuccesses != 1 || m.TotalFailures != 1 || len(sim.Automations()) != 0 {
		t.Errorf("metadata %+v, left %d", m, len(sim.Automations()))
	}
	ids := make([]string, 201)
	for i := range ids {
		ids[i] = newID()
	}
	for body, want := range map[string]string{
		jsonOf(t, map[string]any{"automationIds": ids}):        "automationIds/MAX_SIZE",
		jsonOf(t, map[string]any{"automationIds": []string{}}): "automationIds/MIN_SIZE",
		`{"automationIds":["x"]}`:                              "automationIds[0]/FORMAT",
	} {
		if got := post(t, ts, bulkDeletePath, tok, body).violation(t); got != want {
			t.Errorf("violation = %q, want %q", got, want)
		}
	}
	wantStatus(t, post(t, ts, bulkDeletePath, tok, jsonOf(t, map[string]any{"automationIds": ids[:200]})), 200)
}
