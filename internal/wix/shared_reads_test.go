package wix

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// newSharedReadsEnv is a simulator seeded with n automations and a client
// that groups reads (batching on); it returns their ids.
func newSharedReadsEnv(t *testing.T, n int) (*simEnv, []string) {
	t.Helper()
	env := newSimEnv(t, func(c *Config) { c.Batching.Enabled, c.MaxRetries = true, 1 })
	ids := make([]string, n)
	for i := range n {
		a := env.sim.CreateAutomationDirect(wixsim.DemoInstanceID, wixsim.Automation{
			Name: fmt.Sprintf("automation %03d", i), Origin: "USER",
			Configuration: wixsim.AutomationConfiguration{
				Status:        "ACTIVE",
				Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
				RootActionIDs: []string{"a1b2c3d4-0000-4000-8000-000000000001"},
				Actions: map[string]map[string]any{"a1b2c3d4-0000-4000-8000-000000000001": {
					"appDefinedInfo": map[string]any{"appId": wixsim.DemoAppID, "actionKey": "send_email"},
				}},
			},
		})
		ids[i] = a.ID
	}
	return env, ids
}

// automationCalls counts the Query and Get Automation calls so far.
func (e *simEnv) automationCalls() (queries, gets int) {
	for _, r := range e.sim.Requests() {
		switch {
		case r.Path == PathAutomations+"/query":
			queries++
		case strings.HasPrefix(r.Path, PathAutomations+"/") && r.Method == http.MethodGet:
			gets++
		}
	}
	return queries, gets
}

// Concurrent reads wait for one Query; an id it did not return is read
// with GET, and a 404 then is reported as such.
func TestSharedReads_concurrentReadsShareOneQuery(t *testing.T) {
	t.Parallel()
	env, ids := newSharedReadsEnv(t, 40)
	var reads errgroup.Group
	for _, id := range ids {
		reads.Go(func() error {
			a, err := env.client.ReadAutomation(context.Background(), id)
			if err == nil && a.ID != id {
				err = fmt.Errorf("ReadAutomation(%s) returned %s", id, a.ID)
			}
			return err
		})
	}
	if err := reads.Wait(); err != nil {
		t.Fatal(err)
	}
	if q, g := env.automationCalls(); q != 1 || g != 0 {
		t.Fatalf("40 concurrent reads made %d Query and %d Get calls, want 1 and 0", q, g)
	}
	_, err := env.client.ReadAutomation(context.Background(), "0d0c0b0a-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
	if !IsNotFound(err) {
		t.Fatalf("an unknown id: err = %v, want Wix's 404", err)
	}
	if q, g := env.automationCalls(); q != 1 || g != 1 {
		t.Fatalf("after an unknown id: %d Query and %d Get calls, want 1 and 1", q, g)
	}
}

// The client's own answers that arrive while the Query is in flight win
// over the Query's older answer.
func TestSharedReads_ownAnswersWinOverQueryInFlight(t *testing.T) {
	t.Parallel()
	env, ids := newSharedReadsEnv(t, 3)
	env.sim.InjectFault(wixsim.Fault{Path: PathAutomations + "/query", Delay: 200 * time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = env.client.ReadAutomation(context.Background(), ids[0])
	}()
	// A safety net, not a timing claim: the Query is held 200ms, so it is
	// in flight long before this; without it a broken loadingNow would
	// hang the test until the suite's timeout.
	deadline := time.Now().Add(10 * time.Second)
	for env.client.reads.loadingNow() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the Query never showed as in flight within 10s: ReadAutomation did not start loading, or loadingNow does not report it")
		}
		time.Sleep(time.Millisecond)
	}
	env.client.reads.put(&Automation{ID: ids[1], Name: "renamed by this provider", Revision: "2"})
	env.client.reads.drop(ids[2])
	<-done
	a, err := env.client.ReadAutomation(context.Background(), ids[1])
	if err != nil || a.Name != "renamed by this provider" {
		t.Fatalf("ReadAutomation = %+v, %v; want the client's own answer", a, err)
	}
	if a, ok := env.client.reads.lookup(context.Background(), ids[2]); ok {
		t.Fatalf("a dropped automation is still kept: %+v", a)
	}
}

// A failed Query makes every read fall back to GET, without querying
// again for each read.
func TestSharedReads_failedQueryFallsBackToGet(t *testing.T) {
	t.Parallel()
	env, ids := newSharedReadsEnv(t, 5)
	env.sim.InjectFault(wixsim.Fault{Path: PathAutomations + "/query", Status: http.StatusForbidden})
	for _, id := range ids {
		if _, err := env.client.ReadAutomation(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if q, g := env.automationCalls(); q != 1 || g != len(ids) {
		t.Fatalf("%d Query and %d Get calls, want 1 failed Query and %d Gets", q, g, len(ids))
	}
}

// loadingNow is the Query in flight, if any (for tests).
func (r *sharedReads) loadingNow() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loading
}

// Every answer the client gets about one automation keeps the shared
// Query current: an update's answer is read back without a call, and a
// delete makes the next read ask Wix (which answers 404).
func TestSharedReads_writesKeepTheSnapshotCurrent(t *testing.T) {
	t.Parallel()
	env, ids := newSharedReadsEnv(t, 2)
	ctx := context.Background()
	a, err := env.client.ReadAutomation(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	a.Name = "renamed"
	a.CreatedDate, a.UpdatedDate = "", ""
	updated, err := env.client.UpdateAutomation(ctx, *a)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.client.DeleteAutomation(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	env.sim.ResetRequests()
	got, err := env.client.ReadAutomation(ctx, ids[0])
	if err != nil || got.Revision != updated.Revision || got.Name != "renamed" {
		t.Fatalf("after the update: %+v, %v; want revision %s named renamed", got, err, updated.Revision)
	}
	if q, g := env.automationCalls(); q != 0 || g != 0 {
		t.Fatalf("reading the updated automation made %d Query and %d Get calls, want none", q, g)
	}
	if _, err := env.client.ReadAutomation(ctx, ids[1]); !IsNotFound(err) {
		t.Fatalf("after the delete: err = %v, want Wix's 404", err)
	}
	if q, g := env.automationCalls(); q != 0 || g != 1 {
		t.Fatalf("reading the deleted automation made %d Query and %d Get calls, want one Get", q, g)
	}
}
