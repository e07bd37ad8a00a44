package provider

import "testing"

func TestBulkSizeIsMaxBatchSizeWithinWixsLimit(t *testing.T) {
	for set, want := range map[int]int{0: 100, 1: 1, 30: 30, 100: 100, 101: 100} {
		if got := bulkSize(set); got != want {
			t.Errorf("bulkSize(%d) = %d, want %d", set, got, want)
		}
	}
}

// The configured base_url is logged without the password of its userinfo.
func TestRedactedURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://proxyuser:Pr0xyS3cret@proxy.example:8443/wix": "https://proxyuser:xxxxx@proxy.example:8443/wix",
		"https://www.wixapis.com":                              "https://www.wixapis.com",
		"http://[::1":                                          "(not a URL)",
	} {
		if got := redactedURL(raw); got != want {
			t.Errorf("redactedURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
