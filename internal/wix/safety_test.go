package wix

// Which calls are sent again after a failure (issue 8): a refused
// connection for every call; a reset or a 5xx only for calls safe to
// repeat; a call that is not (Create Automation, a report without an
// idempotency key) fails with an UncertainError instead.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

var testAutomation = Automation{
	Name:   "Welcome",
	Origin: "APPLICATION",
	Configuration: AutomationConfiguration{
		Status:        "ACTIVE",
		Trigger:       Trigger{AppID: wixsim.DemoAppID, TriggerKey: testKey},
		RootActionIDs: []string{"a1"},
		Actions:       []byte(`{"a1":{"type":"APP_DEFINED"}}`),
	},
}

// requireUncertain checks that err says the outcome is unknown, and that
// the call was sent exactly once.
func requireUncertain(t *testing.T, err error, sent int) {
	t.Helper()
	var uncertain *UncertainError
	if !errors.Is(err, ErrMayHaveReachedWix) || !errors.As(err, &uncertain) {
		t.Fatalf("error = %v, want an *UncertainError", err)
	}
	if !strings.Contains(err.Error(), "whether it took effect is unknown") {
		t.Errorf("error %q does not say the outcome is unknown", err)
	}
	if sent != 1 {
		t.Fatalf("sent %d times, want once: it may have reached Wix", sent)
	}
}

// Create Automation, and an update without a revision, are not sent again
// after a reset connection or a 5xx.
func TestSafety_createIsNotResentAfterItMayHaveReachedWix(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"reset": resetConnection,
		"503":   answer(503, `{"message":"unavailable"}`),
		"500":   answer(500, `{"message":"internal"}`),
		// Whatever answered instead of Wix may have passed the call on.
		"HTML 200":               func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "text/html", "<html></html>") },
		"200 of the wrong shape": answer(200, `{"automation":"not an object"}`),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeWix(t, h)
			_, err := f.client(t).CreateAutomation(context.Background(), testAutomation)
			requireUncertain(t, err, len(f.calls(PathAutomations)))
			_, err = f.client(t).UpdateAutomation(context.Background(), Automation{ID: "auto-1"})
			requireUncertain(t, err, len(f.calls(PathAutomations+"/auto-1")))
		})
	}
}

// A refused connection never left, so even Create is retried.
func TestSafety_refusedConnectionIsRetriedForCreate(t *testing.T) {
	f := newFakeWix(t, answer(200, `{"automation":{"id":"auto-1","revision":"1"}}`))
	dead := closedAddress(t)
	var refused atomic.Int32
	base := http.DefaultTransport.(*http.Transport).Clone()
	client := f.client(t, withTransport(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path != PathAutomations || refused.Add(1) > 1 {
			return nil, nil
		}
		r2 := r.Clone(r.Context())
		r2.URL.Host = dead
		res, err := base.RoundTrip(r2)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dialing %s: %v, want connection refused", dead, err)
		}
		return res, err
	}))
	got, err := client.CreateAutomation(context.Background(), testAutomation)
	if err != nil || got.ID != "auto-1" {
		t.Fatalf("CreateAutomation = %+v, %v; want auto-1", got, err)
	}
	if n := len(f.calls(PathAutomations)); n != 1 {
		t.Fatalf("creates reaching the server = %d, want 1", n)
	}
}

// Report Event with an idempotency key is sent again after a reset; without
// one it is not.
func TestSafety_reportIsRetriedOnlyWithAnIdempotencyKey(t *testing.T) {
	for _, tc := range []struct {
		name        string
		idempotency *Idempotency
		wantSent    int
	}{
		{"with key", &Idempotency{Key: "order-17"}, 2},
		{"without key", nil, 1},
		{"with empty key", &Idempotency{}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSimEnv(t)
			e.sim.InjectFault(wixsim.Fault{Path: PathReport, DropConnection: true})
			_, err := e.client.ReportEvent(context.Background(), ReportEventRequest{
				TriggerKey: testKey, ExternalEntityID: testEntity, Idempotency: tc.idempotency,
			})
			sent := len(e.sim.RequestsTo(PathReport))
			if tc.wantSent == 1 {
				requireUncertain(t, err, sent)
				return
			}
			if err != nil || sent != tc.wantSent {
				t.Fatalf("ReportEvent = %v after %d sends, want success after %d", err, sent, tc.wantSent)
			}
		})
	}
}

// Calls safe to repeat are retried after a 5xx and a reset.
func TestSafety_repeatableCallsAreRetried(t *testing.T) {
	calls := map[string]func(*Client) error{
		"Get": func(c *Client) error { _, err := c.GetAutomation(context.Background(), "auto-1"); return err },
		"Update": func(c *Client) error {
			_, err := c.UpdateAutomation(context.Background(), Automation{ID: "auto-1", Revision: "3"})
			return err
		},
		"Delete": func(c *Client) error { return c.DeleteAutomation(context.Background(), "auto-1") },
		"Query": func(c *Client) error {
			_, err := c.QueryAutomations(context.Background(), AutomationQuery{}, "")
			return err
		},
		"Cancel": func(c *Client) error { return c.CancelEvent(context.Background(), testKey, testEntity) },
		"Bulk Report": func(c *Client) error {
			_, err := c.BulkReportEvent(context.Background(), testKey, []EventInfo{{Idempotency: &Idempotency{Key: "k"}}})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ok := answer(200, `{"automation":{"id":"auto-1","revision":"4"},"results":[],"pagingMetadata":{"cursors":{}}}`)
			f := newFakeWix(t, sequence(answer(502, "{}"), resetConnection, ok))
			err := call(f.client(t))
			var n int
			for _, c := range f.all() {
				if c.path != PathToken {
					n++
				}
			}
			if err != nil || n != 3 {
				t.Fatalf("%s = %v after %d attempts, want success on the third", name, err, n)
			}
		})
	}
}

// A connection that keeps being reset is tried max_retries+1 times, then
// the call fails naming the reset: no attempt more, none less.
func TestSafety_persistentResetStopsAfterMaxRetries(t *testing.T) {
	f := newFakeWix(t, resetConnection)
	err := f.client(t, func(c *Config) { c.MaxRetries = 2 }).CancelEvent(context.Background(), testKey, testEntity)
	if n := len(f.calls(PathCancel)); err == nil || n != 3 {
		t.Fatalf("CancelEvent = %v after %d attempts, want an error after exactly 3 (max_retries = 2)", err, n)
	}
}

// max_retries bounds 5xx and connection failures, not 429s; and every
// retry decision is logged with its reason and wait.
func TestSafety_429DoesNotCountAgainstMaxRetries(t *testing.T) {
	logs := &recordingLogger{}
	throttled := answer(429, `{"message":"slow down"}`)
	f := newFakeWix(t, sequence(throttled, throttled, throttled, answer(503, "{}"), answer(200, "{}")))
	err := f.client(t, func(c *Config) { c.MaxRetries = 1 }, withLogger(logs)).CancelEvent(context.Background(), testKey, testEntity)
	if err != nil {
		t.Fatalf("CancelEvent: %v (three 429s and one 503 with max_retries 1 must succeed)", err)
	}
	text := logs.text()
	for _, want := range []string{"Retrying Wix API request after a wait", "reason:Wix answered 429", "do not count against max_retries", "reason:Wix answered 503", "Cancel Event is safe to repeat", "wait:"} {
		if !strings.Contains(text, want) {
			t.Errorf("logs do not contain %q:\n%s", want, text)
		}
	}
	f2 := newFakeWix(t, answer(503, "{}"))
	err = f2.client(t, func(c *Config) { c.MaxRetries = 1 }, withLogger(logs)).CancelEvent(context.Background(), testKey, testEntity)
	if n := len(f2.calls(PathCancel)); !IsStatus(err, 503) || n != 2 {
		t.Fatalf("CancelEvent = %v after %d attempts, want the 503 after 2", err, n)
	}
	if !strings.Contains(logs.text(), "max_retries (1) are used up") {
		t.Errorf("logs do not say why the retries stopped:\n%s", logs.text())
	}
}

// A create whose caller stops waiting while it is in flight may have taken
// effect: uncertain. A read stopped the same way is a plain timeout.
func TestSafety_createStoppedInFlightIsUncertain(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	f := newFakeWix(t, hang)
	client := f.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := client.CreateAutomation(ctx, testAutomation)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("CreateAutomation = %v, want a deadline error", err)
	}
	requireUncertain(t, err, len(f.calls(PathAutomations)))
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err := client.GetAutomation(ctx2, "auto-1"); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrMayHaveReachedWix) {
		t.Fatalf("GetAutomation = %v, want a plain deadline error: a read is safe to repeat", err)
	}
}
