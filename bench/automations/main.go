// Command automations measures wix_automation under Wix's limit of 200
// requests a minute (issue 10): the wall time, API calls and 429s of a
// `terraform plan` (refresh) of N existing automations, and of an apply
// creating M automations, both with the provider's default pacing.
//
//	go build -o /tmp/wixbin/terraform-provider-wix . &&
//	go run ./bench/automations -plugins /tmp/wixbin [-plan-n 200] [-apply-n 50] [-batching-off] [-terraform terraform]
//
// The Wix API simulator runs in this process on loopback, enforcing 200
// requests a minute per installation with Retry-After; the provider is the
// released binary, installed through dev_overrides. Setup (creating the N
// automations the plan reads) runs with the limit and pacing off, and is not
// measured. Figures go to stdout as Markdown.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/bench/internal/benchkit"
	"github.com/wix-terraform/terraform-provider-wix/internal/cliconfig"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const rootAction = "8a1f0c2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"

// batchingOff turns the provider's batching (and so the shared Query) off.
var batchingOff bool

func main() {
	tf := flag.String("terraform", "terraform", "Terraform CLI")
	plugins := flag.String("plugins", "", "directory holding the terraform-provider-wix binary")
	planN := flag.Int("plan-n", 200, "automations in the plan scenario")
	applyN := flag.Int("apply-n", 50, "automations created in the apply scenario")
	flag.BoolVar(&batchingOff, "batching-off", false, "turn batching off in the provider block: every Read is a GET (the design before the shared Query)")
	flag.Parse()
	if err := run(*tf, *plugins, *planN, *applyN); err != nil {
		fmt.Fprintln(os.Stderr, "automations:", err)
		os.Exit(1)
	}
}

func run(tf, plugins string, planN, applyN int) error {
	work, err := os.MkdirTemp("", "wix-automation-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cli := filepath.Join(work, "terraformrc")
	if err := cliconfig.Write(cli, plugins, "wix"); err != nil {
		return err
	}
	sim, err := benchkit.StartSim(wixsim.Options{})
	if err != nil {
		return err
	}
	defer sim.Close()
	env := append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "TF_IN_AUTOMATION=1"), wixsim.DemoEnv(sim.URL)...)

	fmt.Println("| scenario | wall time | Automations API calls | calls per resource | token calls | 429s |")
	fmt.Println("|---|---|---|---|---|---|")
	planDir := filepath.Join(work, "plan")
	if err := writeConfig(planDir, planN); err != nil {
		return err
	}
	// Setup: create the automations fast, with no limit and no pacing.
	if _, err := terraform(tf, planDir, append(env, "WIX_REQUESTS_PER_MINUTE=0"), "apply", "-auto-approve"); err != nil {
		return fmt.Errorf("setup apply: %w", err)
	}
	sim.SetRateLimit(200, true)
	sim.ResetRequests()
	took, err := terraform(tf, planDir, env, "plan", "-detailed-exitcode")
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	report(sim.Server, fmt.Sprintf("`terraform plan` (refresh) of %d automations", planN), took, planN)

	applyDir := filepath.Join(work, "apply")
	if err := writeConfig(applyDir, applyN); err != nil {
		return err
	}
	sim.SetRateLimit(200, true)
	sim.ResetRequests()
	took, err = terraform(tf, applyDir, env, "apply", "-auto-approve")
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	report(sim.Server, fmt.Sprintf("`terraform apply` creating %d automations", applyN), took, applyN)
	return nil
}

// terraform runs one command in dir and returns its wall time.
func terraform(tf, dir string, env []string, args ...string) (time.Duration, error) {
	r, err := benchkit.Terraform(tf, dir, env, args...)
	return r.Wall, err
}

func report(sim *wixsim.Server, what string, took time.Duration, n int) {
	calls, tokens, throttled := 0, 0, 0
	for _, r := range sim.Requests() {
		switch {
		case r.Path == "/oauth2/token":
			tokens++
		case strings.HasPrefix(r.Path, "/v2/"):
			calls++
		}
		if r.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	fmt.Printf("| %s | %.1f s | %d | %.3f | %d | %d |\n", what, took.Seconds(), calls, float64(calls)/float64(n), tokens, throttled)
}

func writeConfig(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	providerBlock := "provider \"wix\" {}"
	if batchingOff {
		providerBlock = "provider \"wix\" {\n  batching {\n    enable_batching = false\n  }\n}"
	}
	config := benchkit.RequiredProvider("wix") + fmt.Sprintf(`
%s

resource "wix_automation" "bench" {
  count           = %d
  name            = "bench automation ${count.index}"
  trigger         = { app_id = %q, trigger_key = %q }
  root_action_ids = [%q]
  actions = jsonencode({
    %q = { appDefinedInfo = { appId = %q, actionKey = "send_email", inputMapping = { subject = "Hello" } } }
  })
}
`, providerBlock, n, wixsim.DemoAppID, wixsim.DemoTriggerKey, rootAction, rootAction, wixsim.DemoAppID)
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}
