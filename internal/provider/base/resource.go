package base

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Resource gives a resource what its Kind declares. A resource embeds it
// (NewResource in its factory) and so has Metadata, Configure and
// ModifyPlan (the plan-time credentials check), and Begin for each
// operation that calls Wix. A resource with a ModifyPlan of its own calls
// this one from it.
type Resource struct {
	Kind Kind
	// Data is the provider's data, set by Configure.
	Data *Data
}

// NewResource is the Resource of a resource of kind k.
func NewResource(k Kind) Resource { return Resource{Kind: k} }

// Metadata names the resource: the provider's type name and the kind's
// suffix.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.Kind.Suffix
}

// Configure keeps the provider's data: the client and the credential state.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.Data = DataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails a plan that would call Wix without credentials, so that
// the error comes at plan and not halfway through an apply. Plans that call
// nothing (refresh, no changes, import, destroy of a resource whose delete
// makes no call) need none.
func (r *Resource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	op, calls := r.Kind.PlannedCall(req)
	if calls && r.Data != nil && r.Data.Credentials == CredentialsMissing {
		resp.Diagnostics.AddError(MissingCredentialsSummary, r.Kind.MissingCredentials(op))
	}
}

// ModelSource is a resource's plan or state, which an operation reads its
// model from.
type ModelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

// Begin starts op of a resource: it reads the model from the plan or state
// into model, then begins the call within the timeout that the timeouts
// block found there sets. It returns a nil Call when diags got an error.
func (r *Resource) Begin(ctx context.Context, op Op, from ModelSource, model any, diags *diag.Diagnostics) (context.Context, *Call) {
	var t timeouts.Value
	diags.Append(from.Get(ctx, model)...)
	diags.Append(from.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if diags.HasError() {
		return ctx, nil
	}
	timeout, d := opTimeout(ctx, op, t)
	diags.Append(d...)
	if diags.HasError() {
		return ctx, nil
	}
	return r.Kind.Begin(ctx, r.Data, op, timeout, diags)
}

// ReadUpdate reads an update's plan and state into plan and state. It
// returns false when diags got an error.
func ReadUpdate(ctx context.Context, req resource.UpdateRequest, plan, state any, diags *diag.Diagnostics) bool {
	diags.Append(req.Plan.Get(ctx, plan)...)
	diags.Append(req.State.Get(ctx, state)...)
	return !diags.HasError()
}

// PlannedCall is the operation a plan makes Wix do, if any. Terraform
// plans the create half of a replacement as a create, with a null prior
// state (a second PlanResourceChange), so a replacement needs no rule of
// its own.
func (k *Kind) PlannedCall(req resource.ModifyPlanRequest) (Op, bool) {
	var op Op
	switch {
	case req.Plan.Raw.IsNull():
		op = Delete
	case req.State.Raw.IsNull():
		op = Create
	case ChangedBeyondTimeouts(req.State.Raw, req.Plan.Raw):
		op = Update
	default:
		return "", false
	}
	_, calls := k.phrases(op)
	return op, calls
}

// ChangedBeyondTimeouts reports whether the plan changes anything but the
// timeouts block, which alone never calls Wix.
func ChangedBeyondTimeouts(state, plan tftypes.Value) bool {
	// As shares the value's own map: read it, never change it.
	var before, after map[string]tftypes.Value
	if state.As(&before) != nil || plan.As(&after) != nil || len(before) != len(after) {
		return true
	}
	for name, v := range after {
		if name != "timeouts" && !v.Equal(before[name]) {
			return true
		}
	}
	return false
}
