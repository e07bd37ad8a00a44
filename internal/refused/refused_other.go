//go:build !unix

package refused

import "testing"

// Address is 127.0.0.1:1 where a socket cannot be bound without
// listening: port 1 lies outside the ephemeral range test servers get.
func Address(tb testing.TB) string {
	tb.Helper()
	return "127.0.0.1:1"
}
