package wixsim

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Fault is a scripted misbehavior for the next Count calls to Path.
type Fault struct {
	Path           string        // exact URL path to match; "" matches every path, /oauth2/token included
	Count          int           // how many matching calls it applies to; values < 1 mean 1
	Status         int           // status to answer with (Wix error format), 400..599; 0 when only Delay/Drop is wanted
	RetryAfter     string        // value of the Retry-After header, if non-empty
	Delay          time.Duration // wait before answering; stops waiting when the request's context is done
	DropConnection bool          // reset the connection (TCP RST) without answering; Status is then ignored
	Message        string        // Wix "message" for the error body; a default per status otherwise
}

// InjectFault queues f. Faults are consumed FIFO: a call takes the first
// queued fault whose Path matches and that has Count left. A fault applies
// before authentication and validation, and the call is still recorded.
// A Fault with only a Delay delays the call and then serves it normally.
// It panics on a Status outside 400..599, which is a bug in the test.
func (s *Server) InjectFault(f Fault) {
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		panic(fmt.Sprintf("wixsim: fault status %d is not an error status", f.Status))
	}
	f.Count = max(f.Count, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults drops queued faults and the per-item failures set by
// FailBulkItems, so that a test can return the server to normal in one call.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.bulkFailures = map[eventKey]bool{}
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
// normally (a delay-only fault). sw records the status; raw is the
// underlying writer, needed to hijack the connection.
func (s *Server) applyFault(sw *statusWriter, raw http.ResponseWriter, r *http.Request, f *Fault) bool {
	if !sleep(r.Context(), f.Delay) {
		return false
	}
	switch {
	case f.DropConnection:
		dropConnection(raw)
		return false
	case f.Status != 0:
		if f.RetryAfter != "" {
			sw.Header().Set("Retry-After", f.RetryAfter)
		}
		msg := f.Message
		if msg == "" {
			msg = defaultMessage(f.Status)
		}
		writeAppError(sw, f.Status, statusCode(f.Status), msg)
		return false
	}
	return true
}

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
