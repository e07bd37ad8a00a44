# Start the "trial started" flows of each tenant of an environment, and stop
# what they have not done yet when the tenant is decommissioned.
variable "tenants" {
  description = "Tenant name => the tenant's GUID, the external entity its events are about."
  type        = map(string)
  default = {
    acme   = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
    globex = "2b7f4e0a-9c3d-4b8e-a1f2-3c4d5e6f7a8b"
  }
}

resource "wix_automation_event" "trial_started" {
  for_each = var.tenants

  trigger_key        = "trial_started"
  external_entity_id = each.value

  payload = {
    tenant     = each.key
    trial_days = 14
    vip        = each.key == "acme"
    seats = [
      { plan = "pro", count = 5 },
      { plan = "viewer", count = 20 },
    ]
  }
}

output "activation_ids" {
  value = { for name, event in wix_automation_event.trial_started : name => event.activation_ids }
}
