// Package benchkit holds what the benchmark commands under bench/ share: a
// Wix API simulator served on loopback, the terraform block of their
// configurations, and one timed Terraform command. The CLI configuration
// that installs the provider binaries under test is cliconfig.Write.
package benchkit

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Sim is a fresh Wix API simulator served on loopback for one run.
type Sim struct {
	*wixsim.Server
	URL string // http://127.0.0.1:port
	srv *http.Server
}

// StartSim serves a new simulator with opts on a free loopback port,
// counting its connections.
func StartSim(opts wixsim.Options) (*Sim, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the simulator: %w", err)
	}
	sim := wixsim.New(opts)
	srv := &http.Server{Handler: sim, ConnState: sim.ConnStateHook(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &Sim{Server: sim, URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the simulator, giving requests in flight five seconds.
func (s *Sim) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// RequiredProvider is the terraform block of a configuration that uses the
// wix-terraform provider name.
func RequiredProvider(name string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %s = { source = "wix-terraform/%s" }
  }
}
`, name, name)
}

// Run is what one Terraform command took.
type Run struct {
	Wall time.Duration // from the start of the process to its exit
	CPU  time.Duration // user+system of terraform and every process it reaped (providers, curl)
}

// Terraform runs `tf args... -input=false -no-color` in dir with env and
// times it. When the command fails, the error ends with the last 3000
// bytes of its output.
func Terraform(tf, dir string, env []string, args ...string) (Run, error) {
	cmd := exec.Command(tf, append(args, "-input=false", "-no-color")...)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	started := time.Now()
	err := cmd.Run()
	r := Run{Wall: time.Since(started)}
	if err != nil {
		return r, fmt.Errorf("terraform %s failed: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 3000))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return r, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
