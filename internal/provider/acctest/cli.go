package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TerraformCLI is the Terraform CLI the tests use (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH); without one it skips the test, saying that the
// Test needs it for what.
func TerraformCLI(t *testing.T, what string) string {
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

// InterruptTerraform sends SIGINT, as Ctrl-C would, to the running
// `terraform apply` of this test: a child of this process whose working
// directory is under workDirs (TF_ACC_TEMP_DIR of this test).
func InterruptTerraform(workDirs string) error {
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

// WithParallelism makes this test's Terraform CLI run with -parallelism=n.
// plugin-testing has no option for it, and terraform-exec always passes
// -parallelism=10 explicitly, after (and so over) anything in
// TF_CLI_ARGS_apply; so the test points TF_ACC_TERRAFORM_PATH at a wrapper
// that swaps the flag's value and runs the real CLI.
func WithParallelism(t *testing.T, n int) {
	t.Helper()
	cli := TerraformCLI(t, "to run it with -parallelism")
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

// minActionsVersion is the first Terraform with actions and list
// resources (terraform query).
var minActionsVersion = tfversion.Version1_14_0

// EnvRequireActions makes the tests that need actions or terraform query
// fail instead of skip when the CLI lacks them: make testacc-actions sets
// it, so that a CLI that cannot run them is an error, not a green run.
const EnvRequireActions = "WIX_TEST_REQUIRE_ACTIONS"

// openTofu reports whether the tests run under OpenTofu, as
// scripts/testacc.sh tofu runs them.
func openTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
}

// withoutActions says why cli (at version v) cannot run actions or
// terraform query, or "" when it can.
func withoutActions(cli string, v *version.Version) string {
	if cli == "" {
		cli = "the terraform on PATH"
	}
	if openTofu() || strings.Contains(filepath.Base(cli), "tofu") {
		return fmt.Sprintf("OpenTofu (%s) has no actions or terraform query: they need Terraform %s or later", cli, minActionsVersion)
	}
	if v.LessThan(minActionsVersion) {
		return fmt.Sprintf("actions and terraform query need Terraform %s or later, and %s is %s "+
			"(the action and the list resource are tested over the plugin protocol too)", minActionsVersion, cli, v)
	}
	return ""
}

// NeedsActionsCLI is the version check of the plugin-testing tests that
// need actions or terraform query: it skips them, saying why, on a CLI
// without them, or fails them when EnvRequireActions is set.
type NeedsActionsCLI struct{}

func (NeedsActionsCLI) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if why := withoutActions(cli, req.TerraformVersion); why != "" {
		if os.Getenv(EnvRequireActions) != "" {
			resp.Error = fmt.Errorf("%s, and %s is set", why, EnvRequireActions)
			return
		}
		resp.Skip = why
	}
}

// ActionsCLI returns the Terraform CLI the tests use (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH) for a test that runs it by hand, and skips or
// fails the test as NeedsActionsCLI does when that CLI has no actions.
func ActionsCLI(t *testing.T) string {
	t.Helper()
	cli := TerraformCLI(t, fmt.Sprintf("for terraform apply -invoke, which needs Terraform %s or later", minActionsVersion))
	got, _ := CLIVersion(t, cli)
	if why := withoutActions(cli, got); why != "" {
		RequiredFeature(EnvRequireActions).SkipOrFail(t, why)
	}
	return cli
}

// RequiredFeature is the variable (EnvRequireActions, EnvRequireEphemeral)
// that makes a test of a CLI feature fail, not skip, on a CLI without it.
type RequiredFeature string

// SkipOrFail skips t, saying why the CLI cannot run it, or fails it when
// the feature's variable is set.
func (f RequiredFeature) SkipOrFail(t *testing.T, why string) {
	t.Helper()
	if f != "" && os.Getenv(string(f)) != "" {
		t.Fatalf("%s, and %s is set", why, f)
	}
	t.Skip(why)
}

// CLIVersion is the version cli reports, and whether it is OpenTofu (as
// scripts/testacc.sh tofu runs it, or a binary named tofu).
func CLIVersion(t *testing.T, cli string) (*version.Version, bool) {
	t.Helper()
	out, err := exec.Command(cli, "version", "-json").Output()
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	if err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	got, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", cli, v.TerraformVersion, err)
	}
	return got, openTofu() || strings.Contains(filepath.Base(cli), "tofu")
}

// Ephemeral resources came with Terraform 1.10 and OpenTofu 1.11 (which
// reports its own version to plugin-testing).
var (
	minEphemeralTerraform = tfversion.Version1_10_0
	minEphemeralOpenTofu  = tfversion.Version1_11_0
)

// EnvRequireEphemeral makes the tests of ephemeral resources fail instead
// of skip when the CLI lacks them: make testacc-tofu-newest sets it, so that
// a CLI that cannot run wix_access_token is an error, not a green run.
const EnvRequireEphemeral = "WIX_TEST_REQUIRE_EPHEMERAL"

// NeedsEphemeralCLI is the version check of the plugin-testing tests of
// ephemeral resources: it skips them, saying why, on a CLI without them, or
// fails them when EnvRequireEphemeral is set.
type NeedsEphemeralCLI struct{}

func (NeedsEphemeralCLI) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	name, least := "Terraform", minEphemeralTerraform
	if openTofu() {
		name, least = "OpenTofu", minEphemeralOpenTofu
	}
	if !req.TerraformVersion.LessThan(least) {
		return
	}
	why := fmt.Sprintf("ephemeral resources need %s %s or later, and this one is %s", name, least, req.TerraformVersion)
	if os.Getenv(EnvRequireEphemeral) != "" {
		resp.Error = fmt.Errorf("%s, and %s is set", why, EnvRequireEphemeral)
		return
	}
	resp.Skip = why
}

// ReattachProvider serves p over gRPC in this process for the Terraform
// CLI, as plugin-testing does, and returns TF_REATTACH_PROVIDERS for it
// under the provider's registry address.
func ReattachProvider(t *testing.T, p provider.Provider) string {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatalf("serving the provider: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	configCh, closed := make(chan *plugin.ReattachConfig, 1), make(chan struct{})
	go func() {
		err := tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, configCh, closed), tf6server.WithoutLogStderrOverride(),
			// As plugin-testing serves it: the provider's logs follow TF_LOG
			// (none when unset) instead of every TRACE line on stderr.
			tf6server.WithLoggingSink(t),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			t.Errorf("serving the provider for the CLI: %v", err)
		}
	}()
	config := <-configCh
	t.Cleanup(func() { stop(); <-closed })
	reattach, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": config.Protocol, "ProtocolVersion": config.ProtocolVersion, "Pid": config.Pid, "Test": true,
		"Addr": map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		t.Fatalf("encoding TF_REATTACH_PROVIDERS: %v", err)
	}
	return string(reattach)
}

// providerAddress is the provider's registry address, as users' required_providers name it.
const providerAddress = "registry.terraform.io/wix-terraform/wix"

// RequiredWixProvider is the terraform block of a configuration that the
// CLI runs by hand (not through plugin-testing), naming the provider that
// TF_REATTACH_PROVIDERS serves.
const RequiredWixProvider = `terraform {
  required_providers {
    wix = { source = "wix-terraform/wix" }
  }
}
`

// WriteTestFile writes a file of a configuration the CLI runs by hand.
func WriteTestFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ExitCode is the exit status of a CLI run: 0 when err is nil, -1 when it
// did not run at all.
func ExitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	return -1
}

// RunCLI runs the Terraform CLI in dir with the provider reattached and
// returns its combined output.
func RunCLI(t *testing.T, cli, dir, reattach string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(cli, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
