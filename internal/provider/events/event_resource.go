package events

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/dynamicplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/events/eventpayload"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ resource.Resource                = (*eventResource)(nil)
	_ resource.ResourceWithConfigure   = (*eventResource)(nil)
	_ resource.ResourceWithImportState = (*eventResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*eventResource)(nil)
)

// eventKind declares that create (Report Event) and delete (Cancel Event)
// call Wix; read cannot (Wix cannot read events back), and update only
// changes timeouts or records what an import could not know.
var eventKind = base.Kind{
	Suffix:    "_automation_event",
	Scope:     base.ManageYourApp + " and, to report, " + base.SetUpAutomations,
	Forbidden: "Only the app that created the trigger key can report and cancel its events. " + triggerKeysComeFrom,
	NotFound:  unknownTriggerKey,
	Ops: map[base.Op]base.Phrases{
		base.Create: {API: "Report Event", Act: "report",
			Do: "report a Wix automation event", Doing: "reporting a Wix automation event"},
		base.Delete: cancelingEvents("Cancel Event"),
	},
}

// maxIdempotencyKeyLength is Wix's limit on idempotency.key, in characters
// (code points, as Wix counts them), not bytes.
const maxIdempotencyKeyLength = 80

// NewEventResource is the factory of wix_automation_event.
func NewEventResource() resource.Resource {
	return &eventResource{base.NewResource(eventKind)}
}

// eventResource reports a triggered event on create and cancels
// it on destroy, so that the flows it starts live and die with the
// configuration.
type eventResource struct {
	base.Resource
}

func (r *eventResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reports a Wix triggered event on create (Report Event), starting the automations of its " +
			"trigger, and cancels it on destroy (Cancel Event), stopping what they have not done yet. " +
			"Wix cannot read events back, so refresh makes no API call.",
		Attributes: map[string]schema.Attribute{
			"id": base.ComputedKept("The event's id, `<trigger_key>/<external_entity_id>`; also the import id."),
			"trigger_key": triggerKeyAttribute("The trigger key to report, such as `form_submitted`: 1 to 100 characters, a trigger of the " +
				"app the provider authenticates as. Changing it forces a new event."),
			"external_entity_id": externalEntityIDAttribute("A GUID that identifies what the event is about (`externalEntityId`): destroy cancels the " +
				"event with it. Events that share a trigger key and entity share their cancellation. Changing it forces a new event."),
			"payload":         eventPayloadAttribute(),
			"idempotency_key": eventIdempotencyKeyAttribute(),
			"triggers": triggersAttribute("Arbitrary values that, when changed, force a new event: the old one is canceled and a "+
				"new one reported. An empty map holds no values, like none. The first apply after an import only records them.",
				mapplanmodifier.RequiresReplaceIf(replaceUnlessAdoptedMap, replaceUnlessAdoptedText, replaceUnlessAdoptedText)),
			"activation_ids": schema.ListAttribute{
				MarkdownDescription: "The ids of the automation activations the report started, from Wix's answer. Null after import.",
				ElementType:         types.StringType,
				Computed:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"reported_at": base.ComputedKept("The RFC 3339 time at which Wix accepted the report. Null after import, where the time is not known."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": r.Kind.TimeoutsBlock(ctx),
		},
	}
}

func eventPayloadAttribute() schema.DynamicAttribute {
	return schema.DynamicAttribute{
		MarkdownDescription: "The event's payload, written as an HCL object such as " +
			"`{ order_id = \"A-17\", amount = 42, vip = true }` and sent with the same JSON types. Keys are " +
			eventpayload.KeyRule + "; values are strings, numbers, booleans, or lists of flat objects. Wix keeps " +
			"numbers as doubles: one beyond a double's range fails at plan, and one Wix would round (more than 15 to " +
			"17 significant digits) warns at plan; write such values as strings. A change of the JSON Wix is sent forces a new " +
			"event; the same JSON in another type (such as a `map(string)` variable, or `{}` for no payload) is saved in place " +
			"without a call.",
		Optional:      true,
		Validators:    []validator.Dynamic{eventpayload.Validator()},
		PlanModifiers: []planmodifier.Dynamic{dynamicplanmodifier.RequiresReplaceIf(replaceUnlessAdoptedDynamic, replaceUnlessAdoptedText, replaceUnlessAdoptedText)},
	}
}

func eventIdempotencyKeyAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Sent as Report Event's `idempotency.key` (1 to 80 characters): Wix starts the automations of " +
			"a key once, for a week, and ignores a key it has seen. When not set, each create gets a fresh random key that " +
			"every retry of that report reuses, also across applies when its outcome was unconfirmed, so the flows never " +
			"start twice. Give each event its own key: a second event of the same trigger key with the same key is refused. " +
			"Changing it forces a new event; a replacement must change a key you set, or Wix would ignore the new report.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, maxIdempotencyKeyLength)},
		PlanModifiers: []planmodifier.String{
			keepStateWhenUnset(),
			stringplanmodifier.RequiresReplaceIf(replaceUnlessAdoptedString, replaceUnlessAdoptedText, replaceUnlessAdoptedText),
		},
	}
}

const replaceUnlessAdoptedText = "Changing this forces a new event (except on the first apply after an import, which only records it)."

// replaceUnlessAdoptedMap replaces the event when its triggers hold other
// values: no triggers and triggers = {} hold the same (none).
func replaceUnlessAdoptedMap(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !sameTriggers(req.PlanValue, req.StateValue) && !freshImport(ctx, req.Private, &resp.Diagnostics)
}

// replaceUnlessAdoptedDynamic replaces the event when its payload sends Wix
// another body. A payload of the same JSON in another Terraform type (an
// object literal written as a map(string) variable, no payload written as
// payload = {}) is an update that calls nothing: a replacement would cancel
// the event's flows and start them again for the very same report.
func replaceUnlessAdoptedDynamic(ctx context.Context, req planmodifier.DynamicRequest, resp *dynamicplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !eventpayload.SameBody(req.PlanValue, req.StateValue) && !freshImport(ctx, req.Private, &resp.Diagnostics)
}

func replaceUnlessAdoptedString(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !freshImport(ctx, req.Private, &resp.Diagnostics)
}

// keepStateWhenUnset plans an unset optional+computed value as it is in
// state, null included: the generated idempotency key of an existing event
// stays, and an imported event (whose key is not known) shows no diff.
func keepStateWhenUnset() planmodifier.String {
	return base.StringModifier{
		Does: "Keeps the value in state when the configuration does not set one.",
		Modify: func(req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
			if req.State.Raw.IsNull() || !req.ConfigValue.IsNull() {
				return
			}
			resp.PlanValue = req.StateValue
		},
	}
}

// ModifyPlan adds to the shared credentials check the rules of this
// resource's own: a replacement that keeps a user-set idempotency key
// would be ignored by Wix, which remembers the key for a week; and an
// event whose report is unconfirmed is planned as an in-place update that
// settles it (settle.go).
func (r *eventResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.Resource.ModifyPlan(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state eventModel
	var configKey types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("idempotency_key"), &configKey)...)
	if resp.Diagnostics.HasError() {
		return
	}
	replaced := eventReplaced(plan, state, freshImport(ctx, req.Private, &resp.Diagnostics))
	if replaced && !configKey.IsNull() && !configKey.IsUnknown() && configKey.Equal(state.IdempotencyKey) {
		resp.Diagnostics.AddAttributeError(path.Root("idempotency_key"), "Replacement keeps the idempotency key",
			fmt.Sprintf("This plan replaces wix_automation_event %s (cancels it and reports it anew), but idempotency_key "+
				"stays %q. Wix remembers a key for up to a week and would ignore the new report, so no automation would start.\n\n"+
				"Change idempotency_key along with the change that replaces the event, or remove it to get a fresh random key.",
				state.ID.ValueString(), configKey.ValueString()))
	}
	if !replaced {
		planSettle(ctx, &r.Resource, req, resp, state)
		planEndOfImport(ctx, "reported_at", laterChanges{TypeName: r.Kind.TypeName(), Attributes: "payload, triggers, idempotency_key",
			Does: "replaces the event, as any other: it is canceled and reported anew"}, req, resp)
	}
}

// eventReplaced mirrors the RequiresReplace rules of the schema, which the
// framework does not pass on to ModifyPlan; adopted is freshImport: the
// first apply after an import records payload, triggers and
// idempotency_key without reporting again.
func eventReplaced(plan, state eventModel, adopted bool) bool {
	if adopted {
		return !plan.TriggerKey.Equal(state.TriggerKey) || !plan.ExternalEntityID.Equal(state.ExternalEntityID)
	}
	return !plan.TriggerKey.Equal(state.TriggerKey) || !plan.ExternalEntityID.Equal(state.ExternalEntityID) ||
		!eventpayload.SameBody(plan.Payload, state.Payload) || !sameTriggers(plan.Triggers, state.Triggers)
}

func (r *eventResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan eventModel
	ctx, call := r.Begin(ctx, base.Create, req.Plan, &plan, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()
	report, ok := reportRequest(plan, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx = eventLogContext(ctx, report.TriggerKey, report.ExternalEntityID)
	plan.ID = types.StringValue(importID(report.TriggerKey, report.ExternalEntityID))
	plan.IdempotencyKey = types.StringValue(report.Idempotency.Key)
	answer, err := call.Client.ReportEvent(ctx, report)
	switch {
	case errors.Is(err, wix.ErrMayHaveReachedWix):
		// An error with state would taint the event, and the replacement
		// would cancel the flows Wix may have started: a warning instead.
		plan.ActivationIDs, plan.ReportedAt = types.ListNull(types.StringType), types.StringNull()
		resp.Diagnostics.AddWarning(unconfirmedSummary, call.Mask(unconfirmedDetail(report, err)))
		resp.Diagnostics.Append(markUnconfirmed(ctx, resp.Private, report.Idempotency.Key)...)
	case err != nil:
		failReport(&resp.Diagnostics, call, report, err)
		return
	default:
		reported(ctx, &plan, report, answer, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read makes no API call: Wix cannot read events back, so state stays as
// it is and plans after apply are empty.
func (r *eventResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update settles an event whose report is unconfirmed (settle.go);
// otherwise it only changes timeouts, or records what an import could not
// know (payload, triggers, idempotency_key): everything else forces
// replacement.
func (r *eventResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state eventModel
	if !base.ReadUpdate(ctx, req, &plan, &state, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(endImport(ctx, resp.Private)...)
	pending, diags := unconfirmedReport(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if pending != nil {
		settle(ctx, &r.Resource, req, resp, state, *pending)
		return
	}
	plan.ID, plan.ActivationIDs, plan.ReportedAt = state.ID, state.ActivationIDs, state.ReportedAt
	if plan.IdempotencyKey.IsUnknown() {
		plan.IdempotencyKey = state.IdempotencyKey
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete cancels the event. The resource leaves state only once Wix
// confirmed the cancellation; otherwise the next destroy tries again.
func (r *eventResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state eventModel
	ctx, call := r.Begin(ctx, base.Delete, req.State, &state, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()
	triggerKey, entityID := state.TriggerKey.ValueString(), state.ExternalEntityID.ValueString()
	ctx = eventLogContext(ctx, triggerKey, entityID)
	if !cancelEvent(ctx, call, triggerKey, entityID, eventSubject(triggerKey, entityID), &resp.Diagnostics) {
		return
	}
	// A replacement Terraform forces (taint, -replace, replace_triggered_by)
	// is not in the plan this resource sees: the report that follows in
	// this run is refused if it keeps this key.
	call.Client.RetireReportKey(triggerKey, entityID, state.IdempotencyKey.ValueString())
	tflog.Debug(ctx, "Canceled a Wix automation event")
}

// ImportState adopts an event reported earlier, without an API call;
// destroying it then cancels it.
func (r *eventResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEventKey(ctx, r.Kind.TypeName(), req, resp)
}
