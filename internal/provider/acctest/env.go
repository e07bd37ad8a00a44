// Package acctest holds what the provider's tests share, by subject: the
// Test env (a simulator or the real API, and the provider pointed at it,
// env.go), hooks on the provider's HTTP calls (transport.go), the
// simulator's request log (requests.go), state and plan checks
// (checks.go), events and cancellations (events.go, event_checks.go),
// automations (automations.go), the Terraform CLI as a process (cli.go),
// and the provider served over the plugin protocol in process
// (protocol.go, protocol_kinds.go).
//
// Acceptance tests run against the Wix API simulator, or against the real
// Wix API when all of these are set (see README.md, "Testing"):
//
//	WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID  the test app and its installation
//	WIX_TEST_TRIGGER_KEY                         a trigger key that app created
//
// Tests that need the simulator's fault injection or request log skip, and
// say so, against the real API.
package acctest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	wixprovider "github.com/wix-terraform/terraform-provider-wix/internal/provider"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The environment variables behind the provider block, and the test
// trigger key of the real API, as the tests set them.
const (
	EnvAppID             = "WIX_APP_ID"
	EnvAppSecret         = "WIX_APP_SECRET"
	EnvInstanceID        = "WIX_INSTANCE_ID"
	EnvAccessToken       = "WIX_ACCESS_TOKEN"
	EnvBaseURL           = "WIX_BASE_URL"
	EnvRequestsPerMinute = "WIX_REQUESTS_PER_MINUTE"
	EnvMaxRetries        = "WIX_MAX_RETRIES"
	EnvTestTriggerKey    = "WIX_TEST_TRIGGER_KEY"
)

var wixEnvVars = []string{EnvAppID, EnvAppSecret, EnvInstanceID, EnvAccessToken, EnvBaseURL, EnvRequestsPerMinute, EnvMaxRetries}

func realAPI() bool {
	for _, name := range []string{EnvAppID, EnvAppSecret, EnvInstanceID, EnvTestTriggerKey} {
		if os.Getenv(name) == "" {
			return false
		}
	}
	return true
}

// Main runs a test package's tests, as its TestMain: against the
// simulator without stray WIX_* variables, and with a CLI configuration
// that Terraform and OpenTofu can read.
func Main(m *testing.M) {
	if realAPI() {
		AnnounceRealAPI(os.Stderr)
	} else {
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

// AnnounceRealAPI says, before a package's tests start, that they act on a
// real Wix site and on which (its instance id, app, trigger key and base
// URL, none of them secret), so that a run against the wrong site is seen
// and stopped at once.
func AnnounceRealAPI(w io.Writer) {
	baseURL := os.Getenv(EnvBaseURL)
	if baseURL == "" {
		baseURL = wix.DefaultBaseURL
	}
	fmt.Fprintf(w, "acctest: these tests run against the REAL Wix API (%s) on the site of instance %s, as app %s, "+
		"with trigger key %s: they create and delete automations and report and cancel events there\n",
		baseURL, os.Getenv(EnvInstanceID), os.Getenv(EnvAppID), os.Getenv(EnvTestTriggerKey))
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

// Env is one acceptance test's Wix: a fresh simulator, or the real API.
type Env struct {
	t *testing.T
	// Sim is the simulator; nil against the real API.
	Sim *wixsim.Server
	// Server serves Sim; nil against the real API.
	Server *httptest.Server
	// TriggerKey is the trigger key the tests report and cancel events of.
	TriggerKey string
	overrides  []func(*wix.Config)
	// transport is what the hooks so far wrapped (see WrapTransport).
	transport http.RoundTripper
}

func NewEnv(t *testing.T) *Env {
	t.Helper()
	return newEnv(t, wixsim.Options{})
}

// NewSimEnvWith is NewSimEnv with a simulator built with opts (one that
// serves Automations v2 under one root only, or seeds preinstalled
// automations).
func NewSimEnvWith(t *testing.T, opts wixsim.Options) *Env {
	t.Helper()
	env := newEnv(t, opts)
	env.NeedsSimulator()
	return env
}

func newEnv(t *testing.T, opts wixsim.Options) *Env {
	t.Helper()
	env := &Env{t: t}
	if realAPI() {
		env.TriggerKey = os.Getenv(EnvTestTriggerKey)
		return env
	}
	env.Sim = wixsim.New(opts)
	env.Server = httptest.NewUnstartedServer(env.Sim)
	env.Server.Config.ConnState = env.Sim.ConnStateHook()
	env.Server.Start()
	t.Cleanup(env.Server.Close)
	env.TriggerKey = wixsim.DemoTriggerKey
	// Retries against the simulator need not wait seconds.
	env.overrides = append(env.overrides, func(c *wix.Config) {
		c.MinBackoff, c.MaxBackoff = 10*time.Millisecond, 100*time.Millisecond
	})
	return env
}

// NewSimEnv is NewEnv for tests that need the simulator.
func NewSimEnv(t *testing.T) *Env {
	t.Helper()
	env := NewEnv(t)
	env.NeedsSimulator()
	return env
}

// NeedsSimulator skips tests that inject faults or read the request log.
func (e *Env) NeedsSimulator() {
	e.t.Helper()
	if e.Sim == nil {
		e.t.Skip("this test needs the Wix API simulator (fault injection or the request log); it does not run against the real API")
	}
}

// RequireRealAPI skips a test unless the real Wix API is configured.
func RequireRealAPI(t *testing.T) {
	t.Helper()
	if !realAPI() {
		t.Skipf("set %s, %s, %s and %s to run this test against the real Wix API", EnvAppID, EnvAppSecret, EnvInstanceID, EnvTestTriggerKey)
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
func Parallel(t *testing.T) {
	t.Helper()
	if !realAPI() {
		t.Parallel()
	}
}

// Factories serve a provider whose client gets the env's overrides.
func (e *Env) Factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"wix": providerserver.NewProtocol6WithError(e.Provider()),
	}
}

func (e *Env) Provider() provider.Provider {
	overrides := e.overrides
	return wixprovider.NewWithClients("test", func(cfg wix.Config) (*wix.Client, error) {
		for _, o := range overrides {
			o(&cfg)
		}
		return wix.New(cfg)
	})()
}

// AdjustClient changes the configuration of every Wix client that the
// env's provider builds from now on, and of Client.
func (e *Env) AdjustClient(adjust func(*wix.Config)) {
	e.overrides = append(e.overrides, adjust)
}

// Test runs these steps against this env's provider, and then the
// destroy checks, if any, after the harness's final destroy.
func (e *Env) Test(t *testing.T, steps []resource.TestStep, destroyChecks ...resource.TestCheckFunc) {
	t.Helper()
	c := resource.TestCase{ProtoV6ProviderFactories: e.Factories(), Steps: steps}
	if len(destroyChecks) > 0 {
		c.CheckDestroy = resource.ComposeAggregateTestCheckFunc(destroyChecks...)
	}
	resource.Test(t, c)
}

// ProviderBlock is a provider "wix" block with app credentials plus extra
// attribute lines. Against the real API the credentials come from the env.
func (e *Env) ProviderBlock(extra ...string) string {
	var lines []string
	if e.Sim != nil {
		credentials := e.SimCredentials()
		for _, name := range credentialNames {
			lines = append(lines, fmt.Sprintf("%-11s = %q", name, credentials[name]))
		}
	}
	return BareProviderBlock(append(lines, extra...)...)
}

// credentialNames are the provider attributes that point the provider at
// the simulator with its demo app, in the order configurations write them.
var credentialNames = []string{"base_url", "app_id", "app_secret", "instance_id"}

// SimCredentials are the values of credentialNames for this env's simulator.
func (e *Env) SimCredentials() map[string]string {
	return map[string]string{
		"base_url": e.Server.URL, "app_id": wixsim.DemoAppID,
		"app_secret": wixsim.DemoAppSecret, "instance_id": wixsim.DemoInstanceID,
	}
}

// BareProviderBlock is a provider block with exactly the given lines.
func BareProviderBlock(lines ...string) string {
	return "provider \"wix\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// BaseURLLine points a credential-less provider block at this env's Wix.
func (e *Env) BaseURLLine() string {
	if e.Sim == nil {
		return ""
	}
	return fmt.Sprintf("base_url = %q", e.Server.URL)
}

// BatchingOff is a batching block that turns batching off.
const BatchingOff = "batching {\n    enable_batching = false\n  }"

// Client is a Wix client of this env's app, outside the provider (the
// simulator's demo app, or the real API's test app), with the env's client
// overrides.
func (e *Env) Client() *wix.Client {
	e.t.Helper()
	cfg := wix.Config{AppID: os.Getenv(EnvAppID), AppSecret: os.Getenv(EnvAppSecret), InstanceID: os.Getenv(EnvInstanceID)}
	if e.Sim != nil {
		c := e.SimCredentials()
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

// UniqueKey is an idempotency key no earlier run used: against the real API
// Wix remembers keys for a week.
func UniqueKey(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}
