package wix

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Wix answered 200 and the caller's context ends (Ctrl-C, a create timeout)
// while the answer is handed over: the caller gets the answer, never
// "stopped before Wix answered", which would make the next apply report
// the event again under a new key.
func TestBatch_answerHandedOverAsTheCallerStopsIsKept(t *testing.T) {
	c := &Client{maxRetries: 0, backoff: newBackoffPolicy(time.Millisecond, time.Millisecond), log: nopLogger{}, tokens: staticToken("x"),
		gatherQuiet: minQuietGap, gatherSpan: maxGatherSpan}
	plain := 0
	for range 3000 {
		ctx, cancel := context.WithCancel(context.Background())
		g := newGroupCommit(c, BatchingConfig{Enabled: true}, groupSpec[string, string]{
			single: "Report Event", bulk: "Bulk", maxSize: 100,
			describe: func(g, i string) string { return i },
			unsure:   func(err error) error { return &UnconfirmedReportError{Operation: "Report Event", Err: err} },
			sendOne: func(context.Context, string, string) (string, error) {
				cancel() // Ctrl-C / create timeout lands as Wix's 200 comes back
				return "activations", nil
			},
		})
		if _, err := g.submit(ctx, "k", "e"); err != nil && !errors.Is(err, ErrMayHaveReachedWix) {
			plain++
		}
	}
	if plain > 0 {
		t.Errorf("%d/3000: Wix answered 200, caller got a plain error (\"stopped before Wix answered\")", plain)
	}
}
