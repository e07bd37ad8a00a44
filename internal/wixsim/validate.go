package wixsim

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"unicode/utf8"
)

// maxBodyBytes bounds what one request may make the simulator buffer; real
// Wix bodies for these endpoints are a few KiB at most.
const maxBodyBytes = 1 << 20

var errBodyTooLarge = errors.New("request body too large")

// guidRE is Wix's GUID format: 8-4-4-4-12 hex digits, any version.
var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// payloadKeyRE is Wix's rule for report payload key names.
var payloadKeyRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)

func isGUID(s string) bool { return guidRE.MatchString(s) }

// newGUID makes a random (version 4) GUID for request and activation ids.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// readBody reads at most maxBodyBytes; the bytes read so far are returned
// even on error so that the request can still be recorded.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return body, err
	}
	if len(body) > maxBodyBytes {
		return body[:maxBodyBytes], errBodyTooLarge
	}
	return body, nil
}

// requirePOST answers 405 for any other method, as Wix's gateway does.
func requirePOST(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Allow", http.MethodPost)
	writeAppError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
		fmt.Sprintf("method %s is not allowed on %s; use POST", r.Method, r.URL.Path))
	return false
}

// requireJSON answers 415 unless the body is declared as JSON; parameters
// such as charset=utf-8 are accepted.
func requireJSON(w http.ResponseWriter, r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return true
	}
	writeAppError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
		fmt.Sprintf("Content-Type must be application/json, got %q", ct))
	return false
}

// decodeObject parses the body as exactly one JSON object. Fields stay raw
// so that each endpoint can name unknown or mistyped fields precisely.
func decodeObject(w http.ResponseWriter, body []byte) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(&obj)
	if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil && obj == nil {
		err = errors.New("null is not an object")
	}
	if err != nil {
		writeAppError(w, http.StatusBadRequest, "INVALID_ARGUMENT",
			"request body must be a single JSON object: "+err.Error())
		return nil, false
	}
	return obj, true
}

// fields walks one JSON object and collects every violation found.
type fields struct {
	prefix     string // "idempotency." for nested objects
	obj        map[string]json.RawMessage
	violations *[]fieldViolation
}

func newFields(obj map[string]json.RawMessage) *fields {
	return &fields{obj: obj, violations: new([]fieldViolation)}
}

func (f *fields) violate(field, rule, format string, args ...any) {
	*f.violations = append(*f.violations, fieldViolation{
		Field: f.prefix + field, Description: fmt.Sprintf(format, args...), ViolatedRule: rule,
	})
}

func (f *fields) ok() bool { return len(*f.violations) == 0 }

// only rejects every field outside allowed: strictness catches client typos
// such as "externalEntityID" that a lenient server would silently ignore.
func (f *fields) only(allowed ...string) {
	var unknown []string
	for name := range f.obj {
		if !contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown) // deterministic order for tests
	for _, name := range unknown {
		f.violate(name, ruleNotAllowed, "unknown field %q", name)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// raw returns a field's JSON, treating JSON null like absence as protobuf
// JSON mapping does.
func (f *fields) raw(name string) (json.RawMessage, bool) {
	v, ok := f.obj[name]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

func (f *fields) str(name string, required bool) (string, bool) {
	v, ok := f.raw(name)
	if !ok {
		if required {
			f.violate(name, ruleRequired, "%s is required", name)
		}
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		f.violate(name, ruleInvalidValue, "%s must be a string", name)
		return "", false
	}
	return s, true
}

func (f *fields) object(name string) (map[string]json.RawMessage, bool) {
	v, ok := f.raw(name)
	if !ok {
		return nil, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		f.violate(name, ruleInvalidValue, "%s must be an object", name)
		return nil, false
	}
	return obj, true
}

func (f *fields) nested(name string, obj map[string]json.RawMessage) *fields {
	return &fields{prefix: f.prefix + name + ".", obj: obj, violations: f.violations}
}

// triggerKey enforces Wix's 1..100 character rule (characters, not bytes).
func (f *fields) triggerKey() string {
	key, ok := f.str("triggerKey", true)
	if ok {
		f.length("triggerKey", key, 1, 100)
	}
	return key
}

func (f *fields) guid(field, value string) {
	if !isGUID(value) {
		f.violate(field, ruleFormat, "%s must be a GUID (8-4-4-4-12 hex digits), got %q", field, value)
	}
}

// guidList reads externalEntityIds: 1..100 GUIDs.
func (f *fields) guidList(name string) []string { return f.guidListN(name, 100) }

// guidListN reads a required list of 1..maxItems GUIDs.
func (f *fields) guidListN(name string, maxItems int) []string {
	v, ok := f.raw(name)
	if !ok {
		f.violate(name, ruleRequired, "%s is required", name)
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		f.violate(name, ruleInvalidValue, "%s must be an array of strings", name)
		return nil
	}
	ids := make([]string, len(items))
	for i, item := range items {
		field := name + "[" + strconv.Itoa(i) + "]"
		if json.Unmarshal(item, &ids[i]) != nil {
			f.violate(field, ruleInvalidValue, "%s must be a string", field)
			continue
		}
		f.guid(field, ids[i])
	}
	f.listSizeN(name, len(ids), maxItems)
	return ids
}

func (f *fields) listSize(name string, n int) { f.listSizeN(name, n, 100) }

func (f *fields) listSizeN(name string, n, maxItems int) {
	switch {
	case n < 1:
		f.violate(name, ruleMinSize, "%s must hold at least 1 item", name)
	case n > maxItems:
		f.violate(name, ruleMaxSize, "%s must hold at most %d items, got %d", name, maxItems, n)
	}
}

// length enforces a string length in characters (not bytes).
func (f *fields) length(name, value string, minLen, maxLen int) {
	switch n := utf8.RuneCountInString(value); {
	case n < minLen:
		f.violate(name, ruleMinLength, "%s must be at least %d %s", name, minLen, plural(minLen, "character"))
	case n > maxLen:
		f.violate(name, ruleMaxLength, "%s must be at most %d characters, got %d", name, maxLen, n)
	}
}

// plural adds an "s" to noun unless n is 1, so that the minimum of one
// reads "at least 1 character".
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// enum reads a string that must be one of allowed.
func (f *fields) enum(name string, required bool, allowed ...string) string {
	v, ok := f.str(name, required)
	if ok && !contains(allowed, v) {
		f.violate(name, ruleInvalidEnum, "%s must be one of %v, got %q", name, allowed, v)
	}
	return v
}

// payload checks a report payload as Wix does: key names hold only letters,
// digits and underscores and do not start with an underscore; values are
// strings, numbers, booleans or null, or arrays of flat objects (objects
// whose values are such scalars). It returns the payload as sent.
func (f *fields) payload() json.RawMessage {
	obj, ok := f.object("payload")
	if !ok {
		return nil
	}
	f.flatObject("payload", obj, true)
	raw, _ := f.raw("payload")
	if err := numbersInRange("payload", raw); err != nil { // numbers.go
		f.violate("payload", ruleInvalidValue, "%v", err)
	}
	return raw
}

// flatObject checks the keys and values of one payload object; lists of
// flat objects are allowed only at the top (allowLists).
func (f *fields) flatObject(name string, obj map[string]json.RawMessage, allowLists bool) {
	for _, k := range sortedKeys(obj) {
		field := name + "." + k
		if !payloadKeyRE.MatchString(k) {
			f.violate(field, ruleFormat,
				"payload key names may hold only letters, digits and '_' and may not start with '_'")
		}
		switch kind := jsonKind(obj[k]); {
		case kind == '[' && allowLists:
			f.listOfFlatObjects(field, obj[k])
		case kind == '{' || kind == '[':
			f.violate(field, ruleInvalidValue,
				"%s: payload values must be strings, numbers, booleans or lists of flat objects", field)
		}
	}
}

func (f *fields) listOfFlatObjects(name string, raw json.RawMessage) {
	var items []json.RawMessage
	_ = json.Unmarshal(raw, &items) // already known to be an array
	for i, item := range items {
		field := name + "[" + strconv.Itoa(i) + "]"
		var obj map[string]json.RawMessage
		if jsonKind(item) != '{' || json.Unmarshal(item, &obj) != nil {
			f.violate(field, ruleInvalidValue, "%s: list items in a payload must be flat objects", field)
			continue
		}
		f.flatObject(field, obj, false)
	}
}

// jsonKind is the first significant byte of a JSON value: '{', '[', '"',
// 't', 'f', 'n' or a digit/'-'.
func jsonKind(raw json.RawMessage) byte {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 {
		return 0
	}
	return trimmed[0]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
