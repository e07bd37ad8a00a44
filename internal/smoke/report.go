package smoke

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// printer writes what the run says, with every secret it knows masked: a
// second line of defense behind the provider's own masking, since the run
// prints Terraform's error messages as they are.
type printer struct {
	w       io.Writer
	secrets []string
}

func (p *printer) printf(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	for _, secret := range p.secrets {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	_, _ = io.WriteString(p.w, text)
}

func (s *session) printHeader() {
	s.out.printf("wixsmoke: checking terraform-provider-wix against %s (instance %s, trigger key %s) with Terraform %s\n",
		s.site.BaseURL, s.site.InstanceID, s.site.TriggerKey, s.tfVersion)
	s.out.printf("wixsmoke: everything it makes is named %q or has the external entity id %s\n", s.ids.name, s.ids.entityID)
}

func (s *session) printStepStart(i int, st step) {
	s.out.printf("[%d/%d] %s: %s\n", i+1, len(steps), st.name, st.does)
}

// printStepEnd says how the step ended, and every Wix call it made.
func (s *session) printStepEnd(r *StepResult) {
	switch r.Status {
	case StatusOK:
		s.out.printf("      ok in %s: %s\n", seconds(r.Took), r.Detail)
	case StatusSkipped:
		s.out.printf("      skipped: %s\n", r.Detail)
	default:
		s.out.printf("      %s after %s:\n%s\n", r.Status, seconds(r.Took), indent(r.Err, "        "))
	}
	for _, c := range r.Calls {
		s.out.printf("      Wix: %s\n", c)
	}
}

// printSummary prints what a user pastes into a bug report: versions,
// the site's ids, each step with its time and Wix's request ids, and what
// is left at Wix. It holds no secret: the app secret and tokens never
// reach the run's output (and are masked if they did).
func (s *session) printSummary(results []*StepResult, cleanup *StepResult, left []string) {
	p := s.out
	p.printf("\n---- wixsmoke summary: paste from here into a bug report (it holds no secret) ----\n")
	p.printf("result:     %s\n", outcome(results, left))
	p.printf("provider:   terraform-provider-wix %s\n", s.cfg.ProviderVersion)
	p.printf("terraform:  %s (%s/%s)\n", s.tfVersion, runtime.GOOS, runtime.GOARCH)
	p.printf("site:       %s, instance %s, app %s, trigger key %s\n", s.site.BaseURL, s.site.InstanceID, s.site.AppID, s.site.TriggerKey)
	if len(s.site.Settings) > 0 {
		p.printf("settings:   %s\n", strings.Join(s.site.Settings, ", "))
	}
	p.printf("date:       %s\n", time.Now().UTC().Format(time.RFC3339))
	for _, r := range append(results, cleanup) {
		p.printf("%-10s %-11s %6s  %s\n", r.Name, r.Status, seconds(r.Took), oneLine(r))
		for _, c := range r.Calls {
			p.printf("%31s%s\n", "", c)
		}
	}
	if len(left) == 0 {
		p.printf("left at Wix: nothing\n")
	} else {
		p.printf("left at Wix (could not clean up):\n  - %s\n", strings.Join(left, "\n  - "))
	}
	p.printf("---- end of the wixsmoke summary ----\n")
}

// outcome is the summary's one-line result.
func outcome(results []*StepResult, left []string) string {
	var failed, skippedSteps []string
	for _, r := range results {
		switch r.Status {
		case StatusFailed, StatusInterrupted:
			failed = append(failed, r.Name+" "+string(r.Status))
		case StatusSkipped:
			skippedSteps = append(skippedSteps, r.Name)
		}
	}
	var parts []string
	if len(failed) == 0 {
		parts = append(parts, "PASSED")
	} else {
		parts = append(parts, "FAILED ("+strings.Join(failed, ", ")+")")
	}
	if len(skippedSteps) > 0 {
		parts = append(parts, "skipped: "+strings.Join(skippedSteps, ", "))
	}
	if len(left) > 0 {
		parts = append(parts, fmt.Sprintf("%d thing(s) left at Wix", len(left)))
	}
	return strings.Join(parts, "; ")
}

// oneLine is a step's detail, or its error, on one line of the summary
// (errors keep their first lines: Terraform's summary and detail).
func oneLine(r *StepResult) string {
	switch r.Status {
	case StatusFailed, StatusInterrupted:
		return strings.Join(firstLines(r.Err, 6), " | ")
	case StatusNotRun:
		return "not run"
	}
	return r.Detail
}

func firstLines(s string, n int) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" && len(out) < n {
			out = append(out, line)
		}
	}
	return out
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

func seconds(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
