package wix

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// report is a report of the demo trigger key for entity with key.
func reportOf(entity, key string) ReportEventRequest {
	return ReportEventRequest{TriggerKey: wixsim.DemoTriggerKey, ExternalEntityID: entity, Idempotency: &Idempotency{Key: key}}
}

// Two reports of one client with the same trigger key and idempotency key:
// the second is refused before it leaves, naming both (Wix would ignore
// it). The same key on another trigger key is another key at Wix.
func TestReport_sharedKeyIsRefusedBeforeSending(t *testing.T) {
	env := newSimEnv(t)
	env.sim.OwnTriggerKey(wixsim.DemoAppID, "order_paid")
	ids := entityIDs(1, 2)
	if _, err := env.client.ReportEvent(t.Context(), reportOf(ids[0], "shared")); err != nil {
		t.Fatal(err)
	}
	_, err := env.client.ReportEvent(t.Context(), reportOf(ids[1], "shared"))
	var dup *DuplicateKeyError
	if !errors.As(err, &dup) || errors.Is(err, ErrMayHaveReachedWix) {
		t.Fatalf("second report: %v, want a *DuplicateKeyError that did not reach Wix", err)
	}
	for _, want := range []string{`idempotency key "shared"`, "form_submitted/" + ids[0], "form_submitted/" + ids[1], "was not sent"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	other := reportOf(ids[1], "shared")
	other.TriggerKey = "order_paid"
	if _, err := env.client.ReportEvent(t.Context(), other); err != nil {
		t.Errorf("the same key on another trigger key: %v, want it sent", err)
	}
	if n := len(env.sim.RequestsTo(PathReport)); n != 2 {
		t.Errorf("Report Event calls = %d, want 2: the refused one never left", n)
	}
}

// An answer with the same non-empty activation ids as an earlier report
// of the client names that report; empty lists name nothing.
func TestReport_repeatedActivationsAreNamed(t *testing.T) {
	answer := `{"activationIds":["act-1","act-2"]}`
	fake := newFakeWix(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", answer) })
	client := fake.client(t)
	ids := entityIDs(1, 4)
	first, err := client.ReportEvent(t.Context(), reportOf(ids[0], "a"))
	if err != nil || first.SameActivationsAs != "" {
		t.Fatalf("first report: %+v, %v", first, err)
	}
	second, err := client.ReportEvent(t.Context(), reportOf(ids[1], "b"))
	if err != nil || second.SameActivationsAs != "form_submitted/"+ids[0] {
		t.Fatalf("second report: %+v, %v; want it to name the first", second, err)
	}
	answer = `{}`
	for i, id := range ids[2:] {
		res, err := client.ReportEvent(t.Context(), reportOf(id, string(rune('c'+i))))
		if err != nil || res.SameActivationsAs != "" {
			t.Errorf("a report with no activations: %+v, %v; want no earlier report named", res, err)
		}
	}
}

// A report whose attempts met a 429, a reset, a 503 and then an answer
// dropped after Wix acted, until max_retries ran out: the error says the
// report may have reached Wix, alone or in a bulk call. Wix holds the
// event once.
func TestReport_unconfirmedAfterRetriesRunOut(t *testing.T) {
	for name, batched := range map[string]bool{"single": false, "bulk": true} {
		t.Run(name, func(t *testing.T) {
			// send_after gathers the three reports into one bulk call.
			env := newSimEnv(t, func(c *Config) {
				c.MaxRetries = 2
				c.Batching = BatchingConfig{Enabled: batched, SendAfter: time.Second}
			})
			path, ids := PathReport, entityIDs(1, 1)
			if batched {
				path, ids = PathBulkReport, entityIDs(1, 3)
			}
			for _, f := range []wixsim.Fault{{Status: 429}, {DropConnection: true}, {Status: 503}, {DropAfterServe: true}} {
				f.Path = path
				env.sim.InjectFault(f)
			}
			errs := reportAll(env.client, ids)
			for id, err := range errs {
				var unsure *UnconfirmedReportError
				if !errors.As(err, &unsure) || !errors.Is(err, ErrMayHaveReachedWix) || !strings.Contains(err.Error(), "may have reached Wix") {
					t.Errorf("%s: %v, want an *UnconfirmedReportError", id, err)
				}
			}
			env.requireAnswers(t, path, 429, 0, 503, 0)
			if n := len(env.sim.Events()); n != len(ids) {
				t.Errorf("the simulator holds %d events, want %d", n, len(ids))
			}
		})
	}
}

// reportAll reports ids concurrently, each with its own key.
func reportAll(client *Client, ids []string) map[string]error {
	errs := make(map[string]chan error, len(ids))
	for _, id := range ids {
		errs[id] = make(chan error, 1)
		go func() {
			_, err := client.ReportEvent(context.Background(), reportOf(id, "k-"+id))
			errs[id] <- err
		}()
	}
	out := make(map[string]error, len(ids))
	for id, ch := range errs {
		out[id] = <-ch
	}
	return out
}

// A report Wix refused outright, or that never left (a token that could
// not be had), did not reach Wix: its error says nothing of the kind.
func TestReport_refusedIsNotUnconfirmed(t *testing.T) {
	env := newSimEnv(t)
	env.sim.InjectFault(wixsim.Fault{Path: PathReport, Status: http.StatusBadRequest})
	_, err := env.client.ReportEvent(t.Context(), reportOf(entityIDs(1, 1)[0], "k"))
	if err == nil || errors.Is(err, ErrMayHaveReachedWix) {
		t.Errorf("a 400: %v, want an error that did not reach Wix", err)
	}
	env.sim.InjectFault(wixsim.Fault{Path: PathToken, Status: http.StatusUnauthorized})
	_, err = newSimClient(t, env.server.URL).ReportEvent(t.Context(), reportOf(entityIDs(1, 2)[1], "k2"))
	if err == nil || errors.Is(err, ErrMayHaveReachedWix) {
		t.Errorf("no token: %v, want an error that did not reach Wix", err)
	}
}

// A caller that stops waiting while its report is in flight, alone or
// queued behind others in a group, cannot know whether it reached Wix.
func TestReport_stoppedInFlightIsUnconfirmed(t *testing.T) {
	for name, batched := range map[string]bool{"single": false, "bulk": true} {
		t.Run(name, func(t *testing.T) {
			env := newSimEnv(t, func(c *Config) { c.Batching.Enabled = batched })
			env.sim.InjectFault(wixsim.Fault{Path: PathReport, Delay: time.Minute})
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			_, err := env.client.ReportEvent(ctx, reportOf(entityIDs(1, 1)[0], "k"))
			if !errors.Is(err, ErrMayHaveReachedWix) {
				t.Errorf("stopped in flight: %v, want an error that may have reached Wix", err)
			}
		})
	}
}
