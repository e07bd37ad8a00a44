package wixsim

// maxActivations is how many activation ids a report answers at most
// (ReportEventResponse.activationIds, max 100 in the SDK's types).
const maxActivations = 100

// Activation is one run of an automation that a reported event started.
// Wix's docs: a report answers the activation ids "of the automations the
// event started"; only ACTIVE automations whose trigger is the reported
// app's trigger key start [doc]; none gives an empty list [inferred].
type Activation struct {
	ID               string
	AutomationID     string
	TriggerKey       string
	ExternalEntityID string
	AppID            string
	InstanceID       string
	// Canceled is set by a Cancel or Bulk Cancel Event of the event's
	// trigger key and external entity id.
	Canceled bool
}

// startActivationsLocked starts one activation per ACTIVE automation of the
// caller's site whose trigger is key of the caller's app, and returns
// their ids (empty, never nil, when nothing listens).
func (s *Server) startActivationsLocked(c caller, key, entityID string) []string {
	listeners := s.automations.listeners(c.instanceID, c.appID, key)
	ids := make([]string, 0, min(len(listeners), maxActivations))
	for _, a := range listeners[:min(len(listeners), maxActivations)] {
		act := &Activation{ID: newGUID(), AutomationID: a.ID, TriggerKey: key, ExternalEntityID: entityID,
			AppID: c.appID, InstanceID: c.instanceID}
		s.activations = append(s.activations, act)
		ids = append(ids, act.ID)
	}
	return ids
}

// cancelActivationsLocked marks the caller's activations of (key, id)
// canceled, as Cancel Event stops the remaining actions of the flows the
// event started.
func (s *Server) cancelActivationsLocked(c caller, key, entityID string) {
	for _, a := range s.activations {
		if a.AppID == c.appID && a.InstanceID == c.instanceID && a.TriggerKey == key && a.ExternalEntityID == entityID {
			a.Canceled = true
		}
	}
}

// Activations returns copies of every activation started so far, in order.
func (s *Server) Activations() []Activation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Activation, len(s.activations))
	for i, a := range s.activations {
		out[i] = *a
	}
	return out
}
