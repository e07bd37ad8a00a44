package provider

// The fault matrix of the README's "Reliability" section, through a real
// Terraform CLI against the simulator: every fault either ends in a complete
// apply or in a clean failure that saved nothing to state, and the error a
// user reads says what Wix said. The client's own tests (internal/wix)
// cover the same faults at the level of single calls.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// relAddress is the address of the n-th resource of cancellationsConfig, as
// plans write it; relStateAddress is the same as legacy Check functions
// write it.
func relAddress(n int) string {
	return fmt.Sprintf("wix_automation_event_cancellation.env[%d]", n)
}

func relStateAddress(n int) string {
	return fmt.Sprintf("wix_automation_event_cancellation.env.%d", n)
}

// relConfig is the provider block with extra lines, and n cancellations.
func relConfig(env *accEnv, n int, providerLines []string, resourceLines ...string) string {
	return env.providerBlock(providerLines...) + cancellationsConfig(env.triggerKey, entityIDs(n), resourceLines...)
}

// relStatuses lists the simulator's answers to one path, in arrival order
// (0: no answer, the connection was dropped or the client gave up).
func relStatuses(env *accEnv, path string) []int {
	var out []int
	for _, r := range env.sim.RequestsTo(path) {
		out = append(out, r.Status)
	}
	return out
}

// relExpectStatuses checks the answers to path.
func relExpectStatuses(env *accEnv, path string, want ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := relStatuses(env, path); !slices.Equal(got, want) {
			return fmt.Errorf("answers to %s = %v, want %v", path, got, want)
		}
		return nil
	}
}

// relCancelledOnce checks that Wix cancelled each of the first n entities
// exactly once, and that each is in state.
func relCancelledOnce(env *accEnv, n int) resource.TestCheckFunc {
	checks := []resource.TestCheckFunc{func(*terraform.State) error {
		for _, id := range entityIDs(n) {
			if got := env.sim.CancelCount(env.triggerKey, id); got != 1 {
				return fmt.Errorf("entity %s was cancelled %d times, want exactly once", id, got)
			}
		}
		if got := len(env.sim.Cancellations()); got != n {
			return fmt.Errorf("cancellations = %d, want %d", got, n)
		}
		return nil
	}}
	for i, id := range entityIDs(n) {
		checks = append(checks,
			resource.TestCheckResourceAttr(relStateAddress(i), "id", env.triggerKey+"/"+id),
			resource.TestCheckResourceAttrSet(relStateAddress(i), "canceled_at"))
	}
	return resource.ComposeAggregateTestCheckFunc(checks...)
}

// relHook routes the provider's HTTP calls through before, which may answer
// a request itself (a refused connection) or act before it leaves.
func relHook(env *accEnv, before func(r *http.Request, base http.RoundTripper) (*http.Response, error)) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	env.overrides = append(env.overrides, func(c *wix.Config) {
		c.HTTPClient = &http.Client{Transport: relRoundTripper{base: base, before: before}}
	})
}

type relRoundTripper struct {
	base   http.RoundTripper
	before func(*http.Request, http.RoundTripper) (*http.Response, error)
}

func (h relRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if res, err := h.before(r, h.base); res != nil || err != nil {
		return res, err
	}
	return h.base.RoundTrip(r)
}

// relFailure captures the error of the one step expected to fail, so that
// its full text can be checked (ExpectError only matches a pattern, and the
// request id in it is not known in advance). Only the armed step's error is
// swallowed; any other error still fails the test.
type relFailure struct {
	mu    sync.Mutex
	armed bool
	text  string
}

// arm is the failing step's PreConfig.
func (f *relFailure) arm(also func()) func() {
	return func() {
		f.mu.Lock()
		f.armed, f.text = true, ""
		f.mu.Unlock()
		if also != nil {
			also()
		}
	}
}

// errorCheck is the TestCase's ErrorCheck.
func (f *relFailure) errorCheck(err error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.armed {
		return err
	}
	f.armed = false
	// Terraform wraps diagnostics to its terminal width.
	f.text = strings.Join(strings.Fields(err.Error()), " ")
	return nil
}

// verify is the next step's PreConfig: the armed step must have failed, and
// check must accept its error text.
func (f *relFailure) verify(t *testing.T, check func(text string) error, also func()) func() {
	return func() {
		t.Helper()
		f.mu.Lock()
		armed, text := f.armed, f.text
		f.mu.Unlock()
		if armed || text == "" {
			t.Fatal("the step expected to fail succeeded")
		}
		if err := check(text); err != nil {
			t.Fatalf("%v\n\nerror text: %s", err, text)
		}
		if also != nil {
			also()
		}
	}
}

// relContains checks that text holds every phrase.
func relContains(text string, phrases ...string) error {
	var missing []string
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			missing = append(missing, fmt.Sprintf("%q", p))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the error does not contain %s", strings.Join(missing, ", "))
	}
	return nil
}

// relPlansCreate is a plan check: the plan creates exactly the resources at
// these indexes of cancellationsConfig and leaves every other one alone,
// i.e. state holds exactly the others.
type relPlansCreate struct {
	total   int
	indexes func() []int
}

func (c relPlansCreate) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	want := c.indexes()
	actions := map[string]string{}
	for _, rc := range req.Plan.ResourceChanges {
		actions[rc.Address] = fmt.Sprint(rc.Change.Actions)
	}
	var wrong []string
	for i := 0; i < c.total; i++ {
		expected := "[no-op]"
		if slices.Contains(want, i) {
			expected = "[create]"
		}
		if got := actions[relAddress(i)]; got != expected {
			wrong = append(wrong, fmt.Sprintf("%s: %s, want %s", relAddress(i), got, expected))
		}
	}
	if len(wrong) > 0 {
		resp.Error = fmt.Errorf("the plan after the failed apply does not match what Wix confirmed:\n%s", strings.Join(wrong, "\n"))
	}
}

// relRecreates is a plan check: the resource at index 0 is to be created,
// because the failed apply saved nothing to state.
var relRecreates = relPlansCreate{total: 1, indexes: func() []int { return []int{0} }}

// 503 twice, then success: applied; three attempts.
func TestAccReliability_503TwiceThenSuccess(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 503, Count: 2}) },
			Config:    relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 503, 503, 200),
				relCancelledOnce(env, 1)),
		}},
	})
}

// 429 with Retry-After: 2: the retry waits at least 2s, then applies.
func TestAccReliability_429RetryAfterIsHonored(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 429, RetryAfter: "2"})
			},
			Config: relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 429, 200),
				relCancelledOnce(env, 1),
				func(*terraform.State) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					// The backoff alone would be 5 to 10ms.
					if gap := reqs[1].Time.Sub(reqs[0].Time); gap < 2*time.Second {
						return fmt.Errorf("retried %s after a 429 with Retry-After: 2, want at least 2s", gap)
					}
					return nil
				}),
		}},
	})
}

// 429 without Retry-After: retried after exponentially growing waits.
// Pacing is off so that only the backoff spaces the attempts.
func TestAccReliability_429WithoutRetryAfterBacksOffExponentially(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	env.overrides = append(env.overrides, func(c *wix.Config) { c.MinBackoff, c.MaxBackoff = 40*time.Millisecond, time.Second })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 429, Count: 3}) },
			Config:    relConfig(env, 1, []string{"requests_per_minute = 0"}),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 429, 429, 429, 200),
				relCancelledOnce(env, 1),
				func(*terraform.State) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					// Equal jitter: each wait is between half and all of
					// 40ms, 80ms, 160ms.
					for i, floor := range []time.Duration{20, 40, 80} {
						if gap := reqs[i+1].Time.Sub(reqs[i].Time); gap < floor*time.Millisecond {
							return fmt.Errorf("wait before retry %d = %s, want at least %dms", i+1, gap, floor)
						}
					}
					return nil
				}),
		}},
	})
}

// A dropped connection (TCP reset, no answer) is retried.
func TestAccReliability_resetConnectionIsRetried(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, DropConnection: true}) },
			Config:    relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 0, 200),
				relCancelledOnce(env, 1)),
		}},
	})
}

// A refused connection is retried: the first Cancel Event goes to a port
// nothing listens on.
func TestAccReliability_refusedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	var attempts, refused atomic.Int32
	relHook(env, func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathCancel || attempts.Add(1) > 1 {
			return nil, nil
		}
		r2 := r.Clone(r.Context())
		r2.URL.Host = dead
		res, err := base.RoundTrip(r2)
		if errors.Is(err, syscall.ECONNREFUSED) {
			refused.Add(1)
		}
		return res, err
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 200),
				relCancelledOnce(env, 1),
				func(*terraform.State) error {
					if attempts.Load() != 2 || refused.Load() != 1 {
						return fmt.Errorf("attempts = %d with %d refused, want 2 with the first refused", attempts.Load(), refused.Load())
					}
					return nil
				}),
		}},
	})
}

// The token endpoint answering 503 once: retried, applied.
func TestAccReliability_token503OnceIsRetried(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathToken, Status: 503}) },
			Config:    relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathToken, 503, 200),
				relExpectStatuses(env, wix.PathCancel, 200),
				relCancelledOnce(env, 1)),
		}},
	})
}

// relExpireTokens makes Wix treat every token issued so far as expired just
// before each of the next *remaining Cancel Event calls, as when a token
// lapses between the provider's clock check and Wix's.
func relExpireTokens(env *accEnv, remaining *atomic.Int32) {
	relHook(env, func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path == wix.PathCancel && remaining.Add(-1) >= 0 {
			env.sim.ExpireTokens()
		}
		return nil, nil
	})
}

// An expired token (401 on Cancel Event): one new token, one retry, applied.
func TestAccReliability_expiredTokenIsRenewedOnce(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	var expire atomic.Int32
	relExpireTokens(env, &expire)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { expire.Store(1) },
			Config:    relConfig(env, 1, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relExpectStatuses(env, wix.PathCancel, 401, 200),
				relExpectStatuses(env, wix.PathToken, 200, 200),
				relCancelledOnce(env, 1)),
		}},
	})
}

// A second 401 in a row fails with a clear message, no loop, and nothing is
// saved: the next apply creates the cancellation.
func TestAccReliability_second401InARowFails(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	var expire atomic.Int32
	relExpireTokens(env, &expire)
	var failure relFailure
	config := relConfig(env, 1, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{PreConfig: failure.arm(func() { expire.Store(1000) }), Config: config},
			{
				PreConfig: failure.verify(t, func(text string) error {
					if err := relContains(text, "Wix rejected the credentials", "HTTP 401", "token expired",
						"a freshly fetched token was rejected too", "nothing was saved to state"); err != nil {
						return err
					}
					if got := relStatuses(env, wix.PathCancel); !slices.Equal(got, []int{401, 401}) {
						return fmt.Errorf("Cancel Event answers = %v, want exactly two 401s", got)
					}
					if got := relStatuses(env, wix.PathToken); !slices.Equal(got, []int{200, 200}) {
						return fmt.Errorf("token answers = %v, want exactly two tokens", got)
					}
					return nil
				}, func() { expire.Store(0) }),
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{relRecreates}},
				Check:            relCancelledOnce(env, 1),
			},
		},
	})
}

// Persistent 500 with max_retries = 2: exactly three attempts; the error
// shows the status, Wix's message and the request id; nothing is saved.
func TestAccReliability_persistent500GivesUp(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	var failure relFailure
	config := relConfig(env, 1, []string{"max_retries = 2"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{
				PreConfig: failure.arm(func() {
					env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 500, Count: 1000, Message: "automations backend unavailable"})
				}),
				Config: config,
			},
			{
				PreConfig: failure.verify(t, func(text string) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					if len(reqs) != 3 {
						return fmt.Errorf("attempts = %d, want exactly 3", len(reqs))
					}
					return relContains(text, "Wix is unavailable", "HTTP 500", "automations backend unavailable",
						"gave up after 3 attempts", "x-wix-request-id: "+reqs[2].RequestID, "nothing was saved to state",
						"raise max_retries")
				}, env.sim.ClearFaults),
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{relRecreates}},
				Check:            relCancelledOnce(env, 1),
			},
		},
	})
}

// 403: one attempt, Wix's words reach the user, nothing is saved.
func TestAccReliability_403IsNotRetried(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	const otherApp, otherKey = "0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0", "order_paid"
	env.sim.AddApp(otherApp, "other-secret", "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b")
	env.sim.OwnTriggerKey(otherApp, otherKey)
	var failure relFailure
	config := env.providerBlock() + cancellationsConfig(otherKey, entityIDs(1))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{PreConfig: failure.arm(nil), Config: config},
			{
				PreConfig: failure.verify(t, func(text string) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					if len(reqs) != 1 || reqs[0].Status != 403 {
						return fmt.Errorf("answers = %v, want one 403", relStatuses(env, wix.PathCancel))
					}
					return relContains(text, "Wix denied the cancellation", "HTTP 403",
						`app `+wixsim.DemoAppID+` does not own trigger key "order_paid"`, "PERMISSION_DENIED",
						"x-wix-request-id: "+reqs[0].RequestID, "Manage Your App")
				}, nil),
				// Nothing in state: the plan still wants to create it.
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// 400 with field violations: one attempt, each violation reaches the user.
// The provider checks trigger keys and GUIDs at plan, so this models Wix
// rejecting what the provider let through: the request is altered on its way
// out, and the strict simulator answers with a real validation error.
func TestAccReliability_400FieldViolationsAreShown(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	relHook(env, func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathCancel {
			return nil, nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		var fields map[string]any
		if err := json.Unmarshal(body, &fields); err != nil {
			return nil, err
		}
		fields["triggerKey"] = strings.Repeat("k", 101)
		body, _ = json.Marshal(fields)
		r2 := r.Clone(r.Context())
		r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		return base.RoundTrip(r2)
	})
	var failure relFailure
	config := relConfig(env, 1, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{PreConfig: failure.arm(nil), Config: config},
			{
				PreConfig: failure.verify(t, func(text string) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					if len(reqs) != 1 || reqs[0].Status != 400 {
						return fmt.Errorf("answers = %v, want one 400", relStatuses(env, wix.PathCancel))
					}
					return relContains(text, "Could not cancel Wix automation events", "HTTP 400",
						`field "triggerKey": triggerKey must be at most 100 characters, got 101 (rule MAX_LENGTH)`,
						"x-wix-request-id: "+reqs[0].RequestID)
				}, nil),
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// An API that hangs: the create timeout ends the apply with an error that
// names the timeout and how to raise it; nothing is saved.
func TestAccReliability_hangingAPIHitsTheCreateTimeout(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	var failure relFailure
	config := relConfig(env, 1, nil, "timeouts {\n    create = \"2s\"\n  }")
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{
				PreConfig: failure.arm(func() {
					// Long enough to be unmistakable, short enough that a
					// provider ignoring the timeout fails this test by
					// succeeding rather than by hanging it.
					env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Delay: 30 * time.Second})
				}),
				Config: config,
			},
			{
				PreConfig: failure.verify(t, func(text string) error {
					reqs := env.sim.RequestsTo(wix.PathCancel)
					if len(reqs) != 1 || reqs[0].Status != 0 {
						return fmt.Errorf("answers = %v, want one call left unanswered", relStatuses(env, wix.PathCancel))
					}
					started = reqs[0].Time
					return relContains(text, "Timed out canceling Wix automation events", "The create timeout of 2s ran out",
						`timeouts { create = "10m" }`, "nothing was saved to state")
				}, nil),
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{relRecreates}},
				Check: resource.ComposeAggregateTestCheckFunc(
					relCancelledOnce(env, 1),
					func(*terraform.State) error {
						// The hung call was abandoned at the deadline, not
						// when the simulator's delay was up.
						if d := time.Since(started); d > 25*time.Second {
							return fmt.Errorf("the apply after the timeout came %s later", d)
						}
						return nil
					}),
			},
		},
	})
}

// relOutage lets the first `served` cancellation calls through, then starts
// an outage: every later call, and every retry, gets a 503. Calls that
// arrive while the served ones are in flight wait for the outage to begin,
// so exactly `served` calls succeed whatever the timing.
type relOutage struct {
	env     *accEnv
	served  int32
	arrived atomic.Int32
	done    atomic.Int32
	begun   chan struct{}
}

func newRelOutage(env *accEnv, served int32) *relOutage {
	o := &relOutage{env: env, served: served, begun: make(chan struct{})}
	relHook(env, o.hook)
	return o
}

func (o *relOutage) hook(r *http.Request, base http.RoundTripper) (*http.Response, error) {
	if r.URL.Path != wix.PathCancel && r.URL.Path != wix.PathBulkCancel {
		return nil, nil
	}
	if o.arrived.Add(1) > o.served {
		select {
		case <-o.begun:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		return nil, nil
	}
	res, err := base.RoundTrip(r)
	if o.done.Add(1) == o.served {
		o.env.sim.InjectFault(wixsim.Fault{Status: 503, Count: 1 << 30, Message: "scheduled maintenance"})
		close(o.begun)
	}
	return res, err
}

// confirmed are the indexes of the entities Wix cancelled so far.
func relConfirmed(env *accEnv, n int) []int {
	var out []int
	for i, id := range entityIDs(n) {
		if env.sim.CancelCount(env.triggerKey, id) > 0 {
			out = append(out, i)
		}
	}
	return out
}

func relUnconfirmed(env *accEnv, n int) func() []int {
	return func() []int {
		confirmed := relConfirmed(env, n)
		var out []int
		for i := 0; i < n; i++ {
			if !slices.Contains(confirmed, i) {
				out = append(out, i)
			}
		}
		return out
	}
}

// An outage in the middle of a multi-resource apply, then recovery: the
// failed apply saved exactly the cancellations Wix confirmed, and the next
// apply completes every remaining one, each exactly once.
func testOutageThenRecovery(t *testing.T, served int32, batching string) {
	env := newAccEnv(t)
	env.needsSimulator()
	const n = 12
	newRelOutage(env, served)
	var failure relFailure
	config := relConfig(env, n, []string{"max_retries = 1", "requests_per_minute = 0", batching})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{PreConfig: failure.arm(nil), Config: config},
			{
				PreConfig: failure.verify(t, func(text string) error {
					confirmed := relConfirmed(env, n)
					if len(confirmed) == 0 || len(confirmed) == n {
						return fmt.Errorf("Wix confirmed %d of %d cancellations before the outage, want some but not all", len(confirmed), n)
					}
					return relContains(text, "Wix is unavailable", "HTTP 503", "scheduled maintenance", "nothing was saved to state")
				}, env.sim.ClearFaults),
				Config: config,
				// State holds exactly what Wix confirmed: the plan creates
				// the rest and leaves the confirmed ones alone.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					relPlansCreate{total: n, indexes: relUnconfirmed(env, n)},
				}},
				Check: relCancelledOnce(env, n),
			},
		},
	})
}

func TestAccReliability_outageThenRecovery(t *testing.T) {
	t.Parallel()
	testOutageThenRecovery(t, 4, batchingOff)
}

// The same with batching on: a batch that fails fails each of its
// resources, and none is saved.
func TestAccReliability_outageThenRecoveryBatched(t *testing.T) {
	t.Parallel()
	testOutageThenRecovery(t, 1, "")
}

// relExhaustRateLimit spends the demo installation's whole rate-limit budget
// on the simulator, then waits rest while it regrows. The simulator's bucket
// starts full (a minute's worth), so without this no 30-resource apply could
// meet the limit; it models other tools of the same app instance having used
// the budget up.
func relExhaustRateLimit(env *accEnv, rest time.Duration) (drainToken string, err error) {
	drainToken = env.sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	for i := 0; i < 100000; i++ {
		req, _ := http.NewRequest(http.MethodPost, env.server.URL+wix.PathCancel, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", drainToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			time.Sleep(rest)
			return drainToken, nil
		}
	}
	return "", errors.New("the simulator's rate limit never answered 429")
}

// relRateLimited sets a strict per-installation limit on the simulator and
// exhausts it as the apply asks for its token, i.e. right before the first
// Cancel Event. It returns a check of the 429s the provider's calls got.
func relRateLimited(env *accEnv, perMinute int, retryAfter bool, rest time.Duration) (count func() (int429, total int)) {
	env.sim.SetRateLimit(perMinute, retryAfter)
	var drainToken atomic.Value
	drainToken.Store("")
	relHook(env, func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path == wix.PathToken && drainToken.Load() == "" {
			tok, err := relExhaustRateLimit(env, rest)
			if err != nil {
				return nil, err
			}
			drainToken.Store(tok)
		}
		return nil, nil
	})
	return func() (int, int) {
		n429, total := 0, 0
		for _, r := range env.sim.RequestsTo(wix.PathCancel) {
			if r.Header.Get("Authorization") == drainToken.Load() {
				continue
			}
			total++
			if r.Status == http.StatusTooManyRequests {
				n429++
			}
		}
		return n429, total
	}
}

// A strict rate limit and a matching requests_per_minute: a 30-resource
// apply gets no 429 at all. (Batching off, so that every resource is a call.)
func TestAccReliability_rateLimitMatchedByPacing(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	const n, perMinute = 30, 600
	// After the drain, a 150ms rest lets 1.5 requests' worth regrow: pacing
	// at the same rate then never outruns the limit.
	count := relRateLimited(env, perMinute, false, 150*time.Millisecond)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: relConfig(env, n, []string{fmt.Sprintf("requests_per_minute = %d", perMinute), batchingOff}),
			Check: resource.ComposeAggregateTestCheckFunc(
				relCancelledOnce(env, n),
				func(*terraform.State) error {
					if n429, total := count(); n429 != 0 || total != n {
						return fmt.Errorf("%d of %d Cancel Event calls got 429, want none of %d", n429, total, n)
					}
					return nil
				}),
		}},
	})
}

// The same limit with pacing off: Wix answers 429s, and retries absorb them.
func TestAccReliability_rateLimitWithoutPacingIsAbsorbedByRetries(t *testing.T) {
	t.Parallel()
	env := newAccEnv(t)
	env.needsSimulator()
	const n, perMinute = 30, 600
	count := relRateLimited(env, perMinute, true, 0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			Config: relConfig(env, n, []string{"requests_per_minute = 0", "max_retries = 10", batchingOff}),
			Check: resource.ComposeAggregateTestCheckFunc(
				relCancelledOnce(env, n),
				func(*terraform.State) error {
					if n429, total := count(); n429 == 0 || total != n+n429 {
						return fmt.Errorf("%d Cancel Event calls with %d 429s, want some 429s, each retried", total, n429)
					}
					return nil
				}),
		}},
	})
}

// relInFlight counts concurrent cancellation calls, each held for hold so
// that Terraform's concurrency shows.
func relInFlight(env *accEnv, hold time.Duration) (peak func() int32) {
	var now, highest atomic.Int32
	relHook(env, func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathCancel && r.URL.Path != wix.PathBulkCancel {
			return nil, nil
		}
		n := now.Add(1)
		defer now.Add(-1)
		for {
			m := highest.Load()
			if n <= m || highest.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(hold)
		return base.RoundTrip(r)
	})
	return highest.Load
}

// relParallelism makes this test's Terraform CLI run with -parallelism=n.
// plugin-testing has no option for it, and terraform-exec always passes
// -parallelism=10 explicitly, after (and so over) anything in
// TF_CLI_ARGS_apply; so the test points TF_ACC_TERRAFORM_PATH at a wrapper
// that swaps the flag's value and runs the real CLI.
func relParallelism(t *testing.T, n int) {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skip("needs a local Terraform CLI (TF_ACC_TERRAFORM_PATH or terraform on PATH) to run it with -parallelism")
		}
	}
	wrapper := filepath.Join(t.TempDir(), "terraform-parallelism")
	script := fmt.Sprintf(`#!/bin/sh
# The real CLI, with -parallelism=%[1]d instead of terraform-exec's fixed value.
for arg do
  shift
  case "$arg" in
    -parallelism=*) set -- "$@" "-parallelism=%[1]d" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
exec %[2]q "$@"
`, n, cli)
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", wrapper)
}

// 100 resources with -parallelism=50: one token request, every cancellation
// exactly once, at most 50 calls in flight (and more than Terraform's
// default 10, which shows the flag took effect). Run with -race, this is the
// provider's data-race test under load.
func TestAccReliability_100ResourcesParallelism50(t *testing.T) {
	relParallelism(t, 50)
	env := newAccEnv(t)
	env.needsSimulator()
	const n = 100
	peak := relInFlight(env, 200*time.Millisecond)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			// A token endpoint as slow as a real one: the first 50 creates
			// all ask for the token while its fetch is in flight.
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathToken, Delay: 300 * time.Millisecond}) },
			Config:    relConfig(env, n, []string{"requests_per_minute = 0", batchingOff}),
			Check: resource.ComposeAggregateTestCheckFunc(
				relCancelledOnce(env, n),
				relExpectStatuses(env, wix.PathToken, 200),
				func(*terraform.State) error {
					p := peak()
					t.Logf("at most %d Cancel Event calls were in flight at once", p)
					if p <= 10 || p > 50 {
						return fmt.Errorf("at most %d calls were in flight at once, want more than 10 and at most 50", p)
					}
					return nil
				}),
		}},
	})
}

// The same with the default batching and pacing: concurrent creates share
// Bulk Cancel Event calls, still one token, each entity once.
func TestAccReliability_100ResourcesParallelism50Batched(t *testing.T) {
	relParallelism(t, 50)
	env := newAccEnv(t)
	env.needsSimulator()
	const n = 100
	relInFlight(env, 50*time.Millisecond)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		Steps: []resource.TestStep{{
			PreConfig: func() { env.sim.InjectFault(wixsim.Fault{Path: wix.PathToken, Delay: 300 * time.Millisecond}) },
			Config:    relConfig(env, n, nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				relCancelledOnce(env, n),
				relExpectStatuses(env, wix.PathToken, 200),
				func(*terraform.State) error {
					if calls := len(env.cancellationRequests()); calls >= n {
						return fmt.Errorf("%d cancellation calls for %d resources, want fewer: they should share bulk calls", calls, n)
					}
					return nil
				}),
		}},
	})
}

// relInterruptTerraform sends SIGINT, as Ctrl-C would, to the running
// `terraform apply` of this test: a child of this process whose working
// directory is under workDirs (TF_ACC_TEMP_DIR of this test).
func relInterruptTerraform(workDirs string) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	me := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so read after ")".
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(me) {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.HasPrefix(cwd, workDirs) && slices.Contains(strings.Split(string(cmdline), "\x00"), "apply") {
			return syscall.Kill(pid, syscall.SIGINT)
		}
	}
	return errors.New("found no terraform apply of this test to interrupt")
}

// Ctrl-C during backoff: Terraform asks the provider to stop, the waiting
// create returns at once (not when its minute of backoff is up), and
// nothing is saved. With batching off the client's own backoff must end;
// with batching on, the wait for the batch's result must.
func TestAccReliability_ctrlCDuringBackoffReturnsAtOnce(t *testing.T) {
	testCtrlCDuringBackoff(t, batchingOff)
}

func TestAccReliability_ctrlCDuringBackoffReturnsAtOnceBatched(t *testing.T) {
	testCtrlCDuringBackoff(t, "")
}

func testCtrlCDuringBackoff(t *testing.T, batching string) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("finds the terraform process to interrupt through /proc (Linux); the client's own test covers cancellation elsewhere")
	}
	workDirs := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	env := newAccEnv(t)
	env.needsSimulator()
	env.overrides = append(env.overrides, func(c *wix.Config) { c.MinBackoff, c.MaxBackoff = time.Minute, time.Minute })
	var interruptedAt atomic.Int64
	var interruptErr atomic.Value
	relHook(env, func(r *http.Request, base http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != wix.PathCancel || interruptedAt.Load() != 0 {
			return nil, nil
		}
		res, err := base.RoundTrip(r)
		go func() {
			time.Sleep(300 * time.Millisecond) // well into the minute of backoff
			interruptedAt.Store(time.Now().UnixNano())
			if err := relInterruptTerraform(workDirs); err != nil {
				interruptErr.Store(err)
			}
		}()
		return res, err
	})
	var failure relFailure
	config := relConfig(env, 1, []string{batching})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		ErrorCheck:               failure.errorCheck,
		Steps: []resource.TestStep{
			{
				PreConfig: failure.arm(func() {
					env.sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 503, Count: 1000})
				}),
				Config: config,
			},
			{
				PreConfig: failure.verify(t, func(text string) error {
					if err, _ := interruptErr.Load().(error); err != nil {
						return err
					}
					if lag := time.Since(time.Unix(0, interruptedAt.Load())); lag > 5*time.Second {
						return fmt.Errorf("the apply ended %s after Ctrl-C, want at once: the backoff had a minute to go", lag)
					}
					if got := relStatuses(env, wix.PathCancel); !slices.Equal(got, []int{503}) {
						return fmt.Errorf("Cancel Event answers = %v, want the one 503 before Ctrl-C", got)
					}
					return relContains(text, "context canceled", "nothing was saved to state")
				}, env.sim.ClearFaults),
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{relRecreates}},
				Check:            relCancelledOnce(env, 1),
			},
		},
	})
}
