package main

// The benchmarks of issue 21: what the default pacing costs a small apply
// next to pacing off (`-only pacing`), and four applies at once against one
// instance whose limit others already spend (`-only shared`). The third,
// 1000 cancellations against the strict window, is the `limited` section
// in main.go. Every run is a real `terraform apply` against a fresh
// simulator, as elsewhere in the driver.

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/bench/internal/benchkit"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// pacingCase is one kind of resource, applied with the defaults and with
// pacing off; count tells its calls from its simulator's log.
type pacingCase struct {
	defaults, unpaced variant
	count             func(sim *wixsim.Server, r result, n int) result
}

func pacingCases() []pacingCase {
	events := func(sim *wixsim.Server, r result, n int) result {
		checkReported(sim, n)
		return countCalls(sim, r, wix.PathReport, wix.PathBulkReport)
	}
	return []pacingCase{
		{
			defaults: eventVariant("wix_automation_event (for_each), defaults", true, wixsim.Options{}),
			unpaced:  eventVariant("wix_automation_event (for_each), requests_per_minute = 0", true, wixsim.Options{}, pacingOff),
			count:    events,
		},
		{
			defaults: renamed(wixDefaults, "wix_automation_event_cancellation, defaults"),
			unpaced:  renamed(wixNoPacing, "wix_automation_event_cancellation, requests_per_minute = 0"),
			count:    simStats,
		},
	}
}

// pacing is benchmark 1 of issue 21: an apply of n events and one of n
// cancellations, each with the defaults and with pacing off, in
// alternating rounds against a simulator without a limit.
func pacing(o options) {
	n := o.sizes[0]
	rounds := o.rounds[n]
	if rounds == 0 {
		rounds = 5
	}
	cases := pacingCases()
	var vs []variant
	counts := map[string]func(*wixsim.Server, result, int) result{}
	for _, c := range cases {
		vs = append(vs, c.defaults, c.unpaced)
		counts[c.defaults.name], counts[c.unpaced.name] = c.count, c.count
	}
	fmt.Printf("\n## The default pacing next to pacing off (N=%d, -parallelism=%d), simulator without a limit\n\n", n, o.parallelism)
	fmt.Println("Wall time of `terraform apply` (plan included) in a fresh directory, alternating rounds; calls counted by the simulator.")
	fmt.Println()
	loadBefore := loadavg()
	res := alternate(vs, rounds, func(v variant, round int) result {
		dir, sim, cleanup := workspace(o, v, n, "pacing-")
		defer cleanup()
		r := counts[v.name](sim.Server, terraformRun(o, v, dir, "apply", n), n)
		progress("pacing N=%d round %d/%d %-62s %6.2fs calls=%d biggest=%d", n, round, rounds, v.name, r.wall.Seconds(), r.calls(), r.maxBatch)
		return r
	})
	fmt.Println("| variant | runs | median | min–max | vs pacing off | API calls / resource | biggest batch | 429s | CPU Terraform | CPU provider |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for i, v := range vs {
		base := median(res[i-i%2+1], wallOf)
		fmt.Printf("%s %.2fx | %s | %s | %s |%s\n", wallCells(v.name, res[i]), ratio(median(res[i], wallOf), base),
			perCancellation(res[i], n), rangeOf(res[i], func(r result) int { return r.maxBatch }),
			rangeOf(res[i], func(r result) int { return r.tooMany }), cpuCells(res[i]))
	}
	fmt.Printf("\nLoad average %s before, %s after.\n", loadBefore, loadavg())
}

// leastTime is the least time a window of limit calls a minute allows for
// calls made from an empty window: the first limit at once, the next limit
// a minute later, and so on.
func leastTime(calls, limit int) time.Duration {
	if calls <= 0 {
		return 0
	}
	return time.Duration((calls-1)/limit) * time.Minute
}

// shared is benchmark 3 of issue 21: procs applies at once, separate
// Terraform processes of n events each with the defaults (each believes
// it has 200 calls a minute), against one simulated instance that admits
// limit calls a minute, a sliding window.
func shared(o options) {
	const procs, n, limit = 4, 300, 60
	fmt.Printf("\n## %d applies at once of %d events each, defaults, against one instance admitting %d calls a minute (-parallelism=%d)\n\n", procs, n, limit, o.parallelism)
	fmt.Println("Separate `terraform apply` processes started together; the simulator's strict window (a sliding minute) is shared by all of them.")
	fmt.Println("Least time: the first 60 admitted calls at once, 60 more each minute, for the calls admitted.")
	fmt.Println()
	fmt.Println("| simulator | wall time, all four | least time for the calls | ratio | report calls (admitted) | 429s | 429s / calls | per apply: wall, calls, 429s | CPU Terraform | CPU provider |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, retryAfter := range []bool{true, false} {
		loadBefore := loadavg()
		row := sharedScenario(o, procs, n, limit, retryAfter)
		fmt.Println(row)
		fmt.Printf("\nLoad average %s before, %s after (Retry-After %v).\n\n", loadBefore, loadavg(), retryAfter)
	}
}

// sharedScenario runs the concurrent applies against one simulator and
// returns the table row.
func sharedScenario(o options, procs, n, limit int, retryAfter bool) string {
	sim, err := benchkit.StartSim(wixsim.Options{RateLimitPerMinute: limit, RateLimitRetryAfter: retryAfter})
	if err != nil {
		fatalf("%v", err)
	}
	defer sim.Close()
	v := eventVariant("shared", true, wixsim.Options{})
	runs := make([]result, procs)
	started := time.Now()
	var wg sync.WaitGroup
	for p := range procs {
		dir := sharedWorkspace(o, sim.URL, p, n)
		wg.Go(func() {
			runs[p] = terraformRun(o, v, dir, "apply", n)
			runs[p].wall = time.Since(started)
			progress("shared (Retry-After %v): apply %d done after %.1fs", retryAfter, p+1, runs[p].wall.Seconds())
		})
	}
	wg.Wait()
	total := time.Since(started)
	checkReported(sim.Server, procs*n)
	calls, admitted, throttled, perToken := sharedCalls(sim.Server)
	least := leastTime(admitted, limit)
	var cpuTF, cpuProvider time.Duration
	for _, r := range runs {
		cpuTF, cpuProvider = cpuTF+r.terraformCPU(), cpuProvider+r.providerCPU
	}
	ratioCell := "–"
	if least > 0 {
		ratioCell = fmt.Sprintf("%.2fx", ratio(total, least))
	}
	return fmt.Sprintf("| Retry-After %s | %s | %s | %s | %d (%d) | %d | %.1f%% | %s | %s | %s |", onOff(retryAfter), secs(total), secs(least),
		ratioCell, calls, admitted, throttled, 100*float64(throttled)/float64(calls), perApply(runs, perToken), secs(cpuTF), secs(cpuProvider))
}

// sharedWorkspace writes apply p's configuration: n events of entities of
// its own, against the shared simulator.
func sharedWorkspace(o options, simURL string, p, n int) string {
	dir, err := os.MkdirTemp(o.workDir, fmt.Sprintf("shared-%d-", p))
	if err != nil {
		fatalf("%v", err)
	}
	all := ids((p + 1) * n)[p*n:]
	quoted := make([]string, n)
	for i, id := range all {
		quoted[i] = strconv.Quote(id)
	}
	config := wixProvider(simURL, nil) + "locals {\n  entity_ids = [" + strings.Join(quoted, ", ") + "]\n}\n" + `
resource "wix_automation_event" "x" {
  for_each           = toset(local.entity_ids)
  trigger_key        = "form_submitted"
  external_entity_id = each.key
  payload            = { source = "bench", seats = 5 }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		fatalf("%v", err)
	}
	return dir
}

// sharedCalls counts the report calls of all applies, those admitted, the
// 429s, and per access token (one per apply) its calls and 429s.
func sharedCalls(sim *wixsim.Server) (calls, admitted, throttled int, perToken map[string][2]int) {
	perToken = map[string][2]int{}
	for _, r := range sim.Requests() {
		if r.Path != wix.PathReport && r.Path != wix.PathBulkReport {
			continue
		}
		calls++
		c := perToken[r.Header.Get("Authorization")]
		c[0]++
		switch r.Status {
		case http.StatusOK:
			admitted++
		case http.StatusTooManyRequests:
			throttled++
			c[1]++
		}
		perToken[r.Header.Get("Authorization")] = c
	}
	return calls, admitted, throttled, perToken
}

// perApply lists each apply's wall time, and each token's calls and 429s
// (the simulator tells the applies apart only by their tokens).
func perApply(runs []result, perToken map[string][2]int) string {
	walls := make([]string, len(runs))
	for i, r := range runs {
		walls[i] = fmt.Sprintf("%.0fs", r.wall.Seconds())
	}
	var counts []string
	for _, c := range perToken {
		counts = append(counts, fmt.Sprintf("%d/%d", c[0], c[1]))
	}
	sort.Strings(counts)
	return strings.Join(walls, ", ") + "; calls/429s per apply: " + strings.Join(counts, ", ")
}

func onOff(b bool) string {
	if b {
		return "sent"
	}
	return "not sent"
}
