// Command wixsim serves the Wix API simulator (internal/wixsim) on a
// loopback address, for the demo and for acceptance tests run against a
// real process. It knows the demo app out of the box (see wixsim.Demo*).
//
//	wixsim [-addr 127.0.0.1:0] [-addr-file PATH] [-env-file PATH] [-rpm N] [-retry-after] [-latency DURATION]
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
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

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
	retryAfter bool
	latency    time.Duration
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
	ln, err := listenLoopback(cfg.addr)
	if err != nil {
		return err
	}
	sim := wixsim.New(wixsim.Options{
		RateLimitPerMinute:  cfg.rpm,
		RateLimitRetryAfter: cfg.retryAfter,
		Latency:             cfg.latency,
	})
	srv := &http.Server{Handler: sim, ConnState: sim.ConnStateHook(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	baseURL := "http://" + ln.Addr().String()
	if cfg.addrFile != "" {
		if err := writeFileAtomic(cfg.addrFile, []byte(baseURL)); err != nil {
			_ = srv.Close()
			return err
		}
		// A stale file would point the next reader at a dead port.
		defer os.Remove(cfg.addrFile)
	}
	if cfg.envFile != "" {
		if err := writeFileAtomic(cfg.envFile, demoEnv(baseURL)); err != nil {
			_ = srv.Close()
			return err
		}
		defer os.Remove(cfg.envFile)
	}
	fmt.Fprintf(stdout, "wixsim listening on %s (demo app_id=%s instance_id=%s trigger_key=%s)\n",
		baseURL, wixsim.DemoAppID, wixsim.DemoInstanceID, wixsim.DemoTriggerKey)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown(srv)
	fmt.Fprintf(stdout, "wixsim stopped: %d requests served, %d cancellations\n",
		len(sim.Requests()), len(sim.Cancellations()))
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("wixsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&cfg.addrFile, "addr-file", "", "write the base URL to this `file` once listening")
	fs.StringVar(&cfg.envFile, "env-file", "", "write WIX_* variables for the demo app (shell syntax) to this `file` once listening")
	fs.IntVar(&cfg.rpm, "rpm", 0, "rate limit in requests per minute per app instance (0 = none)")
	fs.BoolVar(&cfg.retryAfter, "retry-after", false, "send Retry-After on rate-limited (429) answers")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every call")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, fmt.Errorf("%w: %w", errUsage, err)
	}
	switch {
	case fs.NArg() > 0:
		return cfg, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	case cfg.rpm < 0:
		return cfg, fmt.Errorf("%w: -rpm must be >= 0", errUsage)
	case cfg.latency < 0:
		return cfg, fmt.Errorf("%w: -latency must be >= 0", errUsage)
	}
	return cfg, nil
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

// demoEnv configures the provider for the simulator's demo app, so that a
// script can `source` it instead of repeating the demo credentials.
func demoEnv(baseURL string) []byte {
	return fmt.Appendf(nil, "WIX_BASE_URL=%s\nWIX_APP_ID=%s\nWIX_APP_SECRET=%s\nWIX_INSTANCE_ID=%s\n",
		baseURL, wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
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
