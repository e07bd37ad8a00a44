package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// automationSnapshotTTL bounds how long one Query answers Reads. A plan or
// refresh reads every automation within seconds; a provider process that
// lives longer (a long apply) queries again rather than trust old answers.
const automationSnapshotTTL = 2 * time.Minute

// automationQueryTimeout bounds the shared Query, which runs on behalf of
// every waiting Read and so is not tied to the first one's context.
const automationQueryTimeout = 5 * time.Minute

// automationCache answers the Reads of wix_automation from one paged Query
// (pages of 500) instead of one GET each: Wix allows 200 calls a minute,
// so a plan of 200 automations would otherwise wait a minute for pacing.
// The provider's own creates, updates and deletes update or drop entries;
// an id the Query did not return is read with GET, so that a 404 still
// means the automation is gone.
type automationCache struct {
	client *wix.Client
	// grouped is the provider's batching setting; off, every Read is a GET.
	grouped bool

	mu sync.Mutex
	// loading is closed when the Query in flight ends; nil when none is.
	loading chan struct{}
	// loadedAt is when the current snapshot's Query started; zero: none.
	loadedAt time.Time
	// byID is the snapshot, with the provider's own writes applied.
	byID map[string]wix.Automation
	// written holds the ids the provider wrote while a Query was in
	// flight: the Query may predate the write, so the write wins.
	written map[string]*wix.Automation
	// adopted holds the ids adopted after an uncertain create, so that two
	// resources never adopt the same automation.
	adopted map[string]bool
}

// newAutomationCache is the shared Query of one configured provider; it
// makes no call until the first Read needs it.
func newAutomationCache(client *wix.Client, grouped bool) *automationCache {
	return &automationCache{client: client, grouped: grouped, adopted: map[string]bool{}}
}

// automationsOf is the configured provider's shared Query.
func automationsOf(data *providerData) *automationCache { return data.automations }

// get returns the automation as Wix has it: from the shared Query when it
// returned id, otherwise from GET (IsNotFound(err) when it is gone).
func (c *automationCache) get(ctx context.Context, id string) (*wix.Automation, error) {
	if !c.grouped {
		return c.client.GetAutomation(ctx, id)
	}
	if a, ok := c.lookup(ctx, id); ok {
		return a, nil
	}
	a, err := c.client.GetAutomation(ctx, id)
	if err != nil {
		if wix.IsNotFound(err) {
			c.drop(id)
		}
		return nil, err
	}
	c.put(a)
	return a, nil
}

// lookup waits for a current snapshot (starting its Query if needed) and
// finds id in it.
func (c *automationCache) lookup(ctx context.Context, id string) (*wix.Automation, bool) {
	for {
		c.mu.Lock()
		if c.loading == nil && !c.loadedAt.IsZero() && time.Since(c.loadedAt) < automationSnapshotTTL {
			a, ok := c.byID[id] // byID is nil after a failed Query: GET instead

			c.mu.Unlock()
			if !ok {
				return nil, false
			}
			return copyAutomation(&a), true
		}
		wait := c.loading
		if wait == nil {
			wait = make(chan struct{})
			c.loading = wait
			c.written = map[string]*wix.Automation{}
			go c.load(ctx, wait)
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// load runs the shared Query and installs its answer, with the writes made
// while it ran on top.
func (c *automationCache) load(parent context.Context, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), automationQueryTimeout)
	defer cancel()
	started := time.Now()
	all, err := c.client.QueryAllAutomations(ctx, wix.AutomationQuery{Limit: wix.MaxQueryLimit})
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(done)
	c.loading = nil
	if err != nil {
		tflog.Warn(parent, "Query Automations failed; reading each automation with Get Automation instead", map[string]any{"error": err.Error()})
		c.byID, c.loadedAt = nil, started
		return
	}
	byID := make(map[string]wix.Automation, len(all))
	for _, a := range all {
		byID[a.ID] = a
	}
	for id, a := range c.written {
		if a == nil {
			delete(byID, id)
		} else {
			byID[id] = *a
		}
	}
	c.byID, c.loadedAt, c.written = byID, started, nil
	tflog.Debug(parent, "Read all automations with one Query", map[string]any{"automations": len(all)})
}

// put records an automation the provider just created, updated or read.
func (c *automationCache) put(a *wix.Automation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.written != nil {
		c.written[a.ID] = copyAutomation(a)
	}
	if c.byID != nil {
		c.byID[a.ID] = *copyAutomation(a)
	}
}

// drop forgets an automation the provider deleted or found gone.
func (c *automationCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.written != nil {
		c.written[id] = nil
	}
	delete(c.byID, id)
}

// adopt claims id for one resource after an uncertain create; it reports
// false when another resource of this run already adopted it.
func (c *automationCache) adopt(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.adopted[id] {
		return false
	}
	c.adopted[id] = true
	return true
}

// copyAutomation deep-copies a through JSON, so that callers never share
// the cache's maps.
func copyAutomation(a *wix.Automation) *wix.Automation {
	b, err := a.MarshalJSON()
	if err != nil {
		out := *a
		return &out
	}
	var out wix.Automation
	if err := out.UnmarshalJSON(b); err != nil {
		out = *a
	}
	return &out
}
