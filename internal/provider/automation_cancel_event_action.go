package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// cancelEventActionTimeout bounds one invocation, retries and pacing
// included. The contract gives the action no timeouts block; ten minutes is
// about 2,000 Bulk Cancel Event calls (200,000 ids) at the default pacing of
// 200 requests a minute, far beyond what one invocation is meant for.
const cancelEventActionTimeout = 10 * time.Minute

// cancelEventCalls declares the action's one call, Bulk Cancel Event, so
// that its errors are worded like the resources'. The action has no
// timeouts block, and canceling again is harmless, so its advice on a
// failure says to invoke it again.
var cancelEventCalls = wixCalls{
	typeName:  "wix_automation_cancel_event",
	scope:     manageYourApp,
	forbidden: onlyTheTriggersAppCancels,
	calls:     map[wixOperation]wixCall{opInvoke: cancelingEvents("Bulk Cancel Event")},
	outOfTime: "The invocation's time limit of %s ran out, or would have before the next attempt (retries, request " +
		"pacing and Wix's Retry-After count towards it). Invoke the action again later, or split external_entity_ids " +
		"over several actions.",
	closing: "Canceling again is harmless, so invoking the action again with the same ids is safe.",
}

var (
	_ action.Action               = (*automationCancelEventAction)(nil)
	_ action.ActionWithConfigure  = (*automationCancelEventAction)(nil)
	_ action.ActionWithModifyPlan = (*automationCancelEventAction)(nil)
)

// NewAutomationCancelEventAction is the factory the provider registers.
func NewAutomationCancelEventAction() action.Action {
	return &automationCancelEventAction{}
}

// automationCancelEventAction runs Bulk Cancel Event for any number of
// external entities of one trigger key, keeping nothing in state.
type automationCancelEventAction struct {
	data *providerData
}

type automationCancelEventActionModel struct {
	TriggerKey        types.String `tfsdk:"trigger_key"`
	ExternalEntityIDs types.Set    `tfsdk:"external_entity_ids"`
}

func (a *automationCancelEventAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_automation_cancel_event"
}

func (a *automationCancelEventAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cancels the pending events of a Wix automation trigger for any number of external entities, " +
			"with Wix's Bulk Cancel Event API, and keeps nothing in state. Run it with " +
			"`terraform apply -invoke=action.wix_automation_cancel_event.<name>`, or from an `action_trigger` in another " +
			"resource's `lifecycle` block. Requires Terraform 1.14 or later; OpenTofu has no actions.\n\n" +
			"The ids leave in calls of up to 100 (the provider's `batching { max_batch_size }`), paced and retried like every call of the provider, and Terraform shows " +
			"progress after each call. Any id Wix did not confirm fails the invocation, listed with Wix's code and " +
			"description; canceling again is harmless, so invoking the action again is safe. An invocation may take up " +
			"to 10 minutes, retries and pacing included (about 200,000 ids at the default 200 requests a minute); " +
			"then it fails with a timeout that says how many ids were canceled.",
		Attributes: map[string]schema.Attribute{
			"trigger_key": schema.StringAttribute{
				MarkdownDescription: "The trigger key the events were reported with, such as `form_submitted`: 1 to 100 characters. " +
					"Only the app that created the trigger key may cancel its events.",
				Required:   true,
				Validators: []validator.String{triggerKeyValidator()},
			},
			"external_entity_ids": schema.SetAttribute{
				MarkdownDescription: "The GUIDs of the external entities whose events to cancel (`externalEntityId`): one or more, any number.",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          []validator.Set{entityIDSetValidator{}},
			},
		},
	}
}

func (a *automationCancelEventAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan when the invocation would have no credentials
// to call Wix with, so the error comes before anything is applied.
func (a *automationCancelEventAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data != nil && a.data.credentials == credentialsMissing {
		resp.Diagnostics.AddError(missingCredentialsSummary, cancelEventCalls.missingCredentials(opInvoke))
	}
}

func (a *automationCancelEventAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m automationCancelEventActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	run := &cancelEventRun{triggerKey: m.TriggerKey.ValueString(), ids: setStrings(m.ExternalEntityIDs), send: resp.SendProgress}
	// The schema's validators ran at validate time; checking again here
	// keeps any path that skipped them from sending bad input to Wix.
	resp.Diagnostics.Append(checkCancelEventArgs(ctx, run.triggerKey, run.ids)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil || a.data.client == nil {
		resp.Diagnostics.AddError(missingCredentialsSummary, cancelEventCalls.missingCredentials(opInvoke))
		return
	}
	run.client, run.size = a.data.client, a.data.bulkSize
	limit := timeLimit(ctx, cancelEventActionTimeout)
	ctx, cancel := context.WithTimeout(ctx, cancelEventActionTimeout)
	defer cancel()
	ctx = tflog.SetField(ctx, "trigger_key", run.triggerKey)
	err := run.cancelAll(ctx)
	if err != nil {
		summary, detail := run.failure(err, limit)
		resp.Diagnostics.AddError(summary, a.data.redact(detail))
	}
	if len(run.unconfirmed) > 0 {
		summary, detail := run.unconfirmedDiagnostic()
		resp.Diagnostics.AddError(summary, a.data.redact(detail))
	}
}

// setStrings returns a set of strings' known elements, sorted, so that the
// calls and their progress come in a stable order.
func setStrings(set types.Set) []string {
	var out []string
	for _, v := range set.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkCancelEventArgs repeats the schema's checks on known values, with
// the schema's own validators, so that the errors read the same.
func checkCancelEventArgs(ctx context.Context, triggerKey string, ids []string) diag.Diagnostics {
	var key validator.StringResponse
	triggerKeyValidator().ValidateString(ctx, validator.StringRequest{Path: path.Root("trigger_key"), ConfigValue: types.StringValue(triggerKey)}, &key)
	diags := key.Diagnostics
	if problem := checkEntityIDs(ids); problem != "" {
		diags.AddAttributeError(path.Root("external_entity_ids"), "Invalid external_entity_ids", problem)
	}
	return diags
}

// timeLimit is how long ctx leaves for an operation of the given timeout:
// the timeout, or less when the caller's own deadline comes first.
func timeLimit(ctx context.Context, timeout time.Duration) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		return min(timeout, time.Until(deadline))
	}
	return timeout
}
