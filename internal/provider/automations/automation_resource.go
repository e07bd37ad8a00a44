package automations

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ resource.Resource                   = (*automationResource)(nil)
	_ resource.ResourceWithConfigure      = (*automationResource)(nil)
	_ resource.ResourceWithImportState    = (*automationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*automationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*automationResource)(nil)
	_ resource.ResourceWithIdentity       = (*automationResource)(nil)
)

// automationKind declares that every operation of wix_automation calls
// Wix's Automations v2 API.
var automationKind = base.Kind{
	Suffix:    "_automation",
	Scope:     base.SetUpAutomations,
	Forbidden: "Wix may also refuse automations of a trigger that belongs to another app.",
	Ops: map[base.Op]base.Phrases{
		base.Create: {API: "Automations", Act: "creation", Do: "create the Wix automation", Doing: "creating the Wix automation"},
		base.Read:   {API: "Automations", Act: "read", Do: "read the Wix automation", Doing: "reading the Wix automation"},
		base.Update: {API: "Automations", Act: "update", Do: "update the Wix automation", Doing: "updating the Wix automation"},
		base.Delete: {API: "Automations", Act: "deletion", Do: "delete the Wix automation", Doing: "deleting the Wix automation"},
	},
}

// Wix's limits and values for an automation (Automations v2 types). Wix
// counts lengths in characters, as the validators here do (Unicode code
// points, not bytes): a 240-character Japanese name is 720 bytes.
const (
	automationNameMax        = 500
	automationDescriptionMax = 2000
	originApplication        = "APPLICATION"
)

// NewAutomationResource is the factory of the wix_automation resource.
func NewAutomationResource() resource.Resource {
	return &automationResource{base.NewResource(automationKind)}
}

// automationResource manages a Wix automation (Automations v2).
type automationResource struct {
	base.Resource
}

func (r *automationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Wix automation (Automations v2): a trigger and the graph of actions it starts. " +
			"Retire a flow with `status = \"INACTIVE\"` (kept, stopped) or by destroying it (deleted). " +
			"Changes made elsewhere (the dashboard, another tool) show in the next plan.",
		Attributes: map[string]schema.Attribute{
			"id": base.ComputedKept("Wix's automation id; also the import id."),
			"name": schema.StringAttribute{
				MarkdownDescription: "The automation's name, 1 to 500 characters.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, automationNameMax)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "The automation's description, up to 2000 characters.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(automationDescriptionMax)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`ACTIVE` (the default) or `INACTIVE`. Changing it updates the automation in place.",
				Optional:            true, Computed: true,
				Default:    stringdefault.StaticString(statusActive),
				Validators: []validator.String{stringvalidator.OneOf(statusActive, statusInactive)},
			},
			"trigger":         triggerAttribute(),
			"root_action_ids": rootActionIDsAttribute(),
			"actions": schema.StringAttribute{
				MarkdownDescription: "JSON of Wix's `configuration.actions`: a map of action id to action, usually " +
					"written with `jsonencode`. JSON that means the same (key order, spacing) is no change, nor are " +
					"the values Wix fills in by itself (an action's `id`, `namespace`, `type`, empty lists). Wix keeps " +
					"numbers as doubles: one beyond a double's range fails at plan, and one Wix rounds (more than 15 to " +
					"17 significant digits) warns at plan and is compared as Wix gives it back.",
				Required:      true,
				CustomType:    actionsJSONType{},
				Validators:    []validator.String{actionsObjectValidator(), actionsNumbersValidator()},
				PlanModifiers: []planmodifier.String{keepEquivalentActions()},
			},
			"revision": base.ComputedKept("Wix's revision of the automation, a number as a string; each update sends it and Wix increments it."),
			"origin":   base.ComputedKept("Wix's origin of the automation: `APPLICATION` for automations this provider creates."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": r.Kind.TimeoutsBlock(ctx),
		},
	}
}

func triggerAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The event that starts the automation: `trigger = { app_id = \"<GUID>\", trigger_key = \"form_submitted\" }`.",
		Required:            true,
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The GUID of the app that owns the trigger.",
				Required:            true,
				Validators:          []validator.String{base.GUID()},
			},
			"trigger_key": schema.StringAttribute{
				MarkdownDescription: "The trigger's key, such as `form_submitted`: 1 to 100 characters.",
				Required:            true,
				Validators:          []validator.String{base.TriggerKey()},
			},
		},
	}
}

func rootActionIDsAttribute() schema.ListAttribute {
	return schema.ListAttribute{
		MarkdownDescription: "Wix's `configuration.rootActionIds`: the ids (GUIDs) of the actions the trigger starts, " +
			"at least one, each a key of `actions`.",
		Required:    true,
		ElementType: types.StringType,
		Validators: []validator.List{
			listvalidator.SizeAtLeast(1),
			listvalidator.ValueStringsAre(base.GUID()),
		},
	}
}

// ValidateConfig checks what no single attribute can: every root action id
// is a key of actions. It warns of more than one root action, which Wix
// says it does not take for now. It makes no API call.
func (r *automationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var roots types.List
	var actions actionsJSONValue
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("root_action_ids"), &roots)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("actions"), &actions)...)
	if resp.Diagnostics.HasError() || roots.IsNull() || roots.IsUnknown() {
		return
	}
	warnOfRootActions(len(roots.Elements()), &resp.Diagnostics)
	if actions.IsNull() || actions.IsUnknown() {
		return
	}
	keys, problem := actionKeys(actions.ValueString())
	if problem != "" {
		return // the actions validator reports it
	}
	for i, el := range roots.Elements() {
		id, ok := el.(types.String)
		if !ok || id.IsNull() || id.IsUnknown() || keys[id.ValueString()] {
			continue
		}
		resp.Diagnostics.AddAttributeError(path.Root("root_action_ids").AtListIndex(i), "Invalid root_action_ids",
			fmt.Sprintf("root_action_ids[%d] is %q, which is not a key of actions: every root action id must name an "+
				"action in the actions JSON. Add an action with that id to actions, or fix the id.", i, id.ValueString()))
	}
}

// maxRootActionsNow is what Wix takes today: "You can currently only
// specify 1 root action" (Automations V2 introduction). The SDK's types
// allow 20, and "currently" says it may change, so more is a warning, not
// an error.
const maxRootActionsNow = 1

// warnOfRootActions warns when the configuration names more root actions
// than Wix takes for now.
func warnOfRootActions(n int, diags *diag.Diagnostics) {
	if n <= maxRootActionsNow {
		return
	}
	diags.AddAttributeWarning(path.Root("root_action_ids"), "Wix currently takes one root action",
		fmt.Sprintf("root_action_ids names %d actions, and Wix's Automations API says \"You can currently only specify 1 "+
			"root action\", so Wix will likely refuse this automation when it is created or updated. Start the flow with one "+
			"root action and chain the others after it (appDefinedInfo.postActionIds, or a condition's truePostActionIds "+
			"and falsePostActionIds).", n))
}

// ModifyPlan adds the credentials check, and marks revision as changing
// when an update is planned: Wix increments it on every update.
func (r *automationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.Resource.ModifyPlan(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !base.ChangedBeyondTimeouts(req.State.Raw, resp.Plan.Raw) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("revision"), types.StringUnknown())...)
}

func (r *automationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan automationModel
	ctx, call := r.Begin(ctx, base.Create, req.Plan, &plan, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()

	sent := plan.toWix()
	sent.Origin = originApplication
	sent.ApplicationInfo = &wix.ApplicationInfo{AppID: r.ownerAppID(sent.Configuration.Trigger.AppID)}
	ctx = tflog.SetField(ctx, "automation_name", sent.Name)
	created, err := createOnce(ctx, call, sent)
	if err != nil {
		failCreate(&resp.Diagnostics, call, sent, err)
		return
	}
	plan.setComputed(created)
	tflog.Debug(ctx, "Created Wix automation", map[string]any{"automation_id": created.ID})
	saveAutomation(ctx, &resp.State, resp.Identity, plan, created.ID, &resp.Diagnostics)
}

// beingImported reports whether state is an automation just imported and
// not read yet: import sets only the id, and every read or write after it
// sets the name, which Wix requires.
func beingImported(state automationModel) bool {
	return state.Name.IsNull() && state.Revision.IsNull()
}

// lowerCaseHint points at the id's lower-case form when it has upper-case
// letters: Wix writes its ids in lower case, and a GUID copied from
// elsewhere may not be.
func lowerCaseHint(id string) string {
	lower := strings.ToLower(id)
	if lower == id {
		return ""
	}
	return " The id has upper-case letters, and Wix writes automation ids in lower case: try importing " + lower + "."
}

// importing reports whether state is an import's, before its first read.
func importing(ctx context.Context, state tfsdk.State) bool {
	var m automationModel
	return !state.Get(ctx, &m).HasError() && beingImported(m)
}

// IdentitySchema is the automation's id, so that terraform query (the
// wix_automation list resource) can generate import blocks.
func (r *automationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = automationIdentitySchema()
}

// saveAutomation ends an operation that keeps the automation: its state,
// and the identity (its id) that the framework wants alongside every time.
func saveAutomation(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, m automationModel, id string, diags *diag.Diagnostics) {
	diags.Append(state.Set(ctx, m)...)
	diags.Append(identity.Set(ctx, automationIdentity(id))...)
}

// ownerAppID is the app the created automation belongs to: the provider's
// app, or the trigger's when only an access token is configured.
func (r *automationResource) ownerAppID(triggerAppID string) string {
	if r.Data != nil && r.Data.AppID != "" {
		return r.Data.AppID
	}
	return triggerAppID
}

func (r *automationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state automationModel
	if r.Data.CredentialsPending() && !importing(ctx, req.State) {
		keepUnrefreshed(ctx, req, resp)
		return
	}
	ctx, call := r.Begin(ctx, base.Read, req.State, &state, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()

	id := state.ID.ValueString()
	remote, err := call.Client.ReadAutomation(ctx, id)
	if wix.IsNotFound(err) && beingImported(state) {
		resp.Diagnostics.AddError("No such Wix automation", call.Mask(fmt.Sprintf("No automation has the id %s on this "+
			"site (the app instance the provider acts for): Wix answered that it does not exist, so there is nothing "+
			"to import.\n\n%v\n\nCheck the id (the wix_automations data source, or terraform query with the "+
			"wix_automation list resource, lists the site's automations), and that instance_id (WIX_INSTANCE_ID) names "+
			"the site that holds it.%s", id, err, lowerCaseHint(id))))
		return
	}
	if wix.IsNotFound(err) {
		tflog.Info(ctx, "The automation is gone from Wix; removing it from state", map[string]any{"automation_id": id})
		// The framework wants an identity after every Read, even one that
		// removes the resource (Terraform before 1.12 keeps none to copy).
		resp.Diagnostics.Append(resp.Identity.Set(ctx, automationIdentity(id))...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		call.Fail(&resp.Diagnostics, "automation "+id, err)
		return
	}
	resp.Diagnostics.Append(state.fromWix(remote)...)
	saveAutomation(ctx, &resp.State, resp.Identity, state, id, &resp.Diagnostics)
}

// keepUnrefreshed keeps the automation as state has it: at plan, while
// the provider's credentials come from values Terraform does not know yet,
// there is no client to read it with, and an error would break the plan of
// a managed resource (the contract). The apply configures the provider
// with known values, and an update then meets any change made at Wix
// since as a revision conflict.
// An import has nothing to keep: it needs the read, and Begin says why
// there is none.
func keepUnrefreshed(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Warn(ctx, "Not refreshing the automation: the provider's credentials are not known yet; state is kept as it is",
		map[string]any{"automation_id": id.ValueString()})
	resp.Diagnostics.Append(resp.Identity.Set(ctx, automationIdentity(id.ValueString()))...)
}

func (r *automationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state automationModel
	if !base.ReadUpdate(ctx, req, &plan, &state, &resp.Diagnostics) {
		return
	}
	if !base.ChangedBeyondTimeouts(req.State.Raw, req.Plan.Raw) {
		plan.Revision = state.Revision
		saveAutomation(ctx, &resp.State, resp.Identity, plan, state.ID.ValueString(), &resp.Diagnostics)
		return
	}
	ctx, call := r.Begin(ctx, base.Update, req.Plan, &plan, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()

	id := state.ID.ValueString()
	updated, problem := update(ctx, call, id, state.Revision.ValueString(), plan)
	if problem != nil {
		problem(&resp.Diagnostics)
		return
	}
	plan.setComputed(updated)
	saveAutomation(ctx, &resp.State, resp.Identity, plan, id, &resp.Diagnostics)
}

func (r *automationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state automationModel
	ctx, call := r.Begin(ctx, base.Delete, req.State, &state, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()

	id := state.ID.ValueString()
	err := call.Client.DeleteAutomation(ctx, id)
	if err != nil && !wix.IsNotFound(err) {
		call.Fail(&resp.Diagnostics, "automation "+id, err)
		return
	}
	if err != nil {
		tflog.Info(ctx, "The automation was already gone from Wix", map[string]any{"automation_id": id})
	}
}

// ImportState adopts an automation by its id, given as an import id or as
// an identity (import blocks that terraform query generates); Read then
// fills in the rest.
func (r *automationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
		return
	}
	if problem := base.CheckGUID(req.ID); problem != "" {
		resp.Diagnostics.AddError("Invalid import id for wix_automation", fmt.Sprintf(
			"The import id %q %s. Import an automation by its Wix id, for example "+
				"terraform import wix_automation.x 7d3c5a1e-2b4f-4c6d-8e9f-0a1b2c3d4e5f.", req.ID, problem))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}
