package smoke_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/smoke"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// providerDir holds terraform-provider-wix, built from this repository
// once for the package's tests, as make smoke builds it.
var providerDir string

func TestMain(m *testing.M) {
	code, err := withProvider(m)
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(code)
}

func withProvider(m *testing.M) (int, error) {
	if os.Getenv("TF_ACC") == "" {
		return m.Run(), nil // the tests that need the provider skip
	}
	dir, err := os.MkdirTemp("", "wixsmoke-test-provider-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := smoke.BuildProvider(context.Background(), filepath.Join("..", ".."), dir, "smoke-test"); err != nil {
		return 0, err
	}
	providerDir = dir
	return m.Run(), nil
}

// site is a Wix site for one test: a simulator with an app of its own,
// whose secret is unique to the test (so that a scan for it means
// something), and hooks that change how calls are answered.
type site struct {
	t                            *testing.T
	sim                          *wixsim.Server
	server                       *httptest.Server
	appID, secret, instance, key string

	mu     sync.Mutex
	hooks  []hook
	tokens []string // every token the simulator issued
}

// hook answers a call itself and returns true, or leaves it to the
// simulator by returning false.
type hook func(w http.ResponseWriter, r *http.Request) bool

func newSite(t *testing.T) *site {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the smoke check's tests (make test does): they run a real Terraform CLI")
	}
	s := &site{
		t: t, sim: wixsim.New(wixsim.Options{}),
		appID: uuid.NewString(), secret: "smoke-test-secret-" + rand.Text(), instance: uuid.NewString(), key: "smoke_test_trigger",
	}
	s.sim.AddApp(s.appID, s.secret, s.instance)
	s.sim.OwnTriggerKey(s.appID, s.key)
	s.server = httptest.NewServer(s)
	t.Cleanup(s.server.Close)
	return s
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	hooks := slices.Clone(s.hooks)
	s.mu.Unlock()
	for _, h := range hooks {
		if h(w, r) {
			return
		}
	}
	if r.URL.Path != wix.PathToken {
		s.sim.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.sim.ServeHTTP(rec, r)
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &answer) == nil && answer.AccessToken != "" {
		s.mu.Lock()
		s.tokens = append(s.tokens, answer.AccessToken)
		s.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (s *site) addHook(h hook) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, h)
}

// env is the environment of a run against this site: the process's,
// without any WIX_* or TF_LOG* of the developer's shell (a test never
// calls a real site), with the site's variables and the opt-in.
func (s *site) env() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "WIX_") && !strings.HasPrefix(k, "TF_LOG") {
			env[k] = v
		}
	}
	for k, v := range map[string]string{
		smoke.EnvOptIn: "1", smoke.EnvBaseURL: s.server.URL, smoke.EnvAppID: s.appID, smoke.EnvAppSecret: s.secret,
		smoke.EnvInstanceID: s.instance, smoke.EnvTriggerKey: s.key,
	} {
		env[k] = v
	}
	return env
}

// run is one smoke check of the site, with ctx for the steps and a fresh
// context for the clean-up; the output is logged when the test fails.
func (s *site) run(ctx context.Context, env map[string]string) (int, string) {
	s.t.Helper()
	var out bytes.Buffer
	code := smoke.Run(ctx, context.Background(), smoke.Config{
		Terraform: acctest.TerraformCLI(s.t, "to run the smoke check"), ProviderDir: providerDir,
		ProviderVersion: "smoke-test", Env: env, Out: &out,
	})
	s.t.Cleanup(func() {
		if s.t.Failed() {
			s.t.Logf("wixsmoke output:\n%s", out.String())
		}
	})
	return code, out.String()
}

// requireNothingLeft fails the test unless the site holds no automation
// but those of keep and no event that was not canceled.
func (s *site) requireNothingLeft(keep ...string) {
	s.t.Helper()
	for _, a := range s.sim.Automations() {
		if !slices.Contains(keep, a.ID) {
			s.t.Errorf("the run left the automation %s (%q) at the site", a.ID, a.Name)
		}
	}
	for _, e := range s.sim.Events() {
		if !e.Canceled {
			s.t.Errorf("the run left the event %s/%s pending at the site", e.TriggerKey, e.ExternalEntityID)
		}
	}
}

// requireStatuses fails the test unless the summary gives each step the
// status of want (step name -> status).
func requireStatuses(t *testing.T, out string, want map[string]smoke.Status) {
	t.Helper()
	_, summary, _ := strings.Cut(out, "wixsmoke summary")
	for name, status := range want {
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` +` + regexp.QuoteMeta(string(status)) + ` `)
		if !line.MatchString(summary) {
			t.Errorf("the summary does not give step %q the status %q", name, status)
		}
	}
}

var requestIDs = regexp.MustCompile(`x-wix-request-id ([0-9a-f-]{36})`)

// The whole check passes against the simulator as if it were a site: every
// step ok, every call the site answered shown with its request id, nothing
// left, and neither the app secret nor any token it issued in the output.
func TestSmoke_passesAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	code, out := s.run(context.Background(), s.env())
	if code != smoke.ExitOK {
		t.Fatalf("exit code %d, want %d", code, smoke.ExitOK)
	}
	requireStatuses(t, out, map[string]smoke.Status{
		"token": smoke.StatusOK, "query": smoke.StatusOK, "create": smoke.StatusOK, "read": smoke.StatusOK,
		"update": smoke.StatusOK, "delete": smoke.StatusOK, "listeners": smoke.StatusOK, "report": smoke.StatusOK,
		"cancel": smoke.StatusOK, "clean-up": smoke.StatusOK,
	})
	if !strings.Contains(out, "result:     PASSED\n") || !strings.Contains(out, "left at Wix: nothing") {
		t.Error("the summary does not say PASSED and nothing left")
	}
	s.requireNothingLeft()
	if len(s.sim.Events()) != 1 {
		t.Errorf("the site got %d events, want the one reported (and canceled)", len(s.sim.Events()))
	}
	shown := map[string]bool{}
	for _, m := range requestIDs.FindAllStringSubmatch(out, -1) {
		shown[m[1]] = true
	}
	answered := map[string]bool{}
	for _, r := range s.sim.Requests() {
		answered[r.RequestID] = true
		if !shown[r.RequestID] {
			t.Errorf("the output does not show %s %s, x-wix-request-id %s", r.Method, r.Path, r.RequestID)
		}
	}
	for id := range shown {
		if !answered[id] {
			t.Errorf("the output shows x-wix-request-id %s, which the site never answered", id)
		}
	}
	s.mu.Lock()
	secrets := append([]string{s.secret}, s.tokens...)
	s.mu.Unlock()
	if len(secrets) < 2 || len(shown) == 0 {
		t.Fatalf("%d tokens issued and %d request ids shown: the secret scan would prove nothing", len(secrets)-1, len(shown))
	}
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("the output holds a secret (%.12s…)", secret)
		}
	}
}

// Without WIX_SMOKE=1, or without what the run needs, it refuses: exit 2,
// a message naming what to set, and no call to the site. The Terraform
// path does not exist, so a run that went further would fail otherwise.
func TestSmoke_refusesWithoutOptIn(t *testing.T) {
	t.Parallel()
	sim := wixsim.New(wixsim.Options{})
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	full := map[string]string{
		smoke.EnvOptIn: "1", smoke.EnvBaseURL: server.URL, smoke.EnvAppID: wixsim.DemoAppID,
		smoke.EnvAppSecret: wixsim.DemoAppSecret, smoke.EnvInstanceID: wixsim.DemoInstanceID, smoke.EnvTriggerKey: wixsim.DemoTriggerKey,
	}
	cases := []struct {
		name   string
		change func(map[string]string)
		want   string
	}{
		{"no opt-in", func(env map[string]string) { delete(env, smoke.EnvOptIn) }, "set WIX_SMOKE=1"},
		{"an opt-in other than 1", func(env map[string]string) { env[smoke.EnvOptIn] = "yes" }, "set WIX_SMOKE=1"},
		{"no app secret or trigger key", func(env map[string]string) {
			delete(env, smoke.EnvAppSecret)
			delete(env, smoke.EnvTriggerKey)
		}, "set WIX_APP_SECRET, WIX_TEST_TRIGGER_KEY"},
		{"a ready token as well", func(env map[string]string) { env[smoke.EnvAccessToken] = "a-token" }, "unset WIX_ACCESS_TOKEN"},
		{"plain http to a remote host", func(env map[string]string) { env[smoke.EnvBaseURL] = "http://example.com" }, "https is required"},
	}
	for _, tc := range cases {
		env := maps(full)
		tc.change(env)
		var out bytes.Buffer
		code := smoke.Run(context.Background(), context.Background(), smoke.Config{
			Terraform: "/nonexistent/terraform", ProviderDir: "/nonexistent", Env: env, Out: &out,
		})
		if code != smoke.ExitRefused || !strings.Contains(out.String(), tc.want) || !strings.Contains(out.String(), "Nothing was called") {
			t.Errorf("%s: exit code %d, output:\n%s\nwant exit code %d and a message saying %q", tc.name, code, out.String(), smoke.ExitRefused, tc.want)
		}
	}
	if n := len(sim.Requests()); n != 0 {
		t.Errorf("the refused runs made %d calls to the site, want none", n)
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// An ACTIVE automation on the trigger key (someone's real flow) makes the
// run skip the report, naming it, and report nothing; the site's own
// automation is left alone.
func TestSmoke_skipsTheReportWhenAnActiveAutomationListens(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	action := uuid.NewString()
	theirs := s.sim.CreateAutomationDirect(s.instance, wixsim.Automation{
		Name: "Welcome email", Origin: "USER",
		Configuration: wixsim.AutomationConfiguration{
			Status: "ACTIVE", Trigger: wixsim.AutomationTrigger{AppID: s.appID, TriggerKey: s.key}, RootActionIDs: []string{action},
			Actions: map[string]map[string]any{action: {"type": "APP_DEFINED", "appDefinedInfo": map[string]any{"appId": s.appID, "actionKey": "send_email"}}},
		},
	})
	code, out := s.run(context.Background(), s.env())
	if code != smoke.ExitOK {
		t.Fatalf("exit code %d, want %d: a skipped report is no failure", code, smoke.ExitOK)
	}
	requireStatuses(t, out, map[string]smoke.Status{"listeners": smoke.StatusOK, "report": smoke.StatusSkipped, "cancel": smoke.StatusSkipped})
	if !strings.Contains(out, "ACTIVE automations listen on trigger key "+s.key+": "+theirs.ID+" (Welcome email)") {
		t.Error("the output does not name the ACTIVE automation that made it skip the report")
	}
	if n := len(s.sim.RequestsTo(wix.PathReport)) + len(s.sim.RequestsTo(wix.PathBulkReport)); n != 0 || len(s.sim.Events()) != 0 {
		t.Errorf("the run sent %d reports next to an ACTIVE automation, want none", n)
	}
	s.requireNothingLeft(theirs.ID)
	if got := s.sim.Automations(); len(got) != 1 || got[0].Configuration.Status != "ACTIVE" || got[0].Revision != "1" {
		t.Errorf("the site's own automation was changed: %+v", got)
	}
}

// refuseFirst makes the first call of method to a path under prefix fail
// with a Wix error of status (not retried: a 4xx).
func (s *site) refuseFirst(method, prefix string, status int) {
	var once sync.Once
	s.addHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == method && strings.HasPrefix(r.URL.Path, prefix) {
			once.Do(func() {
				s.sim.InjectFault(wixsim.Fault{Path: r.URL.Path, Status: status, Message: "refused by the test"})
			})
		}
		return false // the simulator answers, with the fault for the first call
	})
}

// A step that fails stops the run, and the clean-up removes what the
// run had made: the automation after a failed update, the event after a
// failed cancel.
func TestSmoke_cleansUpAfterAFailedStep(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path, failed string
		cleanedUp                  string
	}{
		{"update refused", http.MethodPatch, wix.PathAutomations + "/", "update", "Delete Automation 200"},
		{"cancel refused", http.MethodPost, wix.PathCancel, "cancel", "Cancel Event 200"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			s.refuseFirst(tc.method, tc.path, http.StatusBadRequest)
			code, out := s.run(context.Background(), s.env())
			if code != smoke.ExitFailed {
				t.Errorf("exit code %d, want %d", code, smoke.ExitFailed)
			}
			requireStatuses(t, out, map[string]smoke.Status{tc.failed: smoke.StatusFailed, "clean-up": smoke.StatusOK})
			_, cleanup, _ := strings.Cut(out, "[clean-up]")
			if !strings.Contains(cleanup, tc.cleanedUp) || !strings.Contains(out, "left at Wix: nothing") {
				t.Errorf("the clean-up does not show %q and nothing left", tc.cleanedUp)
			}
			if !strings.Contains(out, "refused by the test") {
				t.Error("the output does not show Wix's message for the failed step")
			}
			s.requireNothingLeft()
		})
	}
}

// When the clean-up cannot delete the automation either, the run says so,
// naming it, exits 1 and keeps the state for a later destroy.
func TestSmoke_saysWhatItCouldNotCleanUp(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.addHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodDelete {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"deleting is forbidden by the test","details":{"applicationError":{"code":"FORBIDDEN"}}}`))
		return true
	})
	code, out := s.run(context.Background(), s.env())
	if code != smoke.ExitFailed {
		t.Errorf("exit code %d, want %d", code, smoke.ExitFailed)
	}
	requireStatuses(t, out, map[string]smoke.Status{"delete": smoke.StatusFailed, "clean-up": smoke.StatusFailed})
	left := s.sim.Automations()
	if len(left) != 1 {
		t.Fatalf("the site holds %d automations, want the one the test kept from being deleted", len(left))
	}
	if !strings.Contains(out, "left at Wix (could not clean up):\n  - the automation "+left[0].ID) {
		t.Errorf("the summary does not name the automation %s it could not delete", left[0].ID)
	}
	kept := regexp.MustCompile(`state is kept in (\S+)\.`).FindStringSubmatch(out)
	if kept == nil {
		t.Fatal("the output does not say where the state is kept")
	}
	t.Cleanup(func() { _ = os.RemoveAll(kept[1]) })
	if _, err := os.Stat(filepath.Join(kept[1], "work", "terraform.tfstate")); err != nil {
		t.Errorf("the kept directory has no state: %v", err)
	}
}

// withholdFirst serves the first call of method to path at the simulator
// (so that Wix acts on it), then interrupts the run (as Ctrl-C would) and
// never answers: the run cannot know from Terraform what Wix did.
func (s *site) withholdFirst(method string, paths []string, interrupt context.CancelFunc) {
	var once sync.Once
	s.addHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method || !slices.Contains(paths, r.URL.Path) {
			return false
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			return false
		}
		s.sim.ServeHTTP(httptest.NewRecorder(), r)
		interrupt()
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return true
	})
}

// hideCreatedUntilNextProcess makes the first create act at the simulator
// and answer 503, and hides every automation from Query until a new
// Terraform process asks for a token: the provider's look-up after the
// uncertain create finds nothing and saves nothing to state, as if its
// process had died, and only the clean-up's own Query (a new process)
// can find it.
func (s *site) hideCreatedUntilNextProcess() {
	var mu sync.Mutex
	created, hidden := false, false
	s.addHook(func(w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == wix.PathAutomations && !created:
			created, hidden = true, true
			s.sim.ServeHTTP(httptest.NewRecorder(), r)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"message":"answer lost by the test","details":{"applicationError":{"code":"UNAVAILABLE"}}}`))
			return true
		case r.URL.Path == wix.PathToken && hidden:
			hidden = false
		case r.URL.Path == wix.PathAutomations+"/query" && hidden:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"automations":[],"pagingMetadata":{"count":0,"offset":0,"hasNext":false}}`))
			return true
		}
		return false
	})
}

// When the state does not know of an automation the run may have made
// (its process died, or its look-up found nothing), the clean-up finds it
// by the run's name, imports it and deletes it.
func TestSmoke_cleanUpFindsAnAutomationStateDoesNotKnow(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.hideCreatedUntilNextProcess()
	code, out := s.run(context.Background(), s.env())
	if code != smoke.ExitFailed {
		t.Errorf("exit code %d, want %d", code, smoke.ExitFailed)
	}
	requireStatuses(t, out, map[string]smoke.Status{"create": smoke.StatusFailed, "clean-up": smoke.StatusOK})
	if !strings.Contains(out, "by its name, imported and deleted it") || !strings.Contains(out, "left at Wix: nothing") {
		t.Error("the clean-up does not say that it found the automation by its name and deleted it, and that nothing is left")
	}
	s.requireNothingLeft()
}

// A run interrupted while Wix acts on a create or a report, before its
// answer arrives, still cleans up. The provider itself keeps what may have
// reached Wix in state (the automation it looked up, the event unconfirmed
// with its key), so terraform destroy removes it. (When state does not
// know of it, the name sweep does: TestSmoke_cleanUpFindsAnAutomationStateDoesNotKnow.)
func TestSmoke_cleansUpAfterAnInterruptedStep(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, step string
		paths      []string
		cleanedUp  string // how it was removed
	}{
		{"during the create", "create", []string{wix.PathAutomations}, "terraform destroy of wix_automation.smoke"},
		{"during the report", "report", []string{wix.PathReport, wix.PathBulkReport}, "terraform destroy of wix_automation_event.smoke"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			ctx, interrupt := context.WithCancel(context.Background())
			defer interrupt()
			s.withholdFirst(http.MethodPost, tc.paths, interrupt)
			code, out := s.run(ctx, s.env())
			if code != smoke.ExitFailed {
				t.Errorf("exit code %d, want %d", code, smoke.ExitFailed)
			}
			requireStatuses(t, out, map[string]smoke.Status{tc.step: smoke.StatusInterrupted, "clean-up": smoke.StatusOK})
			if !strings.Contains(out, tc.cleanedUp) || !strings.Contains(out, "left at Wix: nothing") {
				t.Errorf("the output does not say %q, or not that nothing is left", tc.cleanedUp)
			}
			if tc.step == "report" && len(s.sim.Events()) != 1 {
				t.Errorf("the site got %d events, want the one withheld (then canceled)", len(s.sim.Events()))
			}
			s.requireNothingLeft()
		})
	}
}
