package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// tokenLog records the access tokens Wix issues to the provider, read off
// the token endpoint's answers on their way back, and counts the clients
// with app credentials the provider builds (one per provider configuration).
type tokenLog struct {
	mu         sync.Mutex
	tokens     []string
	appClients int
}

// recordTokens routes env's provider clients through a tokenLog.
func recordTokens(env *accEnv) *tokenLog {
	log := &tokenLog{}
	base := http.DefaultTransport.(*http.Transport).Clone()
	env.overrides = append(env.overrides, func(c *wix.Config) {
		log.mu.Lock()
		defer log.mu.Unlock()
		if c.AccessToken == "" {
			log.appClients++
		}
		c.HTTPClient = &http.Client{Transport: tokenTee{base: base, log: log}}
	})
	return log
}

// issued returns the tokens issued so far, in order, and the number of
// clients with app credentials.
func (l *tokenLog) issued() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tokens...), l.appClients
}

// absentFrom fails when any issued token occurs in data; what names data.
func (l *tokenLog) absentFrom(what string, data []byte) error {
	tokens, _ := l.issued()
	if len(tokens) == 0 {
		return fmt.Errorf("no token was issued before %s was checked: the check would prove nothing", what)
	}
	for i, token := range tokens {
		if bytes.Contains(data, []byte(token)) {
			return fmt.Errorf("%s holds access token number %d issued in this test", what, i+1)
		}
	}
	return nil
}

// absentFromTree checks every file under dir.
func (l *tokenLog) absentFromTree(dir string) error {
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		// Symbolic links lead out of the working directory (plugin-testing
		// links the test's own sources): only real files are Terraform's.
		if err != nil || d.IsDir() || d.Type()&os.ModeSymlink != 0 {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		return l.absentFrom(path, data)
	})
	if err == nil && files == 0 {
		err = fmt.Errorf("no files under %s: the check would prove nothing", dir)
	}
	return err
}

// absentFromFile checks one file, which must not be empty.
func (l *tokenLog) absentFromFile(path string) error {
	data, err := os.ReadFile(path)
	if err == nil && len(data) == 0 {
		err = fmt.Errorf("%s is empty: the check would prove nothing", path)
	}
	if err != nil {
		return err
	}
	return l.absentFrom(path, data)
}

// tokenTee passes calls through to base and hands each token the token
// endpoint issues to log.
type tokenTee struct {
	base http.RoundTripper
	log  *tokenLog
}

func (t tokenTee) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err != nil || r.URL.Path != wix.PathToken || res.StatusCode != http.StatusOK {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.AccessToken != "" {
		t.log.mu.Lock()
		t.log.tokens = append(t.log.tokens, answer.AccessToken)
		t.log.mu.Unlock()
	}
	return res, nil
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
	if err != nil {
		p.t.Fatalf("OpenEphemeralResource: %v", err)
	}
	if hasErrors(resp.Diagnostics) || resp.Result == nil {
		return "", "", resp.Diagnostics
	}
	result, err := resp.Result.Unmarshal(block.ValueType())
	var values map[string]tftypes.Value
	if err == nil {
		err = result.As(&values)
	}
	var expires *string
	if err == nil {
		err = values["access_token"].As(&token)
	}
	if err == nil {
		err = values["expires_at"].As(&expires)
	}
	if err != nil {
		p.t.Fatalf("decoding the result of wix_access_token: %v", err)
	}
	if expires != nil {
		expiresAt = *expires
	}
	return token, expiresAt, resp.Diagnostics
}

// minActionsVersion is the first Terraform with actions.
var minActionsVersion = tfversion.Version1_14_0

// openTofu reports whether the tests run under OpenTofu, as
// scripts/testacc-tofu.sh runs them.
func openTofu() bool {
	return os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"
}

// noOpenTofu skips a plugin-testing test under OpenTofu, which has no
// actions, with that reason.
type noOpenTofu struct{}

func (noOpenTofu) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if openTofu() {
		resp.Skip = fmt.Sprintf("OpenTofu (%s here) has no actions: wix_automation_cancel_event needs Terraform %s or later", req.TerraformVersion, minActionsVersion)
	}
}

// actionsCLI returns the Terraform CLI the tests use (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH), or skips the test, saying why, when that CLI
// has no actions.
func actionsCLI(t *testing.T) string {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skipf("no Terraform CLI on PATH or in TF_ACC_TERRAFORM_PATH; terraform apply -invoke needs Terraform %s or later", minActionsVersion)
		}
	}
	if openTofu() || strings.Contains(filepath.Base(cli), "tofu") {
		t.Skipf("OpenTofu (%s) has no actions: wix_automation_cancel_event needs Terraform %s or later", cli, minActionsVersion)
	}
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
	switch got, err := version.NewVersion(v.TerraformVersion); {
	case err != nil:
		t.Fatalf("%s reports version %q: %v", cli, v.TerraformVersion, err)
	case got.LessThan(minActionsVersion):
		t.Skipf("terraform apply -invoke needs Terraform %s or later, and %s is %s (the action is tested over the plugin protocol in TestAction_*)", minActionsVersion, cli, got)
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
