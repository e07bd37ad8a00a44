package smoke

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
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

// Below Terraform 1.10, which has no ephemeral resources, the token step
// is skipped, saying why, without running Terraform.
func TestUnit_tokenStepSkipsBelowTerraform110(t *testing.T) {
	s := &session{tfVersion: version.Must(version.NewVersion("1.9.8"))}
	err := s.stepToken(context.Background(), &StepResult{Name: "token"})
	var skip skipped
	if !errors.As(err, &skip) || !strings.Contains(skip.reason, "Terraform 1.9.8 has no ephemeral resources (1.10+)") {
		t.Fatalf("stepToken under Terraform 1.9.8 = %v, want a skip that says why", err)
	}
}
