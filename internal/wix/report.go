package wix

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// opBulkReport names Bulk Report Event in messages and in wixAlwaysSets.
const opBulkReport = "Bulk Report Event"

// ReportEventRequest reports an event that starts automations. With an
// ExternalEntityID the event can later be canceled. With an idempotency
// key, a report that may have reached Wix is safely sent again after a
// broken connection or a 5xx; without one it is not.
type ReportEventRequest struct {
	TriggerKey       string         `json:"triggerKey"`
	Payload          map[string]any `json:"payload,omitempty"`
	ExternalEntityID string         `json:"externalEntityId,omitempty"`
	Idempotency      *Idempotency   `json:"idempotency,omitempty"`
}

// Idempotency makes a repeated report start its automations only once.
type Idempotency struct {
	// Key identifies the report (1 to 80 characters).
	Key string `json:"key"`
	// TTLInMilliseconds is how long Wix remembers Key: an int64 written as
	// a string, as Wix's SDK sends it; empty leaves Wix's default (a week).
	TTLInMilliseconds string `json:"ttlInMilliseconds,omitempty"`
}

// ReportEventResponse lists the automations the report started.
type ReportEventResponse struct {
	ActivationIDs []string `json:"activationIds"`
	// SameActivationsAs names (trigger key/external entity) an earlier
	// report of this client that Wix answered with the same non-empty
	// activation ids: Wix took this report for a repeat of that one (a
	// shared idempotency key), and started no flows of its own. Not part of
	// Wix's answer.
	SameActivationsAs string `json:"-"`
}

// EventInfo is one event of a Bulk Report Event call.
type EventInfo struct {
	Payload          map[string]any `json:"payload,omitempty"`
	ExternalEntityID string         `json:"externalEntityId,omitempty"`
	Idempotency      *Idempotency   `json:"idempotency,omitempty"`
}

type bulkReportEventRequest struct {
	TriggerKey string      `json:"triggerKey"`
	EventsInfo []EventInfo `json:"eventsInfo"`
}

// BulkReportEventResponse is Wix's answer to Bulk Report Event. A 200 can
// still carry per-item failures: see Outcomes.
type BulkReportEventResponse struct {
	TriggerKey         string             `json:"triggerKey"`
	Results            []BulkReportResult `json:"results"`
	BulkActionMetadata BulkActionMetadata `json:"bulkActionMetadata"`
	// RequestID is the x-wix-request-id of the answer (not part of the body).
	RequestID string `json:"-"`
}

// received records the answer's request id and lists its items' metadata.
func (r *BulkReportEventResponse) received(requestID string) []*ItemMetadata {
	r.RequestID = requestID
	return r.metadata()
}

// metadata lists the itemMetadata of each result, in the answer's order.
func (r *BulkReportEventResponse) metadata() []*ItemMetadata {
	return itemMetadataOf(r.Results, func(res *BulkReportResult) *ItemMetadata { return &res.ItemMetadata })
}

// BulkReportResult is the outcome for one event.
type BulkReportResult struct {
	ItemMetadata  ItemMetadata `json:"itemMetadata"`
	EventInfo     *EventInfo   `json:"eventInfo,omitempty"`
	ActivationIDs []string     `json:"activationIds"`
}

// ReportEvent reports an event. When batching is on it shares a Bulk Report
// Event call with concurrent reports of the same trigger key (a lone one
// still goes out as a plain Report Event), and gets exactly its own
// event's activation ids or error.
//
// A second report of one trigger key and idempotency key in this client is
// refused before it is sent (a *DuplicateKeyError): Wix would ignore it. An
// error that matches ErrMayHaveReachedWix (an *UnconfirmedReportError) means
// the report may have reached Wix: it must be sent again with the same key,
// never a new one. The answer's SameActivationsAs names an earlier report
// of this client that Wix answered with the same activation ids.
func (c *Client) ReportEvent(ctx context.Context, req ReportEventRequest) (*ReportEventResponse, error) {
	if err := c.reportLedger.claim(req); err != nil {
		return nil, err
	}
	var res *ReportEventResponse
	var err error
	if c.reports == nil {
		res, err = c.reportEvent(ctx, req, false)
	} else {
		res, err = c.reports.submit(ctx, req.TriggerKey, req)
	}
	if err != nil {
		return nil, err
	}
	res.SameActivationsAs = c.reportLedger.received(describeReport(req.TriggerKey, req), res.ActivationIDs)
	return res, nil
}

// reportEvent is one Report Event call. When an attempt may have reached
// Wix and the call still fails, the error is an *UnconfirmedReportError.
func (c *Client) reportEvent(ctx context.Context, req ReportEventRequest, prepaced bool) (*ReportEventResponse, error) {
	acted := false
	res, err := doAndDecode[ReportEventResponse](ctx, c, operation{
		name:          "Report Event",
		path:          PathReport,
		body:          req,
		repeat:        idempotent(req.Idempotency),
		authenticated: true,
		paced:         true,
		prepaced:      prepaced,
		onMaybeActed:  func() { acted = true },
		onOK:          func(*response) { acted = true },
	})
	if err != nil && acted {
		return nil, unconfirmed("Report Event", err)
	}
	return res, err
}

// idempotent: a report with an idempotency key starts its automations
// once however often it arrives; one without may start them twice.
func idempotent(i *Idempotency) repeatSafety {
	if i != nil && i.Key != "" {
		return repeatable
	}
	return notRepeatable
}

// describeReport names a report in messages: trigger key/external entity.
func describeReport(triggerKey string, req ReportEventRequest) string {
	return strings.TrimSuffix(triggerKey+"/"+req.ExternalEntityID, "/")
}

func newReportGroup(c *Client, cfg BatchingConfig) *groupCommit[ReportEventRequest, *ReportEventResponse] {
	return newGroupCommit(c, cfg, groupSpec[ReportEventRequest, *ReportEventResponse]{
		single:    "Report Event",
		bulk:      opBulkReport,
		maxSize:   MaxBulkReportEvents,
		describe:  describeReport,
		retryItem: reportItemRetryable,
		unsure:    func(err error) error { return unconfirmed("Report Event", err) },
		sendOne: func(ctx context.Context, _ string, req ReportEventRequest) (*ReportEventResponse, error) {
			return c.reportEvent(ctx, req, true)
		},
		sendMany: func(ctx context.Context, triggerKey string, reqs []ReportEventRequest) ([]outcome[*ReportEventResponse], error) {
			events := make([]EventInfo, len(reqs))
			for i, r := range reqs {
				events[i] = EventInfo{Payload: r.Payload, ExternalEntityID: r.ExternalEntityID, Idempotency: r.Idempotency}
			}
			res, err := c.bulkReport(ctx, triggerKey, events, true)
			if requestID, ok := lacksResults(err); ok {
				return noResults[*ReportEventResponse](opBulkReport, requestID, entityIDsOf(events)), nil
			}
			if err != nil {
				return nil, err
			}
			vals, errs := res.Outcomes(events)
			out := make([]outcome[*ReportEventResponse], len(reqs))
			for i := range out {
				out[i] = outcome[*ReportEventResponse]{val: vals[i], err: errs[i]}
			}
			return out, nil
		},
	})
}

// entityIDsOf names the events of a bulk report, as its results do.
func entityIDsOf(events []EventInfo) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ExternalEntityID
	}
	return ids
}

// reportItemRetryable: an event of a Bulk Report Event answer is sent
// again, with its key, when the answer has no clear result for it (Wix may
// have reported it: no result, two, a misplaced one, or success false with
// no error to say why) or Wix failed it for a reason that passes. Other
// per-item failures are Wix's refusal of that event and stand.
func reportItemRetryable(err error) bool {
	var item *ItemError
	unexplained := errors.As(err, &item) && item.Code == "" && item.Description == ""
	return unknownResult(err) || unexplained || transientItemError(err)
}

// BulkReportEvent reports up to MaxBulkReportEvents events of one trigger
// key in one call, never batched with other calls. It is sent again after
// a broken connection or a 5xx only when every event has an idempotency key.
func (c *Client) BulkReportEvent(ctx context.Context, triggerKey string, events []EventInfo) (*BulkReportEventResponse, error) {
	return c.bulkReport(ctx, triggerKey, events, false)
}

// bulkReport is one Bulk Report Event call. When an attempt may have
// reached Wix and the call still fails, the error is an
// *UnconfirmedReportError: any of the events may have been reported.
func (c *Client) bulkReport(ctx context.Context, triggerKey string, events []EventInfo, prepaced bool) (*BulkReportEventResponse, error) {
	repeat := repeatable
	for _, e := range events {
		repeat = min(repeat, idempotent(e.Idempotency))
	}
	acted := false
	res, err := bulkEventCall[BulkReportEventResponse](ctx, c, operation{
		name:         opBulkReport,
		path:         PathBulkReport,
		body:         bulkReportEventRequest{TriggerKey: triggerKey, EventsInfo: events},
		repeat:       repeat,
		prepaced:     prepaced,
		onMaybeActed: func() { acted = true },
		onOK:         func(*response) { acted = true },
	})
	if err != nil && acted && repeat == repeatable {
		return nil, unconfirmed(opBulkReport, err)
	}
	return res, err
}

// Outcomes returns the outcome of each of events, the events sent, in
// their order: its activation ids when Wix confirmed it, an *ItemError
// when Wix reported its failure, and an error when the answer has no
// result for it, two (at any index), or one that names another external
// entity at its position, or when it counts failures (bulkActionMetadata)
// its results do not show. A result that does not echo its event is
// matched by position.
func (r *BulkReportEventResponse) Outcomes(events []EventInfo) ([]*ReportEventResponse, []error) {
	keys := make([]string, len(events))
	for i, e := range events {
		keys[i] = e.ExternalEntityID
	}
	refs := make([]resultRef, len(r.Results))
	for i, res := range r.Results {
		idx := res.ItemMetadata.OriginalIndex
		ref := resultRef{index: idx}
		switch {
		case res.EventInfo != nil:
			ref.key = res.EventInfo.ExternalEntityID
		case idx >= 0 && idx < len(keys):
			ref.key = keys[idx]
		}
		refs[i] = ref
	}
	matched, errs := matchResults(opBulkReport, r.RequestID, keys, refs)
	for i, m := range matched {
		if m >= 0 {
			errs[i] = itemError(opBulkReport, keys[i], r.RequestID, r.Results[m].ItemMetadata)
		}
	}
	doubtUncountedFailures(opBulkReport, r.RequestID, keys, r.BulkActionMetadata, r.metadata(), errs)
	vals := make([]*ReportEventResponse, len(events))
	for i, m := range matched {
		if errs[i] == nil {
			vals[i] = &ReportEventResponse{ActivationIDs: r.Results[m].ActivationIDs}
		}
	}
	return vals, errs
}

// UnconfirmedReportError is the failure of a report, sent with an
// idempotency key, after an attempt may have reached Wix: retries ran out,
// the caller stopped waiting, or the answer did not say what became of it.
// Wix may have started its flows. The report must be sent again with the
// same key (Wix ignores a key it saw within its window), never a new one.
type UnconfirmedReportError struct {
	// Operation names the call, "Report Event" or opBulkReport.
	Operation string
	// Err is the last failure.
	Err error
}

// unconfirmed wraps err, once, as an *UnconfirmedReportError.
func unconfirmed(op string, err error) error {
	var already *UnconfirmedReportError
	if errors.As(err, &already) {
		return err
	}
	return &UnconfirmedReportError{Operation: op, Err: err}
}

// Error says that the outcome is unknown, and why.
func (e *UnconfirmedReportError) Error() string {
	return fmt.Sprintf("%v; the report may have reached Wix, so whether it started its flows is not known", e.Err)
}

// Unwrap returns the last failure.
func (e *UnconfirmedReportError) Unwrap() error { return e.Err }

// Is matches ErrMayHaveReachedWix.
func (e *UnconfirmedReportError) Is(target error) bool { return target == ErrMayHaveReachedWix }

// DuplicateKeyError refuses a report whose trigger key and idempotency key
// an earlier report of the same client used: Wix would ignore it, as a
// repeat of the first, and start no flow for it. It was not sent.
type DuplicateKeyError struct {
	TriggerKey, IdempotencyKey string
	// First and Second name the two reports (trigger key/external entity).
	First, Second string
	// Canceled says that the key is that of an event this run canceled
	// (RetireReportKey): the report would replace it, keeping its key.
	Canceled bool
}

// Error names both reports and the key they share.
func (e *DuplicateKeyError) Error() string {
	used := "was already used by the report for " + e.First + " in this run"
	if e.Canceled {
		used = "is the key of the event for " + e.First + " that this run canceled, which this report replaces"
	}
	return fmt.Sprintf("Report Event for %s was not sent: its idempotency key %q of trigger key %q %s, and Wix ignores "+
		"a key it has seen (for a week by default), so it would start no flow", e.Second, e.IdempotencyKey, e.TriggerKey, used)
}

// RetireReportKey records that this client canceled the event that
// triggerKey's idempotencyKey reported (external entity entityID): a
// report with the same key in this run (a replacement that keeps its
// key: terraform apply -replace, a tainted resource, replace_triggered_by)
// is then refused before it is sent, as Wix would ignore it.
func (c *Client) RetireReportKey(triggerKey, entityID, idempotencyKey string) {
	if idempotencyKey == "" {
		return
	}
	l := &c.reportLedger
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.retired == nil {
		l.retired = map[[2]string]string{}
	}
	l.retired[[2]string{triggerKey, idempotencyKey}] = triggerKey + "/" + entityID
}

// reportLedger remembers, for one client (one provider process), which
// report used each trigger key and idempotency key, and which report got
// each list of activation ids. Its zero value is ready to use.
type reportLedger struct {
	mu          sync.Mutex
	keys        map[[2]string]string // (trigger key, idempotency key) -> the report that used it
	retired     map[[2]string]string // (trigger key, idempotency key) -> the event canceled here
	activations map[string]string    // activation ids, in Wix's order -> the report that got them
}

// claim records req's key, or refuses it when another report of this
// client used it already.
func (l *reportLedger) claim(req ReportEventRequest) error {
	if req.Idempotency == nil || req.Idempotency.Key == "" {
		return nil
	}
	key := [2]string{req.TriggerKey, req.Idempotency.Key}
	this := describeReport(req.TriggerKey, req)
	l.mu.Lock()
	defer l.mu.Unlock()
	if first, used := l.keys[key]; used {
		return &DuplicateKeyError{TriggerKey: req.TriggerKey, IdempotencyKey: req.Idempotency.Key, First: first, Second: this}
	}
	if canceled, retired := l.retired[key]; retired {
		return &DuplicateKeyError{TriggerKey: req.TriggerKey, IdempotencyKey: req.Idempotency.Key, First: canceled, Second: this, Canceled: true}
	}
	if l.keys == nil {
		l.keys = map[[2]string]string{}
	}
	l.keys[key] = this
	return nil
}

// received records the activation ids report got, and returns the earlier
// report that got the same non-empty list, or "".
func (l *reportLedger) received(report string, activationIDs []string) string {
	if len(activationIDs) == 0 {
		return ""
	}
	ids := strings.Join(activationIDs, "\x00")
	l.mu.Lock()
	defer l.mu.Unlock()
	if first, seen := l.activations[ids]; seen && first != report {
		return first
	}
	if l.activations == nil {
		l.activations = map[string]string{}
	}
	l.activations[ids] = report
	return ""
}
