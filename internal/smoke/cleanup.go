package smoke

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Addresses of what the steps make.
const (
	automationAddr = "wix_automation.smoke"
	eventAddr      = "wix_automation_event.smoke"
)

// cleanUp removes what the run made at Wix, however the steps ended, and
// returns what it could not remove (empty when nothing is left). It runs
// with its own context: an interrupted step still gets its clean-up.
//
// Three ways, in order: a destroy of whatever the state holds; a cancel of
// the run's event by its handle, when the state no longer knows whether it
// was reported; and a search by the automation's name, unique to the run,
// when a create may have reached Wix without Terraform learning its id.
func (s *session) cleanUp(ctx context.Context) (*StepResult, []string) {
	r := &StepResult{Name: "clean-up", Does: "remove what the run made"}
	var notes []string
	before, err := s.managed(ctx)
	if err != nil {
		notes = append(notes, "reading the state failed: "+err.Error())
	}
	if len(before) > 0 {
		notes = append(notes, s.destroyState(ctx, r, before)...)
	}
	var left []string
	if s.reportTried && !s.eventCanceled {
		notes = append(notes, s.cancelByHandle(ctx, r))
		if !s.eventCanceled {
			left = append(left, fmt.Sprintf("the event %s/%s may be pending: cancel it with a wix_automation_event_cancellation of that trigger key and external entity id",
				s.site.TriggerKey, s.ids.entityID))
		}
	}
	if s.createTried && !s.automationDeleted {
		if _, inState := before[automationAddr]; inState {
			left = append(left, fmt.Sprintf("the automation %s (%q): delete it in the site's dashboard (Automations)", s.automationID, s.ids.name))
		} else {
			note, found := s.sweep(ctx, r)
			notes = append(notes, note)
			left = append(left, found...)
		}
	}
	r.Detail = strings.Join(nonEmpty(notes), "; ")
	if r.Detail == "" {
		r.Detail = "nothing to remove: the steps removed what they made"
	}
	return r, left
}

// destroyState destroys what the state holds and records what that
// removed; the notes say what happened.
func (s *session) destroyState(ctx context.Context, r *StepResult, before map[string]string) []string {
	notes := []string{"terraform destroy of " + strings.Join(sortedKeys(before), ", ")}
	if err := s.writeConfig(); err != nil {
		return append(notes, err.Error())
	}
	if err := s.terraform(ctx, r, func(ctx context.Context) error { return s.tf.Destroy(ctx) }); err != nil {
		notes = append(notes, "it failed: "+err.Error())
	}
	after, err := s.managed(ctx)
	if err != nil {
		return append(notes, "reading the state after it failed: "+err.Error())
	}
	removed := func(addr string) bool {
		_, was := before[addr]
		_, still := after[addr]
		return was && !still
	}
	s.automationDeleted = s.automationDeleted || removed(automationAddr)
	s.eventCanceled = s.eventCanceled || removed(eventAddr)
	return notes
}

// cancelByHandle cancels the run's event by its trigger key and external
// entity id, which the run chose before reporting: it works whether the
// report reached Wix or not (canceling nothing succeeds).
func (s *session) cancelByHandle(ctx context.Context, r *StepResult) string {
	if err := s.apply(ctx, r, s.cancellationBlock()); err != nil {
		return "canceling the event by its handle failed: " + err.Error()
	}
	s.eventCanceled = true
	return "canceled the event " + s.site.TriggerKey + "/" + s.ids.entityID + " by its handle"
}

// sweep looks for automations named like the run's, imports each and
// destroys it. It returns a note, and what it could not delete.
func (s *session) sweep(ctx context.Context, r *StepResult) (string, []string) {
	maybe := fmt.Sprintf("an automation named %q may exist: look for it in the site's dashboard (Automations)", s.ids.name)
	_, ours, err := s.onKey(ctx, r)
	if err != nil {
		return "looking for the automation by its name failed: " + err.Error(), []string{maybe}
	}
	if len(ours) == 0 {
		s.automationDeleted = true
		return fmt.Sprintf("no automation named %q at Wix", s.ids.name), nil
	}
	if err := s.adoptAndDestroy(ctx, r, ours); err != nil {
		return fmt.Sprintf("deleting %s, found by its name, failed: %v", strings.Join(ours, ", "), err),
			[]string{fmt.Sprintf("the automations %s (%q): delete them in the site's dashboard (Automations)", strings.Join(ours, ", "), s.ids.name)}
	}
	s.automationDeleted = true
	return "found " + strings.Join(ours, ", ") + " by its name, imported and deleted it", nil
}

// adoptAndDestroy imports the automations of ids into the state (terraform
// import changes nothing at Wix) and destroys them.
func (s *session) adoptAndDestroy(ctx context.Context, r *StepResult, ids []string) error {
	if err := s.writeConfig(s.adoptBlocks(len(ids))); err != nil {
		return err
	}
	for i, id := range ids {
		address := fmt.Sprintf("wix_automation.found_%d", i)
		if err := s.terraform(ctx, r, func(ctx context.Context) error { return s.tf.Import(ctx, address, id) }); err != nil {
			return err
		}
	}
	if err := s.writeConfig(); err != nil {
		return err
	}
	return s.terraform(ctx, r, func(ctx context.Context) error { return s.tf.Destroy(ctx) })
}

// removeDirUnlessNeeded removes the run's directory when nothing is left
// at Wix; otherwise it keeps it (its state lets a later destroy finish the
// clean-up) and says how to use it.
func (s *session) removeDirUnlessNeeded(left []string) string {
	if len(left) == 0 {
		_ = os.RemoveAll(s.root)
		return ""
	}
	return fmt.Sprintf("The run's Terraform state is kept in %s. With the same WIX_* variables,\n"+
		"  TF_CLI_CONFIG_FILE=%s/terraform.rc terraform -chdir=%s/work destroy\n"+
		"retries the clean-up of what it holds.", s.root, s.root, s.root)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
