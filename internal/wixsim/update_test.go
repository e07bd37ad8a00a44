package wixsim_test

import (
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// patchBody is an update as the SDK sends it: the changed fields, the
// revision and the id inside automation.
func patchBody(t *testing.T, id string, revision any, fields map[string]any) string {
	a := map[string]any{"revision": revision, "id": id}
	for k, v := range fields {
		a[k] = v
	}
	return jsonOf(t, map[string]any{"automation": a})
}

func TestUpdateAutomationMergesAndBumpsRevision(t *testing.T) {
	sim, ts, tok := startDemo(t)
	spec := newAutomation("before", "ACTIVE")
	a := createAutomation(t, ts, tok, spec)
	cfg := spec["configuration"].(map[string]any)
	cfg["status"] = "INACTIVE"
	r := byID(t, ts, "PATCH", tok, a.ID, patchBody(t, a.ID, "1", map[string]any{"name": "after", "configuration": cfg}))
	wantStatus(t, r, 200)
	got := decodeAutomation(t, r)
	if got.Revision != "2" || got.Name != "after" || got.Configuration.Status != "INACTIVE" || got.CreatedDate != a.CreatedDate {
		t.Errorf("updated = %+v", got)
	}
	if len(got.Configuration.Actions) != 2 {
		t.Errorf("actions = %v", got.Configuration.Actions)
	}
	// A JSON number is accepted as the revision too.
	r = byID(t, ts, "PATCH", tok, a.ID, patchBody(t, a.ID, 2, map[string]any{"description": "d"}))
	wantStatus(t, r, 200)
	if got = decodeAutomation(t, r); got.Revision != "3" || got.Name != "after" {
		t.Errorf("second update = %+v", got)
	}
	if s := sim.Automations()[0]; s.Revision != "3" || s.Description != "d" || s.UpdatedBy.AppID != wixsim.DemoAppID {
		t.Errorf("stored = %+v", s)
	}
}

func TestUpdateAutomationRefusals(t *testing.T) {
	sim, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("n", "ACTIVE"))
	partial := map[string]any{"configuration": map[string]any{"status": "INACTIVE"}}
	tests := []struct {
		name, id, body string
		status         int
		want           string
	}{
		{"stale revision", a.ID, patchBody(t, a.ID, "0", nil), 409, "REVISION_MISMATCH"},
		{"missing revision", a.ID, `{"automation":{"name":"x"}}`, 400, "automation.revision/REQUIRED_FIELD"},
		{"revision not a number", a.ID, patchBody(t, a.ID, "one", nil), 400, "automation.revision/VALIDATION"},
		{"id differs from path", a.ID, patchBody(t, newID(), "1", nil), 400, "automation.id/VALIDATION"},
		{"origin is immutable", a.ID, patchBody(t, a.ID, "1", map[string]any{"origin": "USER"}), 400, "automation.origin/FIELD_NOT_ALLOWED"},
		{"configuration is replaced whole", a.ID, patchBody(t, a.ID, "1", partial), 400, "automation.configuration.trigger/REQUIRED_FIELD"},
		{"unknown field", a.ID, patchBody(t, a.ID, "1", map[string]any{"nameTypo": "x"}), 400, "automation.nameTypo/FIELD_NOT_ALLOWED"},
		{"missing automation", newID(), `{"automation":{"revision":"1"}}`, 404, "AUTOMATION_NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := byID(t, ts, "PATCH", tok, tc.id, tc.body)
			wantStatus(t, r, tc.status)
			got := ""
			if tc.status == 400 {
				got = r.violation(t)
			} else {
				got = r.appCode(t)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if s := sim.Automations()[0]; s.Revision != "1" || s.Name != "n" {
		t.Errorf("a refused update changed the automation: %+v", s)
	}
}

func TestDirectEditsBehindTheAPI(t *testing.T) {
	sim, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("n", "ACTIVE"))
	err := sim.UpdateAutomationDirect(a.ID, func(x *wixsim.Automation) {
		x.Configuration.Status = "INACTIVE"
		x.Revision = "99" // ignored: the simulator owns the revision
	})
	if err != nil {
		t.Fatal(err)
	}
	got := decodeAutomation(t, byID(t, ts, "GET", tok, a.ID, ""))
	if got.Revision != "2" || got.Configuration.Status != "INACTIVE" {
		t.Errorf("after a dashboard edit: %+v", got)
	}
	// The provider's revision is now stale.
	wantStatus(t, byID(t, ts, "PATCH", tok, a.ID, patchBody(t, a.ID, "1", map[string]any{"name": "x"})), 409)
	if err := sim.DeleteAutomationDirect(a.ID); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, byID(t, ts, "GET", tok, a.ID, ""), 404)
	if sim.DeleteAutomationDirect(a.ID) == nil || sim.UpdateAutomationDirect(a.ID, func(*wixsim.Automation) {}) == nil {
		t.Error("direct edits of a missing automation did not fail")
	}
	seeded := sim.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{Name: "seeded", Origin: "USER"})
	if got := decodeAutomation(t, byID(t, ts, "GET", tok, seeded.ID, "")); got.Name != "seeded" || got.Revision != "1" {
		t.Errorf("seeded = %+v", got)
	}
}
