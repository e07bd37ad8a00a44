package automations_test

// Query answers as a site that changes while it is read, or a proxy that
// garbles them, gives them: each automation listed once at its newest
// revision, partial copies read whole, and a garbled answer never taken
// as "no automations".

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// repeatAcrossPages makes each page of a Query start with the last
// automation of the page before, as cursor paging does when an automation
// is added while the pages are read, and bumps the repeat's revision, as
// an edit between the pages would.
func repeatAcrossPages(env *acctest.Env) {
	var mu sync.Mutex
	var last map[string]any
	env.RewriteQueryPages(func(page map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		list, _ := page["automations"].([]any)
		if last != nil && len(list) > 0 {
			repeat := map[string]any{}
			for k, v := range last {
				repeat[k] = v
			}
			repeat["revision"], repeat["name"] = "2", fmt.Sprint(last["name"], " (edited)")
			page["automations"] = append([]any{repeat}, list...)
		}
		last = nil
		if len(list) > 0 {
			last = list[len(list)-1].(map[string]any)
		}
		if cursors, _ := page["pagingMetadata"].(map[string]any)["cursors"].(map[string]any); cursors["next"] == nil {
			last = nil // the last page: the next Query starts afresh
		}
	})
}

// Pages that repeat an automation list it once, at its newest revision:
// the docs' { for a in ... : a.id => a } works, which a repeat would fail
// with "Duplicate object key".
func TestAccAutomationsDataSourceListsEachAutomationOnce(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.CapQueryPages(5)
	repeatAcrossPages(env)
	seeded := env.SeedAutomations(12, nil)
	want := map[string]knownvalue.Check{}
	for i, a := range seeded {
		name := a.Name
		if i%5 == 4 && i < 10 { // the last of pages 1 and 2, repeated edited on the next
			name += " (edited)"
		}
		want[a.ID] = knownvalue.StringExact(name)
	}
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env) + `
output "by_id" {
  value = { for a in data.wix_automations.these.automations : a.id => a.name }
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			listedIDs(seeded),
			statecheck.ExpectKnownOutputValue("by_id", knownvalue.MapExact(want)),
		},
	}})
}

// The list resource has the same exposure: each automation once.
func TestAutomationListYieldsEachAutomationOnce(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.CapQueryPages(5)
	repeatAcrossPages(env)
	seeded := env.SeedAutomations(12, nil)
	server := env.ServeProtocol()
	server.ConfigureApp(nil)
	for _, include := range []bool{false, true} {
		results := server.List(nil, include, 0)
		if got, want := strings.Join(listedIDsOf(t, results), ","), strings.Join(idsOf(seeded), ","); got != want {
			t.Fatalf("include_resource %v: identities = [%s], want each once: [%s]", include, got, want)
		}
		if include && acctest.StringOf(t, results[4].Resource["revision"]) != "2" {
			t.Errorf("with the resource, a repeated automation's revision = %s, want the newest, 2", results[4].Resource["revision"])
		}
	}
}

// A Query answered with what Wix never answers (200 {}, no
// pagingMetadata) is an error, never a site with no automations.
func TestAccAutomationsDataSourceRefusesAGarbledQuery(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.SeedAutomations(3, nil)
	env.RewriteQueryPages(func(page map[string]any) {
		delete(page, "automations")
		delete(page, "pagingMetadata")
	})
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env),
		ExpectError: acctest.ExpectWords("Query Automations", "it lacks pagingMetadata", "not taken as Wix's answer",
			"a wrong base_url (WIX_BASE_URL), is the likely cause"),
	}})
}

// The shared Query that refreshes wix_automation never serves a stale
// copy (an older revision a later page repeats) or a partial one (no
// actions): the plan after apply stays empty, every time.
func TestAccAutomationResource_staleQueryCopiesMakeNoDiff(t *testing.T) {
	acctest.Parallel(t)
	for name, garble := range map[string]func(a map[string]any) []any{
		"older revision repeated": func(a map[string]any) []any {
			stale := map[string]any{}
			for k, v := range a {
				stale[k] = v
			}
			stale["revision"], stale["name"] = "1", "the name before" // Wix writes revisions as strings
			return []any{a, stale}
		},
		"without actions": func(a map[string]any) []any {
			delete(a["configuration"].(map[string]any), "actions")
			return []any{a}
		},
		"without revision": func(a map[string]any) []any {
			delete(a, "revision")
			a["name"] = "not the name"
			return []any{a}
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewSimEnv(t)
			env.RewriteQueryPages(func(page map[string]any) {
				var out []any
				for _, a := range page["automations"].([]any) {
					out = append(out, garble(a.(map[string]any))...)
				}
				page["automations"] = out
			})
			config := env.AutomationConfig(acctest.AutomationSpec{})
			env.Test(t, []resource.TestStep{
				{Config: config},
				{
					// Revision 2 at Wix, same content: the stale copy is older.
					PreConfig: env.ChangeBehindTerraform(func(*wixsim.Automation) {}),
					Config:    config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{acctest.AutomationIs("revision", knownvalue.StringExact("2"))},
				},
			})
		})
	}
}

// With the demo seed of a real site (preinstalled automations, one of
// them overridden on the site, and another installed app's), the origin
// filter lists what it names, archived is exposed, and the documented
// retirement filter (origin APPLICATION and the trigger's app) leaves out
// every automation this app may not adopt.
func TestAccAutomationsDataSourceOriginAndArchived(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnvWith(t, wixsim.Options{Preinstalled: true})
	own := env.SeedAutomations(2, func(i int, a *wixsim.Automation) {
		a.Origin, a.ApplicationInfo = "APPLICATION", map[string]any{"appId": wixsim.DemoAppID}
		a.Archived = i == 1
	})
	byOrigin := func(origin string) []wixsim.Automation {
		return matching(env.Sim.Automations(), func(a wixsim.Automation) bool { return a.Origin == origin })
	}
	archived := knownvalue.ListExact([]knownvalue.Check{
		knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(own[0].ID), "archived": knownvalue.Bool(false)}),
		knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(own[1].ID), "archived": knownvalue.Bool(true)}),
	})
	env.Test(t, []resource.TestStep{
		{Config: automationsConfig(env, `origin = "PREINSTALLED"`), ConfigStateChecks: []statecheck.StateCheck{listedIDs(byOrigin("PREINSTALLED"))}},
		{
			Config:            automationsConfig(env, `origin = "APPLICATION"`, fmt.Sprintf("trigger_app_id = %q", wixsim.DemoAppID)),
			ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectAttr(automationsAddress, "automations", archived)},
			Check: env.OnSim(func() error {
				if n := len(byOrigin("PREINSTALLED")); n != 2 {
					return fmt.Errorf("the seed holds %d preinstalled automations, want 2: the test proves nothing", n)
				}
				return nil
			}),
		},
	})
	env.Test(t, []resource.TestStep{{
		Config: automationsConfig(env, `origin = "preinstalled"`), ExpectError: acctest.ExpectWords("origin", "APPLICATION", "PREINSTALLED"),
	}})
}
