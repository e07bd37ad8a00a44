package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// syncBuffer is written by run's goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return ""
}

func TestRunServesAndStopsCleanly(t *testing.T) {
	addrFile := filepath.Join(t.TempDir(), "addr")
	envFile := filepath.Join(t.TempDir(), "env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr-file", addrFile, "-env-file", envFile, "-rpm", "100", "-retry-after"}, &stdout, io.Discard)
	}()

	base := waitForFile(t, addrFile)
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.ContainsAny(base, "\n ") {
		t.Fatalf("addr file holds %q", base)
	}
	wantEnv := fmt.Sprintf("WIX_BASE_URL=%s\nWIX_APP_ID=%s\nWIX_APP_SECRET=%s\nWIX_INSTANCE_ID=%s\n",
		base, wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	if got := waitForFile(t, envFile); got != wantEnv {
		t.Fatalf("env file holds %q, want %q", got, wantEnv)
	}
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"instance_id":%q}`,
		wixsim.DemoAppID, wixsim.DemoAppSecret, wixsim.DemoInstanceID)
	resp, err := http.Post(base+"/oauth2/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("x-wix-request-id") == "" {
		t.Fatalf("token call: %d %v", resp.StatusCode, resp.Header)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	out := stdout.String()
	for _, want := range []string{"listening on " + base, wixsim.DemoAppID, wixsim.DemoInstanceID, "1 requests served, 0 cancellations"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, wixsim.DemoAppSecret) {
		t.Error("output prints the secret")
	}
	for _, f := range []string{addrFile, envFile} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", f, err)
		}
	}
}

func TestRunRefusesBadCommandLines(t *testing.T) {
	tests := [][]string{
		{"-addr", "0.0.0.0:0"},
		{"-addr", ":0"},
		{"-addr", "192.0.2.1:8080"},
		{"-addr", "example.com:80"},
		{"-addr", "127.0.0.1"},
		{"-rpm", "-1"},
		{"-latency", "-1s"},
		{"-nope"},
		{"extra"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := run(context.Background(), args, io.Discard, io.Discard)
			if !errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v, want a usage error", args, err)
			}
		})
	}
}

func TestRunAcceptsLocalhostAndIPv6Loopback(t *testing.T) {
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, err := listenLoopback(addr)
			if err != nil {
				if strings.Contains(err.Error(), "cannot assign") || strings.Contains(err.Error(), "address family") {
					t.Skipf("no such loopback here: %v", err)
				}
				t.Fatal(err)
			}
			ln.Close()
		})
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"one", "two"} {
		if err := writeFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("file = %q, want %q", b, content)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
