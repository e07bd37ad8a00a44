// Package provider implements the Wix Terraform provider with
// terraform-plugin-framework: the provider block, and the wiring of each
// family's kinds (packages events, automations and accesstoken), which
// are built on package base. DESIGN.md draws the layers.
package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/accesstoken"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automations"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/events"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The provider serves every kind of type the framework has; each kind's
// registration is below, in one place.
var (
	_ provider.Provider                       = (*wixProvider)(nil)
	_ provider.ProviderWithActions            = (*wixProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*wixProvider)(nil)
	_ provider.ProviderWithListResources      = (*wixProvider)(nil)
)

// wixProvider is the provider. newClient builds its Wix client, one per
// provider configuration, from the provider block merged with the
// environment: wix.New, unless the provider was made with NewWithClients.
type wixProvider struct {
	version   string
	newClient func(wix.Config) (*wix.Client, error)
}

// New returns the provider factory that main serves.
func New(version string) func() provider.Provider {
	return NewWithClients(version, wix.New)
}

// NewWithClients is New with the constructor of its Wix clients, for a
// program that serves the provider with a client of its own making: the
// acceptance tests pass one that shortens backoff and routes calls
// through transports that inject faults.
func NewWithClients(version string, newClient func(wix.Config) (*wix.Client, error)) func() provider.Provider {
	return func() provider.Provider {
		return &wixProvider{version: version, newClient: newClient}
	}
}

func (p *wixProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = base.ProviderTypeName
	resp.Version = p.version
}

func (p *wixProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Calls Wix's REST APIs as a Wix app. Authenticate with the app's OAuth client " +
			"credentials (`app_id`, `app_secret`, `instance_id`) or with a ready `access_token`; every " +
			"attribute except the `batching` block can also come from its `WIX_*` environment variable, and a value in the block wins.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The Wix app's ID (its OAuth client ID). Falls back to `WIX_APP_ID`. Needs `app_secret` and `instance_id`.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"app_secret": schema.StringAttribute{
				MarkdownDescription: "The Wix app's secret key (OAuth client secret). Falls back to `WIX_APP_SECRET`. Never written to state or logs.",
				Optional:            true,
				Sensitive:           true,
				Validators:          nonEmpty,
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "The app instance (the app's installation on a site) to act for. Falls back to `WIX_INSTANCE_ID`.",
				Optional:            true,
				Validators:          nonEmpty,
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "A ready Wix access token, used instead of `app_id`, `app_secret` and `instance_id` " +
					"(for example one minted by a CI secret store). Falls back to `WIX_ACCESS_TOKEN`. Never written to state or logs.",
				Optional:   true,
				Sensitive:  true,
				Validators: nonEmpty,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The Wix API endpoint. Falls back to `WIX_BASE_URL`, then `" + wix.DefaultBaseURL + "`. " +
					"Tokens come from `<base_url>/oauth2/token`. Must be `https://`; plain `http://` is accepted only for " +
					"loopback hosts (127.0.0.0/8, ::1, localhost), such as a local simulator. A path prefix (a proxy's) is kept; a query or fragment is refused.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("This provider process's budget of Wix API calls, retries included (token requests are not counted): "+
					"never more than this many in any 60-second window, a sliding one. Calls go out at once until the budget matters; "+
					"a batch of cancellations or reports waits a moment for the resources Terraform starts next, so that they share one bulk call. "+
					"When Wix answers 429 although this process stayed within its budget, another client is using the app instance's limit: "+
					"the provider lowers its own budget, pauses as Wix asks (`Retry-After`), and raises the budget again gradually, "+
					"for the rest of the run (see the README's \"Many pipelines on one Wix site\"). Falls back to `WIX_REQUESTS_PER_MINUTE`, "+
					"then %d (Wix's documented limit per app instance). `0` turns pacing and this adaptation off.", wix.DefaultRequestsPerMinute),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a 500, 502, 503 or 504 answer, or a failed connection, is retried "+
					"after the first attempt, with exponential backoff and jitter, within the operation's timeout; only calls "+
					"safe to repeat are sent again after the request may have reached Wix. A 429 does not count: it is waited "+
					"out as Wix asks (`Retry-After`, or backoff without it) until the operation's timeout. "+
					"Falls back to `WIX_MAX_RETRIES`, then %d.", wix.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
		Blocks: map[string]schema.Block{
			"batching": batchingBlock(),
		},
	}
}

func (p *wixProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var model wixProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := resolveConfig(model, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &base.Data{
		Credentials: cfg.credentials,
		AppID:       cfg.client.AppID,
		BulkSize:    bulkSize(cfg.client.Batching.MaxBatchSize),
	}
	if cfg.credentials == base.CredentialsConfigured {
		data.Client = p.buildClient(ctx, cfg, req.TerraformVersion, &resp.Diagnostics)
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
	resp.EphemeralResourceData = data
}

func (p *wixProvider) buildClient(ctx context.Context, cfg resolvedConfig, terraformVersion string, diags *diag.Diagnostics) *wix.Client {
	clientCfg := cfg.client
	clientCfg.UserAgent = fmt.Sprintf("terraform-provider-wix/%s terraform/%s", p.version, terraformVersion)
	clientCfg.Logger = newTFLogger(clientCfg.Secrets()...)
	client, err := p.newClient(clientCfg)
	if err != nil {
		// resolveConfig checked everything wix.New checks, so this is a bug.
		diags.AddError("Could not create the Wix API client",
			"The provider configuration passed its checks, but the Wix client refused it: "+err.Error()+
				".\n\nThis is a bug in terraform-provider-wix: please report it with this message.")
		return nil
	}
	logProviderConfigured(ctx, clientCfg, cfg.ignoredEnv)
	return client
}

func (p *wixProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		events.NewCancellationResource,
		events.NewEventResource,
		automations.NewAutomationResource,
	}
}

func (p *wixProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		automations.NewAutomationsDataSource,
	}
}

func (p *wixProvider) ListResources(ctx context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		automations.NewAutomationListResource,
	}
}

// Actions are the provider's actions (Terraform 1.14+).
func (p *wixProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		events.NewCancelEventAction,
	}
}

// EphemeralResources are the provider's ephemeral resources (Terraform 1.10+).
func (p *wixProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		accesstoken.New,
	}
}

// bulkSize is max_batch_size as set, or Wix's limit when unset.
func bulkSize(maxBatchSize int) int {
	if maxBatchSize <= 0 || maxBatchSize > wix.MaxBulkCancelIDs {
		return wix.MaxBulkCancelIDs
	}
	return maxBatchSize
}
