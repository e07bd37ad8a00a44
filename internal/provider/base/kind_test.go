package base

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// cancelOnCreate declares a resource like wix_automation_event_cancellation,
// whose create alone calls Wix.
var cancelOnCreate = Kind{
	Suffix:    "_automation_event_cancellation",
	Scope:     ManageYourApp,
	Forbidden: "Only the app that created the trigger key can cancel its events.",
	Ops: map[Op]Phrases{Create: {
		API: "Cancel Event", Act: "cancellation", Do: "cancel Wix automation events", Doing: "canceling Wix automation events",
	}},
}

// reportAndCancel declares a resource like wix_automation_event, whose
// create and delete both call Wix.
var reportAndCancel = Kind{Suffix: "_automation_event", Ops: map[Op]Phrases{
	Create: {API: "Report Event"}, Delete: {API: "Cancel Event"},
}}

// planned is a plan of a resource with attributes a and timeouts, from
// before to after (nil: null).
func planned(before, after map[string]string) resource.ModifyPlanRequest {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.String, "timeouts": tftypes.String}}
	value := func(m map[string]string) tftypes.Value {
		if m == nil {
			return tftypes.NewValue(typ, nil)
		}
		return tftypes.NewValue(typ, map[string]tftypes.Value{
			"a": tftypes.NewValue(tftypes.String, m["a"]), "timeouts": tftypes.NewValue(tftypes.String, m["timeouts"]),
		})
	}
	return resource.ModifyPlanRequest{State: tfsdk.State{Raw: value(before)}, Plan: tfsdk.Plan{Raw: value(after)}}
}

// A plan needs credentials exactly when it makes an operation that calls
// Wix: a create, the create half of a replacement (planned with a null
// prior state), an update of more than timeouts, or a destroy.
func TestPlannedCall(t *testing.T) {
	x, y := map[string]string{"a": "x"}, map[string]string{"a": "y"}
	xLonger := map[string]string{"a": "x", "timeouts": "10m"}
	cases := []struct {
		name          string
		kind          Kind
		req           resource.ModifyPlanRequest
		op            Op
		callsWix      bool
		callsWixEvent bool
	}{
		{"create", cancelOnCreate, planned(nil, x), Create, true, true},
		{"destroy", cancelOnCreate, planned(x, nil), Delete, false, true},
		{"update", cancelOnCreate, planned(x, y), Update, false, false},
		{"timeouts only", cancelOnCreate, planned(x, xLonger), "", false, false},
		{"no change", cancelOnCreate, planned(x, x), "", false, false},
	}
	for _, tc := range cases {
		op, calls := tc.kind.PlannedCall(tc.req)
		if op != tc.op || calls != tc.callsWix {
			t.Errorf("%s: PlannedCall = %q, %v; want %q, %v", tc.name, op, calls, tc.op, tc.callsWix)
		}
		if _, calls := reportAndCancel.PlannedCall(tc.req); calls != tc.callsWixEvent {
			t.Errorf("%s of a resource that reports and cancels: calls Wix = %v, want %v", tc.name, calls, tc.callsWixEvent)
		}
	}
}

// The timeouts block has exactly the operations that call Wix, each with
// a description and the check that refuses durations not above zero.
func TestTimeoutsBlock(t *testing.T) {
	cases := []struct {
		kind        Kind
		ops         []string
		description string
	}{
		{cancelOnCreate, []string{"create"}, "How long operations may take. Only `create` can be set: read, update and delete make no API call."},
		{reportAndCancel, []string{"create", "delete"}, "How long operations may take. Only `create` and `delete` can be set: read and update make no API call."},
	}
	for _, tc := range cases {
		block, ok := tc.kind.TimeoutsBlock(context.Background()).(schema.SingleNestedBlock)
		if !ok || block.MarkdownDescription != tc.description {
			t.Errorf("%s: timeouts block description = %q, want %q", tc.kind.TypeName(), block.MarkdownDescription, tc.description)
		}
		if len(block.Attributes) != len(tc.ops) {
			t.Errorf("%s: timeouts attributes = %v, want %v", tc.kind.TypeName(), block.Attributes, tc.ops)
		}
		for _, op := range tc.ops {
			attr, ok := block.Attributes[op].(schema.StringAttribute)
			if !ok || attr.MarkdownDescription == "" || len(attr.Validators) != 1 {
				t.Errorf("%s: timeouts.%s = %#v, want a described string with the timeout check", tc.kind.TypeName(), op, block.Attributes[op])
				continue
			}
			if _, ok := attr.Validators[0].(timeoutValidator); !ok {
				t.Errorf("%s: timeouts.%s is checked by %T, want timeoutValidator", tc.kind.TypeName(), op, attr.Validators[0])
			}
		}
	}
}

// A failed call's diagnostic passes through the provider's redactor, so
// that no secret the provider knows reaches the user.
func TestFailureIsRedacted(t *testing.T) {
	client, err := wix.New(wix.Config{AppID: "a", AppSecret: "app-s3cret", InstanceID: "i"})
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	_, call := cancelOnCreate.Begin(context.Background(), &Data{Client: client}, Create, time.Minute, &diags)
	defer call.Done()
	call.Fail(&diags, "the events", errors.New("Wix echoed app-s3cret back"))
	if len(diags) != 1 || strings.Contains(diags[0].Detail(), "app-s3cret") || !strings.Contains(diags[0].Detail(), "[redacted]") {
		t.Fatalf("diagnostics = %v, want one with the secret masked", diags)
	}
}
