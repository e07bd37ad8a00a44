package wixsim_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const (
	tokenPath  = "/oauth2/token"
	cancelPath = "/automations/v1/events/cancel"
	bulkPath   = "/automations/v1/events/bulk-cancel"
	reportPath = "/automations/v1/events/report"

	entityA = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
	entityB = "2b7a1f04-9c3d-4e8f-a1b2-c3d4e5f60718"
	entityC = "3c8b2015-ad4e-4f90-b2c3-d4e5f6071829"

	otherApp      = "0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0"
	otherSecret   = "other-secret"
	otherInstance = "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
	otherTrigger  = "order_paid"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// start serves a fresh simulator through httptest with the connection hook
// installed, plus a second app that owns otherTrigger.
func start(t *testing.T, opts wixsim.Options) (*wixsim.Server, *httptest.Server) {
	t.Helper()
	sim := wixsim.New(opts)
	sim.AddApp(otherApp, otherSecret, otherInstance)
	sim.OwnTriggerKey(otherApp, otherTrigger)
	ts := httptest.NewUnstartedServer(sim)
	ts.Config.ConnState = sim.ConnStateHook()
	ts.Start()
	t.Cleanup(ts.Close)
	return sim, ts
}

// startDemo starts a simulator with the default options and returns a
// token of the demo app on its installation.
func startDemo(t *testing.T) (*wixsim.Server, *httptest.Server, string) {
	t.Helper()
	sim, ts := start(t, wixsim.Options{})
	return sim, ts, demoToken(sim)
}

// startListening is startDemo with one ACTIVE automation of the demo
// app's trigger key, so that each report starts one activation: with none,
// Wix answers no activation ids.
func startListening(t *testing.T) (*wixsim.Server, *httptest.Server, string) {
	t.Helper()
	sim, ts, tok := startDemo(t)
	listen(sim, wixsim.DemoInstanceID)
	return sim, ts, tok
}

// listen stores an ACTIVE automation of the demo app's trigger key on a
// site, bypassing the API, and returns its id.
func listen(sim *wixsim.Server, instanceID string) string {
	root := newID()
	return sim.CreateAutomationDirect(instanceID, wixsim.Automation{
		Name: "listener", Origin: "USER",
		Configuration: wixsim.AutomationConfiguration{
			Status:        "ACTIVE",
			Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
			RootActionIDs: []string{root},
			Actions:       map[string]map[string]any{root: {"delayInfo": map[string]any{"offsetExpression": "1", "offsetTimeUnit": "HOURS"}}},
		},
	}).ID
}

func demoToken(sim *wixsim.Server) string {
	return sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
}

type response struct {
	status int
	header http.Header
	raw    []byte
}

// wixErr mirrors Wix's error envelope.
type wixErr struct {
	Message string
	Details struct {
		ApplicationError *struct {
			Code, Description string
			Data              map[string]any
		}
		ValidationError *struct {
			FieldViolations []struct{ Field, Description, ViolatedRule string }
		}
	}
}

func (r response) wixError(t *testing.T) wixErr {
	t.Helper()
	var e wixErr
	if err := json.Unmarshal(r.raw, &e); err != nil || e.Message == "" {
		t.Fatalf("status %d: body is not a Wix error: %s (%v)", r.status, r.raw, err)
	}
	if r.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", r.header.Get("Content-Type"))
	}
	return e
}

func (r response) appCode(t *testing.T) string {
	t.Helper()
	e := r.wixError(t)
	if e.Details.ApplicationError == nil {
		t.Fatalf("no applicationError in %s", r.raw)
	}
	return e.Details.ApplicationError.Code
}

// violation returns the first field violation as "field/RULE".
func (r response) violation(t *testing.T) string {
	t.Helper()
	e := r.wixError(t)
	if e.Details.ValidationError == nil || len(e.Details.ValidationError.FieldViolations) == 0 {
		t.Fatalf("no fieldViolations in %s", r.raw)
	}
	v := e.Details.ValidationError.FieldViolations[0]
	return v.Field + "/" + v.ViolatedRule
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.raw, v); err != nil {
		t.Fatalf("decode %s: %v", r.raw, err)
	}
}

func do(t *testing.T, ts *httptest.Server, method, path, auth, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if id := resp.Header.Get("x-wix-request-id"); !guidRE.MatchString(id) {
		t.Errorf("%s %s: x-wix-request-id = %q, want a GUID", method, path, id)
	}
	return response{status: resp.StatusCode, header: resp.Header, raw: raw}
}

func post(t *testing.T, ts *httptest.Server, path, auth, body string) response {
	t.Helper()
	return do(t, ts, http.MethodPost, path, auth, "application/json", body)
}

// bodyCase is one request body and the violation it must draw, or "" for
// a body the endpoint accepts.
type bodyCase struct{ name, body, want string }

// checkBodies posts every body to path, each in a subtest, and checks the
// answer: 200 when want is "", else 400 whose first violation is want.
func checkBodies(t *testing.T, ts *httptest.Server, path, tok string, cases []bodyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, path, tok, tc.body)
			if tc.want == "" {
				wantStatus(t, r, 200)
				return
			}
			wantStatus(t, r, 400)
			if got := r.violation(t); got != tc.want {
				t.Errorf("violation = %q, want %q", got, tc.want)
			}
		})
	}
}

func cancelBody(trigger, id string) string {
	return fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":%q}`, trigger, id)
}

func wantStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status = %d, want %d; body %s", r.status, want, r.raw)
	}
}

func fetchToken(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	r := post(t, ts, tokenPath, "", fmt.Sprintf(
		`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID))
	wantStatus(t, r, 200)
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	r.decode(t, &tok)
	if !strings.HasPrefix(tok.AccessToken, "OAUTH2.") || tok.TokenType != "Bearer" || tok.ExpiresIn != 14400 {
		t.Fatalf("token response = %+v", tok)
	}
	return tok.AccessToken
}

// bulkOut is the answer of Bulk Cancel or Bulk Report Event, with results
// of type R.
type bulkOut[R any] struct {
	TriggerKey         string `json:"triggerKey"`
	Results            []R    `json:"results"`
	BulkActionMetadata struct {
		TotalSuccesses, TotalFailures, UndetailedFailures int
	} `json:"bulkActionMetadata"`
}

// itemOut is the itemMetadata of one bulk result.
type itemOut struct {
	ID            string                              `json:"id"`
	OriginalIndex int                                 `json:"originalIndex"`
	Success       bool                                `json:"success"`
	Error         *struct{ Code, Description string } `json:"error"`
}

// settled reports whether md answers item i of the request, as a failure
// with an error code when failed is set, else as a success with no error.
func (md itemOut) settled(i int, failed bool) bool {
	return md.OriginalIndex == i && md.Success != failed && (md.Error != nil && md.Error.Code != "") == failed
}

type cancelItemOut struct {
	ItemMetadata     itemOut `json:"itemMetadata"`
	ExternalEntityID string  `json:"externalEntityId"`
}

// postBulk posts body to a bulk endpoint and decodes its answer, which
// must be a 200 for the demo trigger key with n results.
func postBulk[R any](t *testing.T, ts *httptest.Server, path, tok, body string, n int) bulkOut[R] {
	t.Helper()
	r := post(t, ts, path, tok, body)
	wantStatus(t, r, 200)
	var out bulkOut[R]
	r.decode(t, &out)
	if out.TriggerKey != wixsim.DemoTriggerKey || len(out.Results) != n {
		t.Fatalf("answer = %s, want %d results for %s", r.raw, n, wixsim.DemoTriggerKey)
	}
	return out
}

func bulkBody(trigger string, ids ...string) string {
	if ids == nil {
		ids = []string{} // an empty list, not null (which reads as absent)
	}
	b, _ := json.Marshal(map[string]any{"triggerKey": trigger, "externalEntityIds": ids})
	return string(b)
}

func report(t *testing.T, ts *httptest.Server, tok, body string) []string {
	t.Helper()
	r := post(t, ts, reportPath, tok, body)
	wantStatus(t, r, 200)
	var resp struct {
		ActivationIDs []string `json:"activationIds"`
	}
	r.decode(t, &resp)
	if len(resp.ActivationIDs) != 1 || !guidRE.MatchString(resp.ActivationIDs[0]) {
		t.Fatalf("report answer = %s", r.raw)
	}
	return resp.ActivationIDs
}

func statuses(rs []response) []int {
	var out []int
	for _, r := range rs {
		out = append(out, r.status)
	}
	return out
}

const (
	bulkReportPath  = "/automations/v1/events/bulk-report"
	automationsPath = "/v2/automations"
	queryPath       = "/v2/automations/query"
	bulkDeletePath  = "/v2/bulk/automations/delete"
)

// jsonOf marshals v for a request body.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newAutomation is a valid automation of the demo app's trigger with an
// app-defined root action followed by a delay; ids are fresh GUIDs.
func newAutomation(name, status string) map[string]any {
	root, delay := newID(), newID()
	return map[string]any{
		"name": name, "origin": "APPLICATION",
		"applicationInfo": map[string]any{"appId": wixsim.DemoAppID},
		"configuration": map[string]any{
			"status":        status,
			"trigger":       map[string]any{"appId": wixsim.DemoAppID, "triggerKey": wixsim.DemoTriggerKey},
			"rootActionIds": []string{root},
			"actions": map[string]any{
				root:  map[string]any{"appDefinedInfo": map[string]any{"appId": wixsim.DemoAppID, "actionKey": "send_email", "postActionIds": []string{delay}}},
				delay: map[string]any{"delayInfo": map[string]any{"offsetExpression": "1", "offsetTimeUnit": "HOURS"}},
			},
		},
	}
}

var idCounter int

// newID returns a distinct, valid GUID for test fixtures.
func newID() string {
	idCounter++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", idCounter, idCounter)
}

// automationOut is the part of an answered automation the tests read.
type automationOut struct {
	ID            string         `json:"id"`
	Revision      string         `json:"revision"`
	Name          string         `json:"name"`
	CreatedDate   string         `json:"createdDate"`
	UpdatedDate   string         `json:"updatedDate"`
	CreatedBy     map[string]any `json:"createdBy"`
	Settings      map[string]any `json:"settings"`
	Configuration struct {
		Status  string                    `json:"status"`
		Trigger map[string]any            `json:"trigger"`
		Actions map[string]map[string]any `json:"actions"`
	} `json:"configuration"`
}

// createAutomation creates a through the API and returns Wix's answer.
func createAutomation(t *testing.T, ts *httptest.Server, tok string, a map[string]any) automationOut {
	t.Helper()
	r := post(t, ts, automationsPath, tok, jsonOf(t, map[string]any{"automation": a}))
	wantStatus(t, r, 200)
	return decodeAutomation(t, r)
}

func decodeAutomation(t *testing.T, r response) automationOut {
	t.Helper()
	var out struct{ Automation automationOut }
	r.decode(t, &out)
	return out.Automation
}

// byID answers GET, PATCH or DELETE of /v2/automations/{id} the way the SDK
// sends them: the id repeated in the query, no Content-Type without a body.
func byID(t *testing.T, ts *httptest.Server, method, tok, id, body string) response {
	t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	path := automationsPath + "/" + id
	if method != http.MethodPatch {
		path += "?automationId=" + id
	}
	return do(t, ts, method, path, tok, ct, body)
}

// violations lists every field violation as "field/RULE".
func (r response) violations(t *testing.T) []string {
	t.Helper()
	var out []string
	if v := r.wixError(t).Details.ValidationError; v != nil {
		for _, fv := range v.FieldViolations {
			out = append(out, fv.Field+"/"+fv.ViolatedRule)
		}
	}
	return out
}
