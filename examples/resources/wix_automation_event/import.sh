# Adopt an event reported earlier: <trigger_key>/<external_entity_id>.
# Destroying it then cancels it.
terraform import wix_automation_event.trial_started trial_started/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c
