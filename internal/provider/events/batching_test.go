package events_test

// Acceptance tests of batching through a real Terraform CLI: concurrent
// creates that share a trigger key go out as Bulk Cancel Event calls, each
// resource still succeeds or fails on its own item, and turning batching off
// restores one Cancel Event per resource. They assert on what reached the
// simulator, never on how long anything took.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// terraformParallelism is Terraform's default -parallelism, which the
// plugin-testing harness leaves alone: no more creates run at once, so no
// batch can be bigger.
const terraformParallelism = 10

// sendAfter gathers the first batch: with it, a test knows every resource of
// a small apply shares one Bulk Cancel Event (Terraform starts all ten
// creates at once, well within it), and which entity lands in a bulk call no
// longer depends on which create happened to come first.
const sendAfter = "batching {\n    send_after = \"2s\"\n  }"

// apiCall is one Cancel Event or Bulk Cancel Event as the simulator saw it.
type apiCall struct {
	bulk       bool
	triggerKey string
	ids        []string
	status     int
}

func (c apiCall) String() string {
	kind := "Cancel Event"
	if c.bulk {
		kind = "Bulk Cancel Event"
	}
	return fmt.Sprintf("%s %s %v -> %d", kind, c.triggerKey, c.ids, c.status)
}

// apiCalls are the cancellation calls made so far, in arrival order.
func apiCalls(e *acctest.Env) ([]apiCall, error) {
	var out []apiCall
	for _, r := range e.CancellationRequests() {
		var body struct {
			TriggerKey        string   `json:"triggerKey"`
			ExternalEntityID  string   `json:"externalEntityId"`
			ExternalEntityIDs []string `json:"externalEntityIds"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return nil, fmt.Errorf("%s body %s: %w", r.Path, r.Body, err)
		}
		c := apiCall{bulk: r.Path == wix.PathBulkCancel, triggerKey: body.TriggerKey, ids: body.ExternalEntityIDs, status: r.Status}
		if !c.bulk {
			c.ids = []string{body.ExternalEntityID}
		}
		out = append(out, c)
	}
	return out, nil
}

// checkCalls checks the cancellation calls made so far with check, and
// that each of ids of this env's trigger key was canceled exactly once.
func checkCalls(e *acctest.Env, ids []string, check func(calls []apiCall) error) resource.TestCheckFunc {
	return e.OnSim(func() error {
		calls, err := apiCalls(e)
		if err == nil {
			err = check(calls)
		}
		if err != nil {
			return err
		}
		return e.VerifyCanceledOnce(e.TriggerKey, ids...)
	})
}

// With the defaults, concurrent creates are coalesced: far fewer calls
// than resources, no call bigger than the parallelism, each entity
// canceled once, one token, and no more connections than the parallelism.
func TestAccBatching_defaultCoalescesConcurrentCreates(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	ids := acctest.EntityIDs(30)
	env.TestApply(t, ids, checkCalls(env, ids, func(calls []apiCall) error {
		bulk := 0
		for _, c := range calls {
			if c.bulk {
				bulk++
			}
			if len(c.ids) > terraformParallelism || c.status != http.StatusOK {
				return fmt.Errorf("%v carries more ids than Terraform runs creates at once (%d), or was not answered 200", c, terraformParallelism)
			}
		}
		if bulk == 0 || len(calls) > len(ids)/3 {
			return fmt.Errorf("%d resources took %d calls (%d of them Bulk Cancel Event), want them coalesced into at most %d: %v",
				len(ids), len(calls), bulk, len(ids)/3, calls)
		}
		if n := len(env.Sim.RequestsTo(wix.PathToken)); n != 1 {
			return fmt.Errorf("token requests = %d, want 1", n)
		}
		if peak := env.Sim.PeakOpenConnections(); peak > terraformParallelism {
			return fmt.Errorf("%d connections open at once, want at most the parallelism %d", peak, terraformParallelism)
		}
		return nil
	}))
}

// Cancellations of different trigger keys run concurrently but never share
// a call: a bulk call names one trigger key, so an entity sent with the
// wrong key would be canceled for the wrong trigger.
func TestAccBatching_mixedTriggerKeysNeverShareACall(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	const otherKey = "booking_confirmed"
	env.Sim.OwnTriggerKey(wixsim.DemoAppID, otherKey)
	all := acctest.EntityIDs(24)
	idsOf := map[string][]string{env.TriggerKey: all[:12], otherKey: all[12:]}
	config := env.ProviderBlock() + fmt.Sprintf(`
locals {
  groups = [
    { key = %q, ids = [%s] },
    { key = %q, ids = [%s] },
  ]
  pairs = flatten([for g in local.groups : [for id in g.ids : { key = g.key, id = id }]])
}

resource "wix_automation_event_cancellation" "mixed" {
  count              = length(local.pairs)
  trigger_key        = local.pairs[count.index].key
  external_entity_id = local.pairs[count.index].id
}
`, env.TriggerKey, acctest.QuoteAll(idsOf[env.TriggerKey]), otherKey, acctest.QuoteAll(idsOf[otherKey]))
	check := env.OnSim(func() error {
		calls, err := apiCalls(env)
		if err != nil {
			return err
		}
		bulkByKey := map[string]int{}
		for _, c := range calls {
			for _, id := range c.ids {
				if !slices.Contains(idsOf[c.triggerKey], id) {
					return fmt.Errorf("%v sends %s, an entity of the other trigger key", c, id)
				}
			}
			if c.bulk {
				bulkByKey[c.triggerKey]++
			}
		}
		for key, ids := range idsOf {
			if bulkByKey[key] == 0 {
				return fmt.Errorf("no Bulk Cancel Event for %s: %v", key, calls)
			}
			if err := env.VerifyCanceledOnce(key, ids...); err != nil {
				return err
			}
		}
		return nil
	})
	env.Test(t, []resource.TestStep{{
		Config: config,
		Check:  check,
		ConfigStateChecks: []statecheck.StateCheck{
			acctest.ExpectString("wix_automation_event_cancellation.mixed[0]", "trigger_key", env.TriggerKey),
			acctest.ExpectString("wix_automation_event_cancellation.mixed[12]", "trigger_key", otherKey),
		},
	}})
}

// A per-item failure inside a 200 answer is sent again within the apply
// (canceling again is harmless); one that persists past max_retries fails
// exactly those resources, with Wix's code and description, and the others
// of the same call are saved. The next apply cancels only the failed ones.
func TestAccBatching_perItemFailureFailsOnlyThatResource(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(terraformParallelism)
	bad := []int{3, 6}
	env.Sim.FailBulkItems(env.TriggerKey, ids[bad[0]], ids[bad[1]])
	config := env.ProviderBlock(sendAfter, "max_retries = 1") + acctest.CancellationsConfig(env.TriggerKey, ids)
	badIDs := []string{ids[bad[0]], ids[bad[1]]}
	env.Test(t, []resource.TestStep{
		{
			Config: config,
			ExpectError: acctest.ExpectWords("Could not cancel Wix automation events", ids[bad[0]],
				"CANCEL_EVENT_FAILED", "simulated failure to cancel events for "+ids[bad[0]], "x-wix-request-id", "sent 2 times"),
		},
		{
			// What the failed apply left in state: every resource but the
			// failed ones, which the next apply creates again.
			PreConfig: func() {
				calls, err := apiCalls(env)
				if err != nil {
					t.Fatal(err)
				}
				if len(calls) != 2 || !calls[0].bulk || len(calls[0].ids) != len(ids) || !slices.Equal(sorted(calls[1].ids), badIDs) {
					t.Fatalf("calls = %v, want one Bulk Cancel Event of all %d (send_after gathers them), then the two failed ones again", calls, len(ids))
				}
				for _, id := range badIDs {
					if n := env.Sim.CancelCount(env.TriggerKey, id); n != 0 {
						t.Fatalf("the failed entity %s was canceled %d times, want 0", id, n)
					}
				}
			},
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				acctest.ExpectCreates(len(ids), func() []int { return bad }),
			}},
		},
		{
			PreConfig:         env.Sim.ClearFaults,
			Config:            config,
			ConfigStateChecks: acctest.SavedChecks(env.TriggerKey, ids),
			Check: env.OnSim(func() error {
				calls, _ := apiCalls(env)
				if len(calls) != 3 || !slices.Equal(sorted(calls[2].ids), badIDs) {
					return fmt.Errorf("calls = %v, want the failed ones alone in a third call", calls)
				}
				return env.VerifyCanceledOnce(env.TriggerKey, ids...)
			}),
		},
	})
}

// sorted is a sorted copy of ids.
func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// A Bulk Cancel Event that fails as a whole with 503 is retried like any
// call, with the same ids, and then every resource is saved.
func TestAccBatching_wholeBatch503IsRetried(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(terraformParallelism)
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Status: http.StatusServiceUnavailable})
	env.TestApply(t, ids, checkCalls(env, ids, func(calls []apiCall) error {
		bulk := slices.DeleteFunc(calls, func(c apiCall) bool { return !c.bulk })
		if len(bulk) < 2 || bulk[0].status != http.StatusServiceUnavailable || bulk[1].status != http.StatusOK ||
			!slices.Equal(bulk[0].ids, bulk[1].ids) {
			return fmt.Errorf("bulk calls = %v, want a 503 and then the same ids answered 200", bulk)
		}
		return nil
	}))
}

// A cancellation created alone (here, added to a configuration already
// applied) goes out at once as a plain Cancel Event, not as a bulk call of
// one, and waits for no company.
func TestAccBatching_straggler(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(terraformParallelism + 1)
	first, straggler := ids[:terraformParallelism], ids[terraformParallelism]
	callsBefore := 0
	env.Test(t, []resource.TestStep{
		{
			Config: env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, first),
			Check: env.OnSim(func() error {
				calls, err := apiCalls(env)
				callsBefore = len(calls)
				return err
			}),
		},
		{
			Config:            env.ProviderBlock() + acctest.CancellationsConfig(env.TriggerKey, ids),
			ConfigStateChecks: acctest.SavedChecks(env.TriggerKey, ids),
			Check: checkCalls(env, ids, func(calls []apiCall) error {
				if added := calls[callsBefore:]; len(added) != 1 || added[0].bulk || added[0].ids[0] != straggler {
					return fmt.Errorf("the lone create made %v, want one Cancel Event for %s", added, straggler)
				}
				return nil
			}),
		},
	})
}

// max_batch_size caps every call.
func TestAccBatching_maxBatchSize(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(20)
	env.TestApply(t, ids, checkCalls(env, ids, func(calls []apiCall) error {
		if !slices.ContainsFunc(calls, func(c apiCall) bool { return c.bulk }) {
			return fmt.Errorf("no Bulk Cancel Event at all: %v", calls)
		}
		if i := slices.IndexFunc(calls, func(c apiCall) bool { return len(c.ids) > 3 }); i >= 0 {
			return fmt.Errorf("%v carries more than max_batch_size = 3 ids", calls[i])
		}
		return nil
	}), "batching {\n    max_batch_size = 3\n  }")
}

// enable_batching = false restores exactly one Cancel Event per resource,
// and never a Bulk Cancel Event.
func TestAccBatching_off(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(15)
	// requests_per_minute = 0 as well: without pacing, concurrent creates
	// really overlap, so a batcher would have company.
	env.TestApply(t, ids, checkCalls(env, ids, func(calls []apiCall) error {
		if len(calls) != len(ids) || slices.ContainsFunc(calls, func(c apiCall) bool { return c.bulk }) {
			return fmt.Errorf("%d calls for %d resources, want one Cancel Event each: %v", len(calls), len(ids), calls)
		}
		return nil
	}), acctest.BatchingOff, "requests_per_minute = 0")
}
