# A follow-up email for every submitted form, managed as code. The trigger
# belongs to the app that reports form_submitted; the action is one of that
# app's actions. Action ids are GUIDs you choose; root_action_ids names the
# action(s) the trigger starts.
locals {
  forms_app_id    = "5f3c8d2e-1a4b-4c6d-8e9f-0a1b2c3d4e5f"
  follow_up_email = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"
}

resource "wix_automation" "follow_up" {
  name        = "Follow up on form submissions"
  description = "Sends the thank-you email after a form is submitted."

  # "INACTIVE" stops the automation and keeps it: retire a flow with this.
  status = "ACTIVE"

  trigger = {
    app_id      = local.forms_app_id
    trigger_key = "form_submitted"
  }

  root_action_ids = [local.follow_up_email]

  # Wix's configuration.actions: action id -> action. Key order and spacing
  # do not matter, nor do the id, namespace and type Wix fills in.
  actions = jsonencode({
    (local.follow_up_email) = {
      appDefinedInfo = {
        appId        = local.forms_app_id
        actionKey    = "send_email"
        inputMapping = { subject = "Thanks for getting in touch" }
      }
    }
  })

  timeouts {
    create = "10m"
  }
}
