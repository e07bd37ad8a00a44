import {
  to = wix_automation_event.trial_started
  id = "trial_started/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}

resource "wix_automation_event" "trial_started" {
  trigger_key        = "trial_started"
  external_entity_id = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}
