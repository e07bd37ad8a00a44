# The demo: an environment is decommissioned, so the automation flows its
# form submissions started (follow-up emails, reminders) are retired.
# `make demo` runs this against the bundled Wix API simulator; the provider
# is configured from the WIX_* variables the simulator writes.

terraform {
  required_providers {
    wix = {
      source = "wix-terraform/wix"
    }
  }
}

provider "wix" {}

variable "decommissioned_submissions" {
  description = "External entity ids of the form submissions whose flows must stop."
  type        = set(string)
  default = [
    "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c",
    "2b1c7e4a-9f3d-4c1e-8a5b-6d7e8f9a0b1c",
    "3c2d8f5b-0a4e-4d2f-9b6c-7e8f9a0b1c2d",
    "4d3e9a6c-1b5f-4e3a-8c7d-8f9a0b1c2d3e",
    "5e4fab7d-2c6a-4f4b-9d8e-9a0b1c2d3e4f",
  ]
}

resource "wix_automation_event_cancellation" "teardown" {
  for_each = var.decommissioned_submissions

  trigger_key        = "form_submitted"
  external_entity_id = each.value
}

output "canceled_at" {
  description = "When Wix accepted each cancellation."
  value       = { for id, c in wix_automation_event_cancellation.teardown : id => c.canceled_at }
}
