package wixsim

import (
	"net/http"
	"strconv"
	"time"
)

// bulkResponse is the answer of Bulk Cancel Event and Bulk Report Event:
// one result per item, in the order sent, and their tally.
type bulkResponse[R any] struct {
	TriggerKey         string             `json:"triggerKey"`
	Results            []R                `json:"results"`
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

// settle records one item of a bulk call in md and in the tally: a
// simulated failure with code and description when failed is set, else a
// success. It reports whether the item succeeded, so the caller then
// carries it out (under the lock, where it cannot fail any more).
func (m *bulkActionMetadata) settle(md *itemMetadata, failed bool, code, description string) bool {
	if failed {
		m.TotalFailures++
		md.Error = &itemError{Code: code, Description: description}
		return false
	}
	m.TotalSuccesses++
	md.Success = true
	return true
}

// bulkLocked answers a bulk call of the caller's app on key: one result per
// item, in order, made by item under the lock, and their tally.
func bulkLocked[In, Out any](s *Server, key string, items []In,
	item func(i int, v In, meta *bulkActionMetadata) Out,
) bulkResponse[Out] {
	resp := bulkResponse[Out]{TriggerKey: key, Results: make([]Out, len(items))}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, v := range items {
		resp.Results[i] = item(i, v, &resp.BulkActionMetadata)
	}
	return resp
}

// admit answers a request whose fields broke a rule with every violation,
// and one naming a trigger key the caller's app does not own with 404 or
// 403. It reports whether the handler may go on.
func (s *Server) admit(w http.ResponseWriter, c caller, f *fields, key string) bool {
	if !f.ok() {
		writeValidation(w, *f.violations)
		return false
	}
	return s.checkOwner(w, c, key)
}

// handleCancel implements POST /automations/v1/events/cancel.
func (s *Server) handleCancel(w http.ResponseWriter, c caller, f *fields) {
	f.only("triggerKey", "externalEntityId")
	key := f.triggerKey()
	id, hasID := f.str("externalEntityId", true)
	if hasID {
		f.guid("externalEntityId", id)
	}
	if !s.admit(w, c, f, key) {
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
	if !s.admit(w, c, f, key) {
		return
	}
	var omit []bool // item faults (faults_items.go)
	resp := bulkLocked(s, key, ids, func(i int, id string, meta *bulkActionMetadata) bulkCancelResult {
		res := bulkCancelResult{ExternalEntityID: id, ItemMetadata: itemMetadata{ID: id, OriginalIndex: i}}
		fault := s.itemFaultLocked(bulkCancelPath, id)
		omit = append(omit, fault.omits())
		code, description := fault.failure("CANCEL_EVENT_FAILED", "simulated failure to cancel events for "+id)
		if meta.settle(&res.ItemMetadata, fault.fails() || s.bulkFailures[eventKey{key, id}], code, description) {
			s.cancelLocked(c, key, id, true)
		}
		return res
	})
	resp.Results = withoutOmitted(resp.Results, omit)
	writeJSON(w, http.StatusOK, resp)
}

// cancelLocked cancels the caller's pending events for (key, id) and records
// the cancellation. Canceling nothing is still a success, as on Wix.
func (s *Server) cancelLocked(c caller, key, id string, bulk bool) {
	for _, e := range s.events {
		if e.AppID == c.appID && e.InstanceID == c.instanceID && e.TriggerKey == key && e.ExternalEntityID == id {
			e.Canceled = true
		}
	}
	s.cancelActivationsLocked(c, key, id)
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
	s.failEntities(s.bulkFailures, triggerKey, externalEntityIDs)
}

// failEntities marks the entities of triggerKey in one of the sets of
// simulated bulk item failures.
func (s *Server) failEntities(set map[eventKey]bool, triggerKey string, externalEntityIDs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range externalEntityIDs {
		set[eventKey{triggerKey, id}] = true
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
