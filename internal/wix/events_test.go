package wix

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Report Event makes an event cancelable; Cancel Event then stops it. The
// bodies are exactly what Wix's SDK sends.
func TestReportThenCancelEvent(t *testing.T) {
	env := newSimEnv(t)
	ctx := context.Background()
	const entity = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
	// Wix gives activation ids only for the ACTIVE automations an event starts.
	if _, err := env.client.CreateAutomation(ctx, simAutomation("listens")); err != nil {
		t.Fatal(err)
	}
	report := ReportEventRequest{
		TriggerKey:       wixsim.DemoTriggerKey,
		Payload:          map[string]any{"form": "signup"},
		ExternalEntityID: entity,
		Idempotency:      &Idempotency{Key: "submission-1"},
	}
	first, err := env.client.ReportEvent(ctx, report)
	if err != nil {
		t.Fatalf("ReportEvent: %v", err)
	}
	// Another client (another run) sending the same key gets the first
	// report's activation ids back, and nothing starts twice.
	again, err := newSimClient(t, env.server.URL).ReportEvent(ctx, report)
	if err != nil {
		t.Fatalf("ReportEvent again: %v", err)
	}
	if len(first.ActivationIDs) == 0 || first.ActivationIDs[0] != again.ActivationIDs[0] {
		t.Fatalf("activation ids %v then %v: want the same id for the same idempotency key", first.ActivationIDs, again.ActivationIDs)
	}
	if n := env.sim.PendingEvents(wixsim.DemoTriggerKey, entity); n != 1 {
		t.Fatalf("pending events after report = %d, want 1", n)
	}
	wantReport := `{"triggerKey":"form_submitted","payload":{"form":"signup"},"externalEntityId":"` + entity + `","idempotency":{"key":"submission-1"}}`
	if got := string(env.sim.RequestsTo(PathReport)[0].Body); got != wantReport {
		t.Errorf("Report Event body = %s, want %s", got, wantReport)
	}

	if err := env.client.CancelEvent(ctx, wixsim.DemoTriggerKey, entity); err != nil {
		t.Fatalf("CancelEvent: %v", err)
	}
	if n := env.sim.PendingEvents(wixsim.DemoTriggerKey, entity); n != 0 {
		t.Fatalf("pending events after cancel = %d, want 0", n)
	}
	wantCancel := `{"triggerKey":"form_submitted","externalEntityId":"` + entity + `"}`
	if got := string(env.sim.RequestsTo(PathCancel)[0].Body); got != wantCancel {
		t.Errorf("Cancel Event body = %s, want %s", got, wantCancel)
	}
}

// Bulk Cancel Event decodes per-item outcomes, and a 200 with a failed item
// is not an error of the call.
func TestBulkCancelEventDecodesItemResults(t *testing.T) {
	env := newSimEnv(t)
	ok, failed := "16ef8c9c-413e-4d5f-b77d-000000000001", "16ef8c9c-413e-4d5f-b77d-000000000002"
	env.sim.FailBulkItems(wixsim.DemoTriggerKey, failed)
	res, err := env.client.BulkCancelEvent(context.Background(), wixsim.DemoTriggerKey, []string{ok, failed})
	if err != nil {
		t.Fatalf("BulkCancelEvent: %v", err)
	}
	want := `{"triggerKey":"form_submitted","externalEntityIds":["` + ok + `","` + failed + `"]}`
	if got := string(env.sim.RequestsTo(PathBulkCancel)[0].Body); got != want {
		t.Errorf("Bulk Cancel Event body = %s, want %s", got, want)
	}
	if res.RequestID == "" || res.RequestID != env.sim.RequestsTo(PathBulkCancel)[0].RequestID {
		t.Errorf("RequestID = %q, want the answer's x-wix-request-id", res.RequestID)
	}
	if m := res.BulkActionMetadata; m.TotalSuccesses != 1 || m.TotalFailures != 1 {
		t.Errorf("bulkActionMetadata = %+v, want 1 success and 1 failure", m)
	}
	errs := res.ItemErrors([]string{ok, failed})
	if err := errs[0]; err != nil {
		t.Errorf("item %s: %v, want success", ok, err)
	}
	var itemErr *ItemError
	if err := errs[1]; !errors.As(err, &itemErr) || itemErr.Code == "" || itemErr.RequestID != res.RequestID {
		t.Errorf("item %s: %v, want an ItemError with Wix's code and the request id", failed, err)
	}
	if env.sim.CancelCount(wixsim.DemoTriggerKey, ok) != 1 || env.sim.CancelCount(wixsim.DemoTriggerKey, failed) != 0 {
		t.Error("the simulator's cancellations do not match the item results")
	}
}

// ItemErrors reads a bulk answer in any order, takes itemMetadata.id when
// the result does not repeat the id, and honors each item's success flag.
func TestUnit_bulkCancelItemErrors(t *testing.T) {
	r := &BulkCancelEventResponse{RequestID: "req", Results: []BulkCancelResult{
		{ExternalEntityID: "b", ItemMetadata: ItemMetadata{OriginalIndex: 1, Error: &ItemErrorBody{Code: "NO"}}},
		{ItemMetadata: ItemMetadata{ID: "a", OriginalIndex: 0, Success: true}},
	}}
	errs := r.ItemErrors([]string{"a", "b"})
	var itemErr *ItemError
	if errs[0] != nil || !errors.As(errs[1], &itemErr) || itemErr.Code != "NO" || itemErr.ExternalEntityID != "b" || itemErr.RequestID != "req" {
		t.Fatalf("ItemErrors = %v, want a confirmed and b failed with NO", errs)
	}
}

// BulkCancelEventItems sends again, in one call, the ids an answer left
// without a clear result or failed, and gives each id its last outcome; a
// failure that persists past max_retries stays that id's error.
func TestBulkCancelEventItemsSendsUnconfirmedIdsAgain(t *testing.T) {
	env := newSimEnv(t, func(c *Config) { c.MaxRetries = 2 })
	ids := entityIDs(1, 5)
	env.sim.InjectItemFault(wixsim.ItemFault{Path: PathBulkCancel, ExternalEntityID: ids[1], Omit: true})
	env.sim.InjectItemFault(wixsim.ItemFault{Path: PathBulkCancel, ExternalEntityID: ids[3], Code: "UNAVAILABLE", Count: 2})
	env.sim.FailBulkItems(wixsim.DemoTriggerKey, ids[4])
	outcomes, err := env.client.BulkCancelEventItems(t.Context(), wixsim.DemoTriggerKey, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range outcomes {
		var itemErr *ItemError
		if i == 4 != errors.As(got, &itemErr) || (i != 4 && got != nil) {
			t.Errorf("%s: %v, want an *ItemError only for the id that keeps failing", ids[i], got)
		}
	}
	var sent [][]string
	for _, r := range env.sim.RequestsTo(PathBulkCancel) {
		var body bulkCancelEventRequest
		_ = json.Unmarshal(r.Body, &body)
		sent = append(sent, body.ExternalEntityIDs)
	}
	want := [][]string{ids, {ids[1], ids[3], ids[4]}, {ids[3], ids[4]}}
	if !slices.EqualFunc(sent, want, slices.Equal[[]string]) {
		t.Errorf("calls sent %v, want %v", sent, want)
	}
}
