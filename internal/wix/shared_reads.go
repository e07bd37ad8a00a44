package wix

import (
	"context"
	"sync"
	"time"
)

// snapshotTTL bounds how long one Query answers ReadAutomation. A plan or
// refresh reads every automation within seconds; a provider process that
// lives longer (a long apply) queries again rather than trust old answers.
const snapshotTTL = 2 * time.Minute

// sharedQueryTimeout bounds the shared Query, which runs on behalf of
// every waiting read and so is not tied to the first one's context.
const sharedQueryTimeout = 5 * time.Minute

// sharedReads answers ReadAutomation from one paged Query (pages of 500)
// instead of one GET each: Wix allows 200 calls a minute, so a plan of 200
// automations would otherwise wait a minute for pacing. It is the group
// read of the batching setting, as Bulk Cancel and Bulk Report are its
// group commits. Every answer this client gets about one automation
// (create, get, update) refreshes its entry, and a delete or a 404 drops
// it; an id the Query did not return is read with GET, so that a 404 still
// means the automation is gone. The Query's pages keep each automation's
// newest revision, and an entry without its revision, trigger or actions
// is not kept: it is read with GET too.
type sharedReads struct {
	client *Client
	// grouped is the batching setting; off, every read is a GET.
	grouped bool

	mu sync.Mutex
	// loading is closed when the Query in flight ends; nil when none is.
	loading chan struct{}
	// loadedAt is when the current snapshot's Query started; zero: none.
	loadedAt time.Time
	// byID is the snapshot, with this client's own answers applied.
	byID map[string]Automation
	// written holds the ids answered while a Query was in flight: the
	// Query may predate the answer, so the answer wins.
	written map[string]*Automation
	// claimed holds the ids adopted after an uncertain create, so that two
	// resources never adopt the same automation.
	claimed map[string]bool
}

func newSharedReads(c *Client, cfg BatchingConfig) *sharedReads {
	return &sharedReads{client: c, grouped: cfg.Enabled, claimed: map[string]bool{}}
}

// ReadAutomation returns the automation as Wix has it: from the shared
// Query when batching is on and the Query returned id, otherwise from Get
// Automation (IsNotFound(err) when it is gone).
func (c *Client) ReadAutomation(ctx context.Context, id string) (*Automation, error) {
	if !c.reads.grouped {
		return c.GetAutomation(ctx, id)
	}
	if a, ok := c.reads.lookup(ctx, id); ok {
		return a, nil
	}
	return c.GetAutomation(ctx, id)
}

// ClaimAutomation claims a, found after an uncertain create, for one
// resource, and keeps it as Wix's latest answer; it reports false when
// another resource of this client already claimed it.
func (c *Client) ClaimAutomation(a *Automation) bool {
	r := c.reads
	r.mu.Lock()
	claimed := r.claimed[a.ID]
	r.claimed[a.ID] = true
	r.mu.Unlock()
	if claimed {
		return false
	}
	r.put(a)
	return true
}

// lookup waits for a current snapshot (starting its Query if needed) and
// finds id in it.
func (r *sharedReads) lookup(ctx context.Context, id string) (*Automation, bool) {
	for {
		r.mu.Lock()
		if r.loading == nil && !r.loadedAt.IsZero() && time.Since(r.loadedAt) < snapshotTTL {
			a, ok := r.byID[id] // byID is nil after a failed Query: GET instead
			r.mu.Unlock()
			if !ok {
				return nil, false
			}
			return a.Clone(), true
		}
		wait := r.loading
		if wait == nil {
			wait = make(chan struct{})
			r.loading = wait
			r.written = map[string]*Automation{}
			go r.load(ctx, wait)
		}
		r.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// load runs the shared Query and installs its answer, with the answers
// this client got while it ran on top.
func (r *sharedReads) load(parent context.Context, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), sharedQueryTimeout)
	defer cancel()
	started := time.Now()
	all, err := r.client.queryNewest(ctx, AutomationQuery{Limit: MaxQueryLimit}, maxQueryPages)
	r.mu.Lock()
	defer r.mu.Unlock()
	defer close(done)
	r.loading = nil
	if err != nil {
		r.client.log.Warn(parent, "Query Automations failed; reading each automation with Get Automation instead", map[string]any{"error": err.Error()})
		r.byID, r.loadedAt = nil, started
		return
	}
	byID := make(map[string]Automation, len(all))
	for _, a := range all {
		// A partial entry is left out: ReadAutomation reads it with Get,
		// and only when a resource asks for it.
		if a.complete() {
			byID[a.ID] = a
		}
	}
	for id, a := range r.written {
		if a == nil {
			delete(byID, id)
		} else {
			byID[id] = *a
		}
	}
	r.byID, r.loadedAt, r.written = byID, started, nil
	r.client.log.Debug(parent, "Read all automations with one Query", map[string]any{"automations": len(all)})
}

// put keeps an automation Wix just answered with.
func (r *sharedReads) put(a *Automation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written != nil {
		r.written[a.ID] = a.Clone()
	}
	if r.byID != nil {
		r.byID[a.ID] = *a.Clone()
	}
}

// drop forgets an automation that was deleted, found gone, or changed
// since its entry.
func (r *sharedReads) drop(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written != nil {
		r.written[id] = nil
	}
	delete(r.byID, id)
}

// Clone deep-copies a through JSON, so that two holders never share its
// maps (the snapshot of ReadAutomation and its callers, an update built
// from what Wix holds).
func (a *Automation) Clone() *Automation {
	b, err := a.MarshalJSON()
	if err != nil {
		out := *a
		return &out
	}
	var out Automation
	if err := out.UnmarshalJSON(b); err != nil {
		out = *a
	}
	return &out
}
