package wix

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// The two documented roots of the Automations v2 collection: Wix's SDK
// and the .md schema pages call PathAutomations; Wix's HTML reference
// writes PathAutomationsService. Which one Wix's gateway serves to apps is
// not settled by any source, so the client tries the first, and on a
// routing miss (a 404 without Wix's error body) the other, once; what
// worked is kept for the rest of the process (see automationsRoot).
const (
	PathAutomations        = "/v2/automations"
	PathAutomationsService = "/automations-service/v2/automations"
)

// The Automations v2 calls, as messages name them.
const (
	opCreateAutomation = "Create Automation"
	opGetAutomation    = "Get Automation"
	opUpdateAutomation = "Update Automation"
	opDeleteAutomation = "Delete Automation"
)

// overrideSchema is Wix's RequestedFields value that makes a call answer
// configuration.trigger.overrideSchema and the actions'
// appDefinedInfo.overrideOutputSchema. Wix's Automations guide says Get
// and Create leave them out unless asked, and to fetch them before a full
// update [doc]: an update built from an answer without them erases them.
// Every call here that answers automations asks for them.
const overrideSchema = "OVERRIDE_SCHEMA"

// requestedFields is the fields list every call that answers automations
// sends: in the body of POST and PATCH, in the query string of GET (one
// fields= per value), as Wix's SDK sends them.
var requestedFields = []string{overrideSchema}

// Automation is a Wix automation (Automations v2). The fields the provider
// works with are typed; everything else Wix sends, now or later, is kept in
// Unknown and sent back as it came, so an update loses nothing.
type Automation struct {
	ID              string                  `json:"id,omitempty"`
	Revision        string                  `json:"revision,omitempty"`
	Name            string                  `json:"name,omitempty"`
	Description     *string                 `json:"description,omitempty"`
	Origin          string                  `json:"origin,omitempty"`
	Configuration   AutomationConfiguration `json:"configuration"`
	ApplicationInfo *ApplicationInfo        `json:"applicationInfo,omitempty"`
	CreatedDate     string                  `json:"createdDate,omitempty"`
	UpdatedDate     string                  `json:"updatedDate,omitempty"`
	// Archived is on Wix's automation-object page, not in the SDK's types;
	// nil when Wix leaves it out, and sent back exactly as it came.
	Archived *bool `json:"archived,omitempty"`
	// Unknown holds the fields not modeled above (settings, createdBy,
	// autoArchivePolicy, ...), sent back as they came.
	Unknown map[string]json.RawMessage `json:"-"`
}

// AutomationConfiguration is an automation's trigger and action graph.
type AutomationConfiguration struct {
	Status        string   `json:"status,omitempty"`
	Trigger       Trigger  `json:"trigger"`
	RootActionIDs []string `json:"rootActionIds"`
	// Actions is Wix's map of action id to action, kept as Wix sent it.
	Actions json.RawMessage `json:"actions,omitempty"`
	// Unknown holds the fields not modeled above.
	Unknown map[string]json.RawMessage `json:"-"`
}

// Trigger says which app event starts an automation.
type Trigger struct {
	AppID      string `json:"appId"`
	TriggerKey string `json:"triggerKey"`
	// Unknown holds the fields not modeled above (filters, rateLimit, ...).
	Unknown map[string]json.RawMessage `json:"-"`
}

// ApplicationInfo names the app an automation of origin APPLICATION belongs to.
type ApplicationInfo struct {
	AppID string `json:"appId"`
	// Unknown holds the fields not modeled above.
	Unknown map[string]json.RawMessage `json:"-"`
}

// The JSON methods below keep unmodeled fields: known fields are encoded
// through an alias type, then merged with Unknown (known fields win).

// MarshalJSON writes the typed fields and the unknown ones.
func (a Automation) MarshalJSON() ([]byte, error) {
	type plain Automation
	return marshalWithUnknown(plain(a), a.Unknown)
}

// UnmarshalJSON reads the typed fields and keeps the rest in Unknown.
func (a *Automation) UnmarshalJSON(data []byte) error {
	type plain Automation
	return unmarshalWithUnknown(data, (*plain)(a), &a.Unknown)
}

// MarshalJSON writes the typed fields and the unknown ones.
func (c AutomationConfiguration) MarshalJSON() ([]byte, error) {
	type plain AutomationConfiguration
	return marshalWithUnknown(plain(c), c.Unknown)
}

// UnmarshalJSON reads the typed fields and keeps the rest in Unknown.
func (c *AutomationConfiguration) UnmarshalJSON(data []byte) error {
	type plain AutomationConfiguration
	return unmarshalWithUnknown(data, (*plain)(c), &c.Unknown)
}

// MarshalJSON writes the typed fields and the unknown ones.
func (t Trigger) MarshalJSON() ([]byte, error) {
	type plain Trigger
	return marshalWithUnknown(plain(t), t.Unknown)
}

// UnmarshalJSON reads the typed fields and keeps the rest in Unknown.
func (t *Trigger) UnmarshalJSON(data []byte) error {
	type plain Trigger
	return unmarshalWithUnknown(data, (*plain)(t), &t.Unknown)
}

// MarshalJSON writes the typed fields and the unknown ones.
func (i ApplicationInfo) MarshalJSON() ([]byte, error) {
	type plain ApplicationInfo
	return marshalWithUnknown(plain(i), i.Unknown)
}

// UnmarshalJSON reads the typed fields and keeps the rest in Unknown.
func (i *ApplicationInfo) UnmarshalJSON(data []byte) error {
	type plain ApplicationInfo
	return unmarshalWithUnknown(data, (*plain)(i), &i.Unknown)
}

func marshalWithUnknown(known any, unknown map[string]json.RawMessage) ([]byte, error) {
	data, err := json.Marshal(known)
	if err != nil || len(unknown) == 0 {
		return data, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	for k, v := range unknown {
		if _, ok := fields[k]; !ok {
			fields[k] = v
		}
	}
	return json.Marshal(fields)
}

func unmarshalWithUnknown(data []byte, known any, unknown *map[string]json.RawMessage) error {
	if err := json.Unmarshal(data, known); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	for _, k := range jsonFieldNames(known) {
		delete(fields, k)
	}
	*unknown = nil
	if len(fields) > 0 {
		*unknown = fields
	}
	return nil
}

type automationEnvelope struct {
	Automation *Automation `json:"automation"`
	// Fields is sent beside automation (Wix's RequestedFields).
	Fields []string `json:"fields,omitempty"`
}

// UnmarshalJSON refuses an answer without "automation". Such a 200 is not
// Wix's answer, and it fails as any other garbled success does: for
// Create, Wix may still have created the automation.
func (e *automationEnvelope) UnmarshalJSON(data []byte) error {
	type plain automationEnvelope
	if err := json.Unmarshal(data, (*plain)(e)); err != nil {
		return err
	}
	if e.Automation == nil {
		return errors.New(`the answer has no "automation"`)
	}
	return nil
}

// CreateAutomation creates automation and returns it as Wix stored it.
// Create is not safe to repeat: after a broken connection or a 5xx it is
// not sent again, and the error is an *UncertainError (errors.Is
// ErrMayHaveReachedWix): look for the automation before creating anew.
func (c *Client) CreateAutomation(ctx context.Context, automation Automation) (*Automation, error) {
	out, err := decodeAutomations[automationEnvelope](ctx, c, "", operation{
		name:   opCreateAutomation,
		body:   automationEnvelope{Automation: &automation, Fields: requestedFields},
		repeat: notRepeatable,
	})
	return c.answered(automationOf(out, err))
}

// GetAutomation reads an automation; IsNotFound(err) when it does not exist.
func (c *Client) GetAutomation(ctx context.Context, id string) (*Automation, error) {
	return c.readAutomationOf(ctx, id, "")
}

// readAutomationOf is getAutomationOf as the shared reads see it: the
// answer is kept for later reads, and an automation Wix says is gone is
// dropped from them.
func (c *Client) readAutomationOf(ctx context.Context, id, origin string) (*Automation, error) {
	a, err := c.answered(c.getAutomationOf(ctx, id, origin))
	if IsNotFound(err) {
		c.reads.drop(id)
	}
	return a, err
}

// getAutomationOf is Get Automation with the automation's origin when it
// is known (Wix's SDK sends it as getAutomation's origin option): a
// preinstalled automation that the site has not overridden is found by
// its origin.
func (c *Client) getAutomationOf(ctx context.Context, id, origin string) (*Automation, error) {
	query := url.Values{"automationId": {id}, "fields": requestedFields}
	if origin != "" {
		query.Set("origin", origin)
	}
	out, err := decodeAutomations[automationEnvelope](ctx, c, "/"+url.PathEscape(id), operation{
		name:   opGetAutomation,
		method: http.MethodGet,
		query:  query,
		repeat: repeatable,
	})
	return automationOf(out, err)
}

// UpdateAutomation replaces automation (its ID and Revision must be set)
// and returns it with its new revision. IsConflict(err) when Wix has a
// newer revision. An update that carries its revision is safe to repeat:
// a second arrival meets a newer revision instead of applying twice (so a
// retried update may fail as a conflict although its first attempt landed:
// read the automation back to tell). Without a revision it is not retried
// after it may have reached Wix.
func (c *Client) UpdateAutomation(ctx context.Context, automation Automation) (*Automation, error) {
	out, err := decodeAutomations[automationEnvelope](ctx, c, "/"+url.PathEscape(automation.ID), operation{
		name:   opUpdateAutomation,
		method: http.MethodPatch,
		body:   automationEnvelope{Automation: &automation, Fields: requestedFields},
		repeat: withRevision(automation.Revision),
	})
	if IsConflict(err) {
		c.reads.drop(automation.ID)
	}
	return c.answered(automationOf(out, err))
}

// DeleteAutomation deletes an automation; IsNotFound(err) when it was
// already gone.
func (c *Client) DeleteAutomation(ctx context.Context, id string) error {
	err := c.roots.do(ctx, c, "/"+url.PathEscape(id), operation{
		name:   opDeleteAutomation,
		method: http.MethodDelete,
		query:  url.Values{"automationId": {id}},
		repeat: repeatable,
	})
	if err == nil || IsNotFound(err) {
		c.reads.drop(id)
	}
	return err
}

// withRevision: an update carrying the revision it expects applies at most
// once (a repeat meets the next revision); one without could apply twice.
func withRevision(revision string) repeatSafety {
	if revision != "" {
		return repeatable
	}
	return notRepeatable
}

// answered keeps an automation Wix answered with for ReadAutomation.
func (c *Client) answered(a *Automation, err error) (*Automation, error) {
	if err == nil {
		c.reads.put(a)
	}
	return a, err
}

// automationOf is the automation of a decoded answer.
func automationOf(out *automationEnvelope, err error) (*Automation, error) {
	if err != nil {
		return nil, err
	}
	return out.Automation, nil
}
