package wix

import (
	"context"
	"time"
)

// Logger receives the client's structured logs. The provider forwards them to
// tflog; the interface keeps Terraform out of this package.
//
// Info carries one line per answer Wix gave (CallAnswered), and nothing
// else: what a user can read at TF_LOG_PROVIDER=INFO to tell which Wix call
// a run made and which request id Wix gave it, without the bodies of DEBUG.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// redacted stands in for anything secret. The Authorization header is never
// passed to the logger at all, and the bodies of the token call (the app
// secret going out, the access token coming back) are replaced by this.
const redacted = "[redacted]"

// redactingLogger masks the client's secrets in every message and every
// string or error field before the logger sees them: an error body that
// quotes a token is logged like any other body.
type redactingLogger struct {
	next     Logger
	redactor *redactor
}

func (l redactingLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.next.Debug(ctx, l.redactor.redact(msg), l.mask(fields))
}

func (l redactingLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	l.next.Info(ctx, l.redactor.redact(msg), l.mask(fields))
}

func (l redactingLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	l.next.Warn(ctx, l.redactor.redact(msg), l.mask(fields))
}

// mask is fields with every string and error masked.
func (l redactingLogger) mask(fields map[string]any) map[string]any {
	masked := make(map[string]any, len(fields))
	for k, v := range fields {
		switch v := v.(type) {
		case string:
			masked[k] = l.redactor.redact(v)
		case error:
			masked[k] = l.redactor.redact(v.Error())
		default:
			masked[k] = v
		}
	}
	return masked
}

func (c *Client) logRequest(ctx context.Context, op operation, target string, payload []byte, attempt int) {
	fields := map[string]any{
		"operation": op.name,
		"method":    op.httpMethod(),
		"url":       target,
		"attempt":   attempt,
	}
	if payload != nil {
		fields["body"] = c.logBody(op, payload)
	}
	c.log.Debug(ctx, "Sending Wix API request", fields)
}

func (c *Client) logResponse(ctx context.Context, op operation, res *response, attempt int, took time.Duration) {
	fields := map[string]any{
		"operation":        op.name,
		"status":           res.status,
		"attempt":          attempt,
		"x_wix_request_id": res.requestID,
		"duration_ms":      took.Milliseconds(),
		"body":             c.logBody(op, res.body),
	}
	c.log.Debug(ctx, "Received Wix API response", fields)
	c.logAnswer(ctx, op, res, attempt, took)
}

// CallAnswered is the message of the INFO line the client logs once per
// answer from Wix, retries included. Its fields are FieldOperation,
// FieldStatus, FieldRequestID, "attempt" and "duration_ms": never a body,
// a header or a URL, so that the line holds no secret and no personal data
// and can be pasted into a bug report as it is.
const (
	CallAnswered   = "Wix API call answered"
	FieldOperation = "operation"
	FieldStatus    = "status"
	FieldRequestID = "x_wix_request_id"
)

// logAnswer logs the INFO line of one answer (see CallAnswered).
func (c *Client) logAnswer(ctx context.Context, op operation, res *response, attempt int, took time.Duration) {
	c.log.Info(ctx, CallAnswered, map[string]any{
		FieldOperation: op.name,
		FieldStatus:    res.status,
		FieldRequestID: res.requestID,
		"attempt":      attempt,
		"duration_ms":  took.Milliseconds(),
	})
}

func (c *Client) logTransportError(ctx context.Context, op operation, attempt int, err error) {
	c.log.Debug(ctx, "Wix API request failed before an answer", map[string]any{
		"operation": op.name,
		"attempt":   attempt,
		"error":     err.Error(),
	})
}

// logBody is body as the log shows it: masked first, then cut, so that a
// secret across the cut cannot leave its first part unmasked.
func (c *Client) logBody(op operation, body []byte) string {
	if op.sensitive {
		return redacted
	}
	return truncate(c.redactor.redact(string(body)), 2000)
}
