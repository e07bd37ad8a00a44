package automations

import "testing"

func TestAutomationsDataSourceCanonicalActions(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`{ "b": 1.50, "a": {"x": "<b>&", "big": 12345678901234567890} }`, `{"a":{"big":12345678901234567890,"x":"<b>&"},"b":1.50}`},
		{``, `{}`},
		{`null`, `{}`},
		{`{}`, `{}`},
	}
	for _, tc := range cases {
		got, err := canonicalActions([]byte(tc.raw))
		if err != nil || got != tc.want {
			t.Errorf("canonicalActions(%s) = %s, %v; want %s", tc.raw, got, err, tc.want)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `{"a":`} {
		if got, err := canonicalActions([]byte(bad)); err == nil {
			t.Errorf("canonicalActions(%s) = %s, want an error", bad, got)
		}
	}
}
