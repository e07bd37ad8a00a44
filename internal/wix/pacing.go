package wix

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Wix allows requests_per_minute calls per app instance in a minute. The
// pacer holds this process to that budget in the strictest reading (no
// more than the budget in any window, a sliding one), yet spends nothing
// until the budget matters: calls go out at once while the last window
// holds fewer than the budget. When Wix answers 429 anyway, another client
// shares the instance, and the pacer lowers its own budget (multiplicative
// decrease, as the AWS SDKs' adaptive retry mode and TCP do), pauses every
// call for as long as Wix asked, and recovers a step per quiet window: back
// to the share it had when the 429 came, then slowly beyond
// (the shape of CUBIC's recovery; additive increase with multiplicative
// decrease is what lets several clients of one limit converge on their
// shares instead of storming).
//
// It is written here because no library does this: golang.org/x/time/rate
// is a token bucket, which can keep a window's bound only by splitting the
// budget into a burst and a refill (an apply of one call more than the
// burst then waits a refill interval per call although the window has
// room), has no notion of a call's window to measure a share by, and no
// pause. go.uber.org/ratelimit spaces calls evenly, which is what this
// replaces. A sliding log of the last window's calls is exact, and small:
// one time per call of the last minute.
type pacer struct {
	mu sync.Mutex
	// budget is requests_per_minute: the ceiling, never exceeded in any window.
	budget int
	// limit is the calls allowed per window now: the budget, or less after
	// a foreign 429, never below floor.
	limit, floor int
	// window is Wix's window (a minute) plus the time a call may take to
	// reach Wix: Wix counts a call from its arrival, which is later than the
	// moment it left the pacer.
	window time.Duration
	// sent holds the times granted to calls in the last window, and to
	// calls waiting for a later time, in ascending order.
	sent []time.Time
	// resumeAt is when the last 429's pause ends: no call leaves before it.
	resumeAt time.Time
	// calmSince is when the current stretch without a 429 began: the first
	// call granted under the lowered limit (calmPending until then). A whole
	// window of it raises the limit a step.
	calmSince   time.Time
	calmPending bool
	// lastMax is the calls this process had in the window when the last
	// 429 came: the share it got then, which recovery returns to quickly
	// and goes beyond slowly.
	lastMax int
	now     func() time.Time
	log     Logger
}

const (
	// decreaseFactor is what a foreign 429 leaves of the calls this process
	// made in the last window. CUBIC and the AWS SDKs leave 0.7 of a rate
	// measured over a second or so; a window is a minute, and each window
	// left unused costs a whole minute (BENCHMARKS.md, issue 21): a gentler
	// 0.85 keeps the shared window nearly full after the 429s.
	decreaseFactor = 0.85
	// floorDivisor: the limit never drops below a twentieth of the budget
	// (10 of Wix's 200), so that a process that met a full instance still
	// makes progress once its pause ends.
	floorDivisor = 20
	// increaseDivisor: beyond the share the process had when the last 429
	// came, each quiet window gives back a tenth of the budget.
	increaseDivisor = 10
)

// newPacer paces to budget calls per window; nil when budget is 0 (no
// pacing, no adaptation). window is Wix's window, a minute unless a test
// shortens it.
func newPacer(budget int, window time.Duration, log Logger) *pacer {
	if budget <= 0 {
		return nil
	}
	if window <= 0 {
		window = time.Minute
	}
	return &pacer{
		budget: budget,
		limit:  budget,
		floor:  max(1, budget/floorDivisor),
		window: window + travelMargin(window),
		now:    time.Now,
		log:    log,
	}
}

// travelMargin is how much later than it leaves a call may reach Wix and be
// counted there: a sixtieth of the window (a second of Wix's minute), and
// at least 250ms, so that a test's window of a second or two is not broken
// by a busy machine's scheduling.
func travelMargin(window time.Duration) time.Duration {
	return max(window/60, 250*time.Millisecond)
}

// wait takes the next slot the budget allows and waits for it. A slot past
// ctx's deadline fails at once with an error that is
// context.DeadlineExceeded, so that callers report a timeout and how to
// raise it. A pause that began while the call waited (a 429 of another
// call) is kept too: the call takes a new slot after it.
func (p *pacer) wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("waiting for the request pacing: %w", context.Cause(ctx))
		}
		now := p.now()
		at := p.reserve(ctx, now)
		if !at.After(now) {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && deadline.Before(at) {
			p.release(at)
			return fmt.Errorf("waiting for the request pacing: the next free slot is after the deadline: %w", context.DeadlineExceeded)
		}
		if err := sleepWithin(ctx, at.Sub(now)); err != nil {
			p.release(at)
			return fmt.Errorf("waiting for the request pacing: %w", err)
		}
		if !p.pausedAfter(at) {
			return nil
		}
		p.release(at)
	}
}

// reserve grants the earliest time, not before now, at which one more call
// keeps every window within the limit, and records it. Calls are granted
// in order: a call never overtakes one that waits.
func (p *pacer) reserve(ctx context.Context, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recover(ctx, now)
	p.forget(now)
	at := now
	if at.Before(p.resumeAt) {
		at = p.resumeAt
	}
	if n := len(p.sent); n > 0 && at.Before(p.sent[n-1]) {
		at = p.sent[n-1]
	}
	// The limit-th latest call must have left the window (closed at both
	// ends: a call exactly a window later still shares it) before this one.
	if n := len(p.sent); n >= p.limit {
		if free := p.sent[n-p.limit].Add(p.window + time.Nanosecond); at.Before(free) {
			at = free
		}
	}
	p.sent = append(p.sent, at)
	if p.calmPending {
		p.calmSince, p.calmPending = at, false
	}
	return at
}

// release gives back a slot whose call did not go (its caller gave up).
func (p *pacer) release(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.sent) - 1; i >= 0; i-- {
		if p.sent[i].Equal(at) {
			p.sent = slices.Delete(p.sent, i, i+1)
			return
		}
	}
}

// forget drops the calls that no window ending now or later contains.
func (p *pacer) forget(now time.Time) {
	horizon := now.Add(-p.window)
	i := 0
	for i < len(p.sent) && p.sent[i].Before(horizon) {
		i++
	}
	p.sent = p.sent[i:]
}

// pausedAfter says whether a pause that began after the slot at was
// granted now covers it.
func (p *pacer) pausedAfter(at time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return at.Before(p.resumeAt)
}

// throttled is told that Wix answered 429 at now, and that the call will
// be retried after wait (Retry-After, or backoff without it). The pacer
// keeps this process within its budget, so the instance's limit is being
// spent by someone else too: every call pauses until the retry, and the
// limit drops to decreaseFactor of the calls this process made in the last
// window. 429s that arrive during the pause belong to the same burst and
// lower it only once.
func (p *pacer) throttled(ctx context.Context, now time.Time, wait time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	alreadyPaused := now.Before(p.resumeAt)
	if resume := now.Add(wait); resume.After(p.resumeAt) {
		p.resumeAt = resume
	}
	p.calmPending = true
	if alreadyPaused {
		return
	}
	used := p.usedAt(now)
	p.lastMax = used
	lowered := max(p.floor, min(p.limit, int(float64(used)*decreaseFactor)))
	fields := map[string]any{
		"from": p.limit, "to": lowered, "budget": p.budget, "window": p.window.String(),
		"calls_in_window": used, "paused_for": wait.Round(time.Millisecond).String(),
		"reason": fmt.Sprintf("Wix answered 429 Too Many Requests although this process made only %d of its %d calls "+
			"in the last window: another client is using the app instance's limit too", used, p.budget),
	}
	msg := "Lowered the Wix API request pacing and paused every call as Wix asked"
	if lowered == p.limit {
		msg = "Paused every Wix API call as Wix asked; the request pacing is already at its floor"
	}
	p.limit = lowered
	p.log.Debug(ctx, msg, fields)
}

// usedAt counts the calls that left in the window ending at now.
func (p *pacer) usedAt(now time.Time) int {
	horizon := now.Add(-p.window)
	used := 0
	for _, t := range p.sent {
		if !t.Before(horizon) && !t.After(now) {
			used++
		}
	}
	return used
}

// recover raises the limit a step for every whole window without a 429
// since the first call under the lowered limit, up to the budget: back to
// the share the process had when the 429 came (lastMax), then a tenth of
// the budget per window beyond it.
func (p *pacer) recover(ctx context.Context, now time.Time) {
	if p.limit >= p.budget || p.calmPending {
		return
	}
	from, windows := p.limit, 0
	for p.limit < p.budget && !now.Before(p.calmSince.Add(p.window)) {
		step := max(1, p.budget/increaseDivisor)
		if p.limit < p.lastMax {
			step = p.lastMax - p.limit
		}
		p.limit = min(p.budget, p.limit+step)
		p.calmSince = p.calmSince.Add(p.window)
		windows++
	}
	if windows == 0 {
		return
	}
	p.log.Debug(ctx, "Raised the Wix API request pacing", map[string]any{
		"from": from, "to": p.limit, "budget": p.budget, "window": p.window.String(),
		"reason": fmt.Sprintf("no 429 for %d whole window(s) of calls at the lowered pacing", windows),
	})
}

// currentLimit is the calls allowed per window now.
func (p *pacer) currentLimit() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit
}
