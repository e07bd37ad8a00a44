package wixsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// defaultIdempotencyTTL is how long Wix remembers a report's idempotency key.
const defaultIdempotencyTTL = 7 * 24 * time.Hour

// maxIdempotencyKey is Wix's limit on idempotency.key, in characters.
const maxIdempotencyKey = 80

// idempotencyKey follows Wix's scope: the same key for the same trigger key
// and app id is a repeat.
type idempotencyKey struct{ appID, triggerKey, key string }

type idempotencyEntry struct {
	activationIDs []string
	expires       time.Time
}

// Event is one reported event as the simulator stored it. A repeat of an
// idempotent report stores nothing new.
type Event struct {
	TriggerKey       string
	ExternalEntityID string          // "" when reported without one (then it cannot be canceled)
	Payload          map[string]any  // decoded with encoding/json: numbers are float64
	PayloadJSON      json.RawMessage // the payload exactly as sent; nil when absent
	IdempotencyKey   string
	ActivationIDs    []string
	Canceled         bool // a later Cancel or Bulk Cancel Event named its trigger key and entity
	ReportedAt       time.Time
	AppID            string
	InstanceID       string
	Bulk             bool // reported through Bulk Report Event
}

// eventInfo is one event of a report or bulk report request.
type eventInfo struct {
	entityID, idemKey string
	idemTTL           time.Duration
	payload           json.RawMessage
	raw               map[string]json.RawMessage // echoed in bulk results
}

type bulkReportResult struct {
	ItemMetadata  itemMetadata               `json:"itemMetadata"`
	EventInfo     map[string]json.RawMessage `json:"eventInfo"`
	ActivationIDs []string                   `json:"activationIds"`
}

// handleReport implements POST /automations/v1/events/report. An event with
// an externalEntityId stays pending until canceled.
func (s *Server) handleReport(w http.ResponseWriter, c caller, f *fields) {
	f.only("triggerKey", "payload", "externalEntityId", "idempotency")
	key := f.triggerKey()
	ev := parseEventInfo(f)
	if !s.admit(w, c, f, key) {
		return
	}
	s.mu.Lock()
	ids := s.reportLocked(c, key, ev, false)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string][]string{"activationIds": ids})
}

// handleBulkReport implements POST /automations/v1/events/bulk-report. A
// 200 may still carry per-item failures (see FailBulkReportItems).
func (s *Server) handleBulkReport(w http.ResponseWriter, c caller, f *fields) {
	f.only("triggerKey", "eventsInfo")
	key := f.triggerKey()
	events := parseEventsInfo(f)
	if !s.admit(w, c, f, key) {
		return
	}
	var omit []bool // item faults (faults_items.go)
	resp := bulkLocked(s, key, events, func(i int, ev eventInfo, meta *bulkActionMetadata) bulkReportResult {
		res := bulkReportResult{
			ItemMetadata: itemMetadata{ID: ev.entityID, OriginalIndex: i},
			EventInfo:    ev.raw,
			// Non-nullable in the SDK's types, so never null, even on failure.
			ActivationIDs: []string{},
		}
		fault := s.itemFaultLocked(bulkReportPath, ev.entityID)
		omit = append(omit, fault.omits())
		code, description := fault.failure("REPORT_EVENT_FAILED", "simulated failure to report the event for "+ev.entityID)
		if meta.settle(&res.ItemMetadata, fault.fails() || (ev.entityID != "" && s.reportFails[eventKey{key, ev.entityID}]),
			code, description) {
			res.ActivationIDs = s.reportLocked(c, key, ev, true)
		}
		return res
	})
	resp.Results = withoutOmitted(resp.Results, omit)
	writeJSON(w, http.StatusOK, resp)
}

// parseEventsInfo reads eventsInfo: 1..100 event objects.
func parseEventsInfo(f *fields) []eventInfo {
	v, ok := f.raw("eventsInfo")
	if !ok {
		f.violate("eventsInfo", ruleRequired, "eventsInfo is required")
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		f.violate("eventsInfo", ruleInvalidValue, "eventsInfo must be an array of objects")
		return nil
	}
	f.listSize("eventsInfo", len(items))
	events := make([]eventInfo, 0, len(items))
	for i, item := range items {
		name := "eventsInfo[" + strconv.Itoa(i) + "]"
		var obj map[string]json.RawMessage
		if json.Unmarshal(item, &obj) != nil || obj == nil {
			f.violate(name, ruleInvalidValue, "%s must be an object", name)
			continue
		}
		nf := f.nested(name, obj)
		nf.only("payload", "externalEntityId", "idempotency")
		events = append(events, parseEventInfo(nf))
	}
	return events
}

// parseEventInfo reads the fields an event shares in both report calls.
func parseEventInfo(f *fields) eventInfo {
	ev := eventInfo{idemTTL: defaultIdempotencyTTL, raw: f.obj}
	ev.payload = f.payload()
	if id, ok := f.str("externalEntityId", false); ok {
		f.guid("externalEntityId", id)
		ev.entityID = id
	}
	if obj, ok := f.object("idempotency"); ok {
		ev.idemKey, ev.idemTTL = parseIdempotency(f.nested("idempotency", obj))
	}
	return ev
}

func parseIdempotency(f *fields) (string, time.Duration) {
	f.only("key", "ttlInMilliseconds")
	key, ok := f.str("key", true)
	if ok {
		f.length("key", key, 1, maxIdempotencyKey)
	}
	ttl := defaultIdempotencyTTL
	if raw, ok := f.raw("ttlInMilliseconds"); ok {
		// int64 fields travel as JSON strings in protobuf's JSON mapping;
		// the SDK passes plain numbers through unchanged, so both are valid.
		ms, err := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
		if err != nil || ms <= 0 {
			f.violate("ttlInMilliseconds", ruleInvalidValue, "ttlInMilliseconds must be a positive integer")
		}
		ttl = time.Duration(ms) * time.Millisecond
	}
	return key, ttl
}

// reportLocked stores the event unless its idempotency key was seen within
// its TTL, in which case the first report's activation ids are returned
// again and nothing new starts. The event starts the caller's ACTIVE
// automations of key (see startActivationsLocked).
func (s *Server) reportLocked(c caller, key string, ev eventInfo, bulk bool) []string {
	now := time.Now()
	ik := idempotencyKey{c.appID, key, ev.idemKey}
	if ev.idemKey != "" {
		if e, ok := s.idempotency[ik]; ok && now.Before(e.expires) {
			return append([]string{}, e.activationIDs...)
		}
	}
	ids := s.startActivationsLocked(c, key, ev.entityID)
	s.events = append(s.events, &Event{
		TriggerKey: key, ExternalEntityID: ev.entityID, PayloadJSON: ev.payload,
		IdempotencyKey: ev.idemKey, ActivationIDs: ids, ReportedAt: now,
		AppID: c.appID, InstanceID: c.instanceID, Bulk: bulk,
	})
	if ev.idemKey != "" {
		s.idempotency[ik] = idempotencyEntry{activationIDs: ids, expires: now.Add(ev.idemTTL)}
	}
	return append([]string{}, ids...) // [] rather than null when nothing listens
}

// FailBulkReportItems makes bulk-report answer success:false for the events
// of triggerKey with these external entity ids until ClearFaults. Single
// Report Event is unaffected, as with FailBulkItems for bulk cancel.
func (s *Server) FailBulkReportItems(triggerKey string, externalEntityIDs ...string) {
	s.failEntities(s.reportFails, triggerKey, externalEntityIDs)
}

// Events returns every stored event, in report order, as copies.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	for i, e := range s.events {
		out[i] = *e
		out[i].ActivationIDs = append([]string(nil), e.ActivationIDs...)
		out[i].PayloadJSON = append(json.RawMessage(nil), e.PayloadJSON...) // stays nil when absent
		if e.PayloadJSON != nil {
			_ = json.Unmarshal(e.PayloadJSON, &out[i].Payload) // validated on arrival
		}
	}
	return out
}
