# The provider's Wix access token for the rest of the run, never written to
# state or plan files (Terraform 1.10 or later). Opening it makes no token
# request when the provider already holds a token.
ephemeral "wix_access_token" "current" {}

# For example, a second "wix" provider that acts with that token, as a CI
# job that may not see the app secret would.
provider "wix" {
  alias        = "with_token"
  access_token = ephemeral.wix_access_token.current.access_token
}

resource "wix_automation_event_cancellation" "via_token" {
  provider = wix.with_token

  trigger_key        = "form_submitted"
  external_entity_id = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}
