package automations

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The Query that the wix_automations data source and the wix_automation
// list resource share: their filters, how each calls Wix, and how an
// automation Wix lists becomes attributes.

// queryPhrases is Query Automations in the words diagnostics use.
var queryPhrases = base.Phrases{
	API: "Query Automations", Act: "query", Do: "list Wix automations", Doing: "listing Wix automations",
}

// queryKind is a reader (form: a data source or a list resource) whose one
// call to Wix is Query Automations; what names it in messages.
func queryKind(suffix string, form base.Form, what string) base.Kind {
	return base.Kind{
		Suffix: suffix,
		Form:   form,
		Scope:  base.SetUpAutomations,
		Ops:    map[base.Op]base.Phrases{base.Read: queryPhrases},
		// Readers have no timeouts block; %s is base.DefaultTimeout.
		OutOfTime: "Reading " + strings.ReplaceAll(what, "%", "%%") + " may take %s, retries and request pacing included, " +
			"and that ran out. Lower the load on the app instance, or narrow the filters, and run again.",
	}
}

// automationFilterModel holds the filters the data source and the list
// resource share.
type automationFilterModel struct {
	TriggerKey   types.String `tfsdk:"trigger_key"`
	TriggerAppID types.String `tfsdk:"trigger_app_id"`
	Status       types.String `tfsdk:"status"`
	Origin       types.String `tfsdk:"origin"`
}

// Wix's origins of an automation (Automations v2 Origin enum, without
// UNKNOWN_ORIGIN). Query returns every one of them: automations users
// made in the dashboard (USER), those of every installed app
// (APPLICATION), preinstalled ones and their site overrides
// (PREINSTALLED), and those made from a recipe (RECIPE).
var origins = []string{"APPLICATION", "USER", "PREINSTALLED", "RECIPE"}

// automationFilter is one optional filter of the data source and the list
// resource, which declare the same ones from this one list.
type automationFilter struct {
	name, description string
	validators        []validator.String
}

func automationFilters() []automationFilter {
	return []automationFilter{
		{"trigger_key", "Only automations started by this trigger key, such as `form_submitted`: 1 to 100 characters.",
			[]validator.String{base.TriggerKey()}},
		{"trigger_app_id", "Only automations whose trigger belongs to this app: a GUID.",
			[]validator.String{base.GUID()}},
		{"status", "Only automations in this status: `ACTIVE` or `INACTIVE`.",
			[]validator.String{stringvalidator.OneOf(statusActive, statusInactive)}},
		{"origin", "Only automations of this origin: `APPLICATION` (made by an app, this provider's included), `USER` " +
			"(made in Wix's dashboard), `PREINSTALLED` (shipped with an installed app, or a site's override of one) or " +
			"`RECIPE`. Wix's Query returns all of them, for every app installed on the site.",
			[]validator.String{stringvalidator.OneOf(origins...)}},
	}
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
	add("origin", f.Origin)
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
	if !f.Origin.IsNull() {
		parts = append(parts, "origin "+f.Origin.ValueString())
	}
	if len(parts) == 0 {
		return "the site's automations"
	}
	return "the automations with " + base.JoinWords(parts)
}

// addProblems checks the filters as the schema's validators do, for
// callers that get a configuration Terraform has not validated, and adds
// an error for each bad filter, naming the attribute.
func (f automationFilterModel) addProblems(diags *diag.Diagnostics) {
	check := func(attribute string, v types.String, check func(string) string) {
		if v.IsNull() || v.IsUnknown() {
			return
		}
		if p := check(v.ValueString()); p != "" {
			diags.AddAttributeError(path.Root(attribute), "Invalid "+attribute,
				fmt.Sprintf("The %s %q %s.", attribute, v.ValueString(), p))
		}
	}
	check("trigger_key", f.TriggerKey, base.CheckTriggerKey)
	check("trigger_app_id", f.TriggerAppID, base.CheckGUID)
	check("status", f.Status, checkStatusFilter)
	check("origin", f.Origin, checkOriginFilter)
}

// checkOriginFilter says what is wrong with an origin filter, or returns "".
func checkOriginFilter(origin string) string {
	if slices.Contains(origins, origin) {
		return ""
	}
	return "is not an origin: Wix's origins are " + base.JoinWords(origins)
}

// checkStatusFilter says what is wrong with a status filter, or returns "".
func checkStatusFilter(status string) string {
	if status == statusActive || status == statusInactive {
		return ""
	}
	return "is not a status: Wix automations are ACTIVE or INACTIVE"
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
	Archived      types.Bool             `tfsdk:"archived"`
	Revision      types.String           `tfsdk:"revision"`
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
		Archived:      types.BoolValue(a.Archived != nil && *a.Archived),
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
