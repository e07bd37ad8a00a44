// Package diagtest pins the wording of diagnostics, as users will read and
// search for them: each Row holds a diagnostic's summary and detail, the
// summary it must have, and phrases its detail must hold (what happened,
// why, and what to do). Every package with diagnostics of its own checks
// its rows with Check; this package imports none of them.
package diagtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Row is one diagnostic: its summary, the summary it must have, its
// detail, and phrases the detail holds.
type Row struct {
	Name        string
	Summary     string
	WantSummary string
	Detail      string
	Phrases     []string
	// Absent are phrases the detail must not hold: advice that would
	// point the wrong way.
	Absent []string
}

// WithSummary sets the summary r must have.
func WithSummary(summary string, r Row) Row {
	r.WantSummary = summary
	return r
}

// Validated is the diagnostic v gives value at path.
func Validated(name string, v validator.String, at path.Path, value string, summary string, phrases ...string) Row {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: types.StringValue(value)}, resp)
	return FromDiagnostics(name, resp.Diagnostics, summary, phrases)
}

// FromDiagnostics is the one diagnostic of diags; a row that fails when
// there is not exactly one.
func FromDiagnostics(name string, diags diag.Diagnostics, summary string, phrases []string) Row {
	if len(diags) != 1 {
		return Row{Name: name, Summary: fmt.Sprintf("%d diagnostics: %v", len(diags), diags), WantSummary: summary}
	}
	return Row{Name: name, Summary: diags[0].Summary(), WantSummary: summary, Detail: diags[0].Detail(), Phrases: phrases}
}

// Check checks each row in a subtest: the summary, every phrase, and a
// detail that is a set of sentences.
func Check(t *testing.T, rows []Row) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.Name, func(t *testing.T) {
			if r.Summary != r.WantSummary {
				t.Errorf("summary = %q, want %q", r.Summary, r.WantSummary)
			}
			for _, p := range r.Phrases {
				if !strings.Contains(r.Detail, p) {
					t.Errorf("%s: the detail does not say %q:\n%s", r.Summary, p, r.Detail)
				}
			}
			for _, p := range r.Absent {
				if strings.Contains(r.Detail, p) {
					t.Errorf("%s: the detail says %q, which points the wrong way:\n%s", r.Summary, p, r.Detail)
				}
			}
			if len(r.Phrases) == 0 || !strings.HasSuffix(r.Detail, ".") {
				t.Errorf("%s: the detail is not a set of sentences:\n%s", r.Summary, r.Detail)
			}
		})
	}
}
