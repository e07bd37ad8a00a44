provider "wix" {
  batching {
    enable_batching = true    # false: one Cancel Event call per resource
    send_after      = "500ms" # wait to gather more cancellations into each call (default "0s", at most "1m")
    max_batch_size  = 50      # external entity ids per call, 1 to 100 (default 100)
  }
}
