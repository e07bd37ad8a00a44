package wixsim

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Fault is a scripted misbehavior for the next Count calls to Path.
//
// By default a fault answers Status in Wix's error format. The other kinds:
// a raw answer (Raw, or any of ContentType, Body, Location set) answers
// Status with exactly that content type and body, which is how a proxy's
// sign-in page (200 text/html), a 204, a JSON array or a redirect (3xx with
// Location) looks; DropConnection resets the connection without serving
// the call; DropAfterServe serves the call for real (the automation is
// created, the event reported, the cancel done) and then resets the
// connection without answering, as when a response is lost on the way back.
type Fault struct {
	Path           string        // exact URL path to match; "" matches every path, /oauth2/token included
	Count          int           // how many matching calls it applies to; values < 1 mean 1
	Status         int           // status to answer with: 400..599 in Wix error format, 200..599 for a raw answer; 0 when only Delay/Drop is wanted
	RetryAfter     string        // value of the Retry-After header, if non-empty
	Delay          time.Duration // wait before answering; stops waiting when the request's context is done
	DropConnection bool          // reset the connection (TCP RST) without answering; Status is then ignored
	DropAfterServe bool          // serve the call normally, then reset the connection instead of answering; Status is then ignored
	Message        string        // Wix "message" for the error body; a default per status otherwise
	Raw            bool          // answer Status with ContentType and Body verbatim instead of a Wix error
	ContentType    string        // Content-Type of a raw answer; none at all when empty
	Body           string        // body of a raw answer
	Location       string        // Location header of a raw answer, for redirects
}

// rawAnswer reports whether f answers verbatim rather than as a Wix error.
func (f *Fault) rawAnswer() bool {
	return f.Raw || f.ContentType != "" || f.Body != "" || f.Location != ""
}

// InjectFault queues f. Faults are consumed FIFO: a call takes the first
// queued fault whose Path matches and that has Count left. A fault applies
// before authentication and validation, and the call is still recorded
// (with Status 0 when the connection was dropped).
// A Fault with only a Delay delays the call and then serves it normally.
// It panics on a Status that the fault's kind cannot answer (outside
// 400..599 for a Wix error, outside 200..599 or missing for a raw answer),
// which is a bug in the test.
func (s *Server) InjectFault(f Fault) {
	switch {
	case f.DropConnection || f.DropAfterServe:
	case f.rawAnswer() && (f.Status < 200 || f.Status > 599):
		panic(fmt.Sprintf("wixsim: raw fault status %d is not a final HTTP status", f.Status))
	case !f.rawAnswer() && f.Status != 0 && (f.Status < 400 || f.Status > 599):
		panic(fmt.Sprintf("wixsim: fault status %d is not an error status", f.Status))
	}
	f.Count = max(f.Count, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults drops queued faults, item faults, the per-item failures
// set by FailBulkItems and FailBulkReportItems and a soak's seeded faults,
// so that a test can return the server to normal in one call.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.soak = nil
	s.itemFaults = nil
	s.bulkFailures = map[eventKey]bool{}
	s.reportFails = map[eventKey]bool{}
}

// takeFault consumes one use of the first matching fault, if any.
func (s *Server) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Path != "" && f.Path != path {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// applyFault acts out f and reports whether the call should then be served
// (a delay-only fault, or DropAfterServe, whose drop comes after serving).
// sw records the status; raw is the underlying writer, needed to hijack the
// connection.
func (s *Server) applyFault(sw *statusWriter, raw http.ResponseWriter, r *http.Request, f *Fault) bool {
	if !sleep(r.Context(), f.Delay) {
		return false
	}
	if f.RetryAfter != "" && (f.rawAnswer() || f.Status != 0) {
		sw.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.DropConnection:
		dropConnection(raw)
		return false
	case f.DropAfterServe:
		return true
	case f.rawAnswer():
		writeRaw(sw, f)
		return false
	case f.Status != 0:
		msg := f.Message
		if msg == "" {
			msg = defaultMessage(f.Status)
		}
		writeAppError(sw, f.Status, statusCode(f.Status), msg)
		return false
	}
	return true
}

// writeRaw answers exactly what the fault says, nothing of Wix's format.
func writeRaw(w http.ResponseWriter, f *Fault) {
	if f.ContentType != "" {
		w.Header().Set("Content-Type", f.ContentType)
	} else {
		w.Header()["Content-Type"] = nil // stops net/http from sniffing one
	}
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	w.WriteHeader(f.Status)
	// The body is what a test scripted (a proxy's page, a garbled answer), never
	// what a request sent, though gosec's taint analysis cannot tell since the
	// seeded soak faults are chosen by looking at request bodies.
	_, _ = w.Write([]byte(f.Body)) //nolint:gosec // G705: a scripted test answer; the client may have gone, nobody to tell
}

// discardWriter takes a served answer that will never be sent, for
// DropAfterServe.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// dropConnection closes the client's connection with a TCP RST so that the
// client sees a transport error, not a response. Where hijacking is not
// possible (HTTP/2), aborting the handler resets the stream instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp := tcpConn(conn); tcp != nil {
		_ = tcp.SetLinger(0) // linger 0 makes Close send RST instead of FIN
	}
	_ = conn.Close()
}

// tcpConn digs the TCP connection out of wrappers such as *tls.Conn.
func tcpConn(c net.Conn) *net.TCPConn {
	for {
		switch v := c.(type) {
		case *net.TCPConn:
			return v
		case interface{ NetConn() net.Conn }:
			c = v.NetConn()
		default:
			return nil
		}
	}
}
