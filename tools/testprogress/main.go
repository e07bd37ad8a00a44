// Command testprogress turns `go test -json` into the progress a person
// watching `make test` needs: a line when a package starts, one when it
// finishes (ok, FAIL or no tests, with its time), one for each test that
// took longer than -slow, and the whole output of every test that failed.
// Without it, a cold `make test` prints nothing for minutes while it
// builds with the race detector, and then a wall of package lines.
//
// Written here rather than taken from gotestsum, which prints finished
// packages but not slow tests as they finish, so that `make test` needs no
// further tool: this reads test2json's events with the standard library.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string  `json:"Action"`
	Package string  `json:"Package"`
	Test    string  `json:"Test"`
	Elapsed float64 `json:"Elapsed"`
	Output  string  `json:"Output"`
}

func main() {
	slow := flag.Duration("slow", 10*time.Second, "report each test that takes longer than this")
	trim := flag.String("trim", "", "a prefix to leave out of package paths, such as the module's path and a slash")
	flag.Parse()
	failed, err := report(os.Stdin, os.Stdout, *slow, *trim)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testprogress:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// noticePrefix marks a line a test package prints for whoever runs the
// tests, such as acctest's warning that the tests run against the real
// Wix API: shown at once, even when the package passes.
const noticePrefix = "acctest: "

// progress is what report keeps between events: each test's output until
// it ends, and what failed.
type progress struct {
	w        io.Writer
	slow     time.Duration
	output   map[string][]string // package + " " + test -> its lines
	failures []string
}

// report writes the progress of the events read from r to w, package
// paths without the prefix trim, and reports whether anything failed.
func report(r io.Reader, w io.Writer, slow time.Duration, trim string) (bool, error) {
	p := &progress{w: w, slow: slow, output: map[string][]string{}}
	scan := bufio.NewScanner(r)
	scan.Buffer(make([]byte, 1<<20), 1<<24)
	for scan.Scan() {
		line := scan.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(w, "%s\n", line) // not an event: a build error, say
			continue
		}
		if e.Package != trim {
			e.Package = strings.TrimPrefix(e.Package, trim)
		}
		p.handle(e)
	}
	if len(p.failures) > 0 {
		sort.Strings(p.failures)
		fmt.Fprintf(w, "\nFAILED:\n  %s\n", strings.Join(p.failures, "\n  "))
	}
	return len(p.failures) > 0, scan.Err()
}

func (p *progress) handle(e event) {
	key := e.Package + " " + e.Test
	switch {
	case e.Action == "output" && e.Test == "" && strings.HasPrefix(e.Output, noticePrefix):
		fmt.Fprintf(p.w, "    notice  %s", strings.TrimPrefix(e.Output, noticePrefix))
	case e.Action == "output":
		p.output[key] = append(p.output[key], e.Output)
	case e.Test == "" && e.Action == "start":
		fmt.Fprintf(p.w, "     start  %s\n", e.Package)
	case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
		p.endPackage(e, key)
	case e.Action == "pass" || e.Action == "skip":
		if d := seconds(e.Elapsed); d > p.slow && !strings.Contains(e.Test, "/") {
			fmt.Fprintf(p.w, "      slow  %s %s (%s)\n", e.Package, e.Test, d.Round(100*time.Millisecond))
		}
		delete(p.output, key)
	case e.Action == "fail":
		fmt.Fprintf(p.w, "      FAIL  %s %s (%s)\n%s", e.Package, e.Test, seconds(e.Elapsed).Round(100*time.Millisecond),
			strings.Join(p.output[key], ""))
		p.failures = append(p.failures, e.Package+" "+e.Test)
		delete(p.output, key)
	}
}

// endPackage reports a finished package, with its own output when it
// failed outside any test (a panic in TestMain, a build failure).
func (p *progress) endPackage(e event, key string) {
	word := map[string]string{"pass": "ok", "fail": "FAIL", "skip": "no tests"}[e.Action]
	fmt.Fprintf(p.w, "%10s  %s (%s)\n", word, e.Package, seconds(e.Elapsed).Round(100*time.Millisecond))
	if e.Action == "fail" {
		fmt.Fprint(p.w, strings.Join(p.output[key], ""))
		p.failures = append(p.failures, e.Package)
	}
	delete(p.output, key)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
