package automations

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automations/automationjson"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// automationModel is the wix_automation resource.
type automationModel struct {
	ID            types.String            `tfsdk:"id"`
	Name          types.String            `tfsdk:"name"`
	Description   types.String            `tfsdk:"description"`
	Status        types.String            `tfsdk:"status"`
	Trigger       *automationTriggerModel `tfsdk:"trigger"`
	RootActionIDs []types.String          `tfsdk:"root_action_ids"`
	Actions       actionsJSONValue        `tfsdk:"actions"`
	Revision      types.String            `tfsdk:"revision"`
	Origin        types.String            `tfsdk:"origin"`
	Timeouts      timeouts.Value          `tfsdk:"timeouts"`
}

// toWix is the automation the configuration describes, without the fields
// Wix sets (id, revision) or the provider adds on create (origin).
func (m automationModel) toWix() wix.Automation {
	a := wix.Automation{
		Name: m.Name.ValueString(),
		Configuration: wix.AutomationConfiguration{
			Status:        m.Status.ValueString(),
			RootActionIDs: make([]string, len(m.RootActionIDs)),
			Actions:       json.RawMessage(m.Actions.ValueString()),
		},
	}
	if !m.Description.IsNull() {
		d := m.Description.ValueString()
		a.Description = &d
	}
	if m.Trigger != nil {
		a.Configuration.Trigger = wix.Trigger{AppID: m.Trigger.AppID.ValueString(), TriggerKey: m.Trigger.TriggerKey.ValueString()}
	}
	for i, id := range m.RootActionIDs {
		a.Configuration.RootActionIDs[i] = id.ValueString()
	}
	return a
}

// setComputed records what Wix answered to a create or an update: its id,
// revision and origin. The configured values stay as planned.
func (m *automationModel) setComputed(a *wix.Automation) {
	m.ID = types.StringValue(a.ID)
	m.Revision = types.StringValue(a.Revision)
	m.Origin = types.StringValue(a.Origin)
}

// fromWix sets the model to the automation as Wix has it, so that a change
// made elsewhere shows in the next plan. The state's actions are kept when
// Wix's say the same plus only what Wix fills in by itself.
func (m *automationModel) fromWix(a *wix.Automation) diag.Diagnostics {
	var diags diag.Diagnostics
	m.setComputed(a)
	m.Name = types.StringValue(a.Name)
	switch {
	case a.Description != nil && *a.Description != "":
		m.Description = types.StringValue(*a.Description)
	case m.Description.ValueString() != "":
		m.Description = types.StringNull() // cleared elsewhere
	}
	m.Status = types.StringValue(a.Configuration.Status)
	m.Trigger = &automationTriggerModel{
		AppID:      types.StringValue(a.Configuration.Trigger.AppID),
		TriggerKey: types.StringValue(a.Configuration.Trigger.TriggerKey),
	}
	m.RootActionIDs = make([]types.String, len(a.Configuration.RootActionIDs))
	for i, id := range a.Configuration.RootActionIDs {
		m.RootActionIDs[i] = types.StringValue(id)
	}
	remote := string(a.Configuration.Actions)
	if remote == "" {
		remote = "{}"
	}
	if !m.Actions.IsNull() && !m.Actions.IsUnknown() && automationjson.Covers(m.Actions.ValueString(), remote) {
		return diags
	}
	normalized, err := normalizeJSON([]byte(remote))
	if err != nil {
		diags.AddError("Unreadable automation actions from Wix", fmt.Sprintf(
			"Wix answered actions of automation %s that are not JSON (%v). Please report this.", a.ID, err))
		return diags
	}
	m.Actions = newActionsJSON(normalized)
	return diags
}

// matchesSent reports whether Wix's automation holds what the provider
// sent: the same name, description, status, trigger and root actions, and
// actions that say the same.
func matchesSent(sent, got *wix.Automation) bool {
	c, g := sent.Configuration, got.Configuration
	return got.Name == sent.Name &&
		description(got) == description(sent) &&
		g.Status == c.Status &&
		g.Trigger.AppID == c.Trigger.AppID && g.Trigger.TriggerKey == c.Trigger.TriggerKey &&
		slices.Equal(g.RootActionIDs, c.RootActionIDs) &&
		automationjson.Covers(string(c.Actions), string(g.Actions))
}

func description(a *wix.Automation) string {
	if a.Description == nil {
		return ""
	}
	return *a.Description
}

// forUpdate is the automation to PATCH: Wix's current one with the
// configured fields replaced and everything the resource does not manage
// (settings, trigger filters, extended fields) sent back as Wix has it.
// The read-only fields are left out; revision is the one last read.
func forUpdate(current *wix.Automation, want wix.Automation, revision string) wix.Automation {
	a := *current.Clone()
	a.Revision = revision
	a.Name, a.Description = want.Name, want.Description
	if a.Description == nil {
		empty := ""
		a.Description = &empty // clears a description set before
	}
	a.CreatedDate, a.UpdatedDate = "", ""
	for _, k := range []string{"createdBy", "updatedBy", "draftInfo"} {
		delete(a.Unknown, k)
	}
	c := &a.Configuration
	c.Status = want.Configuration.Status
	c.Trigger.AppID, c.Trigger.TriggerKey = want.Configuration.Trigger.AppID, want.Configuration.Trigger.TriggerKey
	c.RootActionIDs = want.Configuration.RootActionIDs
	c.Actions = want.Configuration.Actions
	return a
}
