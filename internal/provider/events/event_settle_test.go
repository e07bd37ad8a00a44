package events_test

// Never lose, never double: a report whose outcome is unknown is sent
// again with its own idempotency key, within the apply when a bulk answer
// leaves it unclear, and across applies when its retries ran out; a key
// two events share is refused before it is sent.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// keysSent are the idempotency keys every report call so far carried for
// an entity, in order, single and bulk alike.
func keysSent(env *acctest.Env, id string) []string {
	var keys []string
	for _, r := range env.ReportRequests() {
		var body struct {
			ExternalEntityID string          `json:"externalEntityId"`
			Idempotency      wix.Idempotency `json:"idempotency"`
			EventsInfo       []wix.EventInfo `json:"eventsInfo"`
		}
		if json.Unmarshal(r.Body, &body) != nil {
			continue
		}
		if body.ExternalEntityID == id {
			keys = append(keys, body.Idempotency.Key)
		}
		for _, ev := range body.EventsInfo {
			if ev.ExternalEntityID == id && ev.Idempotency != nil {
				keys = append(keys, ev.Idempotency.Key)
			}
		}
	}
	return keys
}

// reportedOnceWithOneKey checks that Wix holds exactly one event of each
// entity (its flows started once) and that every report of it carried the
// key Wix holds: never a second key.
func reportedOnceWithOneKey(env *acctest.Env, ids []string) error {
	for _, id := range ids {
		ev, err := env.OnlyEvent(env.TriggerKey, id)
		if err != nil {
			return err
		}
		for _, key := range keysSent(env, id) {
			if key != ev.IdempotencyKey {
				return fmt.Errorf("%s was reported with keys %v; Wix holds its event under %q: a second key could start its flows twice",
					id, keysSent(env, id), ev.IdempotencyKey)
			}
		}
	}
	return nil
}

// keyWixHolds matches an idempotency_key in state against the key of the
// one event the simulator holds for an entity.
func keyWixHolds(env *acctest.Env, id string) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		ev, err := env.OnlyEvent(env.TriggerKey, id)
		if err == nil && ev.IdempotencyKey != v {
			err = fmt.Errorf("idempotency_key %q in state, Wix holds the event under %q", v, ev.IdempotencyKey)
		}
		return err
	})
}

// A Bulk Report Event answer that lacks one event's result (Wix reported
// it, the answer lost its result): within the same apply, that event is
// sent again, alone, with its own key; Wix recognizes the key, starts
// nothing twice and answers with the first report's activation ids, which
// state gets.
func TestAccAutomationEvent_bulkAnswerLackingAResultIsSentAgain(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	ids := acctest.EntityIDs(4)
	const lost = 2
	env.Sim.InjectItemFault(wixsim.ItemFault{Path: wix.PathBulkReport, ExternalEntityID: ids[lost], Omit: true})
	var checks []statecheck.StateCheck
	for i, id := range ids {
		checks = append(checks,
			acctest.ExpectAttr(acctest.EventAddr(i), "activation_ids", env.SimActivationIDs(id)),
			acctest.ExpectAttr(acctest.EventAddr(i), "idempotency_key", keyWixHolds(env, id)))
	}
	env.Test(t, []resource.TestStep{{
		Config:            env.ProviderBlock(sendAfter) + acctest.EventsConfig(env.TriggerKey, ids),
		ConfigStateChecks: checks,
		Check: env.OnSim(func() error {
			if err := reportedOnceWithOneKey(env, ids); err != nil {
				return err
			}
			reports := env.ReportRequests()
			if len(reports) != 2 || reports[0].Path != wix.PathBulkReport || reports[1].Path != wix.PathReport ||
				!strings.Contains(string(reports[1].Body), ids[lost]) {
				return fmt.Errorf("reports = %v, want one Bulk Report Event of all, then the one whose result was lost, alone", reports)
			}
			return nil
		}),
	}}, env.EventsCanceled(true, ids...))
}

// The seeded fault mix of the second hostile review: a report's attempts
// meet a 429, a reset, a 503 and then an answer dropped after Wix acted,
// and max_retries runs out. The apply saves each event as unconfirmed with
// the key it was sent with (a warning, so nothing is tainted); the next plan
// is an in-place update; that apply sends the reports again with the same
// keys, Wix starts nothing twice, and state gets the activation ids of the
// one report Wix acted on. Then the plan is empty.
func TestAccAutomationEvent_unconfirmedReportIsSettledWithItsKey(t *testing.T) {
	acctest.Parallel(t)
	for name, tc := range map[string]struct {
		path, batching string
		n              int
	}{
		"single": {wix.PathReport, acctest.BatchingOff, 1},
		"bulk":   {wix.PathBulkReport, sendAfter, 3},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
			ids := acctest.EntityIDs(tc.n)
			for _, f := range []wixsim.Fault{{Status: 429}, {DropConnection: true}, {Status: 503}, {DropAfterServe: true}} {
				f.Path = tc.path
				env.Sim.InjectFault(f)
			}
			config := env.ProviderBlock(tc.batching, "max_retries = 2") + acctest.EventsConfig(env.TriggerKey, ids)
			sameKey := make([]acctest.ValueTracker, tc.n)
			var unconfirmed, settled []statecheck.StateCheck
			var updates []plancheck.PlanCheck
			for i, id := range ids {
				sameKey[i] = acctest.StaysSame()
				unconfirmed = append(unconfirmed,
					acctest.ExpectAttr(acctest.EventAddr(i), "idempotency_key", keyWixHolds(env, id)),
					sameKey[i].AddStateValue(acctest.EventAddr(i), acctest.Attr("idempotency_key")),
					acctest.ExpectAttr(acctest.EventAddr(i), "reported_at", knownvalue.Null()),
					acctest.ExpectAttr(acctest.EventAddr(i), "activation_ids", knownvalue.Null()))
				settled = append(settled,
					sameKey[i].AddStateValue(acctest.EventAddr(i), acctest.Attr("idempotency_key")),
					acctest.ExpectAttr(acctest.EventAddr(i), "activation_ids", env.SimActivationIDs(id)),
					acctest.ExpectAttr(acctest.EventAddr(i), "reported_at", acctest.RecentRFC3339{}))
				updates = append(updates,
					plancheck.ExpectResourceAction(acctest.EventAddr(i), plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(acctest.EventAddr(i), acctest.Attr("reported_at")))
			}
			onceEach := env.OnSim(func() error { return reportedOnceWithOneKey(env, ids) })
			env.Test(t, []resource.TestStep{
				{
					Config: config, ExpectNonEmptyPlan: true, ConfigStateChecks: unconfirmed,
					Check: resource.ComposeTestCheckFunc(env.ExpectStatuses(tc.path, 429, 0, 503, 0), onceEach),
				},
				{
					Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: updates},
				},
				{
					Config:            config,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: updates},
					ConfigStateChecks: settled,
					Check:             onceEach,
				},
				{Config: config, PlanOnly: true},
			}, env.EventsCanceled(true, ids...))
		})
	}
}

// A settle whose answer is lost again fails the apply and keeps the event
// unconfirmed, with the same key; a plan without credentials says that
// settling it needs them; the next apply settles it, and Wix holds one
// event, reported under one key.
func TestAccAutomationEvent_settleLostAgainStaysUnconfirmed(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedListener() // Wix answers activation ids only for the ACTIVE automations an event starts
	ids := acctest.EntityIDs(1)
	config := env.ProviderBlock(acctest.BatchingOff, "max_retries = 0") + acctest.EventsConfig(env.TriggerKey, ids)
	drop := func() { env.Sim.InjectFault(wixsim.Fault{Path: wix.PathReport, DropAfterServe: true}) }
	sameKey := acctest.StaysSame()
	keyKept := func() statecheck.StateCheck {
		return sameKey.AddStateValue(acctest.EventAddr(0), acctest.Attr("idempotency_key"))
	}
	update := plancheck.ExpectResourceAction(acctest.EventAddr(0), plancheck.ResourceActionUpdate)
	env.Test(t, []resource.TestStep{
		{PreConfig: drop, Config: config, ExpectNonEmptyPlan: true, ConfigStateChecks: []statecheck.StateCheck{keyKept()}},
		{
			PreConfig: drop, Config: config,
			ExpectError: acctest.ExpectWords("Unconfirmed event report still unconfirmed", "The answer was lost again",
				"stays in state as unconfirmed", "the next apply sends it again, with that key"),
		},
		{
			Config: acctest.BareProviderBlock(env.BaseURLLine()) + acctest.EventsConfig(env.TriggerKey, ids), PlanOnly: true,
			ExpectError: acctest.ExpectWords("Missing Wix credentials", "is unconfirmed", "Report Event"),
		},
		{
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{update}},
		},
		{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{update}},
			ConfigStateChecks: []statecheck.StateCheck{keyKept(),
				acctest.ExpectAttr(acctest.EventAddr(0), "activation_ids", env.SimActivationIDs(ids[0]))},
			Check: resource.ComposeTestCheckFunc(env.ExpectStatuses(wix.PathReport, 0, 0, 200),
				env.OnSim(func() error { return reportedOnceWithOneKey(env, ids) })),
		},
	}, env.EventsCanceled(true, ids...))
}

// The plan of an unconfirmed event says what it will do, in words, through
// the real CLI: the apply that lost the answer warns and exits 0; the plan
// shows an in-place update and a warning naming the key; the apply after
// it settles the event; the plan after that has no changes.
func TestAccAutomationEvent_unconfirmedReportInTheCLI(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.TerraformOutputCLI(t, "to read its output")
	env := acctest.NewSimEnv(t)
	id := acctest.EntityIDs(1)[0]
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathReport, DropAfterServe: true})
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+env.ProviderBlock(acctest.BatchingOff, "max_retries = 0")+
		acctest.OneEvent(env.TriggerKey, id, `idempotency_key = "order-17-created"`))
	reattach := acctest.ReattachProvider(t, env.Provider())
	run := func(wantExit int, args ...string) string {
		t.Helper()
		out, err := acctest.RunCLI(t, cli, dir, reattach, append(args, "-input=false", "-no-color")...)
		if got := acctest.ExitCode(err); got != wantExit {
			t.Fatalf("terraform %s: exit %d, want %d\n%s", args[0], got, wantExit, out)
		}
		return out
	}
	wantIn := func(what, out string, phrases ...string) {
		t.Helper()
		if !acctest.ExpectWords(phrases...).MatchString(out) {
			t.Errorf("%s does not say %q:\n%s", what, phrases, out)
		}
	}
	out := run(0, "apply", "-auto-approve")
	wantIn("the first apply", out, "Warning: Event report unconfirmed: saved with its idempotency key",
		`idempotency key "order-17-created"`, "The next plan shows an in-place update")
	out = run(2, "plan", "-detailed-exitcode")
	wantIn("the plan", out, "~ update in-place", "reported_at", "(known after apply)", "1 to change",
		"Warning: Unconfirmed event report to be sent again", `same idempotency key "order-17-created"`)
	out = run(0, "apply", "-auto-approve")
	wantIn("the settling apply", out, "Modifications complete", "1 changed")
	if strings.Contains(out, "Event report unconfirmed") || strings.Contains(out, "Error") {
		t.Errorf("the settling apply did not settle cleanly:\n%s", out)
	}
	run(0, "plan", "-detailed-exitcode")
	if err := reportedOnceWithOneKey(env, []string{id}); err != nil {
		t.Error(err)
	}
	run(0, "destroy", "-auto-approve")
}

// A per-item failure of a Bulk Cancel Event that passes, during a destroy:
// the id is sent again within the destroy, which completes; every event is
// canceled exactly once.
func TestAccAutomationEvent_destroyRetriesAPassingBulkItemFailure(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(4)
	config := env.ProviderBlock(sendAfter) + acctest.EventsConfig(env.TriggerKey, ids)
	env.Test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig: func() {
				env.Sim.InjectItemFault(wixsim.ItemFault{Path: wix.PathBulkCancel, ExternalEntityID: ids[1], Code: "UNAVAILABLE"})
			},
			Config: config, Destroy: true,
		},
		{Config: env.ProviderBlock(), Check: checkCalls(env, ids, func(calls []apiCall) error {
			if err := env.EventsCanceled(true, ids...)(nil); err != nil {
				return err
			}
			return sentAgainAfterABulkItemFailure(calls, ids[1])
		})},
	})
}

// sentAgainAfterABulkItemFailure checks that id first went out in a bulk
// call with others (where its item fault failed it), and again after it:
// without that, a destroy of single calls would pass for nothing.
func sentAgainAfterABulkItemFailure(calls []apiCall, id string) error {
	var carrying []apiCall
	for _, c := range calls {
		if slices.Contains(c.ids, id) {
			carrying = append(carrying, c)
		}
	}
	if len(carrying) < 2 || !carrying[0].bulk || len(carrying[0].ids) < 2 {
		return fmt.Errorf("want %s first in a bulk call with others, then sent again; the calls carrying it: %v", id, carrying)
	}
	return nil
}

// Three events sharing one idempotency key: Wix would start one and ignore
// the others, so the provider reports the first and refuses the other two
// before sending, naming both events and the key; only the first is saved.
func TestAccAutomationEvent_sharedIdempotencyKeyIsRefused(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewEnv(t)
	ids := acctest.EntityIDs(3)
	key := acctest.UniqueKey("shared")
	config := env.ProviderBlock() + acctest.EventsConfig(env.TriggerKey, ids, fmt.Sprintf("idempotency_key = %q", key))
	env.Test(t, []resource.TestStep{
		{
			Config: config,
			ExpectError: acctest.ExpectWords("Idempotency key shared by two events", fmt.Sprintf("idempotency key %q", key),
				"was already used by the report for", "Nothing was saved to state", "an idempotency_key of its own"),
		},
		{
			PreConfig: func() {
				if env.Sim == nil {
					return
				}
				if n, events := len(env.ReportRequests()), len(env.Sim.Events()); n != 1 || events != 1 {
					t.Fatalf("report calls = %d, events = %d; want 1 and 1: the refused reports never left", n, events)
				}
			},
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{creates(2, 3)}},
		},
	})
}

// creates is a plan check: n of the total events of EventsConfig are to be
// created, whichever they are.
func creates(n, total int) plancheck.PlanCheck { return createsCount{n, total} }

type createsCount struct{ n, total int }

func (c createsCount) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := 0
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.Create() {
			got++
		}
	}
	if got != c.n {
		resp.Error = fmt.Errorf("the plan creates %d of the %d events, want %d", got, c.total, c.n)
	}
}

// Wix answering a report with another report's activation ids took it for
// a repeat of that one: the apply warns, naming both, through the real
// CLI. Here a proxy in front of Wix answers every report with the same ids.
func TestAccAutomationEvent_repeatedActivationIdsWarn(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.TerraformOutputCLI(t, "to read its warnings")
	env := acctest.NewSimEnv(t)
	ids := acctest.EntityIDs(2)
	env.Hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathReport {
			return nil, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"activationIds":["0f0e0d0c-0b0a-4909-8807-060504030201"]}`)), Request: r}, nil
	})
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+env.ProviderBlock(acctest.BatchingOff)+
		acctest.EventsConfig(env.TriggerKey, ids))
	reattach := acctest.ReattachProvider(t, env.Provider())
	out, err := acctest.RunCLI(t, cli, dir, reattach, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	if n := strings.Count(out, "Warning: Wix took the report for a repeat"); n != 1 {
		t.Errorf("%d warnings of a repeated answer, want 1 (for the second event):\n%s", n, out)
	}
	if !acctest.ExpectWords("with the activation ids of the report of", env.TriggerKey+"/"+ids[0], "started no flows for it").MatchString(out) &&
		!acctest.ExpectWords("with the activation ids of the report of", env.TriggerKey+"/"+ids[1], "started no flows for it").MatchString(out) {
		t.Errorf("the warning does not name the other event:\n%s", out)
	}
}
