package wixsim

import (
	"encoding/json"
	"net/http"
)

// Wix answers every error with the same envelope: a human message plus
// either an applicationError (business rule) or a validationError (request
// shape). Clients branch on those, so the simulator must never answer with
// plain text.
type wixError struct {
	Message string       `json:"message"`
	Details errorDetails `json:"details"`
}

type errorDetails struct {
	ApplicationError *applicationError `json:"applicationError,omitempty"`
	ValidationError  *validationError  `json:"validationError,omitempty"`
}

type applicationError struct {
	Code        string         `json:"code"`
	Description string         `json:"description"`
	Data        map[string]any `json:"data"`
}

type validationError struct {
	FieldViolations []fieldViolation `json:"fieldViolations"`
}

type fieldViolation struct {
	Field        string `json:"field"`
	Description  string `json:"description"`
	ViolatedRule string `json:"violatedRule"`
}

// Violated rules, spelled as in Wix's validation error enum.
const (
	ruleRequired     = "REQUIRED_FIELD"
	ruleNotAllowed   = "FIELD_NOT_ALLOWED"
	ruleFormat       = "FORMAT"
	ruleMinLength    = "MIN_LENGTH"
	ruleMaxLength    = "MAX_LENGTH"
	ruleMinSize      = "MIN_SIZE"
	ruleMaxSize      = "MAX_SIZE"
	ruleInvalidEnum  = "INVALID_ENUM_VALUE"
	ruleInvalidValue = "VALIDATION"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The client may have gone away; there is nobody to tell about it.
	_ = json.NewEncoder(w).Encode(v)
}

func writeAppError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, wixError{
		Message: message,
		Details: errorDetails{ApplicationError: &applicationError{
			Code:        code,
			Description: message,
			Data:        map[string]any{},
		}},
	})
}

// writeValidation answers 400 with every violation found, so one round trip
// shows a client author all their mistakes at once.
func writeValidation(w http.ResponseWriter, violations []fieldViolation) {
	msg := "invalid request: " + violations[0].Field + ": " + violations[0].Description
	writeJSON(w, http.StatusBadRequest, wixError{
		Message: msg,
		Details: errorDetails{ValidationError: &validationError{FieldViolations: violations}},
	})
}

// statusCode gives injected faults an applicationError code that matches the
// status, so clients that log the code see something plausible.
func statusCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ALREADY_EXISTS"
	case http.StatusPreconditionRequired:
		return "FAILED_PRECONDITION"
	case http.StatusTooManyRequests:
		return "TOO_MANY_REQUESTS"
	case http.StatusInternalServerError:
		return "INTERNAL"
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	default:
		return "SIMULATED_FAULT"
	}
}

func defaultMessage(status int) string {
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "simulated failure"
}
