// Package refused gives tests a loopback address where every connection
// is refused, and stays refused while the test runs.
//
// The usual trick, listening on port 0 and closing the listener, frees
// the port: a test running in parallel can be given it for its own
// simulator, and then the "unreachable" test's calls land at that other
// test's Wix (seen in CI: an expected error that never came, and an event
// the other test saw canceled twice). A socket that is bound but never
// listens keeps the port reserved, and the kernel refuses every
// connection to it. The standard library has no call that binds without
// listening, hence the few lines of syscall.
package refused

import "testing"

// URL is http://ADDRESS for Address.
func URL(tb testing.TB) string {
	tb.Helper()
	return "http://" + Address(tb)
}
