package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Limits on how many ids a diagnostic lists before it only counts the rest.
const (
	maxListedBadIDs         = 5
	maxListedUnconfirmedIDs = 20
)

// cancelEventRun is one invocation of wix_automation_cancel_event: the ids
// go to Wix in Bulk Cancel Event calls of up to size (providerData.bulkSize,
// which bulkSize keeps between 1 and wix.MaxBulkCancelIDs), one after the other (the
// client paces them anyway), and each answer is checked item by item.
type cancelEventRun struct {
	client     *wix.Client
	size       int
	triggerKey string
	ids        []string
	send       func(action.InvokeProgressEvent)

	sent        int // ids in calls Wix answered
	canceled    int // ids Wix confirmed
	unconfirmed []unconfirmedID
}

// unconfirmedID is an id Wix did not confirm, with Wix's reason.
type unconfirmedID struct {
	id string
	// reason is Wix's code and description, or why the outcome is unknown,
	// with the x-wix-request-id of the answer.
	reason string
}

// cancelAll sends every id, stopping at the first call that fails as a
// whole. Per-item failures do not stop it: the other ids still get canceled.
func (r *cancelEventRun) cancelAll(ctx context.Context) error {
	for start := 0; start < len(r.ids); start += r.size {
		chunk := r.ids[start:min(start+r.size, len(r.ids))]
		answer, err := r.client.BulkCancelEvent(ctx, r.triggerKey, chunk)
		if err != nil {
			return err
		}
		r.record(chunk, answer)
		tflog.Debug(ctx, "Bulk Cancel Event answered", map[string]any{"sent": r.sent, "canceled": r.canceled, "total": len(r.ids)})
		r.progress()
	}
	return nil
}

// record checks each id of chunk against Wix's answer with the client's
// own matching: only a result with success true confirms an id; a failed
// item, or one the answer has no result for, does not.
func (r *cancelEventRun) record(chunk []string, answer *wix.BulkCancelEventResponse) {
	for i, err := range answer.ItemErrors(chunk) {
		if err == nil {
			r.canceled++
			continue
		}
		r.unconfirmed = append(r.unconfirmed, unconfirmedID{id: chunk[i], reason: unconfirmedReason(err)})
	}
	r.sent += len(chunk)
}

// unconfirmedReason is why Wix did not confirm an id, in the words a
// diagnostic lists it with: Wix's code and description, or the client's
// account of an answer with no result for it, each with its request id.
func unconfirmedReason(err error) string {
	var item *wix.ItemError
	if !errors.As(err, &item) {
		return err.Error()
	}
	reason := item.Description
	if reason == "" {
		reason = "Wix reported no success for this id and gave no reason"
	}
	if item.Code != "" {
		reason = item.Code + ": " + reason
	}
	if item.RequestID == "" {
		return reason
	}
	return fmt.Sprintf("%s (x-wix-request-id: %s)", reason, item.RequestID)
}

// progress tells Terraform how far the invocation got.
func (r *cancelEventRun) progress() {
	if r.send == nil {
		return
	}
	msg := fmt.Sprintf("canceled %d of %d external entity %s of trigger key %q", r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey)
	if n := len(r.unconfirmed); n > 0 {
		msg += fmt.Sprintf(" (%d not confirmed)", n)
	}
	r.send(action.InvokeProgressEvent{Message: msg})
}

func idsWord(n int) string {
	if n == 1 {
		return "id"
	}
	return "ids"
}

// failure words a call that failed as a whole: what happened, how far the
// invocation got, why, and what to do. limit is the time the invocation had.
func (r *cancelEventRun) failure(err error, limit time.Duration) (summary, detail string) {
	c, _ := cancelEventCalls.call(opInvoke)
	summary, advice := cancelEventCalls.explain(opInvoke, c, roundDuration(limit), err)
	detail = fmt.Sprintf("Wix confirmed the cancellation of %d of the %d external entity %s of trigger key %q "+
		"before a Bulk Cancel Event call failed; the %d %s of that call and the calls after it are not confirmed canceled.\n\n%s\n\n%s",
		r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey, len(r.ids)-r.sent, idsWord(len(r.ids)-r.sent), err, advice)
	return summary, detail
}

// roundDuration shows a duration the way users write one.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}

// unconfirmedDiagnostic lists each id Wix did not confirm, with Wix's code
// and description, up to maxListedUnconfirmedIDs.
func (r *cancelEventRun) unconfirmedDiagnostic() (summary, detail string) {
	n := len(r.unconfirmed)
	var b strings.Builder
	fmt.Fprintf(&b, "Wix confirmed the cancellation of %d of the %d external entity %s of trigger key %q, but not of these %d:\n",
		r.canceled, len(r.ids), idsWord(len(r.ids)), r.triggerKey, n)
	for _, u := range r.unconfirmed[:min(n, maxListedUnconfirmedIDs)] {
		fmt.Fprintf(&b, "  - %s: %s\n", u.id, u.reason)
	}
	if n > maxListedUnconfirmedIDs {
		fmt.Fprintf(&b, "  and %d more.\n", n-maxListedUnconfirmedIDs)
	}
	b.WriteString("\nCanceling again is harmless: once the cause is fixed, invoke the action again with these ids. " +
		"Wix support can find each call by its x-wix-request-id.")
	return fmt.Sprintf("Wix did not cancel the events of %d external entity %s", n, idsWord(n)), b.String()
}
