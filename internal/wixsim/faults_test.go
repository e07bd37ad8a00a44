package wixsim_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

func TestRawAnswerFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault wixsim.Fault
		ct    string
	}{
		{"sign-in page", wixsim.Fault{Status: 200, ContentType: "text/html", Body: "<html>please sign in</html>"}, "text/html"},
		{"no content", wixsim.Fault{Raw: true, Status: 204}, ""},
		{"JSON array", wixsim.Fault{Status: 200, ContentType: "application/json", Body: "[]"}, "application/json"},
		{"body without a type", wixsim.Fault{Status: 200, Body: "<html></html>"}, ""},
		{"error page", wixsim.Fault{Status: 502, ContentType: "text/plain", Body: "bad gateway"}, "text/plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim, ts := start(t, wixsim.Options{})
			tc.fault.Path = cancelPath
			sim.InjectFault(tc.fault)
			r := post(t, ts, cancelPath, demoToken(sim), cancelBody(wixsim.DemoTriggerKey, entityA))
			wantStatus(t, r, tc.fault.Status)
			if string(r.raw) != tc.fault.Body || r.header.Get("Content-Type") != tc.ct {
				t.Errorf("answer %q %q, want %q %q", r.header.Get("Content-Type"), r.raw, tc.ct, tc.fault.Body)
			}
			if n := sim.CancelCount(wixsim.DemoTriggerKey, entityA); n != 0 {
				t.Errorf("a raw fault still canceled (%d)", n)
			}
		})
	}
}

func TestRedirectFault(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	sim.InjectFault(wixsim.Fault{Path: tokenPath, Status: 307, Location: "http://127.0.0.2:1/steal"})
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Post(ts.URL+tokenPath, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 307 || resp.Header.Get("Location") != "http://127.0.0.2:1/steal" {
		t.Errorf("answer %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestInjectFaultStatusRules(t *testing.T) {
	tests := []struct {
		name   string
		fault  wixsim.Fault
		panics bool
	}{
		{"wix error 200", wixsim.Fault{Status: 200}, true},
		{"wix error 302", wixsim.Fault{Status: 302}, true},
		{"raw without status", wixsim.Fault{Raw: true}, true},
		{"raw 1xx", wixsim.Fault{Raw: true, Status: 101}, true},
		{"raw 200", wixsim.Fault{Raw: true, Status: 200}, false},
		{"redirect", wixsim.Fault{Status: 302, Location: "/x"}, false},
		{"drop after serve", wixsim.Fault{DropAfterServe: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if (recover() != nil) != tc.panics {
					t.Errorf("InjectFault(%+v) panicked = %v, want %v", tc.fault, !tc.panics, tc.panics)
				}
			}()
			wixsim.New(wixsim.Options{}).InjectFault(tc.fault)
		})
	}
}

// sendDropped sends a call that the simulator will serve and then drop,
// and fails unless the client sees a transport error.
func sendDropped(t *testing.T, ts interface{ Client() *http.Client }, url, method, tok, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	resp, err := ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the call was answered %d instead of dropped", resp.StatusCode)
	}
}

func TestDropAfterServeActsThenResets(t *testing.T) {
	sim, ts, tok := startDemo(t)
	for _, p := range []string{automationsPath, reportPath, cancelPath} {
		sim.InjectFault(wixsim.Fault{Path: p, DropAfterServe: true})
	}
	sendDropped(t, ts, ts.URL+automationsPath, "POST", tok, jsonOf(t, map[string]any{"automation": newAutomation("n", "ACTIVE")}))
	sendDropped(t, ts, ts.URL+reportPath, "POST", tok, fmt.Sprintf(`{"triggerKey":"form_submitted","externalEntityId":%q}`, entityA))
	sendDropped(t, ts, ts.URL+cancelPath, "POST", tok, cancelBody(wixsim.DemoTriggerKey, entityA))
	if n := len(sim.Automations()); n != 1 {
		t.Errorf("%d automations, want the one created before the drop", n)
	}
	if evs := sim.Events(); len(evs) != 1 || !evs[0].Canceled {
		t.Errorf("events = %+v, want one, canceled", evs)
	}
	for _, rec := range sim.Requests() {
		if rec.Status != 0 {
			t.Errorf("%s recorded status %d, want 0 (nothing answered)", rec.Path, rec.Status)
		}
	}
	// The faults are spent: the next call is answered.
	wantStatus(t, post(t, ts, cancelPath, tok, cancelBody(wixsim.DemoTriggerKey, entityA)), 200)
}

func TestRecordedQueryAndIgnoredTelemetryHeader(t *testing.T) {
	sim, ts, tok := startDemo(t)
	a := createAutomation(t, ts, tok, newAutomation("n", "ACTIVE"))
	req, _ := http.NewRequest("GET", ts.URL+automationsPath+"/"+a.ID+"?automationId="+a.ID+"&fields=OVERRIDE_SCHEMA&fields=FILTERABLE_APP_DEFINED_ACTIONS", nil)
	req.Header.Set("Authorization", tok)
	req.Header.Set("x-wix-bi-gateway", "environment=js-sdk,package-name=@wix/x,method-fqn=y,entity=z")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET with the SDK's headers answered %d", resp.StatusCode)
	}
	recs := sim.RequestsTo(automationsPath + "/" + a.ID)
	if len(recs) != 1 || recs[0].RawQuery != "automationId="+a.ID+"&fields=OVERRIDE_SCHEMA&fields=FILTERABLE_APP_DEFINED_ACTIONS" {
		t.Errorf("records = %+v", recs)
	}
}
