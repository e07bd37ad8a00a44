# Retire every automation of a trigger key: adopt each one and turn it off.
# Needs the wix_automation resource, and Terraform 1.7+ for import with for_each.
#
# Filter by trigger key only, not by status: once turned off, the automations
# must stay in the list, or the next plan would drop them from for_each and
# delete them.
data "wix_automations" "order_paid" {
  trigger_key = "order_paid"
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
