// Package soak_test takes an environment of every kind through its whole
// life (create, retire, destroy) with a real Terraform CLI against the
// simulator, while the simulator answers a share of calls with seeded
// faults (wixsim.SoakFaults), and checks after every apply that nothing was
// lost, nothing doubled, state is well formed and no secret leaked; each
// phase must converge within three applies to an empty plan that writes
// nothing.
//
// make test runs the fixed seeds of TestAccSoak; make soak runs random
// seeds for as long as SOAK_DURATION says, and SOAK_SEED=n replays one.
package soak_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// fixedSeeds are make test's seeds; see the README's Reliability section
// for what each one's faults exercise.
var fixedSeeds = []uint64{5, 8, 10}

// maxApplies is how many applies a phase may take to converge.
const maxApplies = 3

// The fixed seeds: in make test and CI.
func TestAccSoak(t *testing.T) {
	for _, seed := range fixedSeeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			acctest.Parallel(t)
			runSoak(t, seed, wixsim.DefaultSoakRate)
		})
	}
}

// Random seeds for SOAK_DURATION (make soak), each printed as it starts;
// SOAK_SEED replays one seed instead, and SOAK_RATE changes the share of
// attempts chosen to fail (the rules that keep faults survivable hold at
// any rate).
func TestAccSoakRandom(t *testing.T) {
	rate := wixsim.DefaultSoakRate
	if r := os.Getenv("SOAK_RATE"); r != "" {
		var err error
		if rate, err = strconv.ParseFloat(r, 64); err != nil || rate < 0 || rate > 1 {
			t.Fatalf("SOAK_RATE=%q is not a share between 0 and 1", r)
		}
	}
	if seed := os.Getenv("SOAK_SEED"); seed != "" {
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			t.Fatalf("SOAK_SEED=%q is not a seed: %v", seed, err)
		}
		t.Run(fmt.Sprintf("seed=%d", n), func(t *testing.T) { runSoak(t, n, rate) })
		return
	}
	duration, err := time.ParseDuration(os.Getenv("SOAK_DURATION"))
	if err != nil {
		t.Skip("runs with make soak: set SOAK_DURATION (e.g. 10m) for random seeds, or SOAK_SEED to replay one")
	}
	deadline := time.Now().Add(duration)
	for runs := 1; time.Now().Before(deadline); runs++ {
		seed := rand.Uint64N(1 << 32)
		fmt.Printf("soak run %d: seed %d\n", runs, seed)
		if !t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { runSoak(t, seed, rate) }) {
			return
		}
	}
}

// soak is one seed's run.
type soak struct {
	t       *testing.T
	seed    uint64
	env     *acctest.Env
	faults  *wixsim.SoakFaults
	ws      *acctest.Workspace
	scan    *acctest.SecretScan
	step    string
	last    acctest.CLIRun
	lineage string
	serial  int
	applies []string // per phase, how many applies it took
	// unconfirmed names, for the summary, each event that state held as
	// unconfirmed, and when first.
	unconfirmed map[string]string
	settings    settings
}

func runSoak(t *testing.T, seed uint64, rate float64) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("an acceptance test: set TF_ACC=1 (make test does)")
	}
	cli := acctest.TerraformOutputCLI(t, "to read what each plan says it will change")
	env := acctest.NewSimEnv(t)
	secret := acctest.RandomSecret("soak-app-secret-")
	env.Sim.AddApp(wixsim.DemoAppID, secret, wixsim.DemoInstanceID) // a secret only this run knows
	s := &soak{t: t, seed: seed, env: env, faults: wixsim.NewSoakFaults(seed), scan: acctest.NewSecretScan(t, env),
		unconfirmed: map[string]string{}}
	s.scan.Secret("the app secret", secret)
	version, tofu := acctest.CLIVersion(t, cli)
	s.settings = settings{batching: seed%4 != 0, ephemeral: !tofu && !version.LessThan(tfversion.Version1_10_0)}
	s.ws = acctest.NewWorkspace(t, cli, acctest.ReattachProvider(t, env.Provider()), "TF_VAR_app_secret="+secret)
	s.faults.Rate = rate
	env.Sim.UseSoakFaults(s.faults)
	t.Logf("soak seed %d (replay: %s): %s, fault rate %.2f", seed, s.replay(), s.settings, rate)
	for _, phase := range []int{phaseCreate, phaseRetire, phaseDestroy} {
		s.runPhase(phase)
	}
	s.scan.Report("the output", "the working directory: terraform.tfstate", "the working directory: terraform.tfstate.backup")
	t.Logf("seed %d converged: %s; events saved unconfirmed and settled later: %v; faults met: %s", seed,
		strings.Join(s.applies, ", "), s.unconfirmed, s.metCounts())
}

// runPhase applies (or destroys) until the plan is empty, at most
// maxApplies times, checking the world after each command.
func (s *soak) runPhase(phase int) {
	s.ws.Write("main.tf", configuration(min(phase, phaseRetire), s.env.Server.URL, s.settings))
	verb := "apply"
	if phase == phaseDestroy {
		verb = "destroy"
	}
	for n := 1; n <= maxApplies; n++ {
		s.step = fmt.Sprintf("%s phase, %s %d", phaseNames[phase], verb, n)
		applied := s.run(verb, "-auto-approve").Exit == 0
		if strings.Contains(s.last.Output, "Check block assertion failed") {
			s.fail("a check block of the configuration failed (wix_access_token yields a token)")
		}
		st := s.checkWorld(applied)
		if applied && s.planIsEmpty(phase, st) {
			s.check("the phase's end", converged(s.readState(), worldOf(s.env.Sim), phase))
			s.applies = append(s.applies, fmt.Sprintf("%s in %d", phaseNames[phase], n))
			return
		}
	}
	s.fail(fmt.Sprintf("the %s phase did not converge within %d applies", phaseNames[phase], maxApplies))
}

// planIsEmpty runs the plan after a successful apply, which must call no
// write; a plan that is not empty may only settle unconfirmed events.
func (s *soak) planIsEmpty(phase int, st *acctest.StateFile) bool {
	before := len(s.env.Sim.Requests())
	args := []string{"plan", "-detailed-exitcode"}
	if phase == phaseDestroy {
		args = append(args, "-destroy")
	}
	s.step += ", then plan"
	plan := s.run(args...)
	s.check("the plan", noWrites(s.env.Sim.Requests()[before:]))
	switch plan.Exit {
	case 0:
		return true
	case 2:
		s.check("the plan after a successful apply", onlySettlesLeft(plan.Output, st))
		return false
	}
	s.fail("the plan failed")
	return false
}

// run runs one command and keeps its output for the secret scan.
func (s *soak) run(args ...string) acctest.CLIRun {
	s.last = s.ws.Run(args...)
	s.scan.Text("the output", s.last.Output)
	s.t.Logf("seed %d, %s: exit %d in %s, %d faults met so far", s.seed, s.step, s.last.Exit,
		s.last.Took.Round(time.Millisecond), len(s.faults.Met()))
	return s.last
}

// checkWorld checks state and Wix after a command, and returns the state.
func (s *soak) checkWorld(applied bool) *acctest.StateFile {
	st := s.readState()
	w := worldOf(s.env.Sim)
	s.check("state", wellFormed(st))
	s.check("nothing doubled", doubled(w))
	s.check("nothing lost", lost(st, w, applied))
	for _, e := range st.Instances("managed", "wix_automation_event") {
		if _, seen := s.unconfirmed[e.Address]; !seen && unconfirmed(e.StateInstance) {
			s.unconfirmed[e.Address] = s.step
		}
	}
	if err := s.scan.ScanTree("the working directory", s.ws.Dir, nil); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// readState reads the state and its backup, which must both be state
// files of one lineage whose serial never goes back.
func (s *soak) readState() *acctest.StateFile {
	st, _, err := acctest.ReadStateFile(s.ws.StatePath())
	switch {
	case errors.Is(err, fs.ErrNotExist) && s.lineage == "":
		return &acctest.StateFile{} // nothing written yet
	case err != nil:
		s.fail(err.Error())
	}
	if _, statErr := os.Stat(s.ws.BackupPath()); statErr == nil {
		backup, _, err := acctest.ReadStateFile(s.ws.BackupPath())
		if err != nil || backup.Lineage != st.Lineage {
			s.fail(fmt.Sprintf("the state backup is not an earlier state of the same lineage: %v", err))
		}
	}
	if (s.lineage != "" && st.Lineage != s.lineage) || st.Serial < s.serial {
		s.fail(fmt.Sprintf("state went from lineage %s serial %d to lineage %s serial %d", s.lineage, s.serial, st.Lineage, st.Serial))
	}
	s.lineage, s.serial = st.Lineage, st.Serial
	return st
}

// check fails the run with what is wrong, if anything.
func (s *soak) check(what string, wrong []string) {
	if len(wrong) > 0 {
		s.fail(what + ":\n  " + strings.Join(wrong, "\n  "))
	}
}

// fail stops the run, saying where, what the faults were and how to
// replay it.
func (s *soak) fail(what string) {
	s.t.Helper()
	out := strings.Split(strings.TrimSpace(s.last.Output), "\n")
	s.t.Fatalf("seed %d, %s: %s\n\nfaults met so far:\n%s\n\nterraform %s exited %d; its output ends:\n%s\n\nreplay: %s",
		s.seed, s.step, what, s.metText(), strings.Join(s.last.Args, " "), s.last.Exit,
		strings.Join(out[max(0, len(out)-40):], "\n"), s.replay())
}

// replay is the command that runs this seed again.
func (s *soak) replay() string {
	cmd := fmt.Sprintf("make soak SOAK_SEED=%d", s.seed)
	if s.faults.Rate != wixsim.DefaultSoakRate {
		cmd += fmt.Sprintf(" SOAK_RATE=%g", s.faults.Rate)
	}
	return cmd
}

// metCounts counts the faults met so far by kind and operation.
func (s *soak) metCounts() string {
	counts := map[string]int{}
	for _, m := range s.faults.Met() {
		counts[fmt.Sprintf("%s on %s", m.Kind, m.Op)]++
	}
	var parts []string
	for what, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, what))
	}
	slices.Sort(parts)
	return fmt.Sprintf("%d (%s)", len(s.faults.Met()), strings.Join(parts, ", "))
}

// metText lists the faults met so far, one a line.
func (s *soak) metText() string {
	var lines []string
	for _, m := range s.faults.Met() {
		lines = append(lines, "  "+m.String())
	}
	if len(lines) == 0 {
		return "  (none)"
	}
	return strings.Join(lines, "\n")
}
