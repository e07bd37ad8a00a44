package base

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// DefaultTimeout is every operation's timeout until a timeouts block says
// otherwise, and the time limit of a read of a data source or list
// resource, which has no timeouts block.
const DefaultTimeout = 5 * time.Minute

// TimeoutsBlock is a resource's timeouts block: one attribute for each
// operation that calls Wix, each refusing a duration that is not above
// zero.
func (k *Kind) TimeoutsBlock(ctx context.Context) schema.Block {
	var opts timeouts.Opts
	var settable, idle []string
	for _, op := range resourceOps {
		if _, ok := k.phrases(op); !ok {
			idle = append(idle, string(op))
			continue
		}
		settable = append(settable, "`"+string(op)+"`")
		setTimeoutOpt(&opts, op, fmt.Sprintf("How long %s may take, retries and pacing included, as a duration "+
			"such as `\"10m\"`. Defaults to `\"%s\"`.", op, ShortDuration(DefaultTimeout)))
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
func setTimeoutOpt(opts *timeouts.Opts, op Op, description string) {
	switch op {
	case Create:
		opts.Create, opts.CreateDescription = true, description
	case Read:
		opts.Read, opts.ReadDescription = true, description
	case Update:
		opts.Update, opts.UpdateDescription = true, description
	case Delete:
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
		JoinWords(settable), JoinWords(idle), verb)
}

// opTimeout is op's timeout from a resource's timeouts block.
func opTimeout(ctx context.Context, op Op, t timeouts.Value) (time.Duration, diag.Diagnostics) {
	switch op {
	case Read:
		return t.Read(ctx, DefaultTimeout)
	case Update:
		return t.Update(ctx, DefaultTimeout)
	case Delete:
		return t.Delete(ctx, DefaultTimeout)
	}
	return t.Create(ctx, DefaultTimeout)
}

// ShortDuration writes d as users write it: "5m", not "5m0s".
func ShortDuration(d time.Duration) string {
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
				"or remove it to use the default of %s.", req.Path, raw, ShortDuration(DefaultTimeout)))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), fmt.Sprintf(
			"%s is %q, which is not above zero: no call to Wix could finish in it.\n\nSet a duration above zero, "+
				"such as \"10m\", or remove it to use the default of %s.", req.Path, raw, ShortDuration(DefaultTimeout)))
	}
}
