// Package sdkcheck proves the simulator against Wix's own JavaScript SDK:
// check.mjs drives the pinned @wix packages against an in-process
// simulator, so a simulator that refuses what the SDK sends, or answers
// what the SDK cannot read, fails here instead of fooling the provider's
// tests.
package sdkcheck

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// TestJSSDKAgainstSimulator runs check.mjs with node against a fresh
// simulator. Without node it skips, except under CI, where a missing node
// must fail rather than pass silently.
func TestJSSDKAgainstSimulator(t *testing.T) {
	node := findNode(t)
	installModules(t)
	sim := wixsim.New(wixsim.Options{})
	ts := httptest.NewServer(sim)
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Env = append(os.Environ(),
		"WIXSIM_URL="+ts.URL,
		"WIX_APP_ID="+wixsim.DemoAppID,
		"WIX_APP_SECRET="+wixsim.DemoAppSecret,
		"WIX_INSTANCE_ID="+wixsim.DemoInstanceID,
		"WIX_TRIGGER_KEY="+wixsim.DemoTriggerKey,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("check.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("Wix's JS SDK and the simulator disagree (%v); see the output above", err)
	}
	checkSimulatorState(t, sim)
}

// checkSimulatorState asserts what the script's calls must have left: the
// idempotent repeat stored nothing new, and every event with an entity id
// was canceled; the first report, with no ACTIVE automation, started
// nothing, and the others one activation each; every automation was
// deleted.
func checkSimulatorState(t *testing.T, sim *wixsim.Server) {
	t.Helper()
	events := sim.Events()
	if len(events) != 5 {
		t.Fatalf("simulator stored %d events, want 5 (report without listener, report, numeric-ttl report, 2 bulk): %+v", len(events), events)
	}
	for i, e := range events {
		if !e.Canceled {
			t.Errorf("event %s of %s was not canceled", e.ExternalEntityID, e.TriggerKey)
		}
		if want := min(i, 1); len(e.ActivationIDs) != want {
			t.Errorf("event %d started %d activations, want %d", i, len(e.ActivationIDs), want)
		}
	}
	if got := events[1].Payload["items"]; got == nil {
		t.Errorf("the payload's list of objects did not arrive: %v", events[1].Payload)
	}
	if n := len(sim.Automations()); n != 0 {
		t.Errorf("%d automations left, want 0", n)
	}
	checkRequests(t, sim.Requests())
}

// checkRequests pins the wire facts the simulator must tolerate, so that a
// newer SDK that stops sending them shows here: GET and DELETE without a
// Content-Type and with the id repeated in the query, and the telemetry
// header on API calls.
func checkRequests(t *testing.T, recs []wixsim.RecordedRequest) {
	t.Helper()
	for _, r := range recs {
		if r.Status != 200 && r.Status != 404 && r.Status != 409 && r.Status != 400 {
			t.Errorf("%s %s answered %d", r.Method, r.Path, r.Status)
		}
		if r.Path != "/oauth2/token" && r.Header.Get("x-wix-bi-gateway") == "" {
			t.Errorf("%s %s lacks x-wix-bi-gateway", r.Method, r.Path)
		}
		if r.Method != "GET" && r.Method != "DELETE" {
			continue
		}
		if ct := r.Header.Get("Content-Type"); ct != "" {
			t.Errorf("%s %s: Content-Type %q, want none on a call without a body", r.Method, r.Path, ct)
		}
		if !strings.HasPrefix(r.RawQuery, "automationId=") {
			t.Errorf("%s %s: query %q, want the id repeated as automationId=", r.Method, r.Path, r.RawQuery)
		}
	}
}

// findNode returns node's path, or skips the test when it is missing
// outside CI.
func findNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		return node
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("node is not on PATH, and CI is set: the SDK fidelity check must run in CI (%v)", err)
	}
	t.Skipf("node is not on PATH (%v); install Node.js 18+ to check the simulator against Wix's JS SDK", err)
	return ""
}

// installModules runs npm ci once: node_modules, once present, is reused,
// and npm's own cache makes a fresh install cheap.
func installModules(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("node_modules/@wix/sdk/package.json"); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("node is installed but npm is not: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci failed: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
