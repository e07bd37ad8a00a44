package main

import (
	"strings"
	"testing"
	"time"
)

// A package's start and end, a slow test, a fast one (not shown), and a
// failed test whose output is shown whole; anything else passes through.
func TestReport(t *testing.T) {
	events := strings.Join([]string{
		`{"Action":"start","Package":"p/a"}`,
		`{"Action":"output","Package":"p/a","Output":"acctest: these tests run against the REAL Wix API\n"}`,
		`{"Action":"run","Package":"p/a","Test":"TestSlow"}`,
		`{"Action":"output","Package":"p/a","Test":"TestSlow","Output":"=== RUN   TestSlow\n"}`,
		`{"Action":"pass","Package":"p/a","Test":"TestSlow","Elapsed":12.3}`,
		`{"Action":"pass","Package":"p/a","Test":"TestFast","Elapsed":0.2}`,
		`{"Action":"pass","Package":"p/a","Elapsed":13}`,
		`# p/b [build failed]`,
		`{"Action":"start","Package":"p/c"}`,
		`{"Action":"output","Package":"p/c","Test":"TestBroken","Output":"    broken_test.go:9: want 1, got 2\n"}`,
		`{"Action":"fail","Package":"p/c","Test":"TestBroken","Elapsed":0.5}`,
		`{"Action":"fail","Package":"p/c","Elapsed":1}`,
	}, "\n")
	var out strings.Builder
	failed, err := report(strings.NewReader(events), &out, 10*time.Second, "p/")
	if err != nil || !failed {
		t.Fatalf("report = %v, %v; want a failure reported", failed, err)
	}
	got := out.String()
	for _, want := range []string{
		"     start  a\n", "    notice  these tests run against the REAL Wix API\n", "      slow  a TestSlow (12.3s)\n", "        ok  a (13s)\n", "# p/b [build failed]\n",
		"      FAIL  c TestBroken (500ms)\n    broken_test.go:9: want 1, got 2\n", "      FAIL  c (1s)\n",
		"FAILED:\n  c\n  c TestBroken\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "TestFast") || strings.Contains(got, "=== RUN   TestSlow") {
		t.Errorf("the report shows a fast test, or a passing test's output:\n%s", got)
	}
}

// Nothing failed: report says so.
func TestReportAllPassed(t *testing.T) {
	failed, err := report(strings.NewReader(`{"Action":"pass","Package":"p/a","Elapsed":1}`), &strings.Builder{}, time.Second, "")
	if err != nil || failed {
		t.Fatalf("report = %v, %v; want no failure", failed, err)
	}
}
