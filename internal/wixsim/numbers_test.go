package wixsim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Wix keeps action values as doubles: 2^53+1 is answered as 2^53, on
// create and on every read after; a number no double holds is refused.
func TestAutomationNumbersAreDoubles(t *testing.T) {
	_, ts, tok := startDemo(t)
	a := newAutomation("numbers", "ACTIVE")
	actions := a["configuration"].(map[string]any)["actions"].(map[string]any)
	var root string
	for id, action := range actions {
		if info, ok := action.(map[string]any)["appDefinedInfo"].(map[string]any); ok {
			info["inputMapping"] = map[string]any{"n": jsonNumber("9007199254740993"), "d": jsonNumber("0.1")}
			root = id
		}
	}
	created := createAutomation(t, ts, tok, a)
	r := byID(t, ts, http.MethodGet, tok, created.ID, "")
	wantStatus(t, r, 200)
	for _, body := range []string{jsonOf(t, created), string(r.raw)} {
		if !strings.Contains(body, `"n":9007199254740992`) || !strings.Contains(body, `"d":0.1`) {
			t.Errorf("answer %s, want n as the double 9007199254740992 and d as 0.1", body)
		}
	}
	info := actions[root].(map[string]any)["appDefinedInfo"].(map[string]any)
	info["inputMapping"] = map[string]any{"n": jsonNumber("1e400")}
	r = post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": a}))
	wantStatus(t, r, 400)
	if v := r.violations(t); len(v) != 1 || v[0] != "automation.configuration.actions/VALIDATION" {
		t.Errorf("violations = %v, want one of the actions", v)
	}
}

// A payload number no double holds is refused; others are taken.
func TestReportPayloadNumbersInRange(t *testing.T) {
	_, ts, tok := startDemo(t)
	body := func(payload string) string { return `{"triggerKey":"form_submitted","payload":` + payload + `}` }
	checkBodies(t, ts, reportPath, tok, []bodyCase{
		{"largest double", body(`{"a":1.7976931348623157e308}`), ""},
		{"2^53+1", body(`{"a":9007199254740993}`), ""},
		{"1e400", body(`{"a":1e400}`), "payload/VALIDATION"},
		{"1e400 in a list", body(`{"a":[{"b":-1e400}]}`), "payload/VALIDATION"},
	})
}

// jsonNumber is a number written exactly as given in a request body.
func jsonNumber(text string) json.Number { return json.Number(text) }
