# Every automation of the site.
data "wix_automations" "all" {}

# Only the active automations started by one trigger key.
data "wix_automations" "active_form_flows" {
  trigger_key = "form_submitted"
  status      = "ACTIVE"
}

output "active_form_flows" {
  value = { for a in data.wix_automations.active_form_flows.automations : a.id => a.name }
}
