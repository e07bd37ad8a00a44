package events_test

// What the user sees when a 200 does not confirm what it seems to: a bulk
// answer that contradicts itself about an entity, and a 200 carrying an
// error body. Nothing Wix did not confirm is saved or removed from state.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// A destroy's Bulk Cancel Event answer gives every id success at its own
// index, and a second result for one of them, at an index nobody sent,
// saying Wix failed it; Wix canceled only the others. That event is not
// taken as canceled: with retries it goes out again, alone, and the
// destroy completes once Wix canceled it; with max_retries = 0 the destroy
// fails naming the contradiction, and the event stays in state until the
// next destroy cancels it. Either way every event is canceled exactly once.
func TestAccAutomationEvent_contradictoryBulkCancelAnswerCancelsNothing(t *testing.T) {
	acctest.Parallel(t)
	for name, retries := range map[string]string{"sent again": "max_retries = 2", "no retries left": "max_retries = 0"} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			ids := acctest.EntityIDs(3)
			victim := ids[0]
			var armed atomic.Bool
			env.Hook(func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
				if r.URL.Path != wix.PathBulkCancel || !armed.Load() {
					return nil, nil
				}
				return contradictBulkCancel(r, base, victim)
			})
			config := env.ProviderBlock(sendAfter, retries) + acctest.EventsConfig(env.TriggerKey, ids)
			destroy := resource.TestStep{PreConfig: func() { armed.Store(true) }, Config: config, Destroy: true}
			steps := []resource.TestStep{{Config: config}, destroy}
			if retries == "max_retries = 0" {
				steps[1].ExpectError = acctest.ExpectWords("Could not cancel Wix automation events", victim, "has 2 results",
					"its outcome is not known", "sent once; max_retries is 0")
				steps = append(steps, resource.TestStep{
					PreConfig: func() {
						if n := env.Sim.CancelCount(env.TriggerKey, victim); n != 0 {
							t.Fatalf("%s was canceled %d times, want 0: the answer contradicted itself and nothing sent it again", victim, n)
						}
						armed.Store(false)
					},
					// Only the victim's event is left: the others are planned anew.
					Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						acctest.ExpectEventCreates(len(ids), 1, 2),
					}},
				})
			} else {
				steps[1].Check = env.OnSim(func() error { return canceledAgainAlone(env, victim) })
			}
			env.Test(t, steps, env.CanceledOnce(env.TriggerKey, ids...), env.EventsCanceled(true, ids...))
		})
	}
}

// contradictBulkCancel sends a Bulk Cancel Event on to Wix without victim,
// and answers success for every id it carried, victim included, plus a
// second result for victim at an index nobody sent, saying it failed.
func contradictBulkCancel(r *http.Request, base http.RoundTripper, victim string) (*http.Response, error) {
	var req struct {
		TriggerKey        string   `json:"triggerKey"`
		ExternalEntityIDs []string `json:"externalEntityIds"`
	}
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	others := slices.DeleteFunc(slices.Clone(req.ExternalEntityIDs), func(id string) bool { return id == victim })
	body, _ := json.Marshal(map[string]any{"triggerKey": req.TriggerKey, "externalEntityIds": others})
	r = r.Clone(r.Context())
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res, err := base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	result := func(id string, index int, success bool) map[string]any {
		md := map[string]any{"id": id, "originalIndex": index, "success": success}
		if !success {
			md["error"] = map[string]any{"code": "CANCEL_FAILED", "description": "not canceled"}
		}
		return map[string]any{"externalEntityId": id, "itemMetadata": md}
	}
	var results []map[string]any
	for i, id := range req.ExternalEntityIDs {
		results = append(results, result(id, i, true))
	}
	results = append(results, result(victim, len(req.ExternalEntityIDs), false))
	body, _ = json.Marshal(map[string]any{"triggerKey": req.TriggerKey, "results": results,
		"bulkActionMetadata": map[string]any{"totalSuccesses": len(others), "totalFailures": 1}})
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
}

// canceledAgainAlone checks that the destroy's calls were one Bulk Cancel
// Event (of every event; Wix saw it without victim) and then a Cancel
// Event of victim alone, which Wix carried out.
func canceledAgainAlone(env *acctest.Env, victim string) error {
	calls, err := apiCalls(env)
	if err != nil {
		return err
	}
	if len(calls) != 2 || !calls[0].bulk || calls[1].bulk || !slices.Equal(calls[1].ids, []string{victim}) || calls[1].status != http.StatusOK {
		return fmt.Errorf("the destroy's calls were %v, want a Bulk Cancel Event (which reached Wix without %[2]s), then a Cancel Event of %[2]s", calls, victim)
	}
	if n := env.Sim.CancelCount(env.TriggerKey, victim); n != 1 {
		return fmt.Errorf("%s was canceled %d times, want once, by the Cancel Event that followed the contradictory answer", victim, n)
	}
	return nil
}
