package wix

import (
	"context"
	"time"
)

// maxGatherWait bounds how long after a group's call ends its next batch
// waits for that call's callers to come back. Terraform starts the next
// creates within a few tens of milliseconds of the answers on a busy
// 2-core machine (BENCHMARKS.md); a caller that has not come back by then
// is not waited for, and the wait ends at once when every one has.
const maxGatherWait = 100 * time.Millisecond

// company is what a group commit remembers of one group (trigger key)
// between its calls, so that a paced batch waits for the callers it can
// expect instead of leaving with whoever is there.
//
// The spacing of the old pacer (one call every 300 ms) is what used to fill
// the batches; a window that lets calls go at once fills none: against a
// fast Wix the queue is empty when a call ends, because its items' callers
// (Terraform, -parallelism of them) are only then told their outcome and
// start the next resources. Those callers are the company of the next
// batch: as many as were outstanding when the call ended, its items and
// those that queued meanwhile. Waiting for them costs the apply little
// (they are on their way), and spends one call, not one per item, of a
// budget other pipelines share.
type company struct {
	grown  chan struct{} // a signal when an item joins the queue
	expect int           // items outstanding when the group's last call ended
	ended  time.Time     // when it ended; zero before the first
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
	c.expect = n + g.waitingLocked(group)
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
// group's company (at most maxGatherWait after the group's last call
// ended), then for a slot of the budget. With requests_per_minute = 0 it
// waits for neither.
func (g *groupCommit[I, R]) paceTurn(ctx context.Context, group string) error {
	if g.client.pacer == nil {
		return nil
	}
	g.gatherCompany(ctx, group)
	return g.client.pace(ctx)
}

// gatherCompany waits until as many items wait as were outstanding when
// the group's last call ended (capped by the batch size), until
// maxGatherWait after that call, or until ctx ends. The first call of a
// group, or one long after the last, does not wait at all.
func (g *groupCommit[I, R]) gatherCompany(ctx context.Context, group string) {
	g.mu.Lock()
	c := g.companyOf(group)
	target, until := min(c.expect, g.spec.maxSize), c.ended.Add(g.client.gatherWait)
	g.mu.Unlock()
	for {
		g.mu.Lock()
		waiting := g.waitingLocked(group)
		g.mu.Unlock()
		left := time.Until(until)
		if waiting >= target || left <= 0 {
			return
		}
		timer := time.NewTimer(left)
		select {
		case <-c.grown:
			timer.Stop()
		case <-timer.C:
			return
		case <-ctx.Done():
			timer.Stop()
			return
		}
	}
}
