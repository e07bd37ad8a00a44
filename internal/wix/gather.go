package wix

import (
	"context"
	"time"
)

// A paced batch waits for its company (see company) while it keeps
// arriving: it leaves when everyone it expects is there, when nobody has
// arrived for a quiet gap, or a gather span after its group's last call,
// whichever comes first.
const (
	// minQuietGap is the shortest quiet gap. On a quiet 2-core machine
	// Terraform starts the next creates a few milliseconds apart once it
	// has the answers (BENCHMARKS.md); a tenth of a second without one
	// means that no more are coming soon. On a busy machine they come
	// further apart and with longer lulls, and the gap grows with them:
	// twice the longest lull seen lately, up to maxQuietGap.
	minQuietGap = 100 * time.Millisecond
	// maxQuietGap is the longest quiet gap: the 300 ms the old pacing made
	// every call wait. Waiting longer for the last stragglers of a busy
	// machine stalls the callers already there for little gain.
	maxQuietGap = 300 * time.Millisecond
	// maxGatherSpan bounds the whole wait, counted from the end of the
	// group's last call.
	maxGatherSpan = time.Second
)

// company is what a group commit remembers of one group (trigger key)
// between its calls, so that a paced batch waits for the callers it can
// expect instead of leaving with whoever is there.
//
// The spacing of the old pacer (one call every 300 ms) is what used to fill
// the batches; a window that lets calls go at once fills none: against a
// fast Wix the queue is empty when a call ends, because its items' callers
// (Terraform, -parallelism of them) are only then told their outcome and
// start the next resources. Those callers are the company of the next
// batch: as many as were outstanding (queued or in the call) when the call
// ended, or the most that have been outstanding at once lately, which
// keeps batches that once went out apart from merging again. Waiting for
// them costs the apply little (they are on their way, and Terraform is
// busy sending them), and spends one call, not one per item, of a budget
// other pipelines share.
type company struct {
	grown       chan struct{} // a signal when an item joins the queue
	expect      int           // items outstanding when the group's last call ended
	peak        int           // the most outstanding at a call's end lately
	queuedAtEnd int           // of expect, those already queued then
	ended       time.Time     // when it ended; zero before the first
	lull        time.Duration // the longest wait for an arrival lately: a maximum that fades a tenth per call
}

// companyOf returns group's company, under g.mu.
func (g *groupCommit[I, R]) companyOf(group string) *company {
	if g.companies == nil {
		g.companies = map[string]*company{}
	}
	c := g.companies[group]
	if c == nil {
		c = &company{grown: make(chan struct{}, 1)}
		g.companies[group] = c
	}
	return c
}

// noteArrival is told, under g.mu, that an item joined group's queue.
func (g *groupCommit[I, R]) noteArrival(group string) {
	select {
	case g.companyOf(group).grown <- struct{}{}:
	default:
	}
}

// noteCallEnded is told that a call carrying n items of group ended.
func (g *groupCommit[I, R]) noteCallEnded(group string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := g.companyOf(group)
	c.queuedAtEnd = g.waitingLocked(group)
	c.expect = n + c.queuedAtEnd
	c.peak = max(c.peak, c.expect)
	c.lull = c.lull * 9 / 10
	c.ended = time.Now()
}

// waitingLocked counts the items of group still waiting, under g.mu.
func (g *groupCommit[I, R]) waitingLocked(group string) int {
	q := g.queues[group]
	if q == nil {
		return 0
	}
	n := 0
	for _, item := range q.items {
		if item.ctx.Err() == nil && !item.finished.Load() {
			n++
		}
	}
	return n
}

// paceTurn is a batch's pacing: with pacing on, it first waits for the
// group's company, then for a slot of the budget. With
// requests_per_minute = 0 it waits for neither.
func (g *groupCommit[I, R]) paceTurn(ctx context.Context, group string) error {
	if g.client.pacer == nil {
		return nil
	}
	g.gatherCompany(ctx, group)
	return g.client.pace(ctx)
}

// gatherCompany waits until the company is there (capped by the batch
// size), until nobody has arrived for a quiet gap, until the gather span
// after the group's last call has passed, or until ctx ends. The first
// call of a group, or one long after the last, does not wait at all. A
// company that did not all come lowers the peak by one.
func (g *groupCommit[I, R]) gatherCompany(ctx context.Context, group string) {
	g.mu.Lock()
	c := g.companyOf(group)
	look := companyLook{target: min(max(c.expect, c.peak), g.spec.maxSize), last: c.ended, seen: c.queuedAtEnd}
	g.mu.Unlock()
	end := look.last.Add(g.client.gatherSpan)
	for {
		waiting, quiet := g.lookAt(c, group, &look)
		deadline := look.last.Add(quiet)
		if end.Before(deadline) {
			deadline = end
		}
		left := time.Until(deadline)
		if waiting >= look.target {
			return
		}
		if left <= 0 {
			g.mu.Lock()
			c.peak = max(waiting, c.peak-1)
			g.mu.Unlock()
			return
		}
		timer := time.NewTimer(left)
		select {
		case <-c.grown:
		case <-timer.C: // the next look sees that the time is up
		case <-ctx.Done():
			timer.Stop()
			return
		}
		timer.Stop()
	}
}

// companyLook is what a gathering batch has seen of its company.
type companyLook struct {
	target int       // the items it waits for
	last   time.Time // the latest arrival, or the end of the group's last call
	seen   int       // the items waiting at that moment
}

// lookAt counts the items of group waiting, learns from an arrival since
// the last look how long a lull between arrivals lasts, and returns the
// count and the quiet gap that now ends the wait.
func (g *groupCommit[I, R]) lookAt(c *company, group string, look *companyLook) (waiting int, quiet time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	waiting = g.waitingLocked(group)
	if waiting > look.seen {
		now := time.Now()
		// Arrivals long after the last call are no comeback to learn from.
		if lull := now.Sub(look.last); lull <= g.client.gatherSpan {
			c.lull = max(lull, c.lull)
		}
		look.last = now
	}
	look.seen = waiting
	return waiting, g.quietGap(c.lull)
}

// quietGap is how long without an arrival ends a batch's wait: twice the
// longest lull seen lately, at least the client's gatherQuiet, at most
// maxQuietGap (or gatherQuiet, when a test sets that longer).
func (g *groupCommit[I, R]) quietGap(lull time.Duration) time.Duration {
	return min(max(maxQuietGap, g.client.gatherQuiet), max(g.client.gatherQuiet, 2*lull))
}
