package provider

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"golang.org/x/sync/errgroup"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// A refresh, and a plan, of 30 automations read them all with one Query
// (one page of up to 500) and no GET.
func TestAccAutomationResource_refreshManyOneQuery(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	config := env.automationConfig(automationSpec{count: 30}, "requests_per_minute = 0")
	oneQuery := func(what string) error {
		queries, gets, others := env.automationRequestCounts()
		if queries != 1 || gets != 0 || others != 0 {
			return fmt.Errorf("%s of 30 automations made %d Query, %d Get and %d other Automations calls; want 1 Query and nothing else",
				what, queries, gets, others)
		}
		return nil
	}
	env.test(t, []resource.TestStep{
		{Config: config, Check: env.expectAutomationCount(30)},
		{
			PreConfig:    env.sim.ResetRequests,
			RefreshState: true,
			Check:        func(*terraform.State) error { return oneQuery("a refresh") },
		},
		{PreConfig: env.sim.ResetRequests, Config: config, PlanOnly: true},
		{
			PreConfig: func() {
				if err := oneQuery("a plan"); err != nil {
					t.Error(err)
				}
			},
			Config: config, PlanOnly: true,
		},
	})
}

// With batching turned off, every Read is its own Get Automation call, as
// the batching block's contract says of group reads.
func TestAccAutomationResource_batchingOffReadsEach(t *testing.T) {
	parallel(t)
	env := newSimEnv(t)
	config := env.automationConfig(automationSpec{count: 3}, "requests_per_minute = 0", batchingOff)
	env.test(t, []resource.TestStep{
		{Config: config},
		{
			PreConfig:    env.sim.ResetRequests,
			RefreshState: true,
			Check: func(*terraform.State) error {
				if queries, gets, _ := env.automationRequestCounts(); queries != 0 || gets != 3 {
					return fmt.Errorf("a refresh of 3 automations with batching off made %d Query and %d Get calls, want 0 and 3", queries, gets)
				}
				return nil
			},
		},
	})
}

// newCacheOnSim is an automation cache whose client calls a fresh
// simulator, seeded with n automations; it returns their ids.
func newCacheOnSim(t *testing.T, n int) (*automationCache, *accEnv, []string) {
	t.Helper()
	env := newSimEnv(t)
	env.overrides = append(env.overrides, func(c *wix.Config) {
		c.MaxRetries, c.MinBackoff, c.MaxBackoff = 1, time.Millisecond, time.Millisecond
	})
	ids := idsOf(env.seedAutomations(n, nil))
	return newAutomationCache(env.client(), true), env, ids
}

// Concurrent Reads wait for one Query; an id it did not return is read
// with GET, and a 404 then is reported as such.
func TestAutomationCache_concurrentReadsShareOneQuery(t *testing.T) {
	parallel(t)
	cache, env, ids := newCacheOnSim(t, 40)
	var reads errgroup.Group
	for _, id := range ids {
		reads.Go(func() error {
			a, err := cache.get(context.Background(), id)
			if err == nil && a.ID != id {
				err = fmt.Errorf("get(%s) returned %s", id, a.ID)
			}
			return err
		})
	}
	if err := reads.Wait(); err != nil {
		t.Fatal(err)
	}
	if q, g, _ := env.automationRequestCounts(); q != 1 || g != 0 {
		t.Fatalf("40 concurrent reads made %d Query and %d Get calls, want 1 and 0", q, g)
	}
	_, err := cache.get(context.Background(), "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
	if !wix.IsNotFound(err) {
		t.Fatalf("an unknown id: err = %v, want Wix's 404", err)
	}
	if q, g, _ := env.automationRequestCounts(); q != 1 || g != 1 {
		t.Fatalf("after an unknown id: %d Query and %d Get calls, want 1 and 1", q, g)
	}
}

// The provider's own writes made while the Query is in flight win over
// the Query's older answer.
func TestAutomationCache_ownWritesWinOverQueryInFlight(t *testing.T) {
	parallel(t)
	cache, env, ids := newCacheOnSim(t, 3)
	env.sim.InjectFault(wixsim.Fault{Path: wix.PathAutomations + "/query", Delay: 200 * time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = cache.get(context.Background(), ids[0])
	}()
	// A safety net, not a timing claim: the Query is held 200ms, so it is
	// in flight long before this; without it a broken loadingNow would
	// hang the test until the suite's timeout.
	deadline := time.Now().Add(10 * time.Second)
	for cache.loadingNow() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the Query never showed as in flight within 10s: cache.get did not start loading, or loadingNow does not report it")
		}
		time.Sleep(time.Millisecond)
	}
	cache.put(&wix.Automation{ID: ids[1], Name: "renamed by this provider", Revision: "2"})
	cache.drop(ids[2])
	<-done
	a, err := cache.get(context.Background(), ids[1])
	if err != nil || a.Name != "renamed by this provider" {
		t.Fatalf("get = %+v, %v; want the provider's own write", a, err)
	}
	if a, ok := cache.lookup(context.Background(), ids[2]); ok {
		t.Fatalf("a dropped automation is still cached: %+v", a)
	}
}

// A failed Query makes every Read fall back to GET, without querying
// again for each Read.
func TestAutomationCache_failedQueryFallsBackToGet(t *testing.T) {
	parallel(t)
	cache, env, ids := newCacheOnSim(t, 5)
	env.sim.InjectFault(wixsim.Fault{Path: wix.PathAutomations + "/query", Status: http.StatusForbidden})
	for _, id := range ids {
		if _, err := cache.get(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if q, g, _ := env.automationRequestCounts(); q != 1 || g != len(ids) {
		t.Fatalf("%d Query and %d Get calls, want 1 failed Query and %d Gets", q, g, len(ids))
	}
}

// loadingNow is the Query in flight, if any (for tests).
func (c *automationCache) loadingNow() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loading
}
