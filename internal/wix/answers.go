package wix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// wixAlwaysSets is the one rule of what makes a 200 Wix's answer, by call:
// the fields Wix sets in every answer to it. An answer that lacks one is
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

// checkAnswer fails an answer that lacks what Wix always sets in it.
func checkAnswer(op operation, res *response) error {
	if field := lacking(op.name, res.body); field != "" {
		return &answerLacksError{op: op.name, field: field, requestID: res.requestID}
	}
	return nil
}

// answerLacksError is a 200 that lacks what Wix sets in every answer to
// the call (wixAlwaysSets): not Wix's answer.
type answerLacksError struct{ op, field, requestID string }

func (e *answerLacksError) Error() string {
	return fmt.Sprintf("%s: Wix answered 200, but the answer lacks %s, which Wix sets in every answer to this call; "+
		"it was not taken as Wix's answer (x-wix-request-id: %s)", e.op, e.field, e.requestID)
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
