package wix

import (
	"context"
	"time"
)

// AccessToken returns the access token the client sends to Wix, and when it
// expires. It is the client's one token of the process: AccessToken fetches
// a token only when the client has none yet, or when the one it has is due
// for renewal, exactly as an API call would; callers that run at the same
// time share one fetch.
//
// expiresAt is the zero time for a ready access token (Config.AccessToken),
// whose expiry the client does not know. The token is a secret: never log
// it or put it in an error.
func (c *Client) AccessToken(ctx context.Context) (token string, expiresAt time.Time, err error) {
	token, err = c.tokens.token(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	if s, ok := c.tokens.(*appTokenSource); ok {
		return token, s.expiry(token), nil
	}
	return token, time.Time{}, nil
}

// expiry is when token lapses: the time Wix's expires_in gave when the
// source stored it. It is the zero time when token is no longer the one
// held, which only happens when a 401 dropped it in between.
func (s *appTokenSource) expiry(token string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != s.current {
		return time.Time{}
	}
	return s.expiresAt
}
