# Teardown of a retired campaign in one call, with nothing kept in state
# (Terraform 1.14 or later; OpenTofu has no actions). Run it on demand:
#
#   terraform apply -invoke=action.wix_automation_cancel_event.retired_campaign
#
# Every pending event reported under the "form_submitted" trigger key for
# these entities is canceled, with the remaining emails, tasks and reminders
# of the flows it started. The ids leave in Bulk Cancel Event calls of up to
# 100, and Terraform shows the progress after each call.
variable "retired_submission_ids" {
  description = "External entity ids (GUIDs) whose pending automation events must stop."
  type        = set(string)
  default = [
    "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c",
    "5b0f3c2e-8d4a-4c1e-9f6b-2a7d3e9c1b40",
  ]
}

action "wix_automation_cancel_event" "retired_campaign" {
  config {
    trigger_key         = "form_submitted"
    external_entity_ids = var.retired_submission_ids
  }
}

# Or let another resource's lifecycle run it: here, whenever the campaign's
# retirement is recorded or its round changes.
resource "terraform_data" "campaign_retirement" {
  input = "round-1"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.wix_automation_cancel_event.retired_campaign]
    }
  }
}
