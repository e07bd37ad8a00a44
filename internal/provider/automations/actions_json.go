package automations

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

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automations/automationjson"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// actionsJSONType is the type of wix_automation's actions attribute (Wix's
// configuration.actions, not a Terraform action): a string of JSON
// whose spellings of one value (key order, spacing, 1 and 1.0) are equal,
// as the framework's jsontypes.Normalized, but with automationjson's rule.
type actionsJSONType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = actionsJSONType{}
	_ basetypes.StringValuableWithSemanticEquals = actionsJSONValue{}
)

func (t actionsJSONType) String() string { return "actionsJSONType" }

// ValueType is the value this type makes.
func (t actionsJSONType) ValueType(context.Context) fwattr.Value { return actionsJSONValue{} }

// Equal reports whether o is this type.
func (t actionsJSONType) Equal(o fwattr.Type) bool {
	other, ok := o.(actionsJSONType)
	return ok && t.StringType.Equal(other.StringType)
}

// ValueFromString wraps a plain string value.
func (t actionsJSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return actionsJSONValue{StringValue: in}, nil
}

// ValueFromTerraform reads the value from Terraform's wire form.
func (t actionsJSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (fwattr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return actionsJSONValue{StringValue: s}, nil
}

// actionsJSONValue is a value of actionsJSONType.
type actionsJSONValue struct {
	basetypes.StringValue
}

// Type is actionsJSONType.
func (v actionsJSONValue) Type(context.Context) fwattr.Type { return actionsJSONType{} }

// Equal compares the exact strings, as Terraform does; meaning is compared
// by StringSemanticEquals.
func (v actionsJSONValue) Equal(o fwattr.Value) bool {
	other, ok := o.(actionsJSONValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two documents hold the same JSON
// value, so that the framework keeps the prior spelling after a read or an
// apply.
func (v actionsJSONValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(actionsJSONValue)
	if !ok {
		return false, nil
	}
	return automationjson.Equal(v.ValueString(), other.ValueString()), nil
}

func newActionsJSON(s string) actionsJSONValue {
	return actionsJSONValue{StringValue: basetypes.NewStringValue(s)}
}

// actionsObjectValidator accepts a JSON object (the map of action id to
// action), and nothing else.
func actionsObjectValidator() validator.String {
	return base.StringCheck{
		Accepts: "a JSON object: Wix's configuration.actions, action id -> action",
		Check:   func(doc string) string { _, problem := actionKeys(doc); return problem },
		Explain: func(p path.Path, _, problem string) string {
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
	return base.StringModifier{
		Does: "JSON that means the same as the state's, or that the state's says plus only what Wix fills in, is no change",
		Modify: func(req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
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

// withOverrideOutputSchemas is the configured actions with, for each
// app-defined action that sets no overrideOutputSchema, the one Wix holds
// for the action of the same id. Wix keeps an action's output schema
// override in appDefinedInfo.overrideOutputSchema (set by the app or in
// the dashboard, and answered only when asked for); an update sends the
// actions whole, so without this it would erase it. The configured JSON
// is sent as written when there is nothing to carry.
func withOverrideOutputSchemas(configured, current json.RawMessage) json.RawMessage {
	held := overrideOutputSchemas(current)
	if len(held) == 0 {
		return configured
	}
	v, err := automationjson.Decode(string(configured))
	actions, ok := v.(map[string]any)
	if err != nil || !ok {
		return configured
	}
	carried := false
	for id, schema := range held {
		info := appDefinedInfo(actions[id])
		if _, set := info["overrideOutputSchema"]; info == nil || set {
			continue
		}
		info["overrideOutputSchema"] = schema
		carried = true
	}
	if !carried {
		return configured
	}
	out, err := encodeJSON(actions)
	if err != nil {
		return configured
	}
	return json.RawMessage(out)
}

// overrideOutputSchemas are the overrideOutputSchema of each app-defined
// action of an actions map, by action id.
func overrideOutputSchemas(actions json.RawMessage) map[string]any {
	v, err := automationjson.Decode(string(actions))
	all, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil
	}
	held := map[string]any{}
	for id, action := range all {
		if schema, ok := appDefinedInfo(action)["overrideOutputSchema"]; ok {
			held[id] = schema
		}
	}
	return held
}

// appDefinedInfo is an action's appDefinedInfo object, or nil.
func appDefinedInfo(action any) map[string]any {
	a, _ := action.(map[string]any)
	info, _ := a["appDefinedInfo"].(map[string]any)
	return info
}

// normalizeJSON writes doc compactly with sorted keys and exact numbers,
// which is how the provider stores JSON it did not get from the
// configuration (after an import or a change made elsewhere).
func normalizeJSON(doc []byte) (string, error) {
	v, err := automationjson.Decode(string(doc))
	if err != nil {
		return "", err
	}
	return encodeJSON(v)
}

// encodeJSON writes v compactly with sorted keys, numbers as decoded
// (json.Number), and no HTML escaping.
func encodeJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n")), nil
}
