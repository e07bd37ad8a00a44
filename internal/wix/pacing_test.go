package wix

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The pacer's rules, driven by an injected clock (each call says when it
// asks) and a configurable window, so that minutes of pacing run in
// microseconds.

// testPacer is a pacer with exactly the given window (no travel margin),
// so that the properties below are stated in its own terms.
func testPacer(budget int, window time.Duration, log Logger) *pacer {
	p := newPacer(budget, window, log)
	p.window = window
	return p
}

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// pacingStep is one thing that happens to a pacer in a random pattern:
// a call asks for a slot at at, or a waiting call gives its slot back.
type pacingStep struct {
	at      time.Time
	release bool // give back the latest slot still in the future of at, if any
}

// randomPattern mixes bursts (many calls at one instant), trickles, and
// pauses longer than a window, with now and then a waiting call that gives
// up.
func randomPattern(rng *rand.Rand, window time.Duration) []pacingStep {
	now := t0
	steps := make([]pacingStep, rng.IntN(150)+1)
	for i := range steps {
		switch r := rng.Float64(); {
		case r < 0.4: // same instant: a burst
		case r < 0.8:
			now = now.Add(time.Duration(rng.Int64N(int64(window / 5))))
		case r < 0.95:
			now = now.Add(time.Duration(rng.Int64N(int64(window))))
		default:
			now = now.Add(window + time.Duration(rng.Int64N(int64(2*window))))
		}
		steps[i] = pacingStep{at: now, release: rng.Float64() < 0.08}
	}
	return steps
}

// earliestSlot is the reference the pacer is checked against, written the
// slow and obvious way: the earliest time, not before now nor before any
// slot still held (calls are served in order), whose closed window
// [t-window, t] holds fewer than limit held slots.
func earliestSlot(held []time.Time, now time.Time, limit int, window time.Duration) time.Time {
	base := now
	for _, h := range held {
		if h.After(base) {
			base = h
		}
	}
	candidates := []time.Time{base}
	for _, h := range held {
		if c := h.Add(window + time.Nanosecond); c.After(base) {
			candidates = append(candidates, c)
		}
	}
	slices.SortFunc(candidates, func(a, b time.Time) int { return a.Compare(b) })
	for _, c := range candidates {
		in := 0
		for _, h := range held {
			if !h.Before(c.Add(-window)) && !h.After(c) {
				in++
			}
		}
		if in < limit {
			return c
		}
	}
	panic("no candidate slot: the reference is wrong")
}

// requireWindowBound fails when any closed window holds more than limit
// of the slots.
func requireWindowBound(t *testing.T, slots []time.Time, limit int, window time.Duration, pattern string) {
	t.Helper()
	sorted := slices.SortedFunc(slices.Values(slots), func(a, b time.Time) int { return a.Compare(b) })
	for i := 0; i+limit < len(sorted); i++ {
		if gap := sorted[i+limit].Sub(sorted[i]); gap <= window {
			t.Fatalf("%s: %d calls within %s (window %s, limit %d): %v to %v",
				pattern, limit+1, gap, window, limit, sorted[i], sorted[i+limit])
		}
	}
}

// The window's bound and its cost, over random call patterns: no window of
// the configured length ever holds more than the budget's calls, and no
// call waits unless the budget of its window is spent (a small apply goes
// out at full speed). Today's limiter (a token bucket of burst 1 refilled
// at budget a minute) fails both: its second call of a burst waits an
// interval, and the window from its first call holds budget+1 calls.
func TestPacing_windowPropertyOverRandomPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	windows := []time.Duration{time.Second, 2 * time.Second, time.Minute, 1500 * time.Microsecond}
	for trial := range 1000 {
		limit, window := rng.IntN(12)+1, windows[rng.IntN(len(windows))]
		pattern := fmt.Sprintf("trial %d (limit %d, window %s)", trial, limit, window)
		p := testPacer(limit, window, nopLogger{})
		var held []time.Time
		for i, step := range randomPattern(rng, window) {
			want := earliestSlot(recent(held, step.at, window), step.at, limit, window)
			got := p.reserve(context.Background(), step.at)
			if !got.Equal(want) {
				t.Fatalf("%s, call %d asking at +%s: granted +%s, want +%s (the earliest slot the window allows)",
					pattern, i, step.at.Sub(t0), got.Sub(t0), want.Sub(t0))
			}
			held = append(held, got)
			if step.release {
				held = releaseLatestFuture(p, held, step.at)
			}
		}
		requireWindowBound(t, held, limit, window, pattern)
	}
}

// recent are the slots a window ending at now or later can hold (the rest
// only slow the reference down).
func recent(slots []time.Time, now time.Time, window time.Duration) []time.Time {
	i := len(slots)
	for i > 0 && !slots[i-1].Before(now.Add(-window)) {
		i--
	}
	return slots[i:]
}

// releaseLatestFuture gives back the latest held slot after now, as a
// waiting call that gives up does, and returns the slots still held.
func releaseLatestFuture(p *pacer, held []time.Time, now time.Time) []time.Time {
	for i := len(held) - 1; i >= 0; i-- {
		if held[i].After(now) {
			p.release(held[i])
			return slices.Delete(held, i, i+1)
		}
	}
	return held
}

// Under foreign 429s at random moments the limit moves, but no window
// ever holds more calls than the budget, no call leaves during a pause,
// and each call keeps the limit in force when it was granted.
func TestPacing_adaptationNeverExceedsTheBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 21))
	for trial := range 500 {
		budget, window := rng.IntN(40)+1, time.Second
		pattern := fmt.Sprintf("trial %d (budget %d)", trial, budget)
		p := testPacer(budget, window, nopLogger{})
		var slots []time.Time
		for i, step := range randomPattern(rng, window) {
			if rng.Float64() < 0.05 {
				p.throttled(context.Background(), step.at, time.Duration(rng.Int64N(int64(2*window))))
			}
			limit, resume := p.currentLimit(), p.resumeAt
			got := p.reserve(context.Background(), step.at)
			if got.Before(resume) {
				t.Fatalf("%s, call %d: granted +%s, inside the pause until +%s", pattern, i, got.Sub(t0), resume.Sub(t0))
			}
			if limit = max(limit, p.currentLimit()); earliestSlot(recent(slots, got, window), got, limit, window).After(got) {
				t.Fatalf("%s, call %d: granted +%s, over the limit %d then in force", pattern, i, got.Sub(t0), limit)
			}
			slots = append(slots, got)
		}
		requireWindowBound(t, slots, budget, window, pattern)
	}
}

// A foreign 429 lowers the limit to 0.85 of the calls made in the window,
// pauses every call for as long as Wix asked, and counts once for a burst
// of 429s. A quiet window after the first call under the lowered limit
// gives back the calls the process had when the 429 came, each further one
// a tenth of the budget; every change is logged at DEBUG with its
// reason. Today's limiter has no such state: a 429 changes nothing for the
// other calls.
func TestPacing_foreign429LowersThenRecovers(t *testing.T) {
	const budget, window = 20, 2 * time.Second
	log := &recordingLogger{}
	p := testPacer(budget, window, log)
	ctx := context.Background()
	for range 10 {
		if at := p.reserve(ctx, t0); !at.Equal(t0) {
			t.Fatalf("a call of the first ten waited until +%s, want none to wait", at.Sub(t0))
		}
	}
	p.throttled(ctx, t0.Add(10*time.Millisecond), 500*time.Millisecond)
	p.throttled(ctx, t0.Add(20*time.Millisecond), 300*time.Millisecond) // the same burst
	if got := p.currentLimit(); got != 8 {
		t.Fatalf("limit after a foreign 429 with 10 calls in the window = %d, want 8", got)
	}
	// Eight allowed in a window that holds ten: the call waits until three
	// have left it, and the pause is shorter than that.
	if at := p.reserve(ctx, t0.Add(30*time.Millisecond)); !at.Equal(t0.Add(window + time.Nanosecond)) {
		t.Fatalf("next call granted at +%s, want just after +%s, when the window holds seven", at.Sub(t0), window)
	}
	// Recovery counts from that call (t0+2s): 8 -> 10 (the ten it had),
	// then +2 (a tenth of the budget) per window.
	for _, c := range []struct {
		at   time.Duration
		want int
	}{{window, 8}, {2*window + time.Nanosecond, 10}, {4*window + time.Nanosecond, 14}, {time.Minute, budget}} {
		p.reserve(ctx, t0.Add(c.at))
		if got := p.currentLimit(); got != c.want {
			t.Errorf("limit at +%s = %d, want %d", c.at, got, c.want)
		}
	}
	text := log.text()
	if n := strings.Count(text, "Lowered the Wix API request pacing"); n != 1 {
		t.Errorf("%d lowering lines, want 1 for one burst of 429s:\n%s", n, text)
	}
	for _, want := range []string{"from:20", "to:8", "another client is using the app instance's limit", "Raised the Wix API request pacing", "from:8", "to:10", "no 429 for 1 whole window"} {
		if !strings.Contains(text, want) {
			t.Errorf("logs lack %q:\n%s", want, text)
		}
	}
}

// A pause is a pause for everyone: a call granted a slot before the 429
// whose slot falls inside the pause takes a new one after it.
func TestPacing_pauseCoversCallsAlreadyWaiting(t *testing.T) {
	p := testPacer(1, time.Second, nopLogger{})
	ctx := context.Background()
	p.reserve(ctx, t0)
	waiting := p.reserve(ctx, t0) // the next slot, a window later
	p.throttled(ctx, t0.Add(100*time.Millisecond), 5*time.Second)
	if !p.pausedAfter(waiting) {
		t.Fatalf("a slot at +%s is not covered by a pause until +%s", waiting.Sub(t0), p.resumeAt.Sub(t0))
	}
}

// Pacing off (0) builds no pacer: nothing waits and nothing adapts.
func TestPacing_zeroTurnsPacingAndAdaptationOff(t *testing.T) {
	if p := newPacer(0, time.Minute, nopLogger{}); p != nil {
		t.Fatalf("newPacer(0) = %+v, want nil", p)
	}
	e := newSimEnv(t, func(c *Config) { c.RequestsPerMinute = 0 })
	if e.client.pacer != nil {
		t.Fatal("a client with requests per minute 0 has a pacer")
	}
}

// The travel margin: a second of Wix's minute, at least 250ms.
func TestPacing_travelMargin(t *testing.T) {
	for window, want := range map[time.Duration]time.Duration{
		time.Minute: time.Second, 2 * time.Second: 250 * time.Millisecond, time.Hour: time.Minute,
	} {
		if got := newPacer(1, window, nopLogger{}).window; got != window+want {
			t.Errorf("window %s: paced over %s, want %s", window, got, window+want)
		}
	}
}

// A paced batch stops waiting for its company after a quiet gap: twice the
// longest lull between arrivals seen lately, at least 100ms, at most 300ms.
func TestPacing_quietGap(t *testing.T) {
	e := newBatchEnv(t, func(c *Config) { c.RequestsPerMinute = DefaultRequestsPerMinute })
	for lull, want := range map[time.Duration]time.Duration{
		0: minQuietGap, 40 * time.Millisecond: minQuietGap, 80 * time.Millisecond: 160 * time.Millisecond,
		time.Second: maxQuietGap,
	} {
		if got := e.client.cancels.quietGap(lull); got != want {
			t.Errorf("quiet gap after lulls of %s = %s, want %s", lull, got, want)
		}
	}
}
