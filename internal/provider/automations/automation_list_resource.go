package automations

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ list.ListResource              = (*automationListResource)(nil)
	_ list.ListResourceWithConfigure = (*automationListResource)(nil)
)

// automationListKind declares the list resource's one call to Wix.
var automationListKind = queryKind("_automation", base.ListResourceForm, "the wix_automation list resource")

// NewAutomationListResource is the factory of the wix_automation list
// resource, for `terraform query` (Terraform 1.14+).
func NewAutomationListResource() list.ListResource {
	return &automationListResource{}
}

// automationListResource finds the site's automations for `terraform
// query`, with the data source's filters, so that users can generate
// import blocks for them. Like a resource, it is named and configured
// with resource requests.
type automationListResource struct {
	data *base.Data
}

func (l *automationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + automationListKind.Suffix
}

func (l *automationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = base.DataOf(req.ProviderData, &resp.Diagnostics)
}

func (l *automationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the site's automations with Wix's Query Automations API, optionally filtered, " +
			"for `terraform query` (Terraform 1.14+, not OpenTofu). Needs the app permission " + base.SetUpAutomations + ".",
		Attributes: map[string]listschema.Attribute{},
	}
	for _, f := range automationFilters() {
		resp.Schema.Attributes[f.name] = listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
}

// List checks the filters again before calling Wix: Terraform validates the
// list block first, but a caller of the protocol need not.
func (l *automationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter automationFilterModel
	diags := req.Config.Get(ctx, &filter)
	filter.addProblems(&diags)
	if req.ResourceIdentitySchema == nil {
		diags.AddError("wix_automation has no resource identity",
			"The list resource yields each automation's identity, but the wix_automation resource declares no identity "+
				"schema. This is a bug in terraform-provider-wix: please report it.")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		ctx, call := automationListKind.Begin(ctx, l.data, base.Read, base.DefaultTimeout, &diags)
		if call == nil {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		defer call.Done()
		l.stream(ctx, call, req, filter, push)
	}
}

// stream pushes each automation once. Identities alone are pushed page by
// page, stopping at Terraform's limit or when Terraform wants no more, so
// that no page is read in vain; an automation a later page repeats was
// pushed already and is left out. With include_resource, the attributes
// must be the newest Wix holds, which only the last page can tell when
// pages repeat an automation: every page is read first.
func (l *automationListResource) stream(ctx context.Context, call *base.Call, req list.ListRequest, filter automationFilterModel, push func(list.ListResult) bool) {
	pageSize := wix.MaxQueryLimit
	if req.Limit > 0 && req.Limit < int64(pageSize) && !req.IncludeResource {
		pageSize = int(req.Limit)
	}
	sent := int64(0)
	pushAll := func(automations []wix.Automation) bool {
		for _, a := range automations {
			if !push(automationListResult(ctx, req, a)) {
				return false
			}
			if sent++; req.Limit > 0 && sent >= req.Limit {
				return false
			}
		}
		return true
	}
	var err error
	if req.IncludeResource {
		var all []wix.Automation
		if all, err = call.Client.QueryAllAutomations(ctx, filter.query(pageSize)); err == nil {
			pushAll(all)
		}
	} else {
		err = call.Client.EachAutomationPage(ctx, filter.query(pageSize), func(page *wix.AutomationsPage) bool {
			return pushAll(page.Automations)
		})
	}
	if err != nil {
		var diags diag.Diagnostics
		call.Fail(&diags, filter.subject(), err)
		push(list.ListResult{Diagnostics: diags})
	}
}

// automationListResult is one automation as `terraform query` shows it: its
// identity, a display name, and the resource when Terraform asks for it.
func automationListResult(ctx context.Context, req list.ListRequest, a wix.Automation) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s, %s)", a.Name, a.Configuration.Status, a.Configuration.Trigger.TriggerKey)
	result.Diagnostics.Append(result.Identity.Set(ctx, automationIdentity(a.ID))...)
	if req.IncludeResource {
		setAutomationResource(ctx, result.Resource, req, a, &result.Diagnostics)
	}
	return result
}

// setAutomationResource fills the wix_automation attributes the resource's
// schema has, by name: the resource's model is not needed, so the list
// follows the resource's schema as it is. Attributes not read from Wix
// (timeouts) stay null.
func setAutomationResource(ctx context.Context, res *tfsdk.Resource, req list.ListRequest, a wix.Automation, diags *diag.Diagnostics) {
	item, err := automationItem(a)
	if err != nil {
		diags.AddError("Unreadable automation from Wix", err.Error())
		return
	}
	values := map[string]any{
		"id": item.ID, "name": item.Name, "description": item.Description, "status": item.Status,
		"root_action_ids": item.RootActionIDs, "actions": item.Actions.ValueString(),
		"origin": item.Origin, "revision": item.Revision,
	}
	attributes := req.ResourceSchema.GetAttributes()
	for name, v := range values {
		if _, ok := attributes[name]; ok {
			diags.Append(res.SetAttribute(ctx, path.Root(name), v)...)
		}
	}
	if _, ok := attributes["trigger"]; ok {
		diags.Append(res.SetAttribute(ctx, path.Root("trigger").AtName("app_id"), item.Trigger.AppID)...)
		diags.Append(res.SetAttribute(ctx, path.Root("trigger").AtName("trigger_key"), item.Trigger.TriggerKey)...)
	}
}
