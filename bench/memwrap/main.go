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
)

func main() {
	name := filepath.Base(os.Args[0])
	real := filepath.Join(filepath.Dir(os.Args[0]), "real", name)
	cmd := exec.Command(real, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
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
			line := fmt.Sprintf("%s %d %d\n", name, cmd.ProcessState.Pid(), ru.Maxrss)
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
