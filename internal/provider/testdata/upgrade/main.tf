# The configuration whose state upgrade_test.go plans with today's provider:
# the demo environment as it stood before the state was written
# (scripts/upgrade-fixture.sh applies it with that provider), and an
# automation with an app's action whose inputs hold numbers, a list and
# nested objects, which the provider must read back as it wrote them.
# The terraform and provider blocks come from the test (or the script).

variable "decommissioned" {
  type    = bool
  default = false
}

locals {
  forms_app_id = "5f3c8d2e-1a4b-4c6d-8e9f-0a1b2c3d4e5f"
  follow_up    = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"
  thank_you    = "9b2e1d3f-4c5e-4f6a-8b7c-8d9e0f1a2b3c"

  submissions = {
    alice = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
    bob   = "2b1c7e4a-9f3d-4c1e-8a5b-6d7e8f9a0b1c"
    carol = "3c2d8f5b-0a4e-4d2f-9b6c-7e8f9a0b1c2d"
  }

  reported_elsewhere = [
    "4d3e9a6c-1b5f-4e3a-8c7d-8f9a0b1c2d3e",
    "5e4fab7d-2c6a-4f4b-9d8e-9a0b1c2d3e4f",
  ]
}

resource "wix_automation" "follow_up" {
  name   = "Follow up on form submissions"
  status = var.decommissioned ? "INACTIVE" : "ACTIVE"

  trigger = {
    app_id      = local.forms_app_id
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

resource "wix_automation" "thank_you" {
  name        = "Thank the submitter"
  description = "Sends the thank-you email after a form is submitted."
  status      = "INACTIVE"

  trigger = {
    app_id      = local.forms_app_id
    trigger_key = "form_submitted"
  }

  root_action_ids = [local.thank_you]
  actions = jsonencode({
    (local.thank_you) = {
      appDefinedInfo = {
        appId     = local.forms_app_id
        actionKey = "send_email"
        inputMapping = {
          subject   = "Thanks for getting in touch, {{contact.name}}"
          retries   = 3
          discount  = 12.5
          channels  = ["email", "sms"]
          signature = { name = "The team", show_logo = true }
        }
      }
    }
  })

  timeouts {
    create = "10m"
  }
}

resource "wix_automation_event" "submission" {
  for_each = var.decommissioned ? {} : local.submissions

  trigger_key        = "form_submitted"
  external_entity_id = each.value
  payload            = { name = each.key, follow_up_days = 1, vip = each.key == "alice" }

  depends_on = [wix_automation.follow_up]
}

resource "wix_automation_event" "keyed" {
  trigger_key        = "form_submitted"
  external_entity_id = "7a6b1c9f-4e8c-4b6d-9f0a-1b2c3d4e5f60"
  idempotency_key    = "upgrade-keyed-1"
  payload            = { name = "erin", follow_up_days = 2 }
  triggers           = { wave = "1" }

  depends_on = [wix_automation.follow_up]
}

resource "wix_automation_event_cancellation" "retired" {
  for_each = var.decommissioned ? toset(local.reported_elsewhere) : toset([])

  trigger_key        = "form_submitted"
  external_entity_id = each.value
}

resource "wix_automation_event_cancellation" "standing" {
  trigger_key        = "form_submitted"
  external_entity_id = "8b7c2d0a-5f9d-4c7e-8a1b-2c3d4e5f6a71"
}

data "wix_automations" "form_flows" {
  trigger_key = "form_submitted"

  depends_on = [wix_automation.follow_up, wix_automation.thank_you]
}

output "other_form_flows" {
  value = length(data.wix_automations.form_flows.automations)
}
