package events_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// randomKeyPattern is the form of the idempotency key the provider makes up.
var randomKeyPattern = regexp.MustCompile(`^tf-[0-9a-f]{32}$`)

// Report, an empty plan, then destroy cancels. Against the real API (see
// package acctest) the test reports its own event on WIX_TEST_TRIGGER_KEY
// and cancels it, leaving nothing behind.
func TestAccAutomationEvent_lifecycle(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	id := acctest.EntityIDs(1)[0]
	config := env.ProviderBlock(acctest.BatchingOff) + acctest.OneEvent(env.TriggerKey, id, `payload = { order_id = "A-17", amount = 42 }`)
	checks := append(env.EventStateChecks(id),
		acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.StringRegexp(randomKeyPattern)),
		acctest.ExpectAttr(acctest.OneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"order_id": knownvalue.StringExact("A-17"), "amount": knownvalue.Int64Exact(42)})))
	wire := env.OnSim(func() error {
		reports := env.Sim.RequestsTo(wix.PathReport)
		if len(reports) != 1 || len(env.Sim.Requests()) != 2 {
			return fmt.Errorf("requests = %v, want one token request and one Report Event", env.Sim.Requests())
		}
		ev, err := env.OnlyEvent(env.TriggerKey, id)
		if err != nil {
			return err
		}
		want := fmt.Sprintf(`{"triggerKey":%q,"payload":{"amount":42,"order_id":"A-17"},"externalEntityId":%q,"idempotency":{"key":%q}}`,
			env.TriggerKey, id, ev.IdempotencyKey)
		if string(reports[0].Body) != want {
			return fmt.Errorf("Report Event body = %s, want %s", reports[0].Body, want)
		}
		if !randomKeyPattern.MatchString(ev.IdempotencyKey) || ev.Canceled {
			return fmt.Errorf("event = %+v, want a random key and not canceled", ev)
		}
		return acctest.CheckHeaders(reports[0])
	})
	env.Test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: checks, Check: wire},
		// Refresh and plan make no call and plan nothing.
		{Config: config, PlanOnly: true},
	}, env.OnSim(func() error {
		if err := env.EventsCanceled(true, id)(nil); err != nil {
			return err
		}
		if n := len(env.ReportRequests()); n != 1 {
			return fmt.Errorf("report calls = %d after plan and destroy, want the 1 of the apply", n)
		}
		return env.VerifyCanceledOnce(env.TriggerKey, id)
	}))
}

// Every payload type reaches Wix with its JSON type: strings, whole numbers
// (a big one in full), decimals, booleans and a list of flat objects.
func TestAccAutomationEvent_payloadTypesOnTheWire(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	payload := `payload = {
    s     = "A-17"
    n     = 42
    big   = 12345678901234567890
    dec   = 0.1
    neg   = -3.5
    yes   = true
    no    = false
    items = [{ sku = "A1", qty = 2, gift = false }, { sku = "B2", qty = 1, gift = true }]
  }`
	want := `{"big":12345678901234567890,"dec":0.1,"items":[{"gift":false,"qty":2,"sku":"A1"},` +
		`{"gift":true,"qty":1,"sku":"B2"}],"n":42,"neg":-3.5,"no":false,"s":"A-17","yes":true}`
	bigInt, _ := new(big.Float).SetString("12345678901234567890")
	item := func(sku string, qty int64, gift bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"sku": knownvalue.StringExact(sku),
			"qty": knownvalue.Int64Exact(qty), "gift": knownvalue.Bool(gift)})
	}
	env.Test(t, []resource.TestStep{{
		Config: env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, payload),
		ConfigStateChecks: []statecheck.StateCheck{
			acctest.ExpectAttr(acctest.OneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"s": knownvalue.StringExact("A-17"), "n": knownvalue.Int64Exact(42), "big": knownvalue.NumberExact(bigInt),
				"dec": knownvalue.Float64Exact(0.1), "neg": knownvalue.Float64Exact(-3.5), "yes": knownvalue.Bool(true),
				"no": knownvalue.Bool(false), "items": knownvalue.ListExact([]knownvalue.Check{item("A1", 2, false), item("B2", 1, true)}),
			})),
		},
		Check: func(*terraform.State) error {
			ev, err := env.OnlyEvent(env.TriggerKey, id)
			if err != nil {
				return err
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, ev.PayloadJSON); err != nil {
				return err
			}
			if compact.String() != want {
				return fmt.Errorf("payload on the wire = %s, want %s", compact.String(), want)
			}
			return nil
		},
	}, {
		// Read back as written: no diff, no replacement.
		Config: env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, payload), PlanOnly: true,
	}})
}

// A report whose answer is lost (the connection reset after Wix served it)
// is sent again with the same idempotency key: Wix starts the flows once,
// and state holds the activation ids of that one event. With batching on,
// the same holds for a Bulk Report Event.
func TestAccAutomationEvent_retryAfterResetReportsOnce(t *testing.T) {
	acctest.Parallel(t)
	for name, tc := range map[string]struct {
		path, batching string
		n              int
	}{
		"single": {wix.PathReport, acctest.BatchingOff, 1},
		"bulk":   {wix.PathBulkReport, sendAfter, 4},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
			ids := acctest.EntityIDs(tc.n)
			env.Sim.InjectFault(wixsim.Fault{Path: tc.path, DropAfterServe: true})
			var checks []statecheck.StateCheck
			for i, id := range ids {
				checks = append(checks, acctest.ExpectAttr(acctest.EventAddr(i), "activation_ids", env.SimActivationIDs(id)))
			}
			env.Test(t, []resource.TestStep{{
				Config:            env.ProviderBlock(tc.batching) + acctest.EventsConfig(env.TriggerKey, ids),
				ConfigStateChecks: checks,
				Check: resource.ComposeTestCheckFunc(
					env.ExpectStatuses(tc.path, 0, http.StatusOK),
					env.ReportCallsSoFar(2),
					env.OnSim(func() error {
						if n := len(env.Sim.Events()); n != tc.n {
							return fmt.Errorf("the simulator holds %d events, want %d: the retry reported again", n, tc.n)
						}
						return nil
					})),
			}})
		})
	}
}

// A user-set idempotency_key is sent as idempotency.key and kept in state.
func TestAccAutomationEvent_idempotencyKeySet(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	id := acctest.EntityIDs(1)[0]
	key := acctest.UniqueKey("order-17-created")
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, fmt.Sprintf("idempotency_key = %q", key))
	env.Test(t, []resource.TestStep{{
		Config: config,
		ConfigStateChecks: append(env.EventStateChecks(id),
			acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.StringExact(key))),
		Check: env.OnSim(func() error {
			reports := env.Sim.RequestsTo(wix.PathReport)
			if len(reports) != 1 || !strings.HasSuffix(string(reports[0].Body), fmt.Sprintf(`"idempotency":{"key":%q}}`, key)) {
				return fmt.Errorf("Report Event calls = %v, want one that sends idempotency.key %q", reports, key)
			}
			ev, err := env.OnlyEvent(env.TriggerKey, id)
			if err == nil && ev.IdempotencyKey != key {
				err = fmt.Errorf("the simulator stored key %q, want %q", ev.IdempotencyKey, key)
			}
			return err
		}),
	}}, env.EventsCanceled(true, id))
}

// Without idempotency_key, the create makes up a random key, sends it and
// keeps it: later plans keep it, and applying the unchanged configuration
// again makes no API call.
func TestAccAutomationEvent_idempotencyKeyRandom(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id)
	sameKey := acctest.StaysSame()
	var requests int
	keyOnTheWire := knownvalue.StringFunc(func(v string) error {
		ev, err := env.OnlyEvent(env.TriggerKey, id)
		if err == nil && (ev.IdempotencyKey != v || !randomKeyPattern.MatchString(v)) {
			err = fmt.Errorf("idempotency_key %q in state, %q sent", v, ev.IdempotencyKey)
		}
		return err
	})
	env.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", keyOnTheWire),
				sameKey.AddStateValue(acctest.OneEventAddr, acctest.Attr("idempotency_key")),
			},
			Check: env.CountRequests(&requests),
		},
		{Config: config, PlanOnly: true},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.OneEventAddr, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{sameKey.AddStateValue(acctest.OneEventAddr, acctest.Attr("idempotency_key"))},
			Check:             env.NoRequestsSince(&requests),
		},
	})
}

// A replacement that keeps a user-set idempotency_key fails at plan, for a
// change of payload, triggers or entity alike: Wix would ignore the new
// report. Changing the key with it replaces the event: the old one is
// canceled and the new one reported with the new key.
func TestAccAutomationEvent_replacementKeepingKeyFails(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	ids := acctest.EntityIDs(2)
	k1, k2 := acctest.UniqueKey("k1"), acctest.UniqueKey("k2")
	event := func(id, payload, key string, extra ...string) string {
		return env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, append(extra,
			fmt.Sprintf("payload = { release = %q }", payload), fmt.Sprintf("idempotency_key = %q", key))...)
	}
	keeps := func(config string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.ExpectWords("Replacement keeps the idempotency key",
			"idempotency_key stays "+fmt.Sprintf("%q", k1), "Wix remembers a key for up to a week", "Change idempotency_key")}
	}
	env.Test(t, []resource.TestStep{
		{Config: event(ids[0], "v1", k1), Check: env.ReportCallsSoFar(1)},
		keeps(event(ids[0], "v2", k1)),
		keeps(event(ids[0], "v1", k1, `triggers = { release = "v2" }`)),
		keeps(event(ids[1], "v1", k1)),
		{
			Config:           event(ids[0], "v2", k2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{acctest.ReplacesEvent}},
			ConfigStateChecks: append(env.EventStateChecks(ids[0])[:1],
				acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.StringExact(k2))),
			Check: resource.ComposeTestCheckFunc(env.ReportCallsSoFar(2), env.CancelCallsSoFar(1), env.OnSim(func() error {
				events := env.EventsOf(env.TriggerKey, ids[0])
				if len(events) != 2 || !events[0].Canceled || events[1].Canceled || events[1].IdempotencyKey != k2 {
					return fmt.Errorf("events = %+v, want the first canceled and the second reported with %s", events, k2)
				}
				return nil
			})),
		},
	}, env.EventsCanceled(true, ids[0]))
}

// A per-item failure inside a 200 Bulk Report Event answer fails exactly
// that resource, with Wix's code; the others are saved, and the next apply
// reports only the failed one.
func TestAccAutomationEvent_bulkPerItemFailure(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	ids := acctest.EntityIDs(5)
	const bad = 3
	env.Sim.FailBulkReportItems(env.TriggerKey, ids[bad])
	config := env.ProviderBlock(sendAfter) + acctest.EventsConfig(env.TriggerKey, ids)
	oneBulkOfAll := func() {
		reports := env.ReportRequests()
		if len(reports) != 1 || reports[0].Path != wix.PathBulkReport || len(env.Sim.Events()) != len(ids)-1 {
			t.Fatalf("reports = %v, events = %d; want one Bulk Report Event of all and an event for all but one", reports, len(env.Sim.Events()))
		}
		if n := len(env.EventsOf(env.TriggerKey, ids[bad])); n != 0 {
			t.Fatalf("the failed entity has %d events, want 0", n)
		}
	}
	env.Test(t, []resource.TestStep{
		{Config: config, ExpectError: acctest.ExpectWords("Could not report a Wix automation event", ids[bad],
			"REPORT_EVENT_FAILED", "simulated failure to report the event for "+ids[bad])},
		{
			PreConfig: oneBulkOfAll, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				acctest.ExpectEventCreates(len(ids), bad),
			}},
		},
		{
			PreConfig: env.Sim.ClearFaults,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectAttr(acctest.EventAddr(bad), "activation_ids", env.SimActivationIDs(ids[bad])),
				acctest.ExpectAttr(acctest.EventAddr(0), "activation_ids", env.SimActivationIDs(ids[0])),
			},
			Check: func(*terraform.State) error {
				reports := env.ReportRequests()
				if len(reports) != 2 || reports[1].Path != wix.PathReport || !strings.Contains(string(reports[1].Body), ids[bad]) {
					return fmt.Errorf("reports = %v, want the failed one alone as Report Event", reports)
				}
				return nil
			},
		},
	}, env.EventsCanceled(true, ids...))
}

// A destroy whose cancel Wix refuses keeps the event in state; the next
// destroy cancels it.
func TestAccAutomationEvent_destroyWithFailingCancel(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: func() {
				env.Sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: http.StatusForbidden, Message: "no permission to cancel"})
			},
			Config: config, Destroy: true,
			ExpectError: acctest.ExpectWords("Wix denied the cancellation", "403", "no permission to cancel"),
		},
		// Still in state: the plan is empty, nothing to create.
		{Config: config, PlanOnly: true, PreConfig: func() {
			if err := env.EventsCanceled(false, id)(nil); err != nil {
				t.Fatal(err)
			}
		}},
	}, resource.ComposeAggregateTestCheckFunc(
		env.ExpectStatuses(wix.PathCancel, http.StatusForbidden, http.StatusOK),
		env.EventsCanceled(true, id)))
}

// A destroy of several events whose Bulk Cancel Event keeps failing two
// items: they are sent again (max_retries = 1), then fail with Wix's code,
// and exactly those two stay in state; the next destroy cancels them.
func TestAccAutomationEvent_destroyWithFailingBulkItem(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(4)
	bad := []string{ids[1], ids[2]}
	config := env.ProviderBlock(sendAfter, "max_retries = 1") + acctest.EventsConfig(env.TriggerKey, ids)
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig:   func() { env.Sim.FailBulkItems(env.TriggerKey, bad...) },
			Config:      config,
			Destroy:     true,
			ExpectError: acctest.ExpectWords("Could not cancel Wix automation events", "CANCEL_EVENT_FAILED", "sent 2 times"),
		},
		{
			PreConfig: func() {
				for _, id := range bad {
					if n := env.Sim.CancelCount(env.TriggerKey, id); n != 0 {
						t.Fatalf("the failed entity %s was canceled %d times, want 0", id, n)
					}
				}
				if n := len(env.Sim.RequestsTo(wix.PathBulkCancel)); n != 2 {
					t.Fatalf("Bulk Cancel Event calls = %d, want 2: all four, then the two failed ones again", n)
				}
				env.Sim.ClearFaults()
			},
			// Only the failed events are left: the others are planned anew.
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				acctest.ExpectEventCreates(len(ids), 0, 3),
			}},
		},
	}, resource.ComposeAggregateTestCheckFunc(
		env.CanceledOnce(env.TriggerKey, bad...),
		env.EventsCanceled(true, ids...)))
}

// An import block adopts an event reported outside Terraform with no API
// call; the apply records payload, triggers and idempotency_key without
// reporting; after that a change replaces the event as usual, and destroy
// cancels both.
func TestAccAutomationEvent_importBlock(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	id, outside := env.EventReportedOutside()
	k1, k2 := acctest.UniqueKey("adopted"), acctest.UniqueKey("replaced")
	config := func(release, key string) string {
		return env.ProviderBlock() + fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", acctest.OneEventAddr, env.TriggerKey, id) +
			acctest.OneEvent(env.TriggerKey, id, `payload = { tier = "gold" }`, fmt.Sprintf("triggers = { release = %q }", release),
				fmt.Sprintf("idempotency_key = %q", key))
	}
	recorded := []statecheck.StateCheck{
		acctest.ExpectAttr(acctest.OneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
		acctest.ExpectAttr(acctest.OneEventAddr, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
		acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.StringExact(k1)),
		acctest.ExpectAttr(acctest.OneEventAddr, "reported_at", knownvalue.Null()),
		acctest.ExpectAttr(acctest.OneEventAddr, "activation_ids", knownvalue.Null()),
	}
	env.Test(t, []resource.TestStep{
		{
			Config: config("v1", k1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.OneEventAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: recorded,
			// Only the report made outside Terraform, no token of the provider.
			Check: env.NoRequestsSince(&outside),
		},
		{Config: config("v1", k1), PlanOnly: true},
		// Recorded: a change now replaces the event like any other.
		{
			Config:            config("v2", k2),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{acctest.ReplacesEvent}},
			ConfigStateChecks: env.EventStateChecks(id)[:1],
			Check:             resource.ComposeTestCheckFunc(env.CancelCallsSoFar(1), env.ReportCallsSoFar(2)),
		},
	}, env.EventsCanceled(true, id))
}

// terraform import adopts an event with no API call; the next apply records
// the configuration with no report, and destroy cancels the event.
func TestAccAutomationEvent_importCLI(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	id, outside := env.EventReportedOutside()
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, `payload = { tier = "gold" }`)
	noCall := env.NoRequestsSince(&outside)
	env.Test(t, []resource.TestStep{
		{
			ResourceName: acctest.OneEventAddr, ImportState: true, ImportStateId: env.TriggerKey + "/" + id,
			ImportStatePersist: true, Config: config,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["external_entity_id"] != id || states[0].Attributes["trigger_key"] != env.TriggerKey {
					return fmt.Errorf("imported %v, want the event of %s", states, id)
				}
				return noCall(nil)
			},
		},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(acctest.OneEventAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectAttr(acctest.OneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
				acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.Null()),
			},
			Check: noCall,
		},
		{ResourceName: acctest.OneEventAddr, ImportState: true, ImportStateId: id, Config: config,
			ExpectError: acctest.ExpectWords("Invalid import id for wix_automation_event", `has no "/"`, "<trigger_key>/<external_entity_id>")},
	}, resource.ComposeTestCheckFunc(env.EventsCanceled(true, id), env.ReportCallsSoFar(1)))
}

// for_each of 200 events with the defaults: far fewer report calls than
// events, one token per run, one event per entity; destroy likewise.
// Asserted on the simulator's log, never on time. How many events share a
// call depends on how fast Terraform issues the creates between two paced
// calls, which a loaded machine slows (29 calls have been seen with five
// other tests running, 21 alone), so the bound is a quarter of the events:
// coalescing is what it proves; the benchmark measures the ratio (0.10).
func TestAccAutomationEvent_forEach200(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	ids := acctest.EntityIDs(200)
	maxCalls := len(ids) / 4
	config := env.ProviderBlock() + acctest.ForEachEvents(env.TriggerKey, ids)
	reported := acctest.SimCheck(func() error {
		if err := fewCalls(env, t, "report", len(ids), maxCalls, 1, wix.PathReport, wix.PathBulkReport); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := env.OnlyEvent(env.TriggerKey, id); err != nil {
				return err
			}
		}
		return nil
	})
	canceled := acctest.SimCheck(func() error {
		// Two tokens: one for the apply, one for the destroy.
		if err := fewCalls(env, t, "cancel", len(ids), maxCalls, 2, wix.PathCancel, wix.PathBulkCancel); err != nil {
			return err
		}
		return env.EventsCanceled(true, ids...)(nil)
	})
	env.Test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: []statecheck.StateCheck{reported,
			acctest.ExpectAttr(`wix_automation_event.env["`+ids[117]+`"]`, "activation_ids", env.SimActivationIDs(ids[117])),
		}},
		// The harness cannot read for_each state back for its own
		// destroy: destroy in a step, then check with no resources left.
		{Config: config, Destroy: true},
		{Config: env.ProviderBlock(), ConfigStateChecks: []statecheck.StateCheck{canceled}},
	})
}

// fewCalls checks that n resources took at most maxCalls calls to these
// paths (what names them), and that all calls so far asked for tokens
// tokens.
func fewCalls(e *acctest.Env, t *testing.T, what string, n, maxCalls, tokens int, paths ...string) error {
	calls := len(e.RequestsTo(paths...))
	t.Logf("%d events took %d %s calls", n, calls, what)
	if calls > maxCalls {
		return fmt.Errorf("%d %s calls for %d events, want at most %d", calls, what, n, maxCalls)
	}
	if got := len(e.Sim.RequestsTo(wix.PathToken)); got != tokens {
		return fmt.Errorf("token requests = %d, want %d", got, tokens)
	}
	return nil
}

// Create, replacement and destroy without credentials fail at plan, naming
// every setting; refresh and a plan without changes need none and call
// nothing.
func TestAccAutomationEvent_credentialsAtPlan(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(2)
	noCredentials := acctest.BareProviderBlock(env.BaseURLLine())
	one := acctest.OneEvent(env.TriggerKey, ids[0])
	missing := func(op string) []string {
		return []string{"Missing Wix credentials", op, "app_id, app_secret and instance_id",
			"WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "access_token (or WIX_ACCESS_TOKEN)"}
	}
	var requests int
	env.Test(t, []resource.TestStep{
		{Config: env.ProviderBlock() + one, Check: env.CountRequests(&requests)},
		{Config: noCredentials + one, PlanOnly: true},
		{Config: noCredentials + one + acctest.OneEventNamed("two", env.TriggerKey, ids[1]), PlanOnly: true,
			ExpectError: acctest.ExpectWords(missing("Creating a wix_automation_event calls Wix's Report Event API")...)},
		{Config: noCredentials + acctest.OneEvent(env.TriggerKey, ids[0], `payload = { n = 1 }`), PlanOnly: true,
			ExpectError: acctest.ExpectWords(missing("Report Event")...)},
		{Config: noCredentials, PlanOnly: true,
			ExpectError: acctest.ExpectWords(missing("Destroying a wix_automation_event calls Wix's Cancel Event API")...)},
		{
			PreConfig: func() {
				if n := len(env.Sim.Requests()); n != requests {
					t.Fatalf("plans without credentials made %d API calls, want 0", n-requests)
				}
			},
			Config: env.ProviderBlock() + one, PlanOnly: true,
		},
	}, env.EventsCanceled(true, ids[0]))
}

// An import block with no credentials at all adopts an event and records
// its configuration with zero API calls; destroying it then needs them.
func TestAccAutomationEvent_importWithoutCredentials(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id, before := env.EventReportedOutside()
	event := acctest.OneEvent(env.TriggerKey, id, `payload = { tier = "gold" }`, `triggers = { release = "v1" }`)
	importBlock := fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", acctest.OneEventAddr, env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{
			Config: acctest.BareProviderBlock(env.BaseURLLine()) + importBlock + event,
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.ExpectAttr(acctest.OneEventAddr, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
			},
			Check: env.NoRequestsSince(&before),
		},
		// Destroy (the test's end) runs with this configuration.
		{Config: env.ProviderBlock() + event, PlanOnly: true},
	}, env.EventsCanceled(true, id))
}

// Bad input fails at plan, naming the attribute and the rule, with no API
// call.
func TestAccAutomationEvent_planTimeValidation(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	id, key := acctest.EntityIDs(1)[0], env.TriggerKey
	cases := map[string]acctest.BadInput{
		"key starting with _":    {TriggerKey: key, EntityID: id, Extra: `payload = { _x = 1 }`, Want: []string{"Invalid payload key", `The payload key "_x" is not one Wix accepts`, "not starting with an underscore"}},
		"key with a dash":        {TriggerKey: key, EntityID: id, Extra: `payload = { "a-b" = 1 }`, Want: []string{"Invalid payload key", `The payload key "a-b"`, "ASCII letters (a-z, A-Z), digits and underscores"}},
		"key in another script":  {TriggerKey: key, EntityID: id, Extra: `payload = { "名前" = "アリス" }`, Want: []string{"Invalid payload key", `The payload key "名前"`, "ASCII letters (a-z, A-Z)"}},
		"nested map":             {TriggerKey: key, EntityID: id, Extra: `payload = { a = { b = 1 } }`, Want: []string{"Unsupported payload value", "payload.a is an object (nested objects are not allowed)", "jsonencode"}},
		"list of lists":          {TriggerKey: key, EntityID: id, Extra: `payload = { a = [[1]] }`, Want: []string{"Unsupported payload value", "payload.a is a list of lists", "flat objects"}},
		"list of scalars":        {TriggerKey: key, EntityID: id, Extra: `payload = { a = [1, 2] }`, Want: []string{"Unsupported payload value", "payload.a[0] is a number", "flat objects"}},
		"null value":             {TriggerKey: key, EntityID: id, Extra: `payload = { a = null }`, Want: []string{"Null payload value", "payload.a is null"}},
		"number beyond a double": {TriggerKey: key, EntityID: id, Extra: `payload = { amount = 1e400 }`, Want: []string{"Payload number out of range", "payload.amount is 1e+400", "beyond the largest number Wix can hold", "as a string"}},
		"number below a double":  {TriggerKey: key, EntityID: id, Extra: `payload = { items = [{ rate = -1e-400 }] }`, Want: []string{"Payload number out of range", "payload.items[0].rate is -1e-400", "would keep 0"}},
		"not an object":          {TriggerKey: key, EntityID: id, Extra: `payload = "x"`, Want: []string{"Invalid payload", "payload must be an object"}},
		"long CJK key":           {TriggerKey: key, EntityID: id, Extra: fmt.Sprintf("idempotency_key = %q", strings.Repeat("鍵", 81)), Want: []string{"idempotency_key", "character count must be between 1 and 80, got: 81"}},
		"long key":               {TriggerKey: key, EntityID: id, Extra: fmt.Sprintf("idempotency_key = %q", strings.Repeat("k", 81)), Want: []string{"idempotency_key", "character count must be between 1 and 80, got: 81"}},
		"empty key":              {TriggerKey: key, EntityID: id, Extra: `idempotency_key = ""`, Want: []string{"idempotency_key", "character count must be between 1 and 80, got: 0"}},
		"empty trigger key":      {TriggerKey: "", EntityID: id, Extra: "", Want: []string{"Invalid trigger_key", `The trigger_key "" is empty`}},
		"long trigger key":       {TriggerKey: strings.Repeat("k", 101), EntityID: id, Extra: "", Want: []string{"Invalid trigger_key", "is 101 characters long", "at most 100"}},
		"not a GUID":             {TriggerKey: key, EntityID: "16ef8c9c-413e", Extra: "", Want: []string{"Invalid external_entity_id", `"16ef8c9c-413e" is not a GUID`}},
		"zero create":            {TriggerKey: key, EntityID: id, Extra: "timeouts {\n    create = \"0s\"\n  }", Want: []string{"Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`}},
		"negative create":        {TriggerKey: key, EntityID: id, Extra: "timeouts {\n    create = \"-5m\"\n  }", Want: []string{"Invalid timeouts.create", `timeouts.create is "-5m", which is not above zero`}},
		"zero delete":            {TriggerKey: key, EntityID: id, Extra: "timeouts {\n    delete = \"0s\"\n  }", Want: []string{"Invalid timeouts.delete", `timeouts.delete is "0s", which is not above zero`}},
		"negative delete":        {TriggerKey: key, EntityID: id, Extra: "timeouts {\n    delete = \"-5m\"\n  }", Want: []string{"Invalid timeouts.delete", `timeouts.delete is "-5m", which is not above zero`}},
		"read timeout":           {TriggerKey: key, EntityID: id, Extra: "timeouts {\n    read = \"5m\"\n  }", Want: []string{`An argument named "read" is not expected here`}},
	}
	env.ExpectPlanFailures(t, cases, func(tc acctest.BadInput) string {
		return acctest.OneEventNamed("bad", tc.TriggerKey, tc.EntityID, tc.Extra)
	})
}

// Wix leaves activationIds out of its answer when no automation listens
// (protobuf's JSON omits empty lists): activation_ids is then an empty
// list, not null, so that it still tells a reported event from an imported
// one.
func TestAccAutomationEvent_noActivations(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	env.Hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathReport {
			return nil, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	env.Test(t, []resource.TestStep{{
		Config: env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id),
		ConfigStateChecks: []statecheck.StateCheck{
			acctest.ExpectAttr(acctest.OneEventAddr, "activation_ids", knownvalue.ListSizeExact(0)),
			acctest.ExpectAttr(acctest.OneEventAddr, "reported_at", acctest.RecentRFC3339{}),
		},
	}})
}

// Two events of the same trigger key and entity share their cancellation,
// as the docs say: Wix cancels by that pair, so destroying one cancels the
// flows of both.
func TestAccAutomationEvent_sharedEntityCancelsBoth(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	one := acctest.OneEvent(env.TriggerKey, id)
	env.Test(t, []resource.TestStep{
		{Config: env.ProviderBlock() + one + acctest.OneEventNamed("two", env.TriggerKey, id), Check: env.EventsCanceled(false, id)},
		{
			Config: env.ProviderBlock() + one,
			Check: func(*terraform.State) error {
				if events := env.EventsOf(env.TriggerKey, id); len(events) != 2 || !events[0].Canceled || !events[1].Canceled {
					return fmt.Errorf("events = %+v, want both canceled by the destroy of one", events)
				}
				return nil
			},
		},
	})
}

// Wix counts an idempotency key's length in characters, not bytes: a key
// of 80 CJK characters (240 bytes) is Wix's maximum, reaches Wix as
// written and plans empty afterwards (81 is refused at plan, see
// TestAccAutomationEvent_planTimeValidation).
func TestAccAutomationEvent_idempotencyKeyInCharacters(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	id := acctest.EntityIDs(1)[0]
	// 60 CJK characters, a dash and 19 digits of nanoseconds: 80
	// characters that no earlier run used (Wix remembers keys for a week).
	key := acctest.UniqueKey(strings.Repeat("注", 60))
	if n := utf8.RuneCountInString(key); n != 80 {
		t.Fatalf("the test key has %d characters, want 80", n)
	}
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, fmt.Sprintf("idempotency_key = %q", key))
	env.Test(t, []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: append(env.EventStateChecks(id),
				acctest.ExpectAttr(acctest.OneEventAddr, "idempotency_key", knownvalue.StringExact(key))),
			Check: env.OnSim(func() error {
				ev, err := env.OnlyEvent(env.TriggerKey, id)
				if err == nil && ev.IdempotencyKey != key {
					err = fmt.Errorf("the simulator stored key %q, want %q", ev.IdempotencyKey, key)
				}
				return err
			}),
		},
		{Config: config, PlanOnly: true},
	}, env.EventsCanceled(true, id))
}

// A payload number Wix would round (it keeps numbers as doubles) is sent
// as written, and the plan warns, naming it and what Wix keeps; read
// through the real CLI, which shows warnings.
func TestAccAutomationEvent_roundedPayloadNumberWarnsAtPlan(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.TerraformOutputCLI(t, "to read its warnings")
	env := acctest.NewSimEnv(t)
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+env.ProviderBlock()+
		acctest.OneEvent(env.TriggerKey, acctest.EntityIDs(1)[0], `payload = { order = 9007199254740993, total = 0.1 }`))
	out, err := acctest.RunCLI(t, cli, dir, acctest.ReattachProvider(t, env.Provider()), "plan", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}
	if !acctest.ExpectWords("Warning: Payload number loses precision", "payload.order is 9007199254740993, which Wix keeps as",
		"9007199254740992", "write the value as a string").MatchString(out) || strings.Contains(out, "payload.total") {
		t.Errorf("the plan does not warn of exactly the rounded number:\n%s", out)
	}
}

// A replacement Terraform forces (here a taint; -replace and
// replace_triggered_by alike) is not in the plan the resource sees, so the
// plan-time check of a kept idempotency_key cannot catch it. The apply
// does: the report that would follow the cancellation with the same key,
// which Wix would ignore, is refused before it is sent.
func TestAccAutomationEvent_forcedReplacementKeepingKeyFails(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener()
	id := acctest.EntityIDs(1)[0]
	config := env.ProviderBlock() + acctest.OneEvent(env.TriggerKey, id, `idempotency_key = "order-17-created"`)
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			Config: config,
			Taint:  []string{acctest.OneEventAddr},
			ExpectError: acctest.ExpectWords("Replacement keeps the idempotency key", `"order-17-created"`,
				"a replacement that Terraform forced", "Change idempotency_key"),
		},
	})
	if n := len(env.ReportRequests()); n != 1 {
		t.Errorf("report calls = %d, want the first report only: the replacement's was not sent", n)
	}
}
