package wixsim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// rateLimiter is a token bucket per app installation: capacity perMinute,
// refilled steadily at perMinute per minute. That allows the documented
// "N requests per minute" as a burst yet keeps the long-run rate at N.
type rateLimiter struct {
	perMinute  int
	retryAfter bool
	buckets    map[caller]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute int, retryAfter bool) rateLimiter {
	return rateLimiter{perMinute: max(perMinute, 0), retryAfter: retryAfter, buckets: map[caller]*bucket{}}
}

// SetRateLimit replaces the limit; every installation starts with a full
// bucket. perMinute 0 turns limiting off.
func (s *Server) SetRateLimit(perMinute int, retryAfter bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limiter = newRateLimiter(perMinute, retryAfter)
}

// take spends one token for c, or reports how long until one is available.
func (l *rateLimiter) take(c caller, now time.Time) (bool, time.Duration) {
	if l.perMinute == 0 {
		return true, 0
	}
	perSecond := float64(l.perMinute) / 60
	b := l.buckets[c]
	if b == nil {
		b = &bucket{tokens: float64(l.perMinute), last: now}
		l.buckets[c] = b
	}
	b.tokens = math.Min(float64(l.perMinute), b.tokens+now.Sub(b.last).Seconds()*perSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
}

// allow answers 429 when c is over its rate.
func (s *Server) allow(w http.ResponseWriter, c caller) bool {
	s.mu.Lock()
	ok, wait := s.limiter.take(c, time.Now())
	limit, retryAfter := s.limiter.perMinute, s.limiter.retryAfter
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
		fmt.Sprintf("rate limit of %d requests per minute per app instance exceeded", limit))
	return false
}
