package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// tfLogger forwards the Wix client's logs to tflog. The client never hands it
// a secret, and as a second line of defense every message and field is
// masked for the configured secrets, so nothing leaks at any TF_LOG level.
type tfLogger struct {
	secrets []string
}

var _ wix.Logger = tfLogger{}

// newTFLogger masks secrets (wix.Config.Secrets: none is empty).
func newTFLogger(secrets ...string) tfLogger { return tfLogger{secrets: secrets} }

func (l tfLogger) mask(ctx context.Context) context.Context {
	if len(l.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
	return tflog.MaskMessageStrings(ctx, l.secrets...)
}

func (l tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

// Info carries the client's one line per answer from Wix (wix.CallAnswered),
// which TF_LOG_PROVIDER=INFO shows without the bodies of DEBUG.
func (l tfLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(l.mask(ctx), msg, fields)
}

func (l tfLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
