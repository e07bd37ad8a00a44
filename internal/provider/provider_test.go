package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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

// useUsableCLIConfig: Terraform warns, and OpenTofu fails, when
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

// entityIDs are fixed, distinct GUIDs for test resources.
func entityIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("16ef8c9c-413e-4d5f-b77d-%012x", i+1)
	}
	return ids
}

// cancellationsConfig declares one cancellation per entity id. It uses
// count, not for_each: terraform-plugin-testing's Check and CheckDestroy
// cannot address for_each instances.
func cancellationsConfig(triggerKey string, ids []string, extraAttributes ...string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
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
`, strings.Join(quoted, ", "), triggerKey, strings.Join(extraAttributes, "\n  "))
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
