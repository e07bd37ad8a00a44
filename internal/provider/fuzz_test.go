package provider

// Fuzz targets for what users type: import ids, trigger keys and external
// entity ids. Run briefly in CI by scripts/fuzz.sh; `go test` alone replays
// the seeds below and the committed corpus in testdata/fuzz.

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

const fuzzGUID = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"

// FuzzParseImportID checks that any import id parses without panicking; an accepted id
// splits into a valid trigger key and GUID that join back into the id, and a
// rejected one comes with a reason.
func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{
		"form_submitted/" + fuzzGUID,
		"app/with/slashes/" + fuzzGUID,
		"/" + fuzzGUID,
		"form_submitted/",
		"form_submitted",
		"",
		"/",
		"form_submitted/" + strings.ToUpper(fuzzGUID),
		"form_submitted/{" + fuzzGUID + "}",
		"form_submitted/urn:uuid:" + fuzzGUID,
		" form_submitted/" + fuzzGUID,
		strings.Repeat("k", 100) + "/" + fuzzGUID,
		strings.Repeat("k", 101) + "/" + fuzzGUID,
		strings.Repeat("é", 100) + "/" + fuzzGUID,
		"\xff/" + fuzzGUID,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		triggerKey, entityID, problem := parseImportID(id)
		if problem != "" {
			if triggerKey != "" || entityID != "" {
				t.Fatalf("parseImportID(%q) rejected the id (%s) yet returned %q, %q", id, problem, triggerKey, entityID)
			}
			return
		}
		if importID(triggerKey, entityID) != id {
			t.Fatalf("parseImportID(%q) = %q, %q, which do not join back into the id", id, triggerKey, entityID)
		}
		if checkTriggerKey(triggerKey) != "" || checkGUID(entityID) != "" {
			t.Fatalf("parseImportID(%q) accepted trigger key %q and entity %q, which the validators reject", id, triggerKey, entityID)
		}
		if strings.Contains(entityID, "/") {
			t.Fatalf("parseImportID(%q) = entity %q: the split must be at the last /", id, entityID)
		}
	})
}

// FuzzParseImportIDRoundTrip checks that every valid trigger key, slashes included,
// survives import with any GUID.
func FuzzParseImportIDRoundTrip(f *testing.F) {
	for _, seed := range []string{"form_submitted", "a/b", "a/" + fuzzGUID, "/", "x", strings.Repeat("ü", 100)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if checkTriggerKey(key) != "" {
			return
		}
		gotKey, gotID, problem := parseImportID(importID(key, fuzzGUID))
		if problem != "" || gotKey != key || gotID != fuzzGUID {
			t.Fatalf("import of the id of (%q, %s) = %q, %q, %q", key, fuzzGUID, gotKey, gotID, problem)
		}
	})
}

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
		problem := checkTriggerKey(key)
		n := len([]rune(key))
		want := n >= 1 && n <= 100 && strings.TrimSpace(key) == key
		if (problem == "") != want {
			t.Fatalf("checkTriggerKey(%q) = %q; want accepted = %v (%d characters)", key, problem, want, n)
		}
		checkValidator(t, triggerKeyValidator(), key, problem)
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
		problem := checkGUID(id)
		if (problem == "") != isHyphenatedGUID(id) {
			t.Fatalf("checkGUID(%q) = %q, want accepted = %v", id, problem, isHyphenatedGUID(id))
		}
		if problem == "" {
			parsed, err := uuid.Parse(id)
			if err != nil || !strings.EqualFold(parsed.String(), id) {
				t.Fatalf("checkGUID accepted %q, which parses as %v, %v", id, parsed, err)
			}
		}
		checkValidator(t, guidValidator(), id, problem)
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
