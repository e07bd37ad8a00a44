// Package automations is the automation family: the wix_automation
// resource, the wix_automations data source and the wix_automation list
// resource, all on Wix's Automations v2 API. What more than one of them
// uses lives in this file, query.go (the Query that the data source and
// the list resource share) and actions_json.go (the actions JSON).
package automations

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Wix's values for an automation's status (Automations v2 types).
const (
	statusActive   = "ACTIVE"
	statusInactive = "INACTIVE"
)

// automationTriggerModel is an automation's trigger, in the resource and
// in each automation the data source lists.
type automationTriggerModel struct {
	AppID      types.String `tfsdk:"app_id"`
	TriggerKey types.String `tfsdk:"trigger_key"`
}

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

// wixDescription is an automation's description as the provider shows it:
// Wix answers a cleared description as "" or leaves it out, and both are
// null here, in the resource, the data source and the list resource alike.
func wixDescription(d *string) types.String {
	if d == nil || *d == "" {
		return types.StringNull()
	}
	return types.StringValue(*d)
}
