package events

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
)

// Limits on how many ids a diagnostic lists before it only counts the rest.
const (
	maxListedBadIDs         = 5
	maxListedUnconfirmedIDs = 20
)

// entityIDSetValidator checks a set of external entity ids at validate
// time: at least one, each a GUID. A large set gets one error that names
// the first few wrong ids and counts the rest, not one error per id.
type entityIDSetValidator struct{}

var _ validator.Set = entityIDSetValidator{}

func (entityIDSetValidator) Description(context.Context) string {
	return "one or more GUIDs (8-4-4-4-12 hex digits)"
}

func (v entityIDSetValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (entityIDSetValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var known []string
	elements := req.ConfigValue.Elements()
	for _, v := range elements {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			known = append(known, s.ValueString())
		}
	}
	problem := checkEntityIDs(known)
	if len(elements) > 0 && len(known) == 0 {
		problem = "" // every id is still unknown: checked when known
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), problem)
	}
}

// checkEntityIDs explains what is wrong with a list of external entity
// ids, or returns "".
func checkEntityIDs(ids []string) string {
	if len(ids) == 0 {
		return "external_entity_ids is empty: list at least one external entity id (a GUID) whose events to cancel."
	}
	var bad []string
	for _, id := range ids {
		if base.CheckGUID(id) != "" {
			bad = append(bad, id)
		}
	}
	if len(bad) == 0 {
		return ""
	}
	slices.Sort(bad)
	what := "values that are not GUIDs"
	if len(bad) == 1 {
		what = "value that is not a GUID"
	}
	return fmt.Sprintf("external_entity_ids has %d %s: %s. Wix expects 32 hex digits in the form "+
		"8-4-4-4-12, such as 16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.", len(bad), what, quoteSome(bad, maxListedBadIDs))
}

// quoteSome quotes up to limit values and counts the rest.
func quoteSome(values []string, limit int) string {
	quoted := make([]string, 0, min(len(values), limit))
	for _, v := range values[:min(len(values), limit)] {
		quoted = append(quoted, fmt.Sprintf("%q", v))
	}
	list := strings.Join(quoted, ", ")
	if len(values) > limit {
		list += fmt.Sprintf(" and %d more", len(values)-limit)
	}
	return list
}
