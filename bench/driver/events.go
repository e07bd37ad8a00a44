package main

// The wix_automation_event benchmark of issue 9 (`-only events`): API calls
// per event on create and destroy with the defaults, 1000 events reported
// and destroyed through a simulator that enforces 200 requests a minute,
// and the apply time of 200 events with pacing off next to the do-nothing
// provider. Like the rest of the driver, every run is a real `terraform
// apply` (and here `terraform destroy`) of a fresh directory against a
// fresh in-process simulator.

import (
	"fmt"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// eventsConfig is n wix_automation_event resources, with for_each (as
// users write it) or with count (the shape of the do-nothing provider's
// configuration, for a side-by-side time).
func eventsConfig(simURL string, n int, forEach bool, providerLines ...string) string {
	head := wixProvider(simURL, providerLines) + entityLocal(n)
	if forEach {
		return head + `
resource "wix_automation_event" "x" {
  for_each           = toset(local.entity_ids)
  trigger_key        = "form_submitted"
  external_entity_id = each.key
  payload            = { source = "bench", seats = 5 }
}
`
	}
	return head + `
resource "wix_automation_event" "x" {
  count              = length(local.entity_ids)
  trigger_key        = "form_submitted"
  external_entity_id = local.entity_ids[count.index]
  payload            = { source = "bench", seats = 5 }
}
`
}

func eventVariant(name string, forEach bool, simOpt wixsim.Options, providerLines ...string) variant {
	return variant{name: name, sim: true, simOpt: simOpt, config: func(n int, simURL string) string {
		return eventsConfig(simURL, n, forEach, providerLines...)
	}}
}

// eventsRun applies v with n resources and, with destroy, destroys them in
// the same directory against the same simulator, checking that every event
// was reported once and then canceled (or the timing is void).
func eventsRun(o options, v variant, n int, destroy bool) (apply, gone result) {
	dir, sim, cleanup := workspace(o, v, n, "events-")
	defer cleanup()
	apply = terraformRun(o, v, dir, "apply", n)
	if sim == nil {
		return apply, gone
	}
	apply = countCalls(sim.Server, apply, wix.PathReport, wix.PathBulkReport)
	checkReported(sim.Server, n)
	if !destroy {
		return apply, gone
	}
	sim.ResetRequests()
	gone = countCalls(sim.Server, terraformRun(o, v, dir, "destroy", n), wix.PathCancel, wix.PathBulkCancel)
	for _, ev := range sim.Events() {
		if !ev.Canceled {
			fatalf("%s: the event of %s was not canceled by destroy", v.name, ev.ExternalEntityID)
		}
	}
	return apply, gone
}

// checkReported: one event per entity, n in all.
func checkReported(sim *wixsim.Server, n int) {
	seen := map[string]int{}
	for _, ev := range sim.Events() {
		seen[ev.ExternalEntityID]++
	}
	if len(seen) != n || len(sim.Events()) != n {
		fatalf("the simulator holds %d events of %d entities, want %d of %d", len(sim.Events()), len(seen), n, n)
	}
}

// events is the section of issue 9.
func events(o options) {
	// The first -sizes (200 by default), as issue 9 measures it.
	n, rounds := o.sizes[0], 3
	fmt.Printf("\n## wix_automation_event, -parallelism=%d\n\n", o.parallelism)
	fmt.Printf("### for_each of %d events, defaults (pacing 200/min, batching on), simulator without limit\n\n", n)
	fmt.Println("Each run: `terraform apply` then `terraform destroy` of the same directory; calls counted by the simulator per command.")
	fmt.Println()
	fmt.Println("| run | apply | report calls (Report / Bulk Report) | calls / event | biggest batch | tokens | destroy | cancel calls (Cancel / Bulk Cancel) | calls / event | biggest batch | tokens | 429s | other errors |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	defaults := eventVariant("wix_automation_event, defaults", true, wixsim.Options{})
	for r := range rounds {
		a, d := eventsRun(o, defaults, n, true)
		progress("events defaults N=%d run %d: apply %.2fs %d calls, destroy %.2fs %d calls", n, r+1, a.wall.Seconds(), a.calls(), d.wall.Seconds(), d.calls())
		fmt.Printf("| %d | %s | %d (%d / %d) | %.3f | %d | %d | %s | %d (%d / %d) | %.3f | %d | %d | %d | %d |\n", r+1,
			secs(a.wall), a.calls(), a.single, a.bulk, float64(a.calls())/float64(n), a.maxBatch, a.tokenCalls,
			secs(d.wall), d.calls(), d.single, d.bulk, float64(d.calls())/float64(n), d.maxBatch, d.tokenCalls, a.tooMany+d.tooMany, a.otherErrors+d.otherErrors)
	}
	eventsLimited(o)
	eventsFloor(o, n)
}

// eventsLimited reports and destroys o.limitedN events through a simulator
// that enforces 200 requests a minute.
func eventsLimited(o options) {
	n := o.limitedN
	fmt.Printf("\n### %d events reported, then destroyed, through a simulator that enforces 200 requests a minute\n\n", n)
	fmt.Println("One run per shape, provider defaults (pacing 200/min, batching on). The simulator admits 200 calls in any minute (a sliding window).")
	fmt.Println("`for_each` is how users write it; `count` is the shape of the 1000-cancellation run above, for comparison.")
	fmt.Println()
	fmt.Println("| shape | phase | wall time | single calls | bulk calls | calls / event | biggest batch | 429s | other errors | tokens | CPU Terraform | CPU provider | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, shape := range []struct {
		name    string
		forEach bool
	}{{"for_each", true}, {"count", false}} {
		a, d := eventsRun(o, eventVariant("limited", shape.forEach, wixsim.Options{RateLimitPerMinute: 200}), n, true)
		for _, p := range []struct {
			name string
			ph   result
		}{{"apply (Report / Bulk Report Event)", a}, {"destroy (Cancel / Bulk Cancel Event)", d}} {
			progress("events limited N=%d %s %s: %.2fs calls=%d 429=%d", n, shape.name, p.name, p.ph.wall.Seconds(), p.ph.calls(), p.ph.tooMany)
			fmt.Printf("| %s | %s | %s | %d | %d | %.3f | %d | %d | %d | %d | %s | %s | %s |\n", shape.name, p.name, secs(p.ph.wall), p.ph.single, p.ph.bulk,
				float64(p.ph.calls())/float64(n), p.ph.maxBatch, p.ph.tooMany, p.ph.otherErrors, p.ph.tokenCalls, secs(p.ph.terraformCPU()), secs(p.ph.providerCPU),
				rss([]result{p.ph}))
		}
	}
}

// eventsFloor times the apply of n events with pacing off next to the
// do-nothing provider (same count-based configuration shape), alternating.
func eventsFloor(o options, n int) {
	rounds := o.rounds[n]
	if rounds == 0 {
		rounds = 5
	}
	vs := []variant{noop, eventVariant("wix_automation_event, requests_per_minute = 0", false, wixsim.Options{}, pacingOff)}
	loadBefore := loadavg()
	res := alternate(vs, rounds, func(v variant, round int) result {
		a, _ := eventsRun(o, v, n, false)
		progress("events floor N=%d round %d/%d %-50s %6.2fs calls=%d", n, round, rounds, v.name, a.wall.Seconds(), a.calls())
		return a
	})
	fmt.Printf("\n### Apply of %d events, pacing off, next to the do-nothing provider (alternating, %d rounds each)\n\n", n, rounds)
	printVsFirst("| variant | runs | median | min–max | vs do-nothing | CPU Terraform | CPU provider | provider peak RSS |", vs, res,
		func(_ variant, rs []result) string { return rss(rs) })
	fmt.Printf("\nLoad average %s before, %s after.\n", loadBefore, loadavg())
}
