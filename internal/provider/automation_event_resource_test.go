package provider

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

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// randomKeyPattern is the form of the idempotency key the provider makes up.
var randomKeyPattern = regexp.MustCompile(`^tf-[0-9a-f]{32}$`)

// Report, an empty plan, then destroy cancels. Against the real API (see
// helpers_test.go) the test reports its own event on WIX_TEST_TRIGGER_KEY
// and cancels it, leaving nothing behind.
func TestAccAutomationEvent_lifecycle(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id := entityIDs(1)[0]
	config := env.providerBlock(batchingOff) + oneEvent(env.triggerKey, id, `payload = { order_id = "A-17", amount = 42 }`)
	checks := append(env.eventStateChecks(id),
		expectAttr(oneEventAddr, "idempotency_key", knownvalue.StringRegexp(randomKeyPattern)),
		expectAttr(oneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{
			"order_id": knownvalue.StringExact("A-17"), "amount": knownvalue.Int64Exact(42)})))
	wire := env.onSim(func() error {
		reports := env.sim.RequestsTo(wix.PathReport)
		if len(reports) != 1 || len(env.sim.Requests()) != 2 {
			return fmt.Errorf("requests = %v, want one token request and one Report Event", env.sim.Requests())
		}
		ev, err := env.onlyEvent(env.triggerKey, id)
		if err != nil {
			return err
		}
		want := fmt.Sprintf(`{"triggerKey":%q,"payload":{"amount":42,"order_id":"A-17"},"externalEntityId":%q,"idempotency":{"key":%q}}`,
			env.triggerKey, id, ev.IdempotencyKey)
		if string(reports[0].Body) != want {
			return fmt.Errorf("Report Event body = %s, want %s", reports[0].Body, want)
		}
		if !randomKeyPattern.MatchString(ev.IdempotencyKey) || ev.Canceled {
			return fmt.Errorf("event = %+v, want a random key and not canceled", ev)
		}
		return checkHeaders(reports[0])
	})
	env.test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: checks, Check: wire},
		// Refresh and plan make no call and plan nothing.
		{Config: config, PlanOnly: true},
	}, env.onSim(func() error {
		if err := env.eventsCanceled(true, id)(nil); err != nil {
			return err
		}
		if n := len(env.reportRequests()); n != 1 {
			return fmt.Errorf("report calls = %d after plan and destroy, want the 1 of the apply", n)
		}
		return env.verifyCanceledOnce(env.triggerKey, id)
	}))
}

// Every payload type reaches Wix with its JSON type: strings, whole numbers
// (a big one in full), decimals, booleans and a list of flat objects.
func TestAccAutomationEvent_payloadTypesOnTheWire(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
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
	env.test(t, []resource.TestStep{{
		Config: env.providerBlock() + oneEvent(env.triggerKey, id, payload),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr(oneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"s": knownvalue.StringExact("A-17"), "n": knownvalue.Int64Exact(42), "big": knownvalue.NumberExact(bigInt),
				"dec": knownvalue.Float64Exact(0.1), "neg": knownvalue.Float64Exact(-3.5), "yes": knownvalue.Bool(true),
				"no": knownvalue.Bool(false), "items": knownvalue.ListExact([]knownvalue.Check{item("A1", 2, false), item("B2", 1, true)}),
			})),
		},
		Check: func(*terraform.State) error {
			ev, err := env.onlyEvent(env.triggerKey, id)
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
		Config: env.providerBlock() + oneEvent(env.triggerKey, id, payload), PlanOnly: true,
	}})
}

// A report whose answer is lost (the connection reset after Wix served it)
// is sent again with the same idempotency key: Wix starts the flows once,
// and state holds the activation ids of that one event. With batching on,
// the same holds for a Bulk Report Event.
func TestAccAutomationEvent_retryAfterResetReportsOnce(t *testing.T) {
	parallel(t)
	for name, tc := range map[string]struct {
		path, batching string
		n              int
	}{
		"single": {wix.PathReport, batchingOff, 1},
		"bulk":   {wix.PathBulkReport, sendAfter, 4},
	} {
		t.Run(name, func(t *testing.T) {
			env := newSimEnv(t)
			ids := entityIDs(tc.n)
			env.sim.InjectFault(wixsim.Fault{Path: tc.path, DropAfterServe: true})
			var checks []statecheck.StateCheck
			for i, id := range ids {
				checks = append(checks, expectAttr(eventAddr(i), "activation_ids", env.simActivationIDs(id)))
			}
			env.test(t, []resource.TestStep{{
				Config:            env.providerBlock(tc.batching) + eventsConfig(env.triggerKey, ids),
				ConfigStateChecks: checks,
				Check: resource.ComposeTestCheckFunc(
					env.expectStatuses(tc.path, 0, http.StatusOK),
					env.reportCallsSoFar(2),
					env.onSim(func() error {
						if n := len(env.sim.Events()); n != tc.n {
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
	parallel(t)
	env := newAccEnv(t)
	id := entityIDs(1)[0]
	key := uniqueKey("order-17-created")
	config := env.providerBlock() + oneEvent(env.triggerKey, id, fmt.Sprintf("idempotency_key = %q", key))
	env.test(t, []resource.TestStep{{
		Config: config,
		ConfigStateChecks: append(env.eventStateChecks(id),
			expectAttr(oneEventAddr, "idempotency_key", knownvalue.StringExact(key))),
		Check: env.onSim(func() error {
			reports := env.sim.RequestsTo(wix.PathReport)
			if len(reports) != 1 || !strings.HasSuffix(string(reports[0].Body), fmt.Sprintf(`"idempotency":{"key":%q}}`, key)) {
				return fmt.Errorf("Report Event calls = %v, want one that sends idempotency.key %q", reports, key)
			}
			ev, err := env.onlyEvent(env.triggerKey, id)
			if err == nil && ev.IdempotencyKey != key {
				err = fmt.Errorf("the simulator stored key %q, want %q", ev.IdempotencyKey, key)
			}
			return err
		}),
	}}, env.eventsCanceled(true, id))
}

// Without idempotency_key, the create makes up a random key, sends it and
// keeps it: later plans keep it, and applying the unchanged configuration
// again makes no API call.
func TestAccAutomationEvent_idempotencyKeyRandom(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	config := env.providerBlock() + oneEvent(env.triggerKey, id)
	sameKey := staysSame()
	var requests int
	keyOnTheWire := knownvalue.StringFunc(func(v string) error {
		ev, err := env.onlyEvent(env.triggerKey, id)
		if err == nil && (ev.IdempotencyKey != v || !randomKeyPattern.MatchString(v)) {
			err = fmt.Errorf("idempotency_key %q in state, %q sent", v, ev.IdempotencyKey)
		}
		return err
	})
	env.test(t, []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(oneEventAddr, "idempotency_key", keyOnTheWire),
				sameKey.AddStateValue(oneEventAddr, attr("idempotency_key")),
			},
			Check: env.countRequests(&requests),
		},
		{Config: config, PlanOnly: true},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{sameKey.AddStateValue(oneEventAddr, attr("idempotency_key"))},
			Check:             env.noRequestsSince(&requests),
		},
	})
}

// A replacement that keeps a user-set idempotency_key fails at plan, for a
// change of payload, triggers or entity alike: Wix would ignore the new
// report. Changing the key with it replaces the event: the old one is
// canceled and the new one reported with the new key.
func TestAccAutomationEvent_replacementKeepingKeyFails(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	ids := entityIDs(2)
	k1, k2 := uniqueKey("k1"), uniqueKey("k2")
	event := func(id, payload, key string, extra ...string) string {
		return env.providerBlock() + oneEvent(env.triggerKey, id, append(extra,
			fmt.Sprintf("payload = { release = %q }", payload), fmt.Sprintf("idempotency_key = %q", key))...)
	}
	keeps := func(config string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: expectWords("Replacement keeps the idempotency key",
			"idempotency_key stays "+fmt.Sprintf("%q", k1), "Wix remembers a key for up to a week", "Change idempotency_key")}
	}
	env.test(t, []resource.TestStep{
		{Config: event(ids[0], "v1", k1), Check: env.reportCallsSoFar(1)},
		keeps(event(ids[0], "v2", k1)),
		keeps(event(ids[0], "v1", k1, `triggers = { release = "v2" }`)),
		keeps(event(ids[1], "v1", k1)),
		{
			Config:           event(ids[0], "v2", k2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{replacesEvent}},
			ConfigStateChecks: append(env.eventStateChecks(ids[0])[:1],
				expectAttr(oneEventAddr, "idempotency_key", knownvalue.StringExact(k2))),
			Check: resource.ComposeTestCheckFunc(env.reportCallsSoFar(2), env.cancelCallsSoFar(1), env.onSim(func() error {
				events := env.eventsOf(env.triggerKey, ids[0])
				if len(events) != 2 || !events[0].Canceled || events[1].Canceled || events[1].IdempotencyKey != k2 {
					return fmt.Errorf("events = %+v, want the first canceled and the second reported with %s", events, k2)
				}
				return nil
			})),
		},
	}, env.eventsCanceled(true, ids[0]))
}

// A per-item failure inside a 200 Bulk Report Event answer fails exactly
// that resource, with Wix's code; the others are saved, and the next apply
// reports only the failed one.
func TestAccAutomationEvent_bulkPerItemFailure(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	ids := entityIDs(5)
	const bad = 3
	env.sim.FailBulkReportItems(env.triggerKey, ids[bad])
	config := env.providerBlock(sendAfter) + eventsConfig(env.triggerKey, ids)
	oneBulkOfAll := func() {
		reports := env.reportRequests()
		if len(reports) != 1 || reports[0].Path != wix.PathBulkReport || len(env.sim.Events()) != len(ids)-1 {
			t.Fatalf("reports = %v, events = %d; want one Bulk Report Event of all and an event for all but one", reports, len(env.sim.Events()))
		}
		if n := len(env.eventsOf(env.triggerKey, ids[bad])); n != 0 {
			t.Fatalf("the failed entity has %d events, want 0", n)
		}
	}
	env.test(t, []resource.TestStep{
		{Config: config, ExpectError: expectWords("Could not report a Wix automation event", ids[bad],
			"REPORT_EVENT_FAILED", "simulated failure to report the event for "+ids[bad])},
		{
			PreConfig: oneBulkOfAll, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				expectEventCreates(len(ids), bad),
			}},
		},
		{
			PreConfig: env.sim.ClearFaults,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(eventAddr(bad), "activation_ids", env.simActivationIDs(ids[bad])),
				expectAttr(eventAddr(0), "activation_ids", env.simActivationIDs(ids[0])),
			},
			Check: func(*terraform.State) error {
				reports := env.reportRequests()
				if len(reports) != 2 || reports[1].Path != wix.PathReport || !strings.Contains(string(reports[1].Body), ids[bad]) {
					return fmt.Errorf("reports = %v, want the failed one alone as Report Event", reports)
				}
				return nil
			},
		},
	}, env.eventsCanceled(true, ids...))
}

// A destroy whose cancel Wix refuses keeps the event in state; the next
// destroy cancels it.
func TestAccAutomationEvent_destroyWithFailingCancel(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	config := env.providerBlock() + oneEvent(env.triggerKey, id)
	env.test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: func() {
				env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: http.StatusForbidden, Message: "no permission to cancel"})
			},
			Config: config, Destroy: true,
			ExpectError: expectWords("Wix denied the cancellation", "403", "no permission to cancel"),
		},
		// Still in state: the plan is empty, nothing to create.
		{Config: config, PlanOnly: true, PreConfig: func() {
			if err := env.eventsCanceled(false, id)(nil); err != nil {
				t.Fatal(err)
			}
		}},
	}, resource.ComposeAggregateTestCheckFunc(
		env.expectStatuses(wix.PathCancel, http.StatusForbidden, http.StatusOK),
		env.eventsCanceled(true, id)))
}

// A destroy of several events whose Bulk Cancel Event fails one item keeps
// exactly that one in state; the next destroy cancels it.
func TestAccAutomationEvent_destroyWithFailingBulkItem(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	ids := entityIDs(4)
	const bad = 2
	config := env.providerBlock(sendAfter) + eventsConfig(env.triggerKey, ids)
	env.test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig:   func() { env.sim.FailBulkItems(env.triggerKey, ids[bad]) },
			Config:      config,
			Destroy:     true,
			ExpectError: expectWords("Could not cancel Wix automation events", ids[bad], "CANCEL_EVENT_FAILED"),
		},
		{
			PreConfig: func() {
				if n := env.sim.CancelCount(env.triggerKey, ids[bad]); n != 0 {
					t.Fatalf("the failed entity was canceled %d times, want 0", n)
				}
				env.sim.ClearFaults()
			},
			// Only the failed event is left: the others are planned anew.
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				expectEventCreates(len(ids), 0, 1, 3),
			}},
		},
	}, resource.ComposeAggregateTestCheckFunc(
		env.canceledOnce(env.triggerKey, ids[bad]),
		env.eventsCanceled(true, ids...)))
}

// An import block adopts an event reported outside Terraform with no API
// call; the apply records payload, triggers and idempotency_key without
// reporting; after that a change replaces the event as usual, and destroy
// cancels both.
func TestAccAutomationEvent_importBlock(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id, outside := env.eventReportedOutside()
	k1, k2 := uniqueKey("adopted"), uniqueKey("replaced")
	config := func(release, key string) string {
		return env.providerBlock() + fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", oneEventAddr, env.triggerKey, id) +
			oneEvent(env.triggerKey, id, `payload = { tier = "gold" }`, fmt.Sprintf("triggers = { release = %q }", release),
				fmt.Sprintf("idempotency_key = %q", key))
	}
	recorded := []statecheck.StateCheck{
		expectAttr(oneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
		expectAttr(oneEventAddr, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
		expectAttr(oneEventAddr, "idempotency_key", knownvalue.StringExact(k1)),
		expectAttr(oneEventAddr, "reported_at", knownvalue.Null()),
		expectAttr(oneEventAddr, "activation_ids", knownvalue.Null()),
	}
	env.test(t, []resource.TestStep{
		{
			Config: config("v1", k1),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: recorded,
			// Only the report made outside Terraform, no token of the provider.
			Check: env.noRequestsSince(&outside),
		},
		{Config: config("v1", k1), PlanOnly: true},
		// Recorded: a change now replaces the event like any other.
		{
			Config:            config("v2", k2),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{replacesEvent}},
			ConfigStateChecks: env.eventStateChecks(id)[:1],
			Check:             resource.ComposeTestCheckFunc(env.cancelCallsSoFar(1), env.reportCallsSoFar(2)),
		},
	}, env.eventsCanceled(true, id))
}

// terraform import adopts an event with no API call; the next apply records
// the configuration with no report, and destroy cancels the event.
func TestAccAutomationEvent_importCLI(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id, outside := env.eventReportedOutside()
	config := env.providerBlock() + oneEvent(env.triggerKey, id, `payload = { tier = "gold" }`)
	noCall := env.noRequestsSince(&outside)
	env.test(t, []resource.TestStep{
		{
			ResourceName: oneEventAddr, ImportState: true, ImportStateId: env.triggerKey + "/" + id,
			ImportStatePersist: true, Config: config,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["external_entity_id"] != id || states[0].Attributes["trigger_key"] != env.triggerKey {
					return fmt.Errorf("imported %v, want the event of %s", states, id)
				}
				return noCall(nil)
			},
		},
		{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(oneEventAddr, "payload", knownvalue.ObjectExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("gold")})),
				expectAttr(oneEventAddr, "idempotency_key", knownvalue.Null()),
			},
			Check: noCall,
		},
		{ResourceName: oneEventAddr, ImportState: true, ImportStateId: id, Config: config,
			ExpectError: expectWords("Invalid import id for wix_automation_event", `has no "/"`, "<trigger_key>/<external_entity_id>")},
	}, resource.ComposeTestCheckFunc(env.eventsCanceled(true, id), env.reportCallsSoFar(1)))
}

// for_each of 200 events with the defaults: far fewer report calls than
// events, one token per run, one event per entity; destroy likewise.
// Asserted on the simulator's log, never on time. How many events share a
// call depends on how fast Terraform issues the creates between two paced
// calls, which a loaded machine slows (29 calls have been seen with five
// other tests running, 21 alone), so the bound is a quarter of the events:
// coalescing is what it proves; the benchmark measures the ratio (0.10).
func TestAccAutomationEvent_forEach200(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	ids := entityIDs(200)
	maxCalls := len(ids) / 4
	config := env.providerBlock() + forEachEvents(env.triggerKey, ids)
	reported := simCheck(func() error {
		if err := env.fewCalls(t, "report", len(ids), maxCalls, 1, wix.PathReport, wix.PathBulkReport); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := env.onlyEvent(env.triggerKey, id); err != nil {
				return err
			}
		}
		return nil
	})
	canceled := simCheck(func() error {
		// Two tokens: one for the apply, one for the destroy.
		if err := env.fewCalls(t, "cancel", len(ids), maxCalls, 2, wix.PathCancel, wix.PathBulkCancel); err != nil {
			return err
		}
		return env.eventsCanceled(true, ids...)(nil)
	})
	env.test(t, []resource.TestStep{
		{Config: config, ConfigStateChecks: []statecheck.StateCheck{reported,
			expectAttr(`wix_automation_event.env["`+ids[117]+`"]`, "activation_ids", env.simActivationIDs(ids[117])),
		}},
		// The harness cannot read for_each state back for its own
		// destroy: destroy in a step, then check with no resources left.
		{Config: config, Destroy: true},
		{Config: env.providerBlock(), ConfigStateChecks: []statecheck.StateCheck{canceled}},
	})
}

// fewCalls checks that n resources took at most maxCalls calls to these
// paths (what names them), and that all calls so far asked for tokens
// tokens.
func (e *accEnv) fewCalls(t *testing.T, what string, n, maxCalls, tokens int, paths ...string) error {
	calls := len(e.requestsTo(paths...))
	t.Logf("%d events took %d %s calls", n, calls, what)
	if calls > maxCalls {
		return fmt.Errorf("%d %s calls for %d events, want at most %d", calls, what, n, maxCalls)
	}
	if got := len(e.sim.RequestsTo(wix.PathToken)); got != tokens {
		return fmt.Errorf("token requests = %d, want %d", got, tokens)
	}
	return nil
}

// Create, replacement and destroy without credentials fail at plan, naming
// every setting; refresh and a plan without changes need none and call
// nothing.
func TestAccAutomationEvent_credentialsAtPlan(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	ids := entityIDs(2)
	noCredentials := bareProviderBlock(env.baseURLLine())
	one := oneEvent(env.triggerKey, ids[0])
	missing := func(op string) []string {
		return []string{"Missing Wix credentials", op, "app_id, app_secret and instance_id",
			"WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "access_token (or WIX_ACCESS_TOKEN)"}
	}
	var requests int
	env.test(t, []resource.TestStep{
		{Config: env.providerBlock() + one, Check: env.countRequests(&requests)},
		{Config: noCredentials + one, PlanOnly: true},
		{Config: noCredentials + one + oneEventNamed("two", env.triggerKey, ids[1]), PlanOnly: true,
			ExpectError: expectWords(missing("Creating a wix_automation_event calls Wix's Report Event API")...)},
		{Config: noCredentials + oneEvent(env.triggerKey, ids[0], `payload = { n = 1 }`), PlanOnly: true,
			ExpectError: expectWords(missing("Report Event")...)},
		{Config: noCredentials, PlanOnly: true,
			ExpectError: expectWords(missing("Destroying a wix_automation_event calls Wix's Cancel Event API")...)},
		{
			PreConfig: func() {
				if n := len(env.sim.Requests()); n != requests {
					t.Fatalf("plans without credentials made %d API calls, want 0", n-requests)
				}
			},
			Config: env.providerBlock() + one, PlanOnly: true,
		},
	}, env.eventsCanceled(true, ids[0]))
}

// An import block with no credentials at all adopts an event and records
// its configuration with zero API calls; destroying it then needs them.
func TestAccAutomationEvent_importWithoutCredentials(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id, before := env.eventReportedOutside()
	event := oneEvent(env.triggerKey, id, `payload = { tier = "gold" }`, `triggers = { release = "v1" }`)
	importBlock := fmt.Sprintf("import {\n  to = %s\n  id = \"%s/%s\"\n}\n", oneEventAddr, env.triggerKey, id)
	env.test(t, []resource.TestStep{
		{
			Config: bareProviderBlock(env.baseURLLine()) + importBlock + event,
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr(oneEventAddr, "triggers", knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("v1")})),
			},
			Check: env.noRequestsSince(&before),
		},
		// Destroy (the test's end) runs with this configuration.
		{Config: env.providerBlock() + event, PlanOnly: true},
	}, env.eventsCanceled(true, id))
}

// Bad input fails at plan, naming the attribute and the rule, with no API
// call.
func TestAccAutomationEvent_planTimeValidation(t *testing.T) {
	parallel(t)
	env := newAccEnv(t)
	id, key := entityIDs(1)[0], env.triggerKey
	cases := map[string]badInput{
		"key starting with _": {key, id, `payload = { _x = 1 }`, []string{"Invalid payload key", `The payload key "_x" is not one Wix accepts`, "not starting with an underscore"}},
		"key with a dash":     {key, id, `payload = { "a-b" = 1 }`, []string{"Invalid payload key", `The payload key "a-b"`, "letters, digits and underscores"}},
		"nested map":          {key, id, `payload = { a = { b = 1 } }`, []string{"Unsupported payload value", "payload.a is an object (nested objects are not allowed)", "jsonencode"}},
		"list of lists":       {key, id, `payload = { a = [[1]] }`, []string{"Unsupported payload value", "payload.a is a list of lists", "flat objects"}},
		"list of scalars":     {key, id, `payload = { a = [1, 2] }`, []string{"Unsupported payload value", "payload.a[0] is a number", "flat objects"}},
		"null value":          {key, id, `payload = { a = null }`, []string{"Null payload value", "payload.a is null"}},
		"not an object":       {key, id, `payload = "x"`, []string{"Invalid payload", "payload must be an object"}},
		"long key":            {key, id, fmt.Sprintf("idempotency_key = %q", strings.Repeat("k", 81)), []string{"idempotency_key", "length must be between 1 and 80, got: 81"}},
		"empty key":           {key, id, `idempotency_key = ""`, []string{"idempotency_key", "length must be between 1 and 80, got: 0"}},
		"empty trigger key":   {"", id, "", []string{"Invalid trigger_key", `The trigger_key "" is empty`}},
		"long trigger key":    {strings.Repeat("k", 101), id, "", []string{"Invalid trigger_key", "is 101 characters long", "at most 100"}},
		"not a GUID":          {key, "16ef8c9c-413e", "", []string{"Invalid external_entity_id", `"16ef8c9c-413e" is not a GUID`}},
		"zero create":         {key, id, "timeouts {\n    create = \"0s\"\n  }", []string{"Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`}},
		"negative create":     {key, id, "timeouts {\n    create = \"-5m\"\n  }", []string{"Invalid timeouts.create", `timeouts.create is "-5m", which is not above zero`}},
		"zero delete":         {key, id, "timeouts {\n    delete = \"0s\"\n  }", []string{"Invalid timeouts.delete", `timeouts.delete is "0s", which is not above zero`}},
		"negative delete":     {key, id, "timeouts {\n    delete = \"-5m\"\n  }", []string{"Invalid timeouts.delete", `timeouts.delete is "-5m", which is not above zero`}},
		"read timeout":        {key, id, "timeouts {\n    read = \"5m\"\n  }", []string{`An argument named "read" is not expected here`}},
	}
	env.expectPlanFailures(t, cases, func(tc badInput) string {
		return oneEventNamed("bad", tc.triggerKey, tc.entityID, tc.extra)
	})
}

// Wix leaves activationIds out of its answer when no automation listens
// (protobuf's JSON omits empty lists): activation_ids is then an empty
// list, not null, so that it still tells a reported event from an imported
// one.
func TestAccAutomationEvent_noActivations(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	env.hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathReport {
			return nil, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	env.test(t, []resource.TestStep{{
		Config: env.providerBlock() + oneEvent(env.triggerKey, id),
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr(oneEventAddr, "activation_ids", knownvalue.ListSizeExact(0)),
			expectAttr(oneEventAddr, "reported_at", recentRFC3339{}),
		},
	}})
}

// Two events of the same trigger key and entity share their cancellation,
// as the docs say: Wix cancels by that pair, so destroying one cancels the
// flows of both.
func TestAccAutomationEvent_sharedEntityCancelsBoth(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	one := oneEvent(env.triggerKey, id)
	env.test(t, []resource.TestStep{
		{Config: env.providerBlock() + one + oneEventNamed("two", env.triggerKey, id), Check: env.eventsCanceled(false, id)},
		{
			Config: env.providerBlock() + one,
			Check: func(*terraform.State) error {
				if events := env.eventsOf(env.triggerKey, id); len(events) != 2 || !events[0].Canceled || !events[1].Canceled {
					return fmt.Errorf("events = %+v, want both canceled by the destroy of one", events)
				}
				return nil
			},
		},
	})
}
