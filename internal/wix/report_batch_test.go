package wix

// Bulk Report Event batching, through the same group commit as Bulk Cancel
// Event: the tests mirror the cancel ones, against a small stand-in for
// the two report endpoints whose bulk answers a test may garble.

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// reportWix answers Report Event with the activation id "act-<entity>" and
// Bulk Report Event with one such result per event, in order, passed
// through garble (when set) first.
type reportWix struct {
	*fakeWix
	gate   *gate
	mu     sync.Mutex
	garble func(results []map[string]any) []map[string]any
	// failBulk, when set, answers every Bulk Report Event with this status.
	failBulk int
	// metadataOnce, when set, is the bulkActionMetadata of the next Bulk
	// Report Event answer only.
	metadataOnce map[string]any
}

func newReportWix(t *testing.T, tweak ...func(*Config)) (*reportWix, *Client) {
	t.Helper()
	rw := &reportWix{gate: newGate(PathReport)}
	t.Cleanup(rw.gate.release)
	rw.fakeWix = newFakeWix(t, func(w http.ResponseWriter, r *http.Request) { rw.gate.wrap(http.HandlerFunc(rw.serve)).ServeHTTP(w, r) })
	tweaks := append([]func(*Config){func(c *Config) { c.Batching = BatchingConfig{Enabled: true} }}, tweak...)
	return rw, rw.client(t, tweaks...)
}

func (rw *reportWix) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ExternalEntityID string           `json:"externalEntityId"`
		EventsInfo       []map[string]any `json:"eventsInfo"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	if r.URL.Path == PathReport {
		writeRaw(w, 200, "application/json", `{"activationIds":["act-`+body.ExternalEntityID+`"]}`)
		return
	}
	if rw.failBulk != 0 {
		writeRaw(w, rw.failBulk, "application/json", `{"message":"bulk report failed"}`)
		return
	}
	results := make([]map[string]any, len(body.EventsInfo))
	for i, ev := range body.EventsInfo {
		results[i] = map[string]any{"itemMetadata": map[string]any{"originalIndex": i, "success": true},
			"eventInfo": ev, "activationIds": []string{"act-" + ev["externalEntityId"].(string)}}
	}
	answer := map[string]any{"triggerKey": testKey}
	rw.mu.Lock()
	if rw.garble != nil {
		results = rw.garble(results)
	}
	if rw.metadataOnce != nil {
		answer["bulkActionMetadata"], rw.metadataOnce = rw.metadataOnce, nil
	}
	rw.mu.Unlock()
	answer["results"] = results
	out, _ := json.Marshal(answer)
	writeRaw(w, 200, "application/json", string(out))
}

type reportOutcome struct {
	res *ReportEventResponse
	err error
}

// reportAsync starts ReportEvent for each entity and returns the outcomes.
func reportAsync(client *Client, ids []string) map[string]<-chan reportOutcome {
	out := make(map[string]<-chan reportOutcome, len(ids))
	for _, id := range ids {
		ch := make(chan reportOutcome, 1)
		out[id] = ch
		go func() {
			res, err := client.ReportEvent(context.Background(), ReportEventRequest{TriggerKey: testKey, ExternalEntityID: id,
				Payload: map[string]any{"n": 1}, Idempotency: &Idempotency{Key: "k-" + id}})
			ch <- reportOutcome{res, err}
		}()
	}
	return out
}

// reportBehindHeldLead holds a lone lead report at the server, queues ids
// behind it, lets the lead finish, and returns the queued ids' outcomes.
func reportBehindHeldLead(t *testing.T, rw *reportWix, client *Client, ids []string) map[string]reportOutcome {
	t.Helper()
	lead := reportAsync(client, entityIDs(9, 1))
	rw.gate.waitArrived(t)
	queued := reportAsync(client, ids)
	waitGroupQueued(t, client.reports, len(ids))
	rw.gate.release()
	if out := <-lead[entityIDs(9, 1)[0]]; out.err != nil {
		t.Fatalf("the lead report: %v", out.err)
	}
	got := map[string]reportOutcome{}
	for id, ch := range queued {
		got[id] = <-ch
	}
	return got
}

// A lone report leaves as a plain Report Event, byte for byte as without
// batching.
func TestReportBatch_loneReportIsAPlainReportEvent(t *testing.T) {
	rw, client := newReportWix(t)
	rw.gate.release()
	out := <-reportAsync(client, []string{testEntity})[testEntity]
	if out.err != nil || !slices.Equal(out.res.ActivationIDs, []string{"act-" + testEntity}) {
		t.Fatalf("ReportEvent = %+v, %v", out.res, out.err)
	}
	calls := rw.calls(PathReport)
	want := `{"triggerKey":"form_submitted","payload":{"n":1},"externalEntityId":"` + testEntity + `","idempotency":{"key":"k-` + testEntity + `"}}`
	if len(calls) != 1 || calls[0].body != want || len(rw.calls(PathBulkReport)) != 0 {
		t.Fatalf("calls = %+v, want one Report Event %s", rw.all(), want)
	}
}

// Reports queued during a call leave together in one Bulk Report Event, and
// each caller gets exactly its own activation ids.
func TestReportBatch_queuedReportsLeaveTogether(t *testing.T) {
	rw, client := newReportWix(t)
	ids := entityIDs(1, 7)
	for id, out := range reportBehindHeldLead(t, rw, client, ids) {
		if out.err != nil || !slices.Equal(out.res.ActivationIDs, []string{"act-" + id}) {
			t.Errorf("%s: %+v, %v; want its own activation id", id, out.res, out.err)
		}
	}
	bulk := rw.calls(PathBulkReport)
	if len(bulk) != 1 {
		t.Fatalf("Bulk Report Event calls = %d, want 1", len(bulk))
	}
	var body bulkReportEventRequest
	if err := json.Unmarshal([]byte(bulk[0].body), &body); err != nil || body.TriggerKey != testKey || len(body.EventsInfo) != len(ids) {
		t.Fatalf("bulk body %s: want %d events of %s", bulk[0].body, len(ids), testKey)
	}
	for _, ev := range body.EventsInfo {
		if ev.Idempotency == nil || ev.Idempotency.Key != "k-"+ev.ExternalEntityID || ev.Payload["n"] != float64(1) {
			t.Errorf("event %+v lost its payload or idempotency key", ev)
		}
	}
}

// A bulk answer that does not clearly confirm an item (no result, two, one
// for another entity at its position, a failure that passes) leaves that
// item's outcome unknown: it is sent again, alone, with the same
// idempotency key, and gets its own activation ids. A failure Wix gives a
// reason for that does not pass fails that item only; a shuffled but
// consistent answer is fine.
func TestReportBatch_garbledAnswersRetryOnlyTheirItem(t *testing.T) {
	failWith := func(code string) func([]map[string]any) []map[string]any {
		return func(r []map[string]any) []map[string]any {
			r[2]["itemMetadata"] = map[string]any{"originalIndex": 2, "success": false, "error": map[string]any{"code": code, "description": "no " + fakeToken}}
			return r
		}
	}
	for name, tc := range map[string]struct {
		garble func([]map[string]any) []map[string]any
		bad    string // what the failed item's error says; "" when none fails
	}{
		"shuffled":  {func(r []map[string]any) []map[string]any { slices.Reverse(r); return r }, ""},
		"missing":   {func(r []map[string]any) []map[string]any { return slices.Delete(r, 2, 3) }, ""},
		"duplicate": {func(r []map[string]any) []map[string]any { return append(r, r[2]) }, ""},
		"foreign": {func(r []map[string]any) []map[string]any {
			r[2]["eventInfo"] = map[string]any{"externalEntityId": "someone-else"}
			return r
		}, ""},
		"contradictory duplicate": {func(r []map[string]any) []map[string]any {
			second := maps.Clone(r[2])
			second["itemMetadata"] = map[string]any{"originalIndex": len(r), "success": false,
				"error": map[string]any{"code": "REPORT_FAILED", "description": "not reported"}}
			return append(r, second)
		}, ""},
		"unavailable": {failWith("UNAVAILABLE"), ""},
		"unexplained": {func(r []map[string]any) []map[string]any {
			r[2]["itemMetadata"] = map[string]any{"originalIndex": 2}
			return r
		}, ""},
		"refused": {failWith("NOPE"), "NOPE: no [redacted]"},
	} {
		t.Run(name, func(t *testing.T) {
			rw, client := newReportWix(t, func(c *Config) { c.Batching.MaxBatchSize = 4 })
			rw.garble = tc.garble
			ids := entityIDs(1, 4)
			outs := reportBehindHeldLead(t, rw, client, ids)
			var body bulkReportEventRequest
			_ = json.Unmarshal([]byte(rw.calls(PathBulkReport)[0].body), &body)
			badID := body.EventsInfo[2].ExternalEntityID
			for id, out := range outs {
				failing := tc.bad != "" && id == badID
				if failing != (out.err != nil) || (failing && !strings.Contains(out.err.Error(), tc.bad)) {
					t.Errorf("%s: %v, want failure %v with %q", id, out.err, failing, tc.bad)
				}
				if !failing && (out.res == nil || out.res.ActivationIDs[0] != "act-"+id) {
					t.Errorf("%s got %+v, want its own activation id", id, out.res)
				}
			}
			var itemErr *ItemError
			if tc.bad != "" && (!errors.As(outs[badID].err, &itemErr) || errors.Is(outs[badID].err, ErrMayHaveReachedWix)) {
				t.Errorf("a refused item: %v, want an *ItemError that did not reach Wix", outs[badID].err)
			}
			// The lead and, when the answer was unclear about it, the
			// retry of the one event: alone, with its own key.
			singles := rw.calls(PathReport)
			wantSingles := 2
			if name == "shuffled" || tc.bad != "" {
				wantSingles = 1
			}
			if len(singles) != wantSingles || len(rw.calls(PathBulkReport)) != 1 {
				t.Fatalf("calls = %+v, want one Bulk Report Event and %d Report Event", rw.all(), wantSingles)
			}
			if wantSingles == 2 && !strings.Contains(singles[1].body, `"idempotency":{"key":"k-`+badID+`"}`) {
				t.Errorf("the retry %s, want the event of %s with its own key", singles[1].body, badID)
			}
		})
	}
}

// Events a bulk answer never gives a result are sent again with their
// keys, together, up to max_retries times; then each fails as unconfirmed
// (the report may have reached Wix), saying how often it was sent.
func TestReportBatch_missingResultsRunOutOfRetries(t *testing.T) {
	rw, client := newReportWix(t, func(c *Config) { c.MaxRetries = 2 })
	rw.garble = func([]map[string]any) []map[string]any { return nil }
	ids := entityIDs(1, 4)
	outs := reportBehindHeldLead(t, rw, client, ids)
	for id, out := range outs {
		var unsure *UnconfirmedReportError
		if !errors.As(out.err, &unsure) || !errors.Is(out.err, ErrMayHaveReachedWix) ||
			!strings.Contains(out.err.Error(), "has no result") || !strings.Contains(out.err.Error(), "sent 3 times") {
			t.Errorf("%s: %v, want an *UnconfirmedReportError after 3 sends", id, out.err)
		}
	}
	bulk := rw.calls(PathBulkReport)
	if len(bulk) != 3 {
		t.Fatalf("Bulk Report Event calls = %d, want 3 (the first and max_retries = 2 more)", len(bulk))
	}
	for _, call := range bulk {
		for _, id := range ids {
			if !strings.Contains(call.body, `"idempotency":{"key":"k-`+id+`"}`) {
				t.Errorf("call %s lacks %s with its own key", call.body, id)
			}
		}
	}
}

// A bulk call that fails as a whole after an attempt may have reached Wix
// (a 503 after retries) fails each of its events as unconfirmed; one that
// Wix refused at once (400) does not.
func TestReportBatch_wholeCallFailureSaysWhetherWixMayHaveActed(t *testing.T) {
	for status, wantUnsure := range map[int]bool{http.StatusServiceUnavailable: true, http.StatusBadRequest: false} {
		rw, client := newReportWix(t, func(c *Config) { c.MaxRetries = 1 })
		rw.failBulk = status
		outs := reportBehindHeldLead(t, rw, client, entityIDs(1, 3))
		for id, out := range outs {
			if out.err == nil || errors.Is(out.err, ErrMayHaveReachedWix) != wantUnsure {
				t.Errorf("HTTP %d: %s: %v, want unconfirmed %v", status, id, out.err, wantUnsure)
			}
		}
	}
}

// Outcomes matches a result that does not echo its event by position, and
// gives each confirmed event exactly its own activation ids.
func TestUnit_bulkReportOutcomes(t *testing.T) {
	events := []EventInfo{{ExternalEntityID: "a"}, {ExternalEntityID: "b"}, {ExternalEntityID: "c"}}
	r := &BulkReportEventResponse{RequestID: "req", Results: []BulkReportResult{
		{ItemMetadata: ItemMetadata{OriginalIndex: 2, Success: false}, EventInfo: &EventInfo{ExternalEntityID: "c"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: 0, Success: true}, ActivationIDs: []string{"x"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: 3, Success: true}, ActivationIDs: []string{"y"}},
		{ItemMetadata: ItemMetadata{OriginalIndex: -1, Success: true}, ActivationIDs: []string{"z"}},
	}}
	vals, errs := r.Outcomes(events)
	if errs[0] != nil || vals[0] == nil || len(vals[0].ActivationIDs) != 1 || vals[0].ActivationIDs[0] != "x" {
		t.Errorf("a: %+v, %v; want activation x", vals[0], errs[0])
	}
	if errs[1] == nil || vals[1] != nil || !strings.Contains(errs[1].Error(), "has no result") {
		t.Errorf("b: %+v, %v; want no result", vals[1], errs[1])
	}
	var itemErr *ItemError
	if !errors.As(errs[2], &itemErr) || vals[2] != nil || itemErr.Operation != "Bulk Report Event" {
		t.Errorf("c: %+v, %v; want its *ItemError", vals[2], errs[2])
	}
}

// Items are named in messages as trigger key and entity, or the key alone.
func TestUnit_reportGroupNamesItems(t *testing.T) {
	g := newReportGroup(&Client{}, BatchingConfig{Enabled: true})
	if got := g.spec.describe("k", ReportEventRequest{ExternalEntityID: "e"}); got != "k/e" {
		t.Errorf("describe = %q, want k/e", got)
	}
	if got := g.spec.describe("k", ReportEventRequest{}); got != "k" {
		t.Errorf("describe without an entity = %q, want k", got)
	}
	if g.spec.maxSize != MaxBulkReportEvents || newReportGroup(&Client{}, BatchingConfig{}) != nil {
		t.Errorf("report group: max size %d; want %d, and none with batching off", g.spec.maxSize, MaxBulkReportEvents)
	}
}
