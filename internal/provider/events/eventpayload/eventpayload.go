// Package eventpayload turns the payload of a wix_automation_event, written as
// an HCL object, into the JSON object Report Event sends, and checks it
// against Wix's rules at plan time, numbers included: Wix keeps them as
// doubles.
//
// Wix's payload is a protobuf Struct with rules of its own (keys of letters,
// digits and underscores, not starting with an underscore; values that are
// strings, numbers, booleans or lists of flat objects). No library knows
// those rules, and the framework's dynamic values need a walk of their own to
// become JSON with their types kept, so both are written here.
package eventpayload

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// keyPattern is Wix's rule for payload keys.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)

// KeyRule says Wix's key rule in words, for errors and docs.
const KeyRule = "ASCII letters (a-z, A-Z), digits and underscores, not starting with an underscore"

// Problem is one thing wrong with a payload, at a path below the attribute.
type Problem struct {
	Path    path.Path
	Summary string
	Detail  string
	// Warning marks what Wix accepts but changes: a number it rounds.
	Warning bool
}

// Check returns what is wrong with a payload value; unknown parts are
// skipped (they are checked again at apply, once known).
func Check(at path.Path, v types.Dynamic) []Problem {
	if v.IsNull() || v.IsUnknown() || v.IsUnderlyingValueUnknown() {
		return nil
	}
	attrs, ok := objectAttributes(v.UnderlyingValue())
	if !ok {
		return []Problem{{Path: at, Summary: "Invalid payload",
			Detail: fmt.Sprintf("payload must be an object such as { order_id = \"A-17\", amount = 42 }, not %s.", kindOf(v.UnderlyingValue()))}}
	}
	var problems []Problem
	for _, key := range sortedKeys(attrs) {
		problems = append(problems, checkEntry(at, "payload", key, attrs[key], true)...)
	}
	return problems
}

// checkEntry checks one key and its value; top-level values may be lists of
// flat objects, values inside those objects must be scalars.
func checkEntry(parent path.Path, parentName, key string, value attr.Value, topLevel bool) []Problem {
	at := parent.AtMapKey(key)
	name := parentName + "." + key
	if !keyPattern.MatchString(key) {
		return []Problem{{Path: at, Summary: "Invalid payload key",
			Detail: fmt.Sprintf("The payload key %q is not one Wix accepts: keys are %s.", key, KeyRule)}}
	}
	if value.IsUnknown() {
		return nil
	}
	if value.IsNull() {
		return []Problem{{Path: at, Summary: "Null payload value",
			Detail: fmt.Sprintf("%s is null: Wix payload values are strings, numbers or booleans; omit the key instead.", name)}}
	}
	if isScalar(value) {
		return checkNumber(at, name, value)
	}
	elements, isList := listElements(value)
	if !topLevel || !isList {
		return []Problem{{Path: at, Summary: "Unsupported payload value",
			Detail: fmt.Sprintf("%s is %s: Wix payload values are strings, numbers, booleans, or lists of flat objects "+
				"(objects whose values are strings, numbers or booleans). Encode deeper structures as a string with jsonencode().", name, kindOf(value))}}
	}
	return checkFlatObjects(at, name, elements)
}

func checkFlatObjects(at path.Path, name string, elements []attr.Value) []Problem {
	var problems []Problem
	for i, element := range elements {
		if element.IsUnknown() {
			continue
		}
		if _, nestedList := listElements(element); nestedList {
			problems = append(problems, Problem{Path: at.AtListIndex(i), Summary: "Unsupported payload value",
				Detail: fmt.Sprintf("%s is a list of lists: a list in a Wix payload holds flat objects, such as [{ sku = \"A1\", qty = 2 }].", name)})
			continue
		}
		attrs, ok := objectAttributes(element)
		if !ok {
			problems = append(problems, Problem{Path: at.AtListIndex(i), Summary: "Unsupported payload value",
				Detail: fmt.Sprintf("%s[%d] is %s: a list in a Wix payload holds flat objects, such as [{ sku = \"A1\", qty = 2 }].", name, i, kindOf(element))})
			continue
		}
		for _, inner := range sortedKeys(attrs) {
			problems = append(problems, checkEntry(at.AtListIndex(i), fmt.Sprintf("%s[%d]", name, i), inner, attrs[inner], false)...)
		}
	}
	return problems
}

// checkNumber checks a number against what Wix can keep: a double. One a
// double cannot hold is an error; one Wix would round, a warning.
func checkNumber(at path.Path, name string, value attr.Value) []Problem {
	n, ok := underlying(value).(basetypes.NumberValue)
	if !ok || n.ValueBigFloat() == nil {
		return nil
	}
	text := numberText(n)
	f, fit := base.AsDouble(n.ValueBigFloat())
	detail := base.DoubleProblem(name, text, f, fit)
	switch fit {
	case base.DoubleExact:
		return nil
	case base.DoubleRounded:
		return []Problem{{Path: at, Summary: "Payload number loses precision", Detail: detail, Warning: true}}
	}
	return []Problem{{Path: at, Summary: "Payload number out of range", Detail: detail}}
}

// Errors are the problems that are not warnings.
func Errors(problems []Problem) []Problem {
	var out []Problem
	for _, p := range problems {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// JSON encodes a known payload as Report Event's payload object, with
// numbers, strings and booleans keeping their JSON types. A null payload is
// nil (the field is then left out, as the SDK does).
func JSON(v types.Dynamic) (map[string]any, error) {
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return nil, nil
	}
	if v.IsUnknown() || v.IsUnderlyingValueUnknown() {
		return nil, fmt.Errorf("payload is not known yet")
	}
	out, err := toJSON(v.UnderlyingValue())
	if err != nil {
		return nil, err
	}
	object, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("payload must be an object, not %s", kindOf(v.UnderlyingValue()))
	}
	return object, nil
}

// SameBody reports whether two payloads send Wix the same Report Event
// body. Terraform tells values apart by type too (an object literal from a
// map(string) variable of the same entries, no payload from payload = {}),
// but Wix sees only the JSON, and an empty payload is left out of it like
// a missing one. A payload not known yet, or one that cannot be encoded,
// is the same as none other.
func SameBody(a, b types.Dynamic) bool {
	bodyA, okA := body(a)
	bodyB, okB := body(b)
	return okA && okB && bodyA == bodyB
}

// body is the JSON a payload adds to Report Event's body; "" for none.
func body(v types.Dynamic) (string, bool) {
	payload, err := JSON(v)
	if err != nil {
		return "", false
	}
	if len(payload) == 0 {
		return "", true
	}
	// encoding/json writes map keys sorted, so equal payloads encode alike.
	encoded, err := json.Marshal(payload)
	return string(encoded), err == nil
}

func toJSON(value attr.Value) (any, error) {
	value = underlying(value)
	if value.IsUnknown() {
		return nil, fmt.Errorf("payload holds a value that is not known yet")
	}
	if value.IsNull() {
		return nil, nil
	}
	switch v := value.(type) {
	case basetypes.StringValue:
		return v.ValueString(), nil
	case basetypes.BoolValue:
		return v.ValueBool(), nil
	case basetypes.NumberValue:
		// json.Number keeps the digits Terraform has: no float64 rounding.
		return json.Number(numberText(v)), nil
	case basetypes.Int64Value:
		return v.ValueInt64(), nil
	case basetypes.Float64Value:
		return v.ValueFloat64(), nil
	}
	if attrs, ok := objectAttributes(value); ok {
		return objectJSON(attrs)
	}
	if elements, ok := listElements(value); ok {
		return listJSON(elements)
	}
	return nil, fmt.Errorf("payload holds %s, which has no JSON form here", kindOf(value))
}

// numberText writes whole numbers of up to 64 bits in full
// (12345678901234567890, not 1.2345678901234567e+19) and others in their
// shortest exact form (1e+400, not 401 digits).
func numberText(v basetypes.NumberValue) string {
	f := v.ValueBigFloat()
	if f.IsInt() && f.MantExp(nil) <= 64 {
		return f.Text('f', 0)
	}
	return f.Text('g', -1)
}

func objectJSON(attrs map[string]attr.Value) (map[string]any, error) {
	out := make(map[string]any, len(attrs))
	for key, value := range attrs {
		encoded, err := toJSON(value)
		if err != nil {
			return nil, err
		}
		out[key] = encoded
	}
	return out, nil
}

func listJSON(elements []attr.Value) ([]any, error) {
	out := make([]any, 0, len(elements))
	for _, element := range elements {
		encoded, err := toJSON(element)
		if err != nil {
			return nil, err
		}
		out = append(out, encoded)
	}
	return out, nil
}

// underlying is the value a dynamic value holds (dynamic values may nest),
// so that every reader below sees HCL's own types. A null or unknown
// dynamic holds nothing and is returned as it is.
func underlying(value attr.Value) attr.Value {
	for {
		d, ok := value.(basetypes.DynamicValue)
		if !ok || d.IsNull() || d.IsUnknown() || d.UnderlyingValue() == nil {
			return value
		}
		value = d.UnderlyingValue()
	}
}

// objectAttributes reads an HCL object or map.
func objectAttributes(value attr.Value) (map[string]attr.Value, bool) {
	switch v := underlying(value).(type) {
	case basetypes.ObjectValue:
		return v.Attributes(), true
	case basetypes.MapValue:
		return v.Elements(), true
	}
	return nil, false
}

// listElements reads an HCL tuple, list or set.
func listElements(value attr.Value) ([]attr.Value, bool) {
	switch v := underlying(value).(type) {
	case basetypes.TupleValue:
		return v.Elements(), true
	case basetypes.ListValue:
		return v.Elements(), true
	case basetypes.SetValue:
		return v.Elements(), true
	}
	return nil, false
}

func isScalar(value attr.Value) bool {
	switch underlying(value).(type) {
	case basetypes.StringValue, basetypes.BoolValue, basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value:
		return true
	}
	return false
}

// kindOf names a value's kind as a user would say it.
func kindOf(value attr.Value) string {
	if _, ok := objectAttributes(value); ok {
		return "an object (nested objects are not allowed)"
	}
	if _, ok := listElements(value); ok {
		return "a list"
	}
	return scalarKind(value)
}

// scalarKind names a scalar as HCL does ("a number"), not by its Go type
// ("basetypes.NumberType"), which would mean nothing to a user.
func scalarKind(value attr.Value) string {
	value = underlying(value)
	switch value.(type) {
	case basetypes.StringValue:
		return "a string"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.NumberValue, basetypes.Int64Value, basetypes.Float64Value:
		return "a number"
	}
	return "a value of type " + value.Type(context.Background()).String()
}

func sortedKeys(m map[string]attr.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Validator is the plan-time check of a payload attribute.
func Validator() validator.Dynamic { return payloadValidator{} }

type payloadValidator struct{}

func (payloadValidator) Description(context.Context) string {
	return "an object whose keys are " + KeyRule + ", and whose values are strings, numbers, booleans or lists of flat objects"
}

func (v payloadValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (payloadValidator) ValidateDynamic(_ context.Context, req validator.DynamicRequest, resp *validator.DynamicResponse) {
	for _, p := range Check(req.Path, req.ConfigValue) {
		if p.Warning {
			resp.Diagnostics.AddAttributeWarning(p.Path, p.Summary, p.Detail)
			continue
		}
		resp.Diagnostics.AddAttributeError(p.Path, p.Summary, p.Detail)
	}
}
