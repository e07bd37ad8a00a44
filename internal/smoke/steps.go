package smoke

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
)

// step is one check of the run, in the order of steps.
type step struct {
	name string
	does string // what it does, as the progress line says
	run  func(*session, context.Context, *StepResult) error
}

// steps are the checks, in order. Each is a Terraform command or two on
// the run's working directory; each later step relies on the ones before.
var steps = []step{
	{"token", "open an ephemeral wix_access_token (Wix issues a token)", (*session).stepToken},
	{"query", "list the site's automations (data source wix_automations)", (*session).stepQuery},
	{"create", "create an INACTIVE wix_automation", (*session).stepCreate},
	{"read", "read it back: terraform plan shows no changes", (*session).stepRead},
	{"update", "update it (status ACTIVE, a new description); plan shows no changes", (*session).stepUpdate},
	{"delete", "delete it", (*session).stepDelete},
	{"listeners", "look for ACTIVE automations on the trigger key", (*session).stepListeners},
	{"report", "report one event on the trigger key (wix_automation_event)", (*session).stepReport},
	{"cancel", "cancel that event (destroy wix_automation_event)", (*session).stepCancel},
}

// skipped is a step's outcome when it did not run, and why.
type skipped struct{ reason string }

func (s skipped) Error() string { return s.reason }

// ephemeralMin is the first Terraform with ephemeral resources.
var ephemeralMin = version.Must(version.NewVersion("1.10.0"))

func (s *session) stepToken(ctx context.Context, r *StepResult) error {
	if s.tfVersion.LessThan(ephemeralMin) {
		return skipped{fmt.Sprintf("Terraform %s has no ephemeral resources (1.10+); the other steps fetch a token anyway", s.tfVersion)}
	}
	if err := s.apply(ctx, r, ephemeralBlock); err != nil {
		return err
	}
	for _, c := range r.Calls {
		if c.RPC == "OpenEphemeralResource" && c.Status == "200" {
			r.Detail = "Wix issued a token to wix_access_token (not shown)"
			return nil
		}
	}
	return errors.New("terraform apply succeeded, but the provider logged no answer from Wix while opening wix_access_token")
}

func (s *session) stepQuery(ctx context.Context, r *StepResult) error {
	values, err := s.applyForOutputs(ctx, r, queryBlock)
	if err != nil {
		return err
	}
	total, err := output[int](values, "automations")
	if err != nil {
		return err
	}
	active, err := output[int](values, "active")
	if err != nil {
		return err
	}
	r.Detail = fmt.Sprintf("the site has %d automations, %d of them ACTIVE", total, active)
	return nil
}

func (s *session) stepCreate(ctx context.Context, r *StepResult) error {
	s.createTried = true
	values, err := s.applyForOutputs(ctx, r, s.automationBlock("smoke", s.createdAutomation(), true))
	if err != nil {
		return err
	}
	if s.automationID, err = output[string](values, "id"); err != nil {
		return err
	}
	revision, _ := output[string](values, "revision")
	r.Detail = fmt.Sprintf("automation %s %q, INACTIVE, revision %s", s.automationID, s.ids.name, revision)
	return nil
}

func (s *session) stepRead(ctx context.Context, r *StepResult) error {
	if err := s.planShowsNoChanges(ctx, r); err != nil {
		return err
	}
	r.Detail = "terraform plan read the automation back from Wix: no changes"
	return nil
}

// planShowsNoChanges runs terraform plan (which reads the automation from
// Wix) and fails with the plan when it would change anything.
func (s *session) planShowsNoChanges(ctx context.Context, r *StepResult) error {
	planFile := filepath.Join(s.root, "plan.tfplan")
	var changes bool
	err := s.terraform(ctx, r, func(ctx context.Context) (err error) {
		changes, err = s.tf.Plan(ctx, tfexec.Out(planFile))
		return err
	})
	if err != nil || !changes {
		return err
	}
	shown, err := s.tf.ShowPlanFileRaw(ctx, planFile)
	if err != nil {
		shown = "(terraform show failed: " + err.Error() + ")"
	}
	return fmt.Errorf("terraform plan right after apply wants changes: the provider reads back something other than it wrote:\n%s",
		strings.TrimSpace(shown))
}

func (s *session) stepUpdate(ctx context.Context, r *StepResult) error {
	values, err := s.applyForOutputs(ctx, r, s.automationBlock("smoke", s.updatedAutomation(), true))
	if err != nil {
		return err
	}
	status, _ := output[string](values, "status")
	revision, _ := output[string](values, "revision")
	if status != "ACTIVE" {
		return fmt.Errorf("after the update the automation's status is %q, want ACTIVE", status)
	}
	if err := s.planShowsNoChanges(ctx, r); err != nil {
		return err
	}
	r.Detail = fmt.Sprintf("status INACTIVE -> ACTIVE and a new description, now revision %s; plan: no changes", revision)
	return nil
}

func (s *session) stepDelete(ctx context.Context, r *StepResult) error {
	if err := s.apply(ctx, r); err != nil {
		return err
	}
	s.automationDeleted = true
	r.Detail = "automation " + s.automationID + " deleted"
	return nil
}

// stepListeners looks, right before the report, for ACTIVE automations of
// the trigger key: a report would start their flows, which may email or
// task real people. It finds them, the report and cancel steps are skipped.
func (s *session) stepListeners(ctx context.Context, r *StepResult) error {
	listening, ours, err := s.onKey(ctx, r)
	if err != nil {
		return err
	}
	if len(ours) > 0 {
		r.Detail = fmt.Sprintf("Wix still lists the automation deleted a moment ago (%s); ", strings.Join(ours, ", "))
	}
	if len(listening) == 0 {
		r.Detail += "no ACTIVE automation listens on " + s.site.TriggerKey + ": a report starts no flow"
		return nil
	}
	s.reportSkip = fmt.Sprintf("ACTIVE automations listen on trigger key %s: %s. A report would start their flows "+
		"(emails or tasks to real people). Deactivate them, or set WIX_TEST_TRIGGER_KEY to a trigger key no ACTIVE automation uses",
		s.site.TriggerKey, strings.Join(listening, ", "))
	r.Detail += fmt.Sprintf("%d ACTIVE: %s", len(listening), strings.Join(listening, ", "))
	return nil
}

// onKey lists the automations of the trigger key: the ACTIVE ones of
// others, and the ids of those named like this run's automation.
func (s *session) onKey(ctx context.Context, r *StepResult) (listening, ours []string, err error) {
	values, err := s.applyForOutputs(ctx, r, s.onKeyBlock())
	if err != nil {
		return nil, nil, err
	}
	if listening, err = output[[]string](values, "listening"); err != nil {
		return nil, nil, err
	}
	ours, err = output[[]string](values, "ours")
	return listening, ours, err
}

func (s *session) stepReport(ctx context.Context, r *StepResult) error {
	if s.reportSkip != "" {
		return skipped{s.reportSkip}
	}
	s.reportTried = true
	values, err := s.applyForOutputs(ctx, r, s.eventBlock())
	if err != nil {
		return err
	}
	activations, _ := output[int](values, "activations")
	r.Detail = fmt.Sprintf("event %s/%s reported; it started %d activation(s)", s.site.TriggerKey, s.ids.entityID, activations)
	return nil
}

func (s *session) stepCancel(ctx context.Context, r *StepResult) error {
	if s.reportSkip != "" {
		return skipped{"nothing was reported"}
	}
	if err := s.apply(ctx, r); err != nil {
		return err
	}
	s.eventCanceled = true
	r.Detail = fmt.Sprintf("event %s/%s canceled", s.site.TriggerKey, s.ids.entityID)
	return nil
}
