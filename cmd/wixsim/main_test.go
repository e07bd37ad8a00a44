package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// syncBuffer is written by run's goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return ""
}

func TestRunServesAndStopsCleanly(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	envFile := filepath.Join(t.TempDir(), "env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-env-file", envFile, "-rpm", "100", "-retry-after"}, &stdout, io.Discard)
	}()

	base := waitForFile(t, addrFile)
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.ContainsAny(base, "\n ") {
		t.Fatalf("addr file holds %q", base)
	}
	waitForFile(t, envFile)
	wantVars(t, sourced(t, envFile), map[string]string{
		"WIX_BASE_URL": base, "WIX_APP_ID": wixsim.DemoAppID,
		"WIX_APP_SECRET": wixsim.DemoAppSecret, "WIX_INSTANCE_ID": wixsim.DemoInstanceID,
	})
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	resp, err := http.Post(base+"/oauth2/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("x-wix-request-id") == "" {
		t.Fatalf("token call: %d %v", resp.StatusCode, resp.Header)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	out := stdout.String()
	// The demo site holds the three seeded automations of another origin.
	for _, want := range []string{"listening on " + base, wixsim.DemoAppID, wixsim.DemoInstanceID, "1 requests served, 0 cancellations", "3 automations left"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, wixsim.DemoAppSecret) {
		t.Error("output prints the secret")
	}
	for _, f := range []string{addrFile, envFile} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", f, err)
		}
	}
}

// -preinstalled=false starts the demo site empty.
func TestRunWithoutPreinstalled(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr-file", addrFile, "-preinstalled=false"}, &stdout, io.Discard) }()
	waitForFile(t, addrFile)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if out := stdout.String(); !strings.Contains(out, "0 automations left") {
		t.Errorf("output %q, want an empty site", out)
	}
}

// -rpm with -rate-window: one call per hour here, so the second call is
// answered 429 with Retry-After 3600 (a minute's window would say 60). An
// hour, not a second: on a busy machine a second can pass between the two
// calls, and the second would be admitted.
func TestRunRateWindow(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-rpm", "1", "-rate-window", "1h", "-retry-after"}, io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	base := waitForFile(t, addrFile)
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if res := postJSON(t, base+"/oauth2/token", "", body); json.Unmarshal(res.body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token call: %d %s", res.status, res.body)
	}
	cancelBody := fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":"16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"}`, wixsim.DemoTriggerKey)
	if res := postJSON(t, base+"/automations/v1/events/cancel", tok.AccessToken, cancelBody); res.status != 200 {
		t.Fatalf("first cancel: %d %s", res.status, res.body)
	}
	res := postJSON(t, base+"/automations/v1/events/cancel", tok.AccessToken, cancelBody)
	if res.status != 429 || res.header.Get("Retry-After") != "3600" {
		t.Fatalf("second cancel: %d with Retry-After %q, want 429 with 3600", res.status, res.header.Get("Retry-After"))
	}
}

type postResult struct {
	status int
	header http.Header
	body   []byte
}

func postJSON(t *testing.T, url, token, body string) postResult {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return postResult{status: res.StatusCode, header: res.Header, body: data}
}

func TestRunRefusesBadCommandLines(t *testing.T) {
	tests := [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":0"},
		{"-addr", "192.0.2.1:8080"},
		{"-addr", "example.com:80"},
		{"-addr", "127.0.0.1"},
		{"-rpm", "-1"},
		{"-rate-window", "0s"},
		{"-latency", "-1s"},
		{"-nope"},
		{"extra"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := run(context.Background(), args, io.Discard, io.Discard)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want a usage error", args, err)
			}
		})
	}
}

// -cli-config writes one file and serves nothing, so a flag that would
// only matter while serving is a mistake, not something to drop silently.
func TestCLIConfigRefusesTheServingFlags(t *testing.T) {
	rc := filepath.Join(t.TempDir(), "cli.tfrc")
	for _, extra := range [][]string{
		{"-shell"},
		{"-addr-file", filepath.Join(t.TempDir(), "addr")},
		{"-env-file", filepath.Join(t.TempDir(), "env")},
		{"-rpm", "10"},
		{"-rate-window", "2s"},
	} {
		t.Run(extra[0], func(t *testing.T) {
			args := append([]string{"-cli-config", rc, "-provider-dir", "bin"}, extra...)
			err := run(context.Background(), args, io.Discard, io.Discard)
			if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), extra[0]) {
				t.Errorf("run(%q) = %v, want a usage error naming %s", args, err, extra[0])
			}
			if _, err := os.Stat(rc); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("run(%q) wrote %s anyway: %v", args, rc, err)
			}
		})
	}
}

func TestRunAcceptsLocalhostAndIPv6Loopback(t *testing.T) {
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, err := listenLoopback(addr)
			if err != nil {
				if strings.Contains(err.Error(), "cannot assign") || strings.Contains(err.Error(), "address family") {
					t.Skipf("no such loopback here: %v", err)
				}
				t.Fatal(err)
			}
			ln.Close()
		})
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"one", "two"} {
		if err := writeFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("file = %q, want %q", b, content)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// sourced runs bash, sources file with WIX_ACCESS_TOKEN set beforehand, and
// returns the environment that results.
func sourced(t *testing.T, file string) map[string]string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `source "$1" && env`, "bash", file)
	cmd.Env = append(os.Environ(), "WIX_ACCESS_TOKEN=left-over")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash could not source %s: %v", file, err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

func wantVars(t *testing.T, env, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if env[k] != v {
			t.Errorf("after source: %s = %q, want %q", k, env[k], v)
		}
	}
	if _, ok := env["WIX_ACCESS_TOKEN"]; ok {
		t.Error("WIX_ACCESS_TOKEN stays set; with the app credentials it makes two credential sets")
	}
}

// startShell runs wixsim -shell and waits for its last line to paste.
func startShell(t *testing.T, providerDir string) (*syncBuffer, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	go func() { done <- run(ctx, []string{"-shell", "-provider-dir", providerDir}, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "TF_CLI_CONFIG_FILE") {
		if time.Now().After(deadline) {
			t.Fatalf("no TF_CLI_CONFIG_FILE line; stdout %q stderr %q", stdout, stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return stdout, stderr
}

func TestShellPrintsLinesToPaste(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // where the CLI configuration goes
	dir := filepath.Join(t.TempDir(), "it's a \"dir\"")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := startShell(t, dir)
	pasted := filepath.Join(t.TempDir(), "pasted.sh")
	if err := os.WriteFile(pasted, []byte(stdout.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env := sourced(t, pasted)
	wantVars(t, env, map[string]string{"WIX_APP_ID": wixsim.DemoAppID, "WIX_INSTANCE_ID": wixsim.DemoInstanceID})
	if !strings.HasPrefix(env["WIX_BASE_URL"], "http://127.0.0.1:") {
		t.Errorf("WIX_BASE_URL = %q", env["WIX_BASE_URL"])
	}
	rc, err := os.ReadFile(env["TF_CLI_CONFIG_FILE"])
	if err != nil {
		t.Fatalf("TF_CLI_CONFIG_FILE: %v", err)
	}
	for _, want := range []string{
		`"registry.terraform.io/wix-terraform/wix" = "` + strings.ReplaceAll(dir, `"`, `\"`) + `"`,
		`"registry.opentofu.org/wix-terraform/wix" = `, "direct {}",
	} {
		if !strings.Contains(string(rc), want) {
			t.Errorf("CLI config lacks %q:\n%s", want, rc)
		}
	}
	if !strings.Contains(stderr.String(), "listening on") || !strings.Contains(stderr.String(), "go build -o") {
		t.Errorf("stderr = %q, want the listening line and how to build the missing provider", stderr)
	}
}

// The CLI configuration -shell writes outlives the simulator, so that a
// shell that pasted its lines keeps a working TF_CLI_CONFIG_FILE, and a
// restart for the same provider directory reuses the same path.
func TestShellConfigOutlivesTheSimulator(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	configPath := func() string {
		var rc string
		t.Run("serve", func(t *testing.T) {
			stdout, _ := startShell(t, dir)
			_, after, _ := strings.Cut(stdout.String(), "TF_CLI_CONFIG_FILE=")
			rc = strings.Trim(strings.TrimSpace(after), "'")
		})
		return rc
	}
	first := configPath()
	if _, err := os.Stat(first); err != nil {
		t.Fatalf("CLI config %q gone once the simulator stopped: %v", first, err)
	}
	if second := configPath(); second != first {
		t.Errorf("a restart for the same provider directory wrote %s, not %s", second, first)
	}
}

func TestShellQuoteSurvivesBash(t *testing.T) {
	for _, v := range []string{"plain", "it's", `a "b" $HOME \n`, "''", ""} {
		out, err := exec.Command("bash", "-c", "printf %s "+shellQuote(v)).Output()
		if err != nil || string(out) != v {
			t.Errorf("shellQuote(%q) through bash = %q, %v", v, out, err)
		}
	}
}

// -cli-config writes the CLI configuration for the provider directory,
// made absolute, and returns without serving: ctx is never canceled here.
func TestCLIConfigOnlyWritesTheFile(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, "cli.tfrc")
	var stdout, stderr bytes.Buffer
	t.Chdir(dir)
	if err := run(context.Background(), []string{"-cli-config", rc, "-provider-dir", "bin"}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	got, err := os.ReadFile(rc)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%q = %q", "registry.opentofu.org/wix-terraform/wix", filepath.Join(dir, "bin"))
	if !strings.Contains(string(got), want) || stdout.Len() != 0 {
		t.Fatalf("config:\n%s\nwant a line %s, and nothing on stdout (got %q)", got, want, stdout.String())
	}
}

// Ctrl-C stops the simulator with exit status 0 and its summary line, so
// that `make sim`, which runs the binary, ends without make's "Error 1".
func TestInterruptEndsQuietly(t *testing.T) {
	if addrFile := os.Getenv("WIXSIM_ADDR_FILE"); addrFile != "" {
		os.Args = []string{"wixsim", "-addr-file", addrFile}
		main()
		return
	}
	addrFile := filepath.Join(t.TempDir(), "addr")
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptEndsQuietly$")
	cmd.Env = append(os.Environ(), "WIXSIM_ADDR_FILE="+addrFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, err := os.Stat(addrFile); err != nil; _, err = os.Stat(addrFile) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the simulator did not start: %s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v, want exit status 0\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "wixsim stopped:") {
		t.Errorf("no summary line after Ctrl-C:\n%s", out.String())
	}
}

// -state keeps what the simulator holds across a restart: an automation
// created through the API before a stop is there after the next start.
func TestStateFileKeepsDataAcrossRestarts(t *testing.T) {
	state := filepath.Join(t.TempDir(), "wixsim-state.json")
	serve := func(act func(baseURL string)) string {
		t.Helper()
		addrFile := filepath.Join(t.TempDir(), "addr")
		ctx, cancel := context.WithCancel(context.Background())
		var stderr syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-preinstalled=false", "-state", state, "-addr-file", addrFile}, &stderr, &stderr)
		}()
		act(waitForFile(t, addrFile))
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("run: %v\n%s", err, stderr.String())
		}
		return stderr.String()
	}
	var created string
	out := serve(func(baseURL string) { created = createAutomation(t, baseURL) })
	if !strings.Contains(out, "saved its automations and events to "+state) {
		t.Errorf("the stop does not say where the state went:\n%s", out)
	}
	serve(func(baseURL string) {
		if got := getAutomation(t, baseURL, created); got != http.StatusOK {
			t.Errorf("Get Automation %s after a restart with -state: HTTP %d, want 200", created, got)
		}
	})
}

// createAutomation creates an automation through the API as the demo app
// and returns its id.
func createAutomation(t *testing.T, baseURL string) string {
	t.Helper()
	client, err := wix.New(wix.Config{BaseURL: baseURL, AppID: wixsim.DemoAppID, AppSecret: wixsim.DemoAppSecret, InstanceID: wixsim.DemoInstanceID})
	if err != nil {
		t.Fatal(err)
	}
	const action = "a1b2c3d4-0000-4000-8000-000000000001"
	a, err := client.CreateAutomation(context.Background(), wix.Automation{
		Name: "kept", Origin: "APPLICATION", ApplicationInfo: &wix.ApplicationInfo{AppID: wixsim.DemoAppID},
		Configuration: wix.AutomationConfiguration{
			Status: "ACTIVE", Trigger: wix.Trigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
			RootActionIDs: []string{action},
			Actions:       json.RawMessage(`{"` + action + `":{"appDefinedInfo":{"appId":"` + wixsim.DemoAppID + `","actionKey":"send_email"}}}`),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// getAutomation asks a fresh client for the automation and returns the
// HTTP status of the answer.
func getAutomation(t *testing.T, baseURL, id string) int {
	t.Helper()
	client, err := wix.New(wix.Config{BaseURL: baseURL, AppID: wixsim.DemoAppID, AppSecret: wixsim.DemoAppSecret, InstanceID: wixsim.DemoInstanceID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetAutomation(context.Background(), id); err != nil {
		var apiErr *wix.APIError
		if errors.As(err, &apiErr) {
			return apiErr.StatusCode
		}
		t.Fatal(err)
	}
	return http.StatusOK
}
