package provider

// The wording of the provider block's own diagnostics: its settings,
// checked at plan, and its credentials, checked when it is configured.

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/diagtest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

func settingWordings() []diagtest.Row {
	return []diagtest.Row{
		diagtest.Validated("send_after", durationValidator{max: maxSendAfter}, path.Root("batching").AtName("send_after"), "soon",
			"Invalid batching.send_after", `batching.send_after is "soon"; it must be a duration from 0s to 1m, such as "500ms".`),
		diagtest.Validated("base URL", baseURLValidator{}, path.Root("base_url"), "www.wixapis.com", "Invalid Wix base URL",
			`The base_url "www.wixapis.com" is not an absolute http(s) URL`),
	}
}

// credentialWording is the diagnostic checkCredentials gives these settings.
func credentialWording(name string, settings [4]setting, summary string, phrases ...string) diagtest.Row {
	var diags diag.Diagnostics
	checkCredentials(settings[0], settings[1], settings[2], settings[3], &diags)
	return diagtest.FromDiagnostics(name, diags, summary, phrases)
}

func configWordings(t *testing.T) []diagtest.Row {
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
	return []diagtest.Row{
		credentialWording("one app setting", [4]setting{appID, secret, instance, token}, "Incomplete Wix app credentials",
			"app_id is set, but app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID) are not.",
			"App authentication needs all three of app_id (WIX_APP_ID), app_secret (WIX_APP_SECRET) and instance_id (WIX_INSTANCE_ID).",
			"Set the missing ones, or use access_token (WIX_ACCESS_TOKEN) instead."),
		credentialWording("two app settings", [4]setting{appID, secretFromEnv, instance, token}, "Incomplete Wix app credentials",
			"app_id and app_secret (from WIX_APP_SECRET) are set, but instance_id (WIX_INSTANCE_ID) is not."),
		credentialWording("both sets", [4]setting{appID, secretFromEnv, instance, setToken}, "Conflicting Wix credentials",
			"access_token is set, and so are app_id and app_secret (from WIX_APP_SECRET).",
			"Remove access_token (WIX_ACCESS_TOKEN), or remove app_id, app_secret and instance_id (WIX_APP_ID, WIX_APP_SECRET, WIX_INSTANCE_ID)",
			"When one set is in the environment, setting the other in the provider block is enough: what the block sets wins, "+
				"and the environment's other set is then ignored."),
		diagtest.FromDiagnostics("count from the environment", countDiags, "Invalid WIX_MAX_RETRIES environment variable",
			[]string{`WIX_MAX_RETRIES sets max_retries to "-2", which is not a whole number of 0 or more.`,
				"Fix or unset WIX_MAX_RETRIES, or set max_retries in the provider block."}),
		diagtest.FromDiagnostics("base URL from the environment", urlDiags, "Invalid Wix base URL",
			[]string{`The base_url (from WIX_BASE_URL) "http://10.1.2.3" uses plain http: https is required`, "Set it to an https:// URL such as https://www.wixapis.com, or leave it unset."}),
	}
}

func TestDiagnosticWording(t *testing.T) {
	diagtest.Check(t, append(settingWordings(), configWordings(t)...))
}
