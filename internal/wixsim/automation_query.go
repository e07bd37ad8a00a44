package wixsim

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Query paging limits from the SDK (DEFAULT_LIMIT) and its types.
const (
	defaultQueryLimit = 50
	maxQueryLimit     = 500
	maxSorts          = 5
)

// queryFields are the fields Query filters and sorts on, and how to read
// each from an automation.
var queryFields = map[string]func(*Automation) string{
	"name":                             func(a *Automation) string { return a.Name },
	"origin":                           func(a *Automation) string { return a.Origin },
	"configuration.status":             func(a *Automation) string { return a.Configuration.Status },
	"configuration.trigger.appId":      func(a *Automation) string { return a.Configuration.Trigger.AppID },
	"configuration.trigger.triggerKey": func(a *Automation) string { return a.Configuration.Trigger.TriggerKey },
	"createdDate":                      func(a *Automation) string { return a.CreatedDate.Format(timeLayout) },
	"updatedDate":                      func(a *Automation) string { return a.UpdatedDate.Format(timeLayout) },
	// archived is filterable on Wix's REST page [doc]; its values are
	// booleans, compared here in their JSON spelling.
	"archived": func(a *Automation) string { return strconv.FormatBool(a.Archived) },
}

// timeLayout sorts lexicographically in time order.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// predicate selects automations; less orders them.
type (
	predicate func(*Automation) bool
	lessFunc  func(a, b *Automation) bool
)

// queryCursor is what a next-page cursor stands for: the first page's
// filter and sort, where the next page starts, and whose site it reads.
type queryCursor struct {
	instanceID string
	match      predicate
	less       lessFunc
	offset     int
}

type queryResponse struct {
	Automations    []Automation   `json:"automations"`
	PagingMetadata pagingMetadata `json:"pagingMetadata"`
}

type pagingMetadata struct {
	Count   int           `json:"count"`
	Cursors pagingCursors `json:"cursors"`
	HasNext bool          `json:"hasNext"`
}

type pagingCursors struct {
	Next string `json:"next,omitempty"` // omitted on the last page: the SDK's hasNext() is !!cursors.next
}

// handleQueryAutomations implements POST /v2/automations/query with cursor
// paging. A first page carries filter, sort and cursorPaging.limit; the
// next pages carry only cursorPaging {cursor, limit}, as the SDK sends them.
func (s *Server) handleQueryAutomations(w http.ResponseWriter, c caller, f *fields) {
	f.only("query", "fields")
	rf := f.requested()
	obj, ok := f.object("query")
	if !ok {
		obj = map[string]json.RawMessage{}
	}
	qf := f.nested("query", obj)
	qf.only("filter", "sort", "cursorPaging")
	limit, cursor := parseCursorPaging(qf)
	var cur queryCursor
	if cursor != "" {
		cur = s.resumeCursor(qf, c, cursor)
	} else {
		cur = queryCursor{instanceID: c.instanceID, match: compileFilter(qf), less: compileSort(qf)}
	}
	if !f.ok() {
		writeValidation(w, *f.violations)
		return
	}
	s.mu.Lock()
	resp := s.automations.page(cur, limit, rf)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func parseCursorPaging(qf *fields) (int, string) {
	obj, ok := qf.object("cursorPaging")
	if !ok {
		return defaultQueryLimit, ""
	}
	pf := qf.nested("cursorPaging", obj)
	pf.only("limit", "cursor")
	limit := defaultQueryLimit
	if raw, ok := pf.raw("limit"); ok {
		if json.Unmarshal(raw, &limit) != nil || limit < 0 || limit > maxQueryLimit {
			pf.violate("limit", ruleInvalidValue, "limit must be an integer from 0 to %d, got %s", maxQueryLimit, raw)
		}
		if limit == 0 {
			limit = defaultQueryLimit
		}
	}
	cursor, _ := pf.str("cursor", false)
	return limit, cursor
}

// resumeCursor finds the state behind a cursor; a cursor this server did
// not issue, or issued to another site, is refused.
func (s *Server) resumeCursor(qf *fields, c caller, cursor string) queryCursor {
	for _, k := range []string{"filter", "sort"} {
		if _, ok := qf.raw(k); ok {
			qf.violate(k, ruleNotAllowed, "%s may not be sent with a cursor: the cursor carries the first page's", k)
		}
	}
	s.mu.Lock()
	cur, ok := s.automations.cursors[cursor]
	s.mu.Unlock()
	if !ok || cur.instanceID != c.instanceID {
		qf.violate("cursorPaging.cursor", ruleInvalidValue, "cursor is not valid: pass cursors.next of a previous page unchanged")
	}
	return cur
}

// page answers one page and, when more follow, a cursor for the next.
func (st *automationStore) page(cur queryCursor, limit int, rf requestedFields) queryResponse {
	all := st.sorted(func(a *Automation) bool { return a.InstanceID == cur.instanceID && cur.match(a) }, cur.less)
	start := min(cur.offset, len(all))
	end := min(start+limit, len(all))
	resp := queryResponse{Automations: make([]Automation, 0, end-start)}
	for _, a := range all[start:end] {
		resp.Automations = append(resp.Automations, rf.answer(a))
	}
	resp.PagingMetadata.Count = len(resp.Automations)
	if end < len(all) {
		next := cur
		next.offset = end
		token := rand.Text()
		st.cursors[token] = next
		resp.PagingMetadata.Cursors.Next, resp.PagingMetadata.HasNext = token, true
	}
	return resp
}

// sorted returns the matching automations by less, then creation order.
func (st *automationStore) sorted(match predicate, less lessFunc) []*Automation {
	var out []*Automation
	for _, a := range st.byID {
		if match(a) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if less != nil {
			if less(out[i], out[j]) {
				return true
			}
			if less(out[j], out[i]) {
				return false
			}
		}
		return st.seq[out[i].ID] < st.seq[out[j].ID]
	})
	return out
}

// compileFilter turns query.filter into a predicate. Supported: equality
// ({"f": v} or {"f": {"$eq": v}}), $ne, $in, $startsWith, and $and/$or of
// filters, on the fields in queryFields.
func compileFilter(qf *fields) predicate {
	raw, ok := qf.raw("filter")
	if !ok {
		return func(*Automation) bool { return true }
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		qf.violate("filter", ruleInvalidValue, "filter must be an object")
		return nil
	}
	return compileObject(qf, "filter", obj)
}

func compileObject(qf *fields, path string, obj map[string]json.RawMessage) predicate {
	var preds []predicate
	for _, k := range sortedKeys(obj) {
		switch {
		case k == "$and" || k == "$or":
			preds = append(preds, compileLogical(qf, path+"."+k, k, obj[k]))
		case queryFields[k] != nil:
			preds = append(preds, compileCondition(qf, path+"."+k, queryFields[k], obj[k]))
		default:
			qf.violate(path+"."+k, ruleInvalidValue, "cannot filter on %q", k)
		}
	}
	return func(a *Automation) bool {
		for _, p := range preds {
			if p != nil && !p(a) {
				return false
			}
		}
		return true
	}
}

func compileLogical(qf *fields, path, op string, raw json.RawMessage) predicate {
	var items []map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		qf.violate(path, ruleInvalidValue, "%s must be an array of filters", op)
		return nil
	}
	preds := make([]predicate, len(items))
	for i, item := range items {
		preds[i] = compileObject(qf, path, item)
	}
	return func(a *Automation) bool {
		for _, p := range preds {
			if p(a) == (op == "$or") {
				return op == "$or"
			}
		}
		return op == "$and"
	}
}

// compileCondition reads one field's condition: a plain value means
// equality, an object holds operators.
func compileCondition(qf *fields, path string, get func(*Automation) string, raw json.RawMessage) predicate {
	if value, ok := scalar(raw); ok {
		return func(a *Automation) bool { return get(a) == value }
	}
	var ops map[string]json.RawMessage
	if json.Unmarshal(raw, &ops) != nil {
		qf.violate(path, ruleInvalidValue, "a condition must be a string or an object of operators")
		return nil
	}
	var preds []predicate
	for _, op := range sortedKeys(ops) {
		preds = append(preds, compileOperator(qf, path+"."+op, op, get, ops[op]))
	}
	return func(a *Automation) bool {
		for _, p := range preds {
			if p != nil && !p(a) {
				return false
			}
		}
		return true
	}
}

func compileOperator(qf *fields, path, op string, get func(*Automation) string, raw json.RawMessage) predicate {
	var many []string
	one, isScalar := scalar(raw)
	switch {
	case op == "$in" && json.Unmarshal(raw, &many) == nil:
		return func(a *Automation) bool { return contains(many, get(a)) }
	case op == "$in":
	case !isScalar:
	case op == "$eq":
		return func(a *Automation) bool { return get(a) == one }
	case op == "$ne":
		return func(a *Automation) bool { return get(a) != one }
	case op == "$startsWith":
		return func(a *Automation) bool { return strings.HasPrefix(get(a), one) }
	default:
		qf.violate(path, ruleInvalidValue, "operator %s is not supported by the simulator", op)
		return nil
	}
	qf.violate(path, ruleInvalidValue, "%s needs a string or boolean value (an array of strings for $in)", op)
	return nil
}

// scalar reads a filter value: a string, or a boolean in its JSON spelling
// (for archived).
func scalar(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b), true
	}
	return "", false
}

// compileSort reads query.sort: up to 5 {fieldName, order ASC|DESC}.
func compileSort(qf *fields) lessFunc {
	raw, ok := qf.raw("sort")
	if !ok {
		return nil
	}
	var sorts []struct{ FieldName, Order string }
	if json.Unmarshal(raw, &sorts) != nil || len(sorts) > maxSorts {
		qf.violate("sort", ruleInvalidValue, "sort must be at most %d {fieldName, order} objects", maxSorts)
		return nil
	}
	for i, srt := range sorts {
		if queryFields[srt.FieldName] == nil || (srt.Order != "" && srt.Order != "ASC" && srt.Order != "DESC") {
			qf.violate("sort", ruleInvalidValue, "sort[%d]: cannot sort on %q %q", i, srt.FieldName, srt.Order)
			return nil
		}
	}
	return func(a, b *Automation) bool {
		for _, srt := range sorts {
			get := queryFields[srt.FieldName]
			if va, vb := get(a), get(b); va != vb {
				return (va < vb) != (srt.Order == "DESC")
			}
		}
		return false
	}
}
