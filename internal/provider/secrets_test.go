package provider

// No secret leaks, in any auth mode: the app secret, a ready access token and
// every token the provider fetched must not appear in state, plan output,
// error messages, or TF_LOG=trace output. Each test drives a real Terraform
// CLI through successful and failing applies, with every log turned up to
// trace, and scans everything a user could see or keep afterwards.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// secretScan collects secrets and everything that must not contain them.
type secretScan struct {
	t       *testing.T
	env     *accEnv
	mu      sync.Mutex
	secrets map[string]string // value -> what it is
	seen    map[string]int    // where -> bytes scanned
	texts   []scannedText
	leaks   []string
	// failWhere and failPhrases describe the failure the current step
	// expects; see expectFailure.
	failWhere   string
	failPhrases []string
}

func newSecretScan(t *testing.T, env *accEnv) *secretScan {
	return &secretScan{t: t, env: env, secrets: map[string]string{}, seen: map[string]int{}}
}

func (s *secretScan) secret(what, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.secrets[value]; !known {
		s.secrets[value] = what
	}
}

// fetchedTokens adds every token the simulator saw in an Authorization
// header: the provider fetched them, and they are as secret as the app's.
func (s *secretScan) fetchedTokens() {
	for _, r := range s.env.sim.Requests() {
		if auth := r.Header.Get("Authorization"); auth != "" {
			s.secret("an access token sent to Wix", auth)
		}
	}
}

// scan keeps text to be searched for every secret when the test ends, when
// all the tokens the provider fetched are known.
func (s *secretScan) scan(where, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[where] += len(text)
	s.texts = append(s.texts, scannedText{where, text})
}

type scannedText struct{ where, text string }

// find looks for every secret in every text kept, and also for the first
// half of each secret, so that one cut by truncation or wrapping is caught.
func (s *secretScan) find() {
	for _, st := range s.texts {
		flat := strings.Join(strings.Fields(st.text), "")
		for value, what := range s.secrets {
			probe := value[:len(value)/2+1]
			i := strings.Index(st.text, probe)
			if i < 0 && !strings.Contains(flat, probe) {
				continue
			}
			context := "(across a line break)"
			if i >= 0 {
				context = strings.ReplaceAll(st.text[max(0, i-300):min(len(st.text), i+len(value)+100)], value, "<"+what+">")
			}
			s.leaks = append(s.leaks, fmt.Sprintf("%s appears in %s: …%s…", what, st.where, context))
		}
	}
}

// scanTree scans every file under dir, except those skip names.
func (s *secretScan) scanTree(where, dir string, skip func(path string) bool) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		if skip != nil && skip(path) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		s.scan(where+": "+filepath.Base(path), string(data))
		return nil
	})
}

// planCheck scans the plan, as JSON. With withoutConfig, the plan's copy of
// the configuration is left out (see skipUserConfig).
func (s *secretScan) planCheck(where string, withoutConfig bool) plancheck.PlanCheck {
	return secretPlanCheck{s, where, withoutConfig}
}

type secretPlanCheck struct {
	s             *secretScan
	where         string
	withoutConfig bool
}

func (c secretPlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	plan := *req.Plan
	if c.withoutConfig {
		plan.Config = nil
	}
	data, err := json.Marshal(plan)
	if err != nil {
		resp.Error = err
		return
	}
	c.s.scan(c.where, string(data))
}

// stateCheck scans the state, as JSON.
func (s *secretScan) stateCheck(where string) statecheck.StateCheck {
	return secretStateCheck{s, where}
}

type secretStateCheck struct {
	s     *secretScan
	where string
}

func (c secretStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	data, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	c.s.scan(c.where, string(data))
}

// report fails the test on any leak, and when something that should have
// been scanned was empty (a scan of nothing proves nothing).
func (s *secretScan) report(mustHave ...string) {
	s.t.Helper()
	s.fetchedTokens()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.find()
	for _, leak := range s.leaks {
		s.t.Error(leak)
	}
	for _, where := range mustHave {
		if s.seen[where] == 0 {
			s.t.Errorf("nothing was scanned in %s", where)
		}
	}
	var secrets []string
	for _, what := range s.secrets {
		secrets = append(secrets, what)
	}
	s.t.Logf("scanned %v for %d secrets (%s)", s.seen, len(s.secrets), strings.Join(secrets, ", "))
}

func randomSecret(prefix string) string {
	return prefix + rand.Text() + rand.Text()
}

// authMode is one way of giving the provider credentials.
type authMode struct {
	appCredentials bool // else a ready access token
	fromEnv        bool // else in the provider block
}

// expectFailure is the PreConfig of a step that must fail with an error
// holding every phrase: errorCheck lets that error pass and keeps its text
// for the scan, under where. (ExpectError only matches a pattern; the scan
// needs the whole text.) Other errors still fail the test; a step that
// succeeds instead leaves where unscanned, which report fails.
func (s *secretScan) expectFailure(where string, phrases []string, also func()) func() {
	return func() {
		s.mu.Lock()
		s.failWhere, s.failPhrases = where, phrases
		s.mu.Unlock()
		also()
	}
}

// errorCheck is the TestCase's ErrorCheck; see expectFailure.
func (s *secretScan) errorCheck(err error) error {
	text := strings.Join(strings.Fields(err.Error()), " ") // as Terraform wraps it
	s.mu.Lock()
	where, phrases := s.failWhere, s.failPhrases
	s.failWhere = ""
	s.mu.Unlock()
	if where == "" {
		return err
	}
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			return err
		}
	}
	s.scan(where, text)
	return nil
}

// secretCredentials gives the provider fresh, unguessable credentials in
// mode (the simulator's demo secret is public), registers them with the
// scan, and returns the provider block's lines.
func secretCredentials(t *testing.T, env *accEnv, scan *secretScan, mode authMode) []string {
	lines := []string{env.baseURLLine(), "max_retries = 1"}
	if !mode.appCredentials {
		token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
		scan.secret("the access token", token)
		if mode.fromEnv {
			t.Setenv(envAccessToken, token)
			return lines
		}
		return append(lines, fmt.Sprintf("access_token = %q", token))
	}
	appSecret := randomSecret("wix-app-secret-")
	env.sim.AddApp(wixsim.DemoAppID, appSecret, wixsim.DemoInstanceID)
	scan.secret("the app secret", appSecret)
	if mode.fromEnv {
		t.Setenv(envAppID, wixsim.DemoAppID)
		t.Setenv(envAppSecret, appSecret)
		t.Setenv(envInstanceID, wixsim.DemoInstanceID)
		return lines
	}
	return append(lines, fmt.Sprintf("app_id      = %q", wixsim.DemoAppID),
		fmt.Sprintf("app_secret  = %q", appSecret), fmt.Sprintf("instance_id = %q", wixsim.DemoInstanceID))
}

// authFailure makes authentication fail in mode: the token call, or, for a
// ready token, which has no token call, Wix rejecting it.
func authFailure(mode authMode) (wixsim.Fault, []string) {
	if !mode.appCredentials {
		return wixsim.Fault{Path: wix.PathCancel, Status: 401, Count: 1000, Message: "token revoked"},
			[]string{"Wix rejected the credentials", "token revoked"}
	}
	return wixsim.Fault{Path: wix.PathToken, Status: 500, Count: 1000, Message: "token service down"},
		[]string{"could not get an access token", "token service down"}
}

// testNoSecretLeaks runs successful and failing applies in one auth mode,
// with Terraform's and the provider's logs at trace, and scans state (JSON
// and the files on disk), plans (JSON, and the human-readable plan that
// plugin-testing logs at trace), every error, and the whole log.
func testNoSecretLeaks(t *testing.T, mode authMode) {
	env := newSimEnv(t)
	scan := newSecretScan(t, env)
	workDirs := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	t.Setenv("TF_ACC_LOG_PATH", logFile) // Terraform CLI and provider, at TRACE
	t.Setenv("TF_LOG", "TRACE")
	lines := secretCredentials(t, env, scan, mode)
	config := func(n int) string {
		return bareProviderBlock(lines...) + cancellationsConfig(env.triggerKey, entityIDs(n))
	}
	scanned := resource.TestStep{
		ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{scan.planCheck("the plan", !mode.fromEnv)}},
		ConfigStateChecks: []statecheck.StateCheck{scan.stateCheck("the state")},
		Check: func(*terraform.State) error {
			return scan.scanTree("the working directory", workDirs, skipUserConfig(mode))
		},
	}
	first, last := scanned, scanned
	first.Config, last.Config = config(1), config(3)
	authFault, authPhrases := authFailure(mode)
	last.PreConfig = env.sim.ClearFaults
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               scan.errorCheck,
		Steps: []resource.TestStep{first, {
			PreConfig: scan.expectFailure("the error of a failed authentication", authPhrases, func() { env.sim.InjectFault(authFault) }),
			Config:    config(2),
		}, {
			PreConfig: scan.expectFailure("the error of a failed Cancel Event", []string{"Wix is unavailable", "backend down"}, func() {
				env.sim.ClearFaults()
				env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 500, Count: 1000, Message: "backend down"})
			}),
			Config: config(2),
		}, last},
	})
	scanLog(t, scan, logFile, mode)
	scan.report("the plan", "the state", "the working directory: terraform.tfstate",
		"the error of a failed authentication", "the error of a failed Cancel Event", "the TF_LOG=trace log")
}

// skipUserConfig leaves out of the scan what the user wrote in the
// configuration, which Terraform and the test harness keep and show as
// written: the .tf file and the saved plan (which carries the
// configuration). With a secret written in the provider block, those hold
// it by the user's choice and not the provider's doing; they are left out
// in that mode only. With credentials from the environment nothing may
// hold them.
func skipUserConfig(mode authMode) func(path string) bool {
	return func(path string) bool {
		base := filepath.Base(path)
		return !mode.fromEnv && (strings.HasSuffix(base, ".tf") || base == "tfplan")
	}
}

// scanLog scans the TF_LOG=trace log, which must really be at trace and
// hold what it is scanned for: the provider's own API logs and the
// human-readable plan.
func scanLog(t *testing.T, scan *secretScan, logFile string, mode authMode) {
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !mode.fromEnv {
		log = withoutLoggedConfiguration(log)
	}
	scan.scan("the TF_LOG=trace log", string(log))
	for _, want := range []string{"[TRACE]", "Sending Wix API request", "Received Wix API response", "will be created"} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("the trace log has no %q: it does not show what this test means to scan", want)
		}
	}
}

// withoutLoggedConfiguration drops the test_terraform_configuration field,
// plugin-testing's copy of the test's .tf file, from an hclog trace log:
//
//	2026-01-02T03:04:05.000Z [TRACE] sdk.helper_resource: ...: key=value
//	  test_terraform_configuration=
//	  | provider "wix" { ...
//
// Every other field of those entries, the human-readable plan included,
// stays in.
func withoutLoggedConfiguration(log []byte) []byte {
	var out []string
	inField := false
	for _, line := range strings.SplitAfter(string(log), "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "test_terraform_configuration="):
			inField = true
			continue
		case inField && strings.HasPrefix(strings.TrimLeft(line, " "), "|"):
			continue
		}
		inField = false
		out = append(out, line)
	}
	return []byte(strings.Join(out, ""))
}

func TestAccSecrets_appCredentialsInBlock(t *testing.T) {
	testNoSecretLeaks(t, authMode{appCredentials: true})
}

func TestAccSecrets_appCredentialsFromEnvironment(t *testing.T) {
	testNoSecretLeaks(t, authMode{appCredentials: true, fromEnv: true})
}

func TestAccSecrets_accessTokenInBlock(t *testing.T) {
	testNoSecretLeaks(t, authMode{})
}

func TestAccSecrets_accessTokenFromEnvironment(t *testing.T) {
	testNoSecretLeaks(t, authMode{fromEnv: true})
}
