package acctest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What a test that drives the Terraform CLI by hand through many commands
// needs (the lifecycle soak): a working directory with the provider
// reattached and an environment of its own, and the state file as
// Terraform wrote it, private data and all, which plugin-testing's view of
// state does not show.

// Workspace is a working directory where the Terraform CLI runs by hand
// against a provider served in this process (ReattachProvider).
type Workspace struct {
	t        *testing.T
	cli      string
	Dir      string
	reattach string
	env      []string
}

// NewWorkspace makes a fresh working directory for cli with the provider
// reattached; env ("NAME=value") is added to each command's environment,
// which is how a test passes a TF_VAR_ without setting it process-wide.
func NewWorkspace(t *testing.T, cli, reattach string, env ...string) *Workspace {
	t.Helper()
	return &Workspace{t: t, cli: cli, Dir: t.TempDir(), reattach: reattach, env: env}
}

// CLIRun is one command's outcome.
type CLIRun struct {
	Args   []string
	Output string // stdout and stderr, as a user sees them
	Exit   int    // -1 when it did not run at all
	Took   time.Duration
}

// Run runs the CLI with args (plus -input=false and -no-color for the
// commands that take them) and returns what it printed and its exit code.
func (w *Workspace) Run(args ...string) CLIRun {
	w.t.Helper()
	if len(args) > 0 && args[0] != "output" {
		args = append(args, "-input=false", "-no-color")
	}
	cmd := exec.Command(w.cli, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+w.reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, w.env...)
	started := time.Now()
	out, err := cmd.CombinedOutput()
	return CLIRun{Args: args, Output: string(out), Exit: ExitCode(err), Took: time.Since(started)}
}

// Write writes a file of the configuration.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	WriteTestFile(w.t, w.Dir, name, content)
}

// StatePath and BackupPath are where the local backend keeps state and the
// state before the last write.
func (w *Workspace) StatePath() string  { return filepath.Join(w.Dir, "terraform.tfstate") }
func (w *Workspace) BackupPath() string { return filepath.Join(w.Dir, "terraform.tfstate.backup") }

// StateFile is a state file as Terraform writes it (format version 4).
type StateFile struct {
	Version   int                        `json:"version"`
	Serial    int                        `json:"serial"`
	Lineage   string                     `json:"lineage"`
	Outputs   map[string]json.RawMessage `json:"outputs"`
	Resources []StateResource            `json:"resources"`
}

// StateResource is one resource block of a state file.
type StateResource struct {
	Mode      string          `json:"mode"` // managed or data
	Type      string          `json:"type"`
	Name      string          `json:"name"`
	Instances []StateInstance `json:"instances"`
}

// StateInstance is one instance of a resource in a state file.
type StateInstance struct {
	IndexKey   any            `json:"index_key,omitempty"`
	Status     string         `json:"status,omitempty"` // "tainted" for a tainted instance
	Attributes map[string]any `json:"attributes"`
	Private    string         `json:"private,omitempty"` // base64 of the provider's private data
}

// ReadStateFile reads and decodes a state file; a missing file is
// os.ErrNotExist.
func ReadStateFile(path string) (*StateFile, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var s StateFile
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return nil, raw, fmt.Errorf("%s is not a state file: %w", filepath.Base(path), err)
	}
	if s.Version != 4 || s.Lineage == "" {
		return nil, raw, fmt.Errorf("%s has version %d and lineage %q, want version 4 and a lineage", filepath.Base(path), s.Version, s.Lineage)
	}
	return &s, raw, nil
}

// StateInstanceAt is an instance with its address.
type StateInstanceAt struct {
	Address string
	StateInstance
}

// Instances are the instances of every resource of a mode and type, with
// their addresses.
func (s *StateFile) Instances(mode, typeName string) []StateInstanceAt {
	var out []StateInstanceAt
	for _, r := range s.Resources {
		if r.Mode != mode || r.Type != typeName {
			continue
		}
		prefix := r.Type + "." + r.Name
		if mode == "data" {
			prefix = "data." + prefix
		}
		for _, inst := range r.Instances {
			addr := prefix
			switch k := inst.IndexKey.(type) {
			case string:
				addr += fmt.Sprintf("[%q]", k)
			case json.Number:
				addr += "[" + k.String() + "]"
			}
			out = append(out, StateInstanceAt{addr, inst})
		}
	}
	return out
}

// String is an attribute as a string; "" when null or not a string.
func (i StateInstance) String(name string) string {
	s, _ := i.Attributes[name].(string)
	return s
}

// Strings is a list attribute as strings; nil when null.
func (i StateInstance) Strings(name string) ([]string, error) {
	v, ok := i.Attributes[name]
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s is %T, want a list", name, v)
	}
	out := make([]string, len(list))
	for n, e := range list {
		if out[n], ok = e.(string); !ok {
			return nil, fmt.Errorf("%s[%d] is %T, want a string", name, n, e)
		}
	}
	return out, nil
}

// PrivateKeys are the keys of the provider's private data of the instance
// (the framework keeps it as a JSON object of base64 values).
func (i StateInstance) PrivateKeys() ([]string, error) {
	if i.Private == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(i.Private)
	if err != nil {
		return nil, fmt.Errorf("private data is not base64: %w", err)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, fmt.Errorf("private data is not a JSON object: %w", err)
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	return keys, nil
}

// Text keeps a text a user sees (a command's output) for the scan.
func (s *SecretScan) Text(where, text string) { s.scan(where, text) }
