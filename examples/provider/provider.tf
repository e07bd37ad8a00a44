terraform {
  required_providers {
    wix = {
      source  = "wix-terraform/wix"
      version = "~> 0.1"
    }
  }
}

# The credentials come from the environment, so that no secret is written in
# the configuration:
#
#   export WIX_APP_ID=...        # the app's ID (OAuth client ID)
#   export WIX_APP_SECRET=...    # the app's secret key
#   export WIX_INSTANCE_ID=...   # the app's installation on the site
#
# or, with a token minted elsewhere (for example by a CI secret store):
#
#   export WIX_ACCESS_TOKEN=...
provider "wix" {
  # Optional tuning; these are the defaults.
  requests_per_minute = 200 # Wix's documented limit per app instance; 0 turns pacing off
  max_retries         = 5   # for 5xx answers and dropped connections; 429s are waited out and not counted

  batching {
    enable_batching = true # concurrent cancellations and reports share bulk calls; reads share one Query
    send_after      = "0s" # no extra wait to gather a batch
    max_batch_size  = 100  # items per Bulk Cancel Event or Bulk Report Event call
  }
}
