package events

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/events/eventpayload"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// This file holds the Report Event request that a planned event makes,
// and what Wix's answer records in state: create sends it, and settle
// (settle.go) sends it again for an event whose first answer was lost.

// eventModel is wix_automation_event's plan and state.
type eventModel struct {
	eventKeyModel
	Payload        types.Dynamic  `tfsdk:"payload"`
	IdempotencyKey types.String   `tfsdk:"idempotency_key"`
	Triggers       types.Map      `tfsdk:"triggers"`
	ActivationIDs  types.List     `tfsdk:"activation_ids"`
	ReportedAt     types.String   `tfsdk:"reported_at"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

// reported records in m what Wix answered a report: its activation ids and
// the time; a warning says when Wix took it for a repeat of another.
func reported(ctx context.Context, m *eventModel, report wix.ReportEventRequest, answer *wix.ReportEventResponse, diags *diag.Diagnostics) {
	// Wix's JSON leaves an empty activationIds out; state says [] for it,
	// not null, which would read as "not known" (as after an import).
	ids := answer.ActivationIDs
	if ids == nil {
		ids = []string{}
	}
	activations, d := types.ListValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	m.ActivationIDs = activations
	m.ReportedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	if answer.SameActivationsAs != "" {
		diags.AddWarning("Wix took the report for a repeat", repeatedActivationsDetail(report, answer))
	}
	tflog.Debug(ctx, "Reported a Wix automation event", map[string]any{"activations": len(answer.ActivationIDs)})
}

// failReport words a report Wix did not take: a key this run already
// used, or the call's failure.
func failReport(diags *diag.Diagnostics, call *base.Call, report wix.ReportEventRequest, err error) {
	var dup *wix.DuplicateKeyError
	if errors.As(err, &dup) && dup.Canceled {
		diags.AddAttributeError(path.Root("idempotency_key"), "Replacement keeps the idempotency key", call.Mask(fmt.Sprintf(
			"%v.\n\nThis run canceled the event and would report it anew (a replacement that Terraform forced: terraform "+
				"apply -replace, a tainted resource, or replace_triggered_by), but idempotency_key stays %q; nothing was "+
				"saved to state for %s. Change idempotency_key along with the replacement, or remove it to get a fresh "+
				"random key, and apply again.", err, dup.IdempotencyKey, eventSubject(report.TriggerKey, report.ExternalEntityID))))
		return
	}
	if errors.As(err, &dup) {
		diags.AddAttributeError(path.Root("idempotency_key"), "Idempotency key shared by two events", call.Mask(fmt.Sprintf(
			"%v.\n\nNothing was saved to state for %s. Give each wix_automation_event an idempotency_key of its own (one "+
				"that names the entity, such as \"order-${each.key}-created\"), or leave it unset for a fresh random key.",
			err, eventSubject(report.TriggerKey, report.ExternalEntityID))))
		return
	}
	call.Fail(diags, eventSubject(report.TriggerKey, report.ExternalEntityID), err)
}

// reportRequest is the Report Event request of a planned event, with its
// idempotency key: the configured one, or a fresh random one that every
// retry of this create reuses.
func reportRequest(plan eventModel, diags *diag.Diagnostics) (wix.ReportEventRequest, bool) {
	// Warnings (a number Wix rounds) were shown at plan.
	problems := eventpayload.Errors(eventpayload.Check(path.Root("payload"), plan.Payload))
	for _, p := range problems {
		diags.AddAttributeError(p.Path, p.Summary, p.Detail)
	}
	if len(problems) > 0 {
		// JSON would only restate the first problem, less helpfully.
		return wix.ReportEventRequest{}, false
	}
	payload, err := eventpayload.JSON(plan.Payload)
	if err != nil {
		diags.AddAttributeError(path.Root("payload"), "Invalid payload", fmt.Sprintf("The payload passed its checks "+
			"but could not be encoded for Report Event: %s.\n\nThis is a bug in terraform-provider-wix: please report it "+
			"with this message. Until it is fixed, encode the payload's values as strings, such as with jsonencode().", err))
	}
	key := plan.IdempotencyKey.ValueString()
	if plan.IdempotencyKey.IsNull() || plan.IdempotencyKey.IsUnknown() {
		key = newIdempotencyKey()
	}
	return wix.ReportEventRequest{
		TriggerKey:       plan.TriggerKey.ValueString(),
		ExternalEntityID: plan.ExternalEntityID.ValueString(),
		Payload:          payload,
		Idempotency:      &wix.Idempotency{Key: key},
	}, !diags.HasError()
}

// newIdempotencyKey is 128 random bits, which no two creates share.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return "tf-" + hex.EncodeToString(b)
}

// repeatedActivationsDetail says that Wix answered a report with the
// activation ids of another report of this run.
func repeatedActivationsDetail(report wix.ReportEventRequest, answer *wix.ReportEventResponse) string {
	return fmt.Sprintf("Wix answered the report of %s with the activation ids of the report of %s in this run (%s): "+
		"it took this report for a repeat of that one, most likely because Wix saw its idempotency key %q within its "+
		"window (a week by default), and started no flows for it. The event was saved with those ids. If it should "+
		"start flows of its own, give it an idempotency_key of its own, which replaces it.",
		eventSubject(report.TriggerKey, report.ExternalEntityID), answer.SameActivationsAs,
		strings.Join(answer.ActivationIDs, ", "), report.Idempotency.Key)
}
