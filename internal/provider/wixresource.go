package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// wixBinding is a wixCalls declaration bound to the provider's data: what
// a resource or list resource needs to call Wix. boundResource's Configure
// fills data.
type wixBinding struct {
	calls wixCalls
	data  *providerData
}

// boundResource is what the framework names and configures with resource
// requests: resources and list resources alike. It has Metadata (the type
// name its wixCalls declare) and Configure.
type boundResource struct {
	wixBinding
}

// Configure keeps the provider's data: the client and the credential state.
func (r *boundResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// Metadata names the resource as its wixCalls do (typeName already starts
// with the provider's name), so that Terraform and every diagnostic take
// the name from one place.
func (r *boundResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.calls.typeName
}

// wixResource gives a resource what its wixCalls declare. A resource embeds
// it and sets calls in its factory; it then has Metadata, Configure and
// ModifyPlan (the plan-time credentials check), and begin for each
// operation that calls Wix. A resource with a ModifyPlan of its own calls
// this one from it.
type wixResource struct {
	boundResource
}

// newWixResource is the wixResource of a resource that declares calls.
func newWixResource(calls wixCalls) wixResource {
	return wixResource{boundResource{wixBinding{calls: calls}}}
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
		resp.Diagnostics.AddError(missingCredentialsSummary, r.calls.missingCredentials(op))
	}
}

// wixCallScope is one operation's call to Wix, from begin to done.
type wixCallScope struct {
	client  *wix.Client
	op      wixOperation
	timeout time.Duration
	cancel  context.CancelFunc
	b       *wixBinding
}

// begin readies a resource's op: its timeout from the timeouts block t,
// the client, and a context that ends at the timeout. It returns a nil
// scope when diags got an error.
func (r *wixResource) begin(ctx context.Context, op wixOperation, t timeouts.Value, diags *diag.Diagnostics) (context.Context, *wixCallScope) {
	timeout, d := r.calls.timeout(ctx, op, t)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, nil
	}
	return r.beginWithin(ctx, op, timeout, diags)
}

// modelSource is a resource's plan or state, which an operation reads its
// model from.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// beginFrom is the usual start of an operation that calls Wix: it reads
// the model from the plan or state into model, then begins op with the
// timeouts block found there. It returns a nil scope when diags got an
// error.
func (r *wixResource) beginFrom(ctx context.Context, op wixOperation, from modelSource, model any, diags *diag.Diagnostics) (context.Context, *wixCallScope) {
	var t timeouts.Value
	diags.Append(from.Get(ctx, model)...)
	diags.Append(from.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if diags.HasError() {
		return ctx, nil
	}
	return r.begin(ctx, op, t, diags)
}

// readUpdate reads an update's plan and state into plan and state. It
// returns false when diags got an error.
func readUpdate(ctx context.Context, req resource.UpdateRequest, plan, state any, diags *diag.Diagnostics) bool {
	diags.Append(req.Plan.Get(ctx, plan)...)
	diags.Append(req.State.Get(ctx, state)...)
	return !diags.HasError()
}

// beginWithin readies op to run within timeout: the client, and a context
// that ends at the timeout. It returns a nil scope when diags got an error.
func (b *wixBinding) beginWithin(ctx context.Context, op wixOperation, timeout time.Duration, diags *diag.Diagnostics) (context.Context, *wixCallScope) {
	if b.data == nil || b.data.client == nil {
		diags.AddError(missingCredentialsSummary, b.calls.missingCredentials(op))
		return ctx, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, &wixCallScope{client: b.data.client, op: op, timeout: timeout, cancel: cancel, b: b}
}

// done releases the operation's timeout.
func (c *wixCallScope) done() { c.cancel() }

// fail adds the diagnostic for err, with every secret masked.
func (c *wixCallScope) fail(diags *diag.Diagnostics, subject string, err error) {
	summary, detail := c.b.calls.failure(c.op, subject, c.timeout, err)
	diags.AddError(summary, c.b.data.redact(detail))
}
