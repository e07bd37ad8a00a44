package wixsim_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

type queryOut struct {
	Automations    []automationOut
	PagingMetadata struct {
		Count   int
		Cursors map[string]string
		HasNext bool
	}
}

func query(t *testing.T, ts *httptest.Server, tok, body string) queryOut {
	t.Helper()
	r := post(t, ts, queryPath, tok, body)
	wantStatus(t, r, 200)
	var out queryOut
	r.decode(t, &out)
	return out
}

// seed stores n automations named a0..a(n-1) on the demo site; odd ones
// are INACTIVE.
func seed(sim *wixsim.Server, n int) {
	for i := range n {
		a := wixsim.Automation{Name: fmt.Sprintf("a%d", i), Origin: "APPLICATION"}
		a.Configuration.Status = []string{"ACTIVE", "INACTIVE"}[i%2]
		a.Configuration.Trigger = wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey}
		sim.CreateAutomationDirect(wixsim.DemoInstanceID, a)
	}
}

func names(out queryOut) string {
	var n []string
	for _, a := range out.Automations {
		n = append(n, a.Name)
	}
	return strings.Join(n, " ")
}

func TestQueryPagesWithCursors(t *testing.T) {
	sim, ts, tok := startDemo(t)
	seed(sim, 5)
	page := query(t, ts, tok, `{"query":{"filter":{},"cursorPaging":{"limit":2}}}`)
	var got []string
	for pages := 1; ; pages++ {
		got = append(got, names(page))
		next, ok := page.PagingMetadata.Cursors["next"]
		if page.PagingMetadata.Count != len(page.Automations) || ok != page.PagingMetadata.HasNext {
			t.Fatalf("page %d metadata = %+v", pages, page.PagingMetadata)
		}
		if !ok {
			break
		}
		page = query(t, ts, tok, fmt.Sprintf(`{"query":{"cursorPaging":{"cursor":%q,"limit":2}}}`, next))
	}
	if strings.Join(got, "|") != "a0 a1|a2 a3|a4" {
		t.Errorf("pages = %q", got)
	}
	if raw := string(post(t, ts, queryPath, tok, `{"query":{"cursorPaging":{"limit":5}}}`).raw); strings.Contains(raw, `"next"`) {
		t.Errorf("last page carries a next cursor: %s", raw)
	}
}

func TestQueryLimits(t *testing.T) {
	sim, ts, tok := startDemo(t)
	seed(sim, 60)
	if out := query(t, ts, tok, `{"query":{}}`); len(out.Automations) != 50 || !out.PagingMetadata.HasNext {
		t.Errorf("default page = %d automations, hasNext %v", len(out.Automations), out.PagingMetadata.HasNext)
	}
	if out := query(t, ts, tok, `{"query":{"cursorPaging":{"limit":500}}}`); len(out.Automations) != 60 {
		t.Errorf("limit 500 gave %d", len(out.Automations))
	}
	checkBodies(t, ts, queryPath, tok, []bodyCase{
		{"limit over 500", `{"query":{"cursorPaging":{"limit":501}}}`, "query.cursorPaging.limit/VALIDATION"},
		{"forged cursor", `{"query":{"cursorPaging":{"cursor":"forged"}}}`, "query.cursorPaging.cursor/VALIDATION"},
		{"offset paging", `{"query":{"paging":{"offset":2}}}`, "query.paging/FIELD_NOT_ALLOWED"},
		{"unfilterable field", `{"query":{"filter":{"description":"x"}}}`, "query.filter.description/VALIDATION"},
		{"unsupported operator", `{"query":{"filter":{"name":{"$regex":"x"}}}}`, "query.filter.name.$regex/VALIDATION"},
		{"unsortable field", `{"query":{"sort":[{"fieldName":"description"}]}}`, "query.sort/VALIDATION"},
	})
}

func TestQueryCursorIsBoundToItsFirstPage(t *testing.T) {
	sim, ts, tok := startDemo(t)
	seed(sim, 3)
	first := query(t, ts, tok, `{"query":{"filter":{"configuration.status":"ACTIVE"},"cursorPaging":{"limit":1}}}`)
	next := first.PagingMetadata.Cursors["next"]
	// The next page keeps the first page's filter, though it is not resent.
	if out := query(t, ts, tok, fmt.Sprintf(`{"query":{"cursorPaging":{"cursor":%q}}}`, next)); names(out) != "a2" {
		t.Errorf("next page = %q, want a2", names(out))
	}
	withFilter := fmt.Sprintf(`{"query":{"filter":{},"cursorPaging":{"cursor":%q}}}`, next)
	if got := post(t, ts, queryPath, tok, withFilter).violation(t); got != "query.filter/FIELD_NOT_ALLOWED" {
		t.Errorf("cursor with a filter: %q", got)
	}
	sim.AddApp(wixsim.DemoAppID, wixsim.DemoAppSecret, otherInstance)
	otherSite := sim.IssueToken(wixsim.DemoAppID, otherInstance, 0)
	wantStatus(t, post(t, ts, queryPath, otherSite, fmt.Sprintf(`{"query":{"cursorPaging":{"cursor":%q}}}`, next)), 400)
	if out := query(t, ts, otherSite, `{"query":{}}`); len(out.Automations) != 0 {
		t.Errorf("another site sees %d automations", len(out.Automations))
	}
}

func TestQueryFilters(t *testing.T) {
	sim, ts, tok := startDemo(t)
	seed(sim, 4)
	createAutomation(t, ts, tok, newAutomation("api", "ACTIVE"))
	tests := []struct{ filter, want string }{
		{`{}`, "a0 a1 a2 a3 api"},
		{`{"configuration.status":"INACTIVE"}`, "a1 a3"},
		{`{"configuration.status":{"$eq":"INACTIVE"}}`, "a1 a3"},
		{`{"configuration.status":{"$ne":"INACTIVE"}}`, "a0 a2 api"},
		{`{"name":{"$in":["a0","api","zz"]}}`, "a0 api"},
		{`{"name":{"$startsWith":"ap"}}`, "api"},
		{`{"$and":[{"configuration.status":"ACTIVE"},{"name":"a2"}]}`, "a2"},
		{`{"$or":[{"name":"a1"},{"name":"a2"}]}`, "a1 a2"},
		{`{"configuration.trigger.triggerKey":"form_submitted","configuration.trigger.appId":"` + wixsim.DemoAppID + `"}`, "a0 a1 a2 a3 api"},
		{`{"origin":"USER"}`, ""},
	}
	for _, tc := range tests {
		if got := names(query(t, ts, tok, `{"query":{"filter":`+tc.filter+`}}`)); got != tc.want {
			t.Errorf("filter %s = %q, want %q", tc.filter, got, tc.want)
		}
	}
	sorted := query(t, ts, tok, `{"query":{"sort":[{"fieldName":"configuration.status","order":"DESC"},{"fieldName":"name","order":"DESC"}]}}`)
	if got := names(sorted); got != "a3 a1 api a2 a0" {
		t.Errorf("sorted = %q", got)
	}
}
