package events_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// These tests drive the action through the real CLI. They need Terraform
// 1.14 or later and skip, saying so, below it and under OpenTofu; the
// TestAction_* tests cover the same behavior over the plugin protocol.

// cancelEventActionConfig declares the action x for these ids.
func cancelEventActionConfig(triggerKey string, ids []string) string {
	return fmt.Sprintf(`
action "wix_automation_cancel_event" "x" {
  config {
    trigger_key         = %q
    external_entity_ids = [%s]
  }
}
`, triggerKey, acctest.QuoteAll(ids))
}

// terraform apply -invoke runs the action alone: the ids are canceled in
// two calls with one token, Terraform shows the progress, and nothing is
// kept in state.
func TestAccAction_CancelEvent_cliInvoke(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.ActionsCLI(t)
	env := acctest.NewSimEnv(t)
	dir := t.TempDir()
	ids := acctest.EntityIDs(150)
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+env.ProviderBlock()+cancelEventActionConfig(env.TriggerKey, ids))
	reattach := acctest.ReattachProvider(t, env.Provider())
	if out, err := acctest.RunCLI(t, cli, dir, reattach, "init", "-input=false"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	out, err := acctest.RunCLI(t, cli, dir, reattach, "apply", "-input=false", "-no-color", "-auto-approve", "-invoke=action.wix_automation_cancel_event.x")
	if err != nil {
		t.Fatalf("terraform apply -invoke: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("canceled 150 of 150 external entity ids of trigger key %q", env.TriggerKey); !strings.Contains(out, want) {
		t.Errorf("the output lacks the progress message %q:\n%s", want, out)
	}
	if got := len(env.Sim.RequestsTo(wix.PathBulkCancel)); got != 2 {
		t.Errorf("Bulk Cancel Event calls = %d, want 2", got)
	}
	if got := len(env.Sim.RequestsTo(wix.PathToken)); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
	if err := env.VerifyCanceledOnce(env.TriggerKey, ids...); err != nil {
		t.Error(err)
	}
	checkNothingInState(t, cli, dir, reattach)
}

// checkNothingInState checks that dir's state, if apply wrote one, holds
// no resource, and that Terraform agrees: whether apply -invoke writes a
// state file at all is Terraform's choice, so both outcomes are checked,
// and the file read is cross-checked against terraform state list so a
// wrong path cannot pass for an empty state.
func checkNothingInState(t *testing.T, cli, dir, reattach string) {
	t.Helper()
	path := filepath.Join(dir, "terraform.tfstate")
	listed, listErr := acctest.RunCLI(t, cli, dir, reattach, "state", "list")
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if listErr == nil || !strings.Contains(listed, "No state file was found") {
			t.Errorf("%s does not exist, yet terraform state list found a state (%v):\n%s", path, listErr, listed)
		}
	case err != nil:
		t.Fatalf("reading the state Terraform wrote: %v", err)
	default:
		var state struct {
			Resources []json.RawMessage `json:"resources"`
		}
		if err := json.Unmarshal(data, &state); err != nil {
			t.Fatalf("%s is not a Terraform state: %v\n%s", path, err, data)
		}
		if len(state.Resources) != 0 {
			t.Errorf("the action left %d resources in state:\n%s", len(state.Resources), data)
		}
		if listErr != nil || strings.TrimSpace(listed) != "" {
			t.Errorf("terraform state list = %q (%v), want nothing listed", listed, listErr)
		}
	}
}

// An action_trigger in a terraform_data's lifecycle runs the action after
// the resource is created, and not again when nothing changes.
func TestAccAction_CancelEvent_actionTrigger(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(3)
	config := env.ProviderBlock() + cancelEventActionConfig(env.TriggerKey, ids) + `
resource "terraform_data" "release" {
  input = "v1"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.wix_automation_cancel_event.x]
    }
  }
}
`
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NeedsActionsCLI{}},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{
			{Config: config, Check: env.CanceledOnce(env.TriggerKey, ids...)},
			{Config: config, PlanOnly: true},
		},
		CheckDestroy: func(*terraform.State) error {
			if got := len(env.Sim.RequestsTo(wix.PathBulkCancel)); got != 1 {
				return fmt.Errorf("Bulk Cancel Event calls = %d over create, plan and destroy, want the 1 after create", got)
			}
			return nil
		},
	})
}
