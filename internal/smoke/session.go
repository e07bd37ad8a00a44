package smoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/wix-terraform/terraform-provider-wix/internal/cliconfig"
)

// session is one run: its Terraform working directory and what the run
// made at Wix, which the clean-up removes.
type session struct {
	cfg       Config
	site      Site
	tf        *tfexec.Terraform
	tfVersion *version.Version
	root      string // the run's temporary directory: work/, logs/, terraform.rc
	ids       runIDs
	commands  int // Terraform commands run so far, to name their logs
	out       *printer

	// What the run made, for the clean-up.
	createTried       bool
	automationID      string // once Wix confirmed the create
	automationDeleted bool
	reportTried       bool
	eventCanceled     bool
	reportSkip        string // why the report and cancel steps are skipped, if they are
}

// runIDs name what this run makes, so that nothing of another run (or of
// the site) is ever mistaken for it.
type runIDs struct {
	name     string // the automation's name: unique to the run
	entityID string // the event's external entity id: the handle to cancel it
	actionID string // the automation's one action
}

func newRunIDs(now time.Time) runIDs {
	return runIDs{
		name:     "terraform-provider-wix smoke " + now.UTC().Format("20060102-150405") + "-" + rand.Text()[:6],
		entityID: uuid.NewString(),
		actionID: uuid.NewString(),
	}
}

// createdAutomation and updatedAutomation are the automation before and
// after the update step.
func (s *session) createdAutomation() automation {
	return automation{
		name:        s.ids.name,
		description: "Made by make smoke of terraform-provider-wix; it deletes it within a minute. Safe to delete.",
		status:      "INACTIVE",
	}
}

func (s *session) updatedAutomation() automation {
	a := s.createdAutomation()
	a.description = "Updated by make smoke of terraform-provider-wix; it deletes it within a minute. Safe to delete."
	a.status = "ACTIVE"
	return a
}

// minTerraform is the oldest Terraform the provider supports.
var minTerraform = version.Must(version.NewVersion("1.5.0"))

// newSession prepares the run's directory and its Terraform: a CLI
// configuration whose dev_overrides take the provider from
// cfg.ProviderDir, and provider logs at INFO.
func newSession(ctx context.Context, cfg Config, site Site, out *printer) (*session, error) {
	binary := filepath.Join(cfg.ProviderDir, "terraform-provider-wix")
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("no provider to check: %w", err)
	}
	root, err := os.MkdirTemp("", "wixsmoke-")
	if err != nil {
		return nil, err
	}
	s := &session{cfg: cfg, site: site, root: root, ids: newRunIDs(time.Now()), out: out}
	for _, dir := range []string{s.workDir(), s.logDir()} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return s, err
		}
	}
	rc := filepath.Join(root, "terraform.rc")
	if err := cliconfig.Write(rc, cfg.ProviderDir, "wix"); err != nil {
		return s, err
	}
	if s.tf, err = tfexec.NewTerraform(s.workDir(), cfg.Terraform); err != nil {
		return s, err
	}
	if err := s.tf.SetEnv(terraformEnv(cfg.Env, rc)); err != nil {
		return s, err
	}
	if s.tfVersion, _, err = s.tf.Version(ctx, true); err != nil {
		return s, fmt.Errorf("running %s version: %w", cfg.Terraform, err)
	}
	if s.tfVersion.LessThan(minTerraform) {
		return s, fmt.Errorf("%s is Terraform %s; the provider needs Terraform %s or later", cfg.Terraform, s.tfVersion, minTerraform)
	}
	if err := s.tf.SetLogProvider("INFO"); err != nil {
		return s, err
	}
	return s, nil
}

func (s *session) workDir() string { return filepath.Join(s.root, "work") }
func (s *session) logDir() string  { return filepath.Join(s.root, "logs") }

// terraformEnv is the environment Terraform (and the provider it starts)
// runs with: env, without the variables terraform-exec sets itself, with
// the run's CLI configuration, and without Terraform's version check
// (the run calls Wix and nothing else) unless the user set it.
func terraformEnv(env map[string]string, cliConfig string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	out = tfexec.CleanEnv(out)
	out["TF_CLI_CONFIG_FILE"] = cliConfig
	if _, set := out["CHECKPOINT_DISABLE"]; !set {
		out["CHECKPOINT_DISABLE"] = "1"
	}
	return out
}

// writeConfig replaces the working directory's configuration.
func (s *session) writeConfig(blocks ...string) error {
	return os.WriteFile(filepath.Join(s.workDir(), "main.tf"), configOf(blocks...), 0o600)
}

// terraform runs one Terraform command of a step with a log of its own,
// and adds the Wix calls the provider logged to r. A failed command's
// error is Terraform's own diagnostics.
func (s *session) terraform(ctx context.Context, r *StepResult, command func(context.Context) error) error {
	s.commands++
	logPath := filepath.Join(s.logDir(), fmt.Sprintf("%02d-%s.log", s.commands, r.Name))
	if err := s.tf.SetLogPath(logPath); err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	s.tf.SetStdout(&stdout)
	s.tf.SetStderr(&stderr)
	err := command(ctx)
	calls, readErr := readCalls(logPath)
	r.Calls = append(r.Calls, calls...)
	diagnostics := errorDiagnostics(stderr.String())
	switch {
	case err != nil && ctx.Err() != nil:
		return errors.New(strings.TrimSpace(fmt.Sprintf("interrupted (%v)\n%s", context.Cause(ctx), diagnostics)))
	case err != nil && diagnostics != "":
		return errors.New(diagnostics)
	case err != nil:
		return err
	case readErr != nil:
		return fmt.Errorf("reading the provider log %s: %w", logPath, readErr)
	}
	return nil
}

// errorDiagnostics are Terraform's error diagnostics on stderr, without
// the warning about development overrides that every command prints.
func errorDiagnostics(stderr string) string {
	if i := strings.Index(stderr, "Error: "); i >= 0 {
		return strings.TrimSpace(stderr[i:])
	}
	return ""
}

// apply writes the configuration of blocks and applies it.
func (s *session) apply(ctx context.Context, r *StepResult, blocks ...string) error {
	if err := s.writeConfig(blocks...); err != nil {
		return err
	}
	return s.terraform(ctx, r, func(ctx context.Context) error { return s.tf.Apply(ctx) })
}

// applyForOutputs is apply, and then the root module's outputs.
func (s *session) applyForOutputs(ctx context.Context, r *StepResult, blocks ...string) (map[string]json.RawMessage, error) {
	if err := s.apply(ctx, r, blocks...); err != nil {
		return nil, err
	}
	return s.outputs(ctx)
}

// outputs are the root module's outputs after the last apply.
func (s *session) outputs(ctx context.Context) (map[string]json.RawMessage, error) {
	metas, err := s.tf.Output(ctx)
	if err != nil {
		return nil, err
	}
	values := make(map[string]json.RawMessage, len(metas))
	for name, meta := range metas {
		values[name] = meta.Value
	}
	return values, nil
}

// output decodes one output into v.
func output[T any](values map[string]json.RawMessage, name string) (T, error) {
	var v T
	raw, ok := values[name]
	if !ok {
		return v, fmt.Errorf("terraform output %q is missing", name)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("terraform output %q: %w", name, err)
	}
	return v, nil
}

// managed are the managed resources in the state, by address, with their
// ids (what a user would look for at Wix).
func (s *session) managed(ctx context.Context) (map[string]string, error) {
	state, err := s.tf.Show(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return out, nil
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Mode == "managed" {
			id, _ := r.AttributeValues["id"].(string)
			out[r.Address] = id
		}
	}
	return out, nil
}
