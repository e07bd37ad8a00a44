package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// An event whose report may have reached Wix without an answer that says
// so is unconfirmed: Wix may have started its flows, or not. It is kept in
// state with the idempotency key it was sent with, and a mark in the
// resource's private state, so that it is only ever reported again with
// that key (which Wix ignores if it saw it, for a week by default), never
// a new one. The next plan shows an in-place update, and that apply sends
// the report again: once Wix answers, the event is settled, with the
// activation ids of the one report Wix acted on.
//
// Settling is an update, never a replacement: a replacement would cancel
// the flows the first report may have started. That is also why Create
// saves an unconfirmed event with a warning, not an error: Terraform
// taints a resource created with an error, and replaces it next time.

// privateUnconfirmed is the private state key of the mark.
const privateUnconfirmed = "unconfirmed_report"

// pendingReport is the mark: the key the report was sent with, and when.
type pendingReport struct {
	IdempotencyKey string `json:"idempotency_key"`
	Since          string `json:"since"`
}

// privateState is the part of the framework's private state data that
// the mark needs (privatestate.ProviderData is internal to the framework).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// markUnconfirmed marks the event as unconfirmed, sent with key.
func markUnconfirmed(ctx context.Context, private privateState, key string) diag.Diagnostics {
	mark, err := json.Marshal(pendingReport{IdempotencyKey: key, Since: time.Now().UTC().Format(time.RFC3339)})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not mark the event as unconfirmed", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateUnconfirmed, mark)
}

// unconfirmedReport is the event's mark, or nil when it is settled.
func unconfirmedReport(ctx context.Context, private privateState) (*pendingReport, diag.Diagnostics) {
	if private == nil {
		return nil, nil
	}
	raw, diags := private.GetKey(ctx, privateUnconfirmed)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var p pendingReport
	if err := json.Unmarshal(raw, &p); err != nil || p.IdempotencyKey == "" {
		diags.AddError("Unreadable mark of an unconfirmed event", fmt.Sprintf("The private state of this "+
			"wix_automation_event holds %s, which is not the mark of an unconfirmed report.\n\nThis is a bug in "+
			"terraform-provider-wix: please report it with this message.", raw))
		return nil, diags
	}
	return &p, diags
}

// planSettle plans the settling of an unconfirmed event that the plan
// keeps (not replaces): reported_at and activation_ids become known after
// apply, which makes it an update, and a warning says what it will do.
func planSettle(ctx context.Context, r *base.Resource, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, state eventModel) {
	pending, diags := unconfirmedReport(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if pending == nil || resp.Diagnostics.HasError() {
		return
	}
	if r.Data != nil && r.Data.Credentials == base.CredentialsMissing {
		resp.Diagnostics.AddError(base.MissingCredentialsSummary, fmt.Sprintf("wix_automation_event %s is unconfirmed, "+
			"and settling it calls Wix's Report Event API, but the provider has no credentials to call it with.\n\n%s",
			state.ID.ValueString(), base.ConfigureCredentials))
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("reported_at"), types.StringUnknown())...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("activation_ids"), types.ListUnknown(types.StringType))...)
	resp.Diagnostics.AddWarning("Unconfirmed event report to be sent again", fmt.Sprintf("The report of "+
		"wix_automation_event %s (%s) may have reached Wix on %s, but Wix's answer was lost, so whether its flows "+
		"started is not known. This apply sends it again with the same idempotency key %q, an in-place update: Wix "+
		"starts the flows if the first report did not reach it, and ignores the repeat if it did, answering with the "+
		"first report's activation ids.", state.ID.ValueString(), eventSubject(state.TriggerKey.ValueString(),
		state.ExternalEntityID.ValueString()), pending.Since, pending.IdempotencyKey))
}

// settle sends the report of an unconfirmed event again, with the key it
// was first sent with. An answer settles it; a failure keeps it unconfirmed
// in state (an update's error taints nothing), for the next apply.
func settle(ctx context.Context, r *base.Resource, req resource.UpdateRequest, resp *resource.UpdateResponse, state eventModel, pending pendingReport) {
	var plan eventModel
	ctx, call := r.Begin(ctx, base.Create, req.Plan, &plan, &resp.Diagnostics)
	if call == nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	defer call.Done()
	plan.ID, plan.IdempotencyKey = state.ID, types.StringValue(pending.IdempotencyKey)
	report, ok := reportRequest(plan, &resp.Diagnostics)
	if !ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	ctx = eventLogContext(ctx, report.TriggerKey, report.ExternalEntityID)
	tflog.Info(ctx, "Sending an unconfirmed report again with its idempotency key")
	answer, err := call.Client.ReportEvent(ctx, report)
	if err != nil {
		resp.Diagnostics.AddError("Unconfirmed event report still unconfirmed", call.Mask(stillUnconfirmedDetail(report, pending, err)))
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	reported(ctx, &plan, report, answer, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnconfirmed, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// unconfirmedSummary is the summary of the warning of an unconfirmed create.
const unconfirmedSummary = "Event report unconfirmed: saved with its idempotency key"

// unconfirmedDetail is what happened to a report whose outcome is unknown,
// and what the next apply does about it.
func unconfirmedDetail(report wix.ReportEventRequest, err error) string {
	return fmt.Sprintf("Report Event for %s may have reached Wix, but no answer said whether Wix took it (%v).\n\n"+
		"The event was saved to state as unconfirmed, with its idempotency key %q, so that it is never reported under "+
		"another key: Wix may have started its flows already. The next plan shows an in-place update of this "+
		"wix_automation_event, and the next apply sends the report again with the same key: Wix starts the flows if "+
		"the first report did not reach it, and ignores the repeat if it did. Run terraform apply again within a week "+
		"(how long Wix remembers a key).", eventSubject(report.TriggerKey, report.ExternalEntityID), err,
		report.Idempotency.Key)
}

// stillUnconfirmedDetail is what a failed settle leaves: the event still
// unconfirmed, and why.
func stillUnconfirmedDetail(report wix.ReportEventRequest, pending pendingReport, err error) string {
	after := "The answer was lost again"
	if !errors.Is(err, wix.ErrMayHaveReachedWix) {
		after = "Wix did not take it"
	}
	return fmt.Sprintf("Sending the unconfirmed report of %s again, with its idempotency key %q (first sent on %s), "+
		"failed: %v.\n\n%s, so whether Wix started its flows is still not known. The event stays in state as unconfirmed, "+
		"with the same key: the next apply sends it again, with that key. Fix what the error names, if anything, and "+
		"apply again within a week of the first report (how long Wix remembers a key).",
		eventSubject(report.TriggerKey, report.ExternalEntityID), pending.IdempotencyKey, pending.Since, err, after)
}
