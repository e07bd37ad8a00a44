package automations

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automations/automationjson"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// maxListedNumbers bounds how many rounded numbers one warning names.
const maxListedNumbers = 5

// actionsNumbersValidator checks the numbers of the actions JSON against
// what Wix keeps: doubles. A number no double holds fails the plan; one
// Wix would round is a warning, since Wix gives it back rounded (the plan
// then compares it as Wix gives it back, so it makes no diff).
func actionsNumbersValidator() validator.String { return actionsNumbers{} }

type actionsNumbers struct{}

func (actionsNumbers) Description(context.Context) string {
	return "numbers that a double holds, as Wix keeps them"
}

func (v actionsNumbers) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (actionsNumbers) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	numbers, err := automationjson.Numbers(req.Path.String(), req.ConfigValue.ValueString())
	if err != nil {
		return // the actions validator reports JSON that does not parse
	}
	var rounded []string
	for _, n := range numbers {
		f, fit, err := base.DecimalAsDouble(n.Text)
		if err != nil || fit == base.DoubleExact {
			continue
		}
		problem := base.DoubleProblem(n.Path, n.Text, f, fit)
		if fit == base.DoubleRounded {
			rounded = append(rounded, problem)
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Number out of range in "+req.Path.String(), problem)
	}
	if len(rounded) > 0 {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Numbers lose precision in "+req.Path.String(), roundedDetail(rounded))
	}
}

// roundedDetail lists the numbers Wix would round, up to maxListedNumbers.
func roundedDetail(rounded []string) string {
	detail := strings.Join(rounded[:min(len(rounded), maxListedNumbers)], "\n\n")
	if n := len(rounded) - maxListedNumbers; n > 0 {
		detail += fmt.Sprintf("\n\nAnd %d more numbers.", n)
	}
	return detail + "\n\nThe plan compares them as Wix gives them back, so the rounding shows no change."
}
