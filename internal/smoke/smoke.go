// Package smoke checks the provider against a Wix site, step by step,
// through a real Terraform CLI and the provider built from this repository:
// the logic of `make smoke` (cmd/wixsmoke).
//
// It is safe by construction: it refuses to start unless the user opted in
// (WIX_SMOKE=1); it reports an event only when no ACTIVE automation listens
// on the trigger key (a report would start real flows); and whatever a step
// did, failed or was interrupted, a clean-up removes what the run made, and
// says what it could not.
//
// Each step says what it did, how long it took and Wix's request id of
// every call, read from the provider's INFO log (wix.CallAnswered). The end
// is a summary for a bug report, with no secret in it.
package smoke

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Exit codes of Run.
const (
	ExitOK      = 0 // every step passed or was skipped, and nothing is left at Wix
	ExitFailed  = 1 // a step failed or was interrupted, or something is left at Wix
	ExitRefused = 2 // not opted in, or not configured: nothing ran
)

// Config is what a run needs besides the site.
type Config struct {
	// Terraform is the path of the Terraform CLI (1.5+; 1.10+ for the token step).
	Terraform string
	// ProviderDir holds the terraform-provider-wix binary to check.
	ProviderDir string
	// ProviderVersion is shown in the summary.
	ProviderVersion string
	// Env is the environment Terraform and the provider run with, WIX_*
	// included; the site is read from it.
	Env map[string]string
	// Out receives the progress and the summary.
	Out io.Writer
}

// Status is how a step ended.
type Status string

// The statuses of a step.
const (
	StatusOK          Status = "ok"
	StatusFailed      Status = "FAILED"
	StatusInterrupted Status = "INTERRUPTED"
	StatusSkipped     Status = "skipped"
	StatusNotRun      Status = "not run"
)

// StepResult is how one step ended, with every Wix call it made.
type StepResult struct {
	Name   string
	Does   string
	Status Status
	Took   time.Duration
	Detail string // what it found, or why it was skipped
	Err    string // why it failed
	Calls  []Call
}

// Run checks the site of cfg.Env step by step, then cleans up, and returns
// the exit code. The steps run under ctx; the clean-up runs under
// cleanupCtx, so that an interrupted step (ctx canceled: Terraform gets
// the interrupt, stops and saves its state) is still cleaned up.
func Run(ctx, cleanupCtx context.Context, cfg Config) int {
	site, err := Preflight(cfg.Env)
	if err != nil {
		fmt.Fprintln(cfg.Out, "wixsmoke:", err)
		return ExitRefused
	}
	out := &printer{w: cfg.Out, secrets: site.secrets}
	s, err := newSession(ctx, cfg, site, out)
	if err != nil {
		out.printf("wixsmoke: %v\n", err)
		if s != nil {
			_ = os.RemoveAll(s.root)
		}
		return ExitFailed
	}
	s.printHeader()
	results := s.runSteps(ctx)
	if ctx.Err() != nil {
		out.printf("wixsmoke: interrupted; cleaning up what the run made (interrupt again to stop it)\n")
	}
	cleanup, left := s.timedCleanUp(cleanupCtx)
	s.printSummary(results, cleanup, left)
	if note := s.removeDirUnlessNeeded(left); note != "" {
		out.printf("%s\n", note)
	}
	if failed(results) || len(left) > 0 || cleanup.Status != StatusOK {
		return ExitFailed
	}
	return ExitOK
}

// runSteps runs the steps in order until one fails or ctx ends; the rest
// are not run.
func (s *session) runSteps(ctx context.Context) []*StepResult {
	var results []*StepResult
	stop := false
	for i, st := range steps {
		r := &StepResult{Name: st.name, Does: st.does, Status: StatusNotRun}
		results = append(results, r)
		if stop || ctx.Err() != nil {
			continue
		}
		s.printStepStart(i, st)
		started := time.Now()
		err := st.run(s, ctx, r)
		r.Took = time.Since(started)
		r.Status, stop = classify(ctx, r, err)
		s.printStepEnd(r)
	}
	return results
}

// classify is the status of a step that returned err, and whether the run
// stops there.
func classify(ctx context.Context, r *StepResult, err error) (Status, bool) {
	var skip skipped
	switch {
	case err == nil:
		return StatusOK, false
	case errors.As(err, &skip):
		r.Detail = skip.reason
		return StatusSkipped, false
	case ctx.Err() != nil:
		r.Err = err.Error()
		return StatusInterrupted, true
	}
	r.Err = err.Error()
	return StatusFailed, true
}

// timedCleanUp runs the clean-up and records how it ended.
func (s *session) timedCleanUp(ctx context.Context) (*StepResult, []string) {
	s.out.printf("[clean-up] remove what the run made, however the steps ended\n")
	started := time.Now()
	r, left := s.cleanUp(ctx)
	r.Took = time.Since(started)
	switch {
	case ctx.Err() != nil:
		r.Status = StatusInterrupted
		r.Err = "the clean-up was interrupted: " + r.Detail
	case len(left) > 0:
		r.Status = StatusFailed
		r.Err = r.Detail
	default:
		r.Status = StatusOK
	}
	s.printStepEnd(r)
	return r, left
}

func failed(results []*StepResult) bool {
	for _, r := range results {
		if r.Status == StatusFailed || r.Status == StatusInterrupted {
			return true
		}
	}
	return false
}
