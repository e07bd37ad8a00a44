package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// batchingModel is the provider block's batching block.
type batchingModel struct {
	EnableBatching types.Bool   `tfsdk:"enable_batching"`
	SendAfter      types.String `tfsdk:"send_after"`
	MaxBatchSize   types.Int64  `tfsdk:"max_batch_size"`
}

// maxSendAfter is the longest send_after.
const maxSendAfter = time.Minute

// batchingBlock is named and shaped like the Google provider's `batching`
// block, which is what Terraform users know request batching by.
func batchingBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "How concurrent calls are grouped: cancellations that share a trigger key into Bulk Cancel " +
			"Event calls and reports into Bulk Report Event calls (up to 100 items each), and the reads of `wix_automation` " +
			"into one shared Query per run (pages of up to 500). Batching is on by default and adds no fixed wait: calls " +
			"that arrive while a call is in flight, or waiting for pacing, leave together in the next one, and a lone call " +
			"leaves at once as its single form. Each resource still succeeds or fails on its own item's result.",
		Attributes: map[string]schema.Attribute{
			"enable_batching": schema.BoolAttribute{
				MarkdownDescription: "Group concurrent calls into bulk calls and shared reads. Defaults to `true`; " +
					"`false` makes one call per resource (Cancel Event, Report Event, Get Automation).",
				Optional: true,
			},
			"send_after": schema.StringAttribute{
				MarkdownDescription: "An extra wait before each batch is sent, to gather more items into it, " +
					"as a Go duration such as `\"500ms\"`. Defaults to `\"0s\"`: no wait.",
				Optional:   true,
				Validators: []validator.String{durationValidator{max: maxSendAfter}},
			},
			"max_batch_size": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most items sent in one bulk write call (Bulk Cancel Event, Bulk Report Event), from 1 to %d "+
					"(Wix's limit, and the default).", wix.MaxBulkCancelIDs),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, wix.MaxBulkCancelIDs)},
			},
		},
	}
}

// resolveBatching resolves the batching block: batching is on unless the
// block turns it off.
func resolveBatching(m *batchingModel) wix.BatchingConfig {
	cfg := wix.BatchingConfig{Enabled: true}
	if m == nil {
		return cfg
	}
	if !m.EnableBatching.IsNull() && !m.EnableBatching.IsUnknown() {
		cfg.Enabled = m.EnableBatching.ValueBool()
	}
	cfg.SendAfter = durationOrZero(m.SendAfter)
	if !m.MaxBatchSize.IsNull() && !m.MaxBatchSize.IsUnknown() {
		cfg.MaxBatchSize = int(m.MaxBatchSize.ValueInt64())
	}
	return cfg
}

// durationOrZero parses a duration the schema validator already accepted.
func durationOrZero(v types.String) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, _ := time.ParseDuration(v.ValueString())
	return d
}

// durationValidator accepts Go durations from 0 to max.
type durationValidator struct{ max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"500ms\", from 0s to %s", v.max)
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s is %q; it must be a duration from 0s to %s, such as \"500ms\".", req.Path, req.ConfigValue.ValueString(), base.ShortDuration(v.max)))
	}
}
