package main

import (
	"os"
	"testing"
)

func TestQuietUnlessLogging(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		wantSDK string
		wantWix string
	}{
		{"no logging asked for", nil, "off", "off"},
		{"TF_LOG asks for logs", map[string]string{"TF_LOG": "TRACE"}, "", ""},
		{"TF_LOG_PROVIDER asks for logs", map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, "", ""},
		{"a level the user set is kept", map[string]string{"TF_LOG_SDK": "DEBUG"}, "DEBUG", "off"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_PROVIDER_WIX"} {
				t.Setenv(name, tc.env[name])
			}
			quietUnlessLogging()
			if got := os.Getenv("TF_LOG_SDK"); got != tc.wantSDK {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, tc.wantSDK)
			}
			if got := os.Getenv("TF_LOG_PROVIDER_WIX"); got != tc.wantWix {
				t.Errorf("TF_LOG_PROVIDER_WIX = %q, want %q", got, tc.wantWix)
			}
		})
	}
}
