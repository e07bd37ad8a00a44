// Package events is the event family: the wix_automation_event and
// wix_automation_event_cancellation resources and the
// wix_automation_cancel_event action. An event is known to Wix by its
// trigger key and external entity id; what the three share about it
// (its key, import ids, the cancel call) lives in this file, so that their
// schemas and calls cannot drift apart; each keeps its own descriptions.
package events

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// eventKeyModel is the part of both resources' models that names the
// event: what an import sets.
type eventKeyModel struct {
	ID               types.String `tfsdk:"id"`
	TriggerKey       types.String `tfsdk:"trigger_key"`
	ExternalEntityID types.String `tfsdk:"external_entity_id"`
}

// triggerKeyAttribute is a resource's required trigger_key, checked at
// plan, whose change forces a new resource.
func triggerKeyAttribute(description string) schema.StringAttribute {
	return forcesNew(description, base.TriggerKey())
}

// externalEntityIDAttribute is a resource's required external_entity_id,
// a GUID checked at plan, whose change forces a new resource.
func externalEntityIDAttribute(description string) schema.StringAttribute {
	return forcesNew(description, base.GUID())
}

// forcesNew is a required string attribute, checked at plan by check,
// whose change forces a new resource.
func forcesNew(description string, check validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.String{check},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// triggersAttribute is the optional map of arbitrary strings whose change
// forces a new resource as replace decides (both resources spare the first
// apply after an import).
func triggersAttribute(description string, replace planmodifier.Map) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: description,
		ElementType:         types.StringType,
		Optional:            true,
		PlanModifiers:       []planmodifier.Map{replace},
	}
}

// sameTriggers reports whether two triggers maps hold the same values, where
// no triggers and triggers = {} are the same: adding or removing an empty
// map changes no value, so it replaces nothing. One not known yet is the
// same as none other.
func sameTriggers(a, b types.Map) bool {
	if a.IsUnknown() || b.IsUnknown() {
		return false
	}
	if len(a.Elements()) == 0 && len(b.Elements()) == 0 {
		return true
	}
	return a.Equal(b)
}

// invalidImportID is the error for an import id of the form
// <trigger_key>/<external_entity_id> that parseImportID refused.
func invalidImportID(typeName, id, problem string) (summary, detail string) {
	return "Invalid import id for " + typeName, fmt.Sprintf("The import id %q %s.\n\nUse <trigger_key>/<external_entity_id>, "+
		"for example form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.", id, problem)
}

// importID is the id of the pair, and the import id that adopts it.
func importID(triggerKey, entityID string) string {
	return triggerKey + "/" + entityID
}

// parseImportID splits at the last "/": GUIDs have none, so a trigger key
// may. It returns a description of the problem, or "".
func parseImportID(id string) (triggerKey, entityID, problem string) {
	i := strings.LastIndex(id, "/")
	if i < 0 {
		return "", "", "has no \"/\" between the trigger key and the external entity id"
	}
	triggerKey, entityID = id[:i], id[i+1:]
	if p := base.CheckTriggerKey(triggerKey); p != "" {
		return "", "", "has a trigger key that " + p
	}
	if p := base.CheckGUID(entityID); p != "" {
		return "", "", fmt.Sprintf("ends in %q, which %s", entityID, p)
	}
	return triggerKey, entityID, ""
}

// importEventKey adopts a resource of typeName by its import id, without
// an API call: it sets id, trigger_key and external_entity_id, leaves the
// rest null, and marks the resource as imported (see privateImported).
func importEventKey(ctx context.Context, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	triggerKey, entityID, problem := parseImportID(req.ID)
	if problem != "" {
		resp.Diagnostics.AddError(invalidImportID(typeName, req.ID, problem))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importID(triggerKey, entityID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("trigger_key"), triggerKey)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("external_entity_id"), entityID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}

// privateImported is the private state key that marks a resource imported
// and not applied since: its first apply records what the configuration
// sets (payload, triggers, idempotency_key; a cancellation's triggers)
// without calling Wix, where any later change of them replaces it. Null
// attributes cannot say so: an import whose configuration sets none of
// them keeps them null for good, and would be taken for a fresh import on
// every later plan, so that a change meant to cancel or report again
// would only be saved.
//
// ImportState writes the mark; the first apply after it removes it
// (Update; see planEndOfImport for an apply with nothing to record). State
// without the mark, including all that earlier versions of the provider
// wrote, is never taken for a fresh import.
const privateImported = "imported"

// freshImport reports whether private holds the mark of an import not
// applied since.
func freshImport(ctx context.Context, private privateState, diags *diag.Diagnostics) bool {
	if private == nil {
		return false
	}
	mark, d := private.GetKey(ctx, privateImported)
	diags.Append(d...)
	return len(mark) > 0
}

// endImport removes the mark of a fresh import: the apply it is part of is
// the first after the import.
func endImport(ctx context.Context, private privateState) diag.Diagnostics {
	return private.SetKey(ctx, privateImported, nil)
}

// eventLogContext names the trigger key and external entity in every log
// line of a call about them.
func eventLogContext(ctx context.Context, triggerKey, entityID string) context.Context {
	ctx = tflog.SetField(ctx, "trigger_key", triggerKey)
	return tflog.SetField(ctx, "external_entity_id", entityID)
}

// cancelEvent runs Cancel Event for the events of a trigger key and
// external entity. A failure adds its diagnostic, naming subject, and
// returns false.
func cancelEvent(ctx context.Context, call *base.Call, triggerKey, entityID, subject string, diags *diag.Diagnostics) bool {
	err := call.Client.CancelEvent(ctx, triggerKey, entityID)
	if err != nil {
		call.Fail(diags, subject, err)
	}
	return err == nil
}

// onlyTheTriggersAppCancels is what a 403 of a cancellation may mean
// besides a missing permission.
const onlyTheTriggersAppCancels = "Only the app that created the trigger key can cancel its events. " + triggerKeysComeFrom

// triggerKeysComeFrom says where a trigger key comes from, for the advice
// on a trigger key Wix refuses or does not know.
const triggerKeysComeFrom = "Trigger keys come from the app's automation triggers (in Wix's app dashboard: " +
	"Extensions, then Automations): use one that the app the provider authenticates as created."

// unknownTriggerKey is what Wix's 404 means for a call about events.
const unknownTriggerKey = "Wix knows no such trigger key for this app. " + triggerKeysComeFrom

// cancelingEvents is a call to api that cancels events, in the words the
// cancellation resource and the cancel action both use.
func cancelingEvents(api string) base.Phrases {
	return base.Phrases{API: api, Act: "cancellation", Do: "cancel Wix automation events", Doing: "canceling Wix automation events"}
}

// eventSubject names an event in messages: its trigger key and entity.
func eventSubject(triggerKey, entityID string) string {
	return fmt.Sprintf("the event of trigger key %q for external entity %s", triggerKey, entityID)
}

// planEndOfImport plans the first apply after an import as an update even
// when the configuration sets nothing to record, so that the apply removes
// the mark of the fresh import. Nothing else could: Terraform keeps the
// state as it was after an apply with no change, and the plan's private
// state is dropped with it; Read cannot tell the refresh of the import's
// own apply (an import block) from the refresh of the first apply after
// terraform import, and both must keep the mark. The update calls nothing:
// the time attribute (reported_at, canceled_at) is planned unknown, and
// Update writes it back null, as the import left it.
func planEndOfImport(ctx context.Context, timeAttribute string, later laterChanges, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !freshImport(ctx, req.Private, &resp.Diagnostics) || !resp.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(timeAttribute), types.StringUnknown())...)
	resp.Diagnostics.AddWarning("First apply after an import", fmt.Sprintf("%s %s was imported, and the configuration "+
		"sets nothing for the first apply to record (%s). The update this plan shows makes no call to Wix: it ends the "+
		"import in state, and %s stays null, because it is not known. After this apply, a change of %s %s.",
		later.TypeName, importIDOf(ctx, req, &resp.Diagnostics), later.Attributes, timeAttribute, later.Attributes, later.Does))
}

// laterChanges says, for the warning of planEndOfImport, what a change
// does to a resource once its import is applied.
type laterChanges struct {
	TypeName   string
	Attributes string // the attributes the first apply records
	Does       string // what a later change of them does
}

// importIDOf is the id in state of the resource planned, for messages.
func importIDOf(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) string {
	var id types.String
	diags.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	return id.ValueString()
}
