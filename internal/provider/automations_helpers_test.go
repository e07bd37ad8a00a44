package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// pathQueryAutomations is Query Automations.
const pathQueryAutomations = wix.PathAutomations + "/query"

// otherAppID is a trigger app other than the simulator's demo app.
const otherAppID = "0c4d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"

// seedAutomations stores n automations in the simulator, bypassing the API
// (so that seeding makes no recorded call), each shaped by shape (which may
// be nil), and returns them as stored, oldest first.
func (e *accEnv) seedAutomations(n int, shape func(i int, a *wixsim.Automation)) []wixsim.Automation {
	e.t.Helper()
	out := make([]wixsim.Automation, n)
	for i := range n {
		action := fmt.Sprintf("a1b2c3d4-0000-4000-8000-%012x", i+1)
		a := wixsim.Automation{
			Name:   fmt.Sprintf("automation %03d", i),
			Origin: "USER",
			Configuration: wixsim.AutomationConfiguration{
				Status:        "ACTIVE",
				Trigger:       wixsim.AutomationTrigger{AppID: wixsim.DemoAppID, TriggerKey: wixsim.DemoTriggerKey},
				RootActionIDs: []string{action},
				Actions: map[string]map[string]any{action: {
					"type": "APP_DEFINED",
					"appDefinedInfo": map[string]any{
						"appId": wixsim.DemoAppID, "actionKey": "send_email",
						"inputMapping": map[string]any{"subject": "Hi <b>" + fmt.Sprint(i) + "</b> & welcome"},
					},
				}},
			},
		}
		if shape != nil {
			shape(i, &a)
		}
		out[i] = e.sim.CreateAutomationDirect(wixsim.DemoInstanceID, a)
	}
	return out
}

// queryCalls are the Query Automations calls made so far.
func (e *accEnv) queryCalls() []wixsim.RecordedRequest {
	return e.sim.RequestsTo(pathQueryAutomations)
}

// capQueryPages makes every Query Automations call ask for at most limit
// automations a page, as a Wix that answers smaller pages than asked
// would: the provider must then follow the cursors.
func (e *accEnv) capQueryPages(limit int) {
	e.hook(func(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
		if r.URL.Path != pathQueryAutomations || r.Body == nil {
			return nil, nil
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		body = bytes.Replace(body, []byte(fmt.Sprintf(`"limit":%d`, wix.MaxQueryLimit)), []byte(fmt.Sprintf(`"limit":%d`, limit)), 1)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		return nil, nil
	})
}

// listServer is a provider server that serves list resources (their
// methods are not yet part of tfprotov6.ProviderServer).
type listServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

// protoServer is the provider served over the plugin protocol in-process,
// as Terraform 1.14 would call it for `terraform query`.
type protoServer struct {
	t      *testing.T
	server listServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// serveProto serves the env's provider with the stand-in resource.
func (e *accEnv) serveProto() *protoServer {
	e.t.Helper()
	p := e.provider()
	base, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		e.t.Fatal(err)
	}
	server, ok := base.(listServer)
	if !ok {
		e.t.Fatalf("the framework's server %T serves no list resources", base)
	}
	schema, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(schema.Diagnostics) > 0 {
		e.t.Fatalf("GetProviderSchema: %s", diagnosticsText(schema.Diagnostics))
	}
	return &protoServer{t: e.t, server: server, schema: schema}
}

// configure configures the provider with these attributes (the others null).
func (s *protoServer) configure(attributes map[string]string) {
	s.t.Helper()
	resp, err := s.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: dynamicValue(s.t, s.schema.Provider, attributes),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if len(resp.Diagnostics) > 0 {
		s.t.Fatalf("ConfigureProvider: %s", diagnosticsText(resp.Diagnostics))
	}
}

// simCredentials are provider attributes that point at the env's simulator.
func (e *accEnv) simCredentials() map[string]string {
	return map[string]string{
		"base_url": e.server.URL, "app_id": wixsim.DemoAppID,
		"app_secret": wixsim.DemoAppSecret, "instance_id": wixsim.DemoInstanceID,
	}
}

// listed is one result of a ListResource stream, decoded.
type listed struct {
	displayName string
	id          string
	resource    map[string]tftypes.Value
	diagnostics string
}

// list calls ListResource for wix_automation with these filters and reads
// the whole stream.
func (s *protoServer) list(filters map[string]string, includeResource bool, limit int64) []listed {
	s.t.Helper()
	stream, err := s.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: "wix_automation", Config: dynamicValue(s.t, s.schema.ListResourceSchemas["wix_automation"], filters),
		IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []listed
	for r := range stream.Results {
		out = append(out, s.decode(r))
	}
	return out
}

// validate calls ValidateListResourceConfig and returns its diagnostics.
func (s *protoServer) validate(filters map[string]string) string {
	s.t.Helper()
	resp, err := s.server.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: "wix_automation", Config: dynamicValue(s.t, s.schema.ListResourceSchemas["wix_automation"], filters),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return diagnosticsText(resp.Diagnostics)
}

func (s *protoServer) decode(r tfprotov6.ListResourceResult) listed {
	s.t.Helper()
	out := listed{displayName: r.DisplayName, diagnostics: diagnosticsText(r.Diagnostics)}
	if r.Identity != nil && r.Identity.IdentityData != nil {
		v := unmarshalObject(s.t, r.Identity.IdentityData, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}})
		_ = v["id"].As(&out.id)
	}
	if r.Resource != nil {
		out.resource = unmarshalObject(s.t, r.Resource, s.schema.ResourceSchemas["wix_automation"].ValueType())
	}
	return out
}

func unmarshalObject(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// dynamicValue is an object of schema's type with these string attributes
// set and every other attribute and block null.
func dynamicValue(t *testing.T, s *tfprotov6.Schema, attributes map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, want an object", s.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attributes {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in the schema", name)
		}
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// diagnosticsText joins diagnostics as "summary: detail" lines.
func diagnosticsText(diags []*tfprotov6.Diagnostic) string {
	var lines []string
	for _, d := range diags {
		line := d.Summary + ": " + d.Detail
		if d.Attribute != nil {
			line = d.Attribute.String() + ": " + line
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// stringOf is a known string value's Go string.
func stringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
