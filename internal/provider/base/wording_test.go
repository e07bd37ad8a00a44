package base

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/diagtest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The wording of the diagnostics this layer words for every kind: each
// failure of a call, as a resource's Cancel Event and a reader's Query
// meet it, and the plan-time checks of timeouts, trigger keys and GUIDs.
// Each family pins the words its own declarations add.

const wordingEntity = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"

// cancelFailure is the diagnostic a failed Cancel Event gives.
func cancelFailure(name string, err error, phrases ...string) diagtest.Row {
	subject := fmt.Sprintf("the events of trigger key %q for external entity %s", "form_submitted", wordingEntity)
	summary, detail := cancelOnCreate.Failure(Create, subject, 2*time.Second, err)
	return diagtest.Row{Name: name, Summary: summary, Detail: detail, Phrases: append([]string{
		`Wix did not confirm the cancellation of the events of trigger key "form_submitted" for external entity ` +
			wordingEntity + `, so nothing was saved to state; the next apply tries again.`, err.Error(),
	}, phrases...)}
}

// withAbsent adds phrases r's detail must not hold.
func withAbsent(r diagtest.Row, phrases ...string) diagtest.Row {
	r.Absent = append(r.Absent, phrases...)
	return r
}

func apiError(status int) error {
	return &wix.APIError{Operation: "Cancel Event", StatusCode: status, Message: "no", RequestID: "r-1", Attempts: 1}
}

func failureWordings() []diagtest.Row {
	return []diagtest.Row{
		diagtest.WithSummary("Timed out canceling Wix automation events", cancelFailure("timeout", fmt.Errorf("waiting: %w", context.DeadlineExceeded),
			"The create timeout of 2s ran out (retries and request pacing count towards it).",
			`Raise it in the resource with timeouts { create = "10m" }`)),
		diagtest.WithSummary("Interrupted while canceling Wix automation events", cancelFailure("Ctrl-C", context.Canceled,
			"Terraform was interrupted (Ctrl-C) before Wix answered.")),
		diagtest.WithSummary("Wix rejected the credentials", cancelFailure("401", apiError(401),
			"Check app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID), and that the app is installed on that instance (the site); or supply a fresh access_token (WIX_ACCESS_TOKEN).")),
		diagtest.WithSummary("Wix denied the cancellation", cancelFailure("403", apiError(403),
			`Only the app that created the trigger key can cancel its events. The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) permission on this instance.`)),
		diagtest.WithSummary("Wix is unavailable", cancelFailure("retries ran out", apiError(503),
			"Wix asked to try again later and the retries ran out. Apply again later, or raise max_retries in the provider block.")),
		diagtest.WithSummary("Could not cancel Wix automation events", cancelFailure("400", apiError(400),
			"Wix support can find the call by its x-wix-request-id.")),
		diagtest.WithSummary("Could not cancel Wix automation events", cancelFailure("item of a bulk call",
			&wix.ItemError{ExternalEntityID: wordingEntity, Code: "CANCEL_EVENT_FAILED", RequestID: "r-2"})),
		withAbsent(diagtest.WithSummary("Could not reach Wix", cancelFailure("refused connection",
			fmt.Errorf("Cancel Event: attempt 6: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}),
			"No answer came from the Wix API, so Wix has no record of the call (there is no x-wix-request-id).",
			"Check base_url (WIX_BASE_URL): unset, it is https://www.wixapis.com;", "Apply again once it answers.")),
			"Wix support can find the call"),
		diagtest.WithSummary("No Wix API at base_url", cancelFailure("routing miss",
			&wix.RoutingMissError{Operation: "Cancel Event", Method: "POST", Paths: []string{"/automations/v1/events/cancel"}, ContentType: "text/html"},
			"The answer was a 404 without Wix's error body, so the request did not reach the Wix API",
			"Apply again once base_url is right.")),
		uncertainCreate(),
		readTimedOut(),
		{Name: "missing credentials", Summary: MissingCredentialsSummary, WantSummary: "Missing Wix credentials",
			Detail: cancelOnCreate.MissingCredentials(Create), Phrases: []string{
				"Creating a wix_automation_event_cancellation calls Wix's Cancel Event API, and the provider has no credentials to call it with.",
				`Configure either app_id, app_secret and instance_id (or the environment variables WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID), or access_token (or WIX_ACCESS_TOKEN), in the provider "wix" block.`,
			}},
		unknownCredentials(),
	}
}

// unknownCredentials is the error of a reader's call at plan while the
// provider's credentials come from values not known yet.
func unknownCredentials() diagtest.Row {
	reader := Kind{Suffix: "_automations", Form: DataSourceForm, Ops: map[Op]Phrases{Read: {API: "Query Automations"}}}
	return diagtest.Row{Name: "credentials not known yet", Summary: UnknownCredentialsSummary, WantSummary: "Wix credentials not known yet",
		Detail: reader.UnknownCredentials(Read), Phrases: []string{
			"Reading the wix_automations data source calls Wix's Query Automations API, and some of the provider's credentials " +
				"(or its base_url) come from values Terraform does not know yet, from a resource not yet applied.",
			`set the provider "wix" block from values known at plan time, or apply the resources they come from first (terraform apply -target=ADDRESS).`,
		}}
}

// readTimedOut is the diagnostic of a reader's Query running out of its
// fixed time limit: readers have no timeouts block to raise.
func readTimedOut() diagtest.Row {
	reader := Kind{Suffix: "_automations", Form: DataSourceForm, Ops: map[Op]Phrases{Read: {
		API: "Query Automations", Act: "query", Do: "list Wix automations", Doing: "listing Wix automations",
	}}, OutOfTime: "Reading the wix_automations data source may take %s, and that ran out."}
	summary, detail := reader.Failure(Read, "every automation", DefaultTimeout, fmt.Errorf("query: %w", context.DeadlineExceeded))
	return diagtest.Row{Name: "reader timeout", Summary: summary, WantSummary: "Timed out listing Wix automations", Detail: detail, Phrases: []string{
		"Wix's Query Automations of every automation failed, so reading the wix_automations data source stopped; " +
			"the next plan or apply reads again.",
		"Reading the wix_automations data source may take 5m, and that ran out.",
	}}
}

// uncertainCreate is the diagnostic of a create that is not safe to repeat
// and may have reached Wix.
func uncertainCreate() diagtest.Row {
	automation := Kind{Suffix: "_automation", Scope: ManageYourApp, Ops: map[Op]Phrases{Create: {
		API: "Create Automation", Act: "creation", Do: "create the Wix automation", Doing: "creating the Wix automation",
	}}}
	err := &wix.UncertainError{Operation: "Create Automation", Err: errors.New("connection reset by peer")}
	summary, detail := automation.Failure(Create, `automation "welcome"`, time.Minute, err)
	return diagtest.WithSummary("Unknown whether Wix completed the creation", diagtest.Row{Name: "may have reached Wix", Summary: summary, Detail: detail, Phrases: []string{
		`Wix did not confirm the creation of automation "welcome", so nothing was saved to state.`,
		"The request may have reached Wix, and sending it again could create the Wix automation twice.",
		"Check in Wix whether it took effect before the next apply: if it did, import the result instead.",
	}})
}

func inputWordings() []diagtest.Row {
	create := path.Root("timeouts").AtName("create")
	timeout := timeoutValidator{}
	return []diagtest.Row{
		diagtest.Validated("negative timeout", timeout, create, "-5m", "Invalid timeouts.create",
			`timeouts.create is "-5m", which is not above zero: no call to Wix could finish in it.`,
			`Set a duration above zero, such as "10m", or remove it to use the default of 5m.`),
		diagtest.Validated("zero timeout", timeout, create, "0s", "Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`),
		diagtest.Validated("not a duration", timeout, create, "soon", "Invalid timeouts.create",
			`timeouts.create is "soon", which is not a duration.`, `Write a number with a unit (s, m or h), such as "10m" or "1h30m"`),
		diagtest.Validated("empty trigger key", TriggerKey(), path.Root("trigger_key"), "", "Invalid trigger_key",
			`The trigger_key "" is empty: Wix trigger keys are 1 to 100 characters, such as form_submitted.`),
		diagtest.Validated("not a GUID", GUID(), path.Root("external_entity_id"), "x", "Invalid external_entity_id",
			`The external_entity_id "x" is not a GUID: Wix expects 32 hex digits in the form 8-4-4-4-12, such as 16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.`),
	}
}

func TestDiagnosticWording(t *testing.T) {
	diagtest.Check(t, append(failureWordings(), inputWordings()...))
}
