package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/smoke"
)

// testEnv is this process's environment without the developer's WIX_*
// variables (a test never calls a real site), plus extra.
func testEnv(extra map[string]string) map[string]string {
	env := environ()
	for k := range env {
		if strings.HasPrefix(k, "WIX_") || strings.HasPrefix(k, "TF_LOG") {
			delete(env, k)
		}
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// `WIX_SMOKE=1 make smoke SMOKEARGS=-simulator`: the provider built from
// this repository passes every step against the simulator.
func TestRun_passesAgainstTheSimulator(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run it (make test does): it builds the provider and runs a real Terraform CLI")
	}
	var out bytes.Buffer
	code := run([]string{"-simulator", "-source", "../..", "-terraform", acctest.TerraformCLI(t, "to run the smoke check")},
		testEnv(map[string]string{smoke.EnvOptIn: "1"}), nil, &out)
	if code != smoke.ExitOK || !strings.Contains(out.String(), "result:     PASSED") || !strings.Contains(out.String(), "left at Wix: nothing") {
		t.Fatalf("exit code %d, output:\n%s\nwant %d, PASSED and nothing left", code, out.String(), smoke.ExitOK)
	}
}

// Without the opt-in it refuses before building anything or starting
// Terraform: the source and Terraform named here do not exist, so a run
// that went on would fail otherwise.
func TestRun_refusesBeforeBuilding(t *testing.T) {
	for _, args := range [][]string{
		{"-source", "/nonexistent", "-terraform", "/nonexistent/terraform"},
		{"-simulator", "-source", "/nonexistent", "-terraform", "/nonexistent/terraform"},
	} {
		var out bytes.Buffer
		code := run(args, testEnv(nil), nil, &out)
		if code != smoke.ExitRefused || !strings.Contains(out.String(), "set WIX_SMOKE=1") || strings.Contains(out.String(), "building") {
			t.Errorf("%q: exit code %d, output:\n%s\nwant %d and a refusal naming WIX_SMOKE=1, before any build", args, code, out.String(), smoke.ExitRefused)
		}
	}
}

func TestRun_refusesUnknownArguments(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"now"}, testEnv(nil), nil, &out); code != smoke.ExitRefused || !strings.Contains(out.String(), `unexpected arguments ["now"]`) {
		t.Errorf("exit code %d, output %q; want %d and the unexpected argument named", code, out.String(), smoke.ExitRefused)
	}
}
