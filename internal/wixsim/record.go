package wixsim

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// RecordedRequest is one call as the simulator saw and answered it.
type RecordedRequest struct {
	Method    string
	Path      string
	RawQuery  string      // the query string, without '?'; the SDK repeats GET and DELETE parameters there
	Header    http.Header // clone
	Body      []byte
	Status    int // what the simulator answered; 0 when nothing was answered (dropped, or the client gave up first)
	Time      time.Time
	RequestID string // the x-wix-request-id it answered with
}

// record stores the call at arrival, so that Requests keeps arrival order
// even when calls finish out of order; the status is filled in later.
func (s *Server) record(r *http.Request, body []byte, reqID string) *RecordedRequest {
	rec := &RecordedRequest{
		Method:    r.Method,
		Path:      r.URL.Path,
		RawQuery:  r.URL.RawQuery,
		Header:    r.Header.Clone(),
		Body:      body,
		Time:      time.Now(),
		RequestID: reqID,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	return rec
}

func (s *Server) setStatus(rec *RecordedRequest, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status = status
}

// Requests returns a copy of every recorded call, in arrival order.
func (s *Server) Requests() []RecordedRequest {
	return s.requestsMatching(func(*RecordedRequest) bool { return true })
}

// RequestsTo returns the recorded calls to one exact path.
func (s *Server) RequestsTo(path string) []RecordedRequest {
	return s.requestsMatching(func(r *RecordedRequest) bool { return r.Path == path })
}

func (s *Server) requestsMatching(keep func(*RecordedRequest) bool) []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []RecordedRequest
	for _, r := range s.requests {
		if keep(r) {
			c := *r
			c.Header = r.Header.Clone()
			c.Body = append([]byte(nil), r.Body...)
			out = append(out, c)
		}
	}
	return out
}

// ResetRequests forgets recorded calls (cancellations are kept).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// connStats counts connections from http.Server's ConnState callback,
// which is the only place that sees connections rather than requests.
type connStats struct {
	mu    sync.Mutex
	open  map[net.Conn]bool
	peak  int
	total int
}

// ConnStateHook returns a callback to install as http.Server.ConnState
// (e.g. httptest.Server.Config.ConnState before Start) so that the
// simulator can tell how many connections a client opens.
func (s *Server) ConnStateHook() func(net.Conn, http.ConnState) {
	return func(c net.Conn, state http.ConnState) {
		s.conns.mu.Lock()
		defer s.conns.mu.Unlock()
		switch state {
		case http.StateNew:
			s.conns.open[c] = true
			s.conns.total++
			s.conns.peak = max(s.conns.peak, len(s.conns.open))
		case http.StateClosed, http.StateHijacked:
			delete(s.conns.open, c)
		}
	}
}

// PeakOpenConnections is the most connections open at once so far.
func (s *Server) PeakOpenConnections() int {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	return s.conns.peak
}

// TotalConnections is how many connections were ever opened.
func (s *Server) TotalConnections() int {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	return s.conns.total
}
