# Adopt a cancellation done earlier (by hand, or by another configuration),
# without calling Wix: the id is <trigger_key>/<external_entity_id>.
terraform import wix_automation_event_cancellation.x form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c
