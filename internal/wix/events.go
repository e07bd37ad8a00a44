package wix

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
)

// opBulkCancel names Bulk Cancel Event in messages and in wixAlwaysSets.
const opBulkCancel = "Bulk Cancel Event"

// Paths of the Automations events API.
const (
	PathToken      = "/oauth2/token"
	PathCancel     = "/automations/v1/events/cancel"
	PathBulkCancel = "/automations/v1/events/bulk-cancel"
	PathReport     = "/automations/v1/events/report"
	PathBulkReport = "/automations/v1/events/bulk-report"
)

// MaxBulkCancelIDs is Wix's limit of external entity ids per Bulk Cancel Event.
const MaxBulkCancelIDs = 100

// MaxBulkReportEvents is Wix's limit of events per Bulk Report Event.
const MaxBulkReportEvents = 100

type cancelEventRequest struct {
	TriggerKey       string `json:"triggerKey"`
	ExternalEntityID string `json:"externalEntityId"`
}

// CancelEvent stops every pending event, and its remaining actions, of
// triggerKey and externalEntityID; canceling again is harmless. When
// batching is on it shares a Bulk Cancel Event call with concurrent
// cancellations of the same trigger key (a lone one still goes out as a
// plain Cancel Event). The error is this item's own outcome.
func (c *Client) CancelEvent(ctx context.Context, triggerKey, externalEntityID string) error {
	if c.cancels == nil {
		return c.cancelEvent(ctx, triggerKey, externalEntityID, false)
	}
	_, err := c.cancels.submit(ctx, triggerKey, externalEntityID)
	return err
}

// cancelEvent is one Cancel Event call; prepaced when the caller already
// waited for pacing for its first attempt.
func (c *Client) cancelEvent(ctx context.Context, triggerKey, externalEntityID string, prepaced bool) error {
	return c.do(ctx, operation{
		name:          "Cancel Event",
		path:          PathCancel,
		body:          cancelEventRequest{TriggerKey: triggerKey, ExternalEntityID: externalEntityID},
		repeat:        repeatable,
		authenticated: true,
		paced:         true,
		prepaced:      prepaced,
	})
}

func newCancelGroup(c *Client, cfg BatchingConfig) *groupCommit[string, struct{}] {
	return newGroupCommit(c, cfg, groupSpec[string, struct{}]{
		single:    "Cancel Event",
		bulk:      opBulkCancel,
		maxSize:   MaxBulkCancelIDs,
		describe:  func(triggerKey, id string) string { return triggerKey + "/" + id },
		dedupeKey: func(id string) string { return id },
		retryItem: cancelItemRetryable,
		sendOne: func(ctx context.Context, triggerKey, id string) (struct{}, error) {
			return struct{}{}, c.cancelEvent(ctx, triggerKey, id, true)
		},
		sendMany: func(ctx context.Context, triggerKey string, ids []string) ([]outcome[struct{}], error) {
			res, err := c.bulkCancel(ctx, triggerKey, ids, true)
			if requestID, ok := lacksResults(err); ok {
				return noResults[struct{}](opBulkCancel, requestID, ids), nil
			}
			if err != nil {
				return nil, err
			}
			errs := res.ItemErrors(ids)
			out := make([]outcome[struct{}], len(ids))
			for i := range out {
				out[i].err = errs[i]
			}
			return out, nil
		},
	})
}

// cancelItemRetryable: an id of a Bulk Cancel Event answer is sent again
// when the answer has no clear result for it or Wix reported its failure,
// whatever the reason: canceling again is harmless, and Wix's per-item
// errors do not say whether they will pass.
func cancelItemRetryable(err error) bool {
	var item *ItemError
	return unknownResult(err) || errors.As(err, &item)
}

// transientItemCodes are the per-item error codes that say "try again
// later". Wix documents no per-item codes for these calls, so the list is
// [inferred]: the names its gateway and gRPC-style status codes give a
// passing failure, and the HTTP statuses Wix's SDK writes as the code of
// an error that has none.
var transientItemCodes = map[string]bool{
	"INTERNAL": true, "INTERNAL_ERROR": true, "UNKNOWN": true, "UNAVAILABLE": true, "SERVICE_UNAVAILABLE": true,
	"DEADLINE_EXCEEDED": true, "TIMEOUT": true, "RESOURCE_EXHAUSTED": true, "TOO_MANY_REQUESTS": true, "ABORTED": true,
	"429": true, "500": true, "502": true, "503": true, "504": true,
}

// transientItemError reports whether err is a per-item failure whose code
// says it passes.
func transientItemError(err error) bool {
	var item *ItemError
	return errors.As(err, &item) && transientItemCodes[strings.ToUpper(item.Code)]
}

type bulkCancelEventRequest struct {
	TriggerKey        string   `json:"triggerKey"`
	ExternalEntityIDs []string `json:"externalEntityIds"`
}

// BulkCancelEventResponse is Wix's answer to Bulk Cancel Event. A 200 can
// still carry per-item failures: see ItemErrors.
type BulkCancelEventResponse struct {
	TriggerKey         string             `json:"triggerKey"`
	Results            []BulkCancelResult `json:"results"`
	BulkActionMetadata BulkActionMetadata `json:"bulkActionMetadata"`
	// RequestID is the x-wix-request-id of the answer (not part of the body).
	RequestID string `json:"-"`
}

// received records the answer's request id and lists its items' metadata.
func (r *BulkCancelEventResponse) received(requestID string) []*ItemMetadata {
	r.RequestID = requestID
	return r.metadata()
}

// metadata lists the itemMetadata of each result, in the answer's order.
func (r *BulkCancelEventResponse) metadata() []*ItemMetadata {
	return itemMetadataOf(r.Results, func(res *BulkCancelResult) *ItemMetadata { return &res.ItemMetadata })
}

// BulkCancelResult is the outcome for one external entity id.
type BulkCancelResult struct {
	ItemMetadata     ItemMetadata `json:"itemMetadata"`
	ExternalEntityID string       `json:"externalEntityId"`
}

// ItemMetadata is Wix's per-item status of a bulk action.
type ItemMetadata struct {
	ID            string         `json:"id"`
	OriginalIndex int            `json:"originalIndex"`
	Success       bool           `json:"success"`
	Error         *ItemErrorBody `json:"error,omitempty"`
}

// ItemErrorBody is the error of a failed item.
type ItemErrorBody struct {
	Code        string          `json:"code"`
	Description string          `json:"description"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// BulkActionMetadata counts a bulk action's outcomes.
type BulkActionMetadata struct {
	TotalSuccesses     int `json:"totalSuccesses"`
	TotalFailures      int `json:"totalFailures"`
	UndetailedFailures int `json:"undetailedFailures"`
}

// BulkCancelEvent cancels the events of up to MaxBulkCancelIDs external
// entities of one trigger key in one call, never batched with other calls.
func (c *Client) BulkCancelEvent(ctx context.Context, triggerKey string, externalEntityIDs []string) (*BulkCancelEventResponse, error) {
	return c.bulkCancel(ctx, triggerKey, externalEntityIDs, false)
}

// BulkCancelEventItems cancels the events of up to MaxBulkCancelIDs
// external entities of one trigger key, never batched with other calls,
// and returns each id's outcome in the order of ids: nil when Wix
// confirmed it, its last error otherwise. Ids the answer left without a
// clear result, or that Wix failed, are sent again together (canceling
// again is harmless) after a backoff, up to max_retries times within ctx.
// err is the failure of a call as a whole; outcomes is then nil when it
// was the first call, and otherwise holds what the earlier calls settled.
func (c *Client) BulkCancelEventItems(ctx context.Context, triggerKey string, ids []string) (outcomes []error, err error) {
	pending := make([]int, len(ids))
	for i := range pending {
		pending[i] = i
	}
	for round := 0; ; round++ {
		batch := make([]string, len(pending))
		for j, i := range pending {
			batch[j] = ids[i]
		}
		res, err := c.bulkCancel(ctx, triggerKey, batch, false)
		if err != nil {
			return outcomes, err
		}
		if outcomes == nil {
			outcomes = make([]error, len(ids))
		}
		var again []int
		for j, itemErr := range res.ItemErrors(batch) {
			outcomes[pending[j]] = itemErr
			if itemErr != nil && cancelItemRetryable(itemErr) {
				again = append(again, pending[j])
			}
		}
		if len(again) == 0 || round >= c.maxRetries || sleepWithin(ctx, c.backoff.delay(round, 0)) != nil {
			return outcomes, nil
		}
		c.log.Debug(ctx, "Sending ids of a Bulk Cancel Event answer again: Wix did not confirm them", map[string]any{
			"operation": opBulkCancel, "ids": len(again), "retry": round + 1})
		pending = again
	}
}

func (c *Client) bulkCancel(ctx context.Context, triggerKey string, externalEntityIDs []string, prepaced bool) (*BulkCancelEventResponse, error) {
	return bulkEventCall[BulkCancelEventResponse](ctx, c, operation{
		name:     opBulkCancel,
		path:     PathBulkCancel,
		body:     bulkCancelEventRequest{TriggerKey: triggerKey, ExternalEntityIDs: externalEntityIDs},
		repeat:   repeatable,
		prepaced: prepaced,
	})
}

// bulkAnswer is the answer to a Bulk Cancel or Bulk Report Event call.
type bulkAnswer interface {
	// received records the x-wix-request-id the answer came with, which is
	// a header rather than part of the body, and lists each item's metadata.
	received(requestID string) []*ItemMetadata
}

// bulkEventCall sends op, a bulk call of the events API, and returns its
// answer. Per-item errors are masked, as Wix may quote a secret in them,
// and the answer keeps its request id for the errors ItemErrors and
// Outcomes build.
func bulkEventCall[A any, P interface {
	*A
	bulkAnswer
}](ctx context.Context, c *Client, op operation) (P, error) {
	var requestID string
	op.authenticated, op.paced = true, true
	onOK := op.onOK
	op.onOK = func(res *response) {
		requestID = res.requestID
		if onOK != nil {
			onOK(res)
		}
	}
	out, err := doAndDecode[A](ctx, c, op)
	if err != nil {
		return nil, err
	}
	for _, md := range P(out).received(requestID) {
		c.redactItemError(md.Error)
	}
	return out, nil
}

// itemMetadataOf points at the metadata of each of results, in order.
func itemMetadataOf[R any](results []R, metadata func(*R) *ItemMetadata) []*ItemMetadata {
	out := make([]*ItemMetadata, len(results))
	for i := range results {
		out[i] = metadata(&results[i])
	}
	return out
}

// redactItemError masks secrets Wix may quote in a per-item error.
func (c *Client) redactItemError(e *ItemErrorBody) {
	if e != nil {
		e.Code, e.Description = c.Redact(e.Code), c.Redact(e.Description)
	}
}

// ItemErrors returns the outcome of each of externalEntityIDs, the ids
// sent, in their order: nil when Wix confirmed it, an *ItemError when Wix
// reported its failure, and an error when the answer has no result for it,
// two (at any index), or one that names another id at its position, or
// when it counts failures (bulkActionMetadata) its results do not show.
func (r *BulkCancelEventResponse) ItemErrors(externalEntityIDs []string) []error {
	refs := make([]resultRef, len(r.Results))
	for i, res := range r.Results {
		key := res.ExternalEntityID
		if key == "" {
			key = res.ItemMetadata.ID
		}
		refs[i] = resultRef{key: key, index: res.ItemMetadata.OriginalIndex}
	}
	matched, errs := matchResults(opBulkCancel, r.RequestID, externalEntityIDs, refs)
	for i, m := range matched {
		if m >= 0 {
			errs[i] = itemError(opBulkCancel, externalEntityIDs[i], r.RequestID, r.Results[m].ItemMetadata)
		}
	}
	doubtUncountedFailures(opBulkCancel, r.RequestID, externalEntityIDs, r.BulkActionMetadata, r.metadata(), errs)
	return errs
}

// itemError is nil for a successful item, and its *ItemError otherwise.
func itemError(op, externalEntityID, requestID string, md ItemMetadata) error {
	if md.Success {
		return nil
	}
	e := &ItemError{Operation: op, ExternalEntityID: externalEntityID, RequestID: requestID}
	if md.Error != nil {
		e.Code, e.Description = md.Error.Code, md.Error.Description
	}
	return e
}
