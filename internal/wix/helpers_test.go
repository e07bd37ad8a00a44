package wix

// Helpers shared by every test of the package: one way to start the
// simulator, build a client, hold a call at the server, and read what
// reached the wire.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/refused"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const (
	testKey    = wixsim.DemoTriggerKey
	testEntity = "16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c"
)

// simEnv is a simulator served over HTTP and a client for it.
type simEnv struct {
	sim    *wixsim.Server
	server *httptest.Server
	client *Client
}

// newSimEnv starts a simulator and builds an app-credentials client with
// fast backoff and no pacing; tweak adjusts the Config before New.
func newSimEnv(t *testing.T, tweak ...func(*Config)) *simEnv {
	t.Helper()
	sim, server := startSim(t)
	return &simEnv{sim: sim, server: server, client: newSimClient(t, server.URL, tweak...)}
}

// startSim serves a new simulator over HTTP, behind gates (each holds the
// first call to its path until released, at the latest when the test ends).
func startSim(t *testing.T, gates ...*gate) (*wixsim.Server, *httptest.Server) {
	t.Helper()
	sim := wixsim.New(wixsim.Options{})
	var handler http.Handler = sim
	for _, g := range gates {
		handler = g.wrap(handler)
	}
	server := httptest.NewUnstartedServer(handler)
	server.Config.ConnState = sim.ConnStateHook()
	server.Start()
	t.Cleanup(server.Close)
	for _, g := range gates {
		t.Cleanup(g.release) // before server.Close, which waits for handlers
	}
	return sim, server
}

// newSimClient is a client of the simulator's demo app with fast backoff and
// no pacing; tweak adjusts the Config before New.
func newSimClient(t *testing.T, baseURL string, tweak ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:    baseURL,
		AppID:      wixsim.DemoAppID,
		AppSecret:  wixsim.DemoAppSecret,
		InstanceID: wixsim.DemoInstanceID,
		MaxRetries: DefaultMaxRetries,
		MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	client, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return client
}

func (e *simEnv) statuses(path string) []int {
	var out []int
	for _, r := range e.sim.RequestsTo(path) {
		out = append(out, r.Status)
	}
	return out
}

// rawCancel calls Cancel Event for id with token, as another client of the
// same app instance would, and returns the status.
func (e *simEnv) rawCancel(t *testing.T, token, id string) int {
	t.Helper()
	body := fmt.Sprintf(`{"triggerKey":%q,"externalEntityId":%q}`, testKey, id)
	req, err := http.NewRequest(http.MethodPost, e.server.URL+PathCancel, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := e.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// requireAnswers fails the test unless the calls to path got exactly the
// statuses want, in order (0 for a dropped connection); no statuses means
// that no call reached path.
func (e *simEnv) requireAnswers(t *testing.T, path string, want ...int) {
	t.Helper()
	if got := e.statuses(path); !slices.Equal(got, want) {
		t.Fatalf("answers from %s = %v, want %v", path, got, want)
	}
}

// cancelConcurrently cancels each of ids of testKey at the same time, one
// goroutine each, and stops the test if any cancellation fails.
func (e *simEnv) cancelConcurrently(t *testing.T, ids []string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := e.client.CancelEvent(context.Background(), testKey, id); err != nil {
				t.Errorf("CancelEvent %s: %v", id, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// hookTransport runs before on every request, then sends it with base.
type hookTransport struct {
	base   http.RoundTripper
	before func(*http.Request) (*http.Response, error)
}

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.before != nil {
		if res, err := h.before(r); res != nil || err != nil {
			return res, err
		}
	}
	return h.base.RoundTrip(r)
}

func withTransport(before func(*http.Request) (*http.Response, error)) func(*Config) {
	return func(c *Config) {
		c.HTTPClient = &http.Client{Transport: hookTransport{base: http.DefaultTransport.(*http.Transport).Clone(), before: before}}
	}
}

// closedAddress is a loopback address nothing listens on for the test's
// life: dialing it is refused by the kernel.
func closedAddress(t *testing.T) string { return refused.Address(t) }

// entityIDs are distinct GUIDs, prefixed so that tests can tell sets apart.
func entityIDs(prefix, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("16ef8c9c-413e-4d5f-%04x-%012x", prefix, i+1)
	}
	return ids
}

// gate holds the first call to path at the server until release is called,
// and says when it arrived.
type gate struct {
	path     string
	arrived  chan struct{}
	released chan struct{}
	// abandoned is closed when the client gives up the held call.
	abandoned chan struct{}
	once      sync.Once
	rel       sync.Once
}

func newGate(path string) *gate {
	return &gate{path: path, arrived: make(chan struct{}), released: make(chan struct{}), abandoned: make(chan struct{})}
}

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == g.path {
			first := false
			g.once.Do(func() { first = true })
			if first {
				// Reading the body first lets the server notice when the
				// client hangs up while the call is held.
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				close(g.arrived)
				select {
				case <-g.released:
				case <-r.Context().Done():
					close(g.abandoned)
					<-g.released
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (g *gate) release() { g.rel.Do(func() { close(g.released) }) }

func (g *gate) waitArrived(t *testing.T) {
	t.Helper()
	select {
	case <-g.arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("no call to %s reached the server", g.path)
	}
}

type batchEnv struct {
	sim    *wixsim.Server
	client *Client
	gate   *gate
}

// newBatchEnv serves the simulator (behind a gate on Cancel Event, the
// first call of every test that batches) and builds a client with batching
// on, no pacing and fast retries; tweak adjusts the Config.
func newBatchEnv(t *testing.T, tweak ...func(*Config)) *batchEnv {
	t.Helper()
	return newGatedBatchEnv(t, []*gate{newGate(PathCancel)}, tweak...)
}

// newGatedBatchEnv is newBatchEnv with other gates; the first is the
// env's gate.
func newGatedBatchEnv(t *testing.T, gates []*gate, tweak ...func(*Config)) *batchEnv {
	t.Helper()
	sim, server := startSim(t, gates...)
	tweaks := append([]func(*Config){func(c *Config) {
		c.MinBackoff, c.MaxBackoff = 5*time.Millisecond, 20*time.Millisecond
		c.Batching = BatchingConfig{Enabled: true}
	}}, tweak...)
	client := newSimClient(t, server.URL, tweaks...)
	return &batchEnv{sim: sim, client: client, gate: gates[0]}
}

// cancelAsync starts Cancel for each id and returns the channel of outcomes.
func (e *batchEnv) cancelAsync(ctx context.Context, triggerKey string, ids []string) map[string]<-chan error {
	out := make(map[string]<-chan error, len(ids))
	for _, id := range ids {
		ch := make(chan error, 1)
		out[id] = ch
		go func() { ch <- e.client.CancelEvent(ctx, triggerKey, id) }()
	}
	return out
}

// waitQueued waits until n cancellations wait in the batcher (in the queues
// of all trigger keys: the tests queue one key at a time).
func (e *batchEnv) waitQueued(t *testing.T, n int) {
	t.Helper()
	waitGroupQueued(t, e.client.cancels, n)
}

// waitGroupQueued waits until n items wait in g (in the queues of all
// groups: the tests queue one group at a time).
func waitGroupQueued[I, R any](t *testing.T, g *groupCommit[I, R], n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := queuedIn(g); got >= n {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("%d items queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func queuedIn[I, R any](g *groupCommit[I, R]) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, q := range g.queues {
		n += len(q.items)
	}
	return n
}

// startHeldLead sends one cancellation and holds its call at the server.
func (e *batchEnv) startHeldLead(t *testing.T, triggerKey, id string) <-chan error {
	t.Helper()
	lead := e.cancelAsync(context.Background(), triggerKey, []string{id})[id]
	e.gate.waitArrived(t)
	return lead
}

// queueBehindHeldLead holds a lone lead cancellation at the server, queues
// ids behind it, and lets the lead finish: the queued ids then leave together
// in the next call. The lead must succeed.
func (e *batchEnv) queueBehindHeldLead(t *testing.T, leadID string, ids []string) map[string]<-chan error {
	t.Helper()
	lead := e.startHeldLead(t, testKey, leadID)
	outcomes := e.cancelAsync(context.Background(), testKey, ids)
	e.waitQueued(t, len(ids))
	e.gate.release()
	if err := wait(t, lead); err != nil {
		t.Fatalf("the lead cancellation, sent alone before the batch: %v", err)
	}
	return outcomes
}

// requireAllSucceeded waits for every outcome and reports each failure.
func requireAllSucceeded(t *testing.T, outcomes map[string]<-chan error) {
	t.Helper()
	for id, err := range waitAll(t, outcomes) {
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

func wait(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("a cancellation did not return")
		return nil
	}
}

func waitAll(t *testing.T, outcomes map[string]<-chan error) map[string]error {
	t.Helper()
	got := make(map[string]error, len(outcomes))
	for id, ch := range outcomes {
		got[id] = wait(t, ch)
	}
	return got
}

// call is one Cancel Event or Bulk Cancel Event as the simulator saw it.
type call struct {
	bulk       bool
	triggerKey string
	ids        []string
	status     int
}

func (e *batchEnv) calls(t *testing.T) []call {
	t.Helper()
	var out []call
	for _, r := range e.sim.Requests() {
		var body struct {
			TriggerKey        string   `json:"triggerKey"`
			ExternalEntityID  string   `json:"externalEntityId"`
			ExternalEntityIDs []string `json:"externalEntityIds"`
		}
		switch r.Path {
		case PathCancel:
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("Cancel Event body %s: %v", r.Body, err)
			}
			out = append(out, call{triggerKey: body.TriggerKey, ids: []string{body.ExternalEntityID}, status: r.Status})
		case PathBulkCancel:
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Fatalf("Bulk Cancel Event body %s: %v", r.Body, err)
			}
			out = append(out, call{bulk: true, triggerKey: body.TriggerKey, ids: body.ExternalEntityIDs, status: r.Status})
		}
	}
	return out
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func (e *batchEnv) requireCanceledOnce(t *testing.T, triggerKey string, ids []string) {
	t.Helper()
	for _, id := range ids {
		if n := e.sim.CancelCount(triggerKey, id); n != 1 {
			t.Errorf("%s/%s canceled %d times, want once", triggerKey, id, n)
		}
	}
}

// fakeToken is what fakeWix's token endpoint hands out. Its quote, slash,
// ampersand and non-ASCII letter take different forms raw, JSON-escaped
// and URL-escaped, so masking tests see every form.
const fakeToken = `OAUTH2.fake/tok"en&é`

// fakeWix is a small stand-in for Wix over real HTTP, for answers the
// simulator does not give (hostile proxies, new endpoints): it serves the
// token call itself and hands every other call to handle. It records every
// call it sees.
type fakeWix struct {
	server *httptest.Server
	mu     sync.Mutex
	seen   []fakeCall
}

// fakeCall is one request as fakeWix saw it.
type fakeCall struct {
	method, path, query, body string
	uri                       string // as on the request line
	header                    http.Header
}

func newFakeWix(t *testing.T, handle http.HandlerFunc) *fakeWix {
	t.Helper()
	return newRawServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathToken {
			writeRaw(w, http.StatusOK, "application/json", `{"access_token":`+jsonString(fakeToken)+`,"token_type":"Bearer","expires_in":14400}`)
			return
		}
		handle(w, r)
	})
}

// newRawServer is a fakeWix that hands every call, the token call
// included, to handle.
func newRawServer(t *testing.T, handle http.HandlerFunc) *fakeWix {
	t.Helper()
	f := &fakeWix{}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.seen = append(f.seen, fakeCall{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, uri: r.RequestURI, body: string(body), header: r.Header.Clone()})
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		handle(w, r)
	}))
	t.Cleanup(f.server.Close)
	return f
}

// client is a client of the fake with fast backoff and no pacing.
func (f *fakeWix) client(t *testing.T, tweak ...func(*Config)) *Client {
	t.Helper()
	return newSimClient(t, f.server.URL, tweak...)
}

// all is every request seen.
func (f *fakeWix) all() []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

// calls are the requests seen at path.
func (f *fakeWix) calls(path string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.seen {
		if c.path == path {
			out = append(out, c)
		}
	}
	return out
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("x-wix-request-id", "req-fake")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// answer is a handler that always answers status with a JSON body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, status, "application/json", body) }
}

// resetConnection drops the connection with a TCP RST after the request
// was read: the client cannot tell whether Wix acted on it.
func resetConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// sequence answers the n-th call with handlers[n], and the last handler
// for every call after.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := handlers[min(n, len(handlers)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// recordingLogger keeps every log line as text, for tests that read logs.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (l *recordingLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	l.Debug(ctx, msg, fields)
}

func (l *recordingLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	l.Debug(ctx, msg, fields)
}

func (l *recordingLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func withLogger(l Logger) func(*Config) { return func(c *Config) { c.Logger = l } }

// quotedForms are ways a server may quote secret, spelled out here rather
// than taken from the code under test: raw, JSON-escaped by Go (HTML-safe),
// JSON-escaped ASCII-only as Java does, and URL-escaped.
func quotedForms(secret string) []string {
	goJSON := jsonString(secret)
	var ascii strings.Builder
	for _, r := range secret {
		switch {
		case r == '"' || r == '\\':
			ascii.WriteString(`\` + string(r))
		case r > 0x7e:
			fmt.Fprintf(&ascii, `\u%04X`, r)
		default:
			ascii.WriteRune(r)
		}
	}
	return []string{secret, goJSON[1 : len(goJSON)-1], ascii.String(), url.QueryEscape(secret)}
}

// requireNoSecret fails when text holds secret in any form a body may
// quote it in.
func requireNoSecret(t *testing.T, where, text, secret string) {
	t.Helper()
	for _, form := range quotedForms(secret) {
		if strings.Contains(text, form) {
			t.Errorf("%s shows the secret (as %q): %s", where, form, text)
		}
	}
}
