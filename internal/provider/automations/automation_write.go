package automations

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// uncertainCreateWindow is how recent an automation must be to be taken
// for the one an uncertain create made: the create was sent moments ago,
// and the window allows for clock skew between this machine and Wix.
const uncertainCreateWindow = 5 * time.Minute

// lookupAttempts and lookupPause give Wix's Query time to show an
// automation created a moment ago before concluding that none was.
const (
	lookupAttempts = 3
	lookupPause    = time.Second
)

// lookupTimeout is the least time the look-up after an uncertain create
// gets. It runs on a context of its own (see lookupContext): the create's
// may be what ended (Ctrl-C, the create timeout), and a look-up on it
// could never find what Wix made, so the next apply would create it again.
// Seconds, not minutes, when Terraform is waiting to stop.
const lookupTimeout = 15 * time.Second

// lookupContext is the look-up's context: ctx's values without its
// cancellation, until ctx's own deadline when that is later than
// lookupTimeout from now and ctx is still alive (the look-up waits for
// pacing like any call, and a busy window may need more than seconds),
// else lookupTimeout from now.
func lookupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(lookupTimeout)
	if d, ok := ctx.Deadline(); ok && ctx.Err() == nil && d.After(deadline) {
		deadline = d
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// uncertainCreateError is an uncertain create that could not be resolved to
// exactly one automation.
type uncertainCreateError struct {
	err        error
	candidates []string
	lookupErr  error
}

func (e *uncertainCreateError) Error() string { return e.err.Error() }

// createOnce creates the automation once. When the request may have reached
// Wix without an answer, it is not sent again: the automation is looked up
// and adopted when exactly one matches what was sent.
func createOnce(ctx context.Context, call *base.Call, sent wix.Automation) (*wix.Automation, error) {
	started := time.Now()
	created, err := call.Client.CreateAutomation(ctx, sent)
	var uncertain *wix.UncertainError
	if err == nil || !errors.As(err, &uncertain) {
		return created, err
	}
	tflog.Warn(ctx, "Create Automation may have reached Wix without an answer; looking the automation up instead of sending it again")
	ctx, cancel := lookupContext(ctx)
	defer cancel()
	for attempt := 1; ; attempt++ {
		found, lookupErr := findCreated(ctx, call.Client, sent, started)
		switch {
		case lookupErr != nil:
			return nil, &uncertainCreateError{err: err, lookupErr: lookupErr}
		case len(found) == 1 && call.Client.ClaimAutomation(&found[0]):
			tflog.Info(ctx, "Adopted the automation the uncertain create made", map[string]any{"automation_id": found[0].ID})
			return &found[0], nil
		case len(found) == 0 && attempt < lookupAttempts && sleepCtx(ctx, lookupPause):
			continue
		}
		return nil, &uncertainCreateError{err: err, candidates: automationIDs(found)}
	}
}

// findCreated lists the automations that match what was sent and were
// created since shortly before the create.
func findCreated(ctx context.Context, client *wix.Client, sent wix.Automation, started time.Time) ([]wix.Automation, error) {
	trigger := sent.Configuration.Trigger
	all, err := client.QueryAllAutomations(ctx, wix.AutomationQuery{Limit: wix.MaxQueryLimit, Filter: map[string]any{
		"$and": []map[string]any{
			{"configuration.trigger.appId": trigger.AppID},
			{"configuration.trigger.triggerKey": trigger.TriggerKey},
			{"name": sent.Name},
		},
	}})
	if err != nil {
		return nil, err
	}
	var found []wix.Automation
	for _, a := range all {
		created, perr := time.Parse(time.RFC3339Nano, a.CreatedDate)
		recent := perr == nil && created.After(started.Add(-uncertainCreateWindow))
		if recent && a.Origin == sent.Origin && matchesSent(&sent, &a) &&
			(a.ApplicationInfo == nil || a.ApplicationInfo.AppID == sent.ApplicationInfo.AppID) {
			found = append(found, a)
		}
	}
	return found, nil
}

func automationIDs(list []wix.Automation) []string {
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return ids
}

// sleepCtx waits d between lookups, giving up early (false) when ctx is
// done. Since Go 1.23 an unfired time.After timer is freed without Stop.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// failCreate reports a failed create; an unresolved uncertain create says
// what Wix holds and how to adopt it.
func failCreate(diags *diag.Diagnostics, call *base.Call, sent wix.Automation, err error) {
	subject := fmt.Sprintf("automation %q", sent.Name)
	var unresolved *uncertainCreateError
	if !errors.As(err, &unresolved) {
		call.Fail(diags, subject, err)
		return
	}
	detail := fmt.Sprintf("Create Automation for %s may have reached Wix, but its answer was lost (%v). "+
		"It was not sent again, so that Wix does not end up with two automations.\n\n", subject, unresolved.err)
	switch {
	case unresolved.lookupErr != nil:
		detail += fmt.Sprintf("Looking the automation up failed too: %v.\n\nNothing was saved to state. Check Wix's "+
			"dashboard for an automation named %q; if it exists, adopt it with terraform import "+
			"wix_automation.<name> <automation id> instead of applying again, or delete it before applying again.",
			unresolved.lookupErr, sent.Name)
	case len(unresolved.candidates) == 0:
		detail += fmt.Sprintf("Wix has no automation created in the last minutes that matches it, so the create most "+
			"likely did not take effect; but Wix's list may lag behind a create. Nothing was saved to state. Before you "+
			"apply again, look in Wix's dashboard for an automation named %q: if it is there, adopt it with terraform "+
			"import wix_automation.<name> <automation id>; if not, apply again to create it.", sent.Name)
	default:
		detail += fmt.Sprintf("Wix now holds %d automations created in the last minutes that match it (or one already "+
			"adopted by another resource of this run): %s. Nothing was saved to state. Adopt the right one with "+
			"terraform import wix_automation.<name> %s and delete the others in Wix's dashboard; applying again "+
			"would create another.", len(unresolved.candidates), strings.Join(unresolved.candidates, ", "), unresolved.candidates[0])
	}
	diags.AddError("Wix automation creation is uncertain", call.Mask(detail))
}

// update PATCHes the automation from the revision last read. A conflict is
// checked against Wix: when the provider's own earlier attempt (a retry
// after a lost answer) landed, that is success; otherwise the automation
// changed outside Terraform, and the error says to plan again.
func update(ctx context.Context, call *base.Call, id, revision string, plan automationModel) (*wix.Automation, func(*diag.Diagnostics)) {
	subject := "automation " + id
	current, err := call.Client.ReadAutomation(ctx, id)
	if wix.IsNotFound(err) {
		return nil, func(d *diag.Diagnostics) {
			d.AddError("Wix automation deleted outside Terraform", fmt.Sprintf("Automation %s was deleted outside "+
				"Terraform (in Wix's dashboard or another tool) since the plan, so there was nothing to update; state "+
				"keeps the values from before.\n\nRun terraform plan again: it will plan to create the automation anew.", id))
		}
	}
	if err != nil {
		return nil, func(d *diag.Diagnostics) { call.Fail(d, subject, err) }
	}
	sent := forUpdate(current, plan.toWix(), revision)
	sent.ID = id
	updated, err := call.Client.UpdateAutomation(ctx, sent)
	if err == nil {
		return updated, nil
	}
	if !wix.IsConflict(err) {
		return nil, func(d *diag.Diagnostics) { call.Fail(d, subject, err) }
	}
	landed, readErr := ownUpdateLanded(ctx, call.Client, &sent)
	if readErr != nil {
		return nil, func(d *diag.Diagnostics) { call.Fail(d, subject, readErr) }
	}
	if landed != nil {
		tflog.Info(ctx, "The update had landed on an earlier attempt whose answer was lost", map[string]any{"automation_id": id})
		return landed, nil
	}
	return nil, func(d *diag.Diagnostics) {
		d.AddError("Wix automation changed outside Terraform", call.Mask(fmt.Sprintf(
			"Automation %s changed outside Terraform (in Wix's dashboard or another tool) since the plan: Terraform "+
				"read revision %s, and Wix now holds a newer one. Nothing was changed, so that the other change is not "+
				"silently overwritten; state keeps the values from before.\n\nRun terraform plan again to see the change, "+
				"then apply.\n\n%v", id, revision, err)))
	}
}

// ownUpdateLanded returns Wix's automation when it is exactly the sent one
// one revision later, which is what a retried update meets when its first
// attempt's answer was lost; otherwise nil. A failed read is an error, not
// taken for a change made elsewhere.
func ownUpdateLanded(ctx context.Context, client *wix.Client, sent *wix.Automation) (*wix.Automation, error) {
	got, err := client.GetAutomation(ctx, sent.ID)
	if err != nil {
		return nil, err
	}
	sentRev, err1 := strconv.ParseInt(sent.Revision, 10, 64)
	gotRev, err2 := strconv.ParseInt(got.Revision, 10, 64)
	if err1 != nil || err2 != nil || gotRev != sentRev+1 || !matchesSent(sent, got) {
		return nil, nil
	}
	return got, nil
}
