// Package automationjson decides when two JSON documents of an automation's
// actions mean the same to a user, so that wix_automation shows no diff for
// what is only a different spelling or for values Wix adds on its own.
//
// Two rules, each for a different source of noise:
//   - Equal: same JSON value, whatever the key order, spacing or number
//     spelling (1 and 1.0). This is what jsontypes.Normalized compares,
//     except that numbers are compared as the doubles Wix keeps them as.
//   - Covers: Wix's answer holds everything the configuration says, plus
//     only what Wix fills in by itself (an action's id, its namespace, the
//     type its info field implies, and fields left at their zero value),
//     and an app-defined action's overrideOutputSchema when the
//     configuration sets none (Wix and the app keep it; the provider
//     carries it into every update). Anything else Wix holds is drift,
//     such as an action added or changed in the dashboard.
//
// No library offers the second rule: it encodes what Wix's Automations API
// adds to an action (see shared wire notes), so it is written here.
package automationjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"sort"
	"strconv"
)

// generatedKeys are the fields of an action that Wix fills in when they are
// absent: an id (equal to the action's key in the map) and a namespace.
var generatedKeys = map[string]bool{"id": true, "namespace": true}

// derivedTypes maps an action's one-of info field to the type Wix fills in
// when the action leaves type out (appDefinedInfo means APP_DEFINED).
var derivedTypes = map[string]string{
	"appDefinedInfo": "APP_DEFINED",
	"conditionInfo":  "CONDITION",
	"delayInfo":      "DELAY",
	"rateLimitInfo":  "RATE_LIMIT",
}

// Decode parses a JSON document, keeping numbers exact.
func Decode(doc string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

// Equal reports whether two JSON documents hold the same value.
func Equal(a, b string) bool {
	va, errA := Decode(a)
	vb, errB := Decode(b)
	if errA != nil || errB != nil {
		return false
	}
	return equalValues(va, vb)
}

func equalValues(a, b any) bool {
	na, aNum := a.(json.Number)
	nb, bNum := b.(json.Number)
	if aNum || bNum {
		return aNum && bNum && sameNumber(na, nb)
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok || !equalValues(x, y) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalValues(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// sameNumber compares two numbers as Wix will give them back: Wix keeps
// action values as doubles, so 9007199254740993 written in the
// configuration comes back as 9007199254740992, and the two are the same
// value to Wix (the plan warns that a digit is lost). Numbers beyond a
// double's range, which the plan refuses, are compared exactly.
func sameNumber(a, b json.Number) bool {
	da, errA := strconv.ParseFloat(string(a), 64)
	db, errB := strconv.ParseFloat(string(b), 64)
	if errA == nil && errB == nil {
		return da == db
	}
	fa, _, errA := big.ParseFloat(string(a), 10, 512, big.ToNearestEven)
	fb, _, errB := big.ParseFloat(string(b), 10, 512, big.ToNearestEven)
	if errA != nil || errB != nil {
		return a == b
	}
	return fa.Cmp(fb) == 0
}

// Number is one number of a JSON document: where it is, and its text.
type Number struct {
	// Path is where it is, as in actions["<id>"].appDefinedInfo.inputMapping.n.
	Path string
	Text string
}

// Numbers lists every number of a JSON document, in key order, each with
// its path below root (such as "actions").
func Numbers(root, doc string) ([]Number, error) {
	v, err := Decode(doc)
	if err != nil {
		return nil, err
	}
	var out []Number
	collectNumbers(root, v, &out)
	return out, nil
}

func collectNumbers(at string, v any, out *[]Number) {
	switch x := v.(type) {
	case json.Number:
		*out = append(*out, Number{Path: at, Text: string(x)})
	case []any:
		for i, item := range x {
			collectNumbers(fmt.Sprintf("%s[%d]", at, i), item, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			collectNumbers(memberPath(at, k), x[k], out)
		}
	}
}

// memberPath writes a member as HCL would: .name for identifiers, ["key"]
// for anything else (action ids, which start with digits or hold dashes).
func memberPath(at, key string) string {
	if identifier.MatchString(key) {
		return at + "." + key
	}
	return fmt.Sprintf("%s[%q]", at, key)
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Covers reports whether Wix's actions map (remote) says what the
// configured one (config) says, allowing only what Wix adds by itself.
// Both are the JSON of configuration.actions: action id -> action.
func Covers(config, remote string) bool {
	vc, errC := Decode(config)
	vr, errR := Decode(remote)
	if errC != nil || errR != nil {
		return false
	}
	cActions, okC := vc.(map[string]any)
	rActions, okR := vr.(map[string]any)
	if !okC || !okR || len(cActions) != len(rActions) {
		return false
	}
	for id, action := range cActions {
		remoteAction, ok := rActions[id]
		if !ok || !actionCovered(id, action, remoteAction) {
			return false
		}
	}
	return true
}

func actionCovered(id string, config, remote any) bool {
	cm, okC := config.(map[string]any)
	rm, okR := remote.(map[string]any)
	if !okC || !okR {
		return equalValues(config, remote)
	}
	for k, v := range rm {
		if _, inConfig := cm[k]; inConfig {
			continue
		}
		if k == "id" && v != id {
			return false
		}
		if k == "type" && v == derivedType(cm) {
			continue
		}
		if !generatedKeys[k] && !isZero(v) {
			return false
		}
	}
	for k, v := range cm {
		rv, ok := rm[k]
		if !ok {
			if isZero(v) {
				continue // Wix may drop a zero value the user wrote
			}
			return false
		}
		if k == "appDefinedInfo" {
			rv = withoutUnsetOverride(v, rv)
		}
		if !valueCovered(v, rv) {
			return false
		}
	}
	return true
}

// overrideOutputSchema is kept by Wix in an app-defined action's info; an
// update carries it over when the configuration leaves it out.
const overrideOutputSchema = "overrideOutputSchema"

// withoutUnsetOverride is Wix's appDefinedInfo without its
// overrideOutputSchema when the configured one has none, so that the
// schema Wix keeps is no drift.
func withoutUnsetOverride(config, remote any) any {
	cm, okC := config.(map[string]any)
	rm, okR := remote.(map[string]any)
	if !okC || !okR {
		return remote
	}
	if _, set := cm[overrideOutputSchema]; set {
		return remote
	}
	if _, has := rm[overrideOutputSchema]; !has {
		return remote
	}
	out := make(map[string]any, len(rm)-1)
	for k, v := range rm {
		if k != overrideOutputSchema {
			out[k] = v
		}
	}
	return out
}

// derivedType is the type Wix fills in for an action with this info field,
// or "" when the action has none.
func derivedType(action map[string]any) string {
	for info, typ := range derivedTypes {
		if _, ok := action[info]; ok {
			return typ
		}
	}
	return ""
}

// valueCovered applies the same tolerance below the action: Wix may add
// zero-valued fields to nested objects (empty lists, false flags).
func valueCovered(config, remote any) bool {
	cm, okC := config.(map[string]any)
	rm, okR := remote.(map[string]any)
	if okC && okR {
		for k, v := range rm {
			if _, inConfig := cm[k]; !inConfig && !isZero(v) {
				return false
			}
		}
		for k, v := range cm {
			rv, ok := rm[k]
			if (!ok && !isZero(v)) || (ok && !valueCovered(v, rv)) {
				return false
			}
		}
		return true
	}
	cl, okC := config.([]any)
	rl, okR := remote.([]any)
	if okC && okR {
		if len(cl) != len(rl) {
			return false
		}
		for i := range cl {
			if !valueCovered(cl[i], rl[i]) {
				return false
			}
		}
		return true
	}
	return equalValues(config, remote)
}

// isZero: the values Wix fills in for fields nobody set.
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case json.Number:
		return sameNumber(x, "0")
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
