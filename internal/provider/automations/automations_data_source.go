package automations

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ datasource.DataSource              = (*automationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*automationsDataSource)(nil)
)

// automationsKind declares the data source's one call to Wix.
var automationsKind = queryKind("_automations", base.DataSourceForm, "the wix_automations data source")

// NewAutomationsDataSource is the factory of the wix_automations data source.
func NewAutomationsDataSource() datasource.DataSource {
	return &automationsDataSource{}
}

// automationsDataSource lists the site's automations with Query Automations,
// every page, at the largest page size so that a site of up to 500
// automations costs one call of the 200 a minute Wix allows.
type automationsDataSource struct {
	data *base.Data
}

type automationsDataSourceModel struct {
	automationFilterModel
	Automations []automationItemModel `tfsdk:"automations"`
}

func (d *automationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + automationsKind.Suffix
}

func (d *automationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = base.DataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *automationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the site's automations (Automations v2) with Wix's Query Automations API, every page, " +
			"optionally filtered. Each element has the attributes of a `wix_automation` resource, so it can be adopted " +
			"or retired with one. Needs the app permission " + base.SetUpAutomations + ".",
		Attributes: map[string]schema.Attribute{
			"automations": schema.ListNestedAttribute{
				MarkdownDescription: "The automations that match, in Wix's order (oldest first), each once: when Wix's pages " +
					"repeat an automation (the site changed while they were read), the newest revision is listed where it first appeared.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: automationItemAttributes()},
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
		"origin": str("Where the automation came from: `USER`, `APPLICATION`, `PREINSTALLED` or `RECIPE`. Do not adopt " +
			"a `PREINSTALLED` one with `wix_automation`: Wix may give it a new id when it is updated on the site."),
		"archived": schema.BoolAttribute{
			MarkdownDescription: "Whether Wix has archived the automation (`false` when Wix does not say).",
			Computed:            true,
		},
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
	ctx, call := automationsKind.Begin(ctx, d.data, base.Read, base.DefaultTimeout, &resp.Diagnostics)
	if call == nil {
		return
	}
	defer call.Done()
	all, err := call.Client.QueryAllAutomations(ctx, filter.query(wix.MaxQueryLimit))
	if err != nil {
		call.Fail(&resp.Diagnostics, filter.subject(), err)
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
