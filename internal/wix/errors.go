package wix

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxExcerpt bounds how much of an answer that is not Wix's format an
// error quotes: enough to recognize a proxy's page, not enough to flood a
// terminal.
const maxExcerpt = 200

// APIError is a non-200 answer from Wix, decoded from Wix's error format.
type APIError struct {
	// Operation names the call, e.g. "Cancel Event".
	Operation string
	// StatusCode is the HTTP status Wix answered with.
	StatusCode int
	// Message is Wix's top-level "message".
	Message string
	// Code is details.applicationError.code, when present.
	Code string
	// Description is details.applicationError.description, when present.
	Description string
	// FieldViolations are details.validationError.fieldViolations, when present.
	FieldViolations []FieldViolation
	// OAuthError and OAuthErrorDescription are "error" and
	// "error_description" of an answer in OAuth form (RFC 6749 section
	// 5.2), which is how Wix's token endpoint answers a failure.
	OAuthError            string
	OAuthErrorDescription string
	// RequestID is the x-wix-request-id header: what Wix support asks for.
	RequestID string
	// Attempts is how many times the call was sent before giving up.
	Attempts int
}

// FieldViolation is one entry of a Wix validation error.
type FieldViolation struct {
	Field        string `json:"field"`
	Description  string `json:"description"`
	ViolatedRule string `json:"violatedRule"`
}

type wixErrorBody struct {
	Message string `json:"message"`
	// OAuthError is raw: in a body that is not in OAuth form it may be
	// anything, and must not spoil reading the rest.
	OAuthError            json.RawMessage `json:"error"`
	OAuthErrorDescription string          `json:"error_description"`
	Details               struct {
		ApplicationError *struct {
			Code        string `json:"code"`
			Description string `json:"description"`
		} `json:"applicationError"`
		ValidationError *struct {
			FieldViolations []FieldViolation `json:"fieldViolations"`
		} `json:"validationError"`
	} `json:"details"`
}

// decodeAPIError builds an APIError from a response status, header and body.
// Any body is accepted: when it is not Wix's JSON error format the first part
// of it becomes the message, so a proxy's HTML error page still says something.
func decodeAPIError(operation string, status int, header http.Header, body []byte) *APIError {
	apiErr := &APIError{
		Operation:  operation,
		StatusCode: status,
		RequestID:  header.Get("x-wix-request-id"),
	}
	var parsed wixErrorBody
	if err := json.Unmarshal(body, &parsed); err != nil {
		apiErr.Message = truncate(strings.TrimSpace(string(body)), maxExcerpt)
		return apiErr
	}
	apiErr.Message = parsed.Message
	if json.Unmarshal(parsed.OAuthError, &apiErr.OAuthError) == nil {
		apiErr.OAuthErrorDescription = parsed.OAuthErrorDescription
	}
	if ae := parsed.Details.ApplicationError; ae != nil {
		apiErr.Code = ae.Code
		apiErr.Description = ae.Description
	}
	if ve := parsed.Details.ValidationError; ve != nil {
		apiErr.FieldViolations = ve.FieldViolations
	}
	return apiErr
}

// mask masks secrets in Wix's words once decoded: a body may quote a
// secret JSON-escaped inside a JSON string, which reads as the escaped
// form only after decoding.
func (e *APIError) mask(redact func(string) string) {
	e.Message, e.Code, e.Description = redact(e.Message), redact(e.Code), redact(e.Description)
	e.OAuthError, e.OAuthErrorDescription = redact(e.OAuthError), redact(e.OAuthErrorDescription)
	for i, v := range e.FieldViolations {
		e.FieldViolations[i] = FieldViolation{Field: redact(v.Field), Description: redact(v.Description), ViolatedRule: redact(v.ViolatedRule)}
	}
}

// Error names the call, the status and Wix's words for what went wrong.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d %s", e.Operation, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (application error %s", e.Code)
		if e.Description != "" && e.Description != e.Message {
			fmt.Fprintf(&b, ": %s", e.Description)
		}
		b.WriteString(")")
	}
	if e.OAuthError != "" {
		fmt.Fprintf(&b, " (OAuth error %s", e.OAuthError)
		if e.OAuthErrorDescription != "" {
			fmt.Fprintf(&b, ": %s", e.OAuthErrorDescription)
		}
		b.WriteString(")")
	}
	for _, v := range e.FieldViolations {
		fmt.Fprintf(&b, "; field %q: %s", v.Field, v.Description)
		if v.ViolatedRule != "" {
			fmt.Fprintf(&b, " (rule %s)", v.ViolatedRule)
		}
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "; gave up after %d attempts", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "; x-wix-request-id: %s", e.RequestID)
	}
	return b.String()
}

// Retryable reports whether Wix asks the caller to try again later.
func (e *APIError) Retryable() bool {
	return isRetryableStatus(e.StatusCode)
}

// ItemError is a per-item failure inside a 200 answer to a bulk call.
type ItemError struct {
	// Operation names the bulk call, e.g. "Bulk Cancel Event".
	Operation string
	// ExternalEntityID is the item's external entity id.
	ExternalEntityID string
	// Code and Description are Wix's itemMetadata.error, when present.
	Code        string
	Description string
	// RequestID is the x-wix-request-id of the bulk answer.
	RequestID string
}

// Error says which item failed and Wix's words for why.
func (e *ItemError) Error() string {
	msg := fmt.Sprintf("%s: Wix reported a failure for external entity %s", e.Operation, e.ExternalEntityID)
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.RequestID != "" {
		msg += "; x-wix-request-id: " + e.RequestID
	}
	return msg
}

// ErrMayHaveReachedWix is matched (errors.Is) by every UncertainError.
var ErrMayHaveReachedWix = errors.New("the request may have reached Wix, so whether it took effect is unknown")

// UncertainError is the failure of a call that is not safe to repeat
// (Create Automation, a report without an idempotency key) after the
// request may have reached Wix: a connection that broke after sending, a
// 5xx, or a caller that stopped waiting. The call is not sent again; the
// caller must find out whether it took effect before trying anew.
type UncertainError struct {
	// Operation names the call.
	Operation string
	// Err is the last attempt's failure.
	Err error
}

// Error says that the outcome is unknown, and why.
func (e *UncertainError) Error() string {
	return fmt.Sprintf("%v; %s is not safe to repeat and the request may have reached Wix, so it was not sent again and whether it took effect is unknown", e.Err, e.Operation)
}

// Unwrap returns the last attempt's failure.
func (e *UncertainError) Unwrap() error { return e.Err }

// Is matches ErrMayHaveReachedWix.
func (e *UncertainError) Is(target error) bool { return target == ErrMayHaveReachedWix }

// UnexpectedResponseError is an answer that is not Wix's: a redirect
// (Wix's API never redirects), a success status other than 200, or a 200
// whose body is not a JSON object (an HTML sign-in page, an empty body).
// Such an answer comes from a proxy, a captive portal or a wrong base_url,
// and is never taken as success; it is not retried either, as such a page
// does not heal by itself.
type UnexpectedResponseError struct {
	// Operation names the call.
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// ContentType is the answer's Content-Type header.
	ContentType string
	// LocationHost is the host a redirect points to (never its path or query).
	LocationHost string
	// Excerpt is the start of the body, at most 200 bytes, secrets masked.
	Excerpt string
	// RequestID is the x-wix-request-id header, when present.
	RequestID string
}

func unexpectedResponse(op string, res *response, body []byte) *UnexpectedResponseError {
	e := &UnexpectedResponseError{
		Operation:   op,
		StatusCode:  res.status,
		ContentType: res.header.Get("Content-Type"),
		Excerpt:     truncate(strings.TrimSpace(string(body)), maxExcerpt),
		RequestID:   res.requestID,
	}
	if isRedirect(res.status) {
		e.LocationHost = "(none given)"
		if loc, err := url.Parse(res.header.Get("Location")); err == nil && loc.Host != "" {
			e.LocationHost = loc.Host
		} else if err == nil && res.header.Get("Location") != "" {
			e.LocationHost = "(the same host)"
		}
	}
	return e
}

func isRedirect(status int) bool { return status >= 300 && status < 400 }

// Error names the call, the status and what to check.
func (e *UnexpectedResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d %s", e.Operation, e.StatusCode, http.StatusText(e.StatusCode))
	if isRedirect(e.StatusCode) {
		fmt.Fprintf(&b, " redirecting to host %s: Wix's API does not redirect, so no redirect is followed; "+
			"a proxy or a wrong base_url is the likely cause", e.LocationHost)
	} else {
		contentType := e.ContentType
		if contentType == "" {
			contentType = "none"
		}
		fmt.Fprintf(&b, " with content type %s is not an answer from Wix, which answers HTTP 200 with a JSON object; "+
			"it was not taken as success. A proxy, a captive portal or a wrong base_url is the likely cause", contentType)
		if e.Excerpt != "" {
			fmt.Fprintf(&b, "; the answer began: %q", e.Excerpt)
		}
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "; x-wix-request-id: %s", e.RequestID)
	}
	return b.String()
}

// IsStatus reports whether err is an APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// IsNotFound reports whether err is Wix's 404: the entity does not exist
// (or no longer does). Only a 404 in Wix's own error format says so; any
// other 404 is a *RoutingMissError, which this does not match.
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

// rejectedCredentialCodes are the OAuth error codes (RFC 6749 section
// 5.2) that say the app's credentials themselves are wrong: an unknown
// app or secret, an instance the app may not act for, an app not allowed
// the client credentials grant.
var rejectedCredentialCodes = map[string]bool{"invalid_client": true, "invalid_grant": true, "unauthorized_client": true}

// IsRejectedCredentials reports whether Wix refused the credentials: a
// 401 from any call (a token or a secret Wix does not accept), or a token
// endpoint answer whose OAuth error says the client is invalid, the grant
// (here, the instance) is invalid, or the client may not use this grant.
func IsRejectedCredentials(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusUnauthorized || rejectedCredentialCodes[apiErr.OAuthError]
}

// IsUnreachable reports whether no answer came from the API at all: the
// connection could not be made (refused, an unknown host, no route) or
// broke before an answer. Such a call has no x-wix-request-id; what to
// check is the base URL and the network path to it, not Wix.
func IsUnreachable(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr)
}

// IsConflict reports whether err is Wix's 409 or 428: the entity changed
// since the revision that was sent.
func IsConflict(err error) bool {
	return IsStatus(err, http.StatusConflict) || IsStatus(err, http.StatusPreconditionRequired)
}

// ellipsis marks a cut text.
const ellipsis = "…"

// truncate shortens s to at most limit bytes, the ellipsis included,
// cutting between characters: a message cut inside a multi-byte character
// would be invalid UTF-8, which Terraform's diagnostics and logs replace or
// reject.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := max(limit-len(ellipsis), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// isWixErrorBody says whether body is Wix's own error format: a JSON
// object with a "message" string and a "details" object, as Wix's errors
// article describes every error it answers [doc]. A gateway, a web server
// or a proxy answers other bodies (plain text, HTML, nothing, or JSON such
// as {"message":"Not Found"} without details), which say nothing about the
// entity the call was about [our reading].
func isWixErrorBody(body []byte) bool {
	var parsed struct {
		Message *string                     `json:"message"`
		Details *map[string]json.RawMessage `json:"details"`
	}
	return json.Unmarshal(body, &parsed) == nil && parsed.Message != nil && parsed.Details != nil && *parsed.Details != nil
}

// RoutingMissError is a 404 without Wix's JSON error body: the path asked
// for is not served where the call went (a wrong base_url, a proxy in
// between, an API root the gateway does not serve). Unlike Wix's own 404
// it says nothing about whether the automation, event or token exists, so
// nothing is taken as gone and no delete counts as done. It is not
// retried: a routing miss does not heal by itself.
type RoutingMissError struct {
	// Operation names the call.
	Operation string
	// Method is the HTTP method of the call.
	Method string
	// Paths are the URL paths tried, in order (base_url's path included,
	// the query string left out).
	Paths []string
	// ContentType is the answer's Content-Type header.
	ContentType string
	// Excerpt is the start of the body, at most 200 bytes, secrets masked.
	Excerpt string
	// RequestID is the x-wix-request-id header, when present.
	RequestID string
}

func routingMiss(op operation, res *response, body []byte) *RoutingMissError {
	return &RoutingMissError{
		Operation: op.name, Method: op.httpMethod(), Paths: []string{res.path},
		ContentType: res.header.Get("Content-Type"),
		Excerpt:     truncate(strings.TrimSpace(string(body)), maxExcerpt),
		RequestID:   res.requestID,
	}
}

// Error names the call, the paths tried and the likely cause.
func (e *RoutingMissError) Error() string {
	var b strings.Builder
	contentType := e.ContentType
	if contentType == "" {
		contentType = "none"
	}
	fmt.Fprintf(&b, "%s: HTTP 404 Not Found for %s %s", e.Operation, e.Method, strings.Join(e.Paths, ", then "))
	fmt.Fprintf(&b, ", with content type %s and not Wix's JSON error body: the path is not served there, so this "+
		"says nothing about whether what the call was about exists. A wrong base_url, a proxy in between, or an API "+
		"path this host does not serve is the likely cause", contentType)
	if e.Excerpt != "" {
		fmt.Fprintf(&b, "; the answer began: %q", e.Excerpt)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "; x-wix-request-id: %s", e.RequestID)
	}
	return b.String()
}
