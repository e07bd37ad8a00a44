package base

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Fuzz targets for what users type: trigger keys and external entity
// ids. Run briefly in CI by scripts/fuzz.sh; `go test` alone replays the
// seeds below and the committed corpus in testdata/fuzz.

const fuzzGUID = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"

// FuzzTriggerKeyValidation checks that a trigger key is accepted exactly when it has 1
// to 100 characters (not bytes) and no surrounding white space; the plan-time
// validator agrees with that, and its message is valid UTF-8.
func FuzzTriggerKeyValidation(f *testing.F) {
	for _, seed := range []string{
		"form_submitted", "", " ", "x", " form_submitted", "form_submitted\n", "\u00a0key",
		strings.Repeat("k", 100), strings.Repeat("k", 101), strings.Repeat("日", 100), strings.Repeat("日", 101),
		"\xff", "a\x00b",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		problem := CheckTriggerKey(key)
		n := len([]rune(key))
		want := n >= 1 && n <= 100 && strings.TrimSpace(key) == key
		if (problem == "") != want {
			t.Fatalf("CheckTriggerKey(%q) = %q; want accepted = %v (%d characters)", key, problem, want, n)
		}
		checkValidator(t, TriggerKey(), key, problem)
	})
}

// FuzzGUIDValidation checks that an external entity id is accepted exactly when it is
// 8-4-4-4-12 hex digits, which is also what a GUID parser reads back as the
// same GUID; the plan-time validator agrees, and its message is valid UTF-8.
func FuzzGUIDValidation(f *testing.F) {
	for _, seed := range []string{
		fuzzGUID, strings.ToUpper(fuzzGUID), "", "not-a-guid",
		"16ef8c9c413e4d5fb77d8c67c3c8ae0c", "{" + fuzzGUID + "}", "urn:uuid:" + fuzzGUID,
		fuzzGUID + "\n", " " + fuzzGUID, "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0g",
		"16ef8c9c-413e-4d5f-b77d_8c67c3c8ae0c", "\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		problem := CheckGUID(id)
		if (problem == "") != isHyphenatedGUID(id) {
			t.Fatalf("CheckGUID(%q) = %q, want accepted = %v", id, problem, isHyphenatedGUID(id))
		}
		if problem == "" {
			parsed, err := uuid.Parse(id)
			if err != nil || !strings.EqualFold(parsed.String(), id) {
				t.Fatalf("checkGUID accepted %q, which parses as %v, %v", id, parsed, err)
			}
		}
		checkValidator(t, GUID(), id, problem)
	})
}

// isHyphenatedGUID is the 8-4-4-4-12 form, written out by hand rather than
// as the provider's regular expression.
func isHyphenatedGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// checkValidator runs a plan-time validator on value: it must report an
// error exactly when problem is set, with a valid UTF-8 message.
func checkValidator(t *testing.T, v validator.String, value, problem string) {
	t.Helper()
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{
		Path:        path.Root("attribute"),
		ConfigValue: types.StringValue(value),
	}, resp)
	if resp.Diagnostics.HasError() != (problem != "") {
		t.Fatalf("validator on %q: errors = %v, check = %q", value, resp.Diagnostics, problem)
	}
	for _, d := range resp.Diagnostics {
		if utf8.ValidString(value) && (!utf8.ValidString(d.Detail()) || !utf8.ValidString(d.Summary())) {
			t.Fatalf("validator on %q: diagnostic is not valid UTF-8: %q", value, d.Detail())
		}
	}
}
