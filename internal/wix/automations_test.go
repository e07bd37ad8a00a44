package wix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Each Automations v2 call goes out as Wix's SDK sends it: method, path,
// query string, and a body with Content-Type only when there is a body.
func TestAutomations_wire(t *testing.T) {
	const id = "7d3c0e2a-0000-4000-8000-000000000001"
	f := newFakeWix(t, answer(200, `{"automation":{"id":"`+id+`","revision":"2"}}`))
	c := f.client(t)
	ctx := context.Background()
	update := Automation{ID: id, Revision: "1", Configuration: AutomationConfiguration{Status: "INACTIVE", RootActionIDs: []string{}}}
	steps := []struct {
		run                       func() error
		method, path, query, body string
	}{
		{func() error { _, err := c.GetAutomation(ctx, id); return err }, "GET", "/v2/automations/" + id, "automationId=" + id + "&fields=OVERRIDE_SCHEMA", ""},
		{func() error { return c.DeleteAutomation(ctx, id) }, "DELETE", "/v2/automations/" + id, "automationId=" + id, ""},
		{func() error { _, err := c.UpdateAutomation(ctx, update); return err }, "PATCH", "/v2/automations/" + id, "",
			`{"automation":{"id":"` + id + `","revision":"1","configuration":{"status":"INACTIVE","trigger":{"appId":"","triggerKey":""},"rootActionIds":[]}},"fields":["OVERRIDE_SCHEMA"]}`},
		{func() error { _, err := c.CreateAutomation(ctx, testAutomation); return err }, "POST", "/v2/automations", "",
			`{"automation":{"name":"Welcome","origin":"APPLICATION","configuration":{"status":"ACTIVE","trigger":{"appId":"` + testAutomation.Configuration.Trigger.AppID + `","triggerKey":"form_submitted"},"rootActionIds":["a1"],"actions":{"a1":{"type":"APP_DEFINED"}}}},"fields":["OVERRIDE_SCHEMA"]}`},
	}
	for i, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("step %d (%s): %v", i, s.method, err)
		}
		calls := f.all()
		got := calls[len(calls)-1]
		uri := strings.TrimSuffix(s.path+"?"+s.query, "?")
		if got.method != s.method || got.uri != uri || got.query != s.query || got.body != s.body {
			t.Errorf("step %d sent %s %s?%s %s\nwant %s %s?%s %s", i, got.method, got.path, got.query, got.body, s.method, s.path, s.query, s.body)
		}
		if hasBody := s.body != ""; (got.header.Get("Content-Type") == "application/json") != hasBody {
			t.Errorf("%s: Content-Type %q, want application/json only with a body", s.method, got.header.Get("Content-Type"))
		}
		if got.header.Get("Authorization") != fakeToken {
			t.Errorf("%s: Authorization %q, want the raw token", s.method, got.header.Get("Authorization"))
		}
	}
}

// Fields Wix sends that the client does not model survive a read and a
// write back, at every level.
func TestAutomations_unknownFieldsRoundTrip(t *testing.T) {
	in := `{"-":1,"":2,"id":"a","revision":"4","name":"n","settings":{"hidden":true},"createdBy":{"appId":"x"},` +
		`"configuration":{"status":"ACTIVE","trigger":{"appId":"p","triggerKey":"k","filters":[{"id":"f"}]},` +
		`"rootActionIds":["r"],"actions":{"r":{"type":"DELAY","delayInfo":{"offsetExpression":"1"}}},"filterableAppDefinedActions":{}},` +
		`"applicationInfo":{"appId":"p","appDefinedExternalId":"e"}}`
	var a Automation
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "a" || a.Revision != "4" || a.Configuration.Trigger.TriggerKey != "k" || a.ApplicationInfo.AppID != "p" {
		t.Fatalf("typed fields = %+v", a)
	}
	if _, ok := a.Unknown["settings"]; !ok || a.Configuration.Trigger.Unknown["filters"] == nil {
		t.Fatalf("unknown fields lost: %v / %v", a.Unknown, a.Configuration.Trigger.Unknown)
	}
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(in), &want)
	_ = json.Unmarshal(out, &got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("round trip changed the automation:\n in %s\nout %s", in, out)
	}
	var plain Automation
	if err := json.Unmarshal([]byte(`{"id":"a","configuration":{"trigger":{"appId":"p"}}}`), &plain); err != nil ||
		plain.Unknown != nil || plain.Configuration.Unknown != nil || plain.Configuration.Trigger.Unknown != nil {
		t.Fatalf("an automation of known fields only has Unknown %v, %v, %v; want nil", plain.Unknown, plain.Configuration.Unknown, plain.Configuration.Trigger.Unknown)
	}
	a.Name = "renamed"
	a.Unknown["name"] = json.RawMessage(`"stale"`)
	if out, _ := json.Marshal(a); !strings.Contains(string(out), `"name":"renamed"`) {
		t.Fatalf("a typed field must win over an unknown one of the same name: %s", out)
	}
}

// Not found and stale revisions are typed, so callers need no status codes.
func TestAutomations_typedErrors(t *testing.T) {
	for status, check := range map[int]func(error) bool{404: IsNotFound, 409: IsConflict, 428: IsConflict} {
		f := newFakeWix(t, answer(status, `{"message":"nope","details":{"applicationError":{"code":"NOPE"}}}`))
		_, err := f.client(t).GetAutomation(context.Background(), "x")
		if !check(err) {
			t.Errorf("status %d: %v not recognized", status, err)
		}
	}
	f := newFakeWix(t, answer(400, `{"message":"bad"}`))
	if _, err := f.client(t).GetAutomation(context.Background(), "x"); IsNotFound(err) || IsConflict(err) {
		t.Errorf("a 400 is neither not found nor a conflict: %v", err)
	}
	// A 200 without "automation" is no answer; for Create, Wix may still
	// have created it, so the caller must look before creating anew.
	f = newFakeWix(t, answer(200, `{"automationz":{}}`))
	if _, err := f.client(t).GetAutomation(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), `lacks automation.id`) || errors.Is(err, ErrMayHaveReachedWix) {
		t.Errorf("Get answered 200 without an automation: %v, want an error saying so", err)
	}
	f = newFakeWix(t, answer(200, `{"automationz":{}}`))
	if _, err := f.client(t).CreateAutomation(context.Background(), Automation{Name: "n"}); !errors.Is(err, ErrMayHaveReachedWix) {
		t.Errorf("Create answered 200 without an automation: %v, want an UncertainError", err)
	}
}

// whole is a Query entry with what an automation always has.
func whole(id string) string {
	return `{"id":"` + id + `","revision":"1","configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}}`
}

// Query walks every page by cursors.next only, sending the filter on the
// first page and only the cursor after; a cursor loop is an error.
func TestAutomations_queryWalksAllPages(t *testing.T) {
	pages := map[string]string{
		"":   `{"automations":[` + whole("1") + `,` + whole("2") + `],"pagingMetadata":{"cursors":{"next":"c2"},"hasNext":false}}`,
		"c2": `{"automations":[` + whole("3") + `],"pagingMetadata":{"cursors":{"next":"c3"}}}`,
		"c3": `{"automations":[],"pagingMetadata":{"cursors":{},"hasNext":true}}`,
	}
	var mu sync.Mutex
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Query struct{ CursorPaging struct{ Cursor string } } `json:"query"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		defer mu.Unlock()
		writeRaw(w, 200, "application/json", pages[body.Query.CursorPaging.Cursor])
	})
	all, err := f.client(t).QueryAllAutomations(context.Background(), AutomationQuery{Filter: map[string]any{"configuration.status": "ACTIVE"}, Limit: 2})
	if err != nil || len(all) != 3 || all[2].ID != "3" {
		t.Fatalf("QueryAllAutomations = %+v, %v; want 3 automations", all, err)
	}
	var bodies []string
	for _, c := range f.calls(PathAutomations + "/query") {
		bodies = append(bodies, c.body)
	}
	want := []string{
		`{"query":{"filter":{"configuration.status":"ACTIVE"},"cursorPaging":{"limit":2}},"fields":["OVERRIDE_SCHEMA"]}`,
		`{"query":{"cursorPaging":{"limit":2,"cursor":"c2"}},"fields":["OVERRIDE_SCHEMA"]}`,
		`{"query":{"cursorPaging":{"limit":2,"cursor":"c3"}},"fields":["OVERRIDE_SCHEMA"]}`,
	}
	if strings.Join(bodies, "\n") != strings.Join(want, "\n") {
		t.Fatalf("query bodies:\n%s\nwant:\n%s", strings.Join(bodies, "\n"), strings.Join(want, "\n"))
	}
	mu.Lock()
	pages["c3"] = `{"automations":[],"pagingMetadata":{"cursors":{"next":"c2"}}}`
	mu.Unlock()
	if _, err := f.client(t).QueryAllAutomations(context.Background(), AutomationQuery{}); err == nil || !strings.Contains(err.Error(), "after page 3 leads back to a page already read") {
		t.Fatalf("a cursor loop: %v, want an error", err)
	}
	// Page by page, the same loop is the same error; and a page the caller
	// wants no more after is the last one read.
	queries := func() int { return len(f.calls(PathAutomations + "/query")) }
	if err := f.client(t).EachAutomationPage(context.Background(), AutomationQuery{}, func(*AutomationsPage) bool { return true }); err == nil || !strings.Contains(err.Error(), "leads back to a page already read") {
		t.Fatalf("EachAutomationPage over a cursor loop: %v, want an error", err)
	}
	before := queries()
	if err := f.client(t).EachAutomationPage(context.Background(), AutomationQuery{}, func(*AutomationsPage) bool { return false }); err != nil || queries()-before != 1 {
		t.Fatalf("EachAutomationPage stopped by its caller = %v after %d pages, want nil after 1", err, queries()-before)
	}
}

// A server whose cursors never end is stopped after the page limit.
func TestAutomations_queryStopsAtThePageLimit(t *testing.T) {
	var n atomic.Int32
	f := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 200, "application/json", fmt.Sprintf(`{"automations":[],"pagingMetadata":{"cursors":{"next":"c%d"}}}`, n.Add(1)))
	})
	_, err := f.client(t).queryAll(context.Background(), AutomationQuery{}, 3)
	if err == nil || !strings.Contains(err.Error(), "more after 3 pages") || n.Load() != 3 {
		t.Fatalf("queryAll = %v after %d pages, want to stop after 3", err, n.Load())
	}
}
