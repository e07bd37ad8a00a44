package base

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The schema pieces that more than one family uses: Wix's permissions,
// its trigger keys and GUIDs checked at plan, and computed values kept
// once known.

// The Wix permissions the provider's calls need, as Wix's developer
// console names them.
const (
	// ManageYourApp is what Report Event and Cancel Event need.
	ManageYourApp = `"Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP)`
	// SetUpAutomations is what the Automations v2 calls (and Report Event) need.
	SetUpAutomations = `"Set Up Automations" (SCOPE.CRM.SETUP-AUTOMATIONS)`
)

// Limits Wix puts on a trigger key.
const (
	triggerKeyMinLength = 1
	triggerKeyMaxLength = 100
)

// guidPattern is the 8-4-4-4-12 hex form Wix uses for ids.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckTriggerKey says what is wrong with a trigger key, as a predicate
// ("is empty: ..."), or returns "".
func CheckTriggerKey(key string) string {
	n := utf8.RuneCountInString(key)
	switch {
	case n < triggerKeyMinLength:
		return "is empty: Wix trigger keys are 1 to 100 characters, such as form_submitted"
	case n > triggerKeyMaxLength:
		return fmt.Sprintf("is %d characters long: Wix accepts at most %d", n, triggerKeyMaxLength)
	case strings.TrimSpace(key) != key:
		return "has leading or trailing spaces, which Wix would treat as part of the key"
	}
	return ""
}

// CheckGUID says what is wrong with an id Wix expects as a GUID, as a
// predicate ("is not a GUID: ..."), or returns "".
func CheckGUID(id string) string {
	if guidPattern.MatchString(id) {
		return ""
	}
	return "is not a GUID: Wix expects 32 hex digits in the form 8-4-4-4-12, such as 16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}

// TriggerKey checks a trigger key at plan.
func TriggerKey() validator.String {
	return StringCheck{Accepts: "1 to 100 characters", Check: CheckTriggerKey}
}

// GUID checks a GUID at plan.
func GUID() validator.String {
	return StringCheck{Accepts: "a GUID (8-4-4-4-12 hex digits)", Check: CheckGUID}
}

// StringCheck adapts a check function to a plan-time string validator:
// null and unknown values wait until they are known, and a problem becomes
// an "Invalid <path>" error whose detail Explain words.
type StringCheck struct {
	// Accepts says what the check accepts.
	Accepts string
	// Check says what is wrong with a value, or returns "".
	Check func(string) string
	// Explain words the detail from the check's problem; nil means
	// `The <path> "<value>" <problem>.`, which suits a predicate problem.
	Explain func(p path.Path, value, problem string) string
}

var _ validator.String = StringCheck{}

// Description is what the check accepts.
func (v StringCheck) Description(context.Context) string { return v.Accepts }

// MarkdownDescription is what the check accepts.
func (v StringCheck) MarkdownDescription(context.Context) string { return v.Accepts }

// ValidateString runs the check on a known value.
func (v StringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	problem := v.Check(value)
	if problem == "" {
		return
	}
	explain := v.Explain
	if explain == nil {
		explain = explainPredicate
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), explain(req.Path, value, problem))
}

// explainPredicate is StringCheck's default detail: `The trigger_key ""
// is empty: ...`.
func explainPredicate(p path.Path, value, problem string) string {
	return fmt.Sprintf("The %s %q %s.", p, value, problem)
}

// StringModifier adapts a function to a string plan modifier with one
// description, plain and Markdown alike.
type StringModifier struct {
	// Does says what the modifier does.
	Does   string
	Modify func(planmodifier.StringRequest, *planmodifier.StringResponse)
}

var _ planmodifier.String = StringModifier{}

// Description is what the modifier does.
func (m StringModifier) Description(context.Context) string { return m.Does }

// MarkdownDescription is what the modifier does.
func (m StringModifier) MarkdownDescription(context.Context) string { return m.Does }

// PlanModifyString runs Modify.
func (m StringModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	m.Modify(req, resp)
}

// ComputedKept is a computed string that Terraform plans as unchanged
// (not "known after apply") once it is in state: ids, times and revisions
// that only a create or an update sets.
func ComputedKept(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}
