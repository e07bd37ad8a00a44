package wixsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Automation is an Automations v2 automation in Wix's REST shape, as the
// simulator stores and answers it. Maps hold what Wix treats as open
// structures (actions, filters, origin info), so that a client's JSON goes
// back out exactly as it came in, plus the defaults Wix adds.
type Automation struct {
	ID               string                  `json:"id"`
	Revision         string                  `json:"revision"`
	CreatedBy        *AuditInfo              `json:"createdBy,omitempty"`
	UpdatedBy        *AuditInfo              `json:"updatedBy,omitempty"`
	CreatedDate      time.Time               `json:"createdDate"`
	UpdatedDate      time.Time               `json:"updatedDate"`
	Name             string                  `json:"name"`
	Description      string                  `json:"description,omitempty"`
	Configuration    AutomationConfiguration `json:"configuration"`
	Origin           string                  `json:"origin"`
	ApplicationInfo  map[string]any          `json:"applicationInfo,omitempty"`
	PreinstalledInfo map[string]any          `json:"preinstalledInfo,omitempty"`
	Settings         AutomationSettings      `json:"settings"`
	Namespace        string                  `json:"namespace,omitempty"`
	ExtendedFields   map[string]any          `json:"extendedFields,omitempty"`
	// Archived and AutoArchivePolicy are on Wix's automation-object page,
	// not in the SDK's types; Wix answers archived always, like the
	// settings flags [inferred], and keeps both unless an update sends them.
	Archived          bool           `json:"archived"`
	AutoArchivePolicy map[string]any `json:"autoArchivePolicy,omitempty"`

	// InstanceID is the site (app installation) the automation belongs to;
	// it is not part of Wix's answer.
	InstanceID string `json:"-"`
}

// AutomationConfiguration is an automation's trigger and action graph.
type AutomationConfiguration struct {
	Status        string                    `json:"status"`
	Trigger       AutomationTrigger         `json:"trigger"`
	RootActionIDs []string                  `json:"rootActionIds"`
	Actions       map[string]map[string]any `json:"actions"`
}

// AutomationTrigger names the event that starts an automation.
type AutomationTrigger struct {
	AppID                   string           `json:"appId"`
	TriggerKey              string           `json:"triggerKey"`
	Filters                 []map[string]any `json:"filters"`
	ScheduledEventOffset    map[string]any   `json:"scheduledEventOffset,omitempty"`
	RateLimit               map[string]any   `json:"rateLimit,omitempty"`
	AutomationConfigMapping map[string]any   `json:"automationConfigMapping,omitempty"`
	OverrideSchema          map[string]any   `json:"overrideSchema,omitempty"`
}

// AutomationSettings are the dashboard settings; Wix answers every boolean
// (false by default) and the domain (USER by default).
type AutomationSettings struct {
	Hidden              bool           `json:"hidden"`
	Readonly            bool           `json:"readonly"`
	DisableDelete       bool           `json:"disableDelete"`
	DisableStatusChange bool           `json:"disableStatusChange"`
	ActionSettings      map[string]any `json:"actionSettings,omitempty"`
	Domain              string         `json:"domain"`
}

// AuditInfo says who created or last updated an automation.
type AuditInfo struct {
	UserID string `json:"userId,omitempty"`
	AppID  string `json:"appId,omitempty"`
}

// automationStore holds every site's automations and the open query
// cursors. It is guarded by Server.mu.
type automationStore struct {
	byID    map[string]*Automation
	seq     map[string]int // creation order, the default query order
	next    int
	cursors map[string]queryCursor
}

func newAutomationStore() automationStore {
	return automationStore{byID: map[string]*Automation{}, seq: map[string]int{}, cursors: map[string]queryCursor{}}
}

// listeners are the ACTIVE automations of a site whose trigger is key of
// appID (the app that reports the event), oldest first: the ones a
// reported event starts.
func (st *automationStore) listeners(instanceID, appID, key string) []*Automation {
	return st.sorted(func(a *Automation) bool {
		t := a.Configuration.Trigger
		return a.InstanceID == instanceID && a.Configuration.Status == "ACTIVE" && t.AppID == appID && t.TriggerKey == key
	}, nil)
}

// insert stores a as a new automation: a fresh id, revision 1, both dates
// now, and the defaults Wix fills in.
func (st *automationStore) insert(a *Automation) {
	now := wixNow()
	a.ID, a.Revision, a.CreatedDate, a.UpdatedDate = newGUID(), "1", now, now
	fillDefaults(a)
	st.byID[a.ID] = a
	st.seq[a.ID] = st.next
	st.next++
}

// rekey gives the automation stored under id the id want instead.
func (st *automationStore) rekey(id, want string) {
	a := st.byID[id]
	a.ID = want
	st.byID[want], st.seq[want] = a, st.seq[id]
	delete(st.byID, id)
	delete(st.seq, id)
}

// get finds an automation of one site; other sites' automations do not
// exist for the caller.
func (st *automationStore) get(instanceID, id string) *Automation {
	a := st.byID[id]
	if a == nil || a.InstanceID != instanceID {
		return nil
	}
	return a
}

// remove deletes an automation and its place in the creation order.
func (st *automationStore) remove(id string) {
	delete(st.byID, id)
	delete(st.seq, id)
}

// replace stores next as the new version of cur: same id, site and place
// in the creation order, Wix's defaults filled in, revision + 1 and a new
// updatedDate.
func (st *automationStore) replace(cur, next *Automation) {
	next.ID, next.InstanceID = cur.ID, cur.InstanceID
	n, _ := strconv.ParseInt(cur.Revision, 10, 64)
	next.Revision, next.UpdatedDate = strconv.FormatInt(n+1, 10), wixNow()
	fillDefaults(next)
	st.byID[cur.ID] = next
}

// wixNow is the current time as Wix writes it: UTC, milliseconds.
func wixNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// fillDefaults adds what Wix's answers always carry: non-null lists, the
// settings domain, and an id, type and namespace on every action.
func fillDefaults(a *Automation) {
	c := &a.Configuration
	if c.Trigger.Filters == nil {
		c.Trigger.Filters = []map[string]any{}
	}
	if c.RootActionIDs == nil {
		c.RootActionIDs = []string{}
	}
	if c.Actions == nil {
		c.Actions = map[string]map[string]any{}
	}
	if a.Settings.Domain == "" {
		a.Settings.Domain = "USER"
	}
	for i, k := range sortedKeys(c.Actions) {
		fillActionDefaults(k, i, c.Actions[k])
	}
}

func fillActionDefaults(key string, index int, action map[string]any) {
	if id, _ := action["id"].(string); id == "" {
		action["id"] = key
	}
	if ns, _ := action["namespace"].(string); ns == "" {
		action["namespace"] = fmt.Sprintf("actionkey-%d", index)
	}
	if _, ok := action["type"]; ok {
		return
	}
	for info, typ := range actionInfoTypes {
		if _, ok := action[info]; ok {
			action["type"] = typ
		}
	}
}

// actionInfoTypes maps each action's one-of info field to its action type.
var actionInfoTypes = map[string]string{
	"appDefinedInfo": "APP_DEFINED",
	"conditionInfo":  "CONDITION",
	"delayInfo":      "DELAY",
	"rateLimitInfo":  "RATE_LIMIT",
}

// clone deep-copies an automation through JSON, keeping numbers exact.
func (a *Automation) clone() Automation {
	b, err := json.Marshal(a)
	if err != nil {
		panic("wixsim: automation does not marshal: " + err.Error())
	}
	var c Automation
	if err := decodeNumbers(b, &c); err != nil {
		panic("wixsim: automation does not unmarshal: " + err.Error())
	}
	c.InstanceID = a.InstanceID
	return c
}

// decodeNumbers unmarshals keeping JSON numbers as json.Number, so that
// the number types of Wix's own fields (a revision, a component version)
// survive; the open structures keep what Wix keeps, doubles (numbers.go).
func decodeNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// Automations returns copies of every site's automations, oldest first.
func (s *Server) Automations() []Automation {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.automations.sorted(func(*Automation) bool { return true }, nil)
	out := make([]Automation, len(all))
	for i, a := range all {
		out[i] = a.clone()
	}
	return out
}

// CreateAutomationDirect stores a as if created through the API on the
// site instanceID, without validation (to seed tests quickly), and returns
// what was stored: id, revision "1", dates and Wix's defaults filled in.
// An id set in a is kept (so that an example's import id can be seeded);
// otherwise the automation gets a fresh one.
func (s *Server) CreateAutomationDirect(instanceID string, a Automation) Automation {
	c := a.clone()
	c.InstanceID = instanceID
	s.mu.Lock()
	defer s.mu.Unlock()
	s.automations.insert(&c)
	if a.ID != "" && s.automations.byID[a.ID] == nil {
		s.automations.rekey(c.ID, a.ID)
		c.ID = a.ID
	}
	return c.clone()
}

// UpdateAutomationDirect changes an automation behind the API's back, as an
// edit in Wix's dashboard would: mutate gets a copy, and what it leaves is
// stored with the revision incremented and a new updatedDate. It fails when
// no automation has that id.
func (s *Server) UpdateAutomationDirect(id string, mutate func(*Automation)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.automations.byID[id]
	if a == nil {
		return fmt.Errorf("wixsim: no automation %s", id)
	}
	c := a.clone()
	mutate(&c)
	s.automations.replace(a, &c)
	return nil
}

// DeleteAutomationDirect deletes an automation behind the API's back, as a
// deletion in Wix's dashboard would. It fails when no automation has that id.
func (s *Server) DeleteAutomationDirect(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.automations.byID[id] == nil {
		return fmt.Errorf("wixsim: no automation %s", id)
	}
	s.automations.remove(id)
	return nil
}
