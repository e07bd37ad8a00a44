package wix

// What Wix's REST docs and guides add to what its SDK shows (the shared
// wire notes, section 6), at the client: token errors in OAuth form, a 404
// that is "gone" only in Wix's words, both documented Automations v2
// roots, and override schemas asked for.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// startSimWith serves a simulator with opts and returns it with a client
// of its demo app (fast backoff, no pacing).
func startSimWith(t *testing.T, opts wixsim.Options, tweak ...func(*Config)) (*wixsim.Server, *Client) {
	t.Helper()
	sim := wixsim.New(opts)
	server := httptest.NewServer(sim)
	t.Cleanup(server.Close)
	return sim, newSimClient(t, server.URL, tweak...)
}

// The token endpoint answers failures in OAuth form: the error shows
// error and error_description, and the three codes that mean the
// credentials are wrong are rejected credentials. Wix's own error shape
// is still read.
func TestDocs_tokenErrorsInOAuthForm(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		tweak func(*Config)
		want  []string
	}{
		"wrong secret":  {func(c *Config) { c.AppSecret = "wrong" }, []string{"HTTP 401", "invalid_client", "invalid client_id or client_secret"}},
		"not installed": {func(c *Config) { c.InstanceID = "0c0c0c0c-0000-4000-8000-000000000000" }, []string{"HTTP 400", "invalid_grant", "is not installed on instance"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, client := startSimWith(t, wixsim.Options{}, tc.tweak)
			err := client.CancelEvent(context.Background(), testKey, testEntity)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v lacks %q", err, want)
				}
			}
			if !IsRejectedCredentials(err) {
				t.Errorf("%v: not recognized as rejected credentials", err)
			}
		})
	}
	f := newRawServer(t, answer(http.StatusForbidden, `{"message":"app revoked","details":{"applicationError":{"code":"APP_REVOKED","description":"the app was removed"}}}`))
	err := f.client(t).CancelEvent(context.Background(), testKey, testEntity)
	if err == nil || !strings.Contains(err.Error(), "app revoked") || !strings.Contains(err.Error(), "APP_REVOKED") {
		t.Errorf("a Wix-shaped token error: %v, want its message and code", err)
	}
	if IsRejectedCredentials(err) {
		t.Errorf("a 403 with no OAuth code is not rejected credentials: %v", err)
	}
	f = newRawServer(t, answer(http.StatusBadRequest, `{"error":"invalid_scope","error_description":"no such scope"}`))
	if err := f.client(t).CancelEvent(context.Background(), testKey, testEntity); IsRejectedCredentials(err) || !strings.Contains(err.Error(), "invalid_scope: no such scope") {
		t.Errorf("another OAuth error: %v, want it shown and not taken for rejected credentials", err)
	}
}

// routingMisses are 404 answers without Wix's JSON error body: what a
// gateway, a web server, a proxy or a wrong base_url answers.
var routingMisses = map[string]struct{ contentType, body string }{
	"plain text":           {"text/plain; charset=utf-8", "404 page not found\n"},
	"empty":                {"", ""},
	"html":                 {"text/html", "<html><body><h1>Not Found</h1></body></html>"},
	"json without details": {"application/json", `{"message":"Not Found"}`},
}

// Only a 404 with Wix's JSON error body means that the automation is
// gone. Any other 404 fails, naming the paths tried and the likely cause,
// for every call: reads, deletes and the events calls alike.
func TestDocs_a404IsGoneOnlyInWixsWords(t *testing.T) {
	t.Parallel()
	const id = "7d3c0e2a-0000-4000-8000-000000000001"
	for name, miss := range routingMisses {
		t.Run(name, func(t *testing.T) {
			f := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 404, miss.contentType, miss.body) })
			client := f.client(t)
			_, err := client.GetAutomation(context.Background(), id)
			requireRoutingMiss(t, "Get Automation", err, "/v2/automations/"+id, "/automations-service/v2/automations/"+id)
			err = client.DeleteAutomation(context.Background(), id)
			requireRoutingMiss(t, "Delete Automation", err, "/v2/automations/"+id)
			err = client.CancelEvent(context.Background(), testKey, testEntity)
			requireRoutingMiss(t, "Cancel Event", err, PathCancel)
		})
	}
	f := newFakeWix(t, answer(404, `{"message":"automation not found","details":{"applicationError":{"code":"AUTOMATION_NOT_FOUND","description":"gone"}}}`))
	if _, err := f.client(t).GetAutomation(context.Background(), id); !IsNotFound(err) {
		t.Errorf("Wix's own 404: %v, want IsNotFound", err)
	}
	if n := len(f.calls("/automations-service/v2/automations/" + id)); n != 0 {
		t.Errorf("Wix's own 404 made %d calls to the other root, want none", n)
	}
}

func requireRoutingMiss(t *testing.T, op string, err error, paths ...string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("%s: a routing 404 succeeded", op)
	case IsNotFound(err):
		t.Errorf("%s: a routing 404 was taken for Wix's not found: %v", op, err)
	}
	for _, want := range append(paths, "HTTP 404", "not Wix's", "base_url") {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q lacks %q", op, err, want)
		}
	}
}

// Whichever of the two documented roots Wix's gateway serves, every
// Automations v2 call works: a routing 404 from /v2 is tried once at
// /automations-service/v2, and what worked is kept for the process.
func TestDocs_bothAutomationsRoots(t *testing.T) {
	t.Parallel()
	for _, served := range []string{wixsim.PrefixV2, wixsim.PrefixAutomationsService} {
		t.Run(served, func(t *testing.T) {
			log := &recordingLogger{}
			sim, client := startSimWith(t, wixsim.Options{AutomationsPrefixes: []string{served}}, withLogger(log))
			ctx := context.Background()
			created, err := client.CreateAutomation(ctx, simAutomation("both roots"))
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := client.GetAutomation(ctx, created.ID)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			got.Name, got.CreatedDate, got.UpdatedDate = "renamed", "", ""
			if _, err := client.UpdateAutomation(ctx, *got); err != nil {
				t.Fatalf("update: %v", err)
			}
			if all, err := client.QueryAllAutomations(ctx, AutomationQuery{}); err != nil || len(all) != 1 || all[0].Name != "renamed" {
				t.Fatalf("query: %+v, %v", all, err)
			}
			if err := client.DeleteAutomation(ctx, created.ID); err != nil {
				t.Fatalf("delete: %v", err)
			}
			misses := 0
			for _, r := range sim.Requests() {
				if r.Path != PathToken && !strings.HasPrefix(r.Path, served+"/") {
					misses++
				}
			}
			switch {
			case served == wixsim.PrefixV2 && misses != 0:
				t.Errorf("%d calls went to the other root, want none", misses)
			case served == wixsim.PrefixAutomationsService && misses != 1:
				t.Errorf("%d calls went to /v2, want exactly the first", misses)
			}
			if switched := strings.Contains(log.text(), "/automations-service/v2"); switched != (served == wixsim.PrefixAutomationsService) {
				t.Errorf("the DEBUG log mentions the other root: %v, want %v:\n%s", switched, !switched, log.text())
			}
		})
	}
}

// A routing miss of the token request is the token request's: the
// Automations call that needed the token does not take it for its own
// root's miss, so it neither asks for a token again (with the app secret)
// at the other root nor moves the process to a root it never heard from.
func TestDocs_aTokenMissKeepsTheAutomationsRoot(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	tokenCalls := 0
	f := newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == PathToken:
			mu.Lock()
			tokenCalls++
			first := tokenCalls == 1
			mu.Unlock()
			if first {
				writeRaw(w, 404, "text/html", "<html>not here</html>")
				return
			}
			writeRaw(w, 200, "application/json", `{"access_token":"OAUTH2.tok","expires_in":14400}`)
		case strings.HasPrefix(r.URL.Path, PathAutomations+"/"):
			writeRaw(w, 200, "application/json", `{"automation":{"id":"a","revision":"1","name":"n",`+
				`"configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}}}`)
		default:
			writeRaw(w, 404, "text/plain", "404 page not found")
		}
	})
	client := f.client(t)
	_, err := client.GetAutomation(context.Background(), "a")
	requireRoutingMiss(t, "the token request", err, PathToken)
	if strings.Contains(err.Error(), PathAutomationsService) {
		t.Errorf("the error blames the other Automations root: %v", err)
	}
	if _, err := client.GetAutomation(context.Background(), "a"); err != nil {
		t.Fatalf("the Get after the token request's miss: %v", err)
	}
	if n := len(f.calls(PathToken)); n != 2 {
		t.Errorf("%d token requests, want 2 (the miss, then the one the second Get needed)", n)
	}
	if n := len(f.calls(PathAutomationsService + "/a")); n != 0 {
		t.Errorf("%d calls went to the other root, want none", n)
	}
}

// simAutomation is a valid automation of the demo app's trigger.
func simAutomation(name string) Automation {
	const action = "a1b2c3d4-0000-4000-8000-000000000001"
	return Automation{
		Name: name, Origin: "APPLICATION", ApplicationInfo: &ApplicationInfo{AppID: wixsim.DemoAppID},
		Configuration: AutomationConfiguration{
			Status:        "ACTIVE",
			Trigger:       Trigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
			RootActionIDs: []string{action},
			Actions:       json.RawMessage(`{"` + action + `":{"delayInfo":{"offsetExpression":"1","offsetTimeUnit":"HOURS"}}}`),
		},
	}
}

// seedOverridden stores an automation whose trigger and app-defined action
// carry override schemas, as an edit outside this client would.
func seedOverridden(sim *wixsim.Server) wixsim.Automation {
	const action = "a1b2c3d4-0000-4000-8000-0000000000aa"
	return sim.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{
		Name: "overridden", Origin: "APPLICATION", ApplicationInfo: map[string]any{"appId": wixsim.DemoAppID},
		Configuration: wixsim.AutomationConfiguration{
			Status: "ACTIVE",
			Trigger: wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey,
				OverrideSchema: map[string]any{"title": "trigger override"}},
			RootActionIDs: []string{action},
			Actions: map[string]map[string]any{action: {"appDefinedInfo": map[string]any{
				"appId": wixsim.DemoAppID, "actionKey": "send_email", "overrideOutputSchema": map[string]any{"title": "action override"},
			}}},
		},
	})
}

// Every call that answers automations asks for the override schemas, as
// Wix's guide says to before a full update, so that an update built from
// what Wix holds keeps them.
func TestDocs_overrideSchemasAreAskedFor(t *testing.T) {
	t.Parallel()
	sim, client := startSimWith(t, wixsim.Options{})
	seeded := seedOverridden(sim)
	ctx := context.Background()
	got, err := client.GetAutomation(ctx, seeded.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Configuration.Trigger.Unknown["overrideSchema"] == nil || !strings.Contains(string(got.Configuration.Actions), "action override") {
		t.Fatalf("Get Automation left the override schemas out: trigger %v, actions %s", got.Configuration.Trigger.Unknown, got.Configuration.Actions)
	}
	all, err := client.QueryAllAutomations(ctx, AutomationQuery{})
	if err != nil || len(all) != 1 || all[0].Configuration.Trigger.Unknown["overrideSchema"] == nil {
		t.Fatalf("Query Automations: %+v, %v; want the trigger's override schema", all, err)
	}
	got.Name, got.CreatedDate, got.UpdatedDate = "renamed", "", ""
	updated, err := client.UpdateAutomation(ctx, *got)
	if err != nil || !strings.Contains(string(updated.Configuration.Actions), "action override") {
		t.Fatalf("Update Automation: %+v, %v; want the action's override schema answered", updated, err)
	}
	stored := sim.Automations()[0]
	if stored.Configuration.Trigger.OverrideSchema == nil || !strings.Contains(mustJSON(t, stored.Configuration.Actions), "action override") {
		t.Errorf("the update erased an override schema: trigger %v, actions %v", stored.Configuration.Trigger.OverrideSchema, stored.Configuration.Actions)
	}
	created, err := client.CreateAutomation(ctx, simAutomation("made"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sim.Requests() {
		asked := strings.Contains(r.RawQuery, "fields=OVERRIDE_SCHEMA") || strings.Contains(string(r.Body), `"fields":["OVERRIDE_SCHEMA"]`)
		if r.Path != PathToken && r.Method != http.MethodDelete && !asked {
			t.Errorf("%s %s?%s %s does not ask for OVERRIDE_SCHEMA", r.Method, r.Path, r.RawQuery, r.Body)
		}
	}
	_ = created
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A Query whose pages repeat an automation (cursor paging while the site
// changes) lists it once, at its newest revision, in the place it first
// appeared.
func TestQuery_oneEntryPerIDAtItsNewestRevision(t *testing.T) {
	t.Parallel()
	const trig = `"trigger":{"appId":"p","triggerKey":"k"},"actions":{}`
	entry := func(id, rev, name string) string {
		return `{"id":"` + id + `","revision":"` + rev + `","name":"` + name + `","configuration":{` + trig + `}}`
	}
	pages := map[string]string{
		"":   `{"automations":[` + entry("a", "1", "a") + `,` + entry("b", "2", "b old") + `],"pagingMetadata":{"cursors":{"next":"c2"}}}`,
		"c2": `{"automations":[` + entry("b", "3", "b new") + `,` + entry("c", "5", "c new") + `],"pagingMetadata":{"cursors":{"next":"c3"}}}`,
		"c3": `{"automations":[` + entry("c", "4", "c old") + `,` + entry("a", "1", "a") + `],"pagingMetadata":{"cursors":{}}}`,
	}
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Query struct{ CursorPaging struct{ Cursor string } } `json:"query"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeRaw(w, 200, "application/json", pages[body.Query.CursorPaging.Cursor])
	})
	all, err := f.client(t).QueryAllAutomations(context.Background(), AutomationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range all {
		got = append(got, a.ID+"@"+a.Revision+"="+a.Name)
	}
	if want := "a@1=a b@3=b new c@5=c new"; strings.Join(got, " ") != want {
		t.Fatalf("listed %v, want %s", got, want)
	}
}

// An entry a Query answers without its revision, trigger or actions is
// not trusted: the client reads that automation with Get instead.
func TestQuery_incompleteEntriesAreReadWithGet(t *testing.T) {
	t.Parallel()
	const full = `{"id":"%s","revision":"7","name":"full","configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{"x":{}}}}`
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			id := r.URL.Query().Get("automationId")
			writeRaw(w, 200, "application/json", `{"automation":`+strings.Replace(full, "%s", id, 1)+`}`)
			return
		}
		writeRaw(w, 200, "application/json", `{"automations":[`+
			`{"id":"no-revision","name":"n","configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}},`+
			`{"id":"no-trigger","revision":"1","name":"n","configuration":{"actions":{}}},`+
			`{"id":"no-actions","revision":"1","name":"n","configuration":{"trigger":{"appId":"p","triggerKey":"k"}}},`+
			`{"id":"whole","revision":"1","name":"kept","configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}}`+
			`],"pagingMetadata":{"cursors":{}}}`)
	})
	all, err := f.client(t).QueryAllAutomations(context.Background(), AutomationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range all {
		got = append(got, a.ID+"@"+a.Revision+"="+a.Name)
	}
	if want := "no-revision@7=full no-trigger@7=full no-actions@7=full whole@1=kept"; strings.Join(got, " ") != want {
		t.Fatalf("listed %v, want %s", got, want)
	}
	gets := 0
	for _, c := range f.all() {
		if c.method == http.MethodGet {
			gets++
		}
	}
	if gets != 3 {
		t.Errorf("%d Get Automation calls, want 3 (one per incomplete entry)", gets)
	}
}

// The rule of what Wix always sets in an answer: a 200 that lacks it is
// garbled and never trusted as an empty list or an automation. An
// omitted list is empty, as Wix's JSON may leave empty lists out.
func TestAnswers_whatWixAlwaysSets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		answer string
		call   func(*Client) error
		want   string // "" when the answer is fine
	}{
		"query without pagingMetadata":                 {`{}`, func(c *Client) error { _, err := c.QueryAllAutomations(ctx, AutomationQuery{}); return err }, "pagingMetadata"},
		"query with automations but no pagingMetadata": {`{"automations":[{"id":"a","revision":"1"}]}`, func(c *Client) error { _, err := c.QueryAllAutomations(ctx, AutomationQuery{}); return err }, "pagingMetadata"},
		"query of nothing":                             {`{"pagingMetadata":{"cursors":{}}}`, func(c *Client) error { _, err := c.QueryAllAutomations(ctx, AutomationQuery{}); return err }, ""},
		"get without id":                               {`{"automation":{"revision":"1"}}`, func(c *Client) error { _, err := c.GetAutomation(ctx, "x"); return err }, "automation.id"},
		"get without revision":                         {`{"automation":{"id":"x"}}`, func(c *Client) error { _, err := c.GetAutomation(ctx, "x"); return err }, "automation.revision"},
		"update without revision": {`{"automation":{"id":"x","revision":""}}`, func(c *Client) error {
			_, err := c.UpdateAutomation(ctx, Automation{ID: "x", Revision: "1"})
			return err
		}, "automation.revision"},
		"create without id":           {`{"automation":{"revision":"1"}}`, func(c *Client) error { _, err := c.CreateAutomation(ctx, Automation{Name: "n"}); return err }, "automation.id"},
		"bulk cancel without results": {`{"triggerKey":"form_submitted"}`, func(c *Client) error { _, err := c.BulkCancelEvent(ctx, testKey, []string{testEntity}); return err }, "results"},
		"report without activationIds": {`{}`, func(c *Client) error {
			_, err := c.ReportEvent(ctx, ReportEventRequest{TriggerKey: testKey})
			return err
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.call(newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == PathToken && !strings.Contains(tc.answer, "token_type") {
					writeRaw(w, 200, "application/json", `{"access_token":"OAUTH2.token-of-the-answers-test","expires_in":14400}`)
					return
				}
				writeRaw(w, 200, "application/json", tc.answer)
			}).client(t))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("%s: %v, want success", tc.answer, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "lacks")):
				t.Fatalf("%s: %v, want an error saying the answer lacks %s", tc.answer, err, tc.want)
			}
		})
	}
}

// The shared Query that answers ReadAutomation keeps each automation's
// newest revision, and does not answer from an entry without its
// revision, trigger or actions: that automation is read with Get.
func TestSharedReads_staleAndPartialCopiesAreNotServed(t *testing.T) {
	t.Parallel()
	var stale, partial string
	env := newSimEnv(t, func(c *Config) { c.Batching.Enabled = true }, withTransport(func(r *http.Request) (*http.Response, error) {
		if !strings.HasSuffix(r.URL.Path, "/query") {
			return nil, nil
		}
		res, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		var page map[string]any
		_ = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		list := page["automations"].([]any)
		for _, a := range list {
			a := a.(map[string]any)
			if a["id"] == partial {
				delete(a["configuration"].(map[string]any), "actions")
			}
		}
		for _, a := range list {
			if a.(map[string]any)["id"] == stale {
				old := map[string]any{}
				for k, v := range a.(map[string]any) {
					old[k] = v
				}
				old["revision"], old["name"] = "1", "before the rename"
				page["automations"] = append(list, old) // repeated later with an older revision
			}
		}
		b, _ := json.Marshal(page)
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Del("Content-Length")
		return res, nil
	}))
	seeded := []wixsim.Automation{seedOverridden(env.sim), seedOverridden(env.sim)}
	stale, partial = seeded[0].ID, seeded[1].ID
	if err := env.sim.UpdateAutomationDirect(stale, func(a *wixsim.Automation) { a.Name = "renamed" }); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := env.client.ReadAutomation(ctx, stale)
	if err != nil || got.Revision != "2" || got.Name != "renamed" {
		t.Fatalf("the repeated automation: %+v, %v; want revision 2, renamed", got, err)
	}
	got, err = env.client.ReadAutomation(ctx, partial)
	if err != nil || !strings.Contains(string(got.Configuration.Actions), "action override") {
		t.Fatalf("the partial entry: %+v, %v; want it read whole", got, err)
	}
	if q, g := env.automationCalls(); q != 1 || g != 1 {
		t.Errorf("%d Query and %d Get calls, want one Query and one Get for the partial entry", q, g)
	}
}

// Page by page, each automation is handed on once: a later page's repeat
// of an automation already handed on is left out, and a partial entry is
// read with Get first.
func TestEachAutomationPage_onceByID(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"":   `{"automations":[` + whole("a") + `,` + whole("b") + `],"pagingMetadata":{"cursors":{"next":"c2"}}}`,
		"c2": `{"automations":[` + whole("b") + `,{"id":"c","name":"partial"}],"pagingMetadata":{"cursors":{}}}`,
	}
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeRaw(w, 200, "application/json", `{"automation":`+whole("c")+`}`)
			return
		}
		var body struct {
			Query struct{ CursorPaging struct{ Cursor string } } `json:"query"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeRaw(w, 200, "application/json", pages[body.Query.CursorPaging.Cursor])
	})
	var got []string
	err := f.client(t).EachAutomationPage(context.Background(), AutomationQuery{}, func(p *AutomationsPage) bool {
		for _, a := range p.Automations {
			got = append(got, a.ID+"@"+a.Revision)
		}
		return true
	})
	if err != nil || strings.Join(got, " ") != "a@1 b@1 c@1" {
		t.Fatalf("handed on %v, %v; want a, b and c (read with Get) once each", got, err)
	}
}

// A partial Query entry is read with Get Automation and its origin, as
// Wix's SDK sends getAutomation's origin option: a preinstalled automation
// the site has not overridden is found by its origin.
func TestQuery_partialEntryIsReadWithItsOrigin(t *testing.T) {
	t.Parallel()
	var origins []string
	f := newFakeWix(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			origins = append(origins, r.URL.Query().Get("origin"))
			writeRaw(w, 200, "application/json", `{"automation":{"id":"pre","revision":"3","origin":"PREINSTALLED",`+
				`"configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}}}`)
			return
		}
		writeRaw(w, 200, "application/json", `{"automations":[{"id":"pre","origin":"PREINSTALLED","name":"n",`+
			`"configuration":{"trigger":{"appId":"p","triggerKey":"k"},"actions":{}}}],"pagingMetadata":{"cursors":{}}}`)
	})
	all, err := f.client(t).QueryAllAutomations(context.Background(), AutomationQuery{})
	if err != nil || len(all) != 1 || all[0].Revision != "3" {
		t.Fatalf("QueryAllAutomations = %+v, %v; want the preinstalled automation at revision 3", all, err)
	}
	if len(origins) != 1 || origins[0] != "PREINSTALLED" {
		t.Fatalf("Get Automation carried origin %q, want PREINSTALLED once", origins)
	}
}
