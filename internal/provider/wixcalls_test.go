package provider

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
)

// reportAndCancel declares a resource like wix_automation_event, whose
// create and delete both call Wix.
var reportAndCancel = wixCalls{typeName: "wix_automation_event", calls: map[wixOperation]wixCall{
	opCreate: {api: "Report Event"}, opDelete: {api: "Cancel Event"},
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
		calls         wixCalls
		req           resource.ModifyPlanRequest
		op            wixOperation
		callsWix      bool
		callsWixEvent bool
	}{
		{"create", cancellationCalls, planned(nil, x), opCreate, true, true},
		{"destroy", cancellationCalls, planned(x, nil), opDelete, false, true},
		{"update", cancellationCalls, planned(x, y), opUpdate, false, false},
		{"timeouts only", cancellationCalls, planned(x, xLonger), "", false, false},
		{"no change", cancellationCalls, planned(x, x), "", false, false},
	}
	for _, tc := range cases {
		op, calls := tc.calls.plannedCall(tc.req)
		if op != tc.op || calls != tc.callsWix {
			t.Errorf("%s: plannedCall = %q, %v; want %q, %v", tc.name, op, calls, tc.op, tc.callsWix)
		}
		if _, calls := reportAndCancel.plannedCall(tc.req); calls != tc.callsWixEvent {
			t.Errorf("%s of a resource that reports and cancels: calls Wix = %v, want %v", tc.name, calls, tc.callsWixEvent)
		}
	}
}

// The timeouts block has exactly the operations that call Wix, each with
// a description and the check that refuses durations not above zero.
func TestTimeoutsBlock(t *testing.T) {
	cases := []struct {
		calls       wixCalls
		ops         []string
		description string
	}{
		{cancellationCalls, []string{"create"}, "How long operations may take. Only `create` can be set: read, update and delete make no API call."},
		{reportAndCancel, []string{"create", "delete"}, "How long operations may take. Only `create` and `delete` can be set: read and update make no API call."},
	}
	for _, tc := range cases {
		block, ok := tc.calls.timeoutsBlock(context.Background()).(schema.SingleNestedBlock)
		if !ok || block.MarkdownDescription != tc.description {
			t.Errorf("%s: timeouts block description = %q, want %q", tc.calls.typeName, block.MarkdownDescription, tc.description)
		}
		if len(block.Attributes) != len(tc.ops) {
			t.Errorf("%s: timeouts attributes = %v, want %v", tc.calls.typeName, block.Attributes, tc.ops)
		}
		for _, op := range tc.ops {
			attr, ok := block.Attributes[op].(schema.StringAttribute)
			if !ok || attr.MarkdownDescription == "" || len(attr.Validators) != 1 {
				t.Errorf("%s: timeouts.%s = %#v, want a described string with the timeout check", tc.calls.typeName, op, block.Attributes[op])
				continue
			}
			if _, ok := attr.Validators[0].(timeoutValidator); !ok {
				t.Errorf("%s: timeouts.%s is checked by %T, want timeoutValidator", tc.calls.typeName, op, attr.Validators[0])
			}
		}
	}
}

// A failed call's diagnostic passes through the provider's redactor, so
// that no secret the provider knows reaches the user.
func TestFailureIsRedacted(t *testing.T) {
	b := &wixBinding{calls: cancellationCalls, data: &providerData{redact: strings.NewReplacer("app-s3cret", "[redacted]").Replace}}
	var diags diag.Diagnostics
	scope := &wixCallScope{op: opCreate, timeout: time.Minute, cancel: func() {}, b: b}
	scope.fail(&diags, "the events", errors.New("Wix echoed app-s3cret back"))
	if len(diags) != 1 || strings.Contains(diags[0].Detail(), "app-s3cret") || !strings.Contains(diags[0].Detail(), "[redacted]") {
		t.Fatalf("diagnostics = %v, want one with the secret masked", diags)
	}
}
