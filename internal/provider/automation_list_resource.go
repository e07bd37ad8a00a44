package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ list.ListResource              = (*automationListResource)(nil)
	_ list.ListResourceWithConfigure = (*automationListResource)(nil)
)

// automationIdentityModel is the identity of a wix_automation: Wix's
// automation id, which is also its import id.
type automationIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// automationIdentity is the identity of the automation with this id; the
// wix_automation resource sets it in Create, Read and ImportState, and the
// list resource yields it for every automation it finds.
func automationIdentity(id string) automationIdentityModel {
	return automationIdentityModel{ID: types.StringValue(id)}
}

// automationIdentitySchema is the identity schema of wix_automation.
func automationIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "Wix's automation id.",
				RequiredForImport: true,
			},
		},
	}
}

// automationListRead declares the list resource's one call to Wix.
var automationListRead = automationsQueryRead("wix_automation", "the wix_automation list resource", "run terraform query again")

// NewAutomationListResource is the factory the provider registers for
// `terraform query` (Terraform 1.14+).
func NewAutomationListResource() list.ListResource {
	return &automationListResource{boundResource{wixBinding{calls: automationListRead.calls}}}
}

// automationListResource finds the site's automations for `terraform
// query`, with the data source's filters, so that users can generate
// import blocks for them. Like a resource, it is named and configured
// with resource requests.
type automationListResource struct {
	boundResource
}

func (l *automationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Finds the site's automations with Wix's Query Automations API, optionally filtered, " +
			"for `terraform query` (Terraform 1.14+, not OpenTofu). Needs the app permission " + setUpAutomations + ".",
		Attributes: map[string]listschema.Attribute{},
	}
	for _, f := range automationFilters() {
		resp.Schema.Attributes[f.name] = listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
}

// addFilterProblems adds an error for each bad filter, naming the attribute.
func addFilterProblems(filter automationFilterModel, diags *diag.Diagnostics) {
	for _, p := range filter.problems() {
		diags.AddAttributeError(path.Root(p.attribute), "Invalid "+p.attribute, p.detail)
	}
}

// List checks the filters again before calling Wix: Terraform validates the
// list block first, but a caller of the protocol need not.
func (l *automationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter automationFilterModel
	diags := req.Config.Get(ctx, &filter)
	addFilterProblems(filter, &diags)
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
		ctx, cancel, client := automationListRead.begin(ctx, l.data, &diags)
		defer cancel()
		if client == nil {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		l.stream(ctx, client, req, filter, push)
	}
}

// stream pushes the automations page by page, stopping at Terraform's limit
// or when Terraform wants no more, so that no page is read in vain.
func (l *automationListResource) stream(ctx context.Context, client *wix.Client, req list.ListRequest, filter automationFilterModel, push func(list.ListResult) bool) {
	pageSize := wix.MaxQueryLimit
	if req.Limit > 0 && req.Limit < int64(pageSize) {
		pageSize = int(req.Limit)
	}
	sent := int64(0)
	err := client.EachAutomationPage(ctx, filter.query(pageSize), func(page *wix.AutomationsPage) bool {
		for _, a := range page.Automations {
			if !push(automationListResult(ctx, req, a)) {
				return false
			}
			if sent++; req.Limit > 0 && sent >= req.Limit {
				return false
			}
		}
		return true
	})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError(automationListRead.failure(l.data, filter.subject(), err))
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
