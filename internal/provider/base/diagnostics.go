package base

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Failure words the error of op as a diagnostic: what happened (the
// operation and what it was for), why (the client's error, with Wix's own
// words and request id), and what to do. subject names what the call was
// for, e.g. `the events of trigger key "form_submitted" for external entity
// 16ef8c9c-…`. timeout is the limit the operation had.
func (k *Kind) Failure(op Op, subject string, timeout time.Duration, err error) (summary, detail string) {
	p, _ := k.phrases(op)
	summary, advice := k.explain(op, p, timeout, err)
	if k.reads() {
		return summary, fmt.Sprintf("Wix's %s of %s failed, so reading %s stopped; %s.\n\n%s\n\n%s",
			p.API, subject, k.noun(), k.readAgain(), err, advice)
	}
	after := consequence(op)
	if errors.Is(err, wix.ErrMayHaveReachedWix) {
		after = "nothing was saved to state."
	}
	detail = fmt.Sprintf("Wix did not confirm the %s of %s, so %s\n\n%s", p.Act, subject, after, err)
	if advice != "" {
		detail += "\n\n" + advice
	}
	return summary, detail
}

// reads reports whether the kind reads Wix each time it is read (a data
// source or a list resource), with no state left behind to speak of.
func (k *Kind) reads() bool { return k.Form == DataSourceForm || k.Form == ListResourceForm }

// readAgain says how the user reads again after a reader's failure.
func (k *Kind) readAgain() string {
	if k.Form == ListResourceForm {
		return "run terraform query again"
	}
	return "the next plan or apply reads again"
}

// consequence says what the failure left behind, and that the next run
// picks it up.
func consequence(op Op) string {
	switch op {
	case Read:
		return "the refresh stopped; the next plan or apply tries again."
	case Update:
		return "state keeps the values from before the change; the next apply tries again."
	case Delete:
		return "it stays in state; the next apply or destroy tries again."
	}
	return "nothing was saved to state; the next apply tries again."
}

// Explain is Failure's summary and advice alone, for a kind that says
// itself what happened (an action's invocation counts what it got done).
func (k *Kind) Explain(op Op, timeout time.Duration, err error) (summary, advice string) {
	p, _ := k.phrases(op)
	return k.explain(op, p, timeout, err)
}

// explain picks the summary for err and says what to do about it.
func (k *Kind) explain(op Op, p Phrases, timeout time.Duration, err error) (summary, advice string) {
	var apiErr *wix.APIError
	isAPI := errors.As(err, &apiErr)
	switch {
	case errors.Is(err, wix.ErrMayHaveReachedWix):
		return "Unknown whether Wix completed the " + p.Act, "The request may have reached Wix, and sending it again could " +
			p.Do + " twice. Check in Wix whether it took effect before the next apply: if it did, import the result instead."
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed out " + p.Doing, k.closed(k.timedOut(op, timeout))
	case errors.Is(err, context.Canceled):
		return "Interrupted while " + p.Doing, k.closed("Terraform was interrupted (Ctrl-C) before Wix answered. " +
			"Whether Wix acted on the call is not known" + op.retried())
	case wix.IsUnreachable(err):
		return "Could not reach Wix", k.closed(UnreachableAdvice + " " + op.again() + " once it answers.")
	case errors.As(err, new(*wix.RoutingMissError)):
		return "No Wix API at base_url", k.closed(RoutingMissAdvice + " " + op.again() + " once base_url is right.")
	case wix.IsRejectedCredentials(err):
		// A 401, or the token endpoint's OAuth error invalid_client,
		// invalid_grant or unauthorized_client (Create Access Token
		// answers failures in OAuth form, shown in err).
		return "Wix rejected the credentials", RejectedCredentialsAdvice
	case isAPI && apiErr.StatusCode == http.StatusForbidden:
		return "Wix denied the " + p.Act, k.denied()
	case isAPI && apiErr.StatusCode == http.StatusNotFound && k.NotFound != "":
		return "Could not " + p.Do, strings.TrimSpace(k.NotFound + " " + OtherErrorAdvice)
	case isAPI && apiErr.Retryable():
		return "Wix is unavailable", k.closed("Wix asked to try again later and the retries ran out. " +
			op.again() + " later, or raise max_retries in the provider block.")
	}
	return "Could not " + p.Do, OtherErrorAdvice
}

// denied is the advice on a 403: what else it may mean, if anything, then
// the permission the calls need, one space between the sentences.
func (k *Kind) denied() string {
	need := "The app needs the " + k.Scope + " permission on this instance."
	if forbidden := strings.TrimSpace(k.Forbidden); forbidden != "" {
		return forbidden + " " + need
	}
	return need
}

// timedOut says that op's call ran out of its time limit, and how to give
// it more: the declared OutOfTime, or the resource's timeouts block.
func (k *Kind) timedOut(op Op, timeout time.Duration) string {
	if k.OutOfTime != "" {
		return fmt.Sprintf(k.OutOfTime, ShortDuration(timeout))
	}
	return fmt.Sprintf("The %s timeout of %s ran out (retries and request pacing count towards it). "+
		"Raise it in the resource with timeouts { %s = %q }, or lower the load on the app instance.",
		op, ShortDuration(timeout), op, ShortDuration(max(2*timeout, 10*time.Minute)))
}

// closed ends advice with the declared closing sentence, if any.
func (k *Kind) closed(advice string) string {
	return strings.TrimSpace(advice + " " + k.Closing)
}

// again is how the user makes op's call again, as a sentence begins it.
func (op Op) again() string {
	if op == Invoke {
		return "Invoke the action again"
	}
	return "Apply again"
}

// retried ends the sentence that the outcome of op's call is unknown: a
// resource's next apply makes the call again; an action runs again only
// when the user invokes it, which its closing sentence says is safe.
func (op Op) retried() string {
	if op == Invoke {
		return "."
	}
	return "; the next apply makes it again."
}

// RejectedCredentialsAdvice is what to do when Wix answers 401.
const RejectedCredentialsAdvice = "Check app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, " +
	"WIX_INSTANCE_ID), and that the app is installed on that instance (the site); or supply a fresh access_token " +
	"(WIX_ACCESS_TOKEN)."

// UnreachableAdvice is what to do when no answer came from the API at all.
const UnreachableAdvice = "No answer came from the Wix API, so Wix has no record of the call (there is no " +
	"x-wix-request-id). Check base_url (WIX_BASE_URL): unset, it is " + wix.DefaultBaseURL + "; against the simulator, " +
	"the simulator must be running and base_url the URL it printed (make sim). Then check the network path to it " +
	"(DNS, proxy, firewall)."

// RoutingMissAdvice is what to do about a 404 that is not Wix's answer.
const RoutingMissAdvice = "The answer was a 404 without Wix's error body, so the request did not reach the Wix " +
	"API: base_url (WIX_BASE_URL), or a proxy on the way, sends it elsewhere. Unset, base_url is " + wix.DefaultBaseURL + "."

// OtherErrorAdvice is what to do about an error no other advice fits.
const OtherErrorAdvice = "Fix what Wix names above, if anything; when the error persists, " +
	"Wix support can find the call by its x-wix-request-id."
