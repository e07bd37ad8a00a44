provider "wix" {
  batching {
    enable_batching = true    # false: one call per resource (Cancel Event, Report Event, Get Automation)
    send_after      = "500ms" # wait to gather more cancellations or reports into each call (default "0s", at most "1m")
    max_batch_size  = 50      # items per Bulk Cancel Event or Bulk Report Event call, 1 to 100 (default 100)
  }
}
