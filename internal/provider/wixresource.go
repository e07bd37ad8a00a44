package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// wixResource gives a resource what its wixCalls declare. A resource embeds
// it and sets calls in its factory; it then has Configure and ModifyPlan
// (the plan-time credentials check), and begin for each operation that
// calls Wix. A resource with a ModifyPlan of its own calls this one from it.
type wixResource struct {
	calls wixCalls
	data  *providerData
}

// Configure keeps the provider's data: the client and the credential state.
func (r *wixResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// providerDataOf is the provider's data as Configure hands it to resources,
// data sources, actions and ephemeral resources alike; nil before the
// provider is configured.
func providerDataOf(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. "+
			"This is a bug in terraform-provider-wix: please report it.", v))
	}
	return data
}

// ModifyPlan fails a plan that would call Wix without credentials, so that
// the error comes at plan and not halfway through an apply. Plans that call
// nothing (refresh, no changes, import, destroy of a resource whose delete
// makes no call) need none.
func (r *wixResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	op, calls := r.calls.plannedCall(req)
	if calls && r.data != nil && r.data.credentials == credentialsMissing {
		resp.Diagnostics.AddError("Missing Wix credentials", r.calls.missingCredentials(op))
	}
}

// wixCallScope is one operation's call to Wix, from begin to done.
type wixCallScope struct {
	client  *wix.Client
	op      wixOperation
	timeout time.Duration
	cancel  context.CancelFunc
	r       *wixResource
}

// begin readies op: its timeout from t, the client, and a context that
// ends at the timeout. It returns a nil scope when diags got an error.
func (r *wixResource) begin(ctx context.Context, op wixOperation, t timeouts.Value, diags *diag.Diagnostics) (context.Context, *wixCallScope) {
	timeout, d := r.calls.timeout(ctx, op, t)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, nil
	}
	if r.data == nil || r.data.client == nil {
		diags.AddError("Missing Wix credentials", r.calls.missingCredentials(op))
		return ctx, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, &wixCallScope{client: r.data.client, op: op, timeout: timeout, cancel: cancel, r: r}
}

// done releases the operation's timeout.
func (c *wixCallScope) done() { c.cancel() }

// fail adds the diagnostic for err, with every secret masked.
func (c *wixCallScope) fail(diags *diag.Diagnostics, subject string, err error) {
	summary, detail := c.r.calls.failure(c.op, subject, c.timeout, err)
	diags.AddError(summary, c.r.data.redact(detail))
}
