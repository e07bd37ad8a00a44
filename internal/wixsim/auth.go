package wixsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// token is what an access token stands for. Tokens are bound to one app
// installation, as Wix's client-credentials tokens are.
type token struct {
	caller
	expires time.Time
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// IssueToken mints a token directly, as if fetched elsewhere (a "ready access
// token"). ttl 0 means the server's TokenTTL; a negative ttl gives a token
// that is already expired. The app need not be registered.
func (s *Server) IssueToken(appID, instanceID string, ttl time.Duration) string {
	if ttl == 0 {
		ttl = s.tokenTTL
	}
	access := "OAUTH2." + rand.Text() + rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[access] = &token{caller: caller{appID, instanceID}, expires: time.Now().Add(ttl)}
	return access
}

// ExpireTokens makes every token issued so far answer 401 as expired; tokens
// issued afterwards are valid.
func (s *Server) ExpireTokens() {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.expires.After(now) {
			t.expires = now
		}
	}
}

// oauthError is how Wix's token endpoint answers a failure: Create Access
// Token says "details about the error in body ... follow the conventions
// of the IETF" [doc], that is RFC 6749 section 5.2 (the exact codes Wix
// picks for each case are [inferred]).
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, oauthError{Error: code, ErrorDescription: description})
}

// handleToken implements POST /oauth2/token (client credentials only).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method+" is not allowed; use POST")
		return
	}
	f, problem := tokenRequestFields(r, body)
	if problem != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", problem)
		return
	}
	f.only("grant_type", "client_id", "client_secret", "instance_id")
	grant, hasGrant := f.str("grant_type", true)
	appID, _ := f.str("client_id", true)
	secret, _ := f.str("client_secret", true)
	instanceID, _ := f.str("instance_id", true)
	if hasGrant && grant != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", `grant_type must be "client_credentials", got `+strconv.Quote(grant))
		return
	}
	if !f.ok() {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", describeViolations(*f.violations))
		return
	}
	if status, code, msg := s.checkCredentials(appID, secret, instanceID); status != 0 {
		writeOAuthError(w, status, code, msg)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: s.IssueToken(appID, instanceID, s.tokenTTL),
		TokenType:   "Bearer",
		ExpiresIn:   max(1, int(s.tokenTTL/time.Second)),
	})
}

// tokenRequestFields reads the token call's JSON object, or says what is
// wrong with its body.
func tokenRequestFields(r *http.Request, body []byte) (*fields, string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, "Content-Type must be application/json, got " + strconv.Quote(r.Header.Get("Content-Type"))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, "the request body must be a JSON object"
	}
	return newFields(obj), ""
}

// describeViolations lists field violations in one sentence, for an OAuth
// error_description.
func describeViolations(vs []fieldViolation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Field + ": " + v.Description
	}
	return strings.Join(parts, "; ")
}

// checkCredentials returns a non-zero status and an OAuth error code when
// the app may not have a token for that instance. Unknown app and wrong
// secret look the same, so that the endpoint does not reveal which app ids
// exist.
func (s *Server) checkCredentials(appID, secret, instanceID string) (int, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[appID]
	if a == nil || subtle.ConstantTimeCompare([]byte(a.secret), []byte(secret)) != 1 {
		return http.StatusUnauthorized, "invalid_client", "invalid client_id or client_secret"
	}
	if !a.instances[instanceID] {
		return http.StatusBadRequest, "invalid_grant",
			"app " + appID + " is not installed on instance " + instanceID
	}
	return 0, "", ""
}

// authenticate resolves the raw token in Authorization. Wix wants the token
// exactly as issued; a "Bearer " prefix is refused with a message that says
// so, because that is the mistake clients make (token_type says Bearer).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (caller, bool) {
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0 || values[0] == "":
		writeAppError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "missing Authorization header")
		return caller{}, false
	case len(values) > 1:
		writeAppError(w, http.StatusUnauthorized, "INVALID_TOKEN", "more than one Authorization header")
		return caller{}, false
	case strings.HasPrefix(strings.ToLower(values[0]), "bearer "):
		writeAppError(w, http.StatusUnauthorized, "INVALID_TOKEN",
			`the access token must be sent raw in the Authorization header, without a "Bearer " prefix`)
		return caller{}, false
	}
	return s.lookupToken(w, values[0])
}

func (s *Server) lookupToken(w http.ResponseWriter, access string) (caller, bool) {
	s.mu.Lock()
	t, found := s.tokens[access]
	var tok token
	if found {
		tok = *t // copied under the lock, since ExpireTokens rewrites expiry
	}
	s.mu.Unlock()
	switch {
	case !found:
		writeAppError(w, http.StatusUnauthorized, "INVALID_TOKEN", "invalid access token")
		return caller{}, false
	case !time.Now().Before(tok.expires):
		writeAppError(w, http.StatusUnauthorized, "EXPIRED_TOKEN", "token expired")
		return caller{}, false
	}
	return tok.caller, true
}
