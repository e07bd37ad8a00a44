package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ datasource.DataSource              = (*automationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*automationsDataSource)(nil)
)

// automationsQueryCall is Query Automations in the words diagnostics use.
var automationsQueryCall = wixCall{
	api: "Query Automations", act: "query", do: "list Wix automations", doing: "listing Wix automations",
}

// automationsRead declares the data source's one call to Wix.
var automationsRead = automationsQueryRead("wix_automations", "the wix_automations data source", "the next plan or apply reads again")

// automationsQueryRead is a reader whose one call to Wix is Query
// Automations; what and again are as in wixRead.
func automationsQueryRead(typeName, what, again string) wixRead {
	return wixRead{what: what, again: again, calls: wixCalls{
		typeName: typeName,
		scope:    setUpAutomations,
		calls:    map[wixOperation]wixCall{opRead: automationsQueryCall},
		// Readers have no timeouts block; %s is readTimeout.
		outOfTime: "Reading " + strings.ReplaceAll(what, "%", "%%") + " may take %s, retries and request pacing included, " +
			"and that ran out. Lower the load on the app instance, or narrow the filters, and run again.",
	}}
}

// NewAutomationsDataSource is the factory the provider registers.
func NewAutomationsDataSource() datasource.DataSource {
	return &automationsDataSource{}
}

// automationsDataSource lists the site's automations with Query Automations,
// every page, at the largest page size so that a site of up to 500
// automations costs one call of the 200 a minute Wix allows.
type automationsDataSource struct {
	data *providerData
}

// automationFilterModel holds the filters the data source and the list
// resource share.
type automationFilterModel struct {
	TriggerKey   types.String `tfsdk:"trigger_key"`
	TriggerAppID types.String `tfsdk:"trigger_app_id"`
	Status       types.String `tfsdk:"status"`
}

type automationsDataSourceModel struct {
	automationFilterModel
	Automations []automationItemModel `tfsdk:"automations"`
}

// automationItemModel is one automation, in the attribute names of the
// wix_automation resource.
type automationItemModel struct {
	ID            types.String           `tfsdk:"id"`
	Name          types.String           `tfsdk:"name"`
	Description   types.String           `tfsdk:"description"`
	Status        types.String           `tfsdk:"status"`
	Trigger       automationTriggerModel `tfsdk:"trigger"`
	RootActionIDs []string               `tfsdk:"root_action_ids"`
	Actions       types.String           `tfsdk:"actions"`
	Origin        types.String           `tfsdk:"origin"`
	Revision      types.String           `tfsdk:"revision"`
}

func (d *automationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_automations"
}

func (d *automationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// automationFilter is one optional filter of the data source and the list
// resource, which declare the same three from this one list.
type automationFilter struct {
	name, description string
	validators        []validator.String
}

func automationFilters() []automationFilter {
	return []automationFilter{
		{"trigger_key", "Only automations started by this trigger key, such as `form_submitted`: 1 to 100 characters.",
			[]validator.String{triggerKeyValidator()}},
		{"trigger_app_id", "Only automations whose trigger belongs to this app: a GUID.",
			[]validator.String{guidValidator()}},
		{"status", "Only automations in this status: `ACTIVE` or `INACTIVE`.",
			[]validator.String{stringvalidator.OneOf(statusActive, statusInactive)}},
	}
}

func (d *automationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the site's automations (Automations v2) with Wix's Query Automations API, every page, " +
			"optionally filtered. Each element has the attributes of a `wix_automation` resource, so it can be adopted " +
			"or retired with one. Needs the app permission " + setUpAutomations + ".",
		Attributes: map[string]schema.Attribute{
			"automations": schema.ListNestedAttribute{
				MarkdownDescription: "The automations that match, in Wix's order (oldest first).",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: automationItemAttributes()},
			},
		},
	}
	for _, f := range automationFilters() {
		resp.Schema.Attributes[f.name] = schema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
}

// automationItemAttributes are the attributes of one listed automation.
func automationItemAttributes() map[string]schema.Attribute {
	str := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	return map[string]schema.Attribute{
		"id":          str("Wix's automation id; also the import id of `wix_automation`."),
		"name":        str("The automation's name."),
		"description": str("The automation's description; null when it has none."),
		"status":      str("`ACTIVE` or `INACTIVE`."),
		"trigger": schema.SingleNestedAttribute{
			MarkdownDescription: "The event that starts the automation.",
			Computed:            true,
			Attributes: map[string]schema.Attribute{
				"app_id":      str("The app the trigger belongs to."),
				"trigger_key": str("The trigger key, such as `form_submitted`."),
			},
		},
		"root_action_ids": schema.ListAttribute{
			MarkdownDescription: "The actions the automation starts with (Wix's `configuration.rootActionIds`).",
			ElementType:         types.StringType, Computed: true,
		},
		"actions": str("Wix's `configuration.actions` map as JSON, with keys sorted and no spacing; " +
			"`wix_automation`'s `actions` accepts it as is."),
		"origin":   str("Where the automation came from: `USER`, `APPLICATION`, `PREINSTALLED` or `RECIPE`."),
		"revision": str("Wix's revision of the automation."),
	}
}

func (d *automationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model automationsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := model.automationFilterModel
	ctx, cancel, client := automationsRead.begin(ctx, d.data, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	all, err := client.QueryAllAutomations(ctx, filter.query(wix.MaxQueryLimit))
	if err != nil {
		resp.Diagnostics.AddError(automationsRead.failure(d.data, filter.subject(), err))
		return
	}
	model.Automations = make([]automationItemModel, 0, len(all))
	for _, a := range all {
		item, err := automationItem(a)
		if err != nil {
			resp.Diagnostics.AddError("Unreadable automation from Wix", err.Error())
			return
		}
		model.Automations = append(model.Automations, item)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// query is Wix's filter for f, as Wix's SDK writes it: one condition as
// {"field": value}, two or more in {"$and": [...]}.
func (f automationFilterModel) query(limit int) wix.AutomationQuery {
	var conditions []map[string]any
	add := func(field string, v types.String) {
		if !v.IsNull() && !v.IsUnknown() {
			conditions = append(conditions, map[string]any{field: v.ValueString()})
		}
	}
	add("configuration.trigger.triggerKey", f.TriggerKey)
	add("configuration.trigger.appId", f.TriggerAppID)
	add("configuration.status", f.Status)
	q := wix.AutomationQuery{Limit: limit}
	switch len(conditions) {
	case 0:
	case 1:
		q.Filter = conditions[0]
	default:
		and := make([]any, len(conditions))
		for i, c := range conditions {
			and[i] = c
		}
		q.Filter = map[string]any{"$and": and}
	}
	return q
}

// subject names what was listed, for messages: `the automations with
// trigger key "form_submitted"`.
func (f automationFilterModel) subject() string {
	var parts []string
	if !f.TriggerKey.IsNull() {
		parts = append(parts, fmt.Sprintf("trigger key %q", f.TriggerKey.ValueString()))
	}
	if !f.TriggerAppID.IsNull() {
		parts = append(parts, "trigger app "+f.TriggerAppID.ValueString())
	}
	if !f.Status.IsNull() {
		parts = append(parts, "status "+f.Status.ValueString())
	}
	if len(parts) == 0 {
		return "the site's automations"
	}
	return "the automations with " + joinWords(parts)
}

// filterProblem is a bad filter: the attribute and what is wrong with it.
type filterProblem struct{ attribute, detail string }

// problems checks the filters as the schema's validators do, for callers
// that get a configuration Terraform has not validated.
func (f automationFilterModel) problems() []filterProblem {
	var out []filterProblem
	check := func(attribute string, v types.String, check func(string) string) {
		if v.IsNull() || v.IsUnknown() {
			return
		}
		if p := check(v.ValueString()); p != "" {
			out = append(out, filterProblem{attribute, fmt.Sprintf("The %s %q %s.", attribute, v.ValueString(), p)})
		}
	}
	check("trigger_key", f.TriggerKey, checkTriggerKey)
	check("trigger_app_id", f.TriggerAppID, checkGUID)
	check("status", f.Status, checkStatusFilter)
	return out
}

// checkStatusFilter says what is wrong with a status filter, or returns "".
func checkStatusFilter(status string) string {
	if status == statusActive || status == statusInactive {
		return ""
	}
	return "is not a status: Wix automations are ACTIVE or INACTIVE"
}

// automationItem maps Wix's automation to the attributes of wix_automation.
func automationItem(a wix.Automation) (automationItemModel, error) {
	actions, err := canonicalActions(a.Configuration.Actions)
	if err != nil {
		return automationItemModel{}, fmt.Errorf("the actions of automation %s are not a JSON object (%w); "+
			"this is a bug in Wix's answer or in terraform-provider-wix: please report it", a.ID, err)
	}
	roots := a.Configuration.RootActionIDs
	if roots == nil {
		roots = []string{}
	}
	return automationItemModel{
		ID:            types.StringValue(a.ID),
		Name:          types.StringValue(a.Name),
		Description:   wixDescription(a.Description),
		Status:        types.StringValue(a.Configuration.Status),
		Trigger:       automationTriggerModel{AppID: types.StringValue(a.Configuration.Trigger.AppID), TriggerKey: types.StringValue(a.Configuration.Trigger.TriggerKey)},
		RootActionIDs: roots,
		Actions:       types.StringValue(actions),
		Origin:        types.StringValue(a.Origin),
		Revision:      types.StringValue(a.Revision),
	}, nil
}

// canonicalActions writes Wix's actions map as compact JSON with sorted
// keys and numbers as Wix sent them, so that the same actions always read
// as the same string; an absent map is {}.
func canonicalActions(raw json.RawMessage) (string, error) {
	if len(strings.TrimSpace(string(raw))) == 0 || string(raw) == "null" {
		return "{}", nil
	}
	s, err := normalizeJSON(raw)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(s, "{") {
		return "", fmt.Errorf("got %.40s", raw)
	}
	return s, nil
}
