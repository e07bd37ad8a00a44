package smoke

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The environment variables a run reads. The WIX_* credentials and
// settings are the provider's own (it reads them from the environment
// Terraform passes on); WIX_TEST_TRIGGER_KEY is the acceptance tests'.
const (
	EnvOptIn       = "WIX_SMOKE"
	EnvAppID       = "WIX_APP_ID"
	EnvAppSecret   = "WIX_APP_SECRET" //nolint:gosec // G101: the name of a variable, not a credential
	EnvInstanceID  = "WIX_INSTANCE_ID"
	EnvAccessToken = "WIX_ACCESS_TOKEN"
	EnvBaseURL     = "WIX_BASE_URL"
	EnvTriggerKey  = "WIX_TEST_TRIGGER_KEY"
)

// settingVars are the provider settings a summary shows when they are set.
var settingVars = []string{"WIX_REQUESTS_PER_MINUTE", "WIX_MAX_RETRIES"}

// Site is the Wix site a run checks, from the environment. Nothing in it
// is secret but secrets, which only masks output.
type Site struct {
	BaseURL    string // WIX_BASE_URL (any password in it masked), or Wix's
	AppID      string
	InstanceID string
	TriggerKey string
	Settings   []string // "NAME=value" of the settingVars that are set
	secrets    []string
}

// RefusalError is why a run refuses to start. It is returned before
// anything runs: no Terraform, no build, no call to Wix.
type RefusalError struct{ Problems []string }

func (e *RefusalError) Error() string {
	return "refusing to run. make smoke acts on a real Wix site: as the app of WIX_APP_ID on the site of " +
		"WIX_INSTANCE_ID, it creates, updates and deletes an automation and reports and cancels an event on " +
		"WIX_TEST_TRIGGER_KEY. To run it:\n  - " + strings.Join(e.Problems, "\n  - ") +
		"\nSee README.md, \"Checking against your Wix site\". Nothing was called."
}

// Preflight reads the site from env and refuses, naming every variable
// to set, unless the user opted in (WIX_SMOKE=1) and gave what the run
// needs: the app credentials (the token step fetches a token with them)
// and the trigger key to report on.
func Preflight(env map[string]string) (Site, error) {
	var problems []string
	if env[EnvOptIn] != "1" {
		problems = append(problems, fmt.Sprintf("set %s=1 to say that you mean it", EnvOptIn))
	}
	var missing []string
	for _, name := range []string{EnvAppID, EnvAppSecret, EnvInstanceID, EnvTriggerKey} {
		if env[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, "set "+strings.Join(missing, ", ")+
			" (the app's credentials, its installation on the site, and a trigger key the app created, for testing)")
	}
	if env[EnvAccessToken] != "" {
		problems = append(problems, "unset "+EnvAccessToken+": the run checks the app credentials, and the provider refuses both at once")
	}
	site := Site{BaseURL: wix.DefaultBaseURL, AppID: env[EnvAppID], InstanceID: env[EnvInstanceID], TriggerKey: env[EnvTriggerKey]}
	if raw := env[EnvBaseURL]; raw != "" {
		if err := wix.ValidateBaseURL(raw); err != nil {
			problems = append(problems, "fix "+EnvBaseURL+": "+err.Error())
		} else if u, err := url.Parse(raw); err == nil {
			site.BaseURL = u.Redacted() // a password in the URL stays out of the summary
		}
	}
	if len(problems) > 0 {
		return Site{}, &RefusalError{Problems: problems}
	}
	for _, name := range settingVars {
		if v := env[name]; v != "" {
			site.Settings = append(site.Settings, name+"="+v)
		}
	}
	site.secrets = []string{env[EnvAppSecret]}
	return site, nil
}
