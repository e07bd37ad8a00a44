package automations_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
)

// A refresh, and a plan, of 30 automations read them all with one Query
// (one page of up to 500) and no GET.
func TestAccAutomationResource_refreshManyOneQuery(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{Count: 30}, "requests_per_minute = 0")
	oneQuery := func(what string) error {
		queries, gets, others := env.AutomationRequestCounts()
		if queries != 1 || gets != 0 || others != 0 {
			return fmt.Errorf("%s of 30 automations made %d Query, %d Get and %d other Automations calls; want 1 Query and nothing else",
				what, queries, gets, others)
		}
		return nil
	}
	env.Test(t, []resource.TestStep{
		{Config: config, Check: env.ExpectAutomationCount(30)},
		{
			PreConfig:    env.Sim.ResetRequests,
			RefreshState: true,
			Check:        func(*terraform.State) error { return oneQuery("a refresh") },
		},
		{PreConfig: env.Sim.ResetRequests, Config: config, PlanOnly: true},
		{
			PreConfig: func() {
				if err := oneQuery("a plan"); err != nil {
					t.Error(err)
				}
			},
			Config: config, PlanOnly: true,
		},
	})
}

// With batching turned off, every Read is its own Get Automation call, as
// the batching block's contract says of group reads.
func TestAccAutomationResource_batchingOffReadsEach(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	config := env.AutomationConfig(acctest.AutomationSpec{Count: 3}, "requests_per_minute = 0", acctest.BatchingOff)
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig:    env.Sim.ResetRequests,
			RefreshState: true,
			Check: func(*terraform.State) error {
				if queries, gets, _ := env.AutomationRequestCounts(); queries != 0 || gets != 3 {
					return fmt.Errorf("a refresh of 3 automations with batching off made %d Query and %d Get calls, want 0 and 3", queries, gets)
				}
				return nil
			},
		},
	})
}
