import {
  to = wix_automation_event_cancellation.x
  id = "form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}

resource "wix_automation_event_cancellation" "x" {
  trigger_key        = "form_submitted"
  external_entity_id = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}
