package wixsim

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Wix's RequestedFields: what a call that returns automations may ask for
// beyond the default answer (the SDK's enum), at most 20 of them.
var requestedFieldValues = []string{"UNKNOWN_REQUESTED_FIELD", "OVERRIDE_SCHEMA", "FILTERABLE_EXTERNAL_VALUES", "FILTERABLE_APP_DEFINED_ACTIONS"}

const maxRequestedFields = 20

// requestedFields is what one call asked for with fields.
type requestedFields struct {
	// overrideSchema: Wix's Automations guide says Get and Create leave out
	// configuration.trigger.overrideSchema and the actions'
	// appDefinedInfo.overrideOutputSchema unless the call asks for
	// OVERRIDE_SCHEMA [doc]; the simulator does so on every call that
	// answers automations (Query and Update included [inferred]).
	overrideSchema bool
}

// requested reads the fields of a JSON body (Create, Update, Query send
// them beside automation or query).
func (f *fields) requested() requestedFields {
	raw, ok := f.raw("fields")
	if !ok {
		return requestedFields{}
	}
	var values []string
	if json.Unmarshal(raw, &values) != nil {
		f.violate("fields", ruleInvalidValue, "fields must be an array of strings, got %s", raw)
		return requestedFields{}
	}
	return f.requestedValues(values)
}

// requestedInQuery reads the fields of a GET, which the SDK sends in the
// query string, one fields= per value. It answers 400 itself for a bad one.
func requestedInQuery(w http.ResponseWriter, r *http.Request) (requestedFields, bool) {
	f := newFields(nil)
	rf := f.requestedValues(r.URL.Query()["fields"])
	if !f.ok() {
		writeValidation(w, *f.violations)
	}
	return rf, f.ok()
}

func (f *fields) requestedValues(values []string) requestedFields {
	if len(values) > maxRequestedFields {
		f.violate("fields", ruleMaxSize, "fields must hold at most %d items, got %d", maxRequestedFields, len(values))
	}
	var rf requestedFields
	for i, v := range values {
		if !contains(requestedFieldValues, v) {
			f.violate("fields["+strconv.Itoa(i)+"]", ruleInvalidEnum, "fields[%d] must be one of %v, got %q", i, requestedFieldValues, v)
		}
		rf.overrideSchema = rf.overrideSchema || v == "OVERRIDE_SCHEMA"
	}
	return rf
}

// answer is a as a call that asked for rf sees it: a copy, without the
// override schemas unless they were asked for.
func (rf requestedFields) answer(a *Automation) Automation {
	c := a.clone()
	if rf.overrideSchema {
		return c
	}
	c.Configuration.Trigger.OverrideSchema = nil
	for _, action := range c.Configuration.Actions {
		if info, ok := action["appDefinedInfo"].(map[string]any); ok {
			delete(info, "overrideOutputSchema")
		}
	}
	return c
}
