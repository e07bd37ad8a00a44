package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// cancelEventActionTimeout bounds one invocation, retries and pacing
// included. The contract gives the action no timeouts block; ten minutes is
// about 2,000 Bulk Cancel Event calls (200,000 ids) at the default pacing of
// 200 requests a minute, far beyond what one invocation is meant for.
const cancelEventActionTimeout = 10 * time.Minute

// cancelEventKind declares the action's one call, Bulk Cancel Event, so
// that its errors are worded like the resources'. The action has no
// timeouts block, and canceling again is harmless, so its advice on a
// failure says to invoke it again.
var cancelEventKind = base.Kind{
	Suffix:    "_automation_cancel_event",
	Form:      base.ActionForm,
	Scope:     base.ManageYourApp,
	Forbidden: onlyTheTriggersAppCancels,
	NotFound:  unknownTriggerKey,
	Ops:       map[base.Op]base.Phrases{base.Invoke: cancelingEvents("Bulk Cancel Event")},
	OutOfTime: "The invocation's time limit of %s ran out, or would have before the next attempt (retries, request " +
		"pacing and Wix's Retry-After count towards it). Invoke the action again later, or split external_entity_ids " +
		"over several actions.",
	Closing: "Canceling again is harmless, so invoking the action again with the same ids is safe.",
}

var (
	_ action.Action               = (*cancelEventAction)(nil)
	_ action.ActionWithConfigure  = (*cancelEventAction)(nil)
	_ action.ActionWithModifyPlan = (*cancelEventAction)(nil)
)

// NewCancelEventAction is the factory of the wix_automation_cancel_event
// action.
func NewCancelEventAction() action.Action {
	return &cancelEventAction{}
}

// cancelEventAction runs Bulk Cancel Event for any number of external
// entities of one trigger key, keeping nothing in state.
type cancelEventAction struct {
	data *base.Data
}

type cancelEventActionModel struct {
	TriggerKey        types.String `tfsdk:"trigger_key"`
	ExternalEntityIDs types.Set    `tfsdk:"external_entity_ids"`
}

func (a *cancelEventAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + cancelEventKind.Suffix
}

func (a *cancelEventAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
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
				Validators: []validator.String{base.TriggerKey()},
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

func (a *cancelEventAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = base.DataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan when the invocation would have no credentials
// to call Wix with, so the error comes before anything is applied.
func (a *cancelEventAction) ModifyPlan(_ context.Context, _ action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data != nil && a.data.Credentials == base.CredentialsMissing {
		resp.Diagnostics.AddError(base.MissingCredentialsSummary, cancelEventKind.MissingCredentials(base.Invoke))
	}
}

func (a *cancelEventAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m cancelEventActionModel
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
	limit := timeLimit(ctx, cancelEventActionTimeout)
	ctx, call := cancelEventKind.Begin(ctx, a.data, base.Invoke, cancelEventActionTimeout, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()
	run.client, run.size = call.Client, a.data.BulkSize
	ctx = tflog.SetField(ctx, "trigger_key", run.triggerKey)
	err := run.cancelAll(ctx)
	if err != nil {
		summary, detail := run.failure(err, limit)
		resp.Diagnostics.AddError(summary, call.Mask(detail))
	}
	if len(run.unconfirmed) > 0 {
		summary, detail := run.unconfirmedDiagnostic()
		resp.Diagnostics.AddError(summary, call.Mask(detail))
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
	base.TriggerKey().ValidateString(ctx, validator.StringRequest{Path: path.Root("trigger_key"), ConfigValue: types.StringValue(triggerKey)}, &key)
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

// cancelEventRun is one invocation of wix_automation_cancel_event: the ids
// go to Wix in Bulk Cancel Event calls of up to size (base.Data.BulkSize,
// which the provider keeps between 1 and wix.MaxBulkCancelIDs), one after
// the other (the client paces them anyway), and each answer is checked item by item.
type cancelEventRun struct {
	client     *wix.Client
	size       int
	triggerKey string
	ids        []string
	send       func(action.InvokeProgressEvent)

	sent        int // ids in calls Wix answered
	canceled    int // ids Wix confirmed
	unconfirmed []unconfirmedID
}

// unconfirmedID is an id Wix did not confirm, with Wix's reason.
type unconfirmedID struct {
	id string
	// reason is Wix's code and description, or why the outcome is unknown,
	// with the x-wix-request-id of the answer.
	reason string
}

// cancelAll sends every id, stopping at the first call that fails as a
// whole. Per-item failures do not stop it: the client sends those ids
// again (canceling again is harmless), and the other ids still get
// canceled.
func (r *cancelEventRun) cancelAll(ctx context.Context) error {
	for start := 0; start < len(r.ids); start += r.size {
		chunk := r.ids[start:min(start+r.size, len(r.ids))]
		outcomes, err := r.client.BulkCancelEventItems(ctx, r.triggerKey, chunk)
		if outcomes != nil {
			r.record(chunk, outcomes)
		}
		if err != nil {
			return err
		}
		tflog.Debug(ctx, "Bulk Cancel Event answered", map[string]any{"sent": r.sent, "canceled": r.canceled, "total": len(r.ids)})
		r.progress()
	}
	return nil
}

// record counts each id of chunk by its outcome, the client's own
// matching of Wix's answers: only a result with success true confirms an
// id; a failed item, or one the answer has no result for, does not.
func (r *cancelEventRun) record(chunk []string, outcomes []error) {
	for i, err := range outcomes {
		if err == nil {
			r.canceled++
			continue
		}
		r.unconfirmed = append(r.unconfirmed, unconfirmedID{id: chunk[i], reason: unconfirmedReason(err)})
	}
	r.sent += len(chunk)
}

// unconfirmedReason is why Wix did not confirm an id, in the words a
// diagnostic lists it with: Wix's code and description, or the client's
// account of an answer with no result for it, each with its request id.
func unconfirmedReason(err error) string {
	var item *wix.ItemError
	if !errors.As(err, &item) {
		return err.Error()
	}
	reason := item.Description
	if reason == "" {
		reason = "Wix reported no success for this id and gave no reason"
	}
	if item.Code != "" {
		reason = item.Code + ": " + reason
	}
	if item.RequestID == "" {
		return reason
	}
	return fmt.Sprintf("%s (x-wix-request-id: %s)", reason, item.RequestID)
}

// progress tells Terraform how far the invocation got.
func (r *cancelEventRun) progress() {
	if r.send == nil {
		return
	}
	msg := fmt.Sprintf("canceled %d of %d external entity %s of trigger key %q", r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey)
	if n := len(r.unconfirmed); n > 0 {
		msg += fmt.Sprintf(" (%d not confirmed)", n)
	}
	r.send(action.InvokeProgressEvent{Message: msg})
}

func idsWord(n int) string {
	if n == 1 {
		return "id"
	}
	return "ids"
}

// failure words a call that failed as a whole: what happened, how far the
// invocation got, why, and what to do. limit is the time the invocation had.
func (r *cancelEventRun) failure(err error, limit time.Duration) (summary, detail string) {
	summary, advice := cancelEventKind.Explain(base.Invoke, roundDuration(limit), err)
	detail = fmt.Sprintf("Wix confirmed the cancellation of %d of the %d external entity %s of trigger key %q "+
		"before a Bulk Cancel Event call failed; the %d %s of that call and the calls after it are not confirmed canceled.\n\n%s\n\n%s",
		r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey, len(r.ids)-r.sent, idsWord(len(r.ids)-r.sent), err, advice)
	return summary, detail
}

// roundDuration shows a duration the way users write one.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}

// unconfirmedDiagnostic lists each id Wix did not confirm, with Wix's code
// and description, up to maxListedUnconfirmedIDs.
func (r *cancelEventRun) unconfirmedDiagnostic() (summary, detail string) {
	n := len(r.unconfirmed)
	var b strings.Builder
	fmt.Fprintf(&b, "Wix confirmed the cancellation of %d of the %d external entity %s of trigger key %q, but not of these %d:\n",
		r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey, n)
	for _, u := range r.unconfirmed[:min(n, maxListedUnconfirmedIDs)] {
		fmt.Fprintf(&b, "  - %s: %s\n", u.id, u.reason)
	}
	if n > maxListedUnconfirmedIDs {
		fmt.Fprintf(&b, "  and %d more.\n", n-maxListedUnconfirmedIDs)
	}
	b.WriteString("\nCanceling again is harmless: once the cause is fixed, invoke the action again with these ids. " +
		"Wix support can find each call by its x-wix-request-id.")
	return fmt.Sprintf("Wix did not cancel the events of %d external entity %s", n, idsWord(n)), b.String()
}
