package events

import (
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// Fuzz targets for what users type: import ids. Run briefly in CI by
// scripts/fuzz.sh; `go test` alone replays the seeds below and the
// committed corpus in testdata/fuzz.

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
		if base.CheckTriggerKey(triggerKey) != "" || base.CheckGUID(entityID) != "" {
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
		if base.CheckTriggerKey(key) != "" {
			return
		}
		gotKey, gotID, problem := parseImportID(importID(key, fuzzGUID))
		if problem != "" || gotKey != key || gotID != fuzzGUID {
			t.Fatalf("import of the id of (%q, %s) = %q, %q, %q", key, fuzzGUID, gotKey, gotID, problem)
		}
	})
}
