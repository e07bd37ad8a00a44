package wix

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// failure is the verdict on one failed attempt.
type failure struct {
	err          error
	retryable    bool
	unauthorized bool
	retryAfter   time.Duration // from a Retry-After header; 0 when absent
}

// classify turns an attempt's outcome into an error and says whether it is
// worth another try.
func classify(op operation, res *response, err error, attempt int) failure {
	if err != nil {
		var perm permanentError
		if errors.As(err, &perm) {
			return failure{err: fmt.Errorf("%s: %w", op.name, perm.err)}
		}
		return failure{
			err:       fmt.Errorf("%s: attempt %d: %w", op.name, attempt, err),
			retryable: isRetryableTransportError(err),
		}
	}
	apiErr := decodeAPIError(op.name, res.status, res.header, res.body)
	apiErr.Attempts = attempt
	return failure{
		err:          apiErr,
		retryable:    apiErr.Retryable(),
		unauthorized: res.status == http.StatusUnauthorized,
		retryAfter:   parseRetryAfter(res.header.Get("Retry-After"), time.Now()),
	}
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

// isRetryableTransportError: a reset or refused connection, or one closed
// before an answer, says nothing about the request, and Cancel Event is
// idempotent, so sending it again is safe. Anything else (a TLS failure, an
// unknown host) will not heal by itself.
func isRetryableTransportError(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF)
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
	if maximum < minimum {
		maximum = minimum
	}
	return backoffPolicy{min: minimum, max: maximum}
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
