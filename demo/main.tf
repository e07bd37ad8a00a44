# The demo: an environment's automation flows live and die with its
# configuration. `make demo` runs this against the bundled Wix API simulator;
# the provider is configured from the WIX_* variables the simulator writes.
#
#   1. apply                          the environment is up: its follow-up
#                                     automation is on, and the events of its
#                                     form submissions start their flows
#   2. apply -var decommissioned=true the environment is retired: the
#                                     automation is turned off (kept), the
#                                     events are canceled, and so are the
#                                     pending events of submissions reported
#                                     by something else; a submission that
#                                     arrives after retirement starts nothing
# After each apply, a second plan must say "No changes".
#
# Like a real site, the simulator's site also holds automations this
# environment did not make (preinstalled ones, another app's): Wix's Query
# returns them all, and the environment lists them without touching them.

terraform {
  required_providers {
    wix = {
      source = "wix-terraform/wix"
    }
  }
}

provider "wix" {}

variable "decommissioned" {
  description = "Whether the environment is retired."
  type        = bool
  default     = false
}

variable "forms_app_id" {
  description = "The app that owns the form_submitted trigger (the simulator's demo app)."
  type        = string
  default     = "5f3c8d2e-1a4b-4c6d-8e9f-0a1b2c3d4e5f"
}

locals {
  follow_up = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"

  # Form submissions this environment reports, by name => external entity id.
  submissions = {
    alice = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
    bob   = "2b1c7e4a-9f3d-4c1e-8a5b-6d7e8f9a0b1c"
    carol = "3c2d8f5b-0a4e-4d2f-9b6c-7e8f9a0b1c2d"
  }

  # Submissions that another system reported; retiring cancels theirs too.
  reported_elsewhere = [
    "4d3e9a6c-1b5f-4e3a-8c7d-8f9a0b1c2d3e",
    "5e4fab7d-2c6a-4f4b-9d8e-9a0b1c2d3e4f",
  ]
}

resource "wix_automation" "follow_up" {
  name   = "Follow up on form submissions"
  status = var.decommissioned ? "INACTIVE" : "ACTIVE"

  trigger = {
    app_id      = var.forms_app_id
    trigger_key = "form_submitted"
  }

  root_action_ids = [local.follow_up]
  actions = jsonencode({
    (local.follow_up) = {
      type      = "DELAY"
      delayInfo = { offsetExpression = "1", offsetTimeUnit = "DAYS" }
    }
  })
}

resource "wix_automation_event" "submission" {
  for_each = var.decommissioned ? {} : local.submissions

  trigger_key        = "form_submitted"
  external_entity_id = each.value
  payload            = { name = each.key, follow_up_days = 1 }

  depends_on = [wix_automation.follow_up]
}

# A form submission after retirement: Wix starts flows only through ACTIVE
# automations, so its report starts none. The postcondition fails the apply
# if it did.
resource "wix_automation_event" "after_retirement" {
  for_each = var.decommissioned ? { dave = "6f5a0b8e-3d7b-4a5c-8e9f-0a1b2c3d4e5f" } : {}

  trigger_key        = "form_submitted"
  external_entity_id = each.value
  payload            = { name = each.key, follow_up_days = 1 }

  depends_on = [wix_automation.follow_up]

  lifecycle {
    postcondition {
      condition     = length(self.activation_ids) == 0
      error_message = "A form submission after retirement started a flow: the follow-up automation is still active."
    }
  }
}

resource "wix_automation_event_cancellation" "retired" {
  for_each = var.decommissioned ? toset(local.reported_elsewhere) : toset([])

  trigger_key        = "form_submitted"
  external_entity_id = each.value
}

output "automation_status" {
  value = wix_automation.follow_up.status
}

output "activations" {
  description = "The automation activations each reported event started."
  value       = { for name, e in wix_automation_event.submission : name => e.activation_ids }
}

output "activations_after_retirement" {
  description = "What a submission reported after retirement started: nothing."
  value       = { for name, e in wix_automation_event.after_retirement : name => e.activation_ids }
}

# The site's other automations of the trigger, which this environment did
# not make and leaves alone.
data "wix_automations" "form_flows" {
  trigger_key = "form_submitted"
}

output "other_form_flows" {
  description = "Automations of form_submitted this environment did not make, with their origin and status."
  value = [
    for a in data.wix_automations.form_flows.automations : "${a.name} (${a.origin}, ${a.status})"
    if a.id != wix_automation.follow_up.id
  ]
}
