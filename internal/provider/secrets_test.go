package provider

// No secret leaks, in any auth mode: the app secret, a ready access token and
// every token the provider fetched must not appear in state, plan output,
// error messages, or TF_LOG=trace output. Each test drives a real Terraform
// CLI through successful and failing applies, with every log turned up to
// trace, and scans everything a user could see or keep afterwards.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// testNoSecretLeaks runs successful and failing applies in one auth mode,
// with Terraform's and the provider's logs at trace, and scans state (JSON
// and the files on disk), plans (JSON, and the human-readable plan that
// plugin-testing logs at trace), every error, and the whole log.
func testNoSecretLeaks(t *testing.T, mode authMode) {
	env := newAccEnv(t)
	env.needsSimulator()
	scan := newSecretScan(t, env)

	workDirs := t.TempDir()
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	t.Setenv("TF_ACC_LOG_PATH", logFile) // Terraform CLI and provider, at TRACE
	t.Setenv("TF_LOG", "TRACE")

	// A fresh, unguessable secret: the simulator's demo secret is public.
	lines := []string{fmt.Sprintf("base_url = %q", env.server.URL)}
	if mode.appCredentials {
		appSecret := randomSecret("wix-app-secret-")
		env.sim.AddApp(wixsim.DemoAppID, appSecret, wixsim.DemoInstanceID)
		scan.secret("the app secret", appSecret)
		if mode.fromEnv {
			t.Setenv(envAppID, wixsim.DemoAppID)
			t.Setenv(envAppSecret, appSecret)
			t.Setenv(envInstanceID, wixsim.DemoInstanceID)
		} else {
			lines = append(lines,
				fmt.Sprintf("app_id      = %q", wixsim.DemoAppID),
				fmt.Sprintf("app_secret  = %q", appSecret),
				fmt.Sprintf("instance_id = %q", wixsim.DemoInstanceID))
		}
	} else {
		token := env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
		scan.secret("the access token", token)
		if mode.fromEnv {
			t.Setenv(envAccessToken, token)
		} else {
			lines = append(lines, fmt.Sprintf("access_token = %q", token))
		}
	}
	lines = append(lines, "max_retries = 1")
	config := func(n int) string {
		return bareProviderBlock(lines...) + cancellationsConfig(env.triggerKey, entityIDs(n))
	}

	var failure relFailure
	failed := func(step string, phrases ...string) func(string) error {
		return func(text string) error {
			scan.scan("the error of "+step, text)
			return relContains(text, phrases...)
		}
	}
	// What the user wrote in the configuration, Terraform and the test
	// harness keep and show as written: the .tf file, the saved plan (which
	// carries the configuration), the "configuration" part of the JSON plan,
	// and plugin-testing's trace log of the test configuration. With a
	// secret written in the provider block, those hold it by the user's
	// choice and not the provider's doing; they are left out of the scan in
	// that mode only. With credentials from the environment nothing may hold
	// them.
	skipUserConfig := func(path string) bool {
		if mode.fromEnv {
			return false
		}
		base := filepath.Base(path)
		return strings.HasSuffix(base, ".tf") || base == "tfplan"
	}
	scanDisk := func(where string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			return scan.scanTree(where, workDirs, skipUserConfig)
		}
	}
	tokenFailure := wixsim.Fault{Path: wix.PathToken, Status: 500, Count: 1000, Message: "token service down"}
	tokenPhrases := []string{"could not get an access token", "token service down"}
	if !mode.appCredentials {
		// A ready token has no token call; make Wix reject it instead.
		tokenFailure = wixsim.Fault{Path: wix.PathCancel, Status: 401, Count: 1000, Message: "token revoked"}
		tokenPhrases = []string{"Wix rejected the credentials", "token revoked"}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{
				Config:            config(1),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{scan.planCheck("the plan", !mode.fromEnv)}},
				ConfigStateChecks: []statecheck.StateCheck{scan.stateCheck("the state")},
				Check:             scanDisk("the working directory"),
			},
			{
				// Authentication fails: the token call, or the ready token.
				PreConfig: failure.arm(func() { env.sim.InjectFault(tokenFailure) }),
				Config:    config(2),
			},
			{
				// Wix fails the call itself.
				PreConfig: failure.verify(t, failed("a failed authentication", tokenPhrases...), func() {
					env.sim.ClearFaults()
					failure.arm(func() {
						env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 500, Count: 1000, Message: "backend down"})
					})()
				}),
				Config: config(2),
			},
			{
				PreConfig:         failure.verify(t, failed("a failed Cancel Event", "Wix is unavailable", "backend down"), env.sim.ClearFaults),
				Config:            config(3),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{scan.planCheck("the plan", !mode.fromEnv)}},
				ConfigStateChecks: []statecheck.StateCheck{scan.stateCheck("the state")},
				Check:             scanDisk("the working directory"),
			},
		},
	})

	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !mode.fromEnv {
		log = withoutLoggedConfiguration(log)
	}
	scan.scan("the TF_LOG=trace log", string(log))
	// The log must really be at trace and hold what it is scanned for: the
	// provider's own API logs and the human-readable plan.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`\[TRACE\]`),
		regexp.MustCompile(`Sending Wix API request`),
		regexp.MustCompile(`Received Wix API response`),
		regexp.MustCompile(`will be created`),
	} {
		if !want.Match(log) {
			t.Errorf("the trace log has no %q: it does not show what this test means to scan", want)
		}
	}
	scan.report("the plan", "the state", "the working directory: terraform.tfstate",
		"the error of a failed authentication", "the error of a failed Cancel Event", "the TF_LOG=trace log")
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
