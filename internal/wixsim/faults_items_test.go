package wixsim_test

import (
	"fmt"
	"testing"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// An item fault that fails an item of a Bulk Cancel Event answers it
// success:false with its code and does not cancel it, for Count calls
// only: the next call carrying the item cancels it.
func TestItemFaultFailsAnItemForCountCalls(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sim.InjectItemFault(wixsim.ItemFault{Path: bulkPath, ExternalEntityID: entityB, Count: 2, Code: "UNAVAILABLE"})
	for call := range 3 {
		out := postBulk[cancelItemOut](t, ts, bulkPath, tok, bulkBody(wixsim.DemoTriggerKey, entityA, entityB), 2)
		failed := call < 2
		if !out.Results[0].ItemMetadata.settled(0, false) || !out.Results[1].ItemMetadata.settled(1, failed) {
			t.Fatalf("call %d: results %+v, want %s failed %v", call, out.Results, entityB, failed)
		}
		if failed && out.Results[1].ItemMetadata.Error.Code != "UNAVAILABLE" {
			t.Errorf("call %d: error %+v, want code UNAVAILABLE", call, out.Results[1].ItemMetadata.Error)
		}
		if got := sim.CancelCount(wixsim.DemoTriggerKey, entityB); got != call/2 {
			t.Errorf("after call %d %s was canceled %d times, want %d", call, entityB, got, call/2)
		}
	}
}

// An item fault that omits an item of a Bulk Report Event reports the
// event for real and leaves its result out of the answer, as an answer
// that lost it; the others keep their results and positions.
func TestItemFaultOmitsAServedItemsResult(t *testing.T) {
	sim, ts, tok := startDemo(t)
	sim.InjectItemFault(wixsim.ItemFault{Path: bulkReportPath, ExternalEntityID: entityB, Omit: true})
	body := fmt.Sprintf(`{"triggerKey":"form_submitted","eventsInfo":[{"externalEntityId":%q,"idempotency":{"key":"a"}},`+
		`{"externalEntityId":%q,"idempotency":{"key":"b"}},{"externalEntityId":%q,"idempotency":{"key":"c"}}]}`, entityA, entityB, entityC)
	out := postBulk[struct {
		ItemMetadata itemOut `json:"itemMetadata"`
	}](t, ts, bulkReportPath, tok, body, 2)
	if !out.Results[0].ItemMetadata.settled(0, false) || !out.Results[1].ItemMetadata.settled(2, false) {
		t.Fatalf("results %+v, want those of items 0 and 2", out.Results)
	}
	if n := len(sim.Events()); n != 3 {
		t.Fatalf("events = %d, want 3: the omitted item was reported", n)
	}
	// Worn off: the next call answers every item.
	postBulk[struct{}](t, ts, bulkReportPath, tok, body, 3)
	if n := len(sim.Events()); n != 3 {
		t.Fatalf("events = %d after a repeat of the same keys, want 3", n)
	}
}
