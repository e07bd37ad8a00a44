package wixsim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// rateLimiter is Wix's documented limit ("200 requests per minute per app
// instance") in its strictest reading: per app installation, at most limit
// calls admitted in any window, a sliding one closed at both ends (a call
// exactly a window after another still shares its window). It keeps the
// times of the calls it admitted in the last window; calls it answers 429
// do not count. Unlike a token bucket, nothing lets a burst of more than
// the limit through at any moment.
type rateLimiter struct {
	limit      int
	window     time.Duration
	retryAfter bool
	now        func() time.Time
	admitted   map[caller][]time.Time // ascending
}

func newRateLimiter(limit int, window time.Duration, retryAfter bool, now func() time.Time) rateLimiter {
	if window <= 0 {
		window = time.Minute
	}
	if now == nil {
		now = time.Now
	}
	return rateLimiter{limit: max(limit, 0), window: window, retryAfter: retryAfter, now: now, admitted: map[caller][]time.Time{}}
}

// SetRateLimit replaces the limit with perMinute calls per minute; every
// installation starts with an empty window. perMinute 0 turns limiting off.
func (s *Server) SetRateLimit(perMinute int, retryAfter bool) {
	s.SetRateLimitWindow(perMinute, time.Minute, retryAfter)
}

// SetRateLimitWindow replaces the limit with limit calls in any window of
// the given length (tests use windows of a second or two); every
// installation starts with an empty window. limit 0 turns limiting off.
func (s *Server) SetRateLimitWindow(limit int, window time.Duration, retryAfter bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter = newRateLimiter(limit, window, retryAfter, s.limiter.now)
}

// take admits one call of c, or reports how long until the oldest call of
// c's window leaves it (a call that comes any moment after that finds
// room).
func (l *rateLimiter) take(c caller) (bool, time.Duration) {
	if l.limit == 0 {
		return true, 0
	}
	now := l.now()
	calls := l.admitted[c]
	horizon := now.Add(-l.window)
	i := 0
	for i < len(calls) && calls[i].Before(horizon) {
		i++
	}
	calls = calls[i:]
	if len(calls) < l.limit {
		l.admitted[c] = append(calls, now)
		return true, 0
	}
	l.admitted[c] = calls
	return false, calls[len(calls)-l.limit].Add(l.window).Sub(now)
}

// allow answers 429 when c is over its rate.
func (s *Server) allow(w http.ResponseWriter, c caller) bool {
	s.mu.Lock()
	ok, wait := s.limiter.take(c)
	limit, window, retryAfter := s.limiter.limit, s.limiter.window, s.limiter.retryAfter
	s.mu.Unlock()
	if ok {
		return true
	}
	if retryAfter {
		// Whole seconds, rounded up, and never 0: a 0 would invite an
		// immediate retry that is bound to fail.
		secs := max(1, int(math.Ceil(wait.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeAppError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS",
		fmt.Sprintf("rate limit of %d requests per %s per app instance exceeded", limit, windowWords(window)))
	return false
}

// windowWords says "minute" for Wix's window and the duration otherwise.
func windowWords(window time.Duration) string {
	if window == time.Minute {
		return "minute"
	}
	return window.String()
}
