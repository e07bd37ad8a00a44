package wixsim

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// stateVersion numbers the state file's format; a file of another version
// is refused rather than half read.
const stateVersion = 1

// savedState is what the simulator keeps across a restart (wixsim -state):
// every site's automations, the events reported and canceled, their
// activations, and the idempotency keys Wix remembers. Tokens, faults, the
// request log and the rate limiter start afresh: a client whose token
// the new process does not know gets a 401 and fetches another.
type savedState struct {
	Version       int                `json:"version"`
	Automations   []savedAutomation  `json:"automations"`
	Events        []Event            `json:"events"`
	Cancellations []Cancellation     `json:"cancellations"`
	Activations   []Activation       `json:"activations"`
	Idempotency   []savedIdempotency `json:"idempotency"`
}

// savedAutomation is an automation with the site it belongs to, which
// Wix's answer (and so Automation's JSON) leaves out.
type savedAutomation struct {
	InstanceID string     `json:"instanceId"`
	Automation Automation `json:"automation"`
}

type savedIdempotency struct {
	AppID         string    `json:"appId"`
	TriggerKey    string    `json:"triggerKey"`
	Key           string    `json:"key"`
	ActivationIDs []string  `json:"activationIds"`
	Expires       time.Time `json:"expires"`
}

// SaveState writes what the simulator holds to w, for LoadState in a later
// process.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	state := savedState{Version: stateVersion, Cancellations: append([]Cancellation(nil), s.cancellations...)}
	for _, a := range s.automations.sorted(func(*Automation) bool { return true }, nil) {
		state.Automations = append(state.Automations, savedAutomation{InstanceID: a.InstanceID, Automation: a.clone()})
	}
	for _, e := range s.events {
		state.Events = append(state.Events, *e)
	}
	for _, a := range s.activations {
		state.Activations = append(state.Activations, *a)
	}
	for k, v := range s.idempotency {
		state.Idempotency = append(state.Idempotency, savedIdempotency{k.appID, k.triggerKey, k.key, v.activationIDs, v.expires})
	}
	s.mu.Unlock()
	sort.Slice(state.Idempotency, func(i, j int) bool { return state.Idempotency[i].Key < state.Idempotency[j].Key })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(state)
}

// LoadState replaces what the simulator holds with a state SaveState
// wrote. Automations keep their ids, revisions and order.
func (s *Server) LoadState(r io.Reader) error {
	var state savedState
	dec := json.NewDecoder(r)
	dec.UseNumber() // actions keep their numbers exactly, as on arrival
	if err := dec.Decode(&state); err != nil {
		return fmt.Errorf("reading the simulator's state: %w", err)
	}
	if state.Version != stateVersion {
		return fmt.Errorf("the simulator's state is of version %d; this simulator reads version %d", state.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.automations = newAutomationStore()
	for _, saved := range state.Automations {
		a := saved.Automation
		a.InstanceID = saved.InstanceID
		s.automations.byID[a.ID] = &a
		s.automations.seq[a.ID] = s.automations.next
		s.automations.next++
	}
	s.events = s.events[:0]
	for i := range state.Events {
		if string(state.Events[i].PayloadJSON) == "null" {
			state.Events[i].PayloadJSON = nil // reported without a payload
		}
		s.events = append(s.events, &state.Events[i])
	}
	s.activations = s.activations[:0]
	for i := range state.Activations {
		s.activations = append(s.activations, &state.Activations[i])
	}
	s.cancellations = state.Cancellations
	s.idempotency = map[idempotencyKey]idempotencyEntry{}
	for _, k := range state.Idempotency {
		s.idempotency[idempotencyKey{k.AppID, k.TriggerKey, k.Key}] = idempotencyEntry{k.ActivationIDs, k.Expires}
	}
	return nil
}
