package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// Tests of actions talk to the provider over the plugin protocol, in
// process, as Terraform 1.14 would: the Terraform on the project's machines
// predates actions.

const cancelEventActionType = "wix_automation_cancel_event"

// protocolEnv is the provider served in process, with its schema.
type protocolEnv struct {
	t       *testing.T
	env     *accEnv
	server  tfprotov6.ProviderServer
	actions tfprotov6.ActionServer
	schema  *tfprotov6.GetProviderSchemaResponse
}

// newProtocolEnv serves env's provider (with env's client overrides) and
// reads its schema. It needs the simulator.
func newProtocolEnv(t *testing.T) *protocolEnv {
	t.Helper()
	env := newAccEnv(t)
	env.needsSimulator()
	server, err := providerserver.NewProtocol6WithError(env.provider())()
	if err != nil {
		t.Fatalf("serving the provider: %v", err)
	}
	actions, ok := server.(tfprotov6.ActionServer)
	if !ok {
		t.Fatalf("the provider server (%T) does not serve actions", server)
	}
	schema, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schema.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %s", err, diagText(schema.Diagnostics))
	}
	return &protocolEnv{t: t, env: env, server: server, actions: actions, schema: schema}
}

// configure sends ConfigureProvider with the given provider attributes
// (the others null) and returns its diagnostics.
func (p *protocolEnv) configure(attributes map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	p.t.Helper()
	config := p.dynamicValue(p.schema.Provider.Block, attributes)
	resp, err := p.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: config,
	})
	if err != nil {
		p.t.Fatalf("ConfigureProvider: %v", err)
	}
	return resp.Diagnostics
}

// configureApp configures the provider with the simulator's demo app and
// extra attributes, and fails the test on any error.
func (p *protocolEnv) configureApp(extra map[string]tftypes.Value) {
	p.t.Helper()
	attributes := map[string]tftypes.Value{
		"base_url":    tftypes.NewValue(tftypes.String, p.env.server.URL),
		"app_id":      tftypes.NewValue(tftypes.String, wixsim.DemoAppID),
		"app_secret":  tftypes.NewValue(tftypes.String, wixsim.DemoAppSecret),
		"instance_id": tftypes.NewValue(tftypes.String, wixsim.DemoInstanceID),
	}
	for name, v := range extra {
		attributes[name] = v
	}
	if diags := p.configure(attributes); hasErrors(diags) {
		p.t.Fatalf("ConfigureProvider: %s", diagText(diags))
	}
}

// cancelEventConfig is the action's configuration for these arguments.
func (p *protocolEnv) cancelEventConfig(triggerKey string, ids []string) *tfprotov6.DynamicValue {
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

// dynamicValue encodes an object of block's type: the given attributes,
// every other one null.
func (p *protocolEnv) dynamicValue(block *tfprotov6.SchemaBlock, attributes map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	typ, ok := block.ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatalf("block type %s is not an object", block.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := attributes[name]; ok {
			values[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		p.t.Fatalf("encoding the configuration: %v", err)
	}
	return &dv
}

// validateAction sends ValidateActionConfig.
func (p *protocolEnv) validateAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actions.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: cancelEventActionType, Config: config})
	if err != nil {
		p.t.Fatalf("ValidateActionConfig: %v", err)
	}
	return resp.Diagnostics
}

// planAction sends PlanAction.
func (p *protocolEnv) planAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.actions.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{ActionType: cancelEventActionType, Config: config})
	if err != nil {
		p.t.Fatalf("PlanAction: %v", err)
	}
	return resp.Diagnostics
}

// invokeAction sends InvokeAction and reads its event stream to the end:
// the progress messages in order, and the completed event's diagnostics.
func (p *protocolEnv) invokeAction(ctx context.Context, config *tfprotov6.DynamicValue) (progress []string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	stream, err := p.actions.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{ActionType: cancelEventActionType, Config: config})
	if err != nil {
		p.t.Fatalf("InvokeAction: %v", err)
	}
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

// bulkCancelCalls are the Bulk Cancel Event calls the simulator received.
func (p *protocolEnv) bulkCancelCalls() []wixsim.RecordedRequest {
	return p.env.sim.RequestsTo(wix.PathBulkCancel)
}

// tokenRequests counts the simulator's token requests.
func (p *protocolEnv) tokenRequests() int {
	return len(p.env.sim.RequestsTo(wix.PathToken))
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// diagText is every diagnostic's summary and detail, for matching and
// for failure messages.
func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s] %s: %s\n", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// expectDiag fails the test unless diags hold exactly one error, whose
// text has every one of the phrases.
func expectDiag(t *testing.T, diags []*tfprotov6.Diagnostic, phrases ...string) {
	t.Helper()
	errs := 0
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs++
		}
	}
	text := diagText(diags)
	if errs != 1 {
		t.Fatalf("got %d errors, want 1:\n%s", errs, text)
	}
	for _, phrase := range phrases {
		if !strings.Contains(text, phrase) {
			t.Errorf("diagnostics lack %q:\n%s", phrase, text)
		}
	}
}
