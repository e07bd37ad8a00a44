package events

import (
	"context"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/diagtest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The wording this family's declarations add to the shared one (pinned in
// package base): what a 403 of each kind may mean, the action's ways to
// try again, and the import id.

func apiError(status int) error {
	return &wix.APIError{Operation: "Cancel Event", StatusCode: status, Message: "no", RequestID: "r-1", Attempts: 1}
}

// denied is the diagnostic of a 403 of op for kind, ending with its
// advice, whole.
func denied(name string, kind base.Kind, op base.Op, wantSummary, advice string) diagtest.Row {
	summary, detail := kind.Failure(op, "it", time.Minute, apiError(403))
	return diagtest.Row{Name: name, Summary: summary, WantSummary: wantSummary, Detail: detail, Phrases: []string{"\n\n" + advice}}
}

// actionFailure is the diagnostic of a Bulk Cancel Event call that failed
// as a whole after the action's first call canceled one of three ids.
func actionFailure(name string, err error, phrases ...string) diagtest.Row {
	run := &cancelEventRun{triggerKey: "form_submitted", ids: []string{"a", "b", "c"}, sent: 1, canceled: 1}
	summary, detail := run.failure(err, cancelEventActionTimeout)
	return diagtest.Row{Name: name, Summary: summary, Detail: detail, Phrases: append([]string{
		`Wix confirmed the cancellation of 1 of the 3 external entity ids of trigger key "form_submitted" before a Bulk ` +
			"Cancel Event call failed; the 2 ids of that call and the calls after it are not confirmed canceled.", err.Error(),
	}, phrases...)}
}

// actionWordings are the action's failures, worded by the resources'
// explainer with the action's own ways to try again.
func actionWordings() []diagtest.Row {
	const again = " Canceling again is harmless, so invoking the action again with the same ids is safe."
	return []diagtest.Row{
		diagtest.WithSummary("Timed out canceling Wix automation events", actionFailure("action timeout", context.DeadlineExceeded,
			"The invocation's time limit of 10m ran out, or would have before the next attempt (retries, request pacing "+
				"and Wix's Retry-After count towards it). Invoke the action again later, or split external_entity_ids over several actions."+again)),
		diagtest.WithSummary("Interrupted while canceling Wix automation events", actionFailure("action Ctrl-C", context.Canceled,
			"Terraform was interrupted (Ctrl-C) before Wix answered. Whether Wix acted on the call is not known."+again)),
		diagtest.WithSummary("Wix rejected the credentials", actionFailure("action 401", apiError(401), base.RejectedCredentialsAdvice)),
		diagtest.WithSummary("Wix denied the cancellation", actionFailure("action 403", apiError(403),
			`Only the app that created the trigger key can cancel its events. `+triggerKeysFrom+`The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) permission on this instance.`)),
		diagtest.WithSummary("Wix is unavailable", actionFailure("action retries ran out", apiError(429),
			"Wix asked to try again later and the retries ran out. Invoke the action again later, or raise max_retries in the provider block."+again)),
		diagtest.WithSummary("Could not cancel Wix automation events", actionFailure("action 400", apiError(400), base.OtherErrorAdvice)),
		{Name: "action missing credentials", Summary: base.MissingCredentialsSummary, WantSummary: "Missing Wix credentials",
			Detail: cancelEventKind.MissingCredentials(base.Invoke), Phrases: []string{
				"Invoking the wix_automation_cancel_event action calls Wix's Bulk Cancel Event API, and the provider has no credentials to call it with.",
				base.ConfigureCredentials,
			}},
	}
}

// triggerKeysFrom is the sentence on where trigger keys come from.
const triggerKeysFrom = "Trigger keys come from the app's automation triggers (in Wix's app dashboard: Extensions, then Automations): use one that the app the provider authenticates as created. "

// unknownKey is the diagnostic of Wix's 404 for kind's op: a trigger key
// Wix does not know.
func unknownKey(name string, kind base.Kind, op base.Op, wantSummary string) diagtest.Row {
	err := &wix.APIError{Operation: "Report Event", StatusCode: 404, Message: `trigger key "trail_started" does not exist`,
		Code: "TRIGGER_NOT_FOUND", RequestID: "r-3", Attempts: 1}
	summary, detail := kind.Failure(op, "it", time.Minute, err)
	return diagtest.Row{Name: name, Summary: summary, WantSummary: wantSummary, Detail: detail, Phrases: []string{
		"Wix knows no such trigger key for this app. " + triggerKeysFrom,
		"Wix support can find the call by its x-wix-request-id.",
	}}
}

func familyWordings() []diagtest.Row {
	importSummary, importDetail := invalidImportID("wix_automation_event_cancellation", "form_submitted/not-a-guid",
		func() string { _, _, p := parseImportID("form_submitted/not-a-guid"); return p }())
	return []diagtest.Row{
		denied("cancellation 403", cancellationKind, base.Create, "Wix denied the cancellation", `Only the app that created the trigger key `+
			`can cancel its events. `+triggerKeysFrom+`The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) permission on this instance.`),
		denied("event 403", eventKind, base.Create, "Wix denied the report", `Only the app that created the trigger key can report and cancel its events. `+
			triggerKeysFrom+`The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) and, to report, "Set Up Automations" `+
			`(SCOPE.CRM.SETUP-AUTOMATIONS) permission on this instance.`),
		unknownKey("event 404", eventKind, base.Create, "Could not report a Wix automation event"),
		unknownKey("cancellation 404", cancellationKind, base.Create, "Could not cancel Wix automation events"),
		{Name: "import id", Summary: importSummary, WantSummary: "Invalid import id for wix_automation_event_cancellation", Detail: importDetail, Phrases: []string{
			`The import id "form_submitted/not-a-guid" ends in "not-a-guid", which is not a GUID: Wix expects 32 hex digits`,
			"Use <trigger_key>/<external_entity_id>, for example form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.",
		}},
	}
}

func TestDiagnosticWording(t *testing.T) {
	diagtest.Check(t, append(actionWordings(), familyWordings()...))
}
