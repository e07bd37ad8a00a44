package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The helpers every provider test uses, in sections: the test env, its
// transports, the simulator, state and plan checks, events and
// cancellations, automations, and the Terraform CLI as a process. The
// in-process plugin-protocol harness is in protocol_helpers_test.go.

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

// The test env: a simulator or the real API, and the provider pointed at it.

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

// newSimEnv is newAccEnv for tests that need the simulator.
func newSimEnv(t *testing.T) *accEnv {
	t.Helper()
	env := newAccEnv(t)
	env.needsSimulator()
	return env
}

// needsSimulator skips tests that inject faults or read the request log.
func (e *accEnv) needsSimulator() {
	e.t.Helper()
	if e.sim == nil {
		e.t.Skip("this test needs the Wix API simulator (fault injection or the request log); it does not run against the real API")
	}
}

// requireRealAPI skips a test unless the real Wix API is configured.
func requireRealAPI(t *testing.T) {
	t.Helper()
	if !realAPI() {
		t.Skipf("set %s, %s, %s and %s to run this test against the real Wix API", envAppID, envAppSecret, envInstanceID, envTestTriggerKey)
	}
}

// parallel runs the test alongside the others marked so. Each test has a
// simulator of its own, and most of a test's time is spent waiting (for
// Terraform processes, pacing, retries): on two cores with go test
// -parallel 6 (make test) the package took 75 s instead of 172 s. Against the real API the tests share one
// Wix site, trigger key and rate limit, so they run one at a time. A test
// that sets environment variables (process-wide) must not call it:
// t.Setenv panics in a parallel test, and Go runs every test that is not
// parallel before the parallel ones start.
func parallel(t *testing.T) {
	t.Helper()
	if !realAPI() {
		t.Parallel()
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

// test runs these steps against this env's provider, and then the
// destroy checks, if any, after the harness's final destroy.
func (e *accEnv) test(t *testing.T, steps []resource.TestStep, destroyChecks ...resource.TestCheckFunc) {
	t.Helper()
	c := resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps}
	if len(destroyChecks) > 0 {
		c.CheckDestroy = resource.ComposeAggregateTestCheckFunc(destroyChecks...)
	}
	resource.Test(t, c)
}

// providerBlock is a provider "wix" block with app credentials plus extra
// attribute lines. Against the real API the credentials come from the env.
func (e *accEnv) providerBlock(extra ...string) string {
	var lines []string
	if e.sim != nil {
		credentials := e.simCredentials()
		for _, name := range credentialNames {
			lines = append(lines, fmt.Sprintf("%-11s = %q", name, credentials[name]))
		}
	}
	return bareProviderBlock(append(lines, extra...)...)
}

// credentialNames are the provider attributes that point the provider at
// the simulator with its demo app, in the order configurations write them.
var credentialNames = []string{"base_url", "app_id", "app_secret", "instance_id"}

// simCredentials are the values of credentialNames for this env's simulator.
func (e *accEnv) simCredentials() map[string]string {
	return map[string]string{
		"base_url": e.server.URL, "app_id": wixsim.DemoAppID,
		"app_secret": wixsim.DemoAppSecret, "instance_id": wixsim.DemoInstanceID,
	}
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

// Transports: hooks on the provider's HTTP calls.

// hook routes the provider's HTTP calls through before, which may answer a
// request itself (a refused connection, an altered request) or act before
// it leaves; a nil response and error let the request go on unchanged.
func (e *accEnv) hook(before func(r *http.Request, base http.RoundTripper) (*http.Response, error)) {
	e.wrapTransport(func(base http.RoundTripper) http.RoundTripper {
		return hookTransport{base: base, before: before}
	})
}

// wrapTransport gives every client the provider builds a transport that
// wrap makes around one shared default transport.
func (e *accEnv) wrapTransport(wrap func(base http.RoundTripper) http.RoundTripper) {
	transport := wrap(http.DefaultTransport.(*http.Transport).Clone())
	e.overrides = append(e.overrides, func(c *wix.Config) {
		c.HTTPClient = &http.Client{Transport: transport}
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

// onceBeforeCall arms, when the returned func runs, an act that runs just
// before the next call of this method leaves, once: a change behind
// Terraform's back between plan and apply.
func (e *accEnv) onceBeforeCall(method string, act func() error) (arm func()) {
	var armed atomic.Bool
	e.hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.Method == method && armed.CompareAndSwap(true, false) {
			return nil, act()
		}
		return nil, nil
	})
	return func() { armed.Store(true) }
}

// tokenLog records the access tokens Wix issues to the provider, read off
// the token endpoint's answers on their way back, and counts the clients
// with app credentials the provider builds (one per provider configuration).
type tokenLog struct {
	mu         sync.Mutex
	tokens     []string
	appClients int
}

// recordTokens routes env's provider clients through a tokenLog.
func recordTokens(env *accEnv) *tokenLog {
	log := &tokenLog{}
	env.overrides = append(env.overrides, func(c *wix.Config) {
		log.mu.Lock()
		defer log.mu.Unlock()
		if c.AccessToken == "" {
			log.appClients++
		}
	})
	env.wrapTransport(func(base http.RoundTripper) http.RoundTripper { return tokenTee{base: base, log: log} })
	return log
}

// issued returns the tokens issued so far, in order, and the number of
// clients with app credentials.
func (l *tokenLog) issued() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...), l.appClients
}

// tokenTee passes calls through to base and hands each token the token
// endpoint issues to log.
type tokenTee struct {
	base http.RoundTripper
	log  *tokenLog
}

func (t tokenTee) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err != nil || r.URL.Path != wix.PathToken || res.StatusCode != http.StatusOK {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.AccessToken != "" {
		t.log.mu.Lock()
		t.log.tokens = append(t.log.tokens, answer.AccessToken)
		t.log.mu.Unlock()
	}
	return res, nil
}

// The simulator: its request log, its faults, and checks that only it can answer.

// onSim is a check that asserts on the simulator; against the real API,
// which cannot tell, it checks nothing.
func (e *accEnv) onSim(check func() error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		return check()
	}
}

// simCheck is a state check that asserts on the simulator, not on state.
type simCheck func() error

func (f simCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// isCancelCall reports whether r is a Cancel Event or Bulk Cancel Event call.
func isCancelCall(r *http.Request) bool {
	return r.URL.Path == wix.PathCancel || r.URL.Path == wix.PathBulkCancel
}

// requestsTo are the calls made so far to any of these paths, in arrival order.
func (e *accEnv) requestsTo(paths ...string) []wixsim.RecordedRequest {
	var out []wixsim.RecordedRequest
	for _, r := range e.sim.Requests() {
		if slices.Contains(paths, r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// cancellationRequests are the Cancel Event and Bulk Cancel Event calls made so far.
func (e *accEnv) cancellationRequests() []wixsim.RecordedRequest {
	return e.requestsTo(wix.PathCancel, wix.PathBulkCancel)
}

// reportRequests are the Report Event and Bulk Report Event calls so far.
func (e *accEnv) reportRequests() []wixsim.RecordedRequest {
	return e.requestsTo(wix.PathReport, wix.PathBulkReport)
}

// callsSoFar checks the number of calls to any of these paths so far
// (what names them in the error). Against the real API it checks nothing.
func (e *accEnv) callsSoFar(what string, want int, paths ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		if got := len(e.requestsTo(paths...)); got != want {
			return fmt.Errorf("%s calls so far = %d, want %d", what, got, want)
		}
		return nil
	}
}

// cancelCallsSoFar checks the number of cancel calls made so far.
func (e *accEnv) cancelCallsSoFar(want int) resource.TestCheckFunc {
	return e.callsSoFar("cancel", want, wix.PathCancel, wix.PathBulkCancel)
}

// reportCallsSoFar checks the number of Report Event and Bulk Report
// Event calls so far.
func (e *accEnv) reportCallsSoFar(want int) resource.TestCheckFunc {
	return e.callsSoFar("report", want, wix.PathReport, wix.PathBulkReport)
}

// requestCount is the number of API calls so far; against the real API,
// which cannot tell, it is 0.
func (e *accEnv) requestCount() int {
	if e.sim == nil {
		return 0
	}
	return len(e.sim.Requests())
}

// noRequestsSince checks that no API call at all was made since the count
// that *before holds when the check runs. Against the real API it checks
// nothing.
func (e *accEnv) noRequestsSince(before *int) resource.TestCheckFunc {
	return e.onSim(func() error {
		if n := e.requestCount(); n != *before {
			return fmt.Errorf("%d API calls, want none", n-*before)
		}
		return nil
	})
}

// countRequests stores the number of API calls so far in *n.
func (e *accEnv) countRequests(n *int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		*n = e.requestCount()
		return nil
	}
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

// methodStatuses are the simulator's answers to the calls of one method
// to path, in arrival order (0: no answer).
func (e *accEnv) methodStatuses(method, path string) []int {
	var out []int
	for _, r := range e.sim.RequestsTo(path) {
		if r.Method == method {
			out = append(out, r.Status)
		}
	}
	return out
}

// expectMethodStatuses checks methodStatuses of path, which is read when
// the check runs; why says what the answers mean.
func (e *accEnv) expectMethodStatuses(method string, path *string, why string, want ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.methodStatuses(method, *path); !slices.Equal(got, want) {
			return fmt.Errorf("answers to %s %s = %v, want %v (%s)", method, *path, got, want, why)
		}
		return nil
	}
}

// dropping is a PreConfig that makes the simulator drop the connection of
// the next call to path: before serving it, or (afterServe) after.
func (e *accEnv) dropping(path string, afterServe bool) func() {
	fault := wixsim.Fault{Path: path, DropConnection: !afterServe, DropAfterServe: afterServe}
	return func() { e.sim.InjectFault(fault) }
}

// userAgentPattern is the User-Agent every call carries in the tests.
var userAgentPattern = regexp.MustCompile(`^terraform-provider-wix/test terraform/\d+\.\d+\.\d+`)

// checkHeaders checks what every call must carry, whatever its body.
func checkHeaders(r wixsim.RecordedRequest) error {
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		return fmt.Errorf("Content-Type = %q, want application/json", got)
	}
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "OAUTH2.") {
		return fmt.Errorf("Authorization header is not the raw OAuth token (no Bearer prefix): starts %.10q", auth)
	}
	if ua := r.Header.Get("User-Agent"); !userAgentPattern.MatchString(ua) {
		return fmt.Errorf("User-Agent = %q, want terraform-provider-wix/<version> terraform/<version>", ua)
	}
	if r.Status != 200 {
		return fmt.Errorf("simulator answered %d to %s", r.Status, r.Body)
	}
	return nil
}

// State and plan checks.

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

// valueTracker follows one attribute across the steps that add it.
type valueTracker interface {
	AddStateValue(address string, path tfjsonpath.Path) statecheck.StateCheck
}

// staysSame follows a value that must be the same in every step that adds it.
func staysSame() valueTracker { return statecheck.CompareValue(compare.ValuesSame()) }

// changesEachTime follows a value that must differ from one step that adds
// it to the next.
func changesEachTime() valueTracker { return statecheck.CompareValue(compare.ValuesDiffer()) }

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
	return createsCheck{address, total, indexes}
}

// expectEventCreates is expectCreates for the events of eventsConfig.
func expectEventCreates(total int, indexes ...int) plancheck.PlanCheck {
	return createsCheck{eventAddr, total, func() []int { return indexes }}
}

type createsCheck struct {
	address func(n int) string
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
		plancheck.ExpectResourceAction(c.address(i), action).CheckPlan(ctx, req, r)
		errs = append(errs, r.Error)
	}
	resp.Error = errors.Join(errs...)
}

// recreates is a plan check: the first resource is to be created, because
// the failed apply saved nothing to state.
var recreates = expectCreates(1, func() []int { return []int{0} })

// badInput is a resource's input that must fail at plan with the words of
// want.
type badInput struct {
	triggerKey, entityID, extra string
	want                        []string
}

// expectPlanFailures plans, with the env's provider block, config of each
// bad input in a subtest, expects its error, and then that none of them
// reached Wix.
func (e *accEnv) expectPlanFailures(t *testing.T, cases map[string]badInput, config func(badInput) string) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e.test(t, []resource.TestStep{{Config: e.providerBlock() + config(tc), PlanOnly: true, ExpectError: expectWords(tc.want...)}})
		})
	}
	if e.sim != nil && len(e.sim.Requests()) != 0 {
		t.Fatalf("invalid input reached Wix: %d requests", len(e.sim.Requests()))
	}
}

// expectWords matches diagnostics however Terraform wraps them: spaces in
// each phrase match any whitespace, and phrases may have text between them.
func expectWords(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// Events and cancellations: configurations and what Wix holds of them.

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

// The resource types whose configurations the tests build.
const (
	cancellationType = "wix_automation_event_cancellation"
	eventType        = "wix_automation_event"
)

// address is the address of the n-th resource of cancellationsConfig.
func address(n int) string { return countedAddr(cancellationType, n) }

// eventAddr is the address of the n-th event of eventsConfig.
func eventAddr(n int) string { return countedAddr(eventType, n) }

// countedAddr is the address of the n-th resource of countedConfig.
func countedAddr(typeName string, n int) string {
	return fmt.Sprintf("%s.env[%d]", typeName, n)
}

// cancellationsConfig declares one cancellation per entity id.
func cancellationsConfig(triggerKey string, ids []string, extraAttributes ...string) string {
	return countedConfig(cancellationType, triggerKey, ids, extraAttributes...)
}

// eventsConfig declares one event per entity id, with count: the
// plugin-testing harness cannot read a state with for_each resources back
// for Check, CheckDestroy or its own final destroy (see forEachEvents).
func eventsConfig(triggerKey string, ids []string, extra ...string) string {
	return countedConfig(eventType, triggerKey, ids, extra...)
}

// countedConfig declares resources "env" of a type that takes trigger_key
// and external_entity_id, one per entity id, with count.
func countedConfig(typeName, triggerKey string, ids []string, extra ...string) string {
	return fmt.Sprintf(`
locals {
  entity_ids = [%s]
}

resource %q "env" {
  count              = length(local.entity_ids)
  trigger_key        = %q
  external_entity_id = local.entity_ids[count.index]
  %s
}
`, quoteAll(ids), typeName, triggerKey, strings.Join(extra, "\n  "))
}

// forEachEvents declares one event per entity id, with for_each. A test of
// it asserts with ConfigStateChecks only and destroys in a step of its own.
func forEachEvents(triggerKey string, ids []string) string {
	return fmt.Sprintf(`
resource %q "env" {
  for_each           = toset([%s])
  trigger_key        = %q
  external_entity_id = each.key
}
`, eventType, quoteAll(ids), triggerKey)
}

// oneEventAddr is the address of the event of oneEvent.
const oneEventAddr = eventType + ".one"

// oneCancellationAddr is the address of the cancellation of oneCancellation.
const oneCancellationAddr = cancellationType + ".one"

// oneEvent is a wix_automation_event named "one" with extra attribute lines.
func oneEvent(triggerKey, id string, extra ...string) string {
	return oneEventNamed("one", triggerKey, id, extra...)
}

// oneEventNamed is a wix_automation_event with a name and extra attribute lines.
func oneEventNamed(name, triggerKey, id string, extra ...string) string {
	return namedResource(eventType, name, triggerKey, id, extra...)
}

// oneCancellation is the provider block and a cancellation named "one".
func (e *accEnv) oneCancellation(triggerKey, id string, extra ...string) string {
	return e.providerBlock() + namedResource(cancellationType, "one", triggerKey, id, extra...)
}

// namedResource is one resource of a type that takes trigger_key and
// external_entity_id, with extra attribute lines.
func namedResource(typeName, name, triggerKey, id string, extra ...string) string {
	return fmt.Sprintf(`
resource %q %q {
  trigger_key        = %q
  external_entity_id = %q
  %s
}
`, typeName, name, triggerKey, id, strings.Join(extra, "\n  "))
}

// config is the provider block with extra lines, and n cancellations.
func (e *accEnv) config(n int, providerLines []string, resourceLines ...string) string {
	return e.providerBlock(providerLines...) + cancellationsConfig(e.triggerKey, entityIDs(n), resourceLines...)
}

// testApply applies the cancellations of ids with a provider block of
// these lines, and checks state and check.
func (e *accEnv) testApply(t *testing.T, ids []string, check resource.TestCheckFunc, providerLines ...string) {
	e.test(t, []resource.TestStep{{
		Config:            e.providerBlock(providerLines...) + cancellationsConfig(e.triggerKey, ids),
		ConfigStateChecks: savedChecks(e.triggerKey, ids),
		Check:             check,
	}})
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

// eventsOf are the simulator's events of an entity, in report order.
func (e *accEnv) eventsOf(triggerKey, id string) []wixsim.Event {
	var out []wixsim.Event
	for _, ev := range e.sim.Events() {
		if ev.TriggerKey == triggerKey && ev.ExternalEntityID == id {
			out = append(out, ev)
		}
	}
	return out
}

// onlyEvent is the one event the simulator holds for an entity, or an error.
func (e *accEnv) onlyEvent(triggerKey, id string) (wixsim.Event, error) {
	events := e.eventsOf(triggerKey, id)
	if len(events) != 1 {
		return wixsim.Event{}, fmt.Errorf("the simulator holds %d events of %s/%s, want exactly 1", len(events), triggerKey, id)
	}
	return events[0], nil
}

// simEvent is onlyEvent of the env's trigger key for checks that also run
// against the real API: there it is nil, with no error.
func (e *accEnv) simEvent(id string) (*wixsim.Event, error) {
	if e.sim == nil {
		return nil, nil
	}
	ev, err := e.onlyEvent(e.triggerKey, id)
	return &ev, err
}

// eventsCanceled checks that every event of these entities is canceled, or
// (canceled false) that none is. Against the real API it checks nothing.
func (e *accEnv) eventsCanceled(canceled bool, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.sim == nil {
			return nil
		}
		for _, id := range ids {
			events := e.eventsOf(e.triggerKey, id)
			if len(events) == 0 {
				return fmt.Errorf("the simulator holds no event of %s", id)
			}
			for _, ev := range events {
				if ev.Canceled != canceled {
					return fmt.Errorf("event of %s: Canceled = %v, want %v", id, ev.Canceled, canceled)
				}
			}
		}
		return nil
	}
}

// simActivationIDs matches a list of strings in state against the
// activation ids the simulator holds for the one event of an entity, read
// when the check runs. Against the real API it matches any non-empty list
// of strings.
func (e *accEnv) simActivationIDs(id string) knownvalue.Check {
	return simEventCheck{e, id, "the activation ids the simulator holds for " + id, checkActivationIDs}
}

// simReportedAt matches reported_at in state: an RFC 3339 time of the
// apply, the second in which the simulator stored the event.
func (e *accEnv) simReportedAt(id string) knownvalue.Check {
	return simEventCheck{e, id, "the time the simulator stored the event of " + id, checkReportedAt}
}

// simEventCheck matches a value in state against the simulator's one
// event of an entity: check gets the event, or nil against the real API.
type simEventCheck struct {
	env   *accEnv
	id    string
	want  string
	check func(v any, ev func() (*wixsim.Event, error)) error
}

func (c simEventCheck) CheckValue(v any) error {
	return c.check(v, func() (*wixsim.Event, error) { return c.env.simEvent(c.id) })
}

func (c simEventCheck) String() string { return c.want }

// checkActivationIDs is simActivationIDs' check.
func checkActivationIDs(v any, event func() (*wixsim.Event, error)) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("activation_ids = %v, want a non-empty list", v)
	}
	got := make([]string, len(list))
	for i, item := range list {
		if got[i], ok = item.(string); !ok {
			return fmt.Errorf("activation_ids[%d] = %v, want a string", i, item)
		}
	}
	ev, err := event()
	if ev == nil || err != nil {
		return err
	}
	if !slices.Equal(got, ev.ActivationIDs) {
		return fmt.Errorf("activation_ids = %v, the simulator answered %v", got, ev.ActivationIDs)
	}
	return nil
}

// checkReportedAt is simReportedAt's check.
func checkReportedAt(v any, event func() (*wixsim.Event, error)) error {
	if err := (recentRFC3339{}).CheckValue(v); err != nil {
		return err
	}
	ev, err := event()
	if ev == nil || err != nil {
		return err
	}
	// reported_at is taken when the answer arrives, whole seconds: it is
	// the simulator's second or the next.
	stored := ev.ReportedAt.UTC().Truncate(time.Second)
	if s := v.(string); s != stored.Format(time.RFC3339) && s != stored.Add(time.Second).Format(time.RFC3339) {
		return fmt.Errorf("reported_at = %s, the simulator stored the event at %s", s, ev.ReportedAt.UTC())
	}
	return nil
}

// replacesEvent is a plan check: the event "one" is replaced.
var replacesEvent = plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionDestroyBeforeCreate)

// eventStateChecks expect the event "one" in state as the simulator has it.
func (e *accEnv) eventStateChecks(id string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		expectString(oneEventAddr, "id", e.triggerKey+"/"+id),
		expectAttr(oneEventAddr, "activation_ids", e.simActivationIDs(id)),
		expectAttr(oneEventAddr, "reported_at", e.simReportedAt(id)),
	}
}

// client is a Wix client of this env's app, outside the provider (the
// simulator's demo app, or the real API's test app), with the env's client
// overrides.
func (e *accEnv) client() *wix.Client {
	e.t.Helper()
	cfg := wix.Config{AppID: os.Getenv(envAppID), AppSecret: os.Getenv(envAppSecret), InstanceID: os.Getenv(envInstanceID)}
	if e.sim != nil {
		c := e.simCredentials()
		cfg = wix.Config{BaseURL: c["base_url"], AppID: c["app_id"], AppSecret: c["app_secret"], InstanceID: c["instance_id"]}
	}
	for _, o := range e.overrides {
		o(&cfg)
	}
	client, err := wix.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return client
}

// eventReportedOutside reports an event for a new external entity as
// another tool would, for a test to import, and returns the entity id and
// how many requests Wix had received by then.
func (e *accEnv) eventReportedOutside() (id string, requests int) {
	e.t.Helper()
	id = entityIDs(1)[0]
	_, err := e.client().ReportEvent(e.t.Context(), wix.ReportEventRequest{TriggerKey: e.triggerKey, ExternalEntityID: id,
		Idempotency: &wix.Idempotency{Key: uniqueKey("outside")}})
	if err != nil {
		e.t.Fatalf("reporting the event to import: %v", err)
	}
	return id, e.requestCount()
}

// uniqueKey is an idempotency key no earlier run used: against the real API
// Wix remembers keys for a week.
func uniqueKey(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}

// Automations: configurations and what Wix holds of them.

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

// automationIs is a state check of one attribute of the test automation.
func automationIs(name string, v knownvalue.Check) statecheck.StateCheck {
	return expectAttr(automationAddr, name, v)
}

// onlyAutomation is the simulator's one automation; it fails the test
// when there is not exactly one.
func (e *accEnv) onlyAutomation() wixsim.Automation {
	e.t.Helper()
	a, err := e.theAutomation()
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// theAutomation is onlyAutomation for code off the test goroutine (an
// HTTP hook), where t.Fatal must not be called: it returns the error.
func (e *accEnv) theAutomation() (wixsim.Automation, error) {
	all := e.sim.Automations()
	if len(all) != 1 {
		return wixsim.Automation{}, fmt.Errorf("the simulator holds %d automations, want exactly 1", len(all))
	}
	return all[0], nil
}

// changeBehindTerraform edits the only automation as the dashboard would.
func (e *accEnv) changeBehindTerraform(mutate func(*wixsim.Automation)) func() {
	return func() {
		e.t.Helper()
		if err := e.changeBehind(mutate); err != nil {
			e.t.Fatal(err)
		}
	}
}

// changeBehind is changeBehindTerraform for an HTTP hook: it returns the
// error, which fails the call (and so the test) instead of calling t.Fatal
// off the test goroutine.
func (e *accEnv) changeBehind(mutate func(*wixsim.Automation)) error {
	a, err := e.theAutomation()
	if err != nil {
		return err
	}
	return e.sim.UpdateAutomationDirect(a.ID, mutate)
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

// createdAutomation is the body of the one Create Automation call so far.
type createdAutomation struct {
	Automation struct {
		Origin          string `json:"origin"`
		ApplicationInfo struct {
			AppID string `json:"appId"`
		} `json:"applicationInfo"`
	} `json:"automation"`
}

// onlyCreate decodes the one Create Automation call made so far.
func (e *accEnv) onlyCreate() (createdAutomation, error) {
	var body createdAutomation
	creates := e.sim.RequestsTo(wix.PathAutomations)
	if len(creates) != 1 {
		return body, fmt.Errorf("Create Automation calls = %d, want 1", len(creates))
	}
	return body, json.Unmarshal(creates[0].Body, &body)
}

// pathQueryAutomations is Query Automations.
const pathQueryAutomations = wix.PathAutomations + "/query"

// otherAppID is a trigger app other than the simulator's demo app.
const otherAppID = "0c4d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"

// seedAutomations stores n automations in the simulator, bypassing the API
// (so that seeding makes no recorded call), each shaped by shape (which may
// be nil), and returns them as stored, oldest first.
func (e *accEnv) seedAutomations(n int, shape func(i int, a *wixsim.Automation)) []wixsim.Automation {
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
		out[i] = e.sim.CreateAutomationDirect(wixsim.DemoInstanceID, a)
	}
	return out
}

// queryCalls are the Query Automations calls made so far.
func (e *accEnv) queryCalls() []wixsim.RecordedRequest {
	return e.sim.RequestsTo(pathQueryAutomations)
}

// capQueryPages makes every Query Automations call ask for at most limit
// automations a page, as a Wix that answers smaller pages than asked
// would: the provider must then follow the cursors.
func (e *accEnv) capQueryPages(limit int) {
	e.hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != pathQueryAutomations || r.Body == nil {
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

// The Terraform CLI as a process: interrupting it, and its parallelism.

// terraformCLI is the Terraform CLI the tests use (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH); without one it skips the test, saying that the
// test needs it for what.
func terraformCLI(t *testing.T, what string) string {
	t.Helper()
	if cli := os.Getenv("TF_ACC_TERRAFORM_PATH"); cli != "" {
		return cli
	}
	cli, err := exec.LookPath("terraform")
	if err != nil {
		t.Skipf("needs a local Terraform CLI (TF_ACC_TERRAFORM_PATH or terraform on PATH) %s", what)
	}
	return cli
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
	cli := terraformCLI(t, "to run it with -parallelism")
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
