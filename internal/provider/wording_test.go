package provider

// The wording of every diagnostic the provider emits, as users will read and
// search for it: each row pins the exact summary and the phrases of the
// detail that say what happened, why, and what to do.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// wording is one diagnostic: its summary, the summary it must have, and
// phrases its detail holds.
type wording struct {
	name        string
	summary     string
	wantSummary string
	detail      string
	phrases     []string
}

const wordingEntity = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"

// cancelFailure is the diagnostic a failed Cancel Event gives.
func cancelFailure(name string, err error, phrases ...string) wording {
	subject := fmt.Sprintf("the events of trigger key %q for external entity %s", "form_submitted", wordingEntity)
	summary, detail := cancellationCalls.failure(opCreate, subject, 2*time.Second, err)
	return wording{name, summary, "", detail, append([]string{
		`Wix did not confirm the cancellation of the events of trigger key "form_submitted" for external entity ` +
			wordingEntity + `, so nothing was saved to state; the next apply tries again.`, err.Error(),
	}, phrases...)}
}

// actionFailure is the diagnostic of a Bulk Cancel Event call that failed
// as a whole after the action's first call canceled one of three ids.
func actionFailure(name string, err error, phrases ...string) wording {
	run := &cancelEventRun{triggerKey: "form_submitted", ids: []string{"a", "b", "c"}, sent: 1, canceled: 1}
	summary, detail := run.failure(err, cancelEventActionTimeout)
	return wording{name, summary, "", detail, append([]string{
		`Wix confirmed the cancellation of 1 of the 3 external entity ids of trigger key "form_submitted" before a Bulk ` +
			"Cancel Event call failed; the 2 ids of that call and the calls after it are not confirmed canceled.", err.Error(),
	}, phrases...)}
}

// actionWordings are the action's failures, worded by the resources'
// explainer with the action's own ways to try again.
func actionWordings() []wording {
	const again = " Canceling again is harmless, so invoking the action again with the same ids is safe."
	return []wording{
		withSummary("Timed out canceling Wix automation events", actionFailure("action timeout", context.DeadlineExceeded,
			"The invocation's time limit of 10m ran out, or would have before the next attempt (retries, request pacing "+
				"and Wix's Retry-After count towards it). Invoke the action again later, or split external_entity_ids over several actions."+again)),
		withSummary("Interrupted while canceling Wix automation events", actionFailure("action Ctrl-C", context.Canceled,
			"Terraform was interrupted (Ctrl-C) before Wix answered. Whether Wix acted on the call is not known."+again)),
		withSummary("Wix rejected the credentials", actionFailure("action 401", apiError(401), rejectedCredentialsAdvice)),
		withSummary("Wix denied the cancellation", actionFailure("action 403", apiError(403),
			`Only the app that created the trigger key can cancel its events. The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) permission on this instance.`)),
		withSummary("Wix is unavailable", actionFailure("action retries ran out", apiError(429),
			"Wix asked to try again later and the retries ran out. Invoke the action again later, or raise max_retries in the provider block."+again)),
		withSummary("Could not cancel Wix automation events", actionFailure("action 400", apiError(400), otherErrorAdvice)),
		{"action missing credentials", missingCredentialsSummary, "Missing Wix credentials", cancelEventCalls.missingCredentials(opInvoke), []string{
			"Invoking the wix_automation_cancel_event action calls Wix's Bulk Cancel Event API, and the provider has no credentials to call it with.",
			configureCredentials,
		}},
	}
}

func apiError(status int) error {
	return &wix.APIError{Operation: "Cancel Event", StatusCode: status, Message: "no", RequestID: "r-1", Attempts: 1}
}

func failureWordings() []wording {
	return []wording{
		withSummary("Timed out canceling Wix automation events", cancelFailure("timeout", fmt.Errorf("waiting: %w", context.DeadlineExceeded),
			"The create timeout of 2s ran out (retries and request pacing count towards it).",
			`Raise it in the resource with timeouts { create = "10m" }`)),
		withSummary("Interrupted while canceling Wix automation events", cancelFailure("Ctrl-C", context.Canceled,
			"Terraform was interrupted (Ctrl-C) before Wix answered.")),
		withSummary("Wix rejected the credentials", cancelFailure("401", apiError(401),
			"Check app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID), or supply a fresh access_token (WIX_ACCESS_TOKEN).")),
		withSummary("Wix denied the cancellation", cancelFailure("403", apiError(403),
			`Only the app that created the trigger key can cancel its events. The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) permission on this instance.`)),
		withSummary("Wix is unavailable", cancelFailure("retries ran out", apiError(503),
			"Wix asked to try again later and the retries ran out. Apply again later, or raise max_retries in the provider block.")),
		withSummary("Could not cancel Wix automation events", cancelFailure("400", apiError(400),
			"Wix support can find the call by its x-wix-request-id.")),
		withSummary("Could not cancel Wix automation events", cancelFailure("item of a bulk call",
			&wix.ItemError{ExternalEntityID: wordingEntity, Code: "CANCEL_EVENT_FAILED", RequestID: "r-2"})),
		uncertainCreate(),
		readTimedOut(),
		denied("event 403", eventCalls, "Wix denied the report", `Only the app that created the trigger key can report and cancel its events. `+
			`The app needs the "Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP) and, to report, "Set Up Automations" `+
			`(SCOPE.CRM.SETUP-AUTOMATIONS) permission on this instance.`),
		denied("automation 403", automationCalls, "Wix denied the creation", `Wix may also refuse automations of a trigger that belongs to another app. `+
			`The app needs the "Set Up Automations" (SCOPE.CRM.SETUP-AUTOMATIONS) permission on this instance.`),
		{"missing credentials", missingCredentialsSummary, "Missing Wix credentials", cancellationCalls.missingCredentials(opCreate), []string{
			"Creating a wix_automation_event_cancellation calls Wix's Cancel Event API, and the provider has no credentials to call it with.",
			`Configure either app_id, app_secret and instance_id (or the environment variables WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID), or access_token (or WIX_ACCESS_TOKEN), in the provider "wix" block.`,
		}},
	}
}

// readTimedOut is the diagnostic of the data source's Query running out of
// its fixed time limit: readers have no timeouts block to raise.
func readTimedOut() wording {
	summary, detail := automationsRead.failure(nil, "every automation", fmt.Errorf("query: %w", context.DeadlineExceeded))
	return wording{"data source timeout", summary, "Timed out listing Wix automations", detail, []string{
		"Reading the wix_automations data source may take 5m, retries and request pacing included, and that ran out. " +
			"Lower the load on the app instance, or narrow the filters, and run again.",
	}}
}

// denied is the diagnostic of a 403 at create for calls, ending with its
// advice, whole.
func denied(name string, calls wixCalls, wantSummary, advice string) wording {
	summary, detail := calls.failure(opCreate, "it", time.Minute, apiError(403))
	return wording{name, summary, wantSummary, detail, []string{"\n\n" + advice}}
}

// uncertainCreate is the diagnostic of a create that is not safe to repeat
// and may have reached Wix, as wix_automation declares it.
func uncertainCreate() wording {
	automation := wixCalls{typeName: "wix_automation", scope: manageYourApp, calls: map[wixOperation]wixCall{opCreate: {
		api: "Create Automation", act: "creation", do: "create the Wix automation", doing: "creating the Wix automation",
	}}}
	err := &wix.UncertainError{Operation: "Create Automation", Err: errors.New("connection reset by peer")}
	summary, detail := automation.failure(opCreate, `automation "welcome"`, time.Minute, err)
	return withSummary("Unknown whether Wix completed the creation", wording{"may have reached Wix", summary, "", detail, []string{
		`Wix did not confirm the creation of automation "welcome", so nothing was saved to state.`,
		"The request may have reached Wix, and sending it again could create the Wix automation twice.",
		"Check in Wix whether it took effect before the next apply: if it did, import the result instead.",
	}})
}

// withSummary sets the summary w must have.
func withSummary(summary string, w wording) wording {
	w.wantSummary = summary
	return w
}

// validated is the diagnostic v gives value at path.
func validated(name string, v validator.String, at path.Path, value string, summary string, phrases ...string) wording {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: at, ConfigValue: types.StringValue(value)}, resp)
	return fromDiagnostics(name, resp.Diagnostics, summary, phrases)
}

func fromDiagnostics(name string, diags diag.Diagnostics, summary string, phrases []string) wording {
	if len(diags) != 1 {
		return wording{name: name, summary: fmt.Sprintf("%d diagnostics: %v", len(diags), diags), wantSummary: summary}
	}
	return wording{name, diags[0].Summary(), summary, diags[0].Detail(), phrases}
}

func inputWordings() []wording {
	create := path.Root("timeouts").AtName("create")
	timeout := timeoutValidator{}
	importSummary, importDetail := invalidImportID("wix_automation_event_cancellation", "form_submitted/not-a-guid",
		func() string { _, _, p := parseImportID("form_submitted/not-a-guid"); return p }())
	return []wording{
		validated("negative timeout", timeout, create, "-5m", "Invalid timeouts.create",
			`timeouts.create is "-5m", which is not above zero: no call to Wix could finish in it.`,
			`Set a duration above zero, such as "10m", or remove it to use the default of 5m.`),
		validated("zero timeout", timeout, create, "0s", "Invalid timeouts.create", `timeouts.create is "0s", which is not above zero`),
		validated("not a duration", timeout, create, "soon", "Invalid timeouts.create",
			`timeouts.create is "soon", which is not a duration.`, `Write a number with a unit (s, m or h), such as "10m" or "1h30m"`),
		validated("empty trigger key", triggerKeyValidator(), path.Root("trigger_key"), "", "Invalid trigger_key",
			`The trigger_key "" is empty: Wix trigger keys are 1 to 100 characters, such as form_submitted.`),
		validated("not a GUID", guidValidator(), path.Root("external_entity_id"), "x", "Invalid external_entity_id",
			`The external_entity_id "x" is not a GUID: Wix expects 32 hex digits in the form 8-4-4-4-12, such as 16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.`),
		validated("send_after", durationValidator{max: maxSendAfter}, path.Root("batching").AtName("send_after"), "soon",
			"Invalid batching.send_after", `batching.send_after is "soon"; it must be a duration from 0s to 1m, such as "500ms".`),
		validated("base URL", baseURLValidator{}, path.Root("base_url"), "www.wixapis.com", "Invalid Wix base URL",
			`The base_url "www.wixapis.com" is not an absolute http(s) URL`),
		{"import id", importSummary, "Invalid import id for wix_automation_event_cancellation", importDetail, []string{
			`The import id "form_submitted/not-a-guid" ends in "not-a-guid", which is not a GUID: Wix expects 32 hex digits`,
			"Use <trigger_key>/<external_entity_id>, for example form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.",
		}},
	}
}

// credentialWording is the diagnostic checkCredentials gives these settings.
func credentialWording(name string, settings [4]setting, summary string, phrases ...string) wording {
	var diags diag.Diagnostics
	checkCredentials(settings[0], settings[1], settings[2], settings[3], &diags)
	return fromDiagnostics(name, diags, summary, phrases)
}

func configWordings(t *testing.T) []wording {
	appID := setting{attribute: "app_id", env: envAppID, value: "x"}
	secret := setting{attribute: "app_secret", env: envAppSecret}
	instance := setting{attribute: "instance_id", env: envInstanceID}
	token := setting{attribute: "access_token", env: envAccessToken}
	secretFromEnv := setting{attribute: "app_secret", env: envAppSecret, value: "s", fromEnv: true}
	setToken := setting{attribute: "access_token", env: envAccessToken, value: "t"}
	var countDiags, urlDiags diag.Diagnostics
	t.Setenv(envMaxRetries, "-2")
	resolveCount("max_retries", envMaxRetries, types.Int64Null(), wix.DefaultMaxRetries, &countDiags)
	checkBaseURL(setting{attribute: "base_url", env: envBaseURL, value: "http://10.1.2.3", fromEnv: true}, &urlDiags)
	return []wording{
		credentialWording("one app setting", [4]setting{appID, secret, instance, token}, "Incomplete Wix app credentials",
			"app_id is set, but app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID) are not.",
			"App authentication needs all three of app_id (WIX_APP_ID), app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID).",
			"Set the missing ones, or use access_token (WIX_ACCESS_TOKEN) instead."),
		credentialWording("two app settings", [4]setting{appID, secretFromEnv, instance, token}, "Incomplete Wix app credentials",
			"app_id and app_secret (from WIX_APP_SECRET) are set, but instance_id (WIX_INSTANCE_ID) is not."),
		credentialWording("both sets", [4]setting{appID, secretFromEnv, instance, setToken}, "Conflicting Wix credentials",
			"access_token is set, and so are app_id and app_secret (from WIX_APP_SECRET).",
			"Remove access_token (WIX_ACCESS_TOKEN), or remove app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID)"),
		fromDiagnostics("count from the environment", countDiags, "Invalid WIX_MAX_RETRIES environment variable",
			[]string{`WIX_MAX_RETRIES sets max_retries to "-2", which is not a whole number of 0 or more.`,
				"Fix or unset WIX_MAX_RETRIES, or set max_retries in the provider block."}),
		fromDiagnostics("base URL from the environment", urlDiags, "Invalid Wix base URL",
			[]string{`The base_url (from WIX_BASE_URL) "http://10.1.2.3" uses plain http: https is required`, "Set it to an https:// URL such as https://www.wixapis.com, or leave it unset."}),
	}
}

func TestDiagnosticWording(t *testing.T) {
	rows := append(append(append(failureWordings(), actionWordings()...), inputWordings()...), configWordings(t)...)
	for _, w := range rows {
		t.Run(w.name, func(t *testing.T) {
			if w.summary != w.wantSummary {
				t.Errorf("summary = %q, want %q", w.summary, w.wantSummary)
			}
			for _, p := range w.phrases {
				if !strings.Contains(w.detail, p) {
					t.Errorf("%s: the detail does not say %q:\n%s", w.summary, p, w.detail)
				}
			}
			if len(w.phrases) == 0 || !strings.HasSuffix(w.detail, ".") {
				t.Errorf("%s: the detail is not a set of sentences:\n%s", w.summary, w.detail)
			}
		})
	}
}
