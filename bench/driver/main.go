// Command driver runs the benchmark of issue 4 and prints its tables as
// Markdown: it is what `make bench` (scripts/bench.sh) runs once the
// binaries are built.
//
// Every run is a real `terraform apply -parallelism=P` of a fresh working
// directory (no state), timed from the start of the process to its exit.
// The Wix provider talks to an in-process Wix API simulator
// (internal/wixsim) on loopback, fresh for each run, which counts the calls,
// tokens, 429s and connections. The provider binaries are started through
// memwrap, which records each provider process's peak RSS.
//
// Runs of the variants being compared alternate (round-robin, the order
// rotating each round), so that drift of the machine spreads over all of
// them; the tables show medians.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/bench/internal/benchkit"
	"github.com/wix-terraform/terraform-provider-wix/internal/cliconfig"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

type options struct {
	terraform   string
	pluginDir   string // dev_overrides dir: memwrap copies, real binaries in real/
	workDir     string
	parallelism int
	sizes       []int
	rounds      map[int]int
	limitedN    int
	logRounds   int
	skipSlow    bool
	only        string
	env         []string // extra environment for every run, e.g. TF_LOG_SDK=off
}

func main() {
	var o options
	var sizes, rounds, extraEnv string
	flag.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI")
	flag.StringVar(&o.pluginDir, "plugins", "", "dev_overrides directory with the provider binaries (memwrap) and real/")
	flag.StringVar(&o.workDir, "work", "", "scratch directory")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism")
	flag.StringVar(&sizes, "sizes", "200,1000", "resource counts of the apply-time table")
	flag.StringVar(&rounds, "rounds", "5,3", "alternating rounds per size (one number per size)")
	flag.IntVar(&o.limitedN, "limited-n", 1000, "cancellations in the rate-limited scenario")
	flag.IntVar(&o.logRounds, "log-rounds", 7, "alternating rounds of the logging section (at the first size)")
	flag.BoolVar(&o.skipSlow, "skip-slow", false, "skip the 5-minute batching-off run under the rate limit")
	flag.StringVar(&o.only, "only", "", "run one section: floor, logs, limited, events, pacing, shared (default: all), or gc (GOGC experiment), profile")
	flag.StringVar(&extraEnv, "env", "", "comma-separated NAME=value pairs added to every run's environment")
	flag.Parse()
	o.rounds = map[int]int{}
	rs := strings.Split(rounds, ",")
	for i, s := range strings.Split(sizes, ",") {
		n := mustAtoi(s)
		o.sizes = append(o.sizes, n)
		o.rounds[n] = mustAtoi(rs[min(i, len(rs)-1)])
	}
	if extraEnv != "" {
		o.env = strings.Split(extraEnv, ",")
	}
	if o.pluginDir == "" || o.workDir == "" {
		fatalf("-plugins and -work are required")
	}
	if err := cliconfig.Write(filepath.Join(o.workDir, "terraformrc"), o.pluginDir, "wix", "noop"); err != nil {
		fatalf("%v", err)
	}

	started := time.Now()
	fmt.Println(machine(o))
	if o.only == "" || o.only == "floor" {
		floor(o)
	}
	if o.only == "" || o.only == "logs" {
		logs(o)
	}
	if o.only == "" || o.only == "limited" {
		limited(o)
	}
	if o.only == "" || o.only == "events" {
		events(o)
	}
	if o.only == "" || o.only == "pacing" {
		pacing(o)
	}
	if o.only == "" || o.only == "shared" {
		shared(o)
	}
	if o.only == "gc" {
		gc(o)
	}
	if o.only == "profile" {
		// One apply for scripts/bench.sh profile; timings of a profiled
		// provider are not benchmark figures.
		for _, n := range o.sizes {
			r := run(o, wixNoPacing, n)
			fmt.Printf("profiled apply: N=%d in %s, %d API calls\n", n, secs(r.wall), r.calls())
		}
	}
	fmt.Printf("\nWhole benchmark: %s.\n", time.Since(started).Round(time.Second))
}

// ---------------------------------------------------------------------------
// Variants

type variant struct {
	name   string
	config func(n int, simURL string) string
	sim    bool           // needs a simulator
	simOpt wixsim.Options // its options
	token  bool           // fetch a token with curl before the apply (timed), for local-exec
	env    []string
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("16ef8c9c-413e-4d5f-b77d-%012x", i+1)
	}
	return out
}

// entityLocal is the same list of GUIDs in every configuration.
func entityLocal(n int) string {
	quoted := make([]string, n)
	for i, id := range ids(n) {
		quoted[i] = strconv.Quote(id)
	}
	return "locals {\n  entity_ids = [" + strings.Join(quoted, ", ") + "]\n}\n"
}

var terraformData = variant{
	name: "terraform_data (built in, no-op)",
	config: func(n int, _ string) string {
		return entityLocal(n) + `
resource "terraform_data" "x" {
  count = length(local.entity_ids)
  input = { trigger_key = "form_submitted", external_entity_id = local.entity_ids[count.index] }
}
`
	},
}

var noop = variant{
	name: "do-nothing framework provider",
	config: func(n int, _ string) string {
		return benchkit.RequiredProvider("noop") + entityLocal(n) + `
resource "noop_thing" "x" {
  count              = length(local.entity_ids)
  trigger_key        = "form_submitted"
  external_entity_id = local.entity_ids[count.index]
}
`
	},
}

// wixProvider is the terraform and provider blocks of a configuration that
// uses the Wix provider against the simulator at simURL, with the demo
// credentials and providerLines added to the provider block.
func wixProvider(simURL string, providerLines []string) string {
	return benchkit.RequiredProvider("wix") + fmt.Sprintf(`
provider "wix" {
  base_url    = %q
  app_id      = %q
  app_secret  = %q
  instance_id = %q
  %s
}
`, simURL, wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID, strings.Join(providerLines, "\n  "))
}

func wixVariant(name string, providerLines ...string) variant {
	return variant{
		name: name,
		sim:  true,
		config: func(n int, simURL string) string {
			return wixProvider(simURL, providerLines) + entityLocal(n) + `
resource "wix_automation_event_cancellation" "x" {
  count              = length(local.entity_ids)
  trigger_key        = "form_submitted"
  external_entity_id = local.entity_ids[count.index]
}
`
		},
	}
}

const (
	pacingOff   = "requests_per_minute = 0"
	batchingOff = "batching {\n    enable_batching = false\n  }"
)

var (
	wixNoPacing        = wixVariant("wix, requests_per_minute = 0", pacingOff)
	wixDefaults        = wixVariant("wix, defaults (pacing 200/min)")
	wixNoPacingNoBatch = wixVariant("wix, requests_per_minute = 0, batching off", pacingOff, batchingOff)
	sdkLogsOff         = []string{"TF_LOG_SDK=off", "TF_LOG_PROVIDER_WIX=off", "TF_LOG_PROVIDER_NOOP=off"}
	wixNoPacingLogsOff = withEnv(wixVariant("wix, requests_per_minute = 0, SDK/provider logs off", pacingOff), sdkLogsOff)
	noopLogsOff        = withEnv(renamed(noop, "do-nothing provider, SDK/provider logs off"), sdkLogsOff)
	curlPerResource    = curlVariant()
	rateLimited        = wixsim.Options{RateLimitPerMinute: 200}
	limitedWix         = withSim(wixVariant("wix, defaults, batching on"), rateLimited)
	limitedWixNoBatch  = withSim(wixVariant("wix, defaults, batching off", batchingOff), rateLimited)
)

func withEnv(v variant, env []string) variant { v.env = env; return v }
func renamed(v variant, name string) variant  { v.name = name; return v }
func withSim(v variant, o wixsim.Options) variant {
	v.simOpt = o
	return v
}

// curlVariant is how users cancel events today: terraform_data with a
// local-exec curl per resource. One token is fetched with curl before the
// apply (and timed with it); every resource then runs one curl to Cancel
// Event with that token.
func curlVariant() variant {
	return variant{
		name:  "terraform_data + local-exec curl (1 token up front)",
		sim:   true,
		token: true,
		config: func(n int, _ string) string {
			return entityLocal(n) + `
resource "terraform_data" "x" {
  count = length(local.entity_ids)
  input = { trigger_key = "form_submitted", external_entity_id = local.entity_ids[count.index] }

  provisioner "local-exec" {
    command = <<-EOT
      curl -sS --fail-with-body -X POST "$WIX_BASE_URL/automations/v1/events/cancel" \
        -H "Authorization: $WIX_TOKEN" -H "Content-Type: application/json" \
        -d '{"triggerKey":"${self.input.trigger_key}","externalEntityId":"${self.input.external_entity_id}"}'
    EOT
  }
}
`
		},
	}
}

// ---------------------------------------------------------------------------
// Running one apply

// result is what one terraform command of a run did, as the simulator and
// memwrap saw it.
type result struct {
	wall        time.Duration
	single      int // calls of the single-item endpoint: Cancel Event, or Report Event
	bulk        int // calls of its bulk endpoint: Bulk Cancel Event, or Bulk Report Event
	tokenCalls  int
	tooMany     int
	otherErrors int
	peakConns   int
	totalConns  int
	rssKiB      int64         // largest provider process of the run
	providerCPU time.Duration // user+system of every provider process of the run
	totalCPU    time.Duration // user+system of terraform and everything it ran
	stderrBytes int64         // provider log output Terraform read (BENCH_COUNT_STDERR=1 only)
	stderrLines int64
	maxBatch    int
}

// terraformCPU is what Terraform itself (and curl, for local-exec) used.
func (r result) terraformCPU() time.Duration { return r.totalCPU - r.providerCPU }

func (r result) calls() int { return r.single + r.bulk }

// workspace makes a fresh directory holding v's configuration of n
// resources, and starts the simulator v needs (nil when it needs none).
// cleanup stops the one and removes the other.
func workspace(o options, v variant, n int, prefix string) (dir string, sim *benchkit.Sim, cleanup func()) {
	dir, err := os.MkdirTemp(o.workDir, prefix)
	if err != nil {
		fatalf("%v", err)
	}
	url := ""
	if v.sim {
		if sim, err = benchkit.StartSim(v.simOpt); err != nil {
			fatalf("%v", err)
		}
		url = sim.URL
	}
	cleanup = func() {
		if sim != nil {
			sim.Close()
		}
		_ = os.RemoveAll(dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(v.config(n, url)), 0o600); err != nil {
		cleanup()
		fatalf("%v", err)
	}
	return dir, sim, cleanup
}

// terraformRun runs `terraform command` (apply or destroy) of v's n
// resources in dir and reads what its provider processes used.
func terraformRun(o options, v variant, dir, command string, n int, extraEnv ...string) result {
	rssDir, err := os.MkdirTemp(dir, "rss-")
	if err != nil {
		fatalf("%v", err)
	}
	env := append(baseEnv(o), "BENCH_RSS_DIR="+rssDir)
	env = append(env, extraEnv...)
	env = append(env, v.env...)
	tr, err := benchkit.Terraform(o.terraform, dir, env, command, "-auto-approve", fmt.Sprintf("-parallelism=%d", o.parallelism))
	if err != nil {
		fatalf("%s, N=%d: %v", v.name, n, err)
	}
	r := readProviderStats(rssDir)
	r.wall, r.totalCPU = tr.Wall, tr.CPU
	return r
}

// run applies v with n resources in a fresh directory against a fresh
// simulator.
func run(o options, v variant, n int) result {
	dir, sim, cleanup := workspace(o, v, n, "run-")
	defer cleanup()
	url := ""
	if sim != nil {
		url = sim.URL
	}
	extraEnv := []string{"WIX_BASE_URL=" + url}
	var tokenTime time.Duration
	if v.token {
		// Part of the curl variant's cost: timed with its apply.
		started := time.Now()
		extraEnv = append(extraEnv, "WIX_TOKEN="+curlToken(url))
		tokenTime = time.Since(started)
	}
	r := terraformRun(o, v, dir, "apply", n, extraEnv...)
	r.wall += tokenTime
	if sim != nil {
		r = simStats(sim.Server, r, n)
	}
	return r
}

func baseEnv(o options) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// The bench decides the CLI config and logging; WIX_* must not leak in.
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "WIX_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(o.workDir, "terraformrc"),
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
	return append(env, o.env...)
}

// curlToken fetches a token the way a shell script would.
func curlToken(base string) string {
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	out, err := exec.Command("curl", "-sS", "--fail-with-body", "-X", "POST", base+wix.PathToken,
		"-H", "Content-Type: application/json", "-d", body).Output()
	if err != nil {
		fatalf("curl token: %v", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(out, &tok); err != nil || tok.AccessToken == "" {
		fatalf("curl token: %s", out)
	}
	return tok.AccessToken
}

// countCalls counts the calls the simulator answered in r: those of the
// single and bulk endpoint of one API, tokens, 429s and other errors, and
// the biggest batch.
func countCalls(sim *wixsim.Server, r result, single, bulk string) result {
	for _, req := range sim.Requests() {
		switch req.Path {
		case wix.PathToken:
			r.tokenCalls++
		case single:
			r.single++
			r.maxBatch = max(r.maxBatch, 1)
		case bulk:
			r.bulk++
			var body struct {
				EventsInfo        []json.RawMessage `json:"eventsInfo"`
				ExternalEntityIDs []string          `json:"externalEntityIds"`
			}
			_ = json.Unmarshal(req.Body, &body)
			r.maxBatch = max(r.maxBatch, len(body.EventsInfo), len(body.ExternalEntityIDs))
		}
		switch {
		case req.Status == http.StatusTooManyRequests:
			r.tooMany++
		case req.Status != http.StatusOK:
			r.otherErrors++
		}
	}
	return r
}

// simStats adds the cancellation calls and connections of a run to r.
func simStats(sim *wixsim.Server, r result, n int) result {
	r = countCalls(sim, r, wix.PathCancel, wix.PathBulkCancel)
	r.peakConns, r.totalConns = sim.PeakOpenConnections(), sim.TotalConnections()
	// Every entity must really have been canceled, or the timing is void.
	done := map[string]bool{}
	for _, c := range sim.Cancellations() {
		done[c.ExternalEntityID] = true
	}
	if len(done) != n {
		fatalf("the simulator saw %d distinct cancellations, want %d", len(done), n)
	}
	return r
}

// readProviderStats reads what memwrap wrote for each provider process.
func readProviderStats(dir string) result {
	var r result
	data, err := os.ReadFile(filepath.Join(dir, "rss.txt"))
	if err != nil {
		return r
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		for _, field := range strings.Fields(line)[1:] {
			k, v, _ := strings.Cut(field, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "maxrss_kib":
				r.rssKiB = max(r.rssKiB, n)
			case "cpu_ms":
				r.providerCPU += time.Duration(n) * time.Millisecond
			case "stderr_bytes":
				r.stderrBytes += n
			case "stderr_lines":
				r.stderrLines += n
			}
		}
	}
	return r
}

// alternate runs every variant rounds times through one, rotating the
// order each round; one gets the round, counted from 1.
func alternate(vs []variant, rounds int, one func(v variant, round int) result) [][]result {
	res := make([][]result, len(vs))
	for r := range rounds {
		for k := range vs {
			i := (k + r) % len(vs)
			res[i] = append(res[i], one(vs[i], r+1))
		}
	}
	return res
}

// alternateApplies alternates applies of n resources of every variant.
func alternateApplies(o options, vs []variant, n, rounds int) [][]result {
	return alternate(vs, rounds, func(v variant, round int) result {
		got := run(o, v, n)
		progress("N=%d round %d/%d  %-55s %6.2fs  calls=%d tokens=%d 429=%d rss=%dMiB",
			n, round, rounds, v.name, got.wall.Seconds(), got.calls(), got.tokenCalls, got.tooMany, got.rssKiB/1024)
		return got
	})
}

// ---------------------------------------------------------------------------
// Sections

func floor(o options) {
	fmt.Printf("\n## Apply time against the simulator (no latency, no rate limit), -parallelism=%d\n\n", o.parallelism)
	fmt.Println("Wall time of `terraform apply -auto-approve` (plan included) of N new resources in a fresh directory, median of alternating runs.")
	fmt.Println("CPU is user+system time, median: \"Terraform\" is the terraform process and everything it ran except the provider (curl and sh for local-exec); \"provider\" is every provider process of the apply.")
	fmt.Println()
	fmt.Println("| N | variant | runs | median | min–max | vs do-nothing | vs terraform_data | CPU Terraform | CPU provider | API calls / cancellation | biggest batch | token calls | peak conns | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, n := range o.sizes {
		vs := []variant{terraformData, noop, wixNoPacing, wixNoPacingNoBatch, curlPerResource}
		if n <= 200 {
			// At 1000 the defaults are the rate-limited section's first row
			// (the client paces itself below the simulator's limit, so the
			// limit never bites): no need to spend 35s a round on it here.
			vs = append(vs, wixDefaults)
		}
		loadBefore := loadavg()
		res := alternateApplies(o, vs, n, o.rounds[n])
		data, floorMed := median(res[0], wallOf), median(res[1], wallOf)
		for i, v := range vs {
			rs := res[i]
			med := median(rs, wallOf)
			row := fmt.Sprintf("| %d ", n) + wallCells(v.name, rs) +
				fmt.Sprintf(" %.2fx | %.2fx |", ratio(med, floorMed), ratio(med, data)) + cpuCells(rs)
			if v.sim {
				row += fmt.Sprintf(" %s | %s | %s | %s |", perCancellation(rs, n), rangeOf(rs, func(r result) int { return r.maxBatch }),
					rangeOf(rs, func(r result) int { return r.tokenCalls }), rangeOf(rs, func(r result) int { return r.peakConns }))
			} else {
				row += " – | – | – | – |"
			}
			row += " " + rss(rs) + " |"
			fmt.Println(row)
		}
		fmt.Printf("\nN=%d: load average %s before, %s after.\n\n", n, loadBefore, loadavg())
	}
}

// logs measures the lead of issue 4: terraform-plugin-go and the framework
// log every RPC at TRACE unless told otherwise, and Terraform drops those
// lines when neither TF_LOG nor TF_LOG_PROVIDER is set. The env vars of the
// "logs off" variants are what main.go would set in that case.
func logs(o options) {
	// The smallest N, with more rounds: at N=1000 Terraform's own cost,
	// which grows faster than N, drowns the provider's.
	n := o.sizes[0]
	rounds := o.logRounds
	vs := []variant{noop, noopLogsOff, wixNoPacing, wixNoPacingLogsOff}
	fmt.Printf("\n## What the SDK's TRACE logging costs when TF_LOG is unset (N=%d, -parallelism=%d)\n\n", n, o.parallelism)
	fmt.Println("\"logs off\" runs the same binaries with `TF_LOG_SDK=off` and `TF_LOG_PROVIDER_<NAME>=off` in Terraform's environment, which the provider inherits.")
	fmt.Printf("Log output is counted in separate runs at N=%d (memwrap relays the provider's stderr through a counter).\n", n)
	fmt.Println()
	counted := map[string]result{}
	for _, v := range vs {
		counted[v.name] = run(o, withEnv(v, append(slices.Clone(v.env), "BENCH_COUNT_STDERR=1")), n)
	}
	loadBefore := loadavg()
	res := alternateApplies(o, vs, n, rounds)
	printVsFirst("| variant | runs | median | min–max | vs do-nothing (logs on) | CPU Terraform | CPU provider | provider log output |", vs, res,
		func(v variant, _ []result) string {
			c := counted[v.name]
			return fmt.Sprintf("%d lines, %.1f MB", c.stderrLines, float64(c.stderrBytes)/1e6)
		})
	fmt.Printf("\nLoad average %s before, %s after.\n", loadBefore, loadavg())
}

// gc is an experiment, not part of the default run: does a higher GOGC for
// the provider process (not Terraform) pay, once the SDK logs are off?
func gc(o options) {
	n := o.sizes[len(o.sizes)-1]
	vs := []variant{wixNoPacingLogsOff}
	for _, g := range []string{"200", "400"} {
		vs = append(vs, withEnv(renamed(wixNoPacingLogsOff, wixNoPacingLogsOff.name+", provider GOGC="+g),
			append(slices.Clone(sdkLogsOff), "BENCH_PROVIDER_GOGC="+g)))
	}
	fmt.Printf("\n## Provider GOGC (N=%d, -parallelism=%d, SDK logs off)\n\n", n, o.parallelism)
	res := alternateApplies(o, vs, n, o.rounds[n])
	fmt.Println("| variant | runs | median | min–max | CPU Terraform | CPU provider | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for i, v := range vs {
		rs := res[i]
		fmt.Printf("%s%s %s |\n", wallCells(v.name, rs), cpuCells(rs), rss(rs))
	}
}

// limited is benchmark 2 of issue 21 (and the rate-limited run of issue
// 4): n cancellations against a simulator that admits 200 calls in any
// minute (a sliding window), with the defaults, next to the same apply
// with pacing off against no limit, in alternating rounds; then once with
// batching off.
func limited(o options) {
	n := o.limitedN
	rounds := o.rounds[n]
	if rounds == 0 {
		rounds = 3
	}
	fmt.Printf("\n## %d cancellations through a simulator that admits 200 requests in any minute, -parallelism=%d\n\n", n, o.parallelism)
	fmt.Println("The simulator's window is a sliding minute (the strictest reading of Wix's limit): never more than 200 admitted calls in any 60 seconds.")
	fmt.Println("\"pacing off, no limit\" is the same apply with `requests_per_minute = 0` against a simulator without a limit: the time with no pacing at all.")
	fmt.Println("Least time: what the window allows for the calls made (the first 200 at once, 200 more each minute); 0 when they fit in one window.")
	fmt.Println()
	fmt.Println("| variant | runs | median | min–max | Cancel Event calls | Bulk Cancel Event calls | API calls / cancellation | biggest batch | 429s | least time for the calls | token calls | CPU provider | provider peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	loadBefore := loadavg()
	vs := []variant{limitedWix, renamed(wixNoPacing, "wix, requests_per_minute = 0, pacing off, no limit")}
	res := alternate(vs, rounds, func(v variant, round int) result {
		r := run(o, v, n)
		progress("limited N=%d round %d/%d %-55s %6.2fs calls=%d 429=%d", n, round, rounds, v.name, r.wall.Seconds(), r.calls(), r.tooMany)
		return r
	})
	for i, v := range vs {
		fmt.Println(limitedRow(v.name, res[i], n))
	}
	if o.skipSlow {
		fmt.Printf("| wix, defaults, batching off | not run (-skip-slow); %d calls against the window need at least %s | | %d | 0 | 1.000 | 1 | | | | | | |\n",
			n, secs(leastTime(n, 200)), n)
	} else {
		r := run(o, limitedWixNoBatch, n)
		progress("limited N=%d %-45s %6.2fs calls=%d 429=%d", n, limitedWixNoBatch.name, r.wall.Seconds(), r.calls(), r.tooMany)
		fmt.Println(limitedRow(limitedWixNoBatch.name, []result{r}, n))
	}
	fmt.Printf("\nMedian with the defaults: %.2fx the apply with pacing off. Load average %s before, %s after.\n",
		ratio(median(res[0], wallOf), median(res[1], wallOf)), loadBefore, loadavg())
}

// limitedRow is a row of the limited table: the runs of one variant.
func limitedRow(name string, rs []result, n int) string {
	var least []string
	for _, r := range rs {
		least = append(least, secs(leastTime(r.calls()-r.tooMany, 200)))
	}
	slices.Sort(least)
	return wallCells(name, rs) + fmt.Sprintf(" %s | %s | %s | %s | %d | %s | %s | %s | %s |",
		rangeOf(rs, func(r result) int { return r.single }), rangeOf(rs, func(r result) int { return r.bulk }),
		perCancellation(rs, n), rangeOf(rs, func(r result) int { return r.maxBatch }), sumOf(rs, func(r result) int { return r.tooMany }),
		strings.Join(slices.Compact(least), ", "), rangeOf(rs, func(r result) int { return r.tokenCalls }),
		secs(median(rs, providerCPUOf)), rss(rs))
}

func sumOf(rs []result, f func(result) int) int {
	total := 0
	for _, r := range rs {
		total += f(r)
	}
	return total
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ---------------------------------------------------------------------------
// Formatting

func wallOf(r result) time.Duration         { return r.wall }
func terraformCPUOf(r result) time.Duration { return r.terraformCPU() }
func providerCPUOf(r result) time.Duration  { return r.providerCPU }

func median(rs []result, f func(result) time.Duration) time.Duration {
	ws := make([]time.Duration, len(rs))
	for i, r := range rs {
		ws[i] = f(r)
	}
	slices.Sort(ws)
	m := len(ws) / 2
	if len(ws)%2 == 1 {
		return ws[m]
	}
	return (ws[m-1] + ws[m]) / 2
}

func minOf(rs []result, f func(result) time.Duration) time.Duration {
	return f(slices.MinFunc(rs, func(a, b result) int { return int(f(a) - f(b)) }))
}

func maxOf(rs []result, f func(result) time.Duration) time.Duration {
	return f(slices.MaxFunc(rs, func(a, b result) int { return int(f(a) - f(b)) }))
}

// wallCells is how a row of a table of alternating runs starts: the
// variant, its runs, and the median and range of their wall times.
func wallCells(name string, rs []result) string {
	return fmt.Sprintf("| %s | %d | %s | %s–%s |", name, len(rs), secs(median(rs, wallOf)), secs(minOf(rs, wallOf)), secs(maxOf(rs, wallOf)))
}

// printVsFirst prints a table of alternating runs of vs: the wall-time
// cells, the ratio of each median to the first variant's, the CPU cells,
// and the cell last makes.
func printVsFirst(header string, vs []variant, res [][]result, last func(v variant, rs []result) string) {
	fmt.Println(header)
	fmt.Println("|---|---|---|---|---|---|---|---|")
	base := median(res[0], wallOf)
	for i, v := range vs {
		rs := res[i]
		fmt.Printf("%s %.2fx |%s %s |\n", wallCells(v.name, rs), ratio(median(rs, wallOf), base), cpuCells(rs), last(v, rs))
	}
}

// cpuCells is the median CPU of Terraform and of the provider processes,
// "–" for the latter where no provider ran.
func cpuCells(rs []result) string {
	return fmt.Sprintf(" %s | %s |", secs(median(rs, terraformCPUOf)), cpuOrDash(median(rs, providerCPUOf)))
}

func cpuOrDash(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return secs(d)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func perCancellation(rs []result, n int) string {
	lo, hi := 1e9, 0.0
	for _, r := range rs {
		c := float64(r.calls()) / float64(n)
		lo, hi = min(lo, c), max(hi, c)
	}
	if lo == hi {
		return fmt.Sprintf("%.3f", lo)
	}
	return fmt.Sprintf("%.3f–%.3f", lo, hi)
}

func rangeOf(rs []result, f func(result) int) string {
	lo, hi := 1<<30, 0
	for _, r := range rs {
		lo, hi = min(lo, f(r)), max(hi, f(r))
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func rss(rs []result) string {
	var ks []int64
	for _, r := range rs {
		if r.rssKiB > 0 {
			ks = append(ks, r.rssKiB)
		}
	}
	if len(ks) == 0 {
		return "–"
	}
	slices.Sort(ks)
	return fmt.Sprintf("%.1f MiB", float64(ks[len(ks)/2])/1024)
}

// ---------------------------------------------------------------------------
// Setup

func machine(o options) string {
	var b strings.Builder
	b.WriteString("## Machine\n\n")
	cpu := "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				_, cpu, _ = strings.Cut(line, ":")
				cpu = strings.TrimSpace(cpu)
				break
			}
		}
	}
	mem := "unknown"
	if out, err := exec.Command("free", "-h").Output(); err == nil {
		lines := strings.Split(string(out), "\n")
		if len(lines) > 1 {
			f := strings.Fields(lines[1])
			if len(f) > 1 {
				mem = f[1]
			}
		}
	}
	tfVersion := "unknown"
	if out, err := exec.Command(o.terraform, "version", "-json").Output(); err == nil {
		var v struct {
			TerraformVersion string `json:"terraform_version"`
		}
		if json.Unmarshal(out, &v) == nil {
			tfVersion = v.TerraformVersion
		}
	}
	kernel, _ := exec.Command("uname", "-sr").Output()
	fmt.Fprintf(&b, "- CPU: %s, %d cores (`nproc`: %s)\n", cpu, runtime.NumCPU(), nproc())
	fmt.Fprintf(&b, "- Memory: %s (`free -h` total)\n", mem)
	fmt.Fprintf(&b, "- Kernel: %s\n", strings.TrimSpace(string(kernel)))
	fmt.Fprintf(&b, "- Go: %s; Terraform: %s\n", runtime.Version(), tfVersion)
	fmt.Fprintf(&b, "- -parallelism=%d; rounds per N: %v; date: %s\n", o.parallelism, o.rounds, time.Now().UTC().Format(time.RFC3339))
	return b.String()
}

func nproc() string {
	out, err := exec.Command("nproc").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "  "+format+"\n", args...)
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		fatalf("%q is not a number", s)
	}
	return n
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
