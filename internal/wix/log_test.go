package wix

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// infoLogger keeps the client's INFO lines as they came, and drops the rest.
type infoLogger struct {
	mu    sync.Mutex
	lines []infoLine
}

type infoLine struct {
	msg    string
	fields map[string]any
}

func (l *infoLogger) Debug(context.Context, string, map[string]any) {}
func (l *infoLogger) Warn(context.Context, string, map[string]any)  {}

func (l *infoLogger) Info(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, infoLine{msg: msg, fields: maps.Clone(fields)})
}

func (l *infoLogger) all() []infoLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// Every answer from Wix, a retried 503 and the token call included, gets
// exactly one INFO line naming the operation, the status and Wix's request
// id, with no body, URL or secret: what `make smoke` reads to tell a user
// which request id each call had.
func TestLog_oneInfoLinePerAnswer(t *testing.T) {
	logs := &infoLogger{}
	env := newSimEnv(t, withLogger(logs))
	env.sim.InjectFault(wixsim.Fault{Path: PathCancel, Status: 503})
	if err := env.client.CancelEvent(context.Background(), wixsim.DemoTriggerKey, testEntity); err != nil {
		t.Fatal(err)
	}
	token, _, err := env.client.AccessToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range env.sim.Requests() {
		op := map[string]string{PathToken: "Wix OAuth token request", PathCancel: "Cancel Event"}[r.Path]
		want = append(want, fmt.Sprintf("%s %d %s", op, r.Status, r.RequestID))
	}
	var got []string
	for _, line := range logs.all() {
		if line.msg != CallAnswered {
			t.Errorf("INFO line %q, want only %q", line.msg, CallAnswered)
		}
		keys := slices.Sorted(maps.Keys(line.fields))
		if !slices.Equal(keys, []string{"attempt", "duration_ms", FieldOperation, FieldStatus, FieldRequestID}) {
			t.Errorf("INFO line fields %v, want only operation, status, request id, attempt and duration", keys)
		}
		got = append(got, fmt.Sprintf("%s %v %s", line.fields[FieldOperation], line.fields[FieldStatus], line.fields[FieldRequestID]))
		text := fmt.Sprint(line.fields)
		for _, secret := range []string{wixsim.DemoAppSecret, token} {
			if strings.Contains(text, secret) {
				t.Errorf("INFO line %s holds a secret", text)
			}
		}
	}
	if len(want) != 3 || !slices.Equal(got, want) {
		t.Fatalf("INFO lines:\n%s\nwant one per answer (token, 503, 200):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A call that gets no answer (a reset connection) has no request id, and
// its INFO line would say nothing the DEBUG line does not: it has none.
func TestLog_noInfoLineWithoutAnAnswer(t *testing.T) {
	logs := &infoLogger{}
	f := newFakeWix(t, sequence(resetConnection, answer(200, `{}`)))
	client := f.client(t, withLogger(logs))
	if err := client.CancelEvent(context.Background(), wixsim.DemoTriggerKey, testEntity); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, line := range logs.all() {
		ops = append(ops, fmt.Sprintf("%s %v", line.fields[FieldOperation], line.fields[FieldStatus]))
	}
	if want := []string{"Wix OAuth token request 200", "Cancel Event 200"}; !slices.Equal(ops, want) {
		t.Fatalf("INFO lines %q, want %q (none for the reset attempt)", ops, want)
	}
}
