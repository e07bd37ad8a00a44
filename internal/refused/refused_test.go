package refused

import (
	"errors"
	"net"
	"syscall"
	"testing"
)

// Every dial of the address is refused, and nobody can listen on it while
// the test runs.
func TestAddress_refusesAndStaysReserved(t *testing.T) {
	addr := Address(t)
	for range 3 {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			t.Fatalf("dialing %s connected", addr)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dialing %s: %v, want connection refused", addr, err)
		}
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Fatalf("a listener took %s while it was reserved", addr)
	}
}
