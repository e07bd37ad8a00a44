package wix

import (
	"context"
	"strings"
)

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
func (c *Client) ReportEvent(ctx context.Context, req ReportEventRequest) (*ReportEventResponse, error) {
	if c.reports == nil {
		return c.reportEvent(ctx, req, false)
	}
	return c.reports.submit(ctx, req.TriggerKey, req)
}

// reportEvent is one Report Event call.
func (c *Client) reportEvent(ctx context.Context, req ReportEventRequest, prepaced bool) (*ReportEventResponse, error) {
	return doAndDecode[ReportEventResponse](ctx, c, operation{
		name:          "Report Event",
		path:          PathReport,
		body:          req,
		repeat:        idempotent(req.Idempotency),
		authenticated: true,
		paced:         true,
		prepaced:      prepaced,
	})
}

// idempotent: a report with an idempotency key starts its automations
// once however often it arrives; one without may start them twice.
func idempotent(i *Idempotency) repeatSafety {
	if i != nil && i.Key != "" {
		return repeatable
	}
	return notRepeatable
}

func newReportGroup(c *Client, cfg BatchingConfig) *groupCommit[ReportEventRequest, *ReportEventResponse] {
	return newGroupCommit(c, cfg, groupSpec[ReportEventRequest, *ReportEventResponse]{
		single:  "Report Event",
		bulk:    "Bulk Report Event",
		maxSize: MaxBulkReportEvents,
		describe: func(triggerKey string, req ReportEventRequest) string {
			return strings.TrimSuffix(triggerKey+"/"+req.ExternalEntityID, "/")
		},
		sendOne: func(ctx context.Context, _ string, req ReportEventRequest) (*ReportEventResponse, error) {
			return c.reportEvent(ctx, req, true)
		},
		sendMany: func(ctx context.Context, triggerKey string, reqs []ReportEventRequest) ([]outcome[*ReportEventResponse], error) {
			events := make([]EventInfo, len(reqs))
			for i, r := range reqs {
				events[i] = EventInfo{Payload: r.Payload, ExternalEntityID: r.ExternalEntityID, Idempotency: r.Idempotency}
			}
			res, err := c.bulkReport(ctx, triggerKey, events, true)
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

// BulkReportEvent reports up to MaxBulkReportEvents events of one trigger
// key in one call, never batched with other calls. It is sent again after
// a broken connection or a 5xx only when every event has an idempotency key.
func (c *Client) BulkReportEvent(ctx context.Context, triggerKey string, events []EventInfo) (*BulkReportEventResponse, error) {
	return c.bulkReport(ctx, triggerKey, events, false)
}

func (c *Client) bulkReport(ctx context.Context, triggerKey string, events []EventInfo, prepaced bool) (*BulkReportEventResponse, error) {
	repeat := repeatable
	for _, e := range events {
		repeat = min(repeat, idempotent(e.Idempotency))
	}
	return bulkEventCall[BulkReportEventResponse](ctx, c, operation{
		name:     "Bulk Report Event",
		path:     PathBulkReport,
		body:     bulkReportEventRequest{TriggerKey: triggerKey, EventsInfo: events},
		repeat:   repeat,
		prepaced: prepaced,
	})
}

// Outcomes returns the outcome of each of events, the events sent, in
// their order: its activation ids when Wix confirmed it, an *ItemError
// when Wix reported its failure, and an error when the answer has no
// result for it, two, or one that names another external entity at its
// position. A result that does not echo its event is matched by position.
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
	matched, errs := matchResults("Bulk Report Event", r.RequestID, keys, refs)
	vals := make([]*ReportEventResponse, len(events))
	for i, m := range matched {
		if m < 0 {
			continue
		}
		md := r.Results[m].ItemMetadata
		if errs[i] = itemError("Bulk Report Event", keys[i], r.RequestID, md); errs[i] == nil {
			vals[i] = &ReportEventResponse{ActivationIDs: r.Results[m].ActivationIDs}
		}
	}
	return vals, errs
}
