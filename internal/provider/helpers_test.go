package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Acceptance tests run against the Wix API simulator, or against the real
// Wix API when all of these are set (see README.md, "Testing"):
//
//	WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID  the test app and its installation
//	WIX_TEST_TRIGGER_KEY                         a trigger key that app created
//
// Tests that need the simulator's fault injection or request log skip, and
// say so, against the real API.
const envTestTriggerKey = "WIX_TEST_TRIGGER_KEY"

var wixEnvVars = []string{envAppID, envAppSecret, envInstanceID, envAccessToken, envBaseURL, envRequestsPerMinute, envMaxRetries}

func realAPI() bool {
	for _, name := range []string{envAppID, envAppSecret, envInstanceID, envTestTriggerKey} {
		if os.Getenv(name) == "" {
			return false
		}
	}
	return true
}

func TestMain(m *testing.M) {
	if !realAPI() {
		// Against the simulator every test configures the provider itself;
		// stray WIX_* variables of the developer's shell must not leak in.
		for _, name := range wixEnvVars {
			os.Unsetenv(name)
		}
	}
	cleanup := useUsableCLIConfig()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// useUsableCLIConfig gives the tests an empty CLI configuration: Terraform
// warns, and OpenTofu fails, when
// TF_CLI_CONFIG_FILE names a file that does not exist, as it does on the
// project's machines. The tests need no CLI configuration, so they get an
// empty one.
func useUsableCLIConfig() func() {
	if path := os.Getenv("TF_CLI_CONFIG_FILE"); path != "" {
		if _, err := os.Stat(path); err == nil {
			return func() {}
		}
	}
	dir, err := os.MkdirTemp("", "wix-tf-cli-config")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		panic(err)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", path)
	return func() { os.RemoveAll(dir) }
}

// accEnv is one acceptance test's Wix: a fresh simulator, or the real API.
type accEnv struct {
	t          *testing.T
	sim        *wixsim.Server // nil against the real API
	server     *httptest.Server
	triggerKey string
	overrides  []func(*wix.Config)
}

func newAccEnv(t *testing.T) *accEnv {
	t.Helper()
	env := &accEnv{t: t}
	if realAPI() {
		env.triggerKey = os.Getenv(envTestTriggerKey)
		return env
	}
	env.sim = wixsim.New(wixsim.Options{})
	env.server = httptest.NewUnstartedServer(env.sim)
	env.server.Config.ConnState = env.sim.ConnStateHook()
	env.server.Start()
	t.Cleanup(env.server.Close)
	env.triggerKey = wixsim.DemoTriggerKey
	// Retries against the simulator need not wait seconds.
	env.overrides = append(env.overrides, func(c *wix.Config) {
		c.MinBackoff, c.MaxBackoff = 10*time.Millisecond, 100*time.Millisecond
	})
	return env
}

// needsSimulator skips tests that inject faults or read the request log.
func (e *accEnv) needsSimulator() {
	e.t.Helper()
	if e.sim == nil {
		e.t.Skip("this test needs the Wix API simulator (fault injection or the request log); it does not run against the real API")
	}
}

// factories serve a provider whose client gets the env's overrides.
func (e *accEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"wix": providerserver.NewProtocol6WithError(e.provider()),
	}
}

func (e *accEnv) provider() provider.Provider {
	overrides := e.overrides
	return &wixProvider{version: "test", clientOverrides: func(c *wix.Config) {
		for _, o := range overrides {
			o(c)
		}
	}}
}

// providerBlock is a provider "wix" block with app credentials plus extra
// attribute lines. Against the real API the credentials come from the env.
func (e *accEnv) providerBlock(extra ...string) string {
	lines := extra
	if e.sim != nil {
		lines = append([]string{
			fmt.Sprintf("base_url    = %q", e.server.URL),
			fmt.Sprintf("app_id      = %q", wixsim.DemoAppID),
			fmt.Sprintf("app_secret  = %q", wixsim.DemoAppSecret),
			fmt.Sprintf("instance_id = %q", wixsim.DemoInstanceID),
		}, extra...)
	}
	return bareProviderBlock(lines...)
}

// bareProviderBlock is a provider block with exactly the given lines.
func bareProviderBlock(lines ...string) string {
	return "provider \"wix\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// baseURLLine points a credential-less provider block at this env's Wix.
func (e *accEnv) baseURLLine() string {
	if e.sim == nil {
		return ""
	}
	return fmt.Sprintf("base_url = %q", e.server.URL)
}

// batchingOff is a batching block that turns batching off.
const batchingOff = "batching {\n    enable_batching = false\n  }"

// newSimEnv is newAccEnv for tests that need the simulator.
func newSimEnv(t *testing.T) *accEnv {
	t.Helper()
	env := newAccEnv(t)
	env.needsSimulator()
	return env
}

// hook routes the provider's HTTP calls through before, which may answer a
// request itself (a refused connection, an altered request) or act before
// it leaves; a nil response and error let the request go on unchanged.
func (e *accEnv) hook(before func(r *http.Request, base http.RoundTripper) (*http.Response, error)) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	e.overrides = append(e.overrides, func(c *wix.Config) {
		c.HTTPClient = &http.Client{Transport: hookTransport{base: base, before: before}}
	})
}

type hookTransport struct {
	base   http.RoundTripper
	before func(*http.Request, http.RoundTripper) (*http.Response, error)
}

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if res, err := h.before(r, h.base); res != nil || err != nil {
		return res, err
	}
	return h.base.RoundTrip(r)
}

// isCancelCall reports whether r is a Cancel Event or Bulk Cancel Event call.
func isCancelCall(r *http.Request) bool {
	return r.URL.Path == wix.PathCancel || r.URL.Path == wix.PathBulkCancel
}

// cancellationRequests are the Cancel Event and Bulk Cancel Event calls made so far.
func (e *accEnv) cancellationRequests() []wixsim.RecordedRequest {
	var out []wixsim.RecordedRequest
	for _, r := range e.sim.Requests() {
		if r.Path == wix.PathCancel || r.Path == wix.PathBulkCancel {
			out = append(out, r)
		}
	}
	return out
}

// statuses are the simulator's answers to one path, in arrival order (0: no
// answer, the connection was dropped or the client gave up).
func (e *accEnv) statuses(path string) []int {
	requests := e.sim.RequestsTo(path)
	out := make([]int, len(requests))
	for i := range requests {
		out[i] = requests[i].Status
	}
	return out
}

// expectStatuses checks the answers to path.
func (e *accEnv) expectStatuses(path string, want ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.statuses(path); !slices.Equal(got, want) {
			return fmt.Errorf("answers to %s = %v, want %v", path, got, want)
		}
		return nil
	}
}

// canceledOnce checks that Wix canceled each entity of triggerKey exactly
// once. Against the real API, which cannot tell, it checks nothing.
func (e *accEnv) canceledOnce(triggerKey string, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error { return e.verifyCanceledOnce(triggerKey, ids...) }
}

// verifyCanceledOnce is canceledOnce for use inside other checks.
func (e *accEnv) verifyCanceledOnce(triggerKey string, ids ...string) error {
	if e.sim == nil {
		return nil
	}
	for _, id := range ids {
		if n := e.sim.CancelCount(triggerKey, id); n != 1 {
			return fmt.Errorf("%s/%s was canceled %d times, want once", triggerKey, id, n)
		}
	}
	return nil
}

// entityIDs are fixed, distinct GUIDs for test resources.
func entityIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("16ef8c9c-413e-4d5f-b77d-%012x", i+1)
	}
	return ids
}

// quoteAll writes strings as the elements of an HCL list.
func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}

// address is the address of the n-th resource of cancellationsConfig.
func address(n int) string {
	return fmt.Sprintf("wix_automation_event_cancellation.env[%d]", n)
}

// cancellationsConfig declares one cancellation per entity id.
func cancellationsConfig(triggerKey string, ids []string, extraAttributes ...string) string {
	return fmt.Sprintf(`
locals {
  entity_ids = [%s]
}

resource "wix_automation_event_cancellation" "env" {
  count              = length(local.entity_ids)
  trigger_key        = %q
  external_entity_id = local.entity_ids[count.index]
  %s
}
`, quoteAll(ids), triggerKey, strings.Join(extraAttributes, "\n  "))
}

// config is the provider block with extra lines, and n cancellations.
func (e *accEnv) config(n int, providerLines []string, resourceLines ...string) string {
	return e.providerBlock(providerLines...) + cancellationsConfig(e.triggerKey, entityIDs(n), resourceLines...)
}

// attr is the path of a top-level attribute, for state checks.
func attr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

// expectAttr checks an attribute of a resource in state.
func expectAttr(address, name string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, attr(name), check)
}

// expectString checks that a string attribute in state is want.
func expectString(address, name, want string) statecheck.StateCheck {
	return expectAttr(address, name, knownvalue.StringExact(want))
}

// testApply applies the cancellations of ids with a provider block of
// these lines, and checks state and check.
func (e *accEnv) testApply(t *testing.T, ids []string, check resource.TestCheckFunc, providerLines ...string) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:            e.providerBlock(providerLines...) + cancellationsConfig(e.triggerKey, ids),
			ConfigStateChecks: savedChecks(e.triggerKey, ids),
			Check:             check,
		}},
	})
}

// savedChecks expect every resource of cancellationsConfig in state with
// its id and canceled_at.
func savedChecks(triggerKey string, ids []string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for i, id := range ids {
		checks = append(checks,
			expectString(address(i), "id", triggerKey+"/"+id),
			expectAttr(address(i), "canceled_at", recentRFC3339{}))
	}
	return checks
}

// recentRFC3339 matches an RFC 3339 time of the last few minutes.
type recentRFC3339 struct{}

func (recentRFC3339) CheckValue(v any) error {
	value, ok := v.(string)
	if !ok {
		return fmt.Errorf("canceled_at is %T, want a string", v)
	}
	at, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return fmt.Errorf("canceled_at %q is not RFC 3339: %w", value, err)
	}
	if age := time.Since(at); age < -time.Minute || age > 10*time.Minute {
		return fmt.Errorf("canceled_at %s is not the time of the apply", value)
	}
	return nil
}

func (recentRFC3339) String() string { return "an RFC 3339 time of the last minutes" }

// expectCreates is a plan check: the plan creates exactly the resources of
// cancellationsConfig at these indexes and leaves the others alone, i.e.
// state holds exactly the others. indexes is called when the plan is made.
func expectCreates(total int, indexes func() []int) plancheck.PlanCheck {
	return createsCheck{total, indexes}
}

type createsCheck struct {
	total   int
	indexes func() []int
}

func (c createsCheck) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	want := c.indexes()
	var errs []error
	for i := range c.total {
		action := plancheck.ResourceActionNoop
		if slices.Contains(want, i) {
			action = plancheck.ResourceActionCreate
		}
		r := &plancheck.CheckPlanResponse{}
		plancheck.ExpectResourceAction(address(i), action).CheckPlan(ctx, req, r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}

// recreates is a plan check: the first resource is to be created, because
// the failed apply saved nothing to state.
var recreates = expectCreates(1, func() []int { return []int{0} })

// expectWords matches diagnostics however Terraform wraps them: spaces in
// each phrase match any whitespace, and phrases may have text between them.
func expectWords(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// interruptTerraform sends SIGINT, as Ctrl-C would, to the running
// `terraform apply` of this test: a child of this process whose working
// directory is under workDirs (TF_ACC_TEMP_DIR of this test).
func interruptTerraform(workDirs string) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && isOurApply(e.Name(), workDirs) {
			return syscall.Kill(pid, syscall.SIGINT)
		}
	}
	return errors.New("found no terraform apply of this test to interrupt")
}

// isOurApply reports whether process pid is a `terraform apply` this test
// started in workDirs.
func isOurApply(pid, workDirs string) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return false
	}
	// pid (comm) state ppid ...; comm may hold spaces, so read after ")".
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 2 || fields[1] != strconv.Itoa(os.Getpid()) {
		return false
	}
	cwd, _ := os.Readlink(filepath.Join("/proc", pid, "cwd"))
	cmdline, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
	return strings.HasPrefix(cwd, workDirs) && slices.Contains(strings.Split(string(cmdline), "\x00"), "apply")
}

// withParallelism makes this test's Terraform CLI run with -parallelism=n.
// plugin-testing has no option for it, and terraform-exec always passes
// -parallelism=10 explicitly, after (and so over) anything in
// TF_CLI_ARGS_apply; so the test points TF_ACC_TERRAFORM_PATH at a wrapper
// that swaps the flag's value and runs the real CLI.
func withParallelism(t *testing.T, n int) {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skip("needs a local Terraform CLI (TF_ACC_TERRAFORM_PATH or terraform on PATH) to run it with -parallelism")
		}
	}
	wrapper := filepath.Join(t.TempDir(), "terraform-parallelism")
	script := fmt.Sprintf(`#!/bin/sh
# The real CLI, with -parallelism=%[1]d instead of terraform-exec's fixed value.
for arg do
  shift
  case "$arg" in
    -parallelism=*) set -- "$@" "-parallelism=%[1]d" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
exec %[2]q "$@"
`, n, cli)
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", wrapper)
}
