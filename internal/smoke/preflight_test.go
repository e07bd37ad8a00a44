package smoke

import (
	"strings"
	"testing"
)

// The summary shows the base URL, but never a password written into it.
func TestUnit_preflightMasksAPasswordInTheBaseURL(t *testing.T) {
	site, err := Preflight(map[string]string{
		EnvOptIn: "1", EnvAppID: "app", EnvAppSecret: "secret", EnvInstanceID: "instance", EnvTriggerKey: "key",
		EnvBaseURL: "https://proxy-user:proxy-password@wix.example.com", "WIX_MAX_RETRIES": "2",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(site.BaseURL, "proxy-password") || !strings.Contains(site.BaseURL, "wix.example.com") {
		t.Errorf("BaseURL %q, want the host without the password", site.BaseURL)
	}
	if len(site.Settings) != 1 || site.Settings[0] != "WIX_MAX_RETRIES=2" {
		t.Errorf("Settings %q, want WIX_MAX_RETRIES=2", site.Settings)
	}
}
