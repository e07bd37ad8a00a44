package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	fwattr "github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automationjson"
)

// actionsType is the type of wix_automation's actions: a string of JSON
// whose spellings of one value (key order, spacing, 1 and 1.0) are equal,
// as the framework's jsontypes.Normalized, but with automationjson's rule.
type actionsType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = actionsType{}
	_ basetypes.StringValuableWithSemanticEquals = actionsValue{}
)

func (t actionsType) String() string { return "actionsType" }

// ValueType is the value this type makes.
func (t actionsType) ValueType(context.Context) fwattr.Value { return actionsValue{} }

// Equal reports whether o is this type.
func (t actionsType) Equal(o fwattr.Type) bool {
	other, ok := o.(actionsType)
	return ok && t.StringType.Equal(other.StringType)
}

// ValueFromString wraps a plain string value.
func (t actionsType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return actionsValue{StringValue: in}, nil
}

// ValueFromTerraform reads the value from Terraform's wire form.
func (t actionsType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (fwattr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return actionsValue{StringValue: s}, nil
}

// actionsValue is a value of actionsType.
type actionsValue struct {
	basetypes.StringValue
}

// Type is actionsType.
func (v actionsValue) Type(context.Context) fwattr.Type { return actionsType{} }

// Equal compares the exact strings, as Terraform does; meaning is compared
// by StringSemanticEquals.
func (v actionsValue) Equal(o fwattr.Value) bool {
	other, ok := o.(actionsValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two documents hold the same JSON
// value, so that the framework keeps the prior spelling after a read or an
// apply.
func (v actionsValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(actionsValue)
	if !ok {
		return false, nil
	}
	return automationjson.Equal(v.ValueString(), other.ValueString()), nil
}

func newActionsValue(s string) actionsValue {
	return actionsValue{StringValue: basetypes.NewStringValue(s)}
}

// actionsObjectValidator accepts a JSON object (the map of action id to
// action), and nothing else.
func actionsObjectValidator() validator.String {
	return stringCheck{
		description: "a JSON object: Wix's configuration.actions, action id -> action",
		check:       func(doc string) string { _, problem := actionKeys(doc); return problem },
		explain: func(p path.Path, _, problem string) string {
			return fmt.Sprintf("The %s value %s. It must be a JSON object mapping each action id to its action (Wix's "+
				"configuration.actions), usually written with jsonencode({ \"<action id>\" = { ... } }).", p, problem)
		},
	}
}

// actionKeys returns the action ids of an actions document, or what is
// wrong with it as a predicate ("is not JSON: ...").
func actionKeys(doc string) (map[string]bool, string) {
	v, err := automationjson.Decode(doc)
	if err != nil {
		return nil, "is not JSON: " + err.Error()
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("is JSON %s, not an object", jsonKind(v))
	}
	keys := make(map[string]bool, len(obj))
	for k := range obj {
		keys[k] = true
	}
	return keys, ""
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}

// keepEquivalentActions keeps the prior state's actions when the
// configured JSON means the same: semantic equality is not consulted when
// Terraform plans, so without it a respelled jsonencode would show a diff.
// It also keeps state that holds Wix's JSON (after an import or a change
// made elsewhere) when that says what the configuration says plus only
// what Wix fills in by itself.
func keepEquivalentActions() planmodifier.String {
	return stringModifier{
		description: "JSON that means the same as the state's, or that the state's says plus only what Wix fills in, is no change",
		modify: func(req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
			if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
				return
			}
			state, config := req.StateValue.ValueString(), req.PlanValue.ValueString()
			if automationjson.Equal(state, config) || automationjson.Covers(config, state) {
				resp.PlanValue = req.StateValue
			}
		},
	}
}

// normalizeJSON writes doc compactly with sorted keys and exact numbers,
// which is how the provider stores JSON it did not get from the
// configuration (after an import or a change made elsewhere).
func normalizeJSON(doc []byte) (string, error) {
	v, err := automationjson.Decode(string(doc))
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n")), nil
}
