package wix

// Unit tests of the retry decisions: backoff bounds, how a failed
// connection is sorted, the 429 cap, and the verdict on a call stopped
// after it may have acted. The retries themselves are proven call by call
// in reliability_test.go and safety_test.go.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Defaults fill in missing bounds, and a maximum below the minimum is raised.
func TestUnit_backoffPolicyBounds(t *testing.T) {
	for _, tc := range []struct{ min, max, wantMin, wantMax time.Duration }{
		{0, 0, DefaultMinBackoff, DefaultMaxBackoff},
		{-1, -1, DefaultMinBackoff, DefaultMaxBackoff},
		{time.Millisecond, time.Millisecond, time.Millisecond, time.Millisecond},
		{time.Second, time.Millisecond, time.Second, time.Second},
		{2 * time.Second, 3 * time.Second, 2 * time.Second, 3 * time.Second},
	} {
		if b := newBackoffPolicy(tc.min, tc.max); b.min != tc.wantMin || b.max != tc.wantMax {
			t.Errorf("newBackoffPolicy(%s, %s) = %+v, want [%s, %s]", tc.min, tc.max, b, tc.wantMin, tc.wantMax)
		}
	}
	// The step doubles exactly until the maximum: 1, 2, 4, 8, 10, 10.
	b := newBackoffPolicy(time.Second, 10*time.Second)
	for retry, step := range []time.Duration{1, 2, 4, 8, 10, 10} {
		for range 50 {
			if d := b.delay(retry, 0); d < step*time.Second/2 || d > step*time.Second {
				t.Fatalf("retry %d: %s outside [%s, %s]", retry, d, step*time.Second/2, step*time.Second)
			}
		}
	}
	// The tiniest steps keep the jitter in [step/2, step].
	for _, step := range []time.Duration{1, 2, 3} {
		for range 20 {
			if d := newBackoffPolicy(step, step).delay(0, 0); d < step/2 || d > step {
				t.Fatalf("step %dns: delay %s", step, d)
			}
		}
	}
	// A tiny Retry-After still gets at least its own value, never less.
	if d := b.delay(0, time.Nanosecond); d < time.Nanosecond || d > time.Millisecond+time.Nanosecond {
		t.Errorf("delay with Retry-After 1ns = %s", d)
	}
}

// Each failure to get an answer is sorted by whether the request may have
// left.
func TestUnit_transportKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want failureKind
	}{
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, kindNotSent},
		{syscall.ECONNREFUSED, kindNotSent},
		{&net.OpError{Op: "dial", Err: errors.New("network is unreachable")}, kindNotSent},
		{&net.DNSError{Err: "no such host", IsNotFound: true}, kindPermanent},
		{&net.DNSError{Err: "timeout", IsTimeout: true}, kindNotSent},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, kindMaybeSent},
		{syscall.EPIPE, kindMaybeSent},
		{io.EOF, kindMaybeSent},
		{io.ErrUnexpectedEOF, kindMaybeSent},
		{context.Canceled, kindMaybeSent},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), kindMaybeSent},
		{errors.New("tls: bad certificate"), kindPermanent},
	} {
		if got := transportKind(tc.err); got != tc.want {
			t.Errorf("transportKind(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// The 429 cap applies only without a deadline, and only once the waits
// would go past it.
func TestUnit_throttleCap(t *testing.T) {
	c := &Client{throttleCap: 250 * time.Millisecond}
	ms := time.Millisecond
	if c.throttleExhausted(context.Background(), 100*ms, 150*ms) {
		t.Error("waits adding up to the cap exactly were refused")
	}
	if !c.throttleExhausted(context.Background(), 100*ms, 151*ms) {
		t.Error("waits going past the cap were allowed")
	}
	if !c.throttleExhausted(context.Background(), 0, 251*ms) {
		t.Error("a first wait past the cap was allowed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if c.throttleExhausted(ctx, time.Minute, time.Minute) {
		t.Error("the cap applied to a context with a deadline")
	}
}

// A call not safe to repeat whose context ended after Wix answered 5xx or
// an answer that was not Wix's may have acted: the outcome is uncertain,
// as when the same failure ends the retries; the error keeps the last one.
func TestUnit_stoppedAfterA5xxIsUncertain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	create := operation{name: "Create Automation", repeat: notRepeatable}
	for _, kind := range []failureKind{kindMaybeSent, kindServerError, kindGarbled} {
		err := stoppedError(ctx, create, 1, failure{err: errors.New("HTTP 500"), kind: kind})
		if !errors.Is(err, ErrMayHaveReachedWix) || !strings.Contains(err.Error(), "last error: HTTP 500") {
			t.Errorf("kind %d: %v, want an UncertainError that names the last error", kind, err)
		}
		if final := finalError(create, failure{err: errors.New("HTTP 500"), kind: kind}); !errors.Is(final, ErrMayHaveReachedWix) {
			t.Errorf("kind %d: finalError = %v, want the same verdict", kind, final)
		}
	}
}
