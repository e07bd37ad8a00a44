package acctest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// attr is the path of a top-level attribute, for state checks.
func Attr(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

// ExpectAttr checks an attribute of a resource in state.
func ExpectAttr(address, name string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, Attr(name), check)
}

// ExpectString checks that a string attribute in state is want.
func ExpectString(address, name, want string) statecheck.StateCheck {
	return ExpectAttr(address, name, knownvalue.StringExact(want))
}

// ValueTracker follows one attribute across the steps that add it.
type ValueTracker interface {
	AddStateValue(address string, path tfjsonpath.Path) statecheck.StateCheck
}

// StaysSame follows a value that must be the same in every step that adds it.
func StaysSame() ValueTracker { return statecheck.CompareValue(compare.ValuesSame()) }

// ChangesEachTime follows a value that must differ from one step that adds
// it to the next.
func ChangesEachTime() ValueTracker { return statecheck.CompareValue(compare.ValuesDiffer()) }

// RecentRFC3339 matches an RFC 3339 time of the last few minutes.
type RecentRFC3339 struct{}

func (RecentRFC3339) CheckValue(v any) error {
	value, ok := v.(string)
	if !ok {
		return fmt.Errorf("canceled_at is %T, want a string", v)
	}
	at, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return fmt.Errorf("canceled_at %q is not RFC 3339: %w", value, err)
	}
	if age := time.Since(at); age < -time.Minute || age > 10*time.Minute {
		return fmt.Errorf("canceled_at %s is not the time of the apply", value)
	}
	return nil
}

func (RecentRFC3339) String() string { return "an RFC 3339 time of the last minutes" }

// BadInput is a resource's input that must fail at plan with the words of
// want.
type BadInput struct {
	TriggerKey, EntityID, Extra string
	Want                        []string
}

// ExpectPlanFailures plans, with the env's provider block, config of each
// bad input in a subtest, expects its error, and then that none of them
// reached Wix.
func (e *Env) ExpectPlanFailures(t *testing.T, cases map[string]BadInput, config func(BadInput) string) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e.Test(t, []resource.TestStep{{Config: e.ProviderBlock() + config(tc), PlanOnly: true, ExpectError: ExpectWords(tc.Want...)}})
		})
	}
	if e.Sim != nil && len(e.Sim.Requests()) != 0 {
		t.Fatalf("invalid input reached Wix: %d requests", len(e.Sim.Requests()))
	}
}

// ExpectWords matches diagnostics however Terraform wraps them: spaces in
// each phrase match any whitespace, and phrases may have text between them.
func ExpectWords(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
