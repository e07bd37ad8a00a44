package events

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

var (
	_ resource.Resource                = (*cancellationResource)(nil)
	_ resource.ResourceWithConfigure   = (*cancellationResource)(nil)
	_ resource.ResourceWithImportState = (*cancellationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*cancellationResource)(nil)
)

// cancellationKind declares that only create calls Wix: read makes no call,
// update only changes timeouts or records triggers, and delete only forgets.
var cancellationKind = base.Kind{
	Suffix:    "_automation_event_cancellation",
	Scope:     base.ManageYourApp,
	Forbidden: onlyTheTriggersAppCancels,
	NotFound:  unknownTriggerKey,
	Ops:       map[base.Op]base.Phrases{base.Create: cancelingEvents("Cancel Event")},
}

// NewCancellationResource is the factory of wix_automation_event_cancellation.
func NewCancellationResource() resource.Resource {
	return &cancellationResource{base.NewResource(cancellationKind)}
}

// cancellationResource runs Wix's Cancel Event once, on create. A
// cancellation can be neither read back nor undone, so Read and Delete
// make no API call.
type cancellationResource struct {
	base.Resource
}

type cancellationModel struct {
	eventKeyModel
	Triggers   types.Map      `tfsdk:"triggers"`
	CanceledAt types.String   `tfsdk:"canceled_at"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (r *cancellationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Cancels the pending events of a Wix automation trigger for one external entity, with Wix's " +
			"Cancel Event API: every remaining action (emails, tasks, reminders) of the flows they started stops. " +
			"The cancellation runs once, on create. It cannot be read back or undone: destroy only removes it from state.",
		Attributes: map[string]schema.Attribute{
			"id": base.ComputedKept("The cancellation's id, `<trigger_key>/<external_entity_id>`; also the import id."),
			"trigger_key": triggerKeyAttribute("The trigger key the events were reported with, such as `form_submitted`: 1 to 100 characters. " +
				"Only the app that created the trigger key may cancel its events. Changing it forces a new cancellation."),
			"external_entity_id": externalEntityIDAttribute("The GUID of the external entity the events were reported with (`externalEntityId`). " +
				"Changing it forces a new cancellation."),
			"triggers": triggersAttribute("Arbitrary values that, when changed, force a new cancellation, so that Cancel Event runs "+
				"again (for example after new events were reported for the same entity). An empty map holds no values, like none. "+
				"The first apply after an import "+
				"only records them, without canceling again.", triggersRequireReplace()),
			"canceled_at": base.ComputedKept("The RFC 3339 time at which Wix accepted the cancellation. Null after import, where the time is not known."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": r.Kind.TimeoutsBlock(ctx),
		},
	}
}

// triggersRequireReplace forces a new cancellation when triggers change,
// except on the first apply after an import (see privateImported): adopting
// a cancellation must not cancel again.
func triggersRequireReplace() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !sameTriggers(req.PlanValue, req.StateValue) && !freshImport(ctx, req.Private, &resp.Diagnostics)
		},
		"Changing triggers forces a new cancellation (except right after import).",
		"Changing `triggers` forces a new cancellation (except right after import).",
	)
}

// ModifyPlan adds to the shared credentials check the end of a fresh
// import's grace (planEndOfImport).
func (r *cancellationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.Resource.ModifyPlan(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	planEndOfImport(ctx, "canceled_at", laterChanges{TypeName: r.Kind.TypeName(), Attributes: "triggers",
		Does: "replaces the cancellation, as any other: Cancel Event runs again"}, req, resp)
}

func (r *cancellationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan cancellationModel
	ctx, call := r.Begin(ctx, base.Create, req.Plan, &plan, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()

	triggerKey, entityID := plan.TriggerKey.ValueString(), plan.ExternalEntityID.ValueString()
	ctx = eventLogContext(ctx, triggerKey, entityID)
	subject := fmt.Sprintf("the events of trigger key %q for external entity %s", triggerKey, entityID)
	if !cancelEvent(ctx, call, triggerKey, entityID, subject, &resp.Diagnostics) {
		return
	}
	plan.ID = types.StringValue(importID(triggerKey, entityID))
	plan.CanceledAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	tflog.Debug(ctx, "Canceled Wix automation events")
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read makes no API call: Wix cannot tell whether a cancellation happened,
// so the state stays as it is and plans after apply are empty.
func (r *cancellationResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update only ever changes timeouts, or records triggers on an adopted
// import: everything else forces replacement.
func (r *cancellationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state cancellationModel
	if !base.ReadUpdate(ctx, req, &plan, &state, &resp.Diagnostics) {
		return
	}
	plan.ID = state.ID
	plan.CanceledAt = state.CanceledAt
	resp.Diagnostics.Append(endImport(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete makes no API call: a cancellation cannot be undone. It only
// removes the resource from state.
func (r *cancellationResource) Delete(ctx context.Context, _ resource.DeleteRequest, _ *resource.DeleteResponse) {
	tflog.Debug(ctx, "Removing the cancellation from state; Wix has no way to undo a cancellation")
}

// ImportState adopts a cancellation done earlier, without an API call.
func (r *cancellationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEventKey(ctx, r.Kind.TypeName(), req, resp)
}
