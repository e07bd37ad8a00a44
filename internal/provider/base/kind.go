package base

import (
	"fmt"
	"strings"
)

// Op is one of the operations Terraform asks of a kind: the four of a
// resource (Read also of a data source or list resource), or an action's
// invocation.
type Op string

// The operations, named as the timeouts block names them.
const (
	Create Op = "create"
	Read   Op = "read"
	Update Op = "update"
	Delete Op = "delete"
	// Invoke is an action's invocation, which has no timeouts block and
	// which no apply repeats: the user invokes the action again.
	Invoke Op = "invoke"
)

// resourceOps lists a resource's operations in the order messages name them.
var resourceOps = []Op{Create, Read, Update, Delete}

// gerund is op as the first word of a sentence: "Creating".
func (op Op) gerund() string {
	switch op {
	case Create:
		return "Creating"
	case Read:
		return "Reading"
	case Update:
		return "Updating"
	case Invoke:
		return "Invoking"
	}
	return "Destroying"
}

// Phrases is what one operation does at Wix, in the words its diagnostics
// use.
type Phrases struct {
	// API is the Wix API the operation calls, e.g. "Cancel Event".
	API string
	// Act is the operation as a noun: "Wix denied the cancellation".
	Act string
	// Do is the operation as a verb phrase: "Could not cancel Wix automation events".
	Do string
	// Doing is the same as a gerund: "Timed out canceling Wix automation events".
	Doing string
}

// Form is what Terraform calls a kind, which decides how messages name it
// and how it is tried again.
type Form int

// The forms of kind that call Wix.
const (
	ResourceForm Form = iota
	ActionForm
	DataSourceForm
	ListResourceForm
)

// Kind is what a resource, data source, list resource or action declares
// once about its calls to Wix: its name, which operations call Wix and what
// they are called in messages, and the permission they need. The
// plan-time credentials check, the timeouts block and every failure's
// diagnostic come from it, so a new kind writes none of them.
type Kind struct {
	// Suffix is the type name after the provider's, e.g.
	// "_automation_event": Metadata adds it to req.ProviderTypeName.
	Suffix string
	Form   Form
	// Scope is the Wix permission the calls need, as Wix's console names it.
	Scope string
	// Forbidden is what else, besides a missing scope, a 403 may mean, as
	// a sentence; optional.
	Forbidden string
	// NotFound is what a 404 in Wix's words means for the kind's calls, as
	// a sentence (an unknown trigger key, say); optional.
	NotFound string
	// Ops holds the operations that call Wix; the others make no call.
	Ops map[Op]Phrases
	// OutOfTime is the advice when a call runs out of a time limit the
	// user cannot set, with %s for the limit; unset, the advice is to raise
	// the resource's timeouts block.
	OutOfTime string
	// Closing is a sentence to end the advice on the failures that trying
	// again may cure (time ran out, Ctrl-C, Wix unavailable); optional.
	Closing string
}

// TypeName is the kind's full type name, as messages show it.
func (k *Kind) TypeName() string { return ProviderTypeName + k.Suffix }

// phrases returns op's phrases and whether op calls Wix at all.
func (k *Kind) phrases(op Op) (Phrases, bool) {
	p, ok := k.Ops[op]
	return p, ok
}

// noun is how a sentence names the kind: "a wix_automation_event", "the
// wix_automations data source".
func (k *Kind) noun() string {
	switch k.Form {
	case ActionForm:
		return "the " + k.TypeName() + " action"
	case DataSourceForm:
		return "the " + k.TypeName() + " data source"
	case ListResourceForm:
		return "the " + k.TypeName() + " list resource"
	}
	return "a " + k.TypeName()
}

// MissingCredentialsSummary is the summary of every missing-credentials
// error, the phrase users search for.
const MissingCredentialsSummary = "Missing Wix credentials" //nolint:gosec // G101: a message that names no credential, not a credential

// ConfigureCredentials says how to give the provider credentials.
const ConfigureCredentials = "Configure either app_id, app_secret and instance_id (or the environment variables " +
	"WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID), or access_token (or WIX_ACCESS_TOKEN), " +
	"in the provider \"wix\" block."

// UnknownCredentialsSummary is the summary of the error of a call that
// needs credentials Terraform does not know yet.
const UnknownCredentialsSummary = "Wix credentials not known yet"

// UnknownCredentials is the detail of the error of a call made at plan,
// while some of the provider's credentials come from values Terraform
// does not know yet. Only data sources and list resources meet it: a
// managed resource's refresh keeps its state then (the contract: unknown
// values in the block must not break plan of managed resources).
func (k *Kind) UnknownCredentials(op Op) string {
	p, _ := k.phrases(op)
	return fmt.Sprintf("%s %s calls Wix's %s API, and some of the provider's credentials (or its base_url) come from "+
		"values Terraform does not know yet, from a resource not yet applied. Data sources, list resources and ephemeral "+
		"resources need known provider values: set the provider \"wix\" block from values known at plan time, or apply "+
		"the resources they come from first (terraform apply -target=ADDRESS).", op.gerund(), k.noun(), p.API)
}

// MissingCredentials is the detail of the error a plan or an operation
// that would call Wix without credentials fails with.
func (k *Kind) MissingCredentials(op Op) string {
	p, _ := k.phrases(op)
	return fmt.Sprintf("%s %s calls Wix's %s API, and the provider has no credentials to call it with.\n\n%s",
		op.gerund(), k.noun(), p.API, ConfigureCredentials)
}

// JoinWords joins words as a sentence lists them: "a", "a and b", "a, b and c".
func JoinWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
