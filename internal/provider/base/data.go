// Package base is the layer every kind of the provider is built on (its
// resources, data sources, list resources, actions and ephemeral
// resources): the provider's data that Configure hands them, the
// declaration of their calls to Wix with the credentials check at plan,
// the timeouts block and the wording of every failure, and the schema
// pieces more than one family uses. It imports no family; see DESIGN.md.
package base

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// ProviderTypeName is the provider's type name: the prefix of every type
// name, which the framework hands each kind as req.ProviderTypeName.
const ProviderTypeName = "wix"

// Credentials says whether API calls can be made.
type Credentials int

const (
	// CredentialsMissing means neither set is configured. Not an error until
	// an API call is planned, so that refresh, import and destroy need none.
	CredentialsMissing Credentials = iota
	// CredentialsUnknown means some value comes from a resource not yet
	// applied; it is checked when the provider is configured again at apply.
	CredentialsUnknown
	// CredentialsConfigured means the client can call Wix.
	CredentialsConfigured
)

// Data is what the provider's Configure hands every kind.
type Data struct {
	// Client is nil unless credentials are configured and known.
	Client      *wix.Client
	Credentials Credentials
	// AppID is the configured app_id; empty when only an access token is.
	AppID string
	// BulkSize is batching's max_batch_size: the most items one bulk write
	// call carries, for the calls a kind makes in bulk itself (the
	// wix_automation_cancel_event action).
	BulkSize int
}

// CredentialsPending reports whether some of the provider's credentials
// (or its base_url) come from values Terraform does not know yet: at plan,
// when they come from a resource not yet applied. At apply the provider is
// configured again with the values known.
func (d *Data) CredentialsPending() bool {
	return d != nil && d.Credentials == CredentialsUnknown
}

// Mask masks every secret the provider knows in a text it shows: the
// client's, which also knows the tokens it fetched. Without a client there
// is no secret to mask.
func (d *Data) Mask(s string) string {
	if d == nil || d.Client == nil {
		return s
	}
	return d.Client.Redact(s)
}

// DataOf is the provider's data as Configure hands it to every kind; nil
// before the provider is configured.
func DataOf(v any, diags *diag.Diagnostics) *Data {
	if v == nil {
		return nil
	}
	data, ok := v.(*Data)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *base.Data, got %T. "+
			"This is a bug in terraform-provider-wix: please report it.", v))
	}
	return data
}
