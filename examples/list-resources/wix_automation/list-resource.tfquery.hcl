# Find the automations started by one trigger key; generate import blocks
# for them with: terraform query -generate-config-out=automations.tf
list "wix_automation" "form_flows" {
  provider = wix

  config {
    trigger_key = "form_submitted"
  }
}

# Every inactive automation, with its attributes.
list "wix_automation" "inactive" {
  provider         = wix
  include_resource = true

  config {
    status = "INACTIVE"
  }
}
