package wix

import (
	"context"
	"encoding/json"
)

// Paths of the Automations events API.
const (
	PathToken      = "/oauth2/token"
	PathCancel     = "/automations/v1/events/cancel"
	PathBulkCancel = "/automations/v1/events/bulk-cancel"
	PathReport     = "/automations/v1/events/report"
)

// MaxBulkCancelIDs is Wix's limit of external entity ids per Bulk Cancel Event.
const MaxBulkCancelIDs = 100

type cancelEventRequest struct {
	TriggerKey       string `json:"triggerKey"`
	ExternalEntityID string `json:"externalEntityId"`
}

// CancelEvent stops every pending event, and its remaining actions, of
// triggerKey and externalEntityID. Cancelling again is harmless.
func (c *Client) CancelEvent(ctx context.Context, triggerKey, externalEntityID string) error {
	return c.do(ctx, cancelOperation(triggerKey, externalEntityID, false))
}

// cancelOperation is a Cancel Event call; prepaced when the caller already
// waited for pacing for its first attempt.
func cancelOperation(triggerKey, externalEntityID string, prepaced bool) operation {
	return operation{
		name:          "Cancel Event",
		path:          PathCancel,
		body:          cancelEventRequest{TriggerKey: triggerKey, ExternalEntityID: externalEntityID},
		authenticated: true,
		paced:         true,
		prepaced:      prepaced,
	}
}

type bulkCancelEventRequest struct {
	TriggerKey        string   `json:"triggerKey"`
	ExternalEntityIDs []string `json:"externalEntityIds"`
}

// BulkCancelEventResponse is Wix's answer to Bulk Cancel Event. A 200 can
// still carry per-item failures.
type BulkCancelEventResponse struct {
	TriggerKey         string             `json:"triggerKey"`
	Results            []BulkCancelResult `json:"results"`
	BulkActionMetadata BulkActionMetadata `json:"bulkActionMetadata"`
	// RequestID is the x-wix-request-id of the answer (not part of the body).
	RequestID string `json:"-"`
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
// entities of one trigger key in one call.
func (c *Client) BulkCancelEvent(ctx context.Context, triggerKey string, externalEntityIDs []string) (*BulkCancelEventResponse, error) {
	return c.bulkCancel(ctx, triggerKey, externalEntityIDs, false)
}

func (c *Client) bulkCancel(ctx context.Context, triggerKey string, externalEntityIDs []string, prepaced bool) (*BulkCancelEventResponse, error) {
	out := &BulkCancelEventResponse{}
	var requestID string
	err := c.do(ctx, operation{
		name:          "Bulk Cancel Event",
		path:          PathBulkCancel,
		body:          bulkCancelEventRequest{TriggerKey: triggerKey, ExternalEntityIDs: externalEntityIDs},
		out:           out,
		authenticated: true,
		paced:         true,
		prepaced:      prepaced,
		onOK:          func(res *response) { requestID = res.requestID },
	})
	if err != nil {
		return nil, err
	}
	out.RequestID = requestID
	return out, nil
}

// ReportEventRequest reports an event that starts automations. With an
// ExternalEntityID the event can later be cancelled.
type ReportEventRequest struct {
	TriggerKey       string         `json:"triggerKey"`
	Payload          map[string]any `json:"payload,omitempty"`
	ExternalEntityID string         `json:"externalEntityId,omitempty"`
	Idempotency      *Idempotency   `json:"idempotency,omitempty"`
}

// Idempotency makes a repeated report start its automations only once.
type Idempotency struct {
	Key string `json:"key"`
}

// ReportEventResponse lists the automations the report started.
type ReportEventResponse struct {
	ActivationIDs []string `json:"activationIds"`
}

// ReportEvent reports an event.
func (c *Client) ReportEvent(ctx context.Context, req ReportEventRequest) (*ReportEventResponse, error) {
	out := &ReportEventResponse{}
	err := c.do(ctx, operation{
		name:          "Report Event",
		path:          PathReport,
		body:          req,
		out:           out,
		authenticated: true,
		paced:         true,
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
