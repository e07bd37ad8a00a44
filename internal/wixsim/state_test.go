package wixsim_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// What a simulator holds survives SaveState and LoadState into a new one:
// automations with their ids, revisions, site and order, events, their
// activations and cancellations, and the idempotency keys; and the new
// one serves them through the API.
func TestStateSurvivesARestart(t *testing.T) {
	first := wixsim.New(wixsim.Options{})
	listener := first.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{
		Name: "listens", Origin: "APPLICATION",
		Configuration: wixsim.AutomationConfiguration{
			Status: "ACTIVE", Trigger: wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
			RootActionIDs: []string{"a1b2c3d4-0000-4000-8000-000000000001"},
			Actions: map[string]map[string]any{"a1b2c3d4-0000-4000-8000-000000000001": {
				"appDefinedInfo": map[string]any{"appId": wixsim.DemoAppID, "inputMapping": map[string]any{"n": 9007199254740993}},
			}},
		},
	})
	if err := first.UpdateAutomationDirect(listener.ID, func(a *wixsim.Automation) { a.Description = "edited" }); err != nil {
		t.Fatal(err)
	}
	firstServer := httptest.NewServer(first)
	defer firstServer.Close()
	token := first.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	post(t, firstServer, "/automations/v1/events/report", token, `{"triggerKey":"form_submitted","externalEntityId":"16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c","idempotency":{"key":"k-1"}}`)
	post(t, firstServer, "/automations/v1/events/cancel", token, `{"triggerKey":"form_submitted","externalEntityId":"16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"}`)

	var saved bytes.Buffer
	if err := first.SaveState(&saved); err != nil {
		t.Fatal(err)
	}
	second := wixsim.New(wixsim.Options{})
	if err := second.LoadState(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]any{
		"automations":   {first.Automations(), second.Automations()},
		"events":        {first.Events(), second.Events()},
		"cancellations": {first.Cancellations(), second.Cancellations()},
		"activations":   {first.Activations(), second.Activations()},
	} {
		// As JSON: times read back carry no monotonic clock reading.
		before, _ := json.Marshal(pair[0])
		after, _ := json.Marshal(pair[1])
		if !bytes.Equal(before, after) || len(before) < 10 {
			t.Errorf("%s after a restart:\n%s\nwant\n%s", name, after, before)
		}
	}
	// The new process serves them: the automation by id at its revision,
	// and the idempotency key is still remembered.
	secondServer := httptest.NewServer(second)
	defer secondServer.Close()
	token = second.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	got := string(do(t, secondServer, http.MethodGet, "/v2/automations/"+listener.ID, token, "", "").raw)
	if !strings.Contains(got, `"revision":"2"`) || !strings.Contains(got, "9007199254740993") {
		t.Errorf("Get wixsim.Automation after a restart: %s", got)
	}
	again := string(post(t, secondServer, "/automations/v1/events/report", token, `{"triggerKey":"form_submitted","externalEntityId":"16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c","idempotency":{"key":"k-1"}}`).raw)
	if len(second.Events()) != len(first.Events()) || !strings.Contains(again, first.Events()[0].ActivationIDs[0]) {
		t.Errorf("a repeated idempotency key after a restart stored a new event or answered other ids: %s", again)
	}
}

// A state of another format is refused, not half read.
func TestLoadStateRefusesAnotherVersion(t *testing.T) {
	err := wixsim.New(wixsim.Options{}).LoadState(strings.NewReader(`{"version": 99}`))
	if err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("LoadState of version 99: %v", err)
	}
}
