package acctest

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

const cancelEventActionType = "wix_automation_cancel_event"

// CancelEventConfig is the action's configuration for these arguments.
func (p *Protocol) CancelEventConfig(triggerKey string, ids []string) *tfprotov6.DynamicValue {
	p.t.Helper()
	elements := make([]tftypes.Value, len(ids))
	for i, id := range ids {
		elements[i] = tftypes.NewValue(tftypes.String, id)
	}
	return p.dynamicValue(p.schema.ActionSchemas[cancelEventActionType].Schema.Block, map[string]tftypes.Value{
		"trigger_key":         tftypes.NewValue(tftypes.String, triggerKey),
		"external_entity_ids": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elements),
	})
}

// ValidateAction sends ValidateActionConfig.
func (p *Protocol) ValidateAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	resp, err := p.server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: cancelEventActionType, Config: config})
	p.must("ValidateActionConfig", err)
	return resp.Diagnostics
}

// PlanAction sends PlanAction.
func (p *Protocol) PlanAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	resp, err := p.server.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{ActionType: cancelEventActionType, Config: config})
	p.must("PlanAction", err)
	return resp.Diagnostics
}

// InvokeAction sends InvokeAction and reads its event stream to the end:
// the progress messages in order, and the completed event's diagnostics.
func (p *Protocol) InvokeAction(ctx context.Context, config *tfprotov6.DynamicValue) (progress []string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	stream, err := p.server.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: cancelEventActionType, Config: config})
	p.must("InvokeAction", err)
	completed := 0
	for event := range stream.Events {
		switch e := event.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			progress = append(progress, e.Message)
		case tfprotov6.CompletedInvokeActionEventType:
			completed++
			diags = e.Diagnostics
		}
	}
	if completed != 1 {
		p.t.Fatalf("InvokeAction streamed %d completed events, want 1", completed)
	}
	return progress, diags
}

// BulkCancelCalls are the Bulk Cancel Event calls the simulator received.
func (p *Protocol) BulkCancelCalls() []wixsim.RecordedRequest {
	return p.Env.Sim.RequestsTo(wix.PathBulkCancel)
}

// TokenRequests counts the simulator's token requests.
func (p *Protocol) TokenRequests() int {
	return len(p.Env.Sim.RequestsTo(wix.PathToken))
}

// OpenAccessToken sends OpenEphemeralResource for wix_access_token and
// decodes its result: the token, and expires_at ("" when null).
func (p *Protocol) OpenAccessToken() (token, expiresAt string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	const typeName = "wix_access_token"
	block := p.schema.EphemeralResourceSchemas[typeName].Block
	resp, err := p.server.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: typeName, Config: p.dynamicValue(block, nil),
	})
	p.must("OpenEphemeralResource", err)
	if HasErrors(resp.Diagnostics) || resp.Result == nil {
		return "", "", resp.Diagnostics
	}
	values := p.unmarshalObject(resp.Result, block.ValueType())
	token = StringOf(p.t, values["access_token"])
	var expires *string
	p.must("decoding expires_at of wix_access_token", values["expires_at"].As(&expires))
	if expires != nil {
		expiresAt = *expires
	}
	return token, expiresAt, resp.Diagnostics
}

// listed is one result of a ListResource stream, decoded.
type Listed struct {
	DisplayName string
	ID          string
	Resource    map[string]tftypes.Value
	Diagnostics string
}

// listConfig is the wix_automation list resource's configuration with
// these filters.
func (p *Protocol) listConfig(filters map[string]string) *tfprotov6.DynamicValue {
	return p.dynamicValue(p.schema.ListResourceSchemas["wix_automation"].Block, StringValues(filters))
}

// List calls ListResource for wix_automation with these filters and reads
// the whole stream.
func (p *Protocol) List(filters map[string]string, includeResource bool, limit int64) []Listed {
	p.t.Helper()
	stream, err := p.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: "wix_automation", Config: p.listConfig(filters), IncludeResource: includeResource, Limit: limit,
	})
	p.must("ListResource", err)
	var out []Listed
	for r := range stream.Results {
		out = append(out, p.decode(r))
	}
	return out
}

// ValidateList calls ValidateListResourceConfig and returns its diagnostics.
func (p *Protocol) ValidateList(filters map[string]string) string {
	p.t.Helper()
	resp, err := p.server.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: "wix_automation", Config: p.listConfig(filters),
	})
	p.must("ValidateListResourceConfig", err)
	return DiagText(resp.Diagnostics)
}

// decode decodes one ListResource result.
func (p *Protocol) decode(r tfprotov6.ListResourceResult) Listed {
	p.t.Helper()
	out := Listed{DisplayName: r.DisplayName, Diagnostics: DiagText(r.Diagnostics)}
	if r.Identity != nil && r.Identity.IdentityData != nil {
		v := p.unmarshalObject(r.Identity.IdentityData, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}})
		out.ID = StringOf(p.t, v["id"])
	}
	if r.Resource != nil {
		out.Resource = p.unmarshalObject(r.Resource, p.schema.ResourceSchemas["wix_automation"].ValueType())
	}
	return out
}
