package provider

import (
	"fmt"
	"strings"
)

// An event is known to Wix by its trigger key and external entity id: the
// cancellation and the event resources both take it as their id and their
// import id, <trigger_key>/<external_entity_id>.

// invalidImportID is the error for an import id of the form
// <trigger_key>/<external_entity_id> that parseImportID refused.
func invalidImportID(typeName, id, problem string) (summary, detail string) {
	return "Invalid import id for " + typeName, fmt.Sprintf("The import id %q %s.\n\nUse <trigger_key>/<external_entity_id>, "+
		"for example form_submitted/16ef8c9c-413e-4d5f-b77d-8c67c3c8ae0c.", id, problem)
}

// importID is the id of the pair, and the import id that adopts it.
func importID(triggerKey, entityID string) string {
	return triggerKey + "/" + entityID
}

// parseImportID splits at the last "/": GUIDs have none, so a trigger key
// may. It returns a description of the problem, or "".
func parseImportID(id string) (triggerKey, entityID, problem string) {
	i := strings.LastIndex(id, "/")
	if i < 0 {
		return "", "", "has no \"/\" between the trigger key and the external entity id"
	}
	triggerKey, entityID = id[:i], id[i+1:]
	if p := checkTriggerKey(triggerKey); p != "" {
		return "", "", "has a trigger key that " + p
	}
	if p := checkGUID(entityID); p != "" {
		return "", "", fmt.Sprintf("ends in %q, which %s", entityID, p)
	}
	return triggerKey, entityID, ""
}
