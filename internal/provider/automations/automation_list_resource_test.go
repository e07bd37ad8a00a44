package automations_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// listedIDsOf are the identities of a stream's results, failing the test
// on any diagnostic.
func listedIDsOf(t *testing.T, results []acctest.Listed) []string {
	t.Helper()
	ids := make([]string, len(results))
	for i, r := range results {
		if r.Diagnostics != "" {
			t.Fatalf("result %d has diagnostics: %s", i, r.Diagnostics)
		}
		ids[i] = r.ID
	}
	return ids
}

func idsOf(automations []wixsim.Automation) []string {
	ids := make([]string, len(automations))
	for i, a := range automations {
		ids[i] = a.ID
	}
	return ids
}

func TestAutomationListYieldsEveryAutomation(t *testing.T) {
	acctest.Parallel(t)
	for _, n := range []int{0, 1, 120} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			seeded := env.SeedAutomations(n, nil)
			server := env.ServeProtocol()
			server.ConfigureApp(nil)
			results := server.List(nil, false, 0)
			if got, want := strings.Join(listedIDsOf(t, results), ","), strings.Join(idsOf(seeded), ","); got != want {
				t.Fatalf("identities = [%s], want [%s]", got, want)
			}
			for i, r := range results {
				if want := fmt.Sprintf("automation %03d (ACTIVE, form_submitted)", i); r.DisplayName != want {
					t.Fatalf("display name %d = %q, want %q", i, r.DisplayName, want)
				}
				if r.Resource != nil {
					t.Fatalf("result %d has a resource object, which Terraform did not ask for", i)
				}
			}
			if calls := env.QueryCalls(); len(calls) != 1 || !strings.Contains(string(calls[0].Body), `"limit":500`) {
				t.Fatalf("%d Query Automations calls, want one at limit 500", len(calls))
			}
		})
	}
}

func TestAutomationListFollowsCursorsAndLimits(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.CapQueryPages(50)
	seeded := env.SeedAutomations(120, nil)
	server := env.ServeProtocol()
	server.ConfigureApp(nil)

	ids := listedIDsOf(t, server.List(nil, false, 0))
	if strings.Join(ids, ",") != strings.Join(idsOf(seeded), ",") {
		t.Fatalf("listed %d automations, want the 120 seeded in order", len(ids))
	}
	if calls := len(env.QueryCalls()); calls != 3 {
		t.Fatalf("%d Query Automations calls for 120 automations at 50 a page, want 3", calls)
	}

	// Terraform's limit stops the listing: no page beyond it is read.
	env.Sim.ResetRequests()
	ids = listedIDsOf(t, server.List(nil, false, 30))
	if strings.Join(ids, ",") != strings.Join(idsOf(seeded[:30]), ",") {
		t.Fatalf("listed %d automations with limit 30, want the first 30", len(ids))
	}
	if calls := env.QueryCalls(); len(calls) != 1 || !strings.Contains(string(calls[0].Body), `"limit":30`) {
		t.Fatalf("limit 30: %d Query Automations calls, want one asking for 30", len(calls))
	}
}

func TestAutomationListFilters(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	all := seedVaried(env)
	server := env.ServeProtocol()
	server.ConfigureApp(nil)
	cases := []struct {
		filters map[string]string
		keep    func(wixsim.Automation) bool
	}{
		{map[string]string{"trigger_key": "order_paid"}, func(a wixsim.Automation) bool { return a.Configuration.Trigger.TriggerKey == "order_paid" }},
		{map[string]string{"trigger_app_id": acctest.OtherAppID}, func(a wixsim.Automation) bool { return a.Configuration.Trigger.AppID == acctest.OtherAppID }},
		{map[string]string{"status": "INACTIVE"}, func(a wixsim.Automation) bool { return a.Configuration.Status == "INACTIVE" }},
		{map[string]string{"origin": "APPLICATION"}, func(a wixsim.Automation) bool { return a.Origin == "APPLICATION" }},
		{map[string]string{"trigger_key": "booking_created", "status": "ACTIVE", "trigger_app_id": wixsim.DemoAppID}, func(a wixsim.Automation) bool {
			return a.Configuration.Trigger.TriggerKey == "booking_created" && a.Configuration.Status == "ACTIVE" && a.Configuration.Trigger.AppID == wixsim.DemoAppID
		}},
		{map[string]string{"trigger_key": "no_such_key"}, func(wixsim.Automation) bool { return false }},
	}
	for _, tc := range cases {
		want := idsOf(matching(all, tc.keep))
		if got := listedIDsOf(t, server.List(tc.filters, false, 0)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("filters %v listed %v, want %v", tc.filters, got, want)
		}
	}
}

func TestAutomationListIncludesTheResource(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	seeded := env.SeedAutomations(2, func(i int, a *wixsim.Automation) {
		if i == 1 {
			a.Description = "sends the welcome email"
			a.Configuration.Status = "INACTIVE"
		}
	})
	server := env.ServeProtocol()
	server.ConfigureApp(nil)
	results := server.List(nil, true, 0)
	if ids := listedIDsOf(t, results); len(ids) != 2 {
		t.Fatalf("listed %v, want 2 automations", ids)
	}
	for i, r := range results {
		a := seeded[i]
		if r.Resource == nil {
			t.Fatalf("result %d has no resource object, though Terraform asked for it", i)
		}
		want := map[string]string{
			"id": a.ID, "name": a.Name, "status": a.Configuration.Status, "origin": "USER", "revision": "1",
			"actions": canonicalJSON(t, a.Configuration.Actions),
		}
		for name, value := range want {
			if got := acctest.StringOf(t, r.Resource[name]); got != value {
				t.Errorf("result %d: %s = %q, want %q", i, name, got, value)
			}
		}
		var trigger map[string]tftypes.Value
		if err := r.Resource["trigger"].As(&trigger); err != nil {
			t.Fatal(err)
		}
		if acctest.StringOf(t, trigger["trigger_key"]) != wixsim.DemoTriggerKey || acctest.StringOf(t, trigger["app_id"]) != wixsim.DemoAppID {
			t.Errorf("result %d: trigger = %v", i, trigger)
		}
		if i == 0 && !r.Resource["description"].IsNull() {
			t.Errorf("result 0: description = %v, want null", r.Resource["description"])
		}
		if i == 1 && acctest.StringOf(t, r.Resource["description"]) != "sends the welcome email" {
			t.Errorf("result 1: description = %v", r.Resource["description"])
		}
	}
}

func TestAutomationListRejectsBadFiltersWithoutCalling(t *testing.T) {
	acctest.Parallel(t)
	cases := map[string]struct {
		filters map[string]string
		words   []string
	}{
		"empty trigger key": {map[string]string{"trigger_key": ""}, []string{`AttributeName("trigger_key")`, "Invalid trigger_key", "is empty"}},
		"app id":            {map[string]string{"trigger_app_id": "my-app"}, []string{`AttributeName("trigger_app_id")`, "is not a GUID"}},
		"status":            {map[string]string{"status": "PAUSED"}, []string{`AttributeName("status")`, "ACTIVE", "INACTIVE"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			server := env.ServeProtocol()
			server.ConfigureApp(nil)
			if diags := server.ValidateList(tc.filters); !acctest.ExpectWords(tc.words...).MatchString(diags) {
				t.Errorf("ValidateListResourceConfig said %q, want %v", diags, tc.words)
			}
			results := server.List(tc.filters, false, 0)
			if len(results) != 1 || !acctest.ExpectWords(tc.words[1:]...).MatchString(results[0].Diagnostics) || results[0].ID != "" {
				t.Fatalf("ListResource yielded %+v, want one result with the error only", results)
			}
			if calls := env.Sim.Requests(); len(calls) != 0 {
				t.Fatalf("a bad filter made %d calls to Wix, want none", len(calls))
			}
		})
	}
}

func TestAutomationListErrors(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	server := env.ServeProtocol()
	server.ConfigureOK(acctest.StringValues(map[string]string{"base_url": env.Server.URL}))
	results := server.List(nil, false, 0)
	if len(results) != 1 || !acctest.ExpectWords("Missing Wix credentials", "wix_automation list resource", "WIX_ACCESS_TOKEN").MatchString(results[0].Diagnostics) {
		t.Fatalf("without credentials ListResource yielded %+v, want the missing-credentials error", results)
	}

	env = acctest.NewSimEnv(t)
	env.SeedAutomations(3, nil)
	env.Sim.InjectFault(wixsim.Fault{Path: acctest.PathQueryAutomations, Status: 403, Message: "missing permission"})
	server = env.ServeProtocol()
	server.ConfigureApp(nil)
	results = server.List(map[string]string{"status": "ACTIVE"}, false, 0)
	if len(results) != 1 || !acctest.ExpectWords("Wix denied the query", "Query Automations of the automations with status ACTIVE failed", "run terraform query again", "403", "Set Up Automations").MatchString(results[0].Diagnostics) {
		t.Fatalf("on a 403 ListResource yielded %+v, want Wix's error", results)
	}
}

// TestAccAutomationListQueryCLI runs `terraform query` against the
// simulator. List resources came in Terraform 1.14 and are not in OpenTofu:
// the test skips below 1.14 and under OpenTofu, and says so.
func TestAccAutomationListQueryCLI(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	seeded := env.SeedAutomations(3, func(i int, a *wixsim.Automation) {
		if i == 2 {
			a.Configuration.Trigger.TriggerKey = "order_paid"
		}
	})
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NeedsActionsCLI{}},
		ProtoV6ProviderFactories: env.Factories(),
		Steps: []resource.TestStep{{
			Query: true,
			Config: env.ProviderBlock() + `
list "wix_automation" "form" {
  provider = wix
  config {
    trigger_key = "form_submitted"
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("wix_automation.form", 2),
				querycheck.ExpectIdentity("wix_automation.form", map[string]knownvalue.Check{"id": knownvalue.StringExact(seeded[0].ID)}),
				querycheck.ExpectIdentity("wix_automation.form", map[string]knownvalue.Check{"id": knownvalue.StringExact(seeded[1].ID)}),
			},
		}},
	})
}

// Adopting existing automations as code, end to end on the real CLI:
// terraform query -generate-config-out writes a resource and an identity
// import block for each automation found; the next plan imports them with
// no change; the apply writes nothing to Wix; and the plan after it is
// empty.
func TestAccAutomationListQueryGeneratesImports(t *testing.T) {
	acctest.Parallel(t)
	cli := acctest.ActionsCLI(t)
	env := acctest.NewSimEnv(t)
	seeded := env.SeedAutomations(2, nil)
	dir := t.TempDir()
	acctest.WriteTestFile(t, dir, "main.tf", acctest.RequiredWixProvider+env.ProviderBlock())
	acctest.WriteTestFile(t, dir, "search.tfquery.hcl", `list "wix_automation" "found" {
  provider         = wix
  include_resource = true
}
`)
	reattach := acctest.ReattachProvider(t, env.Provider())
	run := func(wantExit int, args ...string) string {
		t.Helper()
		out, err := acctest.RunCLI(t, cli, dir, reattach, append([]string{args[0], "-no-color"}, args[1:]...)...)
		if exit := acctest.ExitCode(err); exit != wantExit {
			t.Fatalf("terraform %s: exit %d (%v), want %d\n%s", strings.Join(args, " "), exit, err, wantExit, out)
		}
		return out
	}
	run(0, "init", "-input=false")
	run(0, "query", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range seeded {
		for _, want := range []string{fmt.Sprintf("id = %q", a.ID), fmt.Sprintf("name            = %q", a.Name)} {
			if !strings.Contains(string(generated), want) {
				t.Errorf("generated.tf lacks %s:\n%s", want, generated)
			}
		}
	}
	if out := run(2, "plan", "-input=false", "-detailed-exitcode"); !strings.Contains(out, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan of the generated configuration is not two imports and nothing else:\n%s", out)
	}
	run(0, "apply", "-input=false", "-auto-approve")
	run(0, "plan", "-input=false", "-detailed-exitcode")
	if _, _, writes := env.AutomationRequestCounts(); writes != 0 {
		t.Errorf("adopting the automations made %d calls other than reads, want 0", writes)
	}
}
