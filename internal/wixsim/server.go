// Package wixsim is a strict, in-memory simulator of the slice of Wix's REST
// API that the provider uses: OAuth client-credentials tokens and the
// automations endpoints: report, bulk report, cancel and bulk cancel of
// trigger events, and Automations v2 (create, get, update, delete, bulk
// delete, query). It answers in
// Wix's wire format, including its error envelope and x-wix-request-id
// header, and lets tests inject faults, rate limits and expired tokens.
//
// Where Wix's SDK and docs are silent the simulator picks Wix-like answers,
// marked [inferred] in the code: a stale revision on update is 409 with
// applicationError code REVISION_MISMATCH, a missing automation is 404 with
// AUTOMATION_NOT_FOUND, a repeated idempotency key answers the first
// report's activation ids, and an update replaces each top-level field it
// sends (configuration as a whole).
package wixsim

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// Demo identity, built into every New() server so `make demo` and tests work
// with no setup.
const (
	DemoAppID      = "5f3c8d2e-1a4b-4c6d-8e9f-0a1b2c3d4e5f"
	DemoAppSecret  = "sim-demo-app-secret-not-a-real-secret" //nolint:gosec // G101: a published simulator constant, not a credential
	DemoInstanceID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
	DemoTriggerKey = "form_submitted" // owned by DemoAppID
)

// demoTriggerKeys are the demo app's trigger keys: DemoTriggerKey, and the
// others the registry examples use, so that every example applies against
// the simulator as written.
var demoTriggerKeys = []string{DemoTriggerKey, "trial_started", "order_paid"}

// API paths, as on the real host.
const (
	oauthPath       = "/oauth2/token"
	cancelPath      = "/automations/v1/events/cancel"
	bulkCancelPath  = "/automations/v1/events/bulk-cancel"
	reportPath      = "/automations/v1/events/report"
	bulkReportPath  = "/automations/v1/events/bulk-report"
	requestIDHeader = "x-wix-request-id"
	defaultTokenTTL = 4 * time.Hour
)

// Options tune a Server. The zero value is a fast server with no rate limit
// and 4-hour tokens.
type Options struct {
	TokenTTL time.Duration // default 4h (expires_in 14400)
	// AutomationsPrefixes are the roots the Automations v2 API is served
	// under: PrefixV2 ("/v2", as Wix's SDK calls it) and
	// PrefixAutomationsService ("/automations-service/v2", as Wix's HTML
	// reference writes it). Empty serves both; any other path is a routing
	// miss (404 text/plain), as a gateway that does not serve it answers.
	AutomationsPrefixes []string
	// Preinstalled seeds the demo site with automations that the demo app
	// did not make, as Wix's Query returns them on a real site: preinstalled
	// ones (one of them overridden on the site) and another installed app's
	// (see SeedPreinstalled). Off by default, so that tests see only what
	// they made; cmd/wixsim turns it on.
	Preinstalled        bool
	RateLimitPerMinute  int           // per app instance; 0 = no limit. Over the limit -> 429 in Wix error format.
	RateLimitRetryAfter bool          // when true, 429s from the rate limiter carry a Retry-After header (seconds, integer, >=1)
	Latency             time.Duration // added to every call, the token endpoint included

	// RateLimitWindow is the window RateLimitPerMinute counts in (a sliding
	// one: no more calls than that in any window); default a minute, as on
	// Wix. Tests shorten it.
	RateLimitWindow time.Duration
	// RateLimitClock is the rate limiter's clock; default time.Now. Tests
	// move the window with it.
	RateLimitClock func() time.Time
}

// Server is the simulator. It is an http.Handler and safe for concurrent use.
type Server struct {
	tokenTTL time.Duration
	latency  time.Duration

	mu            sync.Mutex
	apps          map[string]*app   // by app id
	owners        map[string]string // trigger key -> owning app id
	tokens        map[string]*token // by access token
	faults        []*Fault
	itemFaults    []*ItemFault // faults_items.go
	soak          *SoakFaults  // soak_faults.go
	bulkFailures  map[eventKey]bool
	reportFails   map[eventKey]bool
	requests      []*RecordedRequest
	cancellations []Cancellation
	events        []*Event
	idempotency   map[idempotencyKey]idempotencyEntry
	automations   automationStore
	activations   []*Activation
	limiter       rateLimiter
	prefixes      []string

	conns connStats
}

type app struct {
	secret    string
	instances map[string]bool
}

// eventKey names events across all sites: what tests ask about.
type eventKey struct{ triggerKey, entityID string }

// DemoEnv is the environment of a client of the demo app at baseURL, as
// NAME=value: WIX_BASE_URL and the demo app's credentials (what make sim
// prints to paste).
func DemoEnv(baseURL string) []string {
	return []string{"WIX_BASE_URL=" + baseURL, "WIX_APP_ID=" + DemoAppID, "WIX_APP_SECRET=" + DemoAppSecret,
		"WIX_INSTANCE_ID=" + DemoInstanceID}
}

// New returns a simulator that already knows the demo app, its installation
// and its trigger key.
func New(opts Options) *Server {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = defaultTokenTTL
	}
	s := &Server{
		tokenTTL:     opts.TokenTTL,
		latency:      opts.Latency,
		apps:         map[string]*app{},
		owners:       map[string]string{},
		tokens:       map[string]*token{},
		bulkFailures: map[eventKey]bool{},
		reportFails:  map[eventKey]bool{},
		automations:  newAutomationStore(),
		idempotency:  map[idempotencyKey]idempotencyEntry{},
		limiter:      newRateLimiter(opts.RateLimitPerMinute, opts.RateLimitWindow, opts.RateLimitRetryAfter, opts.RateLimitClock),
		conns:        connStats{open: map[net.Conn]bool{}},
		prefixes:     automationsPrefixes(opts.AutomationsPrefixes),
	}
	s.AddApp(DemoAppID, DemoAppSecret, DemoInstanceID)
	for _, key := range demoTriggerKeys {
		s.OwnTriggerKey(DemoAppID, key)
	}
	if opts.Preinstalled {
		s.SeedPreinstalled(DemoInstanceID)
	}
	return s
}

// AddApp registers an app (or replaces its secret) and installs it on the
// given instances.
func (s *Server) AddApp(appID, secret string, instanceIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[appID]
	if a == nil {
		a = &app{instances: map[string]bool{}}
		s.apps[appID] = a
	}
	a.secret = secret
	for _, id := range instanceIDs {
		a.instances[id] = true
	}
}

// OwnTriggerKey makes appID the only app allowed to report and cancel events
// for triggerKey, as the app that defines a trigger is on Wix.
func (s *Server) OwnTriggerKey(appID, triggerKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[triggerKey] = appID
}

// ServeHTTP answers one call: record it, apply latency and any injected
// fault, then route it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newGUID()
	w.Header().Set(requestIDHeader, reqID)
	body, readErr := readBody(r)
	rec := s.record(r, body, reqID)
	sw := &statusWriter{ResponseWriter: w}
	// Deferred so that the status is stored even when a dropped connection
	// unwinds the handler.
	defer func() { s.setStatus(rec, sw.status) }()

	if !sleep(r.Context(), s.latency) {
		return
	}
	f := s.takeFault(r.URL.Path)
	if f == nil {
		f = s.soakFault(reqID, r, body)
	}
	if f != nil && !s.applyFault(sw, w, r, f) {
		return
	}
	if f != nil && f.DropAfterServe {
		s.serve(&discardWriter{header: http.Header{}}, r, body, readErr)
		dropConnection(w)
		return
	}
	s.serve(sw, r, body, readErr)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, body []byte, readErr error) {
	if readErr != nil {
		writeAppError(w, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", readErr.Error())
		return
	}
	s.route(w, r, body)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte) {
	switch r.URL.Path {
	case oauthPath:
		s.handleToken(w, r, body)
	case cancelPath:
		s.api(w, r, body, s.handleCancel)
	case bulkCancelPath:
		s.api(w, r, body, s.handleBulkCancel)
	case reportPath:
		s.api(w, r, body, s.handleReport)
	case bulkReportPath:
		s.api(w, r, body, s.handleBulkReport)
	default:
		if s.routeAutomations(w, r, body) {
			return
		}
		writeNotServed(w)
	}
}

// writeNotServed answers a path the simulator does not serve as a gateway
// or a web server does: 404 in plain text, without Wix's JSON error body.
// Wix's own 404 (a missing automation, an unknown trigger key) carries
// that body; a client must tell the two apart, since only Wix's says that
// the thing asked about does not exist.
func writeNotServed(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("404 page not found\n")) // the client may have gone; nobody to tell
}

// caller is the identity a token stands for.
type caller struct{ appID, instanceID string }

// api runs the checks every POST endpoint shares, in the order a gateway
// would: method, authentication, throttling, then body shape. Headers it
// does not know, such as the SDK's x-wix-bi-gateway telemetry, are ignored.
func (s *Server) api(w http.ResponseWriter, r *http.Request, body []byte,
	h func(http.ResponseWriter, caller, *fields)) {
	if requirePOST(w, r) {
		s.jsonCall(w, r, body, h)
	}
}

// jsonCall runs the checks after the method that every call with a JSON
// body shares (POST through api, and PATCH): authentication, throttling,
// then body shape. It answers a failed check itself and calls h otherwise.
func (s *Server) jsonCall(w http.ResponseWriter, r *http.Request, body []byte,
	h func(http.ResponseWriter, caller, *fields)) {
	c, ok := s.authenticate(w, r)
	if !ok || !s.allow(w, c) || !requireJSON(w, r) {
		return
	}
	obj, ok := decodeObject(w, body)
	if !ok {
		return
	}
	h(w, c, newFields(obj))
}

// sleep waits d, giving up early (false) when ctx is done so that a client
// that stops waiting also frees the handler.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusWriter remembers the status written, for the request record.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
