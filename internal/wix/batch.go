package wix

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// BatchingConfig tunes how concurrent cancellations of one trigger key are
// coalesced into Bulk Cancel Event calls.
type BatchingConfig struct {
	// Enabled turns coalescing on. Off, every cancellation is its own call.
	Enabled bool
	// SendAfter is an extra wait before each batch leaves, to gather more
	// cancellations into it. Zero adds no wait: cancellations that arrive
	// while a call is in flight or waiting for pacing go together in the next.
	SendAfter time.Duration
	// MaxBatchSize caps the ids per call (1 to MaxBulkCancelIDs; 0 means the cap).
	MaxBatchSize int
}

// Cancel cancels the events of one trigger key and external entity id,
// sharing a Bulk Cancel Event call with concurrent cancellations of the same
// trigger key when batching is on. The error is this item's own outcome.
func (c *Client) Cancel(ctx context.Context, triggerKey, externalEntityID string) error {
	if c.batcher == nil {
		return c.CancelEvent(ctx, triggerKey, externalEntityID)
	}
	return c.batcher.cancel(ctx, triggerKey, externalEntityID)
}

// batcher is a group commit per trigger key: the first cancellation starts a
// sender; whatever queues while the sender waits for pacing or for Wix's
// answer leaves together in its next call. No batch ever waits for company,
// so a lone cancellation goes out at once.
//
// Nothing like it exists in a library: the Google provider's batcher (the
// nearest) waits a fixed send_after, which here would add latency to every
// apply.
type batcher struct {
	client  *Client
	maxSize int
	delay   time.Duration

	mu     sync.Mutex
	queues map[string]*batchQueue
}

type batchQueue struct {
	items   []*batchItem
	sending bool
}

type batchItem struct {
	ctx  context.Context
	id   string
	done chan error
	// finished is set once the item has its outcome, so that an item that
	// failed while its context is still alive (it could not wait for its
	// turn) leaves the queue instead of leading it again and again.
	finished atomic.Bool
}

func newBatcher(c *Client, cfg BatchingConfig) *batcher {
	if !cfg.Enabled {
		return nil
	}
	size := cfg.MaxBatchSize
	if size <= 0 || size > MaxBulkCancelIDs {
		size = MaxBulkCancelIDs
	}
	return &batcher{client: c, maxSize: size, delay: cfg.SendAfter, queues: map[string]*batchQueue{}}
}

func (b *batcher) cancel(ctx context.Context, triggerKey, externalEntityID string) error {
	item := &batchItem{ctx: ctx, id: externalEntityID, done: make(chan error, 1)}
	b.mu.Lock()
	q := b.queues[triggerKey]
	if q == nil {
		q = &batchQueue{}
		b.queues[triggerKey] = q
	}
	q.items = append(q.items, item)
	if !q.sending {
		q.sending = true
		go b.send(triggerKey, q)
	}
	b.mu.Unlock()

	select {
	case err := <-item.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("Cancel Event for %s/%s stopped before Wix answered: %w", triggerKey, externalEntityID, context.Cause(ctx))
	}
}

// send drains a trigger key's queue, one call at a time.
func (b *batcher) send(triggerKey string, q *batchQueue) {
	for {
		lead := b.lead(triggerKey, q)
		if lead == nil {
			return
		}
		ok, tokenErr := b.waitTurn(lead)
		if !ok {
			continue
		}
		batch := b.take(q)
		switch {
		case len(batch) == 0:
		case tokenErr != nil:
			// What the call would have answered, without a second token
			// request: the whole batch fails together, as any failed call.
			err := fmt.Errorf("%s: %w", operationName(batch), tokenErr)
			for _, item := range batch {
				item.finish(err)
			}
		default:
			b.call(triggerKey, batch)
		}
	}
}

// lead returns the oldest waiting item, or nil after marking the queue idle
// when there is none (under the lock, so no item is ever stranded).
func (b *batcher) lead(triggerKey string, q *batchQueue) *batchItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	q.items = dropFinished(q.items)
	if len(q.items) == 0 {
		q.sending = false
		delete(b.queues, triggerKey)
		return nil
	}
	return q.items[0]
}

// waitTurn waits, on behalf of the oldest item, for the optional
// send_after, then for the access token, then for pacing: pacing comes
// last, right before the call leaves (as in Client.send), or the turns of
// several trigger keys, held up together by a slow token fetch, would leave
// together when it arrives. A token that cannot be had is the whole next
// batch's failure (tokenErr). If the lead itself cannot wait (its deadline
// is too near, or it was cancelled), it gets the error and ok is false: the
// next item leads.
func (b *batcher) waitTurn(lead *batchItem) (ok bool, tokenErr error) {
	if err := sleepWithin(lead.ctx, b.delay); err != nil {
		lead.finish(fmt.Errorf("Cancel Event: waiting %s (send_after) to gather a batch: %w", b.delay, err))
		return false, nil
	}
	if _, err := b.client.tokens.token(lead.ctx); err != nil {
		if lead.ctx.Err() != nil {
			lead.finish(fmt.Errorf("Cancel Event: %w", err))
			return false, nil
		}
		return true, err
	}
	if err := b.client.pace(lead.ctx); err != nil {
		lead.finish(fmt.Errorf("Cancel Event: %w", err))
		return false, nil
	}
	return true, nil
}

func operationName(batch []*batchItem) string {
	if len(batch) == 1 {
		return "Cancel Event"
	}
	return "Bulk Cancel Event"
}

func (b *batcher) take(q *batchQueue) []*batchItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	q.items = dropFinished(q.items)
	n := min(len(q.items), b.maxSize)
	batch := q.items[:n:n]
	q.items = q.items[n:]
	return batch
}

// call sends one batch, already paced for its first attempt: a lone item as
// Cancel Event, so an unbatched apply looks the same on the wire, and more
// as Bulk Cancel Event.
func (b *batcher) call(triggerKey string, batch []*batchItem) {
	ctx, release := batchContext(batch)
	defer release()
	if len(batch) == 1 {
		batch[0].finish(b.client.do(ctx, cancelOperation(triggerKey, batch[0].id, true)))
		return
	}
	res, err := b.client.bulkCancel(ctx, triggerKey, distinctIDs(batch), true)
	for _, item := range batch {
		if err != nil {
			item.finish(err)
			continue
		}
		item.finish(res.itemError(item.id))
	}
}

// batchContext lives as long as anyone waits on the batch: it ends when
// every item's context has ended, and no later than the latest deadline. It
// keeps the values of the first item's context, where tflog keeps its logger.
func batchContext(batch []*batchItem) (context.Context, func()) {
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
func latestDeadline(batch []*batchItem) (time.Time, bool) {
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

func (item *batchItem) finish(err error) {
	item.finished.Store(true)
	select {
	case item.done <- err:
	default:
	}
}

// dropFinished keeps the items still waiting for an outcome: not given up
// by their caller, and not already answered.
func dropFinished(items []*batchItem) []*batchItem {
	live := items[:0]
	for _, item := range items {
		if item.ctx.Err() == nil && !item.finished.Load() {
			live = append(live, item)
		}
	}
	clear(items[len(live):]) // let the dropped items be collected
	return live
}

// distinctIDs: two resources may name the same entity; Wix gets it once and
// both get its result.
func distinctIDs(batch []*batchItem) []string {
	seen := make(map[string]bool, len(batch))
	ids := make([]string, 0, len(batch))
	for _, item := range batch {
		if !seen[item.id] {
			seen[item.id] = true
			ids = append(ids, item.id)
		}
	}
	return ids
}

// itemError is one id's outcome inside a bulk answer.
func (r *BulkCancelEventResponse) itemError(id string) error {
	for _, result := range r.Results {
		if result.ExternalEntityID != id && result.ItemMetadata.ID != id {
			continue
		}
		if result.ItemMetadata.Success {
			return nil
		}
		itemErr := &ItemError{ExternalEntityID: id, RequestID: r.RequestID}
		if e := result.ItemMetadata.Error; e != nil {
			itemErr.Code, itemErr.Description = e.Code, e.Description
		}
		return itemErr
	}
	return errors.New("Bulk Cancel Event: Wix's answer has no result for external entity " + id + " (x-wix-request-id: " + r.RequestID + ")")
}
