package events

import (
	"strings"
	"testing"
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
