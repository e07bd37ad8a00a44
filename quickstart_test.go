package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
)

// The README's quick start, as a newcomer follows it: in a fresh home
// directory, the configuration of "Using the provider" and the tfvars of
// its first step, `make sim` in another shell with its printed lines
// pasted, then each command of the second step — up, retired, destroyed,
// with an empty plan after each apply — and Ctrl-C on make sim.
func TestAccReadmeQuickStart(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the Terraform CLI (make test does)")
	}
	cli := acctest.TerraformCLI(t, "to follow the README's quick start")
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	steps := readmeQuickStart(t, string(readme))
	home, work := t.TempDir(), t.TempDir()
	acctest.WriteTestFile(t, work, "main.tf", steps.config)
	shell(t, work, home, steps.tfvars)

	pasted := startMakeSim(t, home)
	for _, command := range steps.commands {
		args := cliArgs(command)
		cmd := exec.Command(cli, args...)
		cmd.Dir = work
		cmd.Env = environ(home, pasted)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s (the README's %q): %v\n%s", strings.Join(args, " "), command, err, out)
		}
		t.Logf("%s: ok", command)
	}
}

// quickStart is what the README tells a newcomer to write and run.
type quickStart struct {
	config   string   // main.tf: the first hcl block of "Using the provider"
	tfvars   string   // the shell command of step 1
	commands []string // the terraform commands of step 2
}

var fencedBlock = regexp.MustCompile("(?s)```(hcl|sh)\n(.*?)```")

// readmeQuickStart finds the quick start's pieces in the README.
func readmeQuickStart(t *testing.T, readme string) quickStart {
	t.Helper()
	var q quickStart
	_, using, _ := strings.Cut(readme, "## Using the provider")
	if m := fencedBlock.FindStringSubmatch(using); m != nil && m[1] == "hcl" {
		q.config = m[2]
	}
	_, start, _ := strings.Cut(readme, "### From `git clone` to an environment, retired and destroyed")
	start, _, _ = strings.Cut(start, "\n### ")
	blocks := fencedBlock.FindAllStringSubmatch(start, -1)
	if q.config == "" || len(blocks) < 2 {
		t.Fatal("the README has no quick start: the configuration of Using the provider, or the sh blocks of its first two steps")
	}
	q.tfvars = strings.TrimSpace(blocks[0][2])
	for _, line := range strings.Split(blocks[1][2], "\n") {
		command, _, _ := strings.Cut(line, "#")
		if command = strings.TrimSpace(command); strings.HasPrefix(command, "terraform ") {
			q.commands = append(q.commands, command)
		}
	}
	return q
}

// cliArgs is a README command made fit to run unattended: applies and
// destroys approve themselves, and a plan fails unless it is empty.
func cliArgs(command string) []string {
	args := strings.Fields(strings.TrimPrefix(command, "terraform "))
	extra := []string{"-input=false", "-no-color"}
	switch args[0] {
	case "apply", "destroy":
		extra = append(extra, "-auto-approve")
	case "plan":
		extra = append(extra, "-detailed-exitcode")
	}
	return append(args[:1], append(extra, args[1:]...)...)
}

// startMakeSim runs `make sim` as a newcomer would, in its own process
// group, and returns the lines it printed to paste; the test's end sends
// Ctrl-C to it and expects it to stop quietly.
func startMakeSim(t *testing.T, home string) []string {
	t.Helper()
	sim := exec.Command("make", "--no-print-directory", "sim")
	sim.Env = environ(home, nil)
	sim.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := sim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	sim.Stderr = &stderr
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = syscall.Kill(-sim.Process.Pid, syscall.SIGKILL)
			_ = sim.Wait()
		}
	})
	pasted := readPasteLines(t, stdout)
	t.Cleanup(func() {
		stopped = true
		_ = syscall.Kill(-sim.Process.Pid, syscall.SIGINT)
		_ = sim.Wait()
		// Ctrl-C stops the simulator cleanly (its summary), and the recipe
		// ends without failing: no "make: *** [sim] Error 1", which the
		// go run recipe gave. (make itself dies of the same SIGINT; on a
		// loaded machine GNU make may race with its own reaping of the
		// recipe and say "wait: No child processes", which is make's.)
		out := stderr.String()
		if !strings.Contains(out, "wixsim stopped:") || regexp.MustCompile(`make: \*\*\* \[[^]]*sim\] Error`).MatchString(out) {
			t.Errorf("make sim after Ctrl-C: %s, want the simulator's summary and no failed recipe:\n%s", sim.ProcessState, out)
		}
	})
	return pasted
}

// readPasteLines reads make sim's stdout up to its last line to paste.
func readPasteLines(t *testing.T, stdout io.Reader) []string {
	t.Helper()
	lines := make(chan string)
	go func() {
		defer close(lines)
		scan := bufio.NewScanner(stdout)
		for scan.Scan() {
			lines <- scan.Text()
		}
	}()
	var pasted []string
	timeout := time.After(5 * time.Minute) // a cold build of the provider and the simulator
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("make sim ended before printing TF_CLI_CONFIG_FILE; it printed %q", pasted)
			}
			pasted = append(pasted, line)
			if strings.Contains(line, "TF_CLI_CONFIG_FILE=") {
				go func() {
					for range lines { // keep draining, so that make sim never blocks
					}
				}()
				return pasted
			}
		case <-timeout:
			t.Fatal("make sim printed no TF_CLI_CONFIG_FILE line within 5 minutes")
		}
	}
}

// environ is the environment of a newcomer's shell with a fresh home, after
// pasting these lines: Go's caches stay where they are, so that make sim
// builds from them instead of downloading every module again.
func environ(home string, pasted []string) []string {
	env := append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, goEnv()...)
	for _, line := range pasted {
		if name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env = append(env, name+"="+strings.Trim(value, "'"))
		}
	}
	return env
}

// goEnv is Go's settings that a fresh HOME would change, as NAME=value,
// read once with one go env.
var goEnv = sync.OnceValue(func() []string {
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	values := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if err != nil || len(values) != len(names) {
		return nil
	}
	env := make([]string, len(names))
	for i, name := range names {
		env[i] = name + "=" + values[i]
	}
	return env
})

// shell runs a README command with bash in dir.
func shell(t *testing.T, dir, home, command string) {
	t.Helper()
	cmd := exec.Command("bash", "-c", command)
	cmd.Dir = dir
	cmd.Env = environ(home, nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "terraform.tfvars")); err != nil {
		t.Fatal(fmt.Errorf("the README's first step wrote no terraform.tfvars: %w", err))
	}
}
