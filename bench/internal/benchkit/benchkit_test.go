package benchkit

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

func TestRequiredProviderNamesItsSource(t *testing.T) {
	want := "terraform {\n  required_providers {\n    noop = { source = \"wix-terraform/noop\" }\n  }\n}\n"
	if got := RequiredProvider("noop"); got != want {
		t.Errorf("RequiredProvider(noop) = %q, want %q", got, want)
	}
}

func TestStartSimServesAndCountsConnections(t *testing.T) {
	sim, err := StartSim(wixsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	resp, err := http.Post(sim.URL+"/automations/v1/events/cancel", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated cancel: status %d, want 401", resp.StatusCode)
	}
	if n := len(sim.Requests()); n != 1 {
		t.Errorf("the simulator recorded %d requests, want 1", n)
	}
	if n := sim.TotalConnections(); n != 1 {
		t.Errorf("the simulator counted %d connections, want 1", n)
	}
}

func TestTerraformReportsTheEndOfAFailedCommandsOutput(t *testing.T) {
	// sh stands in for the CLI: the flags Terraform adds become $0 and $1.
	_, err := Terraform("sh", t.TempDir(), nil, "-c", "echo the output; exit 3")
	if err == nil {
		t.Fatal("a command that exits 3 returned no error")
	}
	for _, want := range []string{"terraform -c echo the output; exit 3 failed", "exit status 3", "the output"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if _, err := Terraform("sh", t.TempDir(), nil, "-c", "exit 0"); err != nil {
		t.Errorf("a command that exits 0: %v", err)
	}
}
