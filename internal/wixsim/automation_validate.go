package wixsim

import (
	"encoding/json"
	"regexp"
	"strconv"
)

// Limits from the SDK's types for Automations v2.
const (
	maxAutomationName  = 500
	maxDescription     = 2000
	maxNamespace       = 50
	maxActionNamespace = 100
	maxRootActions     = 20
	// maxRootActionsNow is what Wix takes today: "You can currently only
	// specify 1 root action" (Automations V2 introduction) [doc], below the
	// 20 of the SDK's types.
	maxRootActionsNow  = 1
	maxTriggerFilters  = 5
	maxActionKeyLength = 100
	maxPostActionIDs   = 20
)

// actionNamespaceRE is the rule for an action's namespace.
var actionNamespaceRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// validateAutomation checks a complete automation (a create, or an update
// merged with what is stored) against the rules in the SDK's types.
func validateAutomation(f *fields) {
	f.only("applicationInfo", "preinstalledInfo", "id", "revision", "createdBy", "createdDate",
		"updatedBy", "updatedDate", "name", "description", "configuration", "origin", "settings",
		"draftInfo", "namespace", "extendedFields", "archived", "autoArchivePolicy")
	if name, ok := f.str("name", true); ok {
		f.length("name", name, 1, maxAutomationName)
	}
	if d, ok := f.str("description", false); ok {
		f.length("description", d, 0, maxDescription)
	}
	if ns, ok := f.str("namespace", false); ok {
		f.length("namespace", ns, 0, maxNamespace)
	}
	origin := f.enum("origin", true, "USER", "APPLICATION", "PREINSTALLED", "RECIPE")
	validateOriginInfo(f, origin)
	if obj, ok := f.object("settings"); ok {
		f.nested("settings", obj).only("hidden", "readonly", "disableDelete", "disableStatusChange", "actionSettings", "domain")
	}
	f.object("extendedFields")
	f.object("autoArchivePolicy")
	if raw, ok := f.raw("archived"); ok {
		var archived bool
		if json.Unmarshal(raw, &archived) != nil {
			f.violate("archived", ruleInvalidValue, "archived must be a boolean, got %s", raw)
		}
	}
	obj, ok := f.object("configuration")
	if !ok {
		if _, present := f.raw("configuration"); !present {
			f.violate("configuration", ruleRequired, "configuration is required")
		}
		return
	}
	validateConfiguration(f.nested("configuration", obj))
}

// validateOriginInfo enforces the one-of origin info: APPLICATION needs
// applicationInfo.appId, and only one of the two infos may be set.
func validateOriginInfo(f *fields, origin string) {
	appInfo, hasApp := f.object("applicationInfo")
	_, hasPre := f.object("preinstalledInfo")
	if hasApp && hasPre {
		f.violate("preinstalledInfo", ruleNotAllowed, "applicationInfo and preinstalledInfo are mutually exclusive")
	}
	if hasApp {
		af := f.nested("applicationInfo", appInfo)
		af.only("appId", "appDefinedExternalId")
		if id, ok := af.str("appId", true); ok {
			af.guid("appId", id)
		}
	}
	if origin == "APPLICATION" && !hasApp {
		f.violate("applicationInfo.appId", ruleRequired, "applicationInfo.appId is required when origin is APPLICATION")
	}
}

func validateConfiguration(f *fields) {
	f.only("status", "trigger", "rootActionIds", "actions", "filterableAppDefinedActions")
	f.enum("status", true, "ACTIVE", "INACTIVE")
	if obj, ok := f.object("trigger"); ok {
		validateTrigger(f.nested("trigger", obj))
	} else if _, present := f.raw("trigger"); !present {
		f.violate("trigger", ruleRequired, "trigger is required")
	}
	actions := validateActions(f)
	roots := f.guidListN("rootActionIds", maxRootActions)
	if len(roots) > maxRootActionsNow && len(roots) <= maxRootActions {
		f.violate("rootActionIds", ruleMaxSize, "Wix currently takes only %d root action; got %d", maxRootActionsNow, len(roots))
	}
	for i, id := range roots {
		if _, ok := actions[id]; !ok && actions != nil && isGUID(id) {
			f.violate("rootActionIds["+strconv.Itoa(i)+"]", ruleInvalidValue,
				"root action %s is not a key of actions", id)
		}
	}
}

func validateTrigger(f *fields) {
	f.only("appId", "triggerKey", "filters", "scheduledEventOffset", "rateLimit",
		"automationConfigMapping", "overrideSchema", "filterValueSelection")
	if id, ok := f.str("appId", true); ok {
		f.guid("appId", id)
	}
	f.triggerKey()
	if raw, ok := f.raw("filters"); ok {
		var filters []map[string]json.RawMessage
		if json.Unmarshal(raw, &filters) != nil {
			f.violate("filters", ruleInvalidValue, "filters must be an array of objects")
		} else if len(filters) > maxTriggerFilters {
			f.violate("filters", ruleMaxSize, "filters must hold at most %d items, got %d", maxTriggerFilters, len(filters))
		}
	}
}

// validateActions checks the actions map: GUID keys, each a valid action
// whose post-action ids name other keys. It returns the map (nil when it
// is missing or malformed).
func validateActions(f *fields) map[string]map[string]json.RawMessage {
	raw, ok := f.raw("actions")
	if !ok {
		f.violate("actions", ruleRequired, "actions is required")
		return nil
	}
	var actions map[string]map[string]json.RawMessage
	if json.Unmarshal(raw, &actions) != nil {
		f.violate("actions", ruleInvalidValue, "actions must be an object of action id -> action object")
		return nil
	}
	for _, key := range sortedKeys(actions) {
		name := "actions." + key
		f.guid(name, key)
		validateAction(f.nested(name, actions[key]), key, actions)
	}
	return actions
}

// validateAction checks one action: exactly one of the four infos, an id
// (when sent) equal to its key, and a type that matches the info.
func validateAction(f *fields, key string, all map[string]map[string]json.RawMessage) {
	f.only("id", "type", "namespace", "appDefinedInfo", "conditionInfo", "delayInfo", "rateLimitInfo")
	if id, ok := f.str("id", false); ok && id != key {
		f.violate("id", ruleInvalidValue, "action id %q differs from its key %q", id, key)
	}
	if ns, ok := f.str("namespace", false); ok && (len(ns) > maxActionNamespace || !actionNamespaceRE.MatchString(ns)) {
		f.violate("namespace", ruleFormat, "namespace must be 1 to %d letters, digits, '_' or '-'", maxActionNamespace)
	}
	typ := f.enum("type", false, "APP_DEFINED", "CONDITION", "DELAY", "RATE_LIMIT", "SET_VARIABLES", "OUTPUT")
	var infos []string
	for _, info := range sortedKeys(actionInfoTypes) {
		obj, ok := f.object(info)
		if !ok {
			continue
		}
		infos = append(infos, info)
		if typ != "" && typ != actionInfoTypes[info] {
			f.violate("type", ruleInvalidValue, "type %s does not match %s", typ, info)
		}
		validateActionInfo(f.nested(info, obj), info, all)
	}
	if len(infos) != 1 {
		f.violate("appDefinedInfo", ruleInvalidValue,
			"an action needs exactly one of appDefinedInfo, conditionInfo, delayInfo, rateLimitInfo; got %d", len(infos))
	}
}

// validateActionInfo checks what the simulator relies on: an app-defined
// action's app and key, and that every post-action id names an action.
func validateActionInfo(f *fields, info string, all map[string]map[string]json.RawMessage) {
	if info == "appDefinedInfo" {
		if id, ok := f.str("appId", true); ok {
			f.guid("appId", id)
		}
		if k, ok := f.str("actionKey", true); ok {
			f.length("actionKey", k, 1, maxActionKeyLength)
		}
	}
	for _, list := range []string{"postActionIds", "truePostActionIds", "falsePostActionIds"} {
		raw, ok := f.raw(list)
		if !ok {
			continue
		}
		var ids []string
		if json.Unmarshal(raw, &ids) != nil || len(ids) > maxPostActionIDs {
			f.violate(list, ruleInvalidValue, "%s must be at most %d action ids", list, maxPostActionIDs)
			continue
		}
		for i, id := range ids {
			if _, ok := all[id]; !ok {
				f.violate(list+"["+strconv.Itoa(i)+"]", ruleInvalidValue, "%s is not a key of actions", id)
			}
		}
	}
}
