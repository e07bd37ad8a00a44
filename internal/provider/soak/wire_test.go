package soak_test

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// What the simulator's request log says about the writes so far: which may
// have taken effect at Wix without the provider learning so (answered with
// nothing, or with a 5xx, or a bulk answer that left the item's result
// out). After a failed apply, state may lag Wix on exactly those: the next
// apply must find out, and the soak checks that it does.

// writeKey names one write of one item: "report <entity>", "cancel
// <entity>", "create <automation name>", "PATCH <id>", "DELETE <id>".
type writeKey string

// uncertainWrites are the writes whose outcome the provider may not know.
func uncertainWrites(requests []wixsim.RecordedRequest, met []wixsim.MetFault) map[writeKey]bool {
	omitted := map[string]bool{} // request id + item
	for _, m := range met {
		if m.Kind == wixsim.SoakItemOmitted {
			omitted[m.RequestID+" "+m.Item] = true
		}
	}
	out := map[writeKey]bool{}
	for _, r := range requests {
		for _, w := range writesOf(r) {
			unanswered := r.Status == 0 || r.Status >= http.StatusInternalServerError
			if unanswered || (r.Status == http.StatusOK && omitted[r.RequestID+" "+w.item]) {
				out[w.key] = true
			}
		}
	}
	return out
}

// itemWrite is one item a write call carries.
type itemWrite struct {
	key  writeKey
	item string // as the seeded faults name it, for bulk calls' omitted results
}

// writesOf lists the writes a call carries; none for a read or the token.
func writesOf(r wixsim.RecordedRequest) []itemWrite {
	var body struct {
		ExternalEntityID  string   `json:"externalEntityId"`
		ExternalEntityIDs []string `json:"externalEntityIds"`
		EventsInfo        []struct {
			ExternalEntityID string `json:"externalEntityId"`
		} `json:"eventsInfo"`
		Automation struct {
			Name string `json:"name"`
		} `json:"automation"`
	}
	_ = json.Unmarshal(r.Body, &body) // a body that does not decode carries no item
	switch r.Path {
	case wix.PathReport:
		return []itemWrite{{writeKey("report " + body.ExternalEntityID), body.ExternalEntityID}}
	case wix.PathCancel:
		return []itemWrite{{writeKey("cancel " + body.ExternalEntityID), body.ExternalEntityID}}
	case wix.PathBulkReport:
		var out []itemWrite
		for _, e := range body.EventsInfo {
			out = append(out, itemWrite{writeKey("report " + e.ExternalEntityID), e.ExternalEntityID})
		}
		return out
	case wix.PathBulkCancel:
		var out []itemWrite
		for _, id := range body.ExternalEntityIDs {
			out = append(out, itemWrite{writeKey("cancel " + id), id})
		}
		return out
	}
	return automationWrites(r, body.Automation.Name)
}

// automationWrites: a create by name, an update or delete by id.
func automationWrites(r wixsim.RecordedRequest, name string) []itemWrite {
	_, rest, ok := strings.Cut(r.Path, wix.PathAutomations) // either documented root
	switch {
	case !ok || strings.HasPrefix(rest, "/query"):
		return nil
	case rest == "" && r.Method == http.MethodPost:
		return []itemWrite{{writeKey("create " + name), "automation " + name}}
	case strings.HasPrefix(rest, "/") && (r.Method == http.MethodPatch || r.Method == http.MethodDelete):
		return []itemWrite{{writeKey(r.Method + " " + rest[1:]), ""}}
	}
	return nil
}

// isWrite reports whether a call changes anything at Wix: every call but
// the token, Get and Query Automations.
func isWrite(r wixsim.RecordedRequest) bool {
	switch {
	case r.Path == wix.PathToken, r.Method == http.MethodGet, strings.HasSuffix(r.Path, "/automations/query"):
		return false
	}
	return true
}
