package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// AutomationAddr is the address of the automation AutomationConfig declares.
const AutomationAddr = "wix_automation.flow"

// RootActionID is the id of the test automations' only action.
const RootActionID = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"

// AutomationSpec is what a test automation varies; zero values take defaults.
type AutomationSpec struct {
	Name    string // default "tf-acc automation"
	Status  string // omitted when empty (the default, ACTIVE)
	Subject string // the action's inputMapping.subject; default "Hello"
	Actions string // an HCL expression replacing the default actions
	Roots   string // an HCL expression replacing the default root_action_ids
	AppID   string // trigger.app_id; default the test app
	Count   int    // when set, that many automations, named "<name> <index>"
	Extra   string // further attribute lines
}

// TriggerAppID is the app that owns the test trigger key.
func (e *Env) TriggerAppID() string {
	if e.Sim == nil {
		return os.Getenv(EnvAppID)
	}
	return wixsim.DemoAppID
}

// DefaultActions is one app-defined action of the test app, written as
// users write it: jsonencode, no id, namespace or type.
func (e *Env) DefaultActions(subject string) string {
	return fmt.Sprintf(`jsonencode({
    %q = {
      appDefinedInfo = {
        appId        = %q
        actionKey    = "send_email"
        inputMapping = { subject = %q }
      }
    }
  })`, RootActionID, e.TriggerAppID(), subject)
}

// AutomationConfig is the provider block with extra lines and one
// wix_automation (or spec.Count of them).
func (e *Env) AutomationConfig(spec AutomationSpec, providerLines ...string) string {
	return e.ProviderBlock(providerLines...) + e.AutomationBlock(spec)
}

// AutomationBlock is the wix_automation block of AutomationConfig.
func (e *Env) AutomationBlock(spec AutomationSpec) string {
	name := orDefault(spec.Name, "tf-acc automation")
	nameExpr := fmt.Sprintf("%q", name)
	countLine := ""
	if spec.Count > 0 {
		countLine = fmt.Sprintf("count = %d", spec.Count)
		nameExpr = fmt.Sprintf(`"%s ${count.index}"`, name)
	}
	lines := []string{countLine, "name = " + nameExpr}
	if spec.Status != "" {
		lines = append(lines, fmt.Sprintf("status = %q", spec.Status))
	}
	lines = append(lines,
		fmt.Sprintf("trigger = {\n    app_id      = %q\n    trigger_key = %q\n  }", orDefault(spec.AppID, e.TriggerAppID()), e.TriggerKey),
		"root_action_ids = "+orDefault(spec.Roots, fmt.Sprintf("[%q]", RootActionID)),
		"actions = "+orDefault(spec.Actions, e.DefaultActions(orDefault(spec.Subject, "Hello"))),
		spec.Extra)
	return "\nresource \"wix_automation\" \"flow\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// AutomationIs is a state check of one attribute of the test automation.
func AutomationIs(name string, v knownvalue.Check) statecheck.StateCheck {
	return ExpectAttr(AutomationAddr, name, v)
}

// OnlyAutomation is the simulator's one automation; it fails the test
// when there is not exactly one.
func (e *Env) OnlyAutomation() wixsim.Automation {
	e.t.Helper()
	a, err := e.TheAutomation()
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// TheAutomation is OnlyAutomation for code off the test goroutine (an
// HTTP hook), where t.Fatal must not be called: it returns the error.
func (e *Env) TheAutomation() (wixsim.Automation, error) {
	all := e.Sim.Automations()
	if len(all) != 1 {
		return wixsim.Automation{}, fmt.Errorf("the simulator holds %d automations, want exactly 1", len(all))
	}
	return all[0], nil
}

// ChangeBehindTerraform edits the only automation as the dashboard would.
func (e *Env) ChangeBehindTerraform(mutate func(*wixsim.Automation)) func() {
	return func() {
		e.t.Helper()
		if err := e.ChangeBehind(mutate); err != nil {
			e.t.Fatal(err)
		}
	}
}

// ChangeBehind is ChangeBehindTerraform for an HTTP hook: it returns the
// error, which fails the call (and so the test) instead of calling t.Fatal
// off the test goroutine.
func (e *Env) ChangeBehind(mutate func(*wixsim.Automation)) error {
	a, err := e.TheAutomation()
	if err != nil {
		return err
	}
	return e.Sim.UpdateAutomationDirect(a.ID, mutate)
}

// ExpectAutomationCount checks how many automations the simulator holds.
func (e *Env) ExpectAutomationCount(want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.Sim == nil {
			return nil
		}
		if got := len(e.Sim.Automations()); got != want {
			return fmt.Errorf("the simulator holds %d automations, want %d", got, want)
		}
		return nil
	}
}

// AutomationRequestCounts counts the calls to Automations v2 by kind since the
// request log was last reset.
func (e *Env) AutomationRequestCounts() (queries, gets, others int) {
	for _, r := range e.Sim.Requests() {
		switch {
		case r.Path == wix.PathAutomations+"/query":
			queries++
		case strings.HasPrefix(r.Path, wix.PathAutomations+"/") && r.Method == http.MethodGet:
			gets++
		case strings.HasPrefix(r.Path, wix.PathAutomations):
			others++
		}
	}
	return queries, gets, others
}

// PatchPath is the path an update of the only automation goes to.
func (e *Env) PatchPath() string {
	return wix.PathAutomations + "/" + e.OnlyAutomation().ID
}

// CreatedAutomation is the body of the one Create Automation call so far.
type CreatedAutomation struct {
	Automation struct {
		Origin          string `json:"origin"`
		ApplicationInfo struct {
			AppID string `json:"appId"`
		} `json:"applicationInfo"`
	} `json:"automation"`
}

// OnlyCreate decodes the one Create Automation call made so far.
func (e *Env) OnlyCreate() (CreatedAutomation, error) {
	var body CreatedAutomation
	creates := e.Sim.RequestsTo(wix.PathAutomations)
	if len(creates) != 1 {
		return body, fmt.Errorf("Create Automation calls = %d, want 1", len(creates))
	}
	return body, json.Unmarshal(creates[0].Body, &body)
}

// PathQueryAutomations is Query Automations.
const PathQueryAutomations = wix.PathAutomations + "/query"

// OtherAppID is a trigger app other than the simulator's demo app.
const OtherAppID = "0c4d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"

// SeedAutomations stores n automations in the simulator, bypassing the API
// (so that seeding makes no recorded call), each shaped by shape (which may
// be nil), and returns them as stored, oldest first.
func (e *Env) SeedAutomations(n int, shape func(i int, a *wixsim.Automation)) []wixsim.Automation {
	e.t.Helper()
	out := make([]wixsim.Automation, n)
	for i := range n {
		action := fmt.Sprintf("a1b2c3d4-0000-4000-8000-%012x", i+1)
		a := wixsim.Automation{
			Name:   fmt.Sprintf("automation %03d", i),
			Origin: "USER",
			Configuration: wixsim.AutomationConfiguration{
				Status:        "ACTIVE",
				Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
				RootActionIDs: []string{action},
				Actions: map[string]map[string]any{action: {
					"type": "APP_DEFINED",
					"appDefinedInfo": map[string]any{
						"appId": wixsim.DemoAppID, "actionKey": "send_email",
						"inputMapping": map[string]any{"subject": "Hi <b>" + fmt.Sprint(i) + "</b> & welcome"},
					},
				}},
			},
		}
		if shape != nil {
			shape(i, &a)
		}
		out[i] = e.Sim.CreateAutomationDirect(wixsim.DemoInstanceID, a)
	}
	return out
}

// QueryCalls are the Query Automations calls made so far.
func (e *Env) QueryCalls() []wixsim.RecordedRequest {
	return e.Sim.RequestsTo(PathQueryAutomations)
}

// CapQueryPages makes every Query Automations call ask for at most limit
// automations a page, as a Wix that answers smaller pages than asked
// would: the provider must then follow the cursors.
func (e *Env) CapQueryPages(limit int) {
	e.Hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != PathQueryAutomations || r.Body == nil {
			return nil, nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = bytes.Replace(body, []byte(fmt.Sprintf(`"limit":%d`, wix.MaxQueryLimit)), []byte(fmt.Sprintf(`"limit":%d`, limit)), 1)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		return nil, nil
	})
}

// SeedListener makes sure an ACTIVE automation listens to the test trigger
// key, so that a reported event starts a flow and Wix answers activation
// ids: with none, Wix starts nothing and answers none. In the simulator it
// is stored behind the API (no recorded call); against the real API it is
// created and deleted when the test ends.
func (e *Env) SeedListener() {
	e.t.Helper()
	if e.Sim != nil {
		e.SeedAutomations(1, func(_ int, a *wixsim.Automation) { a.Name = "listener" })
		return
	}
	client := e.Client()
	action := RootActionID
	created, err := client.CreateAutomation(e.t.Context(), wix.Automation{
		Name: UniqueKey("tf-acc listener"), Origin: "APPLICATION", ApplicationInfo: &wix.ApplicationInfo{AppID: e.TriggerAppID()},
		Configuration: wix.AutomationConfiguration{
			Status: "ACTIVE", Trigger: wix.Trigger{AppID: e.TriggerAppID(), TriggerKey: e.TriggerKey}, RootActionIDs: []string{action},
			Actions: json.RawMessage(`{"` + action + `":{"delayInfo":{"offsetExpression":"1","offsetTimeUnit":"HOURS"}}}`),
		},
	})
	if err != nil {
		e.t.Fatalf("creating an automation that listens to %s: %v", e.TriggerKey, err)
	}
	e.t.Cleanup(func() { _ = client.DeleteAutomation(context.Background(), created.ID) })
}

// RewriteQueryPages passes every Query Automations answer the provider
// gets through rewrite, which changes the decoded page in place: a Wix
// whose pages repeat or garble automations.
func (e *Env) RewriteQueryPages(rewrite func(page map[string]any)) {
	e.Hook(func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if !strings.HasSuffix(r.URL.Path, "/automations/query") {
			return nil, nil
		}
		res, err := base.RoundTrip(r)
		if err != nil || res.StatusCode != http.StatusOK {
			return res, err
		}
		var page map[string]any
		dec := json.NewDecoder(res.Body)
		dec.UseNumber() // numbers go back as Wix wrote them
		err = dec.Decode(&page)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		rewrite(page)
		body, err := json.Marshal(page)
		res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		res.Header.Del("Content-Length")
		return res, err
	})
}
