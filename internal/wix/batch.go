package wix

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// BatchingConfig tunes how concurrent calls of one trigger key are
// coalesced into bulk calls (Bulk Cancel Event, Bulk Report Event).
type BatchingConfig struct {
	// Enabled turns coalescing on. Off, every item is its own call.
	Enabled bool
	// SendAfter is an extra wait before each batch leaves, to gather more
	// items into it. Zero adds no wait: items that arrive while a call is
	// in flight or waiting for pacing go together in the next.
	SendAfter time.Duration
	// MaxBatchSize caps the items per call (1 to MaxBulkCancelIDs; 0 means the cap).
	MaxBatchSize int
}

// groupSpec is what a group commit needs to know of one bulk endpoint:
// its item limit, how a lone item and a group are sent, and how items are
// told apart. I is an item, R one item's result.
type groupSpec[I, R any] struct {
	single, bulk string // operation names, for messages
	maxSize      int
	// describe names an item of group in messages.
	describe func(group string, item I) string
	// dedupeKey, when set, sends items with equal keys once; each of them
	// gets the shared result.
	dedupeKey func(I) string
	// sendOne sends a lone item with the single-item call, already paced.
	sendOne func(ctx context.Context, group string, item I) (R, error)
	// sendMany sends items with the bulk call, already paced, and returns
	// each item's outcome in the order of items. An error fails them all.
	sendMany func(ctx context.Context, group string, items []I) ([]outcome[R], error)
	// retryItem, when set, says which failures of an item inside a bulk
	// answer are worth sending that item again (a missing result, a
	// failure that passes). Such items go out again, alone or with others,
	// after a backoff, up to max_retries times within their deadline.
	retryItem func(err error) bool
	// unsure, when set, wraps the error of an item that may have reached
	// Wix: one whose call may have been acted on, whose result was missing,
	// or whose caller stopped waiting while it was in flight.
	unsure func(err error) error
}

// outcome is one item's result or error.
type outcome[R any] struct {
	val R
	err error
}

// groupCommit coalesces concurrent items per group (trigger key): the
// first item starts a sender; whatever queues while the sender waits for
// pacing or for Wix's answer leaves together in its next call. A lone item
// goes out at once, as the plain single-item call; with pacing on, a batch
// may wait a moment for the callers of its group's previous call
// (gather.go), never for anyone else.
//
// Nothing like it exists in a library: the Google provider's batcher (the
// nearest) waits a fixed send_after, which here would add latency to every
// apply.
type groupCommit[I, R any] struct {
	client *Client
	spec   groupSpec[I, R]
	delay  time.Duration

	mu        sync.Mutex
	queues    map[string]*groupQueue[I, R]
	companies map[string]*company // what paced batches wait for (gather.go)
}

type groupQueue[I, R any] struct {
	items   []*groupItem[I, R]
	sending bool
}

type groupItem[I, R any] struct {
	ctx  context.Context
	in   I
	done chan outcome[R]
	// finished is set once the item has its outcome, so that an item that
	// failed while its context is still alive (it could not wait for its
	// turn) leaves the queue instead of leading it again and again.
	finished atomic.Bool
	// carried is set once a batch took the item (under the queue's lock):
	// from then on it may be sent, so a caller that stops waiting cannot
	// know that it was not. reached is set once a call may have carried it
	// to Wix without a clear outcome for it.
	carried, reached atomic.Bool
	// retries counts the times it was sent again after a bulk answer gave
	// it no clear outcome, and last is that answer's error for it; only the
	// group's sender and its retry timer touch them, one after the other.
	retries int
	last    error
}

// newGroupCommit returns nil when batching is off.
func newGroupCommit[I, R any](c *Client, cfg BatchingConfig, spec groupSpec[I, R]) *groupCommit[I, R] {
	if !cfg.Enabled {
		return nil
	}
	if cfg.MaxBatchSize > 0 {
		spec.maxSize = min(spec.maxSize, cfg.MaxBatchSize)
	}
	return &groupCommit[I, R]{client: c, spec: spec, delay: cfg.SendAfter, queues: map[string]*groupQueue[I, R]{}}
}

// submit queues in for group and waits for its own outcome.
func (g *groupCommit[I, R]) submit(ctx context.Context, group string, in I) (R, error) {
	item := &groupItem[I, R]{ctx: ctx, in: in, done: make(chan outcome[R], 1)}
	g.mu.Lock()
	q := g.queues[group]
	if q == nil {
		q = &groupQueue[I, R]{}
		g.queues[group] = q
	}
	q.items = append(q.items, item)
	g.noteArrival(group)
	if !q.sending {
		q.sending = true
		go g.send(group, q)
	}
	g.mu.Unlock()

	select {
	case out := <-item.done:
		return out.val, out.err
	case <-ctx.Done():
		// An outcome handed over as ctx ended is the outcome: a select with
		// both ready picks either, and Wix's 200 must not read as "stopped".
		select {
		case out := <-item.done:
			return out.val, out.err
		default:
		}
		var zero R
		err := fmt.Errorf("%s for %s stopped before Wix answered: %w", g.spec.single, g.spec.describe(group, in), context.Cause(ctx))
		if g.spec.unsure != nil && (item.carried.Load() || item.reached.Load()) {
			err = g.spec.unsure(err)
		}
		return zero, err
	}
}

// send drains a group's queue, one call at a time.
func (g *groupCommit[I, R]) send(group string, q *groupQueue[I, R]) {
	for {
		lead := g.lead(group, q)
		if lead == nil {
			return
		}
		ok, tokenErr := g.waitTurn(group, lead)
		if !ok {
			continue
		}
		batch := g.take(q)
		switch {
		case len(batch) == 0:
		case tokenErr != nil:
			// What the call would have answered, without a second token
			// request: the whole batch fails together, as any failed call.
			err := fmt.Errorf("%s: %w", g.operationName(batch), tokenErr)
			for _, item := range batch {
				g.settle(item, outcome[R]{err: err})
			}
		default:
			g.call(group, batch)
			g.noteCallEnded(group, len(batch))
		}
	}
}

// lead returns the oldest waiting item, or nil after marking the queue idle
// when there is none (under the lock, so no item is ever stranded).
func (g *groupCommit[I, R]) lead(group string, q *groupQueue[I, R]) *groupItem[I, R] {
	g.mu.Lock()
	defer g.mu.Unlock()
	q.items = dropFinished(q.items)
	if len(q.items) == 0 {
		q.sending = false
		delete(g.queues, group)
		return nil
	}
	return q.items[0]
}

// waitTurn waits, on behalf of the oldest item, for the optional
// send_after, then for the access token, then for pacing: pacing comes
// last, right before the call leaves (as in Client.send), or the turns of
// several groups, held up together by a slow token fetch, would leave
// together when it arrives. A token that cannot be had is the whole next
// batch's failure (tokenErr). If the lead itself cannot wait (its deadline
// is too near, or it was canceled), it gets the error and ok is false: the
// next item leads.
func (g *groupCommit[I, R]) waitTurn(group string, lead *groupItem[I, R]) (ok bool, tokenErr error) {
	if err := sleepWithin(lead.ctx, g.delay); err != nil {
		g.settle(lead, outcome[R]{err: fmt.Errorf("%s: waiting %s (send_after) to gather a batch: %w", g.spec.single, g.delay, err)})
		return false, nil
	}
	if _, err := g.client.tokens.token(lead.ctx); err != nil {
		if lead.ctx.Err() != nil {
			g.settle(lead, outcome[R]{err: fmt.Errorf("%s: %w", g.spec.single, err)})
			return false, nil
		}
		return true, g.client.redactError(err)
	}
	if err := g.paceTurn(lead.ctx, group); err != nil {
		g.settle(lead, outcome[R]{err: fmt.Errorf("%s: %w", g.spec.single, err)})
		return false, nil
	}
	return true, nil
}

func (g *groupCommit[I, R]) operationName(batch []*groupItem[I, R]) string {
	if len(batch) == 1 {
		return g.spec.single
	}
	return g.spec.bulk
}

func (g *groupCommit[I, R]) take(q *groupQueue[I, R]) []*groupItem[I, R] {
	g.mu.Lock()
	defer g.mu.Unlock()
	q.items = dropFinished(q.items)
	n := min(len(q.items), g.spec.maxSize)
	batch := q.items[:n:n]
	q.items = q.items[n:]
	for _, item := range batch {
		// Taken under the lock that dropFinished reads: from here on the
		// item may be sent, so its caller may not call it unsent.
		item.carried.Store(true)
	}
	return batch
}

// call sends one batch, already paced for its first attempt: a lone item
// with the single-item call, so an unbatched apply looks the same on the
// wire, and more with the bulk call. Items the bulk answer leaves without
// a clear outcome go out again later (retryLater).
func (g *groupCommit[I, R]) call(group string, batch []*groupItem[I, R]) {
	ctx, release := batchContext(batch)
	defer release()
	if len(batch) == 1 {
		val, err := g.spec.sendOne(ctx, group, batch[0].in)
		g.settle(batch[0], outcome[R]{val: val, err: err})
		return
	}
	items, slot := g.distinct(batch)
	outcomes, err := g.spec.sendMany(ctx, group, items)
	var again []*groupItem[I, R]
	for i, item := range batch {
		out := outcome[R]{err: err}
		if err == nil {
			out = outcomes[slot[i]]
		}
		if err == nil && out.err != nil && g.spec.retryItem != nil && g.spec.retryItem(out.err) {
			item.reached.Store(true)
			if item.retries < g.client.maxRetries {
				item.last = out.err
				again = append(again, item)
				continue
			}
			out.err = fmt.Errorf("%w (sent %s; max_retries is %d)", out.err, times(item.retries+1), g.client.maxRetries)
		}
		g.settle(item, out)
	}
	g.retryLater(ctx, group, again)
}

// settle gives an item its outcome; an error of an item that may have
// reached Wix says so (spec.unsure).
func (g *groupCommit[I, R]) settle(item *groupItem[I, R], out outcome[R]) {
	if out.err != nil && errors.Is(out.err, ErrMayHaveReachedWix) {
		item.reached.Store(true)
	}
	if out.err != nil && g.spec.unsure != nil && item.reached.Load() {
		out.err = g.spec.unsure(out.err)
	}
	item.finish(out)
}

// retryLater sends items again after a backoff: each goes back to the
// front of its group's queue, to leave with whatever waits there. An item
// whose deadline would pass first fails now with its last error.
func (g *groupCommit[I, R]) retryLater(ctx context.Context, group string, items []*groupItem[I, R]) {
	if len(items) == 0 {
		return
	}
	round := 0
	for _, item := range items {
		round = max(round, item.retries)
	}
	wait := g.client.backoff.delay(round, 0)
	var due []*groupItem[I, R]
	for _, item := range items {
		if deadline, ok := item.ctx.Deadline(); ok && time.Until(deadline) < wait {
			g.settle(item, outcome[R]{err: fmt.Errorf("%w; no time was left to send it again before the deadline", item.last)})
			continue
		}
		item.retries++
		due = append(due, item)
	}
	if len(due) == 0 {
		return
	}
	g.client.log.Debug(ctx, "Sending items of a bulk answer again: Wix gave them no clear outcome", map[string]any{
		"operation": g.spec.bulk, "items": len(due), "retry": round + 1, "wait": wait.Round(time.Millisecond).String(),
	})
	time.AfterFunc(wait, func() { g.requeue(group, due) })
}

// requeue puts items back at the front of group's queue, where they were
// first, and starts a sender when none runs.
func (g *groupCommit[I, R]) requeue(group string, items []*groupItem[I, R]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.queues[group]
	if q == nil {
		q = &groupQueue[I, R]{}
		g.queues[group] = q
	}
	q.items = append(slices.Clip(items), q.items...)
	if !q.sending {
		q.sending = true
		go g.send(group, q)
	}
}

// distinct: two resources may name the same entity; Wix gets it once and
// both get its result. slot maps each batch item to its sent item.
func (g *groupCommit[I, R]) distinct(batch []*groupItem[I, R]) ([]I, []int) {
	items := make([]I, 0, len(batch))
	slot := make([]int, len(batch))
	seen := map[string]int{}
	for i, item := range batch {
		if g.spec.dedupeKey != nil {
			key := g.spec.dedupeKey(item.in)
			if at, ok := seen[key]; ok {
				slot[i] = at
				continue
			}
			seen[key] = len(items)
		}
		slot[i] = len(items)
		items = append(items, item.in)
	}
	return items, slot
}

// batchContext lives as long as anyone waits on the batch: it ends when
// every item's context has ended, and no later than the latest deadline. It
// keeps the values of the first item's context, where tflog keeps its logger.
func batchContext[I, R any](batch []*groupItem[I, R]) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(batch[0].ctx))
	remaining := atomic.Int64{}
	remaining.Store(int64(len(batch)))
	stops := make([]func() bool, 0, len(batch))
	for _, item := range batch {
		stops = append(stops, context.AfterFunc(item.ctx, func() {
			if remaining.Add(-1) == 0 {
				cancel(context.Cause(item.ctx))
			}
		}))
	}
	cancelDeadline := func() {}
	if latest, ok := latestDeadline(batch); ok {
		ctx, cancelDeadline = context.WithDeadline(ctx, latest)
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancelDeadline()
		cancel(nil)
	}
}

// latestDeadline is the latest of the items' deadlines; false when any item
// has none.
func latestDeadline[I, R any](batch []*groupItem[I, R]) (time.Time, bool) {
	var latest time.Time
	for _, item := range batch {
		d, ok := item.ctx.Deadline()
		if !ok {
			return time.Time{}, false
		}
		if d.After(latest) {
			latest = d
		}
	}
	return latest, true
}

func (item *groupItem[I, R]) finish(out outcome[R]) {
	item.finished.Store(true)
	select {
	case item.done <- out:
	default:
	}
}

// dropFinished keeps the items still waiting for an outcome: not given up
// by their caller, and not already answered.
func dropFinished[I, R any](items []*groupItem[I, R]) []*groupItem[I, R] {
	live := items[:0]
	for _, item := range items {
		if item.ctx.Err() == nil && !item.finished.Load() {
			live = append(live, item)
		}
	}
	clear(items[len(live):]) // let the dropped items be collected
	return live
}

// resultRef is what matching needs of one result of a bulk answer: the
// key it names (an external entity id; "" when it names none) and its
// itemMetadata.originalIndex.
type resultRef struct {
	key   string
	index int
}

// matchResults pairs each of the requested items (by key, in request
// order) with exactly one result of a bulk answer: the one whose
// originalIndex is the item's and whose key is the item's. An item with no
// such result, with two, whose position a result for another key claims,
// or whose key more results name (at any index, sent or not) than items
// of that key were sent, fails on its own: an answer that says two things
// of an item confirms neither, and a bulk answer is never taken as success
// for an item it does not clearly confirm. matched[i] is the result of
// item i (-1 when errs[i] is set).
func matchResults(op, requestID string, keys []string, refs []resultRef) (matched []int, errs []error) {
	matched = make([]int, len(keys))
	errs = make([]error, len(keys))
	for i := range matched {
		matched[i] = -1
	}
	fail := func(i int, what string) {
		errs[i] = &unknownResultError{op: op, requestID: requestID, key: keys[i], what: what}
	}
	for r, ref := range refs {
		i := ref.index
		switch {
		case i < 0 || i >= len(keys):
			// At no item's position; counted by key below.
		case ref.key != keys[i]:
			fail(i, fmt.Sprintf("puts a result for %q at the position", ref.key))
		case matched[i] >= 0:
			fail(i, "has two results")
		default:
			matched[i] = r
		}
	}
	named, sent := countKeys(refs, keys)
	for i, key := range keys {
		switch {
		case errs[i] != nil:
		case matched[i] < 0:
			fail(i, "has no result")
		case named[key] > sent[key]:
			fail(i, fmt.Sprintf("has %d results", named[key]))
		}
		if errs[i] != nil {
			matched[i] = -1
		}
	}
	return matched, errs
}

// countKeys counts, per requested key, the results that name it, at any
// index, and the items of it that were sent.
func countKeys(refs []resultRef, keys []string) (named, sent map[string]int) {
	named, sent = map[string]int{}, map[string]int{}
	for _, key := range keys {
		sent[key]++
	}
	for _, ref := range refs {
		if _, requested := sent[ref.key]; requested && ref.key != "" {
			named[ref.key]++
		}
	}
	return named, sent
}

// doubtUncountedFailures leaves unknown every success of a bulk answer
// whose bulkActionMetadata counts more failed items than its results show
// failed: some item it calls a success failed, and which is not known.
// Wix's SDK documents totalFailures as the "number of items that couldn't
// be processed" and undetailedFailures as the "number of failures without
// details because detailed failure threshold was exceeded", a part of
// them; the larger of the two is taken, so an answer that counts only
// undetailed failures is doubted too. A count Wix leaves out reads as 0
// and doubts nothing.
func doubtUncountedFailures(op, requestID string, keys []string, md BulkActionMetadata, results []*ItemMetadata, errs []error) {
	shown := 0
	for _, r := range results {
		if !r.Success {
			shown++
		}
	}
	counted := max(md.TotalFailures, md.UndetailedFailures)
	if counted <= shown {
		return
	}
	what := fmt.Sprintf("(counting %d failed items in bulkActionMetadata, but showing %d) says success", counted, shown)
	for i := range errs {
		if errs[i] == nil {
			errs[i] = &unknownResultError{op: op, requestID: requestID, key: keys[i], what: what}
		}
	}
}

// unknownResultError is an item of a bulk call whose answer has no one
// clear result for it: Wix may or may not have acted on it.
type unknownResultError struct {
	op, requestID, key string
	what               string // what is wrong with the answer, "has no result"
}

func (e *unknownResultError) Error() string {
	return fmt.Sprintf("%s: Wix's answer %s for external entity %q, so its outcome is not known (x-wix-request-id: %s)",
		e.op, e.what, e.key, e.requestID)
}

// noResults is the outcome of every item of a bulk call whose answer came
// without its results (lacksResults): each item's outcome is unknown, so
// each goes out again with its key, as an item the answer left out would.
func noResults[R any](op, requestID string, keys []string) []outcome[R] {
	out := make([]outcome[R], len(keys))
	for i, key := range keys {
		out[i].err = &unknownResultError{op: op, requestID: requestID, key: key, what: "has no results at all"}
	}
	return out
}

// unknownResult reports whether err is an item a bulk answer left
// without a clear result.
func unknownResult(err error) bool {
	var u *unknownResultError
	return errors.As(err, &u)
}

// times says how often something was sent: "once", "3 times".
func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}
