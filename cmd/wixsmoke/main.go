// Command wixsmoke checks the provider against a real Wix site, step by
// step, through Terraform: `make smoke` (see README.md, "Checking against
// your Wix site", and internal/smoke).
//
//	WIX_SMOKE=1 WIX_APP_ID=… WIX_APP_SECRET=… WIX_INSTANCE_ID=… WIX_TEST_TRIGGER_KEY=… \
//	  wixsmoke [-terraform PATH] [-source DIR | -provider-dir DIR] [-simulator]
//
// It refuses to start without WIX_SMOKE=1, before building or calling
// anything. It builds the provider from the repository at -source (or takes
// the binary in -provider-dir), runs the steps with the Terraform CLI of
// -terraform (else terraform on PATH), cleans up, and prints a summary for
// a bug report. With -simulator it runs against the bundled Wix API
// simulator and its demo app instead of the WIX_* site: a rehearsal that
// calls nothing outside this machine. The first Ctrl-C stops the current
// step and cleans up; a second one stops the clean-up.
//
// Exit status: 0 passed, 1 failed (or something is left at Wix), 2 refused.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/smoke"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

type options struct {
	terraform   string
	source      string
	providerDir string
	simulator   bool
}

func main() {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], environ(), signals, os.Stdout))
}

// run is the whole command, with its environment and output as arguments.
func run(args []string, env map[string]string, signals <-chan os.Signal, out io.Writer) int {
	opts, err := parseFlags(args, out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return smoke.ExitOK
		}
		return smoke.ExitRefused
	}
	if opts.simulator {
		stop, err := useSimulator(env)
		if err != nil {
			fmt.Fprintln(out, "wixsmoke: starting the simulator:", err)
			return smoke.ExitFailed
		}
		defer stop()
	}
	if _, err := smoke.Preflight(env); err != nil {
		fmt.Fprintln(out, "wixsmoke:", err)
		return smoke.ExitRefused
	}
	steps, cleanupCtx, stop := smoke.Interrupts(signals, out)
	defer stop()
	cfg, cleanup, err := prepare(steps, opts, env, out)
	defer cleanup()
	if err != nil {
		fmt.Fprintln(out, "wixsmoke:", err)
		return smoke.ExitFailed
	}
	return smoke.Run(steps, cleanupCtx, cfg)
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("wixsmoke", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&opts.terraform, "terraform", "", "the Terraform CLI to run (default: terraform on PATH)")
	fs.StringVar(&opts.source, "source", ".", "build the provider from the repository in this `directory`")
	fs.StringVar(&opts.providerDir, "provider-dir", "", "check the terraform-provider-wix binary in this `directory` instead of building one")
	fs.BoolVar(&opts.simulator, "simulator", false, "run against the bundled Wix API simulator and its demo app instead of the WIX_* site")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(out, "wixsmoke: unexpected arguments %q\n", fs.Args())
		return opts, errors.New("usage")
	}
	return opts, nil
}

// prepare finds Terraform and the provider (building it when no
// -provider-dir was given; an interrupt stops the build). cleanup removes
// what it built.
func prepare(ctx context.Context, opts options, env map[string]string, out io.Writer) (smoke.Config, func(), error) {
	cfg := smoke.Config{Env: env, Out: out, ProviderDir: opts.providerDir, ProviderVersion: "(binary in " + opts.providerDir + ")"}
	cleanup := func() {}
	var err error
	if cfg.Terraform, err = findTerraform(opts.terraform); err != nil {
		return cfg, cleanup, err
	}
	if opts.providerDir != "" {
		return cfg, cleanup, nil
	}
	if cfg.ProviderDir, err = os.MkdirTemp("", "wixsmoke-provider-"); err != nil {
		return cfg, cleanup, err
	}
	cleanup = func() { _ = os.RemoveAll(cfg.ProviderDir) }
	cfg.ProviderVersion = smoke.Describe(opts.source)
	fmt.Fprintf(out, "wixsmoke: building terraform-provider-wix %s from %s\n", cfg.ProviderVersion, opts.source)
	return cfg, cleanup, smoke.BuildProvider(ctx, opts.source, cfg.ProviderDir, cfg.ProviderVersion)
}

func findTerraform(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("no terraform on PATH: install Terraform 1.5 or later (1.10+ for the token step), " +
			"or name one with -terraform PATH (make smoke SMOKEARGS='-terraform PATH'); scripts/cli-path.sh terraform prints the path of one it builds")
	}
	return path, nil
}

// useSimulator serves the simulator on loopback and points env at it and
// its demo app, for the steps and for the provider Terraform starts.
func useSimulator(env map[string]string) (func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sim := wixsim.New(wixsim.Options{})
	srv := &http.Server{Handler: sim, ConnState: sim.ConnStateHook(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	delete(env, smoke.EnvAccessToken)
	env[smoke.EnvBaseURL] = "http://" + ln.Addr().String()
	env[smoke.EnvAppID] = wixsim.DemoAppID
	env[smoke.EnvAppSecret] = wixsim.DemoAppSecret
	env[smoke.EnvInstanceID] = wixsim.DemoInstanceID
	env[smoke.EnvTriggerKey] = wixsim.DemoTriggerKey
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// environ is the process environment as a map.
func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}
