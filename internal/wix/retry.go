package wix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// failureKind sorts failed attempts by what may be done about them.
type failureKind int

const (
	// kindPermanent: retrying cannot fix it (a 4xx, an answer that is not
	// Wix's, a redirect, a TLS failure, an unknown host).
	kindPermanent failureKind = iota
	// kindNotSent: the connection was refused, so the request never left;
	// sending it again is safe for every call.
	kindNotSent
	// kindMaybeSent: the connection broke after the request was sent; Wix
	// may have acted on it.
	kindMaybeSent
	// kindServerError: 500, 502, 503 or 504; Wix may have acted on it.
	kindServerError
	// kindThrottled: 429; Wix did not act and asks to wait.
	kindThrottled
	// kindUnauthorized: 401; a new token may help once.
	kindUnauthorized
	// kindGarbled: a success status without Wix's answer (an HTML 200, a
	// 204). Not retried, as such a page does not heal; but whatever
	// answered may have passed the request on to Wix.
	kindGarbled
)

// failure is the verdict on one failed attempt.
type failure struct {
	err        error
	kind       failureKind
	retryAfter time.Duration // from a Retry-After header; 0 when absent
}

// classify turns an attempt's outcome into an error and its kind. redact
// masks secrets in the answer before any of it reaches an error text.
func classify(op operation, res *response, err error, attempt int, redact func(string) string) failure {
	if err != nil {
		var perm permanentError
		if errors.As(err, &perm) {
			return failure{err: fmt.Errorf("%s: %w", op.name, perm.err)}
		}
		return failure{err: fmt.Errorf("%s: attempt %d: %w", op.name, attempt, err), kind: transportKind(err)}
	}
	if res.tooLarge > 0 {
		// Not Wix's answer as read; for a call not safe to repeat it may
		// have acted all the same, so it counts as garbled, not permanent.
		return failure{err: fmt.Errorf("%s: the answer (HTTP %d, x-wix-request-id: %s) is larger than %d bytes, more than the "+
			"provider reads of one answer, so it was not read", op.name, res.status, res.requestID, res.tooLarge), kind: kindGarbled}
	}
	body := []byte(redact(string(res.body)))
	if isRedirect(res.status) {
		return failure{err: unexpectedResponse(op.name, res, body)}
	}
	if res.status < 300 {
		return failure{err: unexpectedResponse(op.name, res, body), kind: kindGarbled}
	}
	if res.status == http.StatusNotFound && !isWixErrorBody(body) {
		return failure{err: routingMiss(op, res, body)}
	}
	apiErr := decodeAPIError(op.name, res.status, res.header, body)
	apiErr.mask(redact)
	apiErr.Attempts = attempt
	f := failure{err: apiErr, retryAfter: parseRetryAfter(res.header.Get("Retry-After"), time.Now())}
	switch {
	case res.status == http.StatusTooManyRequests:
		f.kind = kindThrottled
	case isRetryableStatus(res.status):
		f.kind = kindServerError
	case res.status == http.StatusUnauthorized:
		f.kind = kindUnauthorized
	}
	return f
}

// shouldRetry decides whether f is worth another attempt of op, and says
// why in words for the DEBUG log (after stripe-go's shouldRetry).
func (c *Client) shouldRetry(op operation, f failure, budget retryBudget) (bool, string) {
	switch f.kind {
	case kindThrottled:
		return true, "Wix answered 429 Too Many Requests: waiting as it asks (429s do not count against max_retries)"
	case kindNotSent, kindMaybeSent, kindServerError:
	default:
		return false, "the failure will not go away by sending the same request again"
	}
	what := map[failureKind]string{
		kindNotSent:     "the connection was refused before the request was sent",
		kindMaybeSent:   "the connection broke after the request was sent",
		kindServerError: "Wix answered " + strconv.Itoa(statusOf(f.err)) + ", try again later",
	}[f.kind]
	if f.kind != kindNotSent && op.repeat == notRepeatable {
		return false, what + ", and " + op.name + " is not safe to repeat: it may have reached Wix"
	}
	if budget.retries >= c.maxRetries {
		return false, what + ", and max_retries (" + strconv.Itoa(c.maxRetries) + ") are used up"
	}
	if f.kind == kindNotSent {
		return true, what + ": sending it again is safe for any call"
	}
	return true, what + ": " + op.name + " is safe to repeat"
}

// throttled feeds a 429 to the pacing: the call will be retried after
// wait (Retry-After, or backoff without it), every other call of the
// process pauses as long, and the process's budget drops, since it met a
// limit it did not spend alone (pacing.go). With pacing off
// (requests_per_minute = 0) nothing adapts.
func (c *Client) throttled(ctx context.Context, wait time.Duration) {
	if c.pacer != nil {
		c.pacer.throttled(ctx, c.pacer.now(), wait)
	}
}

func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// finalError is the error of an operation that is not retried further. A
// call that is not safe to repeat and may have reached Wix gets an
// UncertainError: the caller must find out whether it took effect.
func finalError(op operation, f failure) error {
	if f.err == nil {
		return nil
	}
	if op.repeat == notRepeatable && f.mayHaveActed() {
		return &UncertainError{Operation: op.name, Err: f.err}
	}
	return f.err
}

// mayHaveActed reports whether Wix may have carried out the attempt: the
// request may have arrived (a broken connection), or Wix answered without
// saying it had not (a 5xx, a 200 that is not its answer).
func (f failure) mayHaveActed() bool {
	return f.kind == kindMaybeSent || f.kind == kindServerError || f.kind == kindGarbled
}

// isRetryableStatus: Wix documents 429 and 500, 502, 503, 504 as "try again
// later"; every other status means the request itself must change.
func isRetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transportKind sorts a failure to get any answer. A refused connection,
// or a dial that failed otherwise, means the request never left. A reset
// or a connection closed before the answer (EOF) may come after Wix got
// the request. Anything else (a TLS failure, an unknown host, a timeout)
// will not heal by itself.
func transportKind(err error) failureKind {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr):
		// Not found will not heal; a DNS server that timed out may.
		if dnsErr.IsNotFound {
			return kindPermanent
		}
		return kindNotSent
	case errors.Is(err, syscall.ECONNREFUSED):
		return kindNotSent
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return kindNotSent
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return kindMaybeSent
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// The caller stopped waiting while the request was in flight.
		return kindMaybeSent
	}
	return kindPermanent
}

// maxRetryAfter caps what a Retry-After header can ask for. Larger values
// would overflow time.Duration (seconds times 1e9, or the jitter added to a
// far-away date) into a short or negative wait, retrying at once against a
// server that asked for rest. A day is beyond any create timeout anyway, so
// the retry loop reports that the next attempt would miss the deadline.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads both forms of Retry-After: seconds, or an HTTP date.
func parseRetryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	seconds, err := strconv.ParseInt(value, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && seconds > 0, err == nil && seconds > int64(maxRetryAfter/time.Second):
		return maxRetryAfter
	case err == nil && seconds > 0:
		return time.Duration(seconds) * time.Second
	case err == nil:
		return 0
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter)
	}
	return 0
}

// backoffPolicy is exponential backoff with "equal jitter": half of each
// step is fixed and half random, so retries never bunch up yet still grow.
type backoffPolicy struct {
	min, max time.Duration
}

func newBackoffPolicy(minimum, maximum time.Duration) backoffPolicy {
	if minimum <= 0 {
		minimum = DefaultMinBackoff
	}
	if maximum <= 0 {
		maximum = DefaultMaxBackoff
	}
	return backoffPolicy{min: minimum, max: max(maximum, minimum)}
}

// delay is the wait before retry number retry (0-based). A server's
// Retry-After is a floor: we wait at least that long, plus a little jitter
// so that many clients told the same second do not return together.
func (b backoffPolicy) delay(retry int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter + rand.N(retryAfter/10+time.Millisecond)
	}
	// Doubling stops at the maximum, so a large minimum or a far retry
	// cannot overflow into a short wait.
	step := b.min
	for i := 0; i < retry && step < b.max; i++ {
		if step > b.max/2 {
			step = b.max
		} else {
			step *= 2
		}
	}
	half := step / 2
	return half + rand.N(half+1)
}
