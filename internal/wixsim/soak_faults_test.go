package wixsim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The operations of the seeded faults, as MetFault.Op names them.
var soakOps = []string{"token", "read automations", "create automation", "update automation", "delete automation",
	"report event", "cancel event"}

// A seed's plan depends on nothing but (seed, operation, item, attempt):
// two choosers of one seed agree everywhere, and another seed differs.
func TestSoakPlanIsAFunctionOfSeedItemAndAttempt(t *testing.T) {
	a, b, other := wixsim.NewSoakFaults(7), wixsim.NewSoakFaults(7), wixsim.NewSoakFaults(8)
	differs := false
	for _, op := range soakOps {
		for item := range 50 {
			for attempt := 1; attempt <= wixsim.SoakWindow+2; attempt++ {
				name := fmt.Sprint("item ", item)
				got := a.Planned(op, name, attempt)
				if again := b.Planned(op, name, attempt); again != got {
					t.Fatalf("seed 7, %s of %s attempt %d: %q, then %q", op, name, attempt, got, again)
				}
				differs = differs || other.Planned(op, name, attempt) != got
			}
		}
	}
	if !differs {
		t.Error("seeds 7 and 8 plan the same faults for 350 items")
	}
}

// Every plan keeps the rules: at most two faults per item and operation,
// at most one that fails the operation outright, none after the window,
// and never two in a row for a read. Across seeds every kind occurs, the
// token call's faults included.
func TestSoakPlanKeepsTheRules(t *testing.T) {
	outright := map[string][]wixsim.SoakFaultKind{
		"create automation": {wixsim.Soak503, wixsim.SoakResetBefore},
		"report event":      {wixsim.SoakItemStanding}, "cancel event": {wixsim.SoakItemStanding},
	}
	read := map[string]bool{"token": true, "read automations": true}
	seen := map[wixsim.SoakFaultKind]bool{}
	tokenFaults := 0
	for seed := range uint64(300) {
		sf := wixsim.NewSoakFaults(seed)
		for _, op := range soakOps {
			for item := range 5 {
				var plan []wixsim.SoakFaultKind
				for attempt := 1; attempt <= wixsim.SoakWindow+4; attempt++ {
					plan = append(plan, sf.Planned(op, fmt.Sprint("item ", item), attempt))
				}
				faults, hard := 0, 0
				for i, k := range plan {
					if k == wixsim.SoakNone {
						continue
					}
					seen[k] = true
					faults++
					if op == "token" {
						tokenFaults++
					}
					if slices.Contains(outright[op], k) {
						hard++
					}
					if i >= wixsim.SoakWindow || (read[op] && i > 0 && plan[i-1] != wixsim.SoakNone) {
						t.Fatalf("seed %d, %s of item %d: plan %q breaks the window or the reads' rule", seed, op, item, plan)
					}
				}
				if faults > wixsim.SoakMaxFaultsPerItem || hard > 1 {
					t.Fatalf("seed %d, %s of item %d: plan %q has %d faults, %d outright", seed, op, item, plan, faults, hard)
				}
			}
		}
	}
	for _, k := range []wixsim.SoakFaultKind{wixsim.Soak503, wixsim.Soak429, wixsim.SoakResetBefore, wixsim.SoakResetAfter,
		wixsim.SoakItemPassing, wixsim.SoakItemStanding, wixsim.SoakItemOmitted} {
		if !seen[k] {
			t.Errorf("no plan of 300 seeds holds a %q", k)
		}
	}
	if tokenFaults == 0 {
		t.Error("no plan of 300 seeds fails the token call")
	}
}

// seedPlanning finds a seed whose plan holds want for each item's first
// report attempt (SoakNone: no fault), so that a test can act one kind out.
func seedPlanning(t *testing.T, op string, want map[string]wixsim.SoakFaultKind) *wixsim.SoakFaults {
	t.Helper()
	for seed := range uint64(100000) {
		sf := wixsim.NewSoakFaults(seed)
		ok := true
		for item, kind := range want {
			ok = ok && sf.Planned(op, item, 1) == kind
		}
		if ok {
			return sf
		}
	}
	t.Fatalf("no seed below 100000 plans %v for %s", want, op)
	return nil
}

// tryPost is post that returns a broken connection as an error.
func tryPost(ts *httptest.Server, path, auth, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

func reportWithKey(id, key string) string {
	return fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":%q,"idempotency":{"key":%q}}`, wixsim.DemoTriggerKey, id, key)
}

// Each kind of call-level fault is acted out on a Report Event as its name
// says: a 503 and a 429 with Retry-After report nothing; a reset before
// acting breaks the connection and reports nothing; a reset after acting
// reports the event and breaks the connection; a per-item kind planned for
// a single call becomes its likeness. The met fault is logged with the
// call's request id.
func TestSoakFaultsActedOutOnASingleCall(t *testing.T) {
	for _, tc := range []struct {
		planned  wixsim.SoakFaultKind
		status   int // 0: the connection breaks
		reported bool
	}{
		{wixsim.Soak503, 503, false},
		{wixsim.Soak429, 429, false},
		{wixsim.SoakResetBefore, 0, false},
		{wixsim.SoakResetAfter, 0, true},
		{wixsim.SoakItemOmitted, 0, true},
		{wixsim.SoakItemPassing, 503, false},
	} {
		t.Run(string(tc.planned), func(t *testing.T) {
			sim, ts, tok := startDemo(t)
			sim.UseSoakFaults(seedPlanning(t, "report event", map[string]wixsim.SoakFaultKind{entityA: tc.planned}))
			resp, _, err := tryPost(ts, reportPath, tok, reportWithKey(entityA, "k1"))
			switch {
			case tc.status == 0 && err == nil:
				t.Fatalf("status %d, want a broken connection", resp.StatusCode)
			case tc.status != 0 && (err != nil || resp.StatusCode != tc.status):
				t.Fatalf("answer %v %v, want %d", resp, err, tc.status)
			case tc.status == 429 && resp.Header.Get("Retry-After") != "1":
				t.Errorf("Retry-After = %q, want 1", resp.Header.Get("Retry-After"))
			}
			if got := len(sim.Events()); got != map[bool]int{true: 1}[tc.reported] {
				t.Errorf("events stored = %d, want reported %v", got, tc.reported)
			}
			requests := sim.RequestsTo(reportPath)
			if len(requests) != 1 {
				t.Fatalf("requests = %d, want 1", len(requests))
			}
			met := sim.SoakFaultsMet()
			if len(met) != 1 || met[0].RequestID != requests[0].RequestID || met[0].Item != entityA || met[0].Attempt != 1 {
				t.Errorf("met = %v, want one fault of the call", met)
			}
		})
	}
}

// The token call meets its planned fault too, and never two in a row: the
// retry that follows a fault gets its token.
func TestSoakFaultsOnTheTokenCall(t *testing.T) {
	sim, ts := start(t, wixsim.Options{})
	sim.UseSoakFaults(seedPlanning(t, "token", map[string]wixsim.SoakFaultKind{"token": wixsim.Soak503}))
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	wantStatus(t, post(t, ts, tokenPath, "", body), 503)
	wantStatus(t, post(t, ts, tokenPath, "", body), 200)
}

// Per-item faults strike one item of a bulk call: a failure that passes
// (UNAVAILABLE) and one that stands (the operation's code) answer it
// success:false and do not carry it out; an omitted result carries it out
// and leaves its result out. The other items are untouched.
func TestSoakPerItemFaultsOnBulkCalls(t *testing.T) {
	for _, tc := range []struct {
		planned  wixsim.SoakFaultKind
		code     string
		reported bool
	}{
		{wixsim.SoakItemPassing, "UNAVAILABLE", false},
		{wixsim.SoakItemStanding, "REPORT_EVENT_FAILED", false},
		{wixsim.SoakItemOmitted, "", true},
	} {
		t.Run(string(tc.planned), func(t *testing.T) {
			sim, ts, tok := startDemo(t)
			sim.UseSoakFaults(seedPlanning(t, "report event", map[string]wixsim.SoakFaultKind{
				entityA: wixsim.SoakNone, entityB: tc.planned, entityC: wixsim.SoakNone}))
			body := fmt.Sprintf(`{"triggerKey":"form_submitted","eventsInfo":[{"externalEntityId":%q,"idempotency":{"key":"a"}},`+
				`{"externalEntityId":%q,"idempotency":{"key":"b"}},{"externalEntityId":%q,"idempotency":{"key":"c"}}]}`, entityA, entityB, entityC)
			n := 3
			if tc.code == "" {
				n = 2
			}
			out := postBulk[struct {
				ItemMetadata itemOut `json:"itemMetadata"`
			}](t, ts, bulkReportPath, tok, body, n)
			if tc.code != "" && (!out.Results[1].ItemMetadata.settled(1, true) || out.Results[1].ItemMetadata.Error.Code != tc.code) {
				t.Errorf("result of %s = %+v, want failed with %s", entityB, out.Results[1].ItemMetadata, tc.code)
			}
			if tc.code == "" && !out.Results[1].ItemMetadata.settled(2, false) {
				t.Errorf("results %+v, want those of items 0 and 2 only", out.Results)
			}
			if got := len(sim.Events()); got != 2+map[bool]int{true: 1}[tc.reported] {
				t.Errorf("events stored = %d, want %s reported %v", got, entityB, tc.reported)
			}
		})
	}
}

// The order calls arrive in does not change the faults each item meets:
// two servers of one seed, sent the same calls in opposite orders, log the
// same faults per item and attempt.
func TestSoakFaultsDoNotDependOnCallOrder(t *testing.T) {
	items := []string{entityA, entityB, entityC}
	metBy := func(order []string) []string {
		sim, ts, tok := startDemo(t)
		sim.UseSoakFaults(wixsim.NewSoakFaults(42))
		for round := range 4 {
			for _, id := range order {
				_, _, _ = tryPost(ts, reportPath, tok, reportWithKey(id, fmt.Sprint(id, round))) // faults are the point
			}
		}
		var met []string
		for _, m := range sim.SoakFaultsMet() {
			met = append(met, fmt.Sprint(m.Item, m.Attempt, m.Kind))
		}
		slices.Sort(met)
		return met
	}
	forward := metBy(items)
	if len(forward) == 0 {
		t.Fatal("seed 42 met no fault in 12 reports; pick a seed that does")
	}
	if backward := metBy([]string{entityC, entityB, entityA}); !slices.Equal(forward, backward) {
		t.Errorf("faults met depend on the order of the calls:\n%v\n%v", forward, backward)
	}
}

// A fault one item's plan chooses for a whole bulk call is met by every item
// of the call and counts against each: even when every attempt is drawn to
// fail, and items join calls at different attempts, no item meets more than
// two faults, nor more than one that stands.
func TestSoakBulkCallsKeepEachItemsBudget(t *testing.T) {
	calls := [][]string{{entityA}, {entityA}, {entityA, entityB}, {entityA, entityB}, {entityA, entityB, entityC},
		{entityB, entityC}, {entityC}, {entityA, entityB, entityC}}
	shared := 0
	for seed := range uint64(20) {
		sim, ts, tok := startDemo(t)
		sf := wixsim.NewSoakFaults(seed)
		sf.Rate = 1
		sim.UseSoakFaults(sf)
		for _, ids := range calls {
			_, _, _ = tryPost(ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, ids...)) // faults are the point
		}
		perItem, standing := map[string]int{}, map[string]int{}
		for _, m := range sim.SoakFaultsMet() {
			perItem[m.Item]++
			if m.Kind == wixsim.SoakItemStanding {
				standing[m.Item]++
			}
			if m.ChosenFor != "" {
				shared++
			}
		}
		for _, id := range []string{entityA, entityB, entityC} {
			if perItem[id] > wixsim.SoakMaxFaultsPerItem || standing[id] > 1 {
				t.Errorf("seed %d: %s met %d faults (%d standing), want at most %d (1 standing): %v",
					seed, id, perItem[id], standing[id], wixsim.SoakMaxFaultsPerItem, sim.SoakFaultsMet())
			}
		}
	}
	if shared == 0 {
		t.Error("no item met a fault chosen for another item of its call: the budget was not put to the test")
	}
}

// An automation is an item by its name, which a soak's configuration
// fixes, and not by its id, which differs every run: also after it was
// deleted. ClearFaults stops the seeded faults.
func TestSoakNamesAutomationsByName(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sf := wixsim.NewSoakFaults(5)
	sf.Rate = 1
	sim.UseSoakFaults(sf)
	id := listen(sim, wixsim.DemoInstanceID)
	get := func() {
		req, err := http.NewRequest(http.MethodGet, ts.URL+"/v2/automations/"+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", tok)
		if resp, err := ts.Client().Do(req); err == nil { // a reset is one of the faults
			resp.Body.Close()
		}
	}
	get()
	if err := sim.DeleteAutomationDirect(id); err != nil {
		t.Fatal(err)
	}
	get() // attempt 2: never two faults in a row for a read
	get()
	met := sim.SoakFaultsMet()
	if len(met) != 2 || met[0].Item != "automation listener" || met[1].Item != "automation listener" ||
		met[0].Attempt != 1 || met[1].Attempt != 3 || met[0].Op != "read automations" {
		t.Errorf("met = %v, want reads of automation listener at attempts 1 and 3", met)
	}
	sim.ClearFaults()
	wantStatus(t, post(t, ts, reportPath, tok, reportWithKey(entityA, "x")), 200)
	if len(sim.SoakFaultsMet()) != 0 {
		t.Error("after ClearFaults the server still reports the seeded faults")
	}
}
