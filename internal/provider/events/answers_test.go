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
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
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

// gatewayError is what a gateway or a proxy in front of Wix may answer
// with status 200: an error in Wix's own form, not Report Event's
// {"activationIds"} nor Cancel Event's {}.
const gatewayError = `{"message":"upstream unavailable","details":{"applicationError":{"code":"UNAVAILABLE","description":"try later"}}}`

// A Report Event reaches Wix (it starts the event's flows), but the 200
// that comes back carries an error body. The apply saves the event as
// unconfirmed, with the key it was sent with and no reported_at or
// activation ids; the next apply sends it again with that key, Wix starts
// nothing twice, and state gets the activation ids of the one report.
func TestAccAutomationEvent_200CarryingAnErrorLeavesTheReportUnconfirmed(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	ids := acctest.EntityIDs(1)
	var answered atomic.Bool
	env.Hook(func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathReport || !answered.CompareAndSwap(false, true) {
			return nil, nil
		}
		return replaceAnswer(base, r, gatewayError)
	})
	config := env.ProviderBlock(acctest.BatchingOff) + acctest.EventsConfig(env.TriggerKey, ids)
	sameKey := acctest.StaysSame()
	onceWithOneKey := env.OnSim(func() error { return reportedOnceWithOneKey(env, ids) })
	env.Test(t, []resource.TestStep{
		{
			Config: config, ExpectNonEmptyPlan: true,
			ConfigStateChecks: []statecheck.StateCheck{
				sameKey.AddStateValue(acctest.EventAddr(0), acctest.Attr("idempotency_key")),
				acctest.ExpectAttr(acctest.EventAddr(0), "idempotency_key", keyWixHolds(env, ids[0])),
				acctest.ExpectAttr(acctest.EventAddr(0), "reported_at", knownvalue.Null()),
				acctest.ExpectAttr(acctest.EventAddr(0), "activation_ids", knownvalue.Null()),
			},
			Check: resource.ComposeTestCheckFunc(env.ReportCallsSoFar(1), onceWithOneKey),
		},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.EventAddr(0), plancheck.ResourceActionUpdate)}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameKey.AddStateValue(acctest.EventAddr(0), acctest.Attr("idempotency_key")),
				acctest.ExpectAttr(acctest.EventAddr(0), "activation_ids", env.SimActivationIDs(ids[0])),
				acctest.ExpectAttr(acctest.EventAddr(0), "reported_at", acctest.RecentRFC3339{}),
			},
			Check: resource.ComposeTestCheckFunc(env.ReportCallsSoFar(2), onceWithOneKey),
		},
		{Config: config, PlanOnly: true},
	}, env.EventsCanceled(true, ids...))
}

// A Cancel Event answered with 200 and an error body, before Wix acted:
// the cancellation is not saved, and the destroy of an event does not
// remove it from state. Each fails naming the answer; the next apply
// cancels, and Wix canceled each entity exactly once.
func TestAccAutomationEvent_200CarryingAnErrorCancelsNothing(t *testing.T) {
	acctest.Parallel(t)
	errorAnswer := wixsim.Fault{Path: wix.PathCancel, Status: 200, ContentType: "application/json", Body: gatewayError}
	said := acctest.ExpectWords("Cancel Event: the answer was HTTP 200, but its body is an error in Wix's form",
		"not taken as success", "A gateway or proxy in front of Wix, or a wrong base_url (WIX_BASE_URL), is the likely cause",
		"upstream unavailable")
	t.Run("cancellation", func(t *testing.T) {
		env := acctest.NewSimEnv(t)
		id := acctest.EntityIDs(1)[0]
		config := env.OneCancellation(env.TriggerKey, id)
		env.Test(t, []resource.TestStep{
			{PreConfig: func() { env.Sim.InjectFault(errorAnswer) }, Config: config, ExpectError: said},
			{
				PreConfig: func() {
					if n := env.Sim.CancelCount(env.TriggerKey, id); n != 0 {
						t.Fatalf("%s canceled %d times, want 0: the error answer came before Wix acted", id, n)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(acctest.OneCancellationAddr, plancheck.ResourceActionCreate)}},
				Check: resource.ComposeTestCheckFunc(env.CancelCallsSoFar(2), env.CanceledOnce(env.TriggerKey, id)),
			},
		})
	})
	t.Run("event destroy", func(t *testing.T) {
		env := acctest.NewSimEnv(t)
		ids := acctest.EntityIDs(1)
		config := env.ProviderBlock(acctest.BatchingOff) + acctest.EventsConfig(env.TriggerKey, ids)
		env.Test(t, []resource.TestStep{
			{Config: config},
			{PreConfig: func() { env.Sim.InjectFault(errorAnswer) }, Config: config, Destroy: true, ExpectError: said},
			{
				PreConfig: func() {
					if n := env.Sim.CancelCount(env.TriggerKey, ids[0]); n != 0 {
						t.Fatalf("%s canceled %d times, want 0: the error answer came before Wix acted", ids[0], n)
					}
				},
				// The event is still in state: nothing to create.
				Config: config, PlanOnly: true,
			},
		}, env.CanceledOnce(env.TriggerKey, ids...), env.EventsCanceled(true, ids...))
	})
}

// replaceAnswer sends r on to Wix, which acts on it, and answers 200 with
// body in place of Wix's answer.
func replaceAnswer(base http.RoundTripper, r *http.Request, body string) (*http.Response, error) {
	res, err := base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	res.StatusCode, res.Status = http.StatusOK, "200 OK"
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader([]byte(body))), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
}
