# Retire every automation this app's trigger key starts: adopt each one and
# turn it off. Needs the wix_automation resource, and Terraform 1.7+ for
# import with for_each.
#
# Filter by trigger key, trigger app and origin, not by status: once turned
# off, the automations must stay in the list, or the next plan would drop
# them from for_each and delete them. origin = "APPLICATION" leaves out the
# preinstalled automations Wix's Query also returns (Wix may give one a new
# id when it is updated on the site) and those made in the dashboard.
data "wix_automations" "order_paid" {
  trigger_key    = "order_paid"
  trigger_app_id = "5f3c8d2e-1a4b-4c6d-8e9f-0a1b2c3d4e5f" # the app that owns order_paid
  origin         = "APPLICATION"
}

locals {
  order_paid = { for a in data.wix_automations.order_paid.automations : a.id => a }
}

import {
  for_each = local.order_paid
  to       = wix_automation.order_paid[each.key]
  id       = each.key
}

resource "wix_automation" "order_paid" {
  for_each = local.order_paid

  name            = each.value.name
  description     = each.value.description
  status          = "INACTIVE"
  trigger         = each.value.trigger
  root_action_ids = each.value.root_action_ids
  actions         = each.value.actions
}
