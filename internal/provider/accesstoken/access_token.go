// Package accesstoken is the wix_access_token ephemeral resource: the
// provider's access token for other tools in the same run.
package accesstoken

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

var (
	_ ephemeral.EphemeralResource              = (*accessTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*accessTokenEphemeralResource)(nil)
)

// New is the factory of the wix_access_token ephemeral resource.
func New() ephemeral.EphemeralResource {
	return &accessTokenEphemeralResource{}
}

// accessTokenEphemeralResource hands out the provider's Wix access token for
// other tools in the same run. Terraform keeps ephemeral values out of
// state and plan files, which is what makes handing out a secret safe.
type accessTokenEphemeralResource struct {
	data *base.Data
}

type accessTokenEphemeralModel struct {
	AccessToken types.String `tfsdk:"access_token"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
}

func (e *accessTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (e *accessTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Wix access token the provider calls Wix with, for other tools and providers in the same run " +
			"(a `provider` block, a `local-exec` environment). It is the provider's one token of the run: opening this " +
			"ephemeral resource makes no token request when the provider already holds a token. Requires Terraform 1.10 " +
			"or OpenTofu 1.11 or later, which never write it to state or plan files.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "The access token, sent raw in the `Authorization` header of Wix API calls (no `Bearer ` prefix). " +
					"With app credentials it is an OAuth token of the app on its instance; with a configured `access_token`, that token.",
				Computed:  true,
				Sensitive: true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "The RFC 3339 time at which the token expires, as Wix said when issuing it (tokens live 4 hours). " +
					"Null when the provider is configured with a ready `access_token`, whose expiry it does not know.",
				Computed: true,
			},
		},
	}
}

func (e *accessTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = base.DataOf(req.ProviderData, &resp.Diagnostics)
}

func (e *accessTokenEphemeralResource) Open(ctx context.Context, _ ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if e.data == nil || e.data.Client == nil {
		summary, detail := e.noClient()
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	token, expiresAt, err := e.data.Client.AccessToken(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not get a Wix access token",
			"Opening wix_access_token asked Wix's OAuth endpoint for the provider's token, and it failed.\n\n"+e.data.Mask(err.Error())+
				"\n\n"+tokenAdvice(err))
		return
	}
	result := accessTokenEphemeralModel{AccessToken: types.StringValue(token), ExpiresAt: types.StringNull()}
	if !expiresAt.IsZero() {
		result.ExpiresAt = types.StringValue(expiresAt.UTC().Format(time.RFC3339))
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, result)...)
}

// noClient says why there is no token to hand out.
func (e *accessTokenEphemeralResource) noClient() (summary, detail string) {
	if e.data != nil && e.data.Credentials == base.CredentialsUnknown {
		return base.UnknownCredentialsSummary, "Opening wix_access_token needs the provider's credentials, and some of them " +
			"come from values Terraform does not know yet (from a resource not yet applied). Ephemeral resources need " +
			"known provider values: configure the provider \"wix\" block from values known at plan time."
	}
	return base.MissingCredentialsSummary, "Opening wix_access_token gets a token with the provider's credentials, " +
		"and the provider has none.\n\n" + base.ConfigureCredentials
}

// tokenAdvice says what to do when the token request failed: credentials
// Wix refused, or another answer Wix would not change on a retry, point at
// the credentials; a path the host does not serve at base_url; anything
// else (no answer in time, no connection, Wix busy) passes with time.
func tokenAdvice(err error) string {
	var apiErr *wix.APIError
	var miss *wix.RoutingMissError
	switch {
	case wix.IsRejectedCredentials(err), errors.As(err, &apiErr) && !apiErr.Retryable():
		return "Check app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID), and that the app is " +
			"installed on that instance."
	case errors.As(err, &miss):
		return "The token endpoint is <base_url>/oauth2/token: check base_url (WIX_BASE_URL), which is " +
			wix.DefaultBaseURL + " for Wix, and any proxy in between."
	}
	return "Wix's OAuth endpoint could not be reached, did not answer in time, or asked to try again later. " +
		"Run Terraform again later; when the error persists, check the network path to Wix and base_url."
}
