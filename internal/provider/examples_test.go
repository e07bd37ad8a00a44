package provider_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/wix-terraform/terraform-provider-wix/internal/cliconfig"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Every example under examples/ runs as written against the simulator, the
// way a user runs it after `make sim`: the provider built from this tree,
// through a dev_overrides CLI configuration, with the demo app's
// credentials in WIX_* variables. Each applies, plans empty and destroys;
// an import example runs after its id is seeded; the action runs by
// `terraform apply -invoke` and the list resource by `terraform query`.
// The check adds only what the docs leave out of every snippet: the
// required_providers block (and variables in a tfvars file where an
// example has variables without defaults). make examples-check runs it
// alone; make test and the testacc-* runs run it under each CLI, where an
// example that needs a newer CLI skips, saying so.

// examplesDir is examples/, from this package's directory.
const examplesDir = "../../examples"

// wixAutomationImportID is the automation id the wix_automation import
// examples adopt.
const wixAutomationImportID = "7d3c5a1e-2b4f-4c6d-8e9f-0a1b2c3d4e5f"

// example is one configuration made of example files, and how it is run.
type example struct {
	name  string
	files []string // under examples/
	// needs is the oldest Terraform that runs it ("" for any); tofuNeeds
	// the oldest OpenTofu, or "none" when OpenTofu cannot run it.
	needs, tofuNeeds string
	// required makes a CLI too old for the example a failure, not a skip,
	// when its WIX_TEST_REQUIRE_* variable is set.
	required acctest.RequiredFeature
	tfvars   string
	seed     func(*acctest.Env)
	// run runs the example; nil means apply, an empty plan, and destroy.
	run func(*exampleRun)
}

func examples() []example {
	const event, cancellation, automation = "resources/wix_automation_event/", "resources/wix_automation_event_cancellation/", "resources/wix_automation/"
	return []example{
		{name: "provider", files: []string{"provider/provider.tf"}},
		{name: "provider credentials", files: []string{"provider/provider-credentials.tf"}, tfvars: fmt.Sprintf(
			"wix_app_id = %q\nwix_app_secret = %q\nwix_instance_id = %q\n", wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)},
		{name: "provider batching", files: []string{"provider/provider-batching.tf"}},
		{name: "cancellation", files: []string{cancellation + "resource.tf"}},
		{name: "cancellation import block", files: []string{cancellation + "import-by-string-id.tf"}},
		{name: "cancellation import command", files: []string{cancellation + "import-by-string-id.tf"}, run: importCommand(cancellation + "import.sh")},
		{name: "event", files: []string{event + "resource.tf"}},
		{name: "event import block", files: []string{event + "import-by-string-id.tf"}},
		{name: "event import command", files: []string{event + "import-by-string-id.tf"}, run: importCommand(event + "import.sh")},
		{name: "automation", files: []string{automation + "resource.tf"}},
		{name: "automation import block", files: []string{automation + "resource.tf", automation + "import-by-string-id.tf"}, seed: seedImportedAutomation},
		{name: "automation import command", files: []string{automation + "resource.tf"}, seed: seedImportedAutomation, run: importCommand(automation + "import.sh")},
		{name: "data source", files: []string{"data-sources/wix_automations/data-source.tf"}, seed: seedAutomationsOf("form_submitted")},
		{name: "data source retirement", files: []string{"data-sources/wix_automations/data-source-retire.tf"}, needs: "1.7.0", tofuNeeds: "1.7.0",
			seed: seedAutomationsOf("order_paid")},
		{name: "ephemeral access token", files: []string{"ephemeral-resources/wix_access_token/ephemeral-resource.tf"}, needs: "1.10.0", tofuNeeds: "1.11.0",
			required: acctest.EnvRequireEphemeral},
		{name: "action", files: []string{"actions/wix_automation_cancel_event/action.tf"}, needs: "1.14.0", tofuNeeds: "none", required: acctest.EnvRequireActions,
			run: invokeAction},
		{name: "list resource", files: []string{"list-resources/wix_automation/list-resource.tfquery.hcl"}, needs: "1.14.0", tofuNeeds: "none",
			required: acctest.EnvRequireActions, seed: seedAutomationsOf("form_submitted"), run: query},
	}
}

func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the examples with a Terraform CLI (make test and make examples-check do)")
	}
	cli := acctest.TerraformCLI(t, "to run the examples")
	cliVersion, tofu := acctest.CLIVersion(t, cli)
	rc := devOverrides(t)
	for _, ex := range examples() {
		t.Run(ex.name, func(t *testing.T) {
			acctest.Parallel(t)
			if why := ex.tooNew(cliVersion, tofu); why != "" {
				ex.required.SkipOrFail(t, why)
			}
			env := acctest.NewSimEnv(t)
			if ex.seed != nil {
				ex.seed(env)
			}
			r := &exampleRun{t: t, cli: cli, rc: rc, env: env, dir: ex.workDir(t)}
			run := ex.run
			if run == nil {
				run = applyPlanDestroy
			}
			run(r)
		})
	}
}

// tooNew says why the CLI cannot run the example, or "".
func (ex example) tooNew(v *version.Version, tofu bool) string {
	needs, cli := ex.needs, "Terraform"
	if tofu {
		needs, cli = ex.tofuNeeds, "OpenTofu"
	}
	switch {
	case needs == "none":
		return fmt.Sprintf("%s cannot run this example (%s %s)", cli, cli, v)
	case needs != "" && v.LessThan(version.Must(version.NewVersion(needs))):
		return fmt.Sprintf("this example needs %s %s or later; the CLI is %s", cli, needs, v)
	}
	return ""
}

// workDir copies the example's files into a directory of their own, with
// the required_providers block the docs leave out and the tfvars.
func (ex example) workDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	required := true
	for _, f := range ex.files {
		data, err := os.ReadFile(filepath.Join(examplesDir, f))
		if err != nil {
			t.Fatal(err)
		}
		required = required && !strings.Contains(string(data), "required_providers")
		name := filepath.Base(f)
		if strings.HasSuffix(name, ".tfquery.hcl") {
			// A query's list blocks name the provider; its configuration
			// (from WIX_* here) lives in a .tf file beside them.
			acctest.WriteTestFile(t, dir, "provider.tf", `provider "wix" {}`+"\n")
		}
		acctest.WriteTestFile(t, dir, name, string(data))
	}
	if required {
		acctest.WriteTestFile(t, dir, "versions.tf", acctest.RequiredWixProvider)
	}
	if ex.tfvars != "" {
		acctest.WriteTestFile(t, dir, "terraform.tfvars", ex.tfvars)
	}
	return dir
}

// devOverrides builds the provider from this tree once and returns a CLI
// configuration whose dev_overrides point Terraform and OpenTofu at it.
func devOverrides(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-wix"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraform.rc")
	if err := cliconfig.Write(rc, dir, "wix"); err != nil {
		t.Fatal(err)
	}
	return rc
}

// exampleRun runs one example's CLI commands in its directory.
type exampleRun struct {
	t   *testing.T
	cli string
	rc  string
	env *acctest.Env
	dir string
}

// cmd runs the CLI with args, as a user would after pasting make sim's
// lines, and returns its output and exit code.
func (r *exampleRun) cmd(args ...string) (string, int) {
	r.t.Helper()
	c := exec.Command(r.cli, args...)
	c.Dir = r.dir
	c.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+r.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"),
		wixsim.DemoEnv(r.env.Server.URL)...)
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	r.t.Fatalf("%s %s: %v", r.cli, strings.Join(args, " "), err)
	return "", -1
}

// must runs the CLI and fails the example unless it succeeds.
func (r *exampleRun) must(args ...string) string {
	r.t.Helper()
	out, code := r.cmd(append(args, "-no-color")...)
	if code != 0 {
		r.t.Fatalf("%s %s exited %d:\n%s", filepath.Base(r.cli), strings.Join(args, " "), code, out)
	}
	return out
}

// planEmpty fails the example unless a plan has nothing to do.
func (r *exampleRun) planEmpty() {
	r.t.Helper()
	out, code := r.cmd("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if code != 0 {
		r.t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, out)
	}
}

func applyPlanDestroy(r *exampleRun) {
	r.must("apply", "-input=false", "-auto-approve")
	r.planEmpty()
	r.must("destroy", "-input=false", "-auto-approve")
}

// importCommand runs the import command of an import.sh as written, then
// applies, plans empty and destroys.
func importCommand(script string) func(*exampleRun) {
	return func(r *exampleRun) {
		data, err := os.ReadFile(filepath.Join(examplesDir, script))
		if err != nil {
			r.t.Fatal(err)
		}
		var args []string
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "terraform "); ok {
				args = strings.Fields(rest)
			}
		}
		if len(args) == 0 || args[0] != "import" {
			r.t.Fatalf("%s has no terraform import command", script)
		}
		// Only the import command's own file: an import block beside it
		// would import the same address twice.
		_ = os.Remove(filepath.Join(r.dir, "import-by-string-id.tf"))
		resourceOnly(r, script)
		r.must(append(args[:1], append([]string{"-input=false"}, args[1:]...)...)...)
		applyPlanDestroy(r)
	}
}

// resourceOnly keeps, for an import command, the resource block that the
// import-by-string-id.tf example declares next to its import block.
func resourceOnly(r *exampleRun, script string) {
	dir := filepath.Dir(script)
	data, err := os.ReadFile(filepath.Join(examplesDir, dir, "import-by-string-id.tf"))
	if err != nil || !strings.Contains(string(data), "\nresource ") {
		return // the example's resource.tf declares it
	}
	i := strings.Index(string(data), "\nresource ")
	acctest.WriteTestFile(r.t, r.dir, "resource.tf", string(data[i+1:]))
}

// invokeAction applies the action example (its terraform_data runs the
// action through action_trigger), invokes the action by hand, plans empty
// and destroys.
func invokeAction(r *exampleRun) {
	r.must("apply", "-input=false", "-auto-approve")
	out := r.must("apply", "-input=false", "-auto-approve", "-invoke=action.wix_automation_cancel_event.retired_campaign")
	if !strings.Contains(out, "canceled 2 of 2 external entity ids") {
		r.t.Errorf("the invocation shows no progress:\n%s", out)
	}
	r.planEmpty()
	r.must("destroy", "-input=false", "-auto-approve")
}

// query runs terraform query on the list resource example and checks that
// it found the seeded automations.
func query(r *exampleRun) {
	out := r.must("query")
	if !strings.Contains(out, "list.wix_automation.form_flows") || !strings.Contains(out, "example automation 0") {
		r.t.Errorf("terraform query does not list the seeded automations:\n%s", out)
	}
}

// seedImportedAutomation stores the automation the import examples adopt.
func seedImportedAutomation(env *acctest.Env) {
	seedAutomation(env, wixAutomationImportID, "form_submitted", "Follow up on form submissions")
}

// seedAutomationsOf stores two automations of the demo app's trigger key.
func seedAutomationsOf(triggerKey string) func(*acctest.Env) {
	return func(env *acctest.Env) {
		for i := range 2 {
			seedAutomation(env, "", triggerKey, fmt.Sprintf("example automation %d", i))
		}
	}
}

// seedAutomation stores an automation of the demo app, created by it, as
// the examples expect to find one.
func seedAutomation(env *acctest.Env, id, triggerKey, name string) {
	env.Sim.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{
		ID: id, Name: name, Origin: "APPLICATION",
		ApplicationInfo: map[string]any{"appId": wixsim.DemoAppID},
		Configuration: wixsim.AutomationConfiguration{
			Status:        "ACTIVE",
			Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: triggerKey},
			RootActionIDs: []string{acctest.RootActionID},
			Actions: map[string]map[string]any{acctest.RootActionID: {
				"appDefinedInfo": map[string]any{"appId": wixsim.DemoAppID, "actionKey": "send_email"},
			}},
		},
	})
}
