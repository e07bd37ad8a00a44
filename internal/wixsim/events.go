package wixsim

import (
	"net/http"
	"strconv"
	"time"
)

type bulkCancelResponse struct {
	TriggerKey         string             `json:"triggerKey"`
	Results            []bulkCancelResult `json:"results"`
	BulkActionMetadata bulkActionMetadata `json:"bulkActionMetadata"`
}

type bulkCancelResult struct {
	ItemMetadata     itemMetadata `json:"itemMetadata"`
	ExternalEntityID string       `json:"externalEntityId"`
}

type itemMetadata struct {
	ID            string     `json:"id,omitempty"`
	OriginalIndex int        `json:"originalIndex"`
	Success       bool       `json:"success"`
	Error         *itemError `json:"error,omitempty"`
}

type itemError struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

type bulkActionMetadata struct {
	TotalSuccesses     int `json:"totalSuccesses"`
	TotalFailures      int `json:"totalFailures"`
	UndetailedFailures int `json:"undetailedFailures"`
}

// handleCancel implements POST /automations/v1/events/cancel.
func (s *Server) handleCancel(w http.ResponseWriter, c caller, f *fields) {
	f.only("triggerKey", "externalEntityId")
	key := f.triggerKey()
	id, hasID := f.str("externalEntityId", true)
	if hasID {
		f.guid("externalEntityId", id)
	}
	if !f.ok() {
		writeValidation(w, *f.violations)
		return
	}
	if !s.checkOwner(w, c, key) {
		return
	}
	s.mu.Lock()
	s.cancelLocked(c, key, id, false)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

// handleBulkCancel implements POST /automations/v1/events/bulk-cancel. A
// 200 may still carry per-item failures (see FailBulkItems).
func (s *Server) handleBulkCancel(w http.ResponseWriter, c caller, f *fields) {
	f.only("triggerKey", "externalEntityIds")
	key := f.triggerKey()
	ids := f.guidList("externalEntityIds")
	if !f.ok() {
		writeValidation(w, *f.violations)
		return
	}
	if !s.checkOwner(w, c, key) {
		return
	}
	resp := bulkCancelResponse{TriggerKey: key, Results: make([]bulkCancelResult, len(ids))}
	s.mu.Lock()
	for i, id := range ids {
		resp.Results[i] = s.bulkItemLocked(c, key, id, i, &resp.BulkActionMetadata)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) bulkItemLocked(c caller, key, id string, i int, meta *bulkActionMetadata) bulkCancelResult {
	res := bulkCancelResult{ExternalEntityID: id, ItemMetadata: itemMetadata{ID: id, OriginalIndex: i}}
	if s.bulkFailures[eventKey{key, id}] {
		meta.TotalFailures++
		res.ItemMetadata.Error = &itemError{
			Code:        "CANCEL_EVENT_FAILED",
			Description: "simulated failure to cancel events for " + id,
		}
		return res
	}
	s.cancelLocked(c, key, id, true)
	meta.TotalSuccesses++
	res.ItemMetadata.Success = true
	return res
}

// cancelLocked cancels the caller's pending events for (key, id) and records
// the cancellation. Canceling nothing is still a success, as on Wix.
func (s *Server) cancelLocked(c caller, key, id string, bulk bool) {
	for _, e := range s.events {
		if e.AppID == c.appID && e.InstanceID == c.instanceID && e.TriggerKey == key && e.ExternalEntityID == id {
			e.Canceled = true
		}
	}
	s.cancellations = append(s.cancellations, Cancellation{
		TriggerKey: key, ExternalEntityID: id, AppID: c.appID, InstanceID: c.instanceID,
		Bulk: bulk, Time: time.Now(),
	})
}

// checkOwner enforces that only the app that defines a trigger key may use
// it: 404 for a key nobody owns, 403 for someone else's.
func (s *Server) checkOwner(w http.ResponseWriter, c caller, key string) bool {
	s.mu.Lock()
	owner, known := s.owners[key]
	s.mu.Unlock()
	switch {
	case !known:
		writeAppError(w, http.StatusNotFound, "TRIGGER_NOT_FOUND", "trigger key "+strconv.Quote(key)+" does not exist")
		return false
	case owner != c.appID:
		writeAppError(w, http.StatusForbidden, "PERMISSION_DENIED",
			"app "+c.appID+" does not own trigger key "+strconv.Quote(key))
		return false
	}
	return true
}

// FailBulkItems makes bulk-cancel report success:false for these ids of
// triggerKey until ClearFaults. Single cancel is unaffected.
func (s *Server) FailBulkItems(triggerKey string, externalEntityIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range externalEntityIDs {
		s.bulkFailures[eventKey{triggerKey, id}] = true
	}
}

// Cancellations returns every successful cancellation, one per (call, id),
// in order.
func (s *Server) Cancellations() []Cancellation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Cancellation(nil), s.cancellations...)
}

// CancelCount counts successful cancellations of (triggerKey, id).
func (s *Server) CancelCount(triggerKey, externalEntityID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.cancellations {
		if c.TriggerKey == triggerKey && c.ExternalEntityID == externalEntityID {
			n++
		}
	}
	return n
}

// PendingEvents counts events reported for (triggerKey, id), on any
// installation, that were not canceled yet.
func (s *Server) PendingEvents(triggerKey, externalEntityID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.events {
		if e.TriggerKey == triggerKey && e.ExternalEntityID == externalEntityID && !e.Canceled {
			n++
		}
	}
	return n
}

// Cancellation is one successful cancellation of one external entity id.
type Cancellation struct {
	TriggerKey       string
	ExternalEntityID string
	AppID            string
	InstanceID       string
	Bulk             bool
	Time             time.Time
}
