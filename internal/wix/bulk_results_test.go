package wix

// A bulk answer that contradicts itself about an item confirms nothing
// about it: two results naming one entity (whatever their positions), or
// a count of failures (bulkActionMetadata) that its results do not show.
// Such an item's outcome is unknown, and it is sent again with the same
// key, as an item the answer left out is.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// contradictions are bulk answers for the items a and b, sent in that
// order, each with what it leaves unknown.
var contradictions = map[string]struct {
	results  []ItemMetadata // in the answer's order; ID names the entity
	metadata BulkActionMetadata
	unknown  []string // the items whose outcome the answer leaves unknown
	failed   []string // the items the answer fails with Wix's reason
}{
	"a second result for a, at an index not sent, says failure": {
		results: []ItemMetadata{ok("a", 0), ok("b", 1), failed("a", 2)}, unknown: []string{"a"},
	},
	"a second result for a, at b's index, says failure": {
		results: []ItemMetadata{ok("a", 0), failed("a", 1), ok("b", 1)}, unknown: []string{"a", "b"},
	},
	"a second result for a, at no index, says failure": {
		results: []ItemMetadata{ok("a", 0), ok("b", 1), failed("a", -1)}, unknown: []string{"a"},
	},
	"the count says two failed, no result says so": {
		results:  []ItemMetadata{ok("a", 0), ok("b", 1)},
		metadata: BulkActionMetadata{TotalFailures: 2, UndetailedFailures: 2}, unknown: []string{"a", "b"},
	},
	"the count says two failed, one result says so": {
		results:  []ItemMetadata{failed("a", 0), ok("b", 1)},
		metadata: BulkActionMetadata{TotalSuccesses: 0, TotalFailures: 2}, unknown: []string{"b"}, failed: []string{"a"},
	},
	"only undetailed failures are counted": {
		results:  []ItemMetadata{ok("a", 0), ok("b", 1)},
		metadata: BulkActionMetadata{UndetailedFailures: 1}, unknown: []string{"a", "b"},
	},
	// Answers that agree with themselves stay as they are.
	"the count agrees with the results": {
		results:  []ItemMetadata{failed("a", 0), ok("b", 1)},
		metadata: BulkActionMetadata{TotalSuccesses: 1, TotalFailures: 1}, failed: []string{"a"},
	},
	"no count at all": {results: []ItemMetadata{ok("a", 0), ok("b", 1)}},
	"shuffled":        {results: []ItemMetadata{ok("b", 1), ok("a", 0)}, metadata: BulkActionMetadata{TotalSuccesses: 2}},
}

func ok(id string, index int) ItemMetadata {
	return ItemMetadata{ID: id, OriginalIndex: index, Success: true}
}

func failed(id string, index int) ItemMetadata {
	return ItemMetadata{ID: id, OriginalIndex: index, Error: &ItemErrorBody{Code: "CANCEL_FAILED", Description: "not canceled"}}
}

// wantOutcome checks one item's outcome against a contradiction's verdict.
func wantOutcome(t *testing.T, name, id string, err error, unknown, failedItems []string) {
	t.Helper()
	var itemErr *ItemError
	switch {
	case slices.Contains(unknown, id):
		if !unknownResult(err) {
			t.Errorf("%s: %s: %v, want its outcome unknown", name, id, err)
			return
		}
		for _, want := range []string{"outcome is not known", `for external entity "` + id + `"`, "req-c"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %s: %q does not say %q", name, id, err, want)
			}
		}
	case slices.Contains(failedItems, id):
		if !errors.As(err, &itemErr) || itemErr.Code != "CANCEL_FAILED" {
			t.Errorf("%s: %s: %v, want Wix's failure", name, id, err)
		}
	case err != nil:
		t.Errorf("%s: %s: %v, want it confirmed", name, id, err)
	}
}

// Bulk Cancel Event: ItemErrors, which both the batcher and
// BulkCancelEventItems read.
func TestBulkResults_contradictoryCancelAnswersConfirmNothing(t *testing.T) {
	ids := []string{"a", "b"}
	for name, tc := range contradictions {
		r := BulkCancelEventResponse{RequestID: "req-c", BulkActionMetadata: tc.metadata}
		for _, md := range tc.results {
			r.Results = append(r.Results, BulkCancelResult{ItemMetadata: md, ExternalEntityID: md.ID})
		}
		for i, err := range r.ItemErrors(ids) {
			wantOutcome(t, name, ids[i], err, tc.unknown, tc.failed)
		}
	}
}

// Bulk Report Event: Outcomes, with results that echo their events; an
// item whose outcome is unknown gets no activation ids.
func TestBulkResults_contradictoryReportAnswersConfirmNothing(t *testing.T) {
	events := []EventInfo{{ExternalEntityID: "a"}, {ExternalEntityID: "b"}}
	for name, tc := range contradictions {
		r := BulkReportEventResponse{RequestID: "req-c", BulkActionMetadata: tc.metadata}
		for _, md := range tc.results {
			r.Results = append(r.Results, BulkReportResult{ItemMetadata: md, EventInfo: &EventInfo{ExternalEntityID: md.ID},
				ActivationIDs: []string{"act-" + md.ID}})
		}
		vals, errs := r.Outcomes(events)
		for i, err := range errs {
			wantOutcome(t, name, events[i].ExternalEntityID, err, tc.unknown, tc.failed)
			if (err == nil) != (vals[i] != nil) {
				t.Errorf("%s: %s: activation ids %+v with error %v", name, events[i].ExternalEntityID, vals[i], err)
			}
		}
	}
}

// Bulk Cancel Event answers every id with success at its own index and
// adds a second result for the first id, at an index that was not sent,
// saying Wix failed it; Wix indeed canceled only the others. The first id
// is sent again (alone, as a plain Cancel Event), and its CancelEvent
// returns only after Wix canceled it.
func TestBatch_contradictoryDuplicateIsCanceledAgain(t *testing.T) {
	rest := entityIDs(2, 4)
	victim := rest[0]
	e := newBatchEnv(t, withTransport(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path != PathBulkCancel {
			return nil, nil
		}
		return contradictCancel(r, victim)
	}))
	for id, err := range waitAll(t, e.queueBehindHeldLead(t, entityIDs(1, 1)[0], rest)) {
		if err != nil {
			t.Errorf("%s: %v, want success after the retry", id, err)
		}
	}
	e.requireCanceledOnce(t, testKey, rest)
	calls := e.calls(t)
	if last := calls[len(calls)-1]; len(calls) != 3 || last.bulk || !slices.Equal(last.ids, []string{victim}) {
		t.Errorf("calls = %+v, want the lead, one Bulk Cancel Event, and a Cancel Event of %s", calls, victim)
	}
}

// contradictCancel sends a Bulk Cancel Event on without victim, and
// answers success for every id it carried, victim included, plus a second
// result for victim, at an index nobody sent, saying it failed.
func contradictCancel(r *http.Request, victim string) (*http.Response, error) {
	var req bulkCancelEventRequest
	raw, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	sent := slices.DeleteFunc(slices.Clone(req.ExternalEntityIDs), func(id string) bool { return id == victim })
	body, _ := json.Marshal(bulkCancelEventRequest{TriggerKey: req.TriggerKey, ExternalEntityIDs: sent})
	r = r.Clone(r.Context())
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	answer := BulkCancelEventResponse{TriggerKey: req.TriggerKey}
	for i, id := range req.ExternalEntityIDs {
		answer.Results = append(answer.Results, BulkCancelResult{ItemMetadata: ok(id, i), ExternalEntityID: id})
	}
	answer.Results = append(answer.Results, BulkCancelResult{ItemMetadata: failed(victim, len(req.ExternalEntityIDs)), ExternalEntityID: victim})
	body, _ = json.Marshal(answer)
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
}

// A Bulk Report Event answer whose results all say success while its
// bulkActionMetadata counts a failure: which event failed is not known,
// so every event goes out again, together, each with its own key, and
// each then gets its own activation ids.
func TestReportBatch_failureTheResultsDoNotShowIsSentAgain(t *testing.T) {
	rw, client := newReportWix(t, func(c *Config) { c.Batching.MaxBatchSize = 4 })
	rw.metadataOnce = map[string]any{"totalSuccesses": 3, "totalFailures": 1, "undetailedFailures": 1}
	ids := entityIDs(1, 4)
	for id, out := range reportBehindHeldLead(t, rw, client, ids) {
		if out.err != nil || out.res == nil || !slices.Equal(out.res.ActivationIDs, []string{"act-" + id}) {
			t.Errorf("%s: %+v, %v; want its own activation id", id, out.res, out.err)
		}
	}
	bulk := rw.calls(PathBulkReport)
	if len(bulk) != 2 {
		t.Fatalf("Bulk Report Event calls = %d, want 2: the answer that miscounts, then all four again", len(bulk))
	}
	if bulk[0].body != bulk[1].body {
		t.Errorf("the second call %s, want the first %s again: the same events with the same keys", bulk[1].body, bulk[0].body)
	}
	if n := len(rw.calls(PathReport)); n != 1 {
		t.Errorf("Report Event calls = %d, want only the lead's", n)
	}
}
