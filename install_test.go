package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// make install puts the provider where Terraform's implied local mirror
// looks, so that `terraform init` finds wix-terraform/wix offline, beside
// the other providers of a configuration, records it in the lock file, and
// a plan runs against it.
func TestAccInstallThenInitOffline(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the Terraform CLI (make test does)")
	}
	cli := acctest.TerraformCLI(t, "to run terraform init against the installed provider")
	home := t.TempDir()
	install := exec.Command("scripts/install.sh")
	install.Env = append(os.Environ(), "PLUGIN_DIR="+filepath.Join(home, ".terraform.d", "plugins"))
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("scripts/install.sh: %v\n%s", err, out)
	}

	sim := httptest.NewServer(wixsim.New(wixsim.Options{}))
	t.Cleanup(sim.Close)
	work := t.TempDir()
	acctest.WriteTestFile(t, work, "main.tf", `terraform {
  required_providers {
    wix = {
      source  = "wix-terraform/wix"
      version = "~> 0.1"
    }
  }
}

provider "wix" {}

resource "wix_automation_event_cancellation" "one" {
  trigger_key        = "form_submitted"
  external_entity_id = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}
`)
	emptyConfig := filepath.Join(home, "terraformrc")
	acctest.WriteTestFile(t, home, "terraformrc", "")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, args...)
		cmd.Dir = work
		cmd.Env = append(append(os.Environ(), "HOME="+home, "TF_CLI_CONFIG_FILE="+emptyConfig, "CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1"), wixsim.DemoEnv(sim.URL)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", cli, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("init", "-input=false", "-no-color")
	lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), `provider "registry.terraform.io/wix-terraform/wix"`) ||
		!strings.Contains(string(lock), `version     = "0.1.0"`) {
		t.Fatalf("the lock file does not record wix-terraform/wix 0.1.0 (%v):\n%s", err, lock)
	}
	if out := run("plan", "-input=false", "-no-color"); !strings.Contains(out, "1 to add, 0 to change, 0 to destroy") {
		t.Fatalf("terraform plan against the installed provider:\n%s", out)
	}
}
