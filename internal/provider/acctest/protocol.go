package acctest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protocolServer is the framework's provider server with the parts of the
// protocol newer than tfprotov6.ProviderServer: actions and list resources.
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	tfprotov6.ListResourceServer
}

// Protocol is the provider served in process, with its schema.
type Protocol struct {
	t      *testing.T
	Env    *Env
	server protocolServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// NewProtocol serves a fresh simulator env's provider; see ServeProtocol.
func NewProtocol(t *testing.T) *Protocol {
	t.Helper()
	return NewSimEnv(t).ServeProtocol()
}

// ServeProtocol serves the env's provider (with the env's client
// overrides so far) in process and reads its schema.
func (e *Env) ServeProtocol() *Protocol {
	e.t.Helper()
	p := &Protocol{t: e.t, Env: e}
	base, err := providerserver.NewProtocol6WithError(e.Provider())()
	p.must("serving the provider", err)
	server, ok := base.(protocolServer)
	if !ok {
		e.t.Fatalf("the provider server (%T) does not serve actions and list resources", base)
	}
	p.server = server
	p.schema, err = server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	p.must("GetProviderSchema", err)
	if HasErrors(p.schema.Diagnostics) {
		e.t.Fatalf("GetProviderSchema: %s", DiagText(p.schema.Diagnostics))
	}
	return p
}

// must fails the test when a protocol call (rpc) returned an error.
func (p *Protocol) must(rpc string, err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", rpc, err)
	}
}

// Configure sends ConfigureProvider with the given provider attributes
// (the others null) and returns its diagnostics.
func (p *Protocol) Configure(attributes map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: p.dynamicValue(p.schema.Provider.Block, attributes),
	})
	p.must("ConfigureProvider", err)
	return resp.Diagnostics
}

// ConfigureApp configures the provider with the simulator's demo app and
// extra attributes, and fails the test on any error.
func (p *Protocol) ConfigureApp(extra map[string]tftypes.Value) {
	p.t.Helper()
	attributes := StringValues(p.Env.SimCredentials())
	for name, v := range extra {
		attributes[name] = v
	}
	p.ConfigureOK(attributes)
}

// ConfigureToken configures the provider with a ready access token for
// the simulator, and fails the test on any error.
func (p *Protocol) ConfigureToken(token string) {
	p.t.Helper()
	p.ConfigureOK(StringValues(map[string]string{"base_url": p.Env.Server.URL, "access_token": token}))
}

// ConfigureOK is configure that fails the test on any error.
func (p *Protocol) ConfigureOK(attributes map[string]tftypes.Value) {
	p.t.Helper()
	if diags := p.Configure(attributes); HasErrors(diags) {
		p.t.Fatalf("ConfigureProvider: %s", DiagText(diags))
	}
}

// StringValues are string attribute values.
func StringValues(attributes map[string]string) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(attributes))
	for name, v := range attributes {
		out[name] = tftypes.NewValue(tftypes.String, v)
	}
	return out
}

// dynamicValue encodes an object of block's type: the given attributes,
// every other one null. An attribute the block lacks fails the test.
func (p *Protocol) dynamicValue(block *tfprotov6.SchemaBlock, attributes map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	typ, ok := block.ValueType().(tftypes.Object)
	if !ok {
		p.t.Fatalf("block type %s is not an object", block.ValueType())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range attributes {
		if _, ok := typ.AttributeTypes[name]; !ok {
			p.t.Fatalf("no attribute %q in the schema", name)
		}
		values[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	p.must("encoding the configuration", err)
	return &dv
}

// unmarshalObject decodes an object value into its attributes.
func (p *Protocol) unmarshalObject(dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	p.t.Helper()
	v, err := dv.Unmarshal(typ)
	p.must("decoding a result", err)
	var m map[string]tftypes.Value
	p.must("decoding a result", v.As(&m))
	return m
}

// StringOf is a known string value's Go string.
func StringOf(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// HasErrors reports whether diags hold an error.
func HasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

// DiagText is every diagnostic's summary and detail, for matching and
// for failure messages.
func DiagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s] ", d.Severity)
		if d.Attribute != nil {
			fmt.Fprintf(&b, "%s: ", d.Attribute)
		}
		fmt.Fprintf(&b, "%s: %s\n", d.Summary, d.Detail)
	}
	return b.String()
}

// ExpectDiag fails the test unless diags hold exactly one error, whose
// text has every one of the phrases.
func ExpectDiag(t *testing.T, diags []*tfprotov6.Diagnostic, phrases ...string) {
	t.Helper()
	errs := 0
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs++
		}
	}
	text := DiagText(diags)
	if errs != 1 {
		t.Fatalf("got %d errors, want 1:\n%s", errs, text)
	}
	for _, phrase := range phrases {
		if !strings.Contains(text, phrase) {
			t.Errorf("diagnostics lack %q:\n%s", phrase, text)
		}
	}
}

// ProviderBlockValue is the provider's nested block name with the given
// attributes, the others null, typed as the provider's schema types it.
func (p *Protocol) ProviderBlockValue(name string, attributes map[string]tftypes.Value) tftypes.Value {
	t := p.t
	t.Helper()
	block, ok := p.schema.Provider.Block.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("provider block type %s is not an object", p.schema.Provider.Block.ValueType())
	}
	typ, ok := block.AttributeTypes[name].(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema has no %s object, only %v", name, block.AttributeTypes)
	}
	values := map[string]tftypes.Value{}
	for attr, attrType := range typ.AttributeTypes {
		values[attr] = tftypes.NewValue(attrType, nil)
	}
	for attr, v := range attributes {
		if _, ok := typ.AttributeTypes[attr]; !ok {
			t.Fatalf("no attribute %q in the %s block", attr, name)
		}
		values[attr] = v
	}
	return tftypes.NewValue(typ, values)
}
