package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const automationsAddress = "data.wix_automations.these"

// automationsConfig is the provider block and a wix_automations data source
// with these argument lines.
func (e *accEnv) automationsConfig(arguments ...string) string {
	return e.providerBlock() + fmt.Sprintf("data \"wix_automations\" \"these\" {\n  %s\n}\n", strings.Join(arguments, "\n  "))
}

// listedIDs expects the data source to list exactly these automations, in order.
func listedIDs(automations []wixsim.Automation) statecheck.StateCheck {
	ids := make([]knownvalue.Check, len(automations))
	for i, a := range automations {
		ids[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(a.ID)})
	}
	return statecheck.ExpectKnownValue(automationsAddress, tfjsonpath.New("automations"), knownvalue.ListExact(ids))
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
func (e *accEnv) queryReads() ([][]queryBody, error) {
	var reads [][]queryBody
	for i, c := range e.queryCalls() {
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
func (e *accEnv) eachReadCalls(calls, limit int, filter string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads, err := e.queryReads()
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

// runAutomationsTest runs steps on the env's provider.
func (e *accEnv) runAutomationsTest(steps ...resource.TestStep) {
	resource.Test(e.t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}

func TestAccAutomationsDataSourceReadsEveryAutomationInOneCall(t *testing.T) {
	env := newSimEnv(t)
	seeded := env.seedAutomations(120, nil)
	first := seeded[0]
	env.runAutomationsTest(resource.TestStep{
		Config: env.automationsConfig(),
		ConfigStateChecks: []statecheck.StateCheck{
			listedIDs(seeded),
			statecheck.ExpectKnownValue(automationsAddress, tfjsonpath.New("automations").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":              knownvalue.StringExact(first.ID),
				"name":            knownvalue.StringExact("automation 000"),
				"description":     knownvalue.Null(),
				"status":          knownvalue.StringExact("ACTIVE"),
				"trigger":         knownvalue.ObjectExact(map[string]knownvalue.Check{"app_id": knownvalue.StringExact(wixsim.DemoAppID), "trigger_key": knownvalue.StringExact(wixsim.DemoTriggerKey)}),
				"root_action_ids": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(first.Configuration.RootActionIDs[0])}),
				"actions":         knownvalue.StringExact(canonicalJSON(t, first.Configuration.Actions)),
				"origin":          knownvalue.StringExact("USER"),
				"revision":        knownvalue.StringExact("1"),
			})),
		},
		// 120 automations fit in one page of 500: one call per read.
		Check: env.eachReadCalls(1, 500, "{}"),
	})
	reads, _ := env.queryReads()
	t.Logf("120 automations: %d reads of the data source, %d Query Automations calls", len(reads), len(env.queryCalls()))
}

func TestAccAutomationsDataSourceFollowsCursors(t *testing.T) {
	for _, limit := range []int{50, 119, 120} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			env := newSimEnv(t)
			env.capQueryPages(limit)
			seeded := env.seedAutomations(120, nil)
			pages := (120 + limit - 1) / limit
			env.runAutomationsTest(resource.TestStep{
				Config:            env.automationsConfig(),
				ConfigStateChecks: []statecheck.StateCheck{listedIDs(seeded)},
				Check:             env.eachReadCalls(pages, limit, "{}"),
			})
			reads, _ := env.queryReads()
			t.Logf("page size %d: %d reads, %d calls (%d per read)", limit, len(reads), len(env.queryCalls()), pages)
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
	s, err := canonicalActions(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
