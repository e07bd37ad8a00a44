package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// wixOperation is one of the four operations Terraform asks of a resource,
// or the one it asks of an action.
type wixOperation string

// The operations, named as the timeouts block names them.
const (
	opCreate wixOperation = "create"
	opRead   wixOperation = "read"
	opUpdate wixOperation = "update"
	opDelete wixOperation = "delete"
	// opInvoke is an action's invocation, which has no timeouts block and
	// which no apply repeats: the user invokes the action again.
	opInvoke wixOperation = "invoke"
)

// allOperations lists a resource's operations in the order messages name them.
var allOperations = []wixOperation{opCreate, opRead, opUpdate, opDelete}

// defaultTimeout is every operation's timeout until a timeouts block says
// otherwise.
const defaultTimeout = 5 * time.Minute

// manageYourApp is the permission Cancel Event needs, as Wix's developer
// console names it.
const manageYourApp = `"Manage Your App" (SCOPE.DC.MANAGE-YOUR-APP)`

// wixCall is what one operation does at Wix, in the words its diagnostics use.
type wixCall struct {
	// api is the Wix API the operation calls, e.g. "Cancel Event".
	api string
	// act is the operation as a noun: "Wix denied the cancellation".
	act string
	// do is the operation as a verb phrase: "Could not cancel Wix automation events".
	do string
	// doing is the same as a gerund: "Timed out canceling Wix automation events".
	doing string
}

// wixCalls is what a resource or an action declares once about its calls
// to Wix: which operations make them, what they are called in messages, and
// the permission they need. The plan-time credentials check, the timeouts
// block and the error diagnostics all come from it, so a new resource writes
// none of them.
type wixCalls struct {
	// typeName is the resource type, e.g. "wix_automation_event_cancellation".
	typeName string
	// scope is the Wix permission the calls need, as Wix's console names it.
	scope string
	// forbidden is what else, besides a missing scope, a 403 may mean, as
	// a sentence; optional.
	forbidden string
	// calls holds the operations that call Wix; the others make no call.
	calls map[wixOperation]wixCall
	// outOfTime is the advice when a call runs out of a time limit the user
	// cannot set, with %s for the limit; unset, the advice is to raise the
	// resource's timeouts block.
	outOfTime string
	// closing is a sentence to end the advice on the failures that trying
	// again may cure (time ran out, Ctrl-C, Wix unavailable); optional.
	closing string
}

// call returns op's call and whether op calls Wix at all.
func (w wixCalls) call(op wixOperation) (wixCall, bool) {
	c, ok := w.calls[op]
	return c, ok
}

// gerund is op as the first word of a sentence: "Creating".
func (op wixOperation) gerund() string {
	switch op {
	case opCreate:
		return "Creating"
	case opRead:
		return "Reading"
	case opUpdate:
		return "Updating"
	case opInvoke:
		return "Invoking"
	}
	return "Destroying"
}

// missingCredentials is the detail of the error a plan or an operation
// that would call Wix without credentials fails with.
func (w wixCalls) missingCredentials(op wixOperation) string {
	c, _ := w.call(op)
	if op == opInvoke {
		return noCredentials(op.gerund()+" the "+w.typeName+" action", c.api)
	}
	return noCredentials(op.gerund()+" a "+w.typeName, c.api)
}

// missingCredentialsSummary is the summary of every missing-credentials
// error, the phrase users search for.
const missingCredentialsSummary = "Missing Wix credentials" //nolint:gosec // G101: a message that names no credential, not a credential

// noCredentials is the detail of every missing-credentials error: what
// needed Wix's api (doing, e.g. "Reading the wix_automations data source"),
// and how to give the provider credentials.
func noCredentials(doing, api string) string {
	return fmt.Sprintf("%s calls Wix's %s API, and the provider has no credentials to call it with.\n\n%s",
		doing, api, configureCredentials)
}

// configureCredentials says how to give the provider credentials.
const configureCredentials = "Configure either app_id, app_secret and instance_id (or the environment variables " +
	"WIX_APP_ID, WIX_APP_SECRET and WIX_INSTANCE_ID), or access_token (or WIX_ACCESS_TOKEN), " +
	"in the provider \"wix\" block."

// plannedCall is the operation a plan makes Wix do, if any. Terraform plans
// the create half of a replacement as a create, with a null prior state
// (a second PlanResourceChange), so a replacement needs no rule of its own.
func (w wixCalls) plannedCall(req resource.ModifyPlanRequest) (wixOperation, bool) {
	var op wixOperation
	switch {
	case req.Plan.Raw.IsNull():
		op = opDelete
	case req.State.Raw.IsNull():
		op = opCreate
	case changedBeyondTimeouts(req.State.Raw, req.Plan.Raw):
		op = opUpdate
	default:
		return "", false
	}
	_, calls := w.call(op)
	return op, calls
}

// changedBeyondTimeouts reports whether the plan changes anything but the
// timeouts block, which alone never calls Wix.
func changedBeyondTimeouts(state, plan tftypes.Value) bool {
	// As shares the value's own map: read it, never change it.
	var before, after map[string]tftypes.Value
	if state.As(&before) != nil || plan.As(&after) != nil || len(before) != len(after) {
		return true
	}
	for name, v := range after {
		if name != "timeouts" && !v.Equal(before[name]) {
			return true
		}
	}
	return false
}

// timeoutsBlock is the timeouts block: one attribute for each operation
// that calls Wix, each refusing a duration that is not above zero.
func (w wixCalls) timeoutsBlock(ctx context.Context) schema.Block {
	var opts timeouts.Opts
	var settable, idle []string
	for _, op := range allOperations {
		if _, ok := w.call(op); !ok {
			idle = append(idle, string(op))
			continue
		}
		settable = append(settable, "`"+string(op)+"`")
		setTimeoutOpt(&opts, op, fmt.Sprintf("How long %s may take, retries and pacing included, as a duration "+
			"such as `\"10m\"`. Defaults to `\"%s\"`.", op, shortDuration(defaultTimeout)))
	}
	block, ok := timeouts.Block(ctx, opts).(schema.SingleNestedBlock)
	if !ok {
		panic("terraform-plugin-framework-timeouts: Block is no longer a SingleNestedBlock")
	}
	for name, attr := range block.Attributes {
		if s, ok := attr.(schema.StringAttribute); ok {
			s.MarkdownDescription = s.Description
			s.Validators = []validator.String{timeoutValidator{}}
			block.Attributes[name] = s
		}
	}
	block.MarkdownDescription = timeoutsDescription(settable, idle)
	block.Description = block.MarkdownDescription
	return block
}

// setTimeoutOpt turns on op's attribute in opts, with its description.
func setTimeoutOpt(opts *timeouts.Opts, op wixOperation, description string) {
	switch op {
	case opCreate:
		opts.Create, opts.CreateDescription = true, description
	case opRead:
		opts.Read, opts.ReadDescription = true, description
	case opUpdate:
		opts.Update, opts.UpdateDescription = true, description
	case opDelete:
		opts.Delete, opts.DeleteDescription = true, description
	}
}

// timeoutsDescription says which timeouts can be set and why not the others.
func timeoutsDescription(settable, idle []string) string {
	if len(idle) == 0 {
		return "How long each operation may take."
	}
	verb := "makes"
	if len(idle) > 1 {
		verb = "make"
	}
	return fmt.Sprintf("How long operations may take. Only %s can be set: %s %s no API call.",
		joinWords(settable), joinWords(idle), verb)
}

// joinWords joins words as a sentence lists them: "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// shortDuration writes d as users write it: "5m", not "5m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// timeoutValidator accepts a duration above zero. It replaces the timeouts
// package's own check, which lets "0s" and "-5m" through to fail every
// call at apply.
type timeoutValidator struct{}

var _ validator.String = timeoutValidator{}

func (v timeoutValidator) Description(context.Context) string {
	return "a duration above zero, such as \"10m\""
}

func (v timeoutValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v timeoutValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), fmt.Sprintf(
			"%s is %q, which is not a duration.\n\nWrite a number with a unit (s, m or h), such as \"10m\" or \"1h30m\", "+
				"or remove it to use the default of %s.", req.Path, raw, shortDuration(defaultTimeout)))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), fmt.Sprintf(
			"%s is %q, which is not above zero: no call to Wix could finish in it.\n\nSet a duration above zero, "+
				"such as \"10m\", or remove it to use the default of %s.", req.Path, raw, shortDuration(defaultTimeout)))
	}
}

// timeout is op's timeout from the resource's timeouts block.
func (w wixCalls) timeout(ctx context.Context, op wixOperation, t timeouts.Value) (time.Duration, diag.Diagnostics) {
	switch op {
	case opRead:
		return t.Read(ctx, defaultTimeout)
	case opUpdate:
		return t.Update(ctx, defaultTimeout)
	case opDelete:
		return t.Delete(ctx, defaultTimeout)
	}
	return t.Create(ctx, defaultTimeout)
}
