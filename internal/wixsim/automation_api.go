package wixsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The roots Automations v2 is documented under: Wix's SDK calls
// /v2/automations..., Wix's HTML reference writes
// /automations-service/v2/automations... Which one Wix's gateway serves to
// apps is not settled by any source, so the simulator can serve either or
// both (Options.AutomationsPrefixes).
const (
	PrefixV2                 = "/v2"
	PrefixAutomationsService = "/automations-service/v2"
)

// Automations v2 paths below a root.
const (
	automationsPath     = "/automations"
	automationsQuery    = "/automations/query"
	automationsBulkDel  = "/bulk/automations/delete"
	automationPathSlash = automationsPath + "/"
	maxBulkDelete       = 200
)

// automationsPrefixes is the roots to serve: both when none are named. An
// unknown root is a bug in the test that asked for it.
func automationsPrefixes(named []string) []string {
	if len(named) == 0 {
		return []string{PrefixV2, PrefixAutomationsService}
	}
	for _, p := range named {
		if p != PrefixV2 && p != PrefixAutomationsService {
			panic("wixsim: unknown Automations v2 prefix " + p)
		}
	}
	return append([]string(nil), named...)
}

// readOnlyAutomationFields are answered by Wix and ignored when sent: a
// client that sends back what it read must not be refused for them.
var readOnlyAutomationFields = []string{"id", "revision", "createdBy", "createdDate", "updatedBy", "updatedDate", "draftInfo"}

// routeAutomations serves the Automations v2 paths under the roots this
// server serves; it reports false for any other path.
func (s *Server) routeAutomations(w http.ResponseWriter, r *http.Request, body []byte) bool {
	rest, ok := s.belowAutomationsRoot(r.URL.Path)
	switch {
	case !ok:
		return false
	case rest == automationsPath:
		s.api(w, r, body, s.handleCreateAutomation)
	case rest == automationsQuery:
		s.api(w, r, body, s.handleQueryAutomations)
	case rest == automationsBulkDel:
		s.api(w, r, body, s.handleBulkDeleteAutomations)
	default:
		id, ok := automationIDIn(rest)
		if !ok {
			return false
		}
		s.automationByID(w, r, body, id)
	}
	return true
}

// automationIDIn is the id of a path below the root that names one
// automation (/automations/{id}), which routeAutomations serves.
func automationIDIn(rest string) (string, bool) {
	id, ok := strings.CutPrefix(rest, automationPathSlash)
	return id, ok && !strings.Contains(id, "/")
}

// belowAutomationsRoot is path without the served root it starts with.
func (s *Server) belowAutomationsRoot(path string) (string, bool) {
	for _, p := range s.prefixes {
		if strings.HasPrefix(path, p+"/") {
			return path[len(p):], true
		}
	}
	return "", false
}

// automationByID serves GET, PATCH and DELETE of /v2/automations/{id}.
// GET and DELETE carry no body and no Content-Type, as the SDK sends them.
func (s *Server) automationByID(w http.ResponseWriter, r *http.Request, body []byte, id string) {
	switch r.Method {
	case http.MethodGet, http.MethodDelete, http.MethodPatch:
	default:
		w.Header().Set("Allow", "GET, PATCH, DELETE")
		writeAppError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
			fmt.Sprintf("method %s is not allowed on %s; use GET, PATCH or DELETE", r.Method, r.URL.Path))
		return
	}
	if r.Method == http.MethodPatch {
		s.jsonCall(w, r, body, func(w http.ResponseWriter, c caller, f *fields) {
			s.handleUpdateAutomation(w, c, id, f)
		})
		return
	}
	c, ok := s.authenticate(w, r)
	if !ok || !s.allow(w, c) || !checkIDQuery(w, r, id) {
		return
	}
	if r.Method == http.MethodGet {
		if rf, ok := requestedInQuery(w, r); ok {
			s.handleGetAutomation(w, c, id, rf)
		}
	} else {
		s.handleDeleteAutomation(w, c, id)
	}
}

// checkIDQuery validates the id in the path and the automationId the SDK
// repeats in the query string: both GUIDs, and the same.
func checkIDQuery(w http.ResponseWriter, r *http.Request, id string) bool {
	f := newFields(nil)
	f.guid("automationId", id)
	if q := r.URL.Query(); q.Has("automationId") && q.Get("automationId") != id {
		f.violate("automationId", ruleInvalidValue,
			"automationId in the query (%q) differs from the id in the path (%q)", q.Get("automationId"), id)
	}
	if !f.ok() {
		writeValidation(w, *f.violations)
	}
	return f.ok()
}

func writeNotFound(w http.ResponseWriter, id string) {
	// The code is [inferred]: Wix documents no custom errors for these calls.
	writeAppError(w, http.StatusNotFound, "AUTOMATION_NOT_FOUND", "automation "+id+" was not found")
}

type automationResponse struct {
	Automation Automation `json:"automation"`
}

// handleCreateAutomation implements POST /v2/automations.
func (s *Server) handleCreateAutomation(w http.ResponseWriter, c caller, f *fields) {
	af, ok := automationBody(w, f)
	if !ok {
		return
	}
	rf := f.requested()
	a, ok := parseAutomation(af)
	if !ok {
		writeValidation(w, *f.violations)
		return
	}
	a.InstanceID = c.instanceID
	a.CreatedBy, a.UpdatedBy = &AuditInfo{AppID: c.appID}, &AuditInfo{AppID: c.appID}
	s.mu.Lock()
	s.automations.insert(a)
	resp := automationResponse{rf.answer(a)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

// automationBody returns the fields of the automation object of a Create
// or Update Automation body, or answers 400 when the body has none.
func automationBody(w http.ResponseWriter, f *fields) (*fields, bool) {
	f.only("automation", "fields")
	obj, ok := f.object("automation")
	if !ok {
		f.violate("automation", ruleRequired, "automation is required")
		writeValidation(w, *f.violations)
		return nil, false
	}
	return f.nested("automation", obj), true
}

// parseAutomation validates a complete automation object and decodes it,
// dropping the read-only fields Wix ignores.
func parseAutomation(f *fields) (*Automation, bool) {
	validateAutomation(f)
	if !f.ok() {
		return nil, false
	}
	obj := map[string]json.RawMessage{}
	for k, v := range f.obj {
		if !contains(readOnlyAutomationFields, k) {
			obj[k] = v
		}
	}
	b, _ := json.Marshal(obj)
	var a Automation
	if err := decodeNumbers(b, &a); err != nil {
		f.violate("", ruleInvalidValue, "automation does not match Wix's Automation type: %v", err)
		return nil, false
	}
	if err := actionsAsDoubles(a.Configuration.Actions); err != nil { // numbers.go
		f.violate("configuration.actions", ruleInvalidValue, "%v", err)
		return nil, false
	}
	return &a, true
}

func (s *Server) handleGetAutomation(w http.ResponseWriter, c caller, id string, rf requestedFields) {
	s.mu.Lock()
	a := s.automations.get(c.instanceID, id)
	var resp automationResponse
	if a != nil {
		resp.Automation = rf.answer(a)
	}
	s.mu.Unlock()
	if a == nil {
		writeNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleDeleteAutomation(w http.ResponseWriter, c caller, id string) {
	s.mu.Lock()
	a := s.automations.get(c.instanceID, id)
	if a != nil {
		s.automations.remove(id)
	}
	s.mu.Unlock()
	if a == nil {
		writeNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// handleUpdateAutomation implements PATCH /v2/automations/{id}: top-level
// fields present in the body replace the stored ones (configuration
// wholesale), and the result must again be a valid automation.
func (s *Server) handleUpdateAutomation(w http.ResponseWriter, c caller, id string, f *fields) {
	af, ok := automationBody(w, f)
	if !ok {
		return
	}
	sent := parseRevision(af)
	rf := f.requested()
	if bodyID, ok := af.str("id", false); ok && bodyID != id {
		af.violate("id", ruleInvalidValue, "automation.id %q differs from the id in the path %q", bodyID, id)
	}
	f.guid("automationId", id)
	if !f.ok() {
		writeValidation(w, *f.violations)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updateLocked(w, c, id, sent, af, rf)
}

// updateLocked applies a validated PATCH; it writes the answer while
// holding the lock, so that the revision check and the write are atomic.
func (s *Server) updateLocked(w http.ResponseWriter, c caller, id string, sent int64, af *fields, rf requestedFields) {
	cur := s.automations.get(c.instanceID, id)
	if cur == nil {
		writeNotFound(w, id)
		return
	}
	if have, _ := strconv.ParseInt(cur.Revision, 10, 64); have != sent {
		// The code is [inferred]: Wix documents no custom errors here.
		writeAppError(w, http.StatusConflict, "REVISION_MISMATCH", fmt.Sprintf(
			"automation %s is at revision %d but the update was based on revision %d; read it again and retry", id, have, sent))
		return
	}
	merged, ok := mergeAutomation(cur, af)
	if !ok {
		writeValidation(w, *af.violations)
		return
	}
	merged.CreatedBy, merged.CreatedDate = cur.CreatedBy, cur.CreatedDate
	merged.UpdatedBy = &AuditInfo{AppID: c.appID}
	s.automations.replace(cur, merged)
	writeJSON(w, http.StatusOK, automationResponse{rf.answer(merged)})
}

// parseRevision reads automation.revision, which the SDK sends as a string
// (protobuf's int64 JSON form); a JSON number is accepted too.
func parseRevision(f *fields) int64 {
	raw, ok := f.raw("revision")
	if !ok {
		f.violate("revision", ruleRequired, "revision is required: send the revision last read")
		return 0
	}
	n, err := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
	if err != nil || n < 0 {
		f.violate("revision", ruleInvalidValue, "revision must be a non-negative integer, got %s", raw)
	}
	return n
}

// mergeAutomation overlays the body's top-level fields on the stored
// automation and validates the result as a whole.
func mergeAutomation(cur *Automation, af *fields) (*Automation, bool) {
	b, _ := json.Marshal(cur)
	var merged map[string]json.RawMessage
	_ = json.Unmarshal(b, &merged) // just marshaled
	for k, v := range af.obj {
		if k == "origin" && string(v) != string(merged["origin"]) {
			af.violate("origin", ruleNotAllowed, "origin is immutable: it was %s, the update sent %s", merged["origin"], v)
		}
		merged[k] = v
	}
	// parseAutomation drops the read-only fields, stored or sent.
	return parseAutomation(&fields{prefix: af.prefix, obj: merged, violations: af.violations})
}

type bulkDeleteResponse struct {
	Results            []bulkDeleteResult `json:"results"`
	BulkActionMetadata bulkActionMetadata `json:"bulkActionMetadata"`
}

type bulkDeleteResult struct {
	ItemMetadata itemMetadata `json:"itemMetadata"`
}

// handleBulkDeleteAutomations implements POST /v2/bulk/automations/delete:
// 1..200 ids, one result each; a missing automation fails only its item.
func (s *Server) handleBulkDeleteAutomations(w http.ResponseWriter, c caller, f *fields) {
	f.only("automationIds")
	ids := f.guidListN("automationIds", maxBulkDelete)
	if !f.ok() {
		writeValidation(w, *f.violations)
		return
	}
	resp := bulkDeleteResponse{Results: make([]bulkDeleteResult, len(ids))}
	s.mu.Lock()
	for i, id := range ids {
		md := itemMetadata{ID: id, OriginalIndex: i}
		if resp.BulkActionMetadata.settle(&md, s.automations.get(c.instanceID, id) == nil,
			"AUTOMATION_NOT_FOUND", "automation "+id+" was not found") {
			s.automations.remove(id)
		}
		resp.Results[i] = bulkDeleteResult{md}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}
