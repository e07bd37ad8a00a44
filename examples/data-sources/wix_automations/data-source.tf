# Every automation of the site: those of every installed app, preinstalled
# ones and those made in Wix's dashboard.
data "wix_automations" "all" {}

# Only the active automations started by one trigger key.
data "wix_automations" "active_form_flows" {
  trigger_key = "form_submitted"
  status      = "ACTIVE"
}

# Only the preinstalled ones (and the site's overrides of them).
data "wix_automations" "preinstalled" {
  origin = "PREINSTALLED"
}

output "active_form_flows" {
  value = { for a in data.wix_automations.active_form_flows.automations : a.id => a.name }
}
