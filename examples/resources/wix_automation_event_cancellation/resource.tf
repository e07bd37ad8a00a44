# Teardown of a retired campaign: the form submissions it collected must get
# no more follow-ups. Every pending event reported under the "form_submitted"
# trigger key for these entities is canceled, and with it the remaining
# emails, tasks and reminders of the automation flows it started.
variable "retired_submission_ids" {
  description = "External entity ids (GUIDs) whose pending automation events must stop."
  type        = set(string)
  default = [
    "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c",
    "5b0f3c2e-8d4a-4c1e-9f6b-2a7d3e9c1b40",
  ]
}

resource "wix_automation_event_cancellation" "retired_submissions" {
  for_each = var.retired_submission_ids

  trigger_key        = "form_submitted"
  external_entity_id = each.value

  # Cancellation is one call on create. If new events are reported for the
  # same entities later, change this value: the cancellations are replaced,
  # and Cancel Event runs again for each of them.
  triggers = {
    round = "1"
  }

  # Retries and request pacing count towards this; the default is 5 minutes.
  timeouts {
    create = "10m"
  }
}

output "canceled_at" {
  description = "When Wix accepted each cancellation (RFC 3339)."
  value       = { for id, c in wix_automation_event_cancellation.retired_submissions : id => c.canceled_at }
}
