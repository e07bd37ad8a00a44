package provider

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// automationAddr is the address of the automation automationConfig declares.
const automationAddr = "wix_automation.flow"

// rootActionID is the id of the test automations' only action.
const rootActionID = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"

// automationSpec is what a test automation varies; zero values take defaults.
type automationSpec struct {
	name    string // default "tf-acc automation"
	status  string // omitted when empty (the default, ACTIVE)
	subject string // the action's inputMapping.subject; default "Hello"
	actions string // an HCL expression replacing the default actions
	roots   string // an HCL expression replacing the default root_action_ids
	appID   string // trigger.app_id; default the test app
	count   int    // when set, that many automations, named "<name> <index>"
	extra   string // further attribute lines
}

// triggerAppID is the app that owns the test trigger key.
func (e *accEnv) triggerAppID() string {
	if e.sim == nil {
		return os.Getenv(envAppID)
	}
	return wixsim.DemoAppID
}

// defaultActions is one app-defined action of the test app, written as
// users write it: jsonencode, no id, namespace or type.
func (e *accEnv) defaultActions(subject string) string {
	return fmt.Sprintf(`jsonencode({
    %q = {
      appDefinedInfo = {
        appId        = %q
        actionKey    = "send_email"
        inputMapping = { subject = %q }
      }
    }
  })`, rootActionID, e.triggerAppID(), subject)
}

// automationConfig is the provider block with extra lines and one
// wix_automation (or spec.count of them).
func (e *accEnv) automationConfig(spec automationSpec, providerLines ...string) string {
	return e.providerBlock(providerLines...) + e.automationBlock(spec)
}

// automationBlock is the wix_automation block of automationConfig.
func (e *accEnv) automationBlock(spec automationSpec) string {
	name := orDefault(spec.name, "tf-acc automation")
	nameExpr := fmt.Sprintf("%q", name)
	countLine := ""
	if spec.count > 0 {
		countLine = fmt.Sprintf("count = %d", spec.count)
		nameExpr = fmt.Sprintf(`"%s ${count.index}"`, name)
	}
	lines := []string{countLine, "name = " + nameExpr}
	if spec.status != "" {
		lines = append(lines, fmt.Sprintf("status = %q", spec.status))
	}
	lines = append(lines,
		fmt.Sprintf("trigger = {\n    app_id      = %q\n    trigger_key = %q\n  }", orDefault(spec.appID, e.triggerAppID()), e.triggerKey),
		"root_action_ids = "+orDefault(spec.roots, fmt.Sprintf("[%q]", rootActionID)),
		"actions = "+orDefault(spec.actions, e.defaultActions(orDefault(spec.subject, "Hello"))),
		spec.extra)
	return "\nresource \"wix_automation\" \"flow\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// onlyAutomation is the simulator's one automation; it fails the test
// when there is not exactly one.
func (e *accEnv) onlyAutomation() wixsim.Automation {
	e.t.Helper()
	all := e.sim.Automations()
	if len(all) != 1 {
		e.t.Fatalf("the simulator holds %d automations, want exactly 1", len(all))
	}
	return all[0]
}

// changeBehindTerraform edits the only automation as the dashboard would.
func (e *accEnv) changeBehindTerraform(mutate func(*wixsim.Automation)) func() {
	return func() {
		e.t.Helper()
		if err := e.sim.UpdateAutomationDirect(e.onlyAutomation().ID, mutate); err != nil {
			e.t.Fatal(err)
		}
	}
}

// expectAutomationCount checks how many automations the simulator holds.
func (e *accEnv) expectAutomationCount(want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		if got := len(e.sim.Automations()); got != want {
			return fmt.Errorf("the simulator holds %d automations, want %d", got, want)
		}
		return nil
	}
}

// automationRequestCounts counts the calls to Automations v2 by kind since the
// request log was last reset.
func (e *accEnv) automationRequestCounts() (queries, gets, others int) {
	for _, r := range e.sim.Requests() {
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

// patchPath is the path an update of the only automation goes to.
func (e *accEnv) patchPath() string {
	return wix.PathAutomations + "/" + e.onlyAutomation().ID
}

// requireRealAPI skips a test unless the real Wix API is configured.
func requireRealAPI(t *testing.T) {
	t.Helper()
	if !realAPI() {
		t.Skipf("set %s, %s, %s and %s to run this test against the real Wix API", envAppID, envAppSecret, envInstanceID, envTestTriggerKey)
	}
}
