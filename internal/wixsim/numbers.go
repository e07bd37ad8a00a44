package wixsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Wix keeps the numbers of a report's payload and of an automation's
// actions as doubles (protobuf's Struct values): it refuses a number no
// double holds, and answers the nearest double of any other, so that
// 9007199254740993 comes back as 9007199254740992. The simulator does the
// same [inferred from protobuf's JSON mapping, which refuses numbers out of
// a double's range].

// errNumberRange is a number beyond a double's range.
var errNumberRange = errors.New("is out of range for a double")

// asDoubles replaces every number in v (decoded with json.Number) by the
// double Wix keeps, and fails on one no double holds, naming where.
func asDoubles(at string, v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %w", at, x, errNumberRange)
		}
		return f, nil
	case []any:
		for i, item := range x {
			d, err := asDoubles(fmt.Sprintf("%s[%d]", at, i), item)
			if err != nil {
				return nil, err
			}
			x[i] = d
		}
	case map[string]any:
		for k, item := range x {
			d, err := asDoubles(at+"."+k, item)
			if err != nil {
				return nil, err
			}
			x[k] = d
		}
	}
	return v, nil
}

// actionsAsDoubles keeps an automation's action values as Wix does.
func actionsAsDoubles(actions map[string]map[string]any) error {
	for id, action := range actions {
		if _, err := asDoubles("configuration.actions."+id, action); err != nil {
			return err
		}
	}
	return nil
}

// numbersInRange fails on a number of a raw JSON value that no double holds.
func numbersInRange(at string, raw json.RawMessage) error {
	v, err := decodeJSONNumbers(raw)
	if err != nil {
		return nil // the shape checks report it
	}
	_, err = asDoubles(at, v)
	return err
}

func decodeJSONNumbers(raw json.RawMessage) (any, error) {
	var v any
	err := decodeNumbers(raw, &v)
	return v, err
}
