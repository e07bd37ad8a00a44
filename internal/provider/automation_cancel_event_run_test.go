package provider

import (
	"context"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The action's calls carry at most batching's max_batch_size ids: the
// contract's batch size caps every bulk write call.
func TestAction_CancelEvent_honorsMaxBatchSize(t *testing.T) {
	env := newSimEnv(t)
	ids := entityIDs(100)
	run := &cancelEventRun{client: env.client(), size: bulkSize(30), triggerKey: env.triggerKey, ids: ids}
	if err := run.cancelAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	calls := env.sim.RequestsTo(wix.PathBulkCancel)
	if len(calls) != 4 {
		t.Fatalf("Bulk Cancel Event calls = %d, want 4 (30+30+30+10)", len(calls))
	}
	if run.canceled != len(ids) {
		t.Errorf("canceled %d ids, want %d", run.canceled, len(ids))
	}
}

func TestBulkSizeIsMaxBatchSizeWithinWixsLimit(t *testing.T) {
	for set, want := range map[int]int{0: 100, 1: 1, 30: 30, 100: 100, 101: 100} {
		if got := bulkSize(set); got != want {
			t.Errorf("bulkSize(%d) = %d, want %d", set, got, want)
		}
	}
}
