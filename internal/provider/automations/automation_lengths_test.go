package automations_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
)

// Wix counts a name's and a description's length in characters, not
// bytes: a 500-character Japanese name (1,500 bytes) and a 2,000-character
// Hebrew description (4,000 bytes) are Wix's maximum and apply, reach Wix
// as written and plan empty afterwards; one character more is refused at
// plan, counted in characters.
func TestAccAutomationResource_lengthsInCharacters(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	name, description := strings.Repeat("自動", 250), strings.Repeat("שלום", 500)
	spec := acctest.AutomationSpec{Name: name, Extra: fmt.Sprintf("description = %q", description)}
	env.Test(t, []resource.TestStep{
		{Config: env.AutomationConfig(acctest.AutomationSpec{Name: name + "化"}), PlanOnly: true,
			ExpectError: acctest.ExpectWords("name", "character count must be between 1 and 500, got: 501")},
		{Config: env.AutomationConfig(acctest.AutomationSpec{Extra: fmt.Sprintf("description = %q", description+"ם")}), PlanOnly: true,
			ExpectError: acctest.ExpectWords("description", "character count must be at most 2000, got: 2001")},
		{
			Config: env.AutomationConfig(spec),
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.AutomationIs("name", knownvalue.StringExact(name)),
				acctest.AutomationIs("description", knownvalue.StringExact(description)),
			},
			Check: func(*terraform.State) error {
				if env.Sim == nil {
					return nil
				}
				if got := env.OnlyAutomation(); got.Name != name || got.Description != description {
					return fmt.Errorf("Wix holds name of %d bytes and description of %d bytes, want %d and %d",
						len(got.Name), len(got.Description), len(name), len(description))
				}
				return nil
			},
		},
		{Config: env.AutomationConfig(spec), PlanOnly: true},
	}, env.ExpectAutomationCount(0))
}
