package base

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Call is one operation's call to Wix, from Begin to Done: the client, a
// context that ends at the operation's time limit, and the wording of its
// failures.
type Call struct {
	Client  *wix.Client
	kind    *Kind
	data    *Data
	op      Op
	timeout time.Duration
	cancel  context.CancelFunc
}

// Begin is how every kind starts a call to Wix: op of this kind, with the
// provider's data, within timeout. It returns a nil Call, and adds the
// missing-credentials error (or, at plan, the error of credentials not
// known yet), when there is no client to call Wix with.
// Resources begin through Resource.Begin, which reads the timeout from
// their timeouts block.
func (k *Kind) Begin(ctx context.Context, data *Data, op Op, timeout time.Duration, diags *diag.Diagnostics) (context.Context, *Call) {
	switch {
	case data.CredentialsPending():
		diags.AddError(UnknownCredentialsSummary, k.UnknownCredentials(op))
		return ctx, nil
	case data == nil || data.Client == nil:
		diags.AddError(MissingCredentialsSummary, k.MissingCredentials(op))
		return ctx, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, &Call{Client: data.Client, kind: k, data: data, op: op, timeout: timeout, cancel: cancel}
}

// Done releases the operation's time limit.
func (c *Call) Done() { c.cancel() }

// Fail adds the diagnostic for err, with every secret masked.
func (c *Call) Fail(diags *diag.Diagnostics, subject string, err error) {
	summary, detail := c.kind.Failure(c.op, subject, c.timeout, err)
	diags.AddError(summary, c.data.Mask(detail))
}

// Mask masks every secret the provider knows in a text the kind shows
// beside the call's own failures.
func (c *Call) Mask(s string) string { return c.data.Mask(s) }
