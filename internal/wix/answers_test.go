package wix

// A 200 whose JSON object is an error (a gateway's or a proxy's "200 with
// an error", in Wix's error form or in OAuth's) is no call's answer: it is
// garbled, never Wix's confirmation. Every success shape Wix documents is
// still taken.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// errorBodies are error objects a 200 may carry, by the form they take.
var errorBodies = map[string]string{
	"Wix's application error": `{"message":"upstream unavailable","details":{"applicationError":{"code":"UNAVAILABLE","description":"try later"}}}`,
	"Wix's validation error": `{"message":"bad request","details":{"validationError":{"fieldViolations":` +
		`[{"field":"triggerKey","description":"unknown","violatedRule":"OTHER"}]}}}`,
	"OAuth's error with a description": `{"error":"rate_limited","error_description":"slow down"}`,
	"OAuth's error alone":              `{"error":"temporarily_unavailable"}`,
}

// Cancel Event fails (nothing may be saved as canceled) and is not sent
// again, as any garbled answer; Report Event fails as unconfirmed, so its
// key is kept and it is sent again with it; Delete Automation fails too.
func TestAnswers_a200CarryingAnErrorIsNotSuccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, body := range errorBodies {
		t.Run(name, func(t *testing.T) {
			f := newFakeWix(t, answer(200, body))
			client := f.client(t)
			err := client.CancelEvent(ctx, testKey, testEntity)
			wantErrorAnswer(t, "CancelEvent", err, "Cancel Event")
			if n := len(f.calls(PathCancel)); n != 1 {
				t.Errorf("Cancel Event attempts = %d, want 1: an answer that is not Wix's is not retried", n)
			}
			res, err := client.ReportEvent(ctx, ReportEventRequest{TriggerKey: testKey, ExternalEntityID: testEntity,
				Idempotency: &Idempotency{Key: "order-17"}})
			var unconfirmed *UnconfirmedReportError
			if res != nil || !errors.As(err, &unconfirmed) || !errors.Is(err, ErrMayHaveReachedWix) {
				t.Errorf("ReportEvent = %+v, %v; want an *UnconfirmedReportError and no activation ids", res, err)
			}
			wantErrorAnswer(t, "ReportEvent", err, "Report Event")
			wantErrorAnswer(t, "DeleteAutomation", client.DeleteAutomation(ctx, "7d3c9a1e-0000-4000-8000-000000000001"), "Delete Automation")
		})
	}
}

// wantErrorAnswer checks that err refuses a 200 carrying an error, naming
// the call and quoting the answer.
func wantErrorAnswer(t *testing.T, call string, err error, op string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s = nil: a 200 carrying an error was taken as Wix's confirmation", call)
		return
	}
	for _, want := range []string{op + ": the answer was HTTP 200", "is an error", "not taken as", "a wrong base_url (WIX_BASE_URL), is the likely cause", "x-wix-request-id: req-fake"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %q does not say %q", call, err, want)
		}
	}
}

// Every success shape Wix documents for these calls (wix-api.md, and the
// types of Wix's SDK), including objects that hold a per-item error or a
// field named message or error below the top level, is taken.
func TestAnswers_wixsSuccessShapesAreTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		answer string
		call   func(*Client) error
	}{
		"Cancel Event": {`{}`, func(c *Client) error { return c.CancelEvent(ctx, testKey, testEntity) }},
		"Report Event": {`{"activationIds":["5b0b6a4e-0000-4000-8000-000000000001"]}`, func(c *Client) error {
			_, err := c.ReportEvent(ctx, ReportEventRequest{TriggerKey: testKey, ExternalEntityID: testEntity})
			return err
		}},
		"Report Event starting nothing": {`{}`, func(c *Client) error {
			_, err := c.ReportEvent(ctx, ReportEventRequest{TriggerKey: testKey})
			return err
		}},
		"Bulk Cancel Event with a failed item": {`{"triggerKey":"form_submitted","results":[{"itemMetadata":{"id":"` + testEntity +
			`","originalIndex":0,"success":false,"error":{"code":"X","description":"no","data":{}}},"externalEntityId":"` + testEntity +
			`"}],"bulkActionMetadata":{"totalSuccesses":0,"totalFailures":1,"undetailedFailures":0}}`, func(c *Client) error {
			_, err := c.BulkCancelEvent(ctx, testKey, []string{testEntity})
			return err
		}},
		"Bulk Report Event": {`{"triggerKey":"form_submitted","results":[{"itemMetadata":{"originalIndex":0,"success":true},` +
			`"eventInfo":{"externalEntityId":"` + testEntity + `","payload":{"message":"hi","error":"none"}},"activationIds":[]}],` +
			`"bulkActionMetadata":{"totalSuccesses":1,"totalFailures":0,"undetailedFailures":0}}`, func(c *Client) error {
			_, err := c.BulkReportEvent(ctx, testKey, []EventInfo{{ExternalEntityID: testEntity}})
			return err
		}},
		"Delete Automation": {`{}`, func(c *Client) error { return c.DeleteAutomation(ctx, "7d3c9a1e-0000-4000-8000-000000000001") }},
		"Get Automation": {`{"automation":{"id":"x","revision":"1","name":"n","description":"details of the error flow"}}`, func(c *Client) error {
			_, err := c.GetAutomation(ctx, "x")
			return err
		}},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", tc.answer) })
			if err := tc.call(f.client(t)); err != nil {
				t.Errorf("%s: %v, want Wix's answer taken", tc.answer, err)
			}
		})
	}
}
