package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

var (
	_ provider.ProviderWithActions            = (*wixProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*wixProvider)(nil)
)

// Actions are the provider's actions (Terraform 1.14+).
func (p *wixProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewAutomationCancelEventAction,
	}
}

// EphemeralResources are the provider's ephemeral resources (Terraform 1.10+).
func (p *wixProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAccessTokenEphemeralResource,
	}
}
