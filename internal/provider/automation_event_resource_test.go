package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// randomKeyPattern is the form of the idempotency key the provider makes up.
var randomKeyPattern = regexp.MustCompile(`^tf-[0-9a-f]{32}$`)

// Report, an empty plan, then destroy cancels. Against the real API (see
// helpers_test.go) the test reports its own event on WIX_TEST_TRIGGER_KEY
// and cancels it, leaving nothing behind.
func TestAccAutomationEvent_lifecycle(t *testing.T) {
	env := newAccEnv(t)
	id := entityIDs(1)[0]
	config := env.providerBlock(batchingOff) + oneEvent(env.triggerKey, id, `payload = { order_id = "A-17", amount = 42 }`)
	checks := append(env.eventStateChecks(id),
		statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("idempotency_key"), knownvalue.StringRegexp(randomKeyPattern)),
		statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("payload"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"order_id": knownvalue.StringExact("A-17"), "amount": knownvalue.Int64Exact(42)})))
	wire := func(*terraform.State) error {
		if env.sim == nil {
			return nil
		}
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
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks, Check: wire},
			// Refresh and plan make no call and plan nothing.
			{Config: config, PlanOnly: true},
		},
		CheckDestroy: func(s *terraform.State) error {
			if env.sim == nil {
				return nil
			}
			if err := env.eventsCanceled(true, id)(s); err != nil {
				return err
			}
			if n := len(env.reportRequests()); n != 1 {
				return fmt.Errorf("report calls = %d after plan and destroy, want the 1 of the apply", n)
			}
			return env.verifyCanceledOnce(env.triggerKey, id)
		},
	})
}

// Every payload type reaches Wix with its JSON type: strings, whole numbers
// (a big one in full), decimals, booleans and a list of flat objects.
func TestAccAutomationEvent_payloadTypesOnTheWire(t *testing.T) {
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + oneEvent(env.triggerKey, id, payload),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("payload"), knownvalue.ObjectExact(map[string]knownvalue.Check{
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
		}},
	})
}

// A report whose answer is lost (the connection reset after Wix served it)
// is sent again with the same idempotency key: Wix starts the flows once,
// and state holds the activation ids of that one event. With batching on,
// the same holds for a Bulk Report Event.
func TestAccAutomationEvent_retryAfterResetReportsOnce(t *testing.T) {
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
				checks = append(checks, statecheck.ExpectKnownValue(eventAddr(i), tfjsonpath.New("activation_ids"), env.simActivationIDs(id)))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				Steps: []resource.TestStep{{
					Config:            env.providerBlock(tc.batching) + eventsConfig(env.triggerKey, ids),
					ConfigStateChecks: checks,
					Check: resource.ComposeTestCheckFunc(
						env.expectStatuses(tc.path, 0, http.StatusOK),
						env.reportCallsSoFar(2),
						func(*terraform.State) error {
							if n := len(env.sim.Events()); n != tc.n {
								return fmt.Errorf("the simulator holds %d events, want %d: the retry reported again", n, tc.n)
							}
							return nil
						}),
				}},
			})
		})
	}
}

// A user-set idempotency_key is sent as idempotency.key and kept in state.
func TestAccAutomationEvent_idempotencyKeySet(t *testing.T) {
	env := newAccEnv(t)
	id := entityIDs(1)[0]
	key := uniqueKey("order-17-created")
	config := env.providerBlock() + oneEvent(env.triggerKey, id, fmt.Sprintf("idempotency_key = %q", key))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: append(env.eventStateChecks(id),
				statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("idempotency_key"), knownvalue.StringExact(key))),
			Check: func(*terraform.State) error {
				if env.sim == nil {
					return nil
				}
				reports := env.sim.RequestsTo(wix.PathReport)
				if len(reports) != 1 || !strings.HasSuffix(string(reports[0].Body), fmt.Sprintf(`"idempotency":{"key":%q}}`, key)) {
					return fmt.Errorf("Report Event calls = %v, want one that sends idempotency.key %q", reports, key)
				}
				ev, err := env.onlyEvent(env.triggerKey, id)
				if err == nil && ev.IdempotencyKey != key {
					err = fmt.Errorf("the simulator stored key %q, want %q", ev.IdempotencyKey, key)
				}
				return err
			},
		}},
		CheckDestroy: env.eventsCanceled(true, id),
	})
}

// Without idempotency_key, the create makes up a random key, sends it and
// keeps it: later plans keep it, and applying the unchanged configuration
// again makes no API call.
func TestAccAutomationEvent_idempotencyKeyRandom(t *testing.T) {
	env := newSimEnv(t)
	id := entityIDs(1)[0]
	config := env.providerBlock() + oneEvent(env.triggerKey, id)
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	var requests int
	keyOnTheWire := knownvalue.StringFunc(func(v string) error {
		ev, err := env.onlyEvent(env.triggerKey, id)
		if err == nil && (ev.IdempotencyKey != v || !randomKeyPattern.MatchString(v)) {
			err = fmt.Errorf("idempotency_key %q in state, %q sent", v, ev.IdempotencyKey)
		}
		return err
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(oneEventAddr, tfjsonpath.New("idempotency_key"), keyOnTheWire),
					sameKey.AddStateValue(oneEventAddr, tfjsonpath.New("idempotency_key")),
				},
				Check: env.countRequests(&requests),
			},
			{Config: config, PlanOnly: true},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(oneEventAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameKey.AddStateValue(oneEventAddr, tfjsonpath.New("idempotency_key"))},
				Check:             env.noRequestsSince(&requests),
			},
		},
	})
}
