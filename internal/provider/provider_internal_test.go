package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

func TestBulkSizeIsMaxBatchSizeWithinWixsLimit(t *testing.T) {
	for set, want := range map[int]int{0: 100, 1: 1, 30: 30, 100: 100, 101: 100} {
		if got := bulkSize(set); got != want {
			t.Errorf("bulkSize(%d) = %d, want %d", set, got, want)
		}
	}
}

// The log line of the configured client shows base_url without the
// password of its userinfo (a proxy's): the provider's logger masks every
// secret of the client's configuration, that password among them.
func TestConfiguredClientLogMasksTheBaseURLPassword(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	cfg := wix.Config{BaseURL: "https://proxyuser:Pr0xyS3cret@proxy.example:8443/wix", AccessToken: "a-token"}
	cfg.Logger = newTFLogger(cfg.Secrets()...)
	logProviderConfigured(ctx, cfg, nil)
	logged := out.String()
	if strings.Contains(logged, "Pr0xyS3cret") || !strings.Contains(logged, "proxy.example:8443/wix") {
		t.Fatalf("the log shows the password, or not the base URL:\n%s", logged)
	}
}
