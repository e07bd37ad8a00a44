package smoke

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Lines as Terraform 1.11 writes the provider's INFO lines to TF_LOG_PATH:
// hclog's text format, fields in any order, values with spaces quoted.
const (
	tokenLine = `2026-12-04T18:12:59.238Z [INFO]  provider.terraform-provider-wix: Wix API call answered: status=200 tf_provider_addr=registry.terraform.io/wix-terraform/wix x_wix_request_id=fcba54f3-be8b-4e02-a43e-67787f7a6391 tf_rpc=ReadDataSource @caller=/src/internal/provider/tflog.go:45 @module=wix operation="Wix OAuth token request" tf_req_id=98051139-98cd-9e99-4420-be0dff584b9d attempt=1 duration_ms=1 tf_data_source_type=wix_automations timestamp=2026-12-04T18:12:59.238Z`
	queryLine = `2026-12-04T18:12:59.242Z [INFO]  provider.terraform-provider-wix: Wix API call answered: tf_rpc=ReadDataSource @module=wix duration_ms=1 attempt=1 operation="Query \"Automations\"" status=503 x_wix_request_id=462bc41d-fbca-4ad6-9d0a-f4e3fca3f2d5 timestamp=2026-12-04T18:12:59.241Z`
)

func TestUnit_readCalls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "provider.log")
	log := strings.Join([]string{
		`2026-12-04T18:12:59.008Z [INFO]  provider.terraform-provider-wix: configuring server automatic mTLS: timestamp=2026-12-04T18:12:59.007Z`,
		tokenLine,
		`2026-12-04T18:12:59.240Z [DEBUG] provider.terraform-provider-wix: Received Wix API response: operation="Query Automations" status=503`,
		queryLine,
		`2026-12-04T18:12:59.248Z [INFO]  provider: plugin process exited: plugin=/tmp/terraform-provider-wix id=4375`,
	}, "\n")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	calls, err := readCalls(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Call{
		{Operation: "Wix OAuth token request", Status: "200", RequestID: "fcba54f3-be8b-4e02-a43e-67787f7a6391", RPC: "ReadDataSource"},
		{Operation: `Query "Automations"`, Status: "503", RequestID: "462bc41d-fbca-4ad6-9d0a-f4e3fca3f2d5", RPC: "ReadDataSource"},
	}
	if !slices.Equal(calls, want) {
		t.Fatalf("calls %+v, want %+v", calls, want)
	}
}

// A command that started no provider leaves no log: no calls, no error.
func TestUnit_readCallsWithoutALog(t *testing.T) {
	calls, err := readCalls(filepath.Join(t.TempDir(), "none.log"))
	if err != nil || calls != nil {
		t.Fatalf("readCalls of a missing log = %v, %v; want none and no error", calls, err)
	}
}

// A trigger key is written as a string literal that HCL never reads as a
// template or an escape.
func TestUnit_lit(t *testing.T) {
	for in, want := range map[string]string{
		"form_submitted": `"form_submitted"`,
		`a${b}%{c}"\`:    `"a$${b}%%{c}\"\\"`,
	} {
		if got := lit(in); got != want {
			t.Errorf("lit(%q) = %s, want %s", in, got, want)
		}
	}
}
