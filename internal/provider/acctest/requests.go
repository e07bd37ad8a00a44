package acctest

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// OnSim is a check that asserts on the simulator; against the real API,
// which cannot tell, it checks nothing.
func (e *Env) OnSim(check func() error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Sim == nil {
			return nil
		}
		return check()
	}
}

// SimCheck is a state check that asserts on the simulator, not on state.
type SimCheck func() error

func (f SimCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// IsCancelCall reports whether r is a Cancel Event or Bulk Cancel Event call.
func IsCancelCall(r *http.Request) bool {
	return r.URL.Path == wix.PathCancel || r.URL.Path == wix.PathBulkCancel
}

// RequestsTo are the calls made so far to any of these paths, in arrival order.
func (e *Env) RequestsTo(paths ...string) []wixsim.RecordedRequest {
	var out []wixsim.RecordedRequest
	for _, r := range e.Sim.Requests() {
		if slices.Contains(paths, r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// CancellationRequests are the Cancel Event and Bulk Cancel Event calls made so far.
func (e *Env) CancellationRequests() []wixsim.RecordedRequest {
	return e.RequestsTo(wix.PathCancel, wix.PathBulkCancel)
}

// ReportRequests are the Report Event and Bulk Report Event calls so far.
func (e *Env) ReportRequests() []wixsim.RecordedRequest {
	return e.RequestsTo(wix.PathReport, wix.PathBulkReport)
}

// CallsSoFar checks the number of calls to any of these paths so far
// (what names them in the error). Against the real API it checks nothing.
func (e *Env) CallsSoFar(what string, want int, paths ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.Sim == nil {
			return nil
		}
		if got := len(e.RequestsTo(paths...)); got != want {
			return fmt.Errorf("%s calls so far = %d, want %d", what, got, want)
		}
		return nil
	}
}

// CancelCallsSoFar checks the number of cancel calls made so far.
func (e *Env) CancelCallsSoFar(want int) resource.TestCheckFunc {
	return e.CallsSoFar("cancel", want, wix.PathCancel, wix.PathBulkCancel)
}

// ReportCallsSoFar checks the number of Report Event and Bulk Report
// Event calls so far.
func (e *Env) ReportCallsSoFar(want int) resource.TestCheckFunc {
	return e.CallsSoFar("report", want, wix.PathReport, wix.PathBulkReport)
}

// RequestCount is the number of API calls so far; against the real API,
// which cannot tell, it is 0.
func (e *Env) RequestCount() int {
	if e.Sim == nil {
		return 0
	}
	return len(e.Sim.Requests())
}

// NoRequestsSince checks that no API call at all was made since the count
// that *before holds when the check runs. Against the real API it checks
// nothing.
func (e *Env) NoRequestsSince(before *int) resource.TestCheckFunc {
	return e.OnSim(func() error {
		if n := e.RequestCount(); n != *before {
			return fmt.Errorf("%d API calls, want none", n-*before)
		}
		return nil
	})
}

// CountRequests stores the number of API calls so far in *n.
func (e *Env) CountRequests(n *int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		*n = e.RequestCount()
		return nil
	}
}

// Statuses are the simulator's answers to one path, in arrival order (0: no
// answer, the connection was dropped or the client gave up).
func (e *Env) Statuses(path string) []int {
	requests := e.Sim.RequestsTo(path)
	out := make([]int, len(requests))
	for i := range requests {
		out[i] = requests[i].Status
	}
	return out
}

// ExpectStatuses checks the answers to path.
func (e *Env) ExpectStatuses(path string, want ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.Statuses(path); !slices.Equal(got, want) {
			return fmt.Errorf("answers to %s = %v, want %v", path, got, want)
		}
		return nil
	}
}

// MethodStatuses are the simulator's answers to the calls of one method
// to path, in arrival order (0: no answer).
func (e *Env) MethodStatuses(method, path string) []int {
	var out []int
	for _, r := range e.Sim.RequestsTo(path) {
		if r.Method == method {
			out = append(out, r.Status)
		}
	}
	return out
}

// ExpectMethodStatuses checks MethodStatuses of path, which is read when
// the check runs; why says what the answers mean.
func (e *Env) ExpectMethodStatuses(method string, path *string, why string, want ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.MethodStatuses(method, *path); !slices.Equal(got, want) {
			return fmt.Errorf("answers to %s %s = %v, want %v (%s)", method, *path, got, want, why)
		}
		return nil
	}
}

// Dropping is a PreConfig that makes the simulator drop the connection of
// the next call to path: before serving it, or (afterServe) after.
func (e *Env) Dropping(path string, afterServe bool) func() {
	fault := wixsim.Fault{Path: path, DropConnection: !afterServe, DropAfterServe: afterServe}
	return func() { e.Sim.InjectFault(fault) }
}

// userAgentPattern is the User-Agent every call carries in the tests.
var userAgentPattern = regexp.MustCompile(`^terraform-provider-wix/test terraform/\d+\.\d+\.\d+`)

// CheckHeaders checks what every call must carry, whatever its body.
func CheckHeaders(r wixsim.RecordedRequest) error {
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		return fmt.Errorf("Content-Type = %q, want application/json", got)
	}
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "OAUTH2.") {
		return fmt.Errorf("Authorization header is not the raw OAuth token (no Bearer prefix): starts %.10q", auth)
	}
	if ua := r.Header.Get("User-Agent"); !userAgentPattern.MatchString(ua) {
		return fmt.Errorf("User-Agent = %q, want terraform-provider-wix/<version> terraform/<version>", ua)
	}
	if r.Status != 200 {
		return fmt.Errorf("simulator answered %d to %s", r.Status, r.Body)
	}
	return nil
}
