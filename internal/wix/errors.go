package wix

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

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
	Details struct {
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
		apiErr.Message = truncate(strings.TrimSpace(string(body)), 300)
		return apiErr
	}
	apiErr.Message = parsed.Message
	if ae := parsed.Details.ApplicationError; ae != nil {
		apiErr.Code = ae.Code
		apiErr.Description = ae.Description
	}
	if ve := parsed.Details.ValidationError; ve != nil {
		apiErr.FieldViolations = ve.FieldViolations
	}
	return apiErr
}

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
	ExternalEntityID string
	Code             string
	Description      string
	RequestID        string
}

func (e *ItemError) Error() string {
	msg := fmt.Sprintf("Bulk Cancel Event: Wix could not cancel external entity %s", e.ExternalEntityID)
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

// IsStatus reports whether err is an APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// truncate shortens s to at most limit bytes plus an ellipsis, cutting
// between characters: a message cut inside a multi-byte character would be
// invalid UTF-8, which Terraform's diagnostics and logs replace or reject.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
