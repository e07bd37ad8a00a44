package wixsim

import (
	"net/http"
	"testing"
)

// The soak names a call of one automation only as the simulator serves
// it: GET, PATCH and DELETE of /automations/{id}. A deeper path (404) or
// another method (405) is left alone, as every unserved call is.
func TestSoakNamesOnlyTheAutomationCallsServed(t *testing.T) {
	s := New(Options{})
	sf := NewSoakFaults(1)
	for _, tc := range []struct {
		method, path string
		want         *soakOp
	}{
		{http.MethodGet, "/v2/automations/a1", soakRead},
		{http.MethodPatch, "/v2/automations/a1", soakUpdate},
		{http.MethodDelete, "/v2/automations/a1", soakDelete},
		{http.MethodGet, "/v2/automations/a1/extra", nil},
		{http.MethodPost, "/v2/automations/a1", nil},
		{http.MethodPut, "/v2/automations/a1", nil},
	} {
		s.mu.Lock()
		call, named := s.soakCallLocked(sf, tc.method, tc.path, nil)
		s.mu.Unlock()
		if named != (tc.want != nil) || named && call.op != tc.want {
			t.Errorf("%s %s: named %v as %+v, want %+v", tc.method, tc.path, named, call.op, tc.want)
		}
	}
}
