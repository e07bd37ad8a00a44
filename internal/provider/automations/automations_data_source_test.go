package automations_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/automations"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const automationsAddress = "data.wix_automations.these"

// automationsConfig is the provider block and a wix_automations data source
// with these argument lines.
func automationsConfig(e *acctest.Env, arguments ...string) string {
	return e.ProviderBlock() + fmt.Sprintf("data \"wix_automations\" \"these\" {\n  %s\n}\n", strings.Join(arguments, "\n  "))
}

// listedIDs expects the data source to list exactly these automations, in order.
func listedIDs(automations []wixsim.Automation) statecheck.StateCheck {
	ids := make([]knownvalue.Check, len(automations))
	for i, a := range automations {
		ids[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(a.ID)})
	}
	return acctest.ExpectAttr(automationsAddress, "automations", knownvalue.ListExact(ids))
}

// queryBody is the part of a Query Automations body the tests look at.
type queryBody struct {
	Query struct {
		Filter       map[string]any `json:"filter"`
		CursorPaging struct {
			Limit  int    `json:"limit"`
			Cursor string `json:"cursor"`
		} `json:"cursorPaging"`
	} `json:"query"`
}

// queryReads splits the Query Automations calls into reads: a read starts
// with a first page (no cursor) and goes on with the pages its cursors
// point to (a cursor and no filter), as Wix's SDK pages.
func queryReads(e *acctest.Env) ([][]queryBody, error) {
	var reads [][]queryBody
	for i, c := range e.QueryCalls() {
		if c.Status != 200 {
			return nil, fmt.Errorf("call %d was answered %d: %s", i+1, c.Status, c.Body)
		}
		var b queryBody
		if err := json.Unmarshal(c.Body, &b); err != nil {
			return nil, err
		}
		switch {
		case b.Query.CursorPaging.Cursor == "":
			reads = append(reads, []queryBody{b})
		case len(reads) == 0 || b.Query.Filter != nil:
			return nil, fmt.Errorf("call %d sent %s: a cursor with a filter, or before any first page", i+1, c.Body)
		default:
			reads[len(reads)-1] = append(reads[len(reads)-1], b)
		}
	}
	return reads, nil
}

// eachReadCalls checks that Wix was read at least once, each read with
// exactly calls Query Automations calls, the first asking for limit
// automations a page with filter (JSON; "{}" also matches no filter sent).
func eachReadCalls(e *acctest.Env, calls, limit int, filter string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads, err := queryReads(e)
		if err != nil {
			return err
		}
		if len(reads) == 0 {
			return fmt.Errorf("no Query Automations call: the data source did not read Wix")
		}
		for i, read := range reads {
			if len(read) != calls {
				return fmt.Errorf("read %d of %d made %d Query Automations calls, want %d", i+1, len(reads), len(read), calls)
			}
			first, _ := json.Marshal(read[0].Query.Filter)
			got := string(first)
			if got == "null" {
				got = "{}"
			}
			if read[0].Query.CursorPaging.Limit != limit || got != filter {
				return fmt.Errorf("read %d asked for %d a page with filter %s, want %d with %s",
					i+1, read[0].Query.CursorPaging.Limit, first, limit, filter)
			}
		}
		return nil
	}
}

func TestAccAutomationsDataSourceReadsEveryAutomationInOneCall(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	seeded := env.SeedAutomations(120, nil)
	first := seeded[0]
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env),
		ConfigStateChecks: []statecheck.StateCheck{
			listedIDs(seeded),
			statecheck.ExpectKnownValue(automationsAddress, acctest.Attr("automations").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":              knownvalue.StringExact(first.ID),
				"name":            knownvalue.StringExact("automation 000"),
				"description":     knownvalue.Null(),
				"status":          knownvalue.StringExact("ACTIVE"),
				"trigger":         knownvalue.ObjectExact(map[string]knownvalue.Check{"app_id": knownvalue.StringExact(wixsim.DemoAppID), "trigger_key": knownvalue.StringExact(wixsim.DemoTriggerKey)}),
				"root_action_ids": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(first.Configuration.RootActionIDs[0])}),
				"actions":         knownvalue.StringExact(canonicalJSON(t, first.Configuration.Actions)),
				"origin":          knownvalue.StringExact("USER"),
				"archived":        knownvalue.Bool(false),
				"revision":        knownvalue.StringExact("1"),
			})),
		},
		// 120 automations fit in one page of 500: one call per read.
		Check: eachReadCalls(env, 1, 500, "{}"),
	}})
	reads, _ := queryReads(env)
	t.Logf("120 automations: %d reads of the data source, %d Query Automations calls", len(reads), len(env.QueryCalls()))
}

func TestAccAutomationsDataSourceFollowsCursors(t *testing.T) {
	acctest.Parallel(t)
	for _, limit := range []int{50, 119, 120} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			env.CapQueryPages(limit)
			seeded := env.SeedAutomations(120, nil)
			pages := (120 + limit - 1) / limit
			env.Test(t, []resource.TestStep{{
				Config:            automationsConfig(env),
				ConfigStateChecks: []statecheck.StateCheck{listedIDs(seeded)},
				Check:             eachReadCalls(env, pages, limit, "{}"),
			}})
			reads, _ := queryReads(env)
			t.Logf("page size %d: %d reads, %d calls (%d per read)", limit, len(reads), len(env.QueryCalls()), pages)
		})
	}
}

// canonicalJSON is v as the data source writes actions.
func canonicalJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s, err := automations.CanonicalActions(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// seedVaried stores 12 automations: trigger keys by i%3, INACTIVE when i is
// odd, the other app's trigger when i%4 == 0, and made by the demo app
// (origin APPLICATION) rather than in the dashboard (USER) when i%5 == 2.
func seedVaried(e *acctest.Env) []wixsim.Automation {
	keys := []string{wixsim.DemoTriggerKey, "order_paid", "booking_created"}
	return e.SeedAutomations(12, func(i int, a *wixsim.Automation) {
		a.Configuration.Trigger.TriggerKey = keys[i%3]
		if i%2 == 1 {
			a.Configuration.Status = "INACTIVE"
		}
		if i%4 == 0 {
			a.Configuration.Trigger.AppID = acctest.OtherAppID
		}
		if i%5 == 2 {
			a.Origin, a.ApplicationInfo = "APPLICATION", map[string]any{"appId": wixsim.DemoAppID}
		}
	})
}

// matching keeps the automations keep selects, in order.
func matching(all []wixsim.Automation, keep func(a wixsim.Automation) bool) []wixsim.Automation {
	var out []wixsim.Automation
	for _, a := range all {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

func TestAccAutomationsDataSourceFilters(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	all := seedVaried(env)
	key := func(k string) func(wixsim.Automation) bool {
		return func(a wixsim.Automation) bool { return a.Configuration.Trigger.TriggerKey == k }
	}
	app := func(id string) func(wixsim.Automation) bool {
		return func(a wixsim.Automation) bool { return a.Configuration.Trigger.AppID == id }
	}
	status := func(s string) func(wixsim.Automation) bool {
		return func(a wixsim.Automation) bool { return a.Configuration.Status == s }
	}
	cases := []struct {
		name      string
		arguments []string
		keep      func(wixsim.Automation) bool
		filter    string
	}{
		{"trigger_key", []string{`trigger_key = "order_paid"`}, key("order_paid"),
			`{"configuration.trigger.triggerKey":"order_paid"}`},
		{"trigger_app_id", []string{fmt.Sprintf("trigger_app_id = %q", acctest.OtherAppID)}, app(acctest.OtherAppID),
			fmt.Sprintf(`{"configuration.trigger.appId":%q}`, acctest.OtherAppID)},
		{"status", []string{`status = "INACTIVE"`}, status("INACTIVE"),
			`{"configuration.status":"INACTIVE"}`},
		{"origin", []string{`origin = "APPLICATION"`}, func(a wixsim.Automation) bool { return a.Origin == "APPLICATION" },
			`{"origin":"APPLICATION"}`},
		{"all three", []string{`trigger_key = "form_submitted"`, fmt.Sprintf("trigger_app_id = %q", wixsim.DemoAppID), `status = "ACTIVE"`},
			func(a wixsim.Automation) bool {
				return key(wixsim.DemoTriggerKey)(a) && app(wixsim.DemoAppID)(a) && status("ACTIVE")(a)
			},
			fmt.Sprintf(`{"$and":[{"configuration.trigger.triggerKey":"form_submitted"},{"configuration.trigger.appId":%q},{"configuration.status":"ACTIVE"}]}`, wixsim.DemoAppID)},
		{"no match", []string{`trigger_key = "order_paid"`, `status = "INACTIVE"`, fmt.Sprintf("trigger_app_id = %q", acctest.OtherAppID)},
			func(wixsim.Automation) bool { return false },
			fmt.Sprintf(`{"$and":[{"configuration.trigger.triggerKey":"order_paid"},{"configuration.trigger.appId":%q},{"configuration.status":"INACTIVE"}]}`, acctest.OtherAppID)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := matching(all, tc.keep)
			if tc.name != "no match" && len(want) == 0 {
				t.Fatal("the seed has no automation for this filter: the case proves nothing")
			}
			env.Sim.ResetRequests()
			env.Test(t, []resource.TestStep{{
				Config:            automationsConfig(env, tc.arguments...),
				ConfigStateChecks: []statecheck.StateCheck{listedIDs(want)},
				Check:             eachReadCalls(env, 1, 500, tc.filter),
			}})
		})
	}
}

func TestAccAutomationsDataSourceEmptySite(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env),
		ConfigStateChecks: []statecheck.StateCheck{
			acctest.ExpectAttr(automationsAddress, "automations", knownvalue.ListExact([]knownvalue.Check{})),
		},
		Check: eachReadCalls(env, 1, 500, "{}"),
	}})
}

func TestAccAutomationsDataSourceRejectsBadFiltersAtPlan(t *testing.T) {
	acctest.Parallel(t)
	cases := map[string]struct {
		argument string
		words    []string
	}{
		"empty trigger key":  {`trigger_key = ""`, []string{"trigger_key", "is empty"}},
		"long trigger key":   {fmt.Sprintf("trigger_key = %q", strings.Repeat("k", 101)), []string{"trigger_key", "101 characters long", "at most 100"}},
		"app id not a GUID":  {`trigger_app_id = "my-app"`, []string{"trigger_app_id", "is not a GUID"}},
		"lower-case status":  {`status = "active"`, []string{"status", "ACTIVE", "INACTIVE"}},
		"unknown status":     {`status = "PAUSED"`, []string{"status", "ACTIVE", "INACTIVE"}},
		"spaces in the key":  {`trigger_key = " form_submitted"`, []string{"trigger_key", "leading or trailing spaces"}},
		"status and bad key": {"status = \"ACTIVE\"\n  trigger_key = \"\"", []string{"trigger_key", "is empty"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			env.Test(t, []resource.TestStep{{
				Config:      automationsConfig(env, tc.argument),
				ExpectError: acctest.ExpectWords(tc.words...),
			}})
			if calls := env.Sim.Requests(); len(calls) != 0 {
				t.Fatalf("a bad filter made %d calls to Wix, want none (first: %s %s)", len(calls), calls[0].Method, calls[0].Path)
			}
		})
	}
}

func TestAccAutomationsDataSourceWithoutCredentials(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Test(t, []resource.TestStep{{
		Config: acctest.BareProviderBlock(env.BaseURLLine()) + "data \"wix_automations\" \"these\" {}\n",
		ExpectError: acctest.ExpectWords("Missing Wix credentials", "Reading the wix_automations data source calls Wix's Query Automations API",
			"app_id, app_secret and instance_id", "WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID", "WIX_ACCESS_TOKEN"),
	}})
	if calls := env.Sim.Requests(); len(calls) != 0 {
		t.Fatalf("%d calls to Wix without credentials, want none", len(calls))
	}
}

func TestAccAutomationsDataSourceShowsWixErrors(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Sim.InjectFault(wixsim.Fault{Path: acctest.PathQueryAutomations, Status: 403, Message: "missing permission SCOPE.CRM.SETUP-AUTOMATIONS"})
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env, `trigger_key = "order_paid"`),
		ExpectError: acctest.ExpectWords("Wix denied the query", `Wix's Query Automations of the automations with trigger key "order_paid" failed`, "the next plan or apply reads again",
			"403", "missing permission", "Set Up Automations"),
	}})
}

// TestAccAutomationsDataSourceRetirementExample reads the automations the
// documented retirement example filters (a trigger key of the app, made by
// an app: origin APPLICATION) into the map it gives wix_automation's
// for_each, and checks each instance's arguments, on a site that also
// holds preinstalled automations (one of them on that trigger key),
// another app's, and automations made in the dashboard. The map is checked
// as an output: terraform-plugin-testing's state shim refuses for_each
// resources, so no stand-in resource can hold it.
func TestAccAutomationsDataSourceRetirementExample(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnvWith(t, wixsim.Options{Preinstalled: true})
	seedVaried(env)
	env.SeedAutomations(2, func(i int, a *wixsim.Automation) {
		a.Name, a.Origin, a.ApplicationInfo = fmt.Sprintf("made by the app %d", i), "APPLICATION", map[string]any{"appId": wixsim.DemoAppID}
	})
	all := env.Sim.Automations()
	retired := matching(all, func(a wixsim.Automation) bool {
		t := a.Configuration.Trigger
		return t.TriggerKey == wixsim.DemoTriggerKey && t.AppID == wixsim.DemoAppID && a.Origin == "APPLICATION"
	})
	preinstalled := matching(all, func(a wixsim.Automation) bool {
		return a.Configuration.Trigger.TriggerKey == wixsim.DemoTriggerKey && a.Origin == "PREINSTALLED"
	})
	if len(retired) == 0 || len(preinstalled) == 0 {
		t.Fatal("the seed has no automation to retire, or no preinstalled one to leave alone: the example proves nothing")
	}
	config := automationsConfig(env, `trigger_key = "form_submitted"`, `origin = "APPLICATION"`,
		fmt.Sprintf("trigger_app_id = %q", wixsim.DemoAppID)) + `
locals {
  # What for_each of wix_automation.retired would get.
  retired = {
    for a in data.wix_automations.these.automations : a.id => {
      name            = a.name
      status          = "INACTIVE"
      trigger         = a.trigger
      root_action_ids = a.root_action_ids
      actions         = a.actions
    }
  }
}

output "retired" {
  value = local.retired
}
`
	want := map[string]knownvalue.Check{}
	for _, a := range retired {
		want[a.ID] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"name":            knownvalue.StringExact(a.Name),
			"status":          knownvalue.StringExact("INACTIVE"),
			"trigger":         knownvalue.ObjectExact(map[string]knownvalue.Check{"app_id": knownvalue.StringExact(a.Configuration.Trigger.AppID), "trigger_key": knownvalue.StringExact(wixsim.DemoTriggerKey)}),
			"root_action_ids": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(a.Configuration.RootActionIDs[0])}),
			"actions":         knownvalue.StringExact(canonicalJSON(t, a.Configuration.Actions)),
		})
	}
	env.Test(t, []resource.TestStep{{
		Config:            config,
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("retired", knownvalue.ObjectExact(want))},
	}})
}

// A page of 300 automations whose email action carries a 4 KB template,
// as real sites' do: about 1.3 MB in one Query answer. The data source
// lists them all, in one call.
func TestAccAutomationsDataSourceReadsALargePage(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	template := strings.Repeat("<p>Hello {{contact.name}}, thanks for your order.</p>", 80)
	env.SeedAutomations(300, func(_ int, a *wixsim.Automation) {
		for _, action := range a.Configuration.Actions {
			action["appDefinedInfo"].(map[string]any)["inputMapping"] = map[string]any{"subject": "Hi", "body": template}
		}
	})
	env.Test(t, []resource.TestStep{{
		Config: env.ProviderBlock() + `
data "wix_automations" "all" {}

output "listed" {
  value = length(data.wix_automations.all.automations)
}
`,
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("listed", knownvalue.Int64Exact(300))},
		Check: func(*terraform.State) error {
			if n := len(env.QueryCalls()); n != 1 {
				return fmt.Errorf("Query Automations calls = %d, want 1 page", n)
			}
			return nil
		},
	}})
}
