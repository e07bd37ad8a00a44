package eventpayload

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func object(t *testing.T, attrs map[string]attr.Value) types.Object {
	t.Helper()
	attrTypes := map[string]attr.Type{}
	for k, v := range attrs {
		attrTypes[k] = v.Type(t.Context())
	}
	obj, diags := types.ObjectValue(attrTypes, attrs)
	if diags.HasError() {
		t.Fatalf("building object: %v", diags)
	}
	return obj
}

func tuple(t *testing.T, elements ...attr.Value) types.Tuple {
	t.Helper()
	elemTypes := make([]attr.Type, 0, len(elements))
	for _, e := range elements {
		elemTypes = append(elemTypes, e.Type(t.Context()))
	}
	tup, diags := types.TupleValue(elemTypes, elements)
	if diags.HasError() {
		t.Fatalf("building tuple: %v", diags)
	}
	return tup
}

func number(s string) types.Number {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return types.NumberValue(f)
}

func TestJSONKeepsTypes(t *testing.T) {
	item := object(t, map[string]attr.Value{"sku": types.StringValue("A1"), "qty": number("2")})
	payload := types.DynamicValue(object(t, map[string]attr.Value{
		"order_id": types.StringValue("A-17"),
		"amount":   number("42.5"),
		"big":      number("12345678901234567890"),
		"vip":      types.BoolValue(true),
		"items":    tuple(t, item),
	}))
	got, err := JSON(payload)
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"amount":42.5,"big":12345678901234567890,"items":[{"qty":2,"sku":"A1"}],"order_id":"A-17","vip":true}`
	if string(encoded) != want {
		t.Errorf("JSON = %s\nwant   %s", encoded, want)
	}
}

func TestJSONOfNullPayloadIsNil(t *testing.T) {
	got, err := JSON(types.DynamicNull())
	if err != nil || got != nil {
		t.Errorf("JSON(null) = %v, %v; want nil, nil", got, err)
	}
}

func TestJSONRefusesUnknown(t *testing.T) {
	if _, err := JSON(types.DynamicUnknown()); err == nil {
		t.Error("JSON(unknown) gave no error")
	}
}

func TestCheckAcceptsWhatWixAllows(t *testing.T) {
	item := object(t, map[string]attr.Value{"sku": types.StringValue("A1"), "qty": number("2"), "gift": types.BoolValue(false)})
	payload := types.DynamicValue(object(t, map[string]attr.Value{
		"order_id": types.StringValue("A-17"), "Amount2": number("1"), "a_b": types.BoolValue(true),
		"items": tuple(t, item, item), "pending": types.StringUnknown(),
	}))
	if problems := Check(path.Root("payload"), payload); len(problems) != 0 {
		t.Errorf("problems for a valid payload: %+v", problems)
	}
}

func TestCheckNamesEachProblem(t *testing.T) {
	flat := object(t, map[string]attr.Value{"x": types.StringValue("y")})
	nested := object(t, map[string]attr.Value{"deep": flat})
	cases := []struct {
		name    string
		payload attr.Value
		path    string
		detail  string
	}{
		{"leading underscore", object(t, map[string]attr.Value{"_id": types.StringValue("1")}), `payload["_id"]`, "ASCII letters (a-z, A-Z), digits and underscores"},
		{"dash in key", object(t, map[string]attr.Value{"order-id": types.StringValue("1")}), `payload["order-id"]`, `"order-id"`},
		{"empty key", object(t, map[string]attr.Value{"": types.StringValue("1")}), `payload[""]`, "not one Wix accepts"},
		{"nested map", object(t, map[string]attr.Value{"meta": flat}), `payload["meta"]`, "nested objects are not allowed"},
		{"list of lists", object(t, map[string]attr.Value{"grid": tuple(t, tuple(t, types.StringValue("a")))}), `payload["grid"][0]`, "a list of lists"},
		{"list of strings", object(t, map[string]attr.Value{"tags": tuple(t, types.StringValue("a"))}), `payload["tags"][0]`, "flat objects"},
		{"object in list item", object(t, map[string]attr.Value{"items": tuple(t, nested)}), `payload["items"][0]["deep"]`, "payload.items[0].deep is an object (nested objects are not allowed)"},
		{"bad key in list item", object(t, map[string]attr.Value{"items": tuple(t, object(t, map[string]attr.Value{"_x": types.StringValue("1")}))}), `payload["items"][0]["_x"]`, "not starting with an underscore"},
		{"null value", object(t, map[string]attr.Value{"gone": types.StringNull()}), `payload["gone"]`, "omit the key"},
		{"not an object", types.StringValue("x"), "payload", "must be an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			problems := Check(path.Root("payload"), types.DynamicValue(tc.payload))
			if len(problems) != 1 {
				t.Fatalf("got %d problems, want 1: %+v", len(problems), problems)
			}
			if got := problems[0].Path.String(); got != tc.path {
				t.Errorf("path = %s, want %s", got, tc.path)
			}
			if !strings.Contains(problems[0].Detail, tc.detail) {
				t.Errorf("detail %q lacks %q", problems[0].Detail, tc.detail)
			}
		})
	}
}

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

// A number no double holds is an error at its path, inside lists of flat
// objects too; one Wix would round is a warning; others pass.
func TestCheckNumbersAsWixKeepsThem(t *testing.T) {
	item := object(t, map[string]attr.Value{"qty": number("1e-400")})
	payload := types.DynamicValue(object(t, map[string]attr.Value{
		"huge": number("1e400"), "big": number("9007199254740993"), "dec": number("0.1"), "n": number("42"),
		"items": tuple(t, item),
	}))
	got := map[string]Problem{}
	for _, p := range Check(path.Root("payload"), payload) {
		got[p.Path.String()] = p
	}
	want := map[string]struct {
		warning bool
		says    string
	}{
		"payload[\"huge\"]":              {false, "payload.huge is 1e+400, beyond the largest number Wix can hold"},
		"payload[\"items\"][0][\"qty\"]": {false, "payload.items[0].qty is 1e-400, nearer to zero"},
		"payload[\"big\"]":               {true, "payload.big is 9007199254740993, which Wix keeps as 9007199254740992"},
	}
	if len(got) != len(want) {
		t.Fatalf("problems at %v, want at %v", keys(got), keys(want))
	}
	for at, w := range want {
		p, ok := got[at]
		if !ok || p.Warning != w.warning || !strings.Contains(p.Detail, w.says) {
			t.Errorf("%s: %+v, want warning %v saying %q", at, p, w.warning, w.says)
		}
	}
	if n := len(Errors(Check(path.Root("payload"), payload))); n != 2 {
		t.Errorf("Errors kept %d problems, want the 2 that are not warnings", n)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func stringMap(t *testing.T, elements map[string]attr.Value) types.Map {
	t.Helper()
	m, diags := types.MapValue(types.StringType, elements)
	if diags.HasError() {
		t.Fatalf("building map: %v", diags)
	}
	return m
}

// SameBody compares what Report Event would send, not Terraform's types:
// an object and a map of the same JSON are the same body, a number and its
// string are not.
func TestSameBody(t *testing.T) {
	orderObject := types.DynamicValue(object(t, map[string]attr.Value{"order_id": types.StringValue("A-17"), "tier": types.StringValue("gold")}))
	orderMap := types.DynamicValue(stringMap(t, map[string]attr.Value{"order_id": types.StringValue("A-17"), "tier": types.StringValue("gold")}))
	silverMap := types.DynamicValue(stringMap(t, map[string]attr.Value{"order_id": types.StringValue("A-17"), "tier": types.StringValue("silver")}))
	amountNumber := types.DynamicValue(object(t, map[string]attr.Value{"amount": number("42")}))
	amountFloat := types.DynamicValue(object(t, map[string]attr.Value{"amount": number("42.0")}))
	amountString := types.DynamicValue(stringMap(t, map[string]attr.Value{"amount": types.StringValue("42")}))
	emptyObject := types.DynamicValue(object(t, map[string]attr.Value{}))
	emptyMap := types.DynamicValue(stringMap(t, map[string]attr.Value{}))
	items := func(qty string) types.Dynamic {
		return types.DynamicValue(object(t, map[string]attr.Value{"items": tuple(t, object(t, map[string]attr.Value{"qty": number(qty)}))}))
	}
	cases := []struct {
		name string
		a, b types.Dynamic
		same bool
	}{
		{"object and map of the same JSON", orderObject, orderMap, true},
		{"a changed value", orderObject, silverMap, false},
		{"42 and 42.0", amountNumber, amountFloat, true},
		{"a number and its string", amountNumber, amountString, false},
		{"null and {}", types.DynamicNull(), emptyObject, true},
		{"null and an empty map", types.DynamicNull(), emptyMap, true},
		{"null and a payload", types.DynamicNull(), orderObject, false},
		{"lists of the same objects", items("2"), items("2.0"), true},
		{"lists of other objects", items("2"), items("3"), false},
		{"unknown", types.DynamicUnknown(), orderObject, false},
		{"unknown inside", types.DynamicValue(types.StringUnknown()), types.DynamicValue(types.StringUnknown()), false},
	}
	for _, tc := range cases {
		if got := SameBody(tc.a, tc.b); got != tc.same {
			t.Errorf("%s: SameBody = %v, want %v", tc.name, got, tc.same)
		}
		if got := SameBody(tc.b, tc.a); got != tc.same {
			t.Errorf("%s, swapped: SameBody = %v, want %v", tc.name, got, tc.same)
		}
	}
}
