// Command wixsim serves the Wix API simulator (internal/wixsim) on a
// loopback address, for the demo and for acceptance tests run against a
// real process. It knows the demo app out of the box (see wixsim.Demo*).
//
//	wixsim [-addr 127.0.0.1:0] [-addr-file PATH] [-env-file PATH] [-rpm N] [-rate-window DURATION] [-retry-after]
//	       [-latency DURATION] [-preinstalled=false] [-state FILE] [-shell [-provider-dir DIR]]
//	wixsim -cli-config PATH [-provider-dir DIR]
//
// The demo site starts with the automations a real site's Query returns
// beside an app's own (preinstalled ones, another installed app's); with
// -preinstalled=false it starts empty.
//
// With -shell it also writes a Terraform CLI configuration whose
// dev_overrides point Terraform and OpenTofu at the provider binary in DIR,
// and prints to stdout exactly the lines to paste into a shell (exports of
// the WIX_* variables and TF_CLI_CONFIG_FILE); everything else it says goes
// to stderr. It then serves until interrupted. The CLI configuration lives
// in the user's cache directory under a name made from DIR, and outlives
// the simulator: a shell that pasted the lines keeps a working
// configuration across restarts (with the same -addr, the same
// WIX_BASE_URL too).
//
// With -cli-config it only writes that CLI configuration to PATH and exits:
// the scripts take it from here, so that it has one writer.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/cliconfig"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// errUsage marks errors in the command line, which exit with status 2.
var errUsage = errors.New("usage")

// shutdownGrace bounds how long in-flight calls may finish after a signal.
const shutdownGrace = 5 * time.Second

type config struct {
	addr       string
	addrFile   string
	envFile    string
	rpm        int
	rateWindow time.Duration
	retryAfter bool
	latency    time.Duration
	// preinstalled seeds the demo site as wixsim.Options.Preinstalled says.
	preinstalled bool
	// state is the -state file: read at start when it exists, written when
	// the simulator stops; "" keeps nothing.
	state     string
	shell     bool
	providers string // -provider-dir, absolute
	cliConfig string // -cli-config: write only this file, serve nothing
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "wixsim:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "wixsim:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down and prints a summary.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.cliConfig != "" {
		return cliconfig.Write(cfg.cliConfig, cfg.providers, "wix")
	}
	ln, err := listenLoopback(cfg.addr)
	if err != nil {
		return err
	}
	sim := wixsim.New(wixsim.Options{
		RateLimitPerMinute:  cfg.rpm,
		RateLimitRetryAfter: cfg.retryAfter,
		RateLimitWindow:     cfg.rateWindow,
		Latency:             cfg.latency,
		Preinstalled:        cfg.preinstalled,
	})
	if err := loadState(sim, cfg.state); err != nil {
		_ = ln.Close()
		return err
	}
	srv := &http.Server{Handler: sim, ConnState: sim.ConnStateHook(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	// In -shell mode stdout carries only the lines to paste.
	info := stdout
	if cfg.shell {
		info = stderr
	}
	cleanup, err := announce(cfg, "http://"+ln.Addr().String(), stdout, info)
	defer cleanup()
	if err != nil {
		_ = srv.Close()
		return err
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown(srv)
	fmt.Fprintf(info, "wixsim stopped: %d requests served, %d cancellations, %d events reported, %d automations left\n",
		len(sim.Requests()), len(sim.Cancellations()), len(sim.Events()), len(sim.Automations()))
	if cfg.state == "" {
		return nil
	}
	if err := saveState(sim, cfg.state); err != nil {
		return err
	}
	fmt.Fprintf(info, "wixsim saved its automations and events to %s: start it with -state %s to keep them\n",
		cfg.state, shellQuote(cfg.state))
	return nil
}

// loadState reads the -state file into sim, when there is one to read: a
// first start with -state begins empty and writes the file when it stops.
func loadState(sim *wixsim.Server, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := sim.LoadState(f); err != nil {
		return fmt.Errorf("-state %s: %w (remove the file to start empty)", path, err)
	}
	return nil
}

// saveState writes what sim holds to the -state file, atomically, so that
// an interrupted save never leaves half a file for the next start.
func saveState(sim *wixsim.Server, path string) error {
	var buf bytes.Buffer
	if err := sim.SaveState(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// announce tells readers where the simulator listens: the address and env
// files, the -shell CLI configuration and lines, and a line on info. The
// cleanup it returns removes the address and env files, since a stale one
// would point the next reader at a dead port; the CLI configuration names
// no port and stays (see shellCLIConfig).
func announce(cfg config, baseURL string, stdout, info io.Writer) (func(), error) {
	var files []string
	cleanup := func() {
		for _, f := range files {
			_ = os.RemoveAll(f)
		}
	}
	vars := demoVars(baseURL)
	if cfg.shell {
		rc, err := shellCLIConfig(cfg.providers)
		if err != nil {
			return cleanup, err
		}
		vars = append(vars, [2]string{"TF_CLI_CONFIG_FILE", rc})
	}
	for _, w := range []struct{ path, data string }{{cfg.addrFile, baseURL}, {cfg.envFile, shellLines(vars)}} {
		if w.path == "" {
			continue
		}
		if err := writeFileAtomic(w.path, []byte(w.data)); err != nil {
			return cleanup, err
		}
		files = append(files, w.path)
	}
	fmt.Fprintf(info, "wixsim listening on %s (demo app_id=%s instance_id=%s trigger_key=%s)\n",
		baseURL, wixsim.DemoAppID, wixsim.DemoInstanceID, wixsim.DemoTriggerKey)
	if cfg.shell {
		warnMissingProvider(info, cfg.providers)
		fmt.Fprint(stdout, shellLines(vars))
	}
	return cleanup, nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("wixsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&cfg.addrFile, "addr-file", "", "write the base URL to this `file` once listening")
	fs.StringVar(&cfg.envFile, "env-file", "", "write `export` lines of the WIX_* variables for the demo app (and TF_CLI_CONFIG_FILE with -shell) to this `file` once listening")
	fs.IntVar(&cfg.rpm, "rpm", 0, "rate limit: at most N requests per app instance in any window of -rate-window, a sliding one (0 = none)")
	fs.DurationVar(&cfg.rateWindow, "rate-window", time.Minute, "the window -rpm counts in (Wix's is a minute)")
	fs.BoolVar(&cfg.retryAfter, "retry-after", false, "send Retry-After on rate-limited (429) answers")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every call")
	fs.StringVar(&cfg.state, "state", "", "keep automations and events across restarts in this `file`: read at start when it exists, written on stop")
	fs.BoolVar(&cfg.preinstalled, "preinstalled", true, "seed the demo site with preinstalled automations and another installed app's, as a real site's Query returns them")
	fs.BoolVar(&cfg.shell, "shell", false, "write a Terraform CLI config with dev_overrides and print the lines to paste into a shell")
	fs.StringVar(&cfg.providers, "provider-dir", ".", "with -shell or -cli-config: the `directory` holding the terraform-provider-wix binary")
	fs.StringVar(&cfg.cliConfig, "cli-config", "", "only write the dev_overrides CLI configuration for -provider-dir to this `file`, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	if cfg.cliConfig != "" {
		if err := onlyWithCLIConfig(fs); err != nil {
			return cfg, err
		}
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case cfg.rpm < 0:
		return cfg, fmt.Errorf("%w: -rpm must be >= 0", errUsage)
	case cfg.rateWindow <= 0:
		return cfg, fmt.Errorf("%w: -rate-window must be > 0", errUsage)
	case cfg.latency < 0:
		return cfg, fmt.Errorf("%w: -latency must be >= 0", errUsage)
	}
	abs, err := filepath.Abs(cfg.providers)
	if err != nil {
		return cfg, fmt.Errorf("%w: -provider-dir %q: %w", errUsage, cfg.providers, err)
	}
	cfg.providers = abs
	return cfg, nil
}

// onlyWithCLIConfig refuses every flag but -provider-dir next to
// -cli-config, which writes one file and serves nothing: -shell, -addr-file,
// -env-file and the serving flags would otherwise be silently ignored.
func onlyWithCLIConfig(fs *flag.FlagSet) error {
	var ignored []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "cli-config" && f.Name != "provider-dir" {
			ignored = append(ignored, "-"+f.Name)
		}
	})
	if len(ignored) > 0 {
		return fmt.Errorf("%w: -cli-config only writes the CLI configuration and takes no %s; "+
			"run wixsim without -cli-config to serve", errUsage, strings.Join(ignored, ", "))
	}
	return nil
}

// listenLoopback refuses anything but a loopback address: the simulator
// accepts a published demo secret and must never be reachable from outside.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: -addr %q: %w", errUsage, addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%w: -addr %q is not a loopback address", errUsage, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// "localhost" is resolved by the system; check what we really got.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, fmt.Errorf("%w: -addr %q resolved to non-loopback %s", errUsage, addr, ln.Addr())
	}
	return ln, nil
}

// shellCLIConfig writes the dev_overrides CLI configuration for the
// provider binaries in dir to a path that depends on dir alone, in the
// user's cache directory, and returns that path. Removing it on exit would
// leave a shell that pasted TF_CLI_CONFIG_FILE with a missing file
// ("Unable to open CLI configuration file") and Terraform asking for an
// init it cannot do; kept, a restart reuses it.
func shellCLIConfig(dir string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(dir))
	rc := filepath.Join(cache, "terraform-provider-wix", "wixsim", hex.EncodeToString(sum[:6])+".tfrc")
	if err := os.MkdirAll(filepath.Dir(rc), 0o750); err != nil {
		return "", err
	}
	return rc, cliconfig.Write(rc, dir, "wix")
}

// demoVars configures the provider for the simulator's demo app.
func demoVars(baseURL string) [][2]string {
	var vars [][2]string
	for _, kv := range wixsim.DemoEnv(baseURL) {
		name, value, _ := strings.Cut(kv, "=")
		vars = append(vars, [2]string{name, value})
	}
	return vars
}

// shellLines renders vars as lines a POSIX shell can source or a user can
// paste: one quoted export each, after unsetting WIX_ACCESS_TOKEN, which
// together with the app credentials would be refused as two credential
// sets.
func shellLines(vars [][2]string) string {
	var b strings.Builder
	b.WriteString("unset WIX_ACCESS_TOKEN\n")
	for _, kv := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// shellQuote single-quotes s for a POSIX shell. Each single quote inside
// closes the quoted string, adds an escaped quote and reopens it (a code
// block, since gofmt would turn the two quotes into a typographic one):
//
//	it's  ->  'it'\''s'
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// warnMissingProvider says how to build the provider when dir lacks it,
// since Terraform's own error for that case does not name the fix.
func warnMissingProvider(w io.Writer, dir string) {
	if _, err := os.Stat(filepath.Join(dir, "terraform-provider-wix")); err == nil {
		return
	}
	fmt.Fprintf(w, "wixsim: %s holds no terraform-provider-wix binary yet; build it with: go build -o %s .\n",
		dir, shellQuote(dir))
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// reader polling for the file never sees it half written.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// shutdown lets in-flight calls finish, then cuts off stragglers.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		_ = srv.Close()
	}
}
