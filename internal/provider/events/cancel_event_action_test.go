package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Invoking the action for n ids makes ceil(n/100) Bulk Cancel Event calls
// of at most 100 distinct ids, with one token, cancels each id once, and
// reports progress after each call, with the provider's default pacing of
// 200 requests a minute.
func TestAction_CancelEvent_callCounts(t *testing.T) {
	acctest.Parallel(t)
	for _, tc := range []struct{ ids, calls int }{{1, 1}, {100, 1}, {101, 2}, {1000, 10}} {
		t.Run(fmt.Sprint(tc.ids), func(t *testing.T) {
			p := acctest.NewProtocol(t)
			p.ConfigureApp(nil)
			ids := acctest.EntityIDs(tc.ids)
			config := p.CancelEventConfig(wixsim.DemoTriggerKey, ids)
			if diags := p.PlanAction(config); acctest.HasErrors(diags) {
				t.Fatalf("PlanAction: %s", acctest.DiagText(diags))
			}
			started := time.Now()
			progress, diags := p.InvokeAction(context.Background(), config)
			t.Logf("%d ids: %d calls in %s", tc.ids, len(p.BulkCancelCalls()), time.Since(started).Round(time.Millisecond))
			if acctest.HasErrors(diags) {
				t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
			}
			if got := len(p.BulkCancelCalls()); got != tc.calls {
				t.Errorf("Bulk Cancel Event calls = %d, want %d", got, tc.calls)
			}
			if got := p.TokenRequests(); got != 1 {
				t.Errorf("token requests = %d, want 1", got)
			}
			checkBulkCalls(t, p, ids)
			checkProgress(t, progress, len(ids))
		})
	}
}

// checkBulkCalls checks that the calls carried each id exactly once, at
// most 100 a call, and that Wix canceled each id once.
func checkBulkCalls(t *testing.T, p *acctest.Protocol, ids []string) {
	t.Helper()
	var sent []string
	for _, call := range p.BulkCancelCalls() {
		var body struct {
			TriggerKey        string   `json:"triggerKey"`
			ExternalEntityIDs []string `json:"externalEntityIds"`
		}
		if err := json.Unmarshal(call.Body, &body); err != nil || body.TriggerKey != wixsim.DemoTriggerKey {
			t.Fatalf("Bulk Cancel Event body %s: %v", call.Body, err)
		}
		if len(body.ExternalEntityIDs) > wix.MaxBulkCancelIDs {
			t.Errorf("a call carried %d ids, more than Wix's limit of %d", len(body.ExternalEntityIDs), wix.MaxBulkCancelIDs)
		}
		sent = append(sent, body.ExternalEntityIDs...)
	}
	slices.Sort(sent)
	if !slices.Equal(sent, ids) {
		t.Errorf("the calls carried %d ids, want each of the %d ids once", len(sent), len(ids))
	}
	checkBulkCallsOnce(t, p, ids)
}

// checkProgress checks one progress message per call, worded as users see
// them: "canceled 300 of 1000 external entity ids of trigger key ...".
func checkProgress(t *testing.T, progress []string, total int) {
	t.Helper()
	var want []string
	for done := wix.MaxBulkCancelIDs; ; done += wix.MaxBulkCancelIDs {
		word := "ids"
		if total == 1 {
			word = "id"
		}
		want = append(want, fmt.Sprintf("canceled %d of %d external entity %s of trigger key %q", min(done, total), total, word, wixsim.DemoTriggerKey))
		if done >= total {
			break
		}
	}
	if !slices.Equal(progress, want) {
		t.Errorf("progress messages =\n%s\nwant\n%s", strings.Join(progress, "\n"), strings.Join(want, "\n"))
	}
}

// Ids that Wix keeps failing item by item are sent again (max_retries = 1),
// then fail the invocation, each listed with Wix's code and description
// from the last answer; the other ids are still canceled, and progress
// counts only confirmed ids.
func TestAction_CancelEvent_perItemFailure(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(map[string]tftypes.Value{"requests_per_minute": tftypes.NewValue(tftypes.Number, 0),
		"max_retries": tftypes.NewValue(tftypes.Number, 1)})
	ids := acctest.EntityIDs(150)
	failing := []string{ids[7], ids[120]}
	p.Env.Sim.FailBulkItems(wixsim.DemoTriggerKey, failing...)
	progress, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	calls := p.BulkCancelCalls()
	acctest.ExpectDiag(t, diags, "Wix did not cancel the events of 2 external entity ids",
		"confirmed the cancellation of 148 of the 150 external entity ids", "but not of these 2",
		"  - "+failing[0]+": CANCEL_EVENT_FAILED: simulated failure to cancel events for "+failing[0]+" (x-wix-request-id: "+calls[1].RequestID+")",
		"  - "+failing[1]+": CANCEL_EVENT_FAILED: simulated failure to cancel events for "+failing[1]+" (x-wix-request-id: "+calls[3].RequestID+")")
	if len(calls) != 4 || !strings.Contains(string(calls[1].Body), `["`+failing[0]+`"]`) || !strings.Contains(string(calls[3].Body), `["`+failing[1]+`"]`) {
		t.Errorf("Bulk Cancel Event calls = %d, want 4: each chunk, then its failed id again alone", len(calls))
	}
	for _, id := range ids {
		want := 1
		if slices.Contains(failing, id) {
			want = 0
		}
		if n := p.Env.Sim.CancelCount(wixsim.DemoTriggerKey, id); n != want {
			t.Errorf("entity %s canceled %d times, want %d", id, n, want)
		}
	}
	wantProgress := []string{
		`canceled 99 of 150 external entity ids of trigger key "form_submitted" (1 not confirmed)`,
		`canceled 148 of 150 external entity ids of trigger key "form_submitted" (2 not confirmed)`,
	}
	if !slices.Equal(progress, wantProgress) {
		t.Errorf("progress = %q, want %q", progress, wantProgress)
	}
}

// A long list of unconfirmed ids names the first 20 and counts the rest.
func TestAction_CancelEvent_manyItemFailures(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(map[string]tftypes.Value{"requests_per_minute": tftypes.NewValue(tftypes.Number, 0),
		"max_retries": tftypes.NewValue(tftypes.Number, 0)})
	ids := acctest.EntityIDs(30)
	p.Env.Sim.FailBulkItems(wixsim.DemoTriggerKey, ids[:25]...)
	_, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	acctest.ExpectDiag(t, diags, "Wix did not cancel the events of 25 external entity ids", "  - "+ids[19]+": CANCEL_EVENT_FAILED", "  and 5 more.")
	if text := acctest.DiagText(diags); strings.Contains(text, ids[20]) || strings.Count(text, "CANCEL_EVENT_FAILED") != 20 {
		t.Errorf("diagnostic lists more than 20 ids:\n%s", text)
	}
}

// An id Wix fails once, for a reason that passes, is sent again within the
// invocation, which succeeds: every id canceled once.
func TestAction_CancelEvent_passingItemFailureIsRetried(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(map[string]tftypes.Value{"requests_per_minute": tftypes.NewValue(tftypes.Number, 0)})
	ids := acctest.EntityIDs(120)
	p.Env.Sim.InjectItemFault(wixsim.ItemFault{Path: wix.PathBulkCancel, ExternalEntityID: ids[110], Code: "UNAVAILABLE"})
	progress, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	if acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	if got := len(p.BulkCancelCalls()); got != 3 {
		t.Errorf("Bulk Cancel Event calls = %d, want 3: two chunks and the retry of the failed id", got)
	}
	checkBulkCallsOnce(t, p, ids)
	checkProgress(t, progress, len(ids))
}

// A 503 for a whole call is retried, and the invocation succeeds.
func TestAction_CancelEvent_retried503(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(nil)
	p.Env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Status: 503, Count: 2})
	ids := acctest.EntityIDs(120)
	progress, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	if acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	if statuses, want := p.Env.Statuses(wix.PathBulkCancel), []int{503, 503, 200, 200}; !slices.Equal(statuses, want) {
		t.Errorf("Bulk Cancel Event answers = %v, want %v", statuses, want)
	}
	checkBulkCallsOnce(t, p, ids)
	checkProgress(t, progress, len(ids))
}

// checkBulkCallsOnce checks that Wix canceled each id once, however many
// attempts the calls took.
func checkBulkCallsOnce(t *testing.T, p *acctest.Protocol, ids []string) {
	t.Helper()
	if err := p.Env.VerifyCanceledOnce(wixsim.DemoTriggerKey, ids...); err != nil {
		t.Fatal(err)
	}
}

// A call that fails for good stops the invocation, and the error says how
// many ids were canceled before it and how many were not.
func TestAction_CancelEvent_wholeCallFailure(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(map[string]tftypes.Value{"requests_per_minute": tftypes.NewValue(tftypes.Number, 0)})
	// The first call is served (a delay-only fault), the second refused.
	p.Env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Delay: time.Millisecond})
	p.Env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Status: 400, Message: "simulated bad request"})
	progress, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(250)))
	acctest.ExpectDiag(t, diags, "Could not cancel Wix automation events",
		`Wix confirmed the cancellation of 100 of the 250 external entity ids of trigger key "form_submitted"`,
		"the 150 ids of that call and the calls after it are not confirmed canceled", "HTTP 400", "simulated bad request")
	if got := len(p.BulkCancelCalls()); got != 2 {
		t.Errorf("Bulk Cancel Event calls = %d, want 2 (no call after the failed one)", got)
	}
	if len(progress) != 1 {
		t.Errorf("progress = %q, want one message for the one call that succeeded", progress)
	}
}

// A Retry-After beyond the invocation's 10-minute limit fails at once with
// a timeout, instead of sleeping into a deadline it cannot meet.
func TestAction_CancelEvent_retryAfterBeyondDeadline(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(nil)
	p.Env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Status: 429, RetryAfter: "3600"})
	_, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(3)))
	acctest.ExpectDiag(t, diags, "Timed out canceling Wix automation events", "time limit of 10m ran out, or would have before the next attempt",
		"Wix confirmed the cancellation of 0 of the 3 external entity ids", "HTTP 429")
	if got := len(p.BulkCancelCalls()); got != 1 {
		t.Errorf("Bulk Cancel Event calls = %d, want 1", got)
	}
}

// A simulator slower than Terraform's deadline fails with a timeout that
// names the time the invocation had.
func TestAction_CancelEvent_slowWixPastDeadline(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(nil)
	p.Env.Sim.InjectFault(wixsim.Fault{Path: wix.PathBulkCancel, Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, diags := p.InvokeAction(ctx, p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(1)))
	acctest.ExpectDiag(t, diags, "Timed out canceling Wix automation events", "time limit of",
		"Wix confirmed the cancellation of 0 of the 1 external entity id", "deadline")
	if text := acctest.DiagText(diags); strings.Contains(text, "time limit of 10m ") {
		t.Errorf("the timeout names the default limit, not the shorter deadline Terraform gave:\n%s", text)
	}
}

// Bad arguments fail validation, naming the argument and the wrong ids,
// and fail an invocation that skipped validation too, with no API call.
func TestAction_CancelEvent_validation(t *testing.T) {
	acctest.Parallel(t)
	good := acctest.EntityIDs(3)
	bad := []string{"not-a-guid-1", "not-a-guid-2", "not-a-guid-3", "not-a-guid-4", "not-a-guid-5", "not-a-guid-6", "{" + good[0] + "}"}
	for name, tc := range map[string]struct {
		triggerKey string
		ids        []string
		argument   string
		phrases    []string
	}{
		"empty set": {wixsim.DemoTriggerKey, []string{}, "external_entity_ids", []string{"external_entity_ids is empty"}},
		"non-GUIDs": {wixsim.DemoTriggerKey, append(slices.Clone(good), bad...), "external_entity_ids", []string{
			`has 7 values that are not GUIDs: "not-a-guid-1", "not-a-guid-2", "not-a-guid-3", "not-a-guid-4", "not-a-guid-5" and 2 more.`,
			"8-4-4-4-12"}},
		"one non-GUID": {wixsim.DemoTriggerKey, []string{good[0], "nope"}, "external_entity_ids", []string{`has 1 value that is not a GUID: "nope".`}},
		"long key":     {strings.Repeat("k", 101), good, "trigger_key", []string{"Invalid trigger_key", "101 characters long", "at most 100"}},
		"empty key":    {"", good, "trigger_key", []string{"Invalid trigger_key", "1 to 100 characters"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := acctest.NewProtocol(t)
			p.ConfigureApp(nil)
			config := p.CancelEventConfig(tc.triggerKey, tc.ids)
			diags := p.ValidateAction(config)
			acctest.ExpectDiag(t, diags, tc.phrases...)
			want := tftypes.NewAttributePath().WithAttributeName(tc.argument)
			if diags[0].Attribute == nil || !diags[0].Attribute.Equal(want) {
				t.Errorf("the error points at %v, want %s", diags[0].Attribute, tc.argument)
			}
			_, diags = p.InvokeAction(context.Background(), config)
			acctest.ExpectDiag(t, diags, tc.phrases...)
			if got := len(p.Env.Sim.Requests()); got != 0 {
				t.Errorf("requests to Wix = %d, want none", got)
			}
		})
	}
}

// Without credentials the plan fails, naming every way to give them, and
// so does an invocation; nothing reaches Wix.
func TestAction_CancelEvent_missingCredentials(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureOK(map[string]tftypes.Value{"base_url": tftypes.NewValue(tftypes.String, p.Env.Server.URL)})
	config := p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(2))
	phrases := []string{"Missing Wix credentials", "app_id, app_secret and instance_id", "access_token",
		"WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "WIX_ACCESS_TOKEN"}
	acctest.ExpectDiag(t, p.PlanAction(config), phrases...)
	_, diags := p.InvokeAction(context.Background(), config)
	acctest.ExpectDiag(t, diags, phrases...)
	if got := len(p.Env.Sim.Requests()); got != 0 {
		t.Errorf("requests to Wix = %d, want none", got)
	}
}

// With a ready access token the action sends it, and asks for no token.
func TestAction_CancelEvent_readyAccessToken(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	token := p.Env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	p.ConfigureToken(token)
	if _, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, acctest.EntityIDs(2))); acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	calls := p.BulkCancelCalls()
	if p.TokenRequests() != 0 || len(calls) != 1 || calls[0].Header.Get("Authorization") != token {
		t.Errorf("token requests = %d, Bulk Cancel Event calls = %d; want 0 and 1 call with the configured token", p.TokenRequests(), len(calls))
	}
}

// Against a Wix that allows 200 requests a minute, the default pacing sends
// 1000 ids in 10 calls without a single 429.
func TestAction_CancelEvent_rateLimitedWix(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.Env.Sim.SetRateLimit(200, true)
	p.ConfigureApp(nil)
	ids := acctest.EntityIDs(1000)
	started := time.Now()
	_, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	t.Logf("1000 ids against 200 requests a minute: %s", time.Since(started).Round(time.Millisecond))
	if acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	for _, call := range p.Env.Sim.Requests() {
		if call.Status != 200 {
			t.Errorf("%s answered %d, want 200 (no 429)", call.Path, call.Status)
		}
	}
	if calls, tokens := len(p.BulkCancelCalls()), p.TokenRequests(); calls != 10 || tokens != 1 {
		t.Errorf("Bulk Cancel Event calls = %d, token requests = %d; want 10 and 1", calls, tokens)
	}
	checkBulkCallsOnce(t, p, ids)
}

// The action's calls carry at most batching's max_batch_size ids: the
// provider's batching block, as Terraform sends it, caps every bulk write
// call of the action too.
func TestAction_CancelEvent_honorsMaxBatchSize(t *testing.T) {
	acctest.Parallel(t)
	p := acctest.NewProtocol(t)
	p.ConfigureApp(map[string]tftypes.Value{"batching": p.ProviderBlockValue("batching", map[string]tftypes.Value{
		"max_batch_size": tftypes.NewValue(tftypes.Number, 30),
	})})
	ids := acctest.EntityIDs(100)
	progress, diags := p.InvokeAction(context.Background(), p.CancelEventConfig(wixsim.DemoTriggerKey, ids))
	if acctest.HasErrors(diags) {
		t.Fatalf("InvokeAction: %s", acctest.DiagText(diags))
	}
	calls := p.BulkCancelCalls()
	if len(calls) != 4 {
		t.Fatalf("Bulk Cancel Event calls = %d, want 4 (30+30+30+10)", len(calls))
	}
	for _, call := range calls {
		var body struct {
			ExternalEntityIDs []string `json:"externalEntityIds"`
		}
		if err := json.Unmarshal(call.Body, &body); err != nil {
			t.Fatalf("Bulk Cancel Event body %s: %v", call.Body, err)
		}
		if len(body.ExternalEntityIDs) > 30 {
			t.Errorf("a call carried %d ids, more than max_batch_size 30", len(body.ExternalEntityIDs))
		}
	}
	checkBulkCalls(t, p, ids)
	if len(progress) != 4 {
		t.Errorf("progress = %q, want one message for each of the 4 calls", progress)
	}
}
