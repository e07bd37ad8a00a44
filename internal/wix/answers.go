package wix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// wixAlwaysSets is the rule of what makes a 200 Wix's answer, by call:
// the fields Wix sets in every answer to it (and errorForm, for every
// call: an answer is never an error). An answer that lacks one is
// garbled (a proxy's stand-in, a truncated or rewritten body), and is
// never trusted, least of all as "no automations" or "nothing failed":
// in the retirement recipe a Query read as empty would plan to destroy
// everything it adopted.
//
// A list Wix may leave out when empty (protobuf's JSON omits empty lists)
// is not here: Query's automations and Report Event's activationIds may be
// absent. What is here: a Query always answers pagingMetadata (the SDK's
// pages read its cursors from it); an automation always has an id and a
// revision (read-only fields Wix fills in); a bulk call answers one result
// per item, so a results list is never empty and never left out; a token
// answer carries the token.
var wixAlwaysSets = map[string][]string{
	opCreateAutomation: {"automation.id", "automation.revision"},
	opGetAutomation:    {"automation.id", "automation.revision"},
	opUpdateAutomation: {"automation.id", "automation.revision"},
	opQuery:            {"pagingMetadata"},
	opBulkCancel:       {"results"},
	opBulkReport:       {"results"},
	opToken:            {"access_token"},
}

// lacking is the first field of wixAlwaysSets[operation] that body lacks
// (absent, null, or an empty string), or "" when it has them all.
func lacking(operation string, body []byte) string {
	for _, path := range wixAlwaysSets[operation] {
		if !hasField(body, strings.Split(path, ".")) {
			return path
		}
	}
	return ""
}

// hasField says whether the JSON object body holds a value at path.
func hasField(body []byte, path []string) bool {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return false
	}
	v, ok := obj[path[0]]
	switch {
	case !ok || bytes.Equal(v, []byte("null")) || bytes.Equal(v, []byte(`""`)):
		return false
	case len(path) > 1:
		return hasField(v, path[1:])
	}
	return true
}

// errorForm names the error form of a JSON object, or "" when it is in
// none. No call's answer is an error, so a 200 in either form is garbled
// whatever the call: Wix's own form (a "message" string and a "details"
// object, which Wix's SDK reads from every failure), and OAuth's (an
// "error" string, RFC 6749 section 5.2), which Wix's token endpoint and
// gateways answer. No success Wix documents has either at its top level:
// Cancel Event and Delete Automation answer {}, Report Event
// {"activationIds"}, the bulk calls {"triggerKey","results",
// "bulkActionMetadata"}, the automation calls {"automation"}, Query
// {"automations","pagingMetadata"}, the token call {"access_token",
// "token_type","expires_in"}. Only the top level is read: a per-item
// error or a payload field named "message" below it is Wix's answer.
func errorForm(body []byte) string {
	var oauth struct {
		Error *string `json:"error"`
	}
	switch {
	case isWixErrorBody(body):
		return "Wix's form (message and details)"
	case json.Unmarshal(body, &oauth) == nil && oauth.Error != nil:
		return "OAuth's form (error)"
	}
	return ""
}

// checkAnswer fails an answer that lacks what Wix always sets in it, or
// that is an error. Lacking comes first: a bulk answer without its
// results, error or not, leaves each item without a result, and each
// goes out again (lacksResults).
func checkAnswer(op operation, res *response) error {
	if field := lacking(op.name, res.body); field != "" {
		return &answerLacksError{op: op.name, field: field, requestID: res.requestID}
	}
	if form := errorForm(res.body); form != "" {
		return &answerIsErrorError{op: op.name, form: form, excerpt: truncate(string(bytes.TrimSpace(res.body)), maxExcerpt),
			requestID: res.requestID}
	}
	return nil
}

// answerIsErrorError is a 200 whose object is an error (errorForm): a
// gateway's or a proxy's "200 with an error", not Wix's answer to the
// call, and never its confirmation.
type answerIsErrorError struct{ op, form, excerpt, requestID string }

func (e *answerIsErrorError) Error() string {
	return fmt.Sprintf("%s: the answer was HTTP 200, but its body is an error in %s, not this call's answer, so it "+
		"was not taken as success. %s; it began: %q (x-wix-request-id: %s)", e.op, e.form, likelyStandIn, e.excerpt,
		orNone(e.requestID))
}

// answerLacksError is a 200 that lacks what Wix sets in every answer to
// the call (wixAlwaysSets): not Wix's answer.
type answerLacksError struct{ op, field, requestID string }

func (e *answerLacksError) Error() string {
	return fmt.Sprintf("%s: the answer was HTTP 200, but it lacks %s, which Wix sets in every answer to this call, "+
		"so it was not taken as Wix's answer. %s (x-wix-request-id: %s)", e.op, e.field, likelyStandIn, orNone(e.requestID))
}

// likelyStandIn says where a 200 that is not Wix's answer comes from, and
// what to check: it is not Wix support's to find.
const likelyStandIn = "A gateway or proxy in front of Wix, or a wrong base_url (WIX_BASE_URL), is the likely cause: " +
	"check them, then run Terraform again"

// orNone is a request id as messages show it: "none" when the answer had
// none, which says that it did not come from Wix.
func orNone(requestID string) string {
	if requestID == "" {
		return "none"
	}
	return requestID
}

// lacksResults reports whether err is a bulk answer without its results,
// which leaves every item of the call without a result of its own, and
// returns the answer's request id.
func lacksResults(err error) (requestID string, ok bool) {
	var lacks *answerLacksError
	if errors.As(err, &lacks) && lacks.field == "results" {
		return lacks.requestID, true
	}
	return "", false
}
