package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// The provider served over the plugin protocol, in process, as Terraform
// 1.14 would call it: the tests of the action, the list resource and the
// ephemeral resource, whose Terraform on the project's machines predates
// them, and the action's CLI test (reattachProvider). Everything else the
// tests share is in helpers_test.go.

const cancelEventActionType = "wix_automation_cancel_event"

// protocolServer is the framework's provider server with the parts of the
// protocol newer than tfprotov6.ProviderServer: actions and list resources.
type protocolServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	tfprotov6.ListResourceServer
}

// protocolEnv is the provider served in process, with its schema.
type protocolEnv struct {
	t      *testing.T
	env    *accEnv
	server protocolServer
	schema *tfprotov6.GetProviderSchemaResponse
}

// newProtocolEnv serves a fresh simulator env's provider; see serveProtocol.
func newProtocolEnv(t *testing.T) *protocolEnv {
	t.Helper()
	return newSimEnv(t).serveProtocol()
}

// serveProtocol serves the env's provider (with the env's client
// overrides so far) in process and reads its schema.
func (e *accEnv) serveProtocol() *protocolEnv {
	e.t.Helper()
	p := &protocolEnv{t: e.t, env: e}
	base, err := providerserver.NewProtocol6WithError(e.provider())()
	p.must("serving the provider", err)
	server, ok := base.(protocolServer)
	if !ok {
		e.t.Fatalf("the provider server (%T) does not serve actions and list resources", base)
	}
	p.server = server
	p.schema, err = server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	p.must("GetProviderSchema", err)
	if hasErrors(p.schema.Diagnostics) {
		e.t.Fatalf("GetProviderSchema: %s", diagText(p.schema.Diagnostics))
	}
	return p
}

// must fails the test when a protocol call (rpc) returned an error.
func (p *protocolEnv) must(rpc string, err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%s: %v", rpc, err)
	}
}

// configure sends ConfigureProvider with the given provider attributes
// (the others null) and returns its diagnostics.
func (p *protocolEnv) configure(attributes map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	p.t.Helper()
	resp, err := p.server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0", Config: p.dynamicValue(p.schema.Provider.Block, attributes),
	})
	p.must("ConfigureProvider", err)
	return resp.Diagnostics
}

// configureApp configures the provider with the simulator's demo app and
// extra attributes, and fails the test on any error.
func (p *protocolEnv) configureApp(extra map[string]tftypes.Value) {
	p.t.Helper()
	attributes := stringValues(p.env.simCredentials())
	for name, v := range extra {
		attributes[name] = v
	}
	p.configureOK(attributes)
}

// configureToken configures the provider with a ready access token for
// the simulator, and fails the test on any error.
func (p *protocolEnv) configureToken(token string) {
	p.t.Helper()
	p.configureOK(stringValues(map[string]string{"base_url": p.env.server.URL, "access_token": token}))
}

// configureOK is configure that fails the test on any error.
func (p *protocolEnv) configureOK(attributes map[string]tftypes.Value) {
	p.t.Helper()
	if diags := p.configure(attributes); hasErrors(diags) {
		p.t.Fatalf("ConfigureProvider: %s", diagText(diags))
	}
}

// stringValues are string attribute values.
func stringValues(attributes map[string]string) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(attributes))
	for name, v := range attributes {
		out[name] = tftypes.NewValue(tftypes.String, v)
	}
	return out
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
// every other one null. An attribute the block lacks fails the test.
func (p *protocolEnv) dynamicValue(block *tfprotov6.SchemaBlock, attributes map[string]tftypes.Value) *tfprotov6.DynamicValue {
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

// validateAction sends ValidateActionConfig.
func (p *protocolEnv) validateAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	resp, err := p.server.ValidateActionConfig(context.Background(), &tfprotov6.ValidateActionConfigRequest{ActionType: cancelEventActionType, Config: config})
	p.must("ValidateActionConfig", err)
	return resp.Diagnostics
}

// planAction sends PlanAction.
func (p *protocolEnv) planAction(config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
	resp, err := p.server.PlanAction(context.Background(), &tfprotov6.PlanActionRequest{ActionType: cancelEventActionType, Config: config})
	p.must("PlanAction", err)
	return resp.Diagnostics
}

// invokeAction sends InvokeAction and reads its event stream to the end:
// the progress messages in order, and the completed event's diagnostics.
func (p *protocolEnv) invokeAction(ctx context.Context, config *tfprotov6.DynamicValue) (progress []string, diags []*tfprotov6.Diagnostic) {
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

// bulkCancelCalls are the Bulk Cancel Event calls the simulator received.
func (p *protocolEnv) bulkCancelCalls() []wixsim.RecordedRequest {
	return p.env.sim.RequestsTo(wix.PathBulkCancel)
}

// tokenRequests counts the simulator's token requests.
func (p *protocolEnv) tokenRequests() int {
	return len(p.env.sim.RequestsTo(wix.PathToken))
}

// hasErrors reports whether diags hold an error.
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
		fmt.Fprintf(&b, "[%s] ", d.Severity)
		if d.Attribute != nil {
			fmt.Fprintf(&b, "%s: ", d.Attribute)
		}
		fmt.Fprintf(&b, "%s: %s\n", d.Summary, d.Detail)
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

// openAccessToken sends OpenEphemeralResource for wix_access_token and
// decodes its result: the token, and expires_at ("" when null).
func (p *protocolEnv) openAccessToken() (token, expiresAt string, diags []*tfprotov6.Diagnostic) {
	p.t.Helper()
	const typeName = "wix_access_token"
	block := p.schema.EphemeralResourceSchemas[typeName].Block
	resp, err := p.server.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: typeName, Config: p.dynamicValue(block, nil),
	})
	p.must("OpenEphemeralResource", err)
	if hasErrors(resp.Diagnostics) || resp.Result == nil {
		return "", "", resp.Diagnostics
	}
	values := p.unmarshalObject(resp.Result, block.ValueType())
	token = stringOf(p.t, values["access_token"])
	var expires *string
	p.must("decoding expires_at of wix_access_token", values["expires_at"].As(&expires))
	if expires != nil {
		expiresAt = *expires
	}
	return token, expiresAt, resp.Diagnostics
}

// minActionsVersion is the first Terraform with actions and list
// resources (terraform query).
var minActionsVersion = tfversion.Version1_14_0

// envRequireActions makes the tests that need actions or terraform query
// fail instead of skip when the CLI lacks them: make testacc-actions sets
// it, so that a CLI that cannot run them is an error, not a green run.
const envRequireActions = "WIX_TEST_REQUIRE_ACTIONS"

// openTofu reports whether the tests run under OpenTofu, as
// scripts/testacc.sh tofu runs them.
func openTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
}

// withoutActions says why cli (at version v) cannot run actions or
// terraform query, or "" when it can.
func withoutActions(cli string, v *version.Version) string {
	if cli == "" {
		cli = "the terraform on PATH"
	}
	if openTofu() || strings.Contains(filepath.Base(cli), "tofu") {
		return fmt.Sprintf("OpenTofu (%s) has no actions or terraform query: they need Terraform %s or later", cli, minActionsVersion)
	}
	if v.LessThan(minActionsVersion) {
		return fmt.Sprintf("actions and terraform query need Terraform %s or later, and %s is %s "+
			"(the action and the list resource are tested over the plugin protocol too)", minActionsVersion, cli, v)
	}
	return ""
}

// needsActionsCLI is the version check of the plugin-testing tests that
// need actions or terraform query: it skips them, saying why, on a CLI
// without them, or fails them when envRequireActions is set.
type needsActionsCLI struct{}

func (needsActionsCLI) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if why := withoutActions(cli, req.TerraformVersion); why != "" {
		if os.Getenv(envRequireActions) != "" {
			resp.Error = fmt.Errorf("%s, and %s is set", why, envRequireActions)
			return
		}
		resp.Skip = why
	}
}

// actionsCLI returns the Terraform CLI the tests use (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH) for a test that runs it by hand, and skips or
// fails the test as needsActionsCLI does when that CLI has no actions.
func actionsCLI(t *testing.T) string {
	t.Helper()
	cli := terraformCLI(t, fmt.Sprintf("for terraform apply -invoke, which needs Terraform %s or later", minActionsVersion))
	out, err := exec.Command(cli, "version", "-json").Output()
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err == nil {
		err = json.Unmarshal(out, &v)
	}
	if err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	got, err := version.NewVersion(v.TerraformVersion)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", cli, v.TerraformVersion, err)
	}
	if why := withoutActions(cli, got); why != "" {
		if os.Getenv(envRequireActions) != "" {
			t.Fatalf("%s, and %s is set", why, envRequireActions)
		}
		t.Skip(why)
	}
	return cli
}

// reattachProvider serves p over gRPC in this process for the Terraform
// CLI, as plugin-testing does, and returns TF_REATTACH_PROVIDERS for it
// under the provider's registry address.
func reattachProvider(t *testing.T, p provider.Provider) string {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatalf("serving the provider: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	configCh, closed := make(chan *plugin.ReattachConfig, 1), make(chan struct{})
	go func() {
		err := tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, configCh, closed), tf6server.WithoutLogStderrOverride(),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
		if err != nil {
			t.Errorf("serving the provider for the CLI: %v", err)
		}
	}()
	config := <-configCh
	t.Cleanup(func() { stop(); <-closed })
	reattach, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": config.Protocol, "ProtocolVersion": config.ProtocolVersion, "Pid": config.Pid, "Test": true,
		"Addr": map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		t.Fatalf("encoding TF_REATTACH_PROVIDERS: %v", err)
	}
	return string(reattach)
}

// providerAddress is the provider's registry address, as users' required_providers name it.
const providerAddress = "registry.terraform.io/wix-terraform/wix"

// requiredWixProvider is the terraform block of a configuration that the
// CLI runs by hand (not through plugin-testing), naming the provider that
// TF_REATTACH_PROVIDERS serves.
const requiredWixProvider = `terraform {
  required_providers {
    wix = { source = "wix-terraform/wix" }
  }
}
`

// writeTestFile writes a file of a configuration the CLI runs by hand.
func writeTestFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// exitCode is the exit status of a CLI run: 0 when err is nil, -1 when it
// did not run at all.
func exitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	return -1
}

// runCLI runs the Terraform CLI in dir with the provider reattached and
// returns its combined output.
func runCLI(t *testing.T, cli, dir, reattach string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(cli, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// listed is one result of a ListResource stream, decoded.
type listed struct {
	displayName string
	id          string
	resource    map[string]tftypes.Value
	diagnostics string
}

// listConfig is the wix_automation list resource's configuration with
// these filters.
func (p *protocolEnv) listConfig(filters map[string]string) *tfprotov6.DynamicValue {
	return p.dynamicValue(p.schema.ListResourceSchemas["wix_automation"].Block, stringValues(filters))
}

// list calls ListResource for wix_automation with these filters and reads
// the whole stream.
func (p *protocolEnv) list(filters map[string]string, includeResource bool, limit int64) []listed {
	p.t.Helper()
	stream, err := p.server.ListResource(context.Background(), &tfprotov6.ListResourceRequest{
		TypeName: "wix_automation", Config: p.listConfig(filters), IncludeResource: includeResource, Limit: limit,
	})
	p.must("ListResource", err)
	var out []listed
	for r := range stream.Results {
		out = append(out, p.decode(r))
	}
	return out
}

// validateList calls ValidateListResourceConfig and returns its diagnostics.
func (p *protocolEnv) validateList(filters map[string]string) string {
	p.t.Helper()
	resp, err := p.server.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
		TypeName: "wix_automation", Config: p.listConfig(filters),
	})
	p.must("ValidateListResourceConfig", err)
	return diagText(resp.Diagnostics)
}

// decode decodes one ListResource result.
func (p *protocolEnv) decode(r tfprotov6.ListResourceResult) listed {
	p.t.Helper()
	out := listed{displayName: r.DisplayName, diagnostics: diagText(r.Diagnostics)}
	if r.Identity != nil && r.Identity.IdentityData != nil {
		v := p.unmarshalObject(r.Identity.IdentityData, tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}})
		out.id = stringOf(p.t, v["id"])
	}
	if r.Resource != nil {
		out.resource = p.unmarshalObject(r.Resource, p.schema.ResourceSchemas["wix_automation"].ValueType())
	}
	return out
}

// unmarshalObject decodes an object value into its attributes.
func (p *protocolEnv) unmarshalObject(dv *tfprotov6.DynamicValue, typ tftypes.Type) map[string]tftypes.Value {
	p.t.Helper()
	v, err := dv.Unmarshal(typ)
	p.must("decoding a result", err)
	var m map[string]tftypes.Value
	p.must("decoding a result", v.As(&m))
	return m
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
