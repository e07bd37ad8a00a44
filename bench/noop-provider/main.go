// Command noop-provider is the floor the benchmark compares the Wix provider
// with: a terraform-plugin-framework provider, served exactly as the Wix
// provider is, whose one resource does nothing at all. Every provider pays
// Terraform's plugin round trips (GetProviderSchema, ValidateResourceConfig,
// PlanResourceChange, ApplyResourceChange, ...), so no provider can apply N
// resources faster than this one does.
//
// Its resource, noop_thing, has the same attributes as
// wix_automation_event_cancellation (and the same timeouts block), so that
// Terraform moves the same amount of data per resource; only the work is
// missing.
//
// Served as registry.terraform.io/wix-terraform/noop; bench only, never
// released.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} }, providerserver.ServeOpts{
		Address: "registry.terraform.io/wix-terraform/noop",
	})
	if err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {
	// resp.Schema stays the empty schema: the provider block takes nothing.
}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return thing{} }}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// thing mirrors wix_automation_event_cancellation's schema and saves its
// plan as state on create, and that is all.
type thing struct{}

type thingModel struct {
	ID               types.String   `tfsdk:"id"`
	TriggerKey       types.String   `tfsdk:"trigger_key"`
	ExternalEntityID types.String   `tfsdk:"external_entity_id"`
	Triggers         types.Map      `tfsdk:"triggers"`
	CanceledAt       types.String   `tfsdk:"canceled_at"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (thing) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_thing"
}

func (thing) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":                 schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"trigger_key":        schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"external_entity_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"triggers":           schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"canceled_at":        schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(m.TriggerKey.ValueString() + "/" + m.ExternalEntityID.ValueString())
	m.CanceledAt = types.StringValue("2006-01-02T15:04:05Z")
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (thing) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
