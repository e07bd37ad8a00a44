package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Limits Wix puts on Cancel Event's fields.
const (
	triggerKeyMinLength = 1
	triggerKeyMaxLength = 100
	maxSendAfter        = time.Minute
)

// guidPattern is the 8-4-4-4-12 hex form Wix uses for ids.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkTriggerKey says what is wrong with a trigger key, as a predicate
// ("is empty: ..."), or returns "".
func checkTriggerKey(key string) string {
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

// checkGUID says what is wrong with an external entity id, as a predicate
// ("is not a GUID: ..."), or returns "".
func checkGUID(id string) string {
	if guidPattern.MatchString(id) {
		return ""
	}
	return "is not a GUID: Wix expects 32 hex digits in the form 8-4-4-4-12, such as 16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
}

// stringCheck adapts a check function to a plan-time string validator:
// null and unknown values wait until they are known, and a problem becomes
// an "Invalid <path>" error whose detail explain words.
type stringCheck struct {
	description string
	check       func(string) string
	// explain words the detail from the check's problem; nil means
	// `The <path> "<value>" <problem>.`, which suits a predicate problem.
	explain func(p path.Path, value, problem string) string
}

var _ validator.String = stringCheck{}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	problem := v.check(value)
	if problem == "" {
		return
	}
	explain := v.explain
	if explain == nil {
		explain = explainPredicate
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), explain(req.Path, value, problem))
}

// explainPredicate is stringCheck's default detail: `The trigger_key ""
// is empty: ...`.
func explainPredicate(p path.Path, value, problem string) string {
	return fmt.Sprintf("The %s %q %s.", p, value, problem)
}

// stringModifier adapts a function to a string plan modifier with one
// description, plain and Markdown alike.
type stringModifier struct {
	description string
	modify      func(planmodifier.StringRequest, *planmodifier.StringResponse)
}

var _ planmodifier.String = stringModifier{}

func (m stringModifier) Description(context.Context) string         { return m.description }
func (m stringModifier) MarkdownDescription(context.Context) string { return m.description }

func (m stringModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	m.modify(req, resp)
}

func triggerKeyValidator() validator.String {
	return stringCheck{description: "1 to 100 characters", check: checkTriggerKey}
}

func guidValidator() validator.String {
	return stringCheck{description: "a GUID (8-4-4-4-12 hex digits)", check: checkGUID}
}

// baseURLValidator checks base_url in the block at validate time; values
// from WIX_BASE_URL are checked when the provider is configured.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "an https URL, or http for loopback hosts only"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := wix.ValidateBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Wix base URL",
			fmt.Sprintf("The base_url %s.\n\nSet it to an https:// URL such as %s, or leave it unset.", err, wix.DefaultBaseURL))
	}
}

// durationValidator accepts Go durations from 0 to max.
type durationValidator struct{ max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"500ms\", from 0s to %s", v.max)
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s is %q; it must be a duration from 0s to %s, such as \"500ms\".", req.Path, req.ConfigValue.ValueString(), shortDuration(v.max)))
	}
}

// forcesNew is a required string attribute, checked at plan by check,
// whose change forces a new resource.
func forcesNew(description string, check validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.String{check},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}
