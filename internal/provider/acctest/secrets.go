package acctest

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

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// What the tests share to prove that no secret leaks: a scan of
// everything a user could see or keep (plans, state, the working
// directory, the TF_LOG=trace log, error texts) for every secret it was
// told of.

// SecretScan collects secrets and everything that must not contain them.
type SecretScan struct {
	t       *testing.T
	env     *Env
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

func NewSecretScan(t *testing.T, env *Env) *SecretScan {
	return &SecretScan{t: t, env: env, secrets: map[string]string{}, seen: map[string]int{}}
}

func (s *SecretScan) Secret(what, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, known := s.secrets[value]; !known {
		s.secrets[value] = what
	}
}

// FetchedTokens adds every token the simulator saw in an Authorization
// header: the provider fetched them, and they are as secret as the app's.
func (s *SecretScan) FetchedTokens() {
	for _, r := range s.env.Sim.Requests() {
		if auth := r.Header.Get("Authorization"); auth != "" {
			s.Secret("an access token sent to Wix", auth)
		}
	}
}

// scan keeps text to be searched for every secret when the test ends, when
// all the tokens the provider fetched are known.
func (s *SecretScan) scan(where, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[where] += len(text)
	s.texts = append(s.texts, scannedText{where, text})
}

type scannedText struct{ where, text string }

// find looks for every secret in every text kept, and also for the first
// half of each secret, so that one cut by truncation or wrapping is caught.
func (s *SecretScan) find() {
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

// ScanTree scans every file under dir, except those skip names.
func (s *SecretScan) ScanTree(where, dir string, skip func(path string) bool) error {
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

// PlanCheck scans the plan, as JSON. With withoutConfig, the plan's copy of
// the configuration is left out (see SkipUserConfig).
func (s *SecretScan) PlanCheck(where string, withoutConfig bool) plancheck.PlanCheck {
	return secretPlanCheck{s, where, withoutConfig}
}

type secretPlanCheck struct {
	s             *SecretScan
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

// StateCheck scans the state, as JSON.
func (s *SecretScan) StateCheck(where string) statecheck.StateCheck {
	return secretStateCheck{s, where}
}

type secretStateCheck struct {
	s     *SecretScan
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

// Report fails the test on any leak, and when something that should have
// been scanned was empty (a scan of nothing proves nothing).
func (s *SecretScan) Report(mustHave ...string) {
	s.t.Helper()
	s.FetchedTokens()
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

func RandomSecret(prefix string) string {
	return prefix + rand.Text() + rand.Text()
}

// AuthMode is one way of giving the provider credentials.
type AuthMode struct {
	AppCredentials bool // else a ready access token
	FromEnv        bool // else in the provider block
}

// ExpectFailure is the PreConfig of a step that must fail with an error
// holding every phrase: errorCheck lets that error pass and keeps its text
// for the scan, under where. (ExpectError only matches a pattern; the scan
// needs the whole text.) Other errors still fail the test; a step that
// succeeds instead leaves where unscanned, which report fails.
func (s *SecretScan) ExpectFailure(where string, phrases []string, also func()) func() {
	return func() {
		s.mu.Lock()
		s.failWhere, s.failPhrases = where, phrases
		s.mu.Unlock()
		also()
	}
}

// ErrorCheck is the TestCase's ErrorCheck; see expectFailure.
func (s *SecretScan) ErrorCheck(err error) error {
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

// SkipUserConfig leaves out of the scan what the user wrote in the
// configuration, which Terraform and the test harness keep and show as
// written: the .tf file and the saved plan (which carries the
// configuration). With a secret written in the provider block, those hold
// it by the user's choice and not the provider's doing; they are left out
// in that mode only. With credentials from the environment nothing may
// hold them.
func SkipUserConfig(mode AuthMode) func(path string) bool {
	return func(path string) bool {
		base := filepath.Base(path)
		return !mode.FromEnv && (strings.HasSuffix(base, ".tf") || base == "tfplan")
	}
}

// ScanLog scans the TF_LOG=trace log, which must really be at trace and
// hold what it is scanned for: the provider's own API logs and the
// human-readable plan.
func ScanLog(t *testing.T, scan *SecretScan, logFile string, mode AuthMode) {
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !mode.FromEnv {
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
