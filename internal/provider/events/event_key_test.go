package events

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestParseImportID(t *testing.T) {
	guid := "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
	cases := []struct {
		id, key, entity, problem string
	}{
		{"form_submitted/" + guid, "form_submitted", guid, ""},
		{"ns/form_submitted/" + guid, "ns/form_submitted", guid, ""},
		{"form_submitted/" + strings.ToUpper(guid), "form_submitted", strings.ToUpper(guid), ""},
		{guid, "", "", `has no "/"`},
		{"/" + guid, "", "", "trigger key that is empty"},
		{"form_submitted/", "", "", "is not a GUID"},
		{"form_submitted/" + guid + "/", "", "", "is not a GUID"},
		{strings.Repeat("k", 101) + "/" + guid, "", "", "at most 100"},
	}
	for _, tc := range cases {
		key, entity, problem := parseImportID(tc.id)
		if key != tc.key || entity != tc.entity || !strings.Contains(problem, tc.problem) || (tc.problem == "") != (problem == "") {
			t.Errorf("parseImportID(%q) = %q, %q, %q; want %q, %q, a problem containing %q", tc.id, key, entity, problem, tc.key, tc.entity, tc.problem)
		}
	}
}

// No triggers and an empty map hold the same values; any value, or one not
// known yet, tells them apart.
func TestSameTriggers(t *testing.T) {
	values := func(kv ...string) types.Map {
		elements := map[string]attr.Value{}
		for i := 0; i < len(kv); i += 2 {
			elements[kv[i]] = types.StringValue(kv[i+1])
		}
		return types.MapValueMust(types.StringType, elements)
	}
	none, unknown := types.MapNull(types.StringType), types.MapUnknown(types.StringType)
	cases := []struct {
		name string
		a, b types.Map
		same bool
	}{
		{"none and {}", none, values(), true},
		{"none and none", none, none, true},
		{"the same values", values("rerun", "1"), values("rerun", "1"), true},
		{"another value", values("rerun", "1"), values("rerun", "2"), false},
		{"an empty value", none, values("rerun", ""), false},
		{"a value added", values(), values("rerun", "1"), false},
		{"unknown", unknown, none, false},
	}
	for _, tc := range cases {
		got, swapped := sameTriggers(tc.a, tc.b), sameTriggers(tc.b, tc.a)
		if got != tc.same || swapped != tc.same {
			t.Errorf("%s: sameTriggers = %v (swapped: %v), want %v", tc.name, got, swapped, tc.same)
		}
	}
}
