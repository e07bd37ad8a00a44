package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A refresh, and a plan, of 30 automations read them all with one Query
// (one page of up to 500) and no GET.
func TestAccAutomationResource_refreshManyOneQuery(t *testing.T) {
	env := newSimEnv(t)
	config := env.automationConfig(automationSpec{count: 30}, "requests_per_minute = 0")
	oneQuery := func(what string) error {
		queries, gets, others := env.automationRequestCounts()
		if queries != 1 || gets != 0 || others != 0 {
			return fmt.Errorf("%s of 30 automations made %d Query, %d Get and %d other Automations calls; want 1 Query and nothing else",
				what, queries, gets, others)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: config, Check: env.expectAutomationCount(30)},
			{
				PreConfig:    env.sim.ResetRequests,
				RefreshState: true,
				Check:        func(*terraform.State) error { return oneQuery("a refresh") },
			},
			{PreConfig: env.sim.ResetRequests, Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					if err := oneQuery("a plan"); err != nil {
						t.Error(err)
					}
				},
				Config: config, PlanOnly: true,
			},
		},
	})
}
