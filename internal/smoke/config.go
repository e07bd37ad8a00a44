package smoke

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// The Terraform configurations of the steps. Each step writes main.tf anew
// from some of these blocks; the provider takes its credentials from the
// WIX_* environment, so no secret is ever written to a file.

// lit is s as an HCL string literal: quoted, and with "${" and "%{"
// escaped, so that a trigger key is never read as a template.
func lit(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

// configOf is a whole configuration: the provider and the given blocks.
func configOf(blocks ...string) []byte {
	header := `terraform {
  required_providers {
    wix = {
      source = "wix-terraform/wix"
    }
  }
}

# Credentials and settings come from the WIX_* environment variables.
provider "wix" {}
`
	return hclwrite.Format([]byte(header + strings.Join(blocks, "\n")))
}

// ephemeralBlock opens the ephemeral wix_access_token: Terraform opens
// every ephemeral resource of a configuration, referenced or not.
const ephemeralBlock = `
ephemeral "wix_access_token" "smoke" {}
`

// queryBlock lists every automation of the site.
const queryBlock = `
data "wix_automations" "all" {}

output "automations" {
  value = length(data.wix_automations.all.automations)
}

output "active" {
  value = length([for a in data.wix_automations.all.automations : a if a.status == "ACTIVE"])
}
`

// automation is what the smoke check's one automation looks like.
type automation struct {
	name, description, status string
}

// automationBlock is the smoke check's automation, at address
// wix_automation.<label>, with outputs of its id, revision and status when
// withOutputs.
func (s *session) automationBlock(label string, a automation, withOutputs bool) string {
	block := fmt.Sprintf(`
resource "wix_automation" %s {
  name        = %s
  description = %s
  status      = %s
  trigger = {
    app_id      = %s
    trigger_key = %s
  }
  root_action_ids = [%s]
  actions         = %s
}
`, lit(label), lit(a.name), lit(a.description), lit(a.status), lit(s.site.AppID), lit(s.site.TriggerKey),
		lit(s.ids.actionID), lit(s.actionsJSON()))
	if withOutputs {
		block += `
output "id" {
  value = wix_automation.smoke.id
}

output "revision" {
  value = wix_automation.smoke.revision
}

output "status" {
  value = wix_automation.smoke.status
}
`
	}
	return block
}

// actionsJSON is the automation's one action: a delay of a day, and
// nothing after it. Even while the update step has it ACTIVE, an event on
// the trigger key would only start a wait: no email, no task, nothing a
// person sees.
func (s *session) actionsJSON() string {
	actions := map[string]any{
		s.ids.actionID: map[string]any{
			"delayInfo": map[string]any{"offsetExpression": "1", "offsetTimeUnit": "DAYS"},
		},
	}
	b, err := json.Marshal(actions)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

// onKeyBlock lists the automations of the trigger key: the ACTIVE ones of
// others (whose flows a report would start) and those named like this
// run's automation (what the clean-up looks for).
func (s *session) onKeyBlock() string {
	return fmt.Sprintf(`
data "wix_automations" "on_key" {
  trigger_key = %[1]s
}

output "listening" {
  value = [for a in data.wix_automations.on_key.automations : "${a.id} (${a.name})" if a.status == "ACTIVE" && a.name != %[2]s]
}

output "ours" {
  value = [for a in data.wix_automations.on_key.automations : a.id if a.name == %[2]s]
}
`, lit(s.site.TriggerKey), lit(s.ids.name))
}

// eventBlock reports one event on the trigger key; destroying it cancels it.
func (s *session) eventBlock() string {
	return fmt.Sprintf(`
resource "wix_automation_event" "smoke" {
  trigger_key        = %s
  external_entity_id = %s
}

output "activations" {
  value = length(wix_automation_event.smoke.activation_ids)
}
`, lit(s.site.TriggerKey), lit(s.ids.entityID))
}

// cancellationBlock cancels the run's event by its handle, whether or not
// Terraform knows that it was reported.
func (s *session) cancellationBlock() string {
	return fmt.Sprintf(`
resource "wix_automation_event_cancellation" "cleanup" {
  trigger_key        = %s
  external_entity_id = %s
}
`, lit(s.site.TriggerKey), lit(s.ids.entityID))
}

// adoptBlocks declare a wix_automation for each of n automations (found by
// this run's name, not in the state), for terraform import to adopt, so
// that a destroy deletes them.
func (s *session) adoptBlocks(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(s.automationBlock(fmt.Sprintf("found_%d", i), s.createdAutomation(), false))
	}
	return b.String()
}
