package eventpayload

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Errors name a value's kind as HCL does, never by its Go type.
func TestCheckNamesKindsAsHCLDoes(t *testing.T) {
	for want, v := range map[string]attr.Value{
		"a number": types.NumberValue(big.NewFloat(1)),
		"a string": types.StringValue("x"),
		"a bool":   types.BoolValue(true),
	} {
		payload := types.DynamicValue(object(t, map[string]attr.Value{"a": tuple(t, v)}))
		problems := Check(path.Root("payload"), payload)
		if len(problems) != 1 || !strings.Contains(problems[0].Detail, "payload.a[0] is "+want+":") ||
			strings.Contains(problems[0].Detail, "basetypes") {
			t.Errorf("a list of %s: problems = %+v, want one naming %q", want, problems, want)
		}
	}
}
