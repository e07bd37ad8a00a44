package wixsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// What a call is about, for the seeded faults of soak_faults.go: its
// operation and its items, read from the path and a lenient look at the
// body (a body the handler will refuse still gets an item).

// soakFault is the fault the installed SoakFaults chooses for a call, or
// nil when none is installed or it chooses none.
func (s *Server) soakFault(requestID string, r *http.Request, body []byte) *Fault {
	s.mu.Lock()
	sf := s.soak
	var call soakCall
	ok := false
	if sf != nil {
		call, ok = s.soakCallLocked(sf, r.Method, r.URL.Path, body)
	}
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return sf.decide(requestID, call)
}

// soakCallLocked names the call's operation and items; false for a call
// the chooser leaves alone (a path the simulator does not serve).
func (s *Server) soakCallLocked(sf *SoakFaults, method, path string, body []byte) (soakCall, bool) {
	call := soakCall{path: path}
	switch path {
	case oauthPath:
		call.op, call.items = soakToken, []string{"token"}
	case reportPath, cancelPath:
		call.op, call.items = soakCancel, []string{entityItem(jsonString(body, "externalEntityId"))}
		if path == reportPath {
			call.op = soakReport
		}
	case bulkReportPath:
		call.op, call.bulk = soakReport, true
		for _, ev := range jsonObjects(body, "eventsInfo") {
			call.items = append(call.items, entityItem(jsonString(ev, "externalEntityId")))
		}
	case bulkCancelPath:
		call.op, call.bulk = soakCancel, true
		for _, id := range jsonStrings(body, "externalEntityIds") {
			call.items = append(call.items, entityItem(id))
		}
	default:
		return s.soakAutomationCallLocked(sf, call, method, path, body)
	}
	return call, len(call.items) > 0
}

// soakAutomationCallLocked names a call of Automations v2. An automation is
// named by its name, which is the same in every run, where its id is not.
func (s *Server) soakAutomationCallLocked(sf *SoakFaults, call soakCall, method, path string, body []byte) (soakCall, bool) {
	rest, ok := s.belowAutomationsRoot(path)
	switch {
	case !ok:
		return call, false
	case rest == automationsPath:
		call.op, call.items = soakCreate, []string{"automation " + jsonString(jsonObject(body, "automation"), "name")}
	case rest == automationsQuery:
		call.op, call.items = soakRead, []string{"query " + s.canonicalQueryLocked(sf, body)}
	case rest == automationsBulkDel:
		call.op, call.bulk = soakDelete, true
		for _, id := range jsonStrings(body, "automationIds") {
			call.items = append(call.items, s.automationItemLocked(sf, id))
		}
	default:
		return s.soakAutomationByIDLocked(sf, call, method, rest)
	}
	return call, len(call.items) > 0
}

// soakAutomationByIDLocked names a call of one automation by its id, as
// routeAutomations serves it (automationIDIn); other methods and paths
// the simulator answers 405 or 404 are left alone.
func (s *Server) soakAutomationByIDLocked(sf *SoakFaults, call soakCall, method, rest string) (soakCall, bool) {
	id, served := automationIDIn(rest)
	op := map[string]*soakOp{http.MethodGet: soakRead, http.MethodPatch: soakUpdate, http.MethodDelete: soakDelete}[method]
	if !served || id == "" || op == nil {
		return call, false
	}
	call.op, call.items = op, []string{s.automationItemLocked(sf, id)}
	return call, true
}

// automationItemLocked names the automation of an id by its name, known
// from the store or remembered from an earlier call.
func (s *Server) automationItemLocked(sf *SoakFaults, id string) string {
	name := ""
	if a := s.automations.byID[id]; a != nil {
		name = a.Name
	}
	if name = sf.rememberName(id, name); name == "" {
		return "automation id " + id
	}
	return "automation " + name
}

// canonicalQueryLocked is a Query body without its cursor (the pages of one
// Query are one item) and with automation ids replaced by names, as JSON
// with sorted keys.
func (s *Server) canonicalQueryLocked(sf *SoakFaults, body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return string(body)
	}
	if q, ok := v.(map[string]any)["query"].(map[string]any); ok {
		if paging, ok := q["cursorPaging"].(map[string]any); ok {
			delete(paging, "cursor")
		}
	}
	v = s.namesForIDsLocked(sf, v)
	out, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(out)
}

// namesForIDsLocked replaces every string of v that is a known automation
// id with that automation's item name.
func (s *Server) namesForIDsLocked(sf *SoakFaults, v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = s.namesForIDsLocked(sf, e)
		}
	case []any:
		for i, e := range t {
			t[i] = s.namesForIDsLocked(sf, e)
		}
	case string:
		if item := s.automationItemLocked(sf, t); !strings.HasPrefix(item, "automation id ") {
			return item
		}
	}
	return v
}

// entityItem names an event's item by its external entity id.
func entityItem(id string) string {
	if id == "" {
		return "(no external entity)"
	}
	return id
}

// jsonObject is the object under key of a JSON object, or nil.
func jsonObject(body []byte, key string) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil
	}
	return obj[key]
}

// jsonString is the string under key of a JSON object, or "".
func jsonString(body []byte, key string) string {
	var s string
	_ = json.Unmarshal(jsonObject(body, key), &s) // "" when absent or not a string
	return s
}

// jsonStrings is the list of strings under key of a JSON object.
func jsonStrings(body []byte, key string) []string {
	var list []string
	_ = json.Unmarshal(jsonObject(body, key), &list) // none when absent or malformed
	return list
}

// jsonObjects is the list of objects under key of a JSON object.
func jsonObjects(body []byte, key string) []json.RawMessage {
	var list []json.RawMessage
	_ = json.Unmarshal(jsonObject(body, key), &list) // none when absent or malformed
	return list
}
