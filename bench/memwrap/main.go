// Command memwrap stands in for a provider binary so that the benchmark can
// read the provider process's peak memory. Terraform starts it where it
// would start the provider (a dev_overrides directory); it runs the real
// binary of the same name from the real/ directory next to it, with the
// same arguments, environment and standard streams (the plugin handshake
// goes straight from the provider to Terraform), and when the provider
// exits it appends the provider's peak resident set size (getrusage
// ru_maxrss, KiB: the kernel's high-water mark, what /proc/<pid>/status
// calls VmHWM) to a file in $BENCH_RSS_DIR.
//
// It also records the provider's CPU time (user and system), sets GOGC for
// the provider alone from BENCH_PROVIDER_GOGC, and with
// BENCH_COUNT_STDERR=1 it relays the provider's standard error through a
// counter to say how much log output Terraform had to read.
//
// The wrapper itself is not measured: ru_maxrss of a waited-for child is the
// child's own.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	name := filepath.Base(os.Args[0])
	target := filepath.Join(filepath.Dir(os.Args[0]), "real", name)
	cmd := exec.Command(target, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if gogc := os.Getenv("BENCH_PROVIDER_GOGC"); gogc != "" {
		// For the provider only: GOGC in Terraform's environment would tune
		// Terraform's own collector too.
		cmd.Env = append(os.Environ(), "GOGC="+gogc)
	}
	var stderr *counter
	if os.Getenv("BENCH_COUNT_STDERR") == "1" {
		stderr = &counter{w: os.Stderr}
		cmd.Stderr = stderr // exec copies through a pipe and waits for it
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "memwrap:", err)
		os.Exit(1)
	}
	// Terraform interrupts its plugins on Ctrl-C; pass that on.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if dir := os.Getenv("BENCH_RSS_DIR"); dir != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			line := fmt.Sprintf("%s pid=%d maxrss_kib=%d cpu_ms=%d", name, cmd.ProcessState.Pid(), ru.Maxrss, cpu.Milliseconds())
			if stderr != nil {
				line += fmt.Sprintf(" stderr_bytes=%d stderr_lines=%d", stderr.bytes, stderr.lines)
			}
			line += "\n"
			if f, ferr := os.OpenFile(filepath.Join(dir, "rss.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
				_, _ = f.WriteString(line)
				_ = f.Close()
			}
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		os.Exit(1)
	}
}

// counter passes writes on and counts bytes and lines.
type counter struct {
	w            *os.File
	bytes, lines int64
}

func (c *counter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	for _, b := range p {
		if b == '\n' {
			c.lines++
		}
	}
	return c.w.Write(p)
}
