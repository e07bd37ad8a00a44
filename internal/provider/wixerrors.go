package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// failure words the error of op as a diagnostic: what happened (the
// operation and what it was for), why (the client's error, with Wix's own
// words and request id), and what to do. subject names what the call was
// for, e.g. `the events of trigger key "form_submitted" for external entity
// 16ef8c9c-…`.
func (w wixCalls) failure(op wixOperation, subject string, timeout time.Duration, err error) (summary, detail string) {
	c, _ := w.call(op)
	summary, advice := w.explain(op, c, timeout, err)
	after := consequence(op)
	if errors.Is(err, wix.ErrMayHaveReachedWix) {
		after = "nothing was saved to state."
	}
	detail = fmt.Sprintf("Wix did not confirm the %s of %s, so %s\n\n%s", c.act, subject, after, err)
	if advice != "" {
		detail += "\n\n" + advice
	}
	return summary, detail
}

// consequence says what the failure left behind, and that the next run
// picks it up.
func consequence(op wixOperation) string {
	switch op {
	case opRead:
		return "the refresh stopped; the next plan or apply tries again."
	case opUpdate:
		return "state keeps the values from before the change; the next apply tries again."
	case opDelete:
		return "it stays in state; the next apply or destroy tries again."
	}
	return "nothing was saved to state; the next apply tries again."
}

// explain picks the summary for err and says what to do about it.
func (w wixCalls) explain(op wixOperation, c wixCall, timeout time.Duration, err error) (summary, advice string) {
	var apiErr *wix.APIError
	isAPI := errors.As(err, &apiErr)
	switch {
	case errors.Is(err, wix.ErrMayHaveReachedWix):
		return "Unknown whether Wix completed the " + c.act, "The request may have reached Wix, and sending it again could " +
			c.do + " twice. Check in Wix whether it took effect before the next apply: if it did, import the result instead."
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed out " + c.doing, w.closed(w.timedOut(op, timeout))
	case errors.Is(err, context.Canceled):
		return "Interrupted while " + c.doing, w.closed("Terraform was interrupted (Ctrl-C) before Wix answered. " +
			"Whether Wix acted on the call is not known" + op.retried())
	case isAPI && apiErr.StatusCode == http.StatusUnauthorized:
		return "Wix rejected the credentials", rejectedCredentialsAdvice
	case isAPI && apiErr.StatusCode == http.StatusForbidden:
		return "Wix denied the " + c.act, w.denied()
	case isAPI && apiErr.Retryable():
		return "Wix is unavailable", w.closed("Wix asked to try again later and the retries ran out. " +
			op.again() + " later, or raise max_retries in the provider block.")
	}
	return "Could not " + c.do, otherErrorAdvice
}

// denied is the advice on a 403: what else it may mean, if anything, then
// the permission the calls need, one space between the sentences.
func (w wixCalls) denied() string {
	need := "The app needs the " + w.scope + " permission on this instance."
	if forbidden := strings.TrimSpace(w.forbidden); forbidden != "" {
		return forbidden + " " + need
	}
	return need
}

// timedOut says that op's call ran out of its time limit, and how to give
// it more: the declared outOfTime, or the resource's timeouts block.
func (w wixCalls) timedOut(op wixOperation, timeout time.Duration) string {
	if w.outOfTime != "" {
		return fmt.Sprintf(w.outOfTime, shortDuration(timeout))
	}
	return fmt.Sprintf("The %s timeout of %s ran out (retries and request pacing count towards it). "+
		"Raise it in the resource with timeouts { %s = %q }, or lower the load on the app instance.",
		op, shortDuration(timeout), op, shortDuration(max(2*timeout, 10*time.Minute)))
}

// closed ends advice with the declared closing sentence, if any.
func (w wixCalls) closed(advice string) string {
	return strings.TrimSpace(advice + " " + w.closing)
}

// again is how the user makes op's call again, as a sentence begins it.
func (op wixOperation) again() string {
	if op == opInvoke {
		return "Invoke the action again"
	}
	return "Apply again"
}

// retried ends the sentence that the outcome of op's call is unknown: a
// resource's next apply makes the call again; an action runs again only
// when the user invokes it, which its closing sentence says is safe.
func (op wixOperation) retried() string {
	if op == opInvoke {
		return "."
	}
	return "; the next apply makes it again."
}

// rejectedCredentialsAdvice is what to do when Wix answers 401.
const rejectedCredentialsAdvice = "Check app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, " +
	"WIX_INSTANCE_ID), or supply a fresh access_token (WIX_ACCESS_TOKEN)."

// otherErrorAdvice is what to do about an error no other advice fits.
const otherErrorAdvice = "Fix what Wix names above, if anything; when the error persists, " +
	"Wix support can find the call by its x-wix-request-id."
