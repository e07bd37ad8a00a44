package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// Environment variables behind the provider block's attributes: names, not
// secrets.
//
//nolint:gosec // G101 takes WIX_APP_SECRET's name for a credential.
const (
	envAppID             = "WIX_APP_ID"
	envAppSecret         = "WIX_APP_SECRET"
	envInstanceID        = "WIX_INSTANCE_ID"
	envAccessToken       = "WIX_ACCESS_TOKEN"
	envBaseURL           = "WIX_BASE_URL"
	envRequestsPerMinute = "WIX_REQUESTS_PER_MINUTE"
	envMaxRetries        = "WIX_MAX_RETRIES"
)

// setting is one provider attribute after merging with its env var.
type setting struct {
	attribute string
	env       string
	value     string
	fromEnv   bool
	unknown   bool
}

func (s setting) set() bool { return s.value != "" }

// name is how errors refer to the setting: the attribute, and the env var
// when that is where the value came from.
func (s setting) name() string {
	if s.fromEnv {
		return fmt.Sprintf("%s (from %s)", s.attribute, s.env)
	}
	return s.attribute
}

func (s setting) both() string { return fmt.Sprintf("%s (%s)", s.attribute, s.env) }

// resolveString merges an attribute with its env var: a known value in the block wins; a null one falls back to
// the env var. An empty env var counts as unset, as shells export them.
func resolveString(attribute, env string, v types.String) setting {
	s := setting{attribute: attribute, env: env}
	switch {
	case v.IsUnknown():
		s.unknown = true
	case !v.IsNull():
		s.value = v.ValueString()
	default:
		s.value, s.fromEnv = os.Getenv(env), true
	}
	return s
}

// wixProviderModel is the provider block.
type wixProviderModel struct {
	AppID             types.String   `tfsdk:"app_id"`
	AppSecret         types.String   `tfsdk:"app_secret"`
	InstanceID        types.String   `tfsdk:"instance_id"`
	AccessToken       types.String   `tfsdk:"access_token"`
	BaseURL           types.String   `tfsdk:"base_url"`
	RequestsPerMinute types.Int64    `tfsdk:"requests_per_minute"`
	MaxRetries        types.Int64    `tfsdk:"max_retries"`
	Batching          *batchingModel `tfsdk:"batching"`
}

// resolvedConfig is the provider block merged with the environment.
type resolvedConfig struct {
	client      wix.Config
	credentials base.Credentials
	// ignoredEnv names the credential variables set in the environment
	// that the provider block overrides (see preferTheBlock).
	ignoredEnv []string
}

func resolveConfig(m wixProviderModel, diags *diag.Diagnostics) resolvedConfig {
	appID := resolveString("app_id", envAppID, m.AppID)
	appSecret := resolveString("app_secret", envAppSecret, m.AppSecret)
	instanceID := resolveString("instance_id", envInstanceID, m.InstanceID)
	accessToken := resolveString("access_token", envAccessToken, m.AccessToken)
	baseURL := resolveString("base_url", envBaseURL, m.BaseURL)
	app, token := []*setting{&appID, &appSecret, &instanceID}, []*setting{&accessToken}
	ignored := append(preferTheBlock(app, token), preferTheBlock(token, app)...)

	cfg := resolvedConfig{client: wix.Config{
		AppID: appID.value, AppSecret: appSecret.value, InstanceID: instanceID.value,
		AccessToken: accessToken.value, BaseURL: baseURL.value,
	}, ignoredEnv: ignored}
	checkBaseURL(baseURL, diags)
	cfg.client.RequestsPerMinute = resolveCount("requests_per_minute", envRequestsPerMinute, m.RequestsPerMinute, wix.DefaultRequestsPerMinute, diags)
	cfg.client.MaxRetries = resolveCount("max_retries", envMaxRetries, m.MaxRetries, wix.DefaultMaxRetries, diags)
	cfg.client.Batching = resolveBatching(m.Batching)
	cfg.credentials = checkCredentials(appID, appSecret, instanceID, accessToken, diags)
	if baseURL.unknown && cfg.credentials == base.CredentialsConfigured {
		// Calling the default base URL instead would send the credentials
		// to a host the configuration may not mean.
		cfg.credentials = base.CredentialsUnknown
	}
	return cfg
}

// preferTheBlock applies Terraform's convention that what a provider block
// sets explicitly wins over the environment: when the block sets any
// attribute of the credential set chosen (known or not yet known) and none
// of the other set, the other set's environment variables are dropped. It
// returns the names of the variables it dropped that were set.
func preferTheBlock(chosen, other []*setting) []string {
	if !anyInBlock(chosen) || anyInBlock(other) {
		return nil
	}
	var dropped []string
	for _, s := range other {
		if s.fromEnv && s.set() {
			dropped = append(dropped, s.env)
			s.value = ""
		}
	}
	return dropped
}

// anyInBlock reports whether the provider block sets any of settings.
func anyInBlock(settings []*setting) bool {
	for _, s := range settings {
		if !s.fromEnv && (s.unknown || s.set()) {
			return true
		}
	}
	return false
}

func checkBaseURL(s setting, diags *diag.Diagnostics) {
	if s.unknown || s.value == "" {
		return
	}
	if err := wix.ValidateBaseURL(s.value); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Wix base URL",
			fmt.Sprintf("The %s %s.\n\nSet it to an https:// URL such as %s, or leave it unset.", s.name(), err, wix.DefaultBaseURL))
	}
}

// resolveCount merges a non-negative whole number with its env var. Unknown
// values take the default for now: nothing is called at plan, and the
// provider is configured again with the known value at apply.
func resolveCount(attribute, env string, v types.Int64, def int, diags *diag.Diagnostics) int {
	if v.IsUnknown() {
		return def
	}
	if !v.IsNull() {
		// The schema validator rejects negative block values before this.
		return int(v.ValueInt64())
	}
	raw := strings.TrimSpace(os.Getenv(env))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		diags.AddAttributeError(path.Root(attribute), "Invalid "+env+" environment variable",
			fmt.Sprintf("%s sets %s to %q, which is not a whole number of 0 or more.\n\nFix or unset %s, or set %s in the provider block.", env, attribute, raw, env, attribute))
		return def
	}
	return n
}

// checkCredentials accepts exactly one credential set, or none at all.
func checkCredentials(appID, appSecret, instanceID, accessToken setting, diags *diag.Diagnostics) base.Credentials {
	app := []setting{appID, appSecret, instanceID}
	for _, s := range append(app, accessToken) {
		if s.unknown {
			return base.CredentialsUnknown
		}
	}
	var appSet, appUnset []string
	for _, s := range app {
		if s.set() {
			appSet = append(appSet, s.name())
		} else {
			appUnset = append(appUnset, s.both())
		}
	}
	switch {
	case accessToken.set() && len(appSet) > 0:
		diags.AddAttributeError(path.Root("access_token"), "Conflicting Wix credentials",
			fmt.Sprintf("%s is set, and so %s %s. The provider authenticates either with a ready access token "+
				"or with the app's OAuth credentials, not both.\n\nRemove access_token (%s), or remove app_id, app_secret "+
				"and instance_id (%s, %s, %s) from the provider block and the environment. When one set is in the "+
				"environment, setting the other in the provider block is enough: what the block sets wins, and the "+
				"environment's other set is then ignored.",
				accessToken.name(), isOrAre(len(appSet)), base.JoinWords(appSet), envAccessToken, envAppID, envAppSecret, envInstanceID))
		return base.CredentialsMissing
	case accessToken.set() || len(appUnset) == 0:
		return base.CredentialsConfigured
	case len(appSet) > 0:
		diags.AddAttributeError(path.Root(firstUnset(app).attribute), "Incomplete Wix app credentials",
			fmt.Sprintf("%s %s set, but %s %s not. App authentication needs all three of app_id (%s), "+
				"app_secret (%s) and instance_id (%s).\n\nSet the missing ones, or use access_token (%s) instead.",
				base.JoinWords(appSet), isOrAre(len(appSet)), base.JoinWords(appUnset), isOrAre(len(appUnset)), envAppID, envAppSecret, envInstanceID, envAccessToken))
		return base.CredentialsMissing
	}
	return base.CredentialsMissing
}

// isOrAre agrees a verb with a count of things.
func isOrAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func firstUnset(settings []setting) setting {
	for _, s := range settings {
		if !s.set() {
			return s
		}
	}
	return settings[0]
}

// logProviderConfigured logs through cfg.Logger, which masks cfg's
// secrets (a proxy password in base_url among them), naming (never
// showing) the credential variables the block overrode.
func logProviderConfigured(ctx context.Context, cfg wix.Config, ignoredEnv []string) {
	mode := "app credentials"
	if cfg.AccessToken != "" {
		mode = "access token"
	}
	cfg.Logger.Debug(ctx, "Configured the Wix API client", map[string]any{
		"base_url":            cfg.BaseURL,
		"auth":                mode,
		"requests_per_minute": cfg.RequestsPerMinute,
		"max_retries":         cfg.MaxRetries,
		"batching":            cfg.Batching.Enabled,
	})
	if len(ignoredEnv) > 0 {
		cfg.Logger.Debug(ctx, "Ignoring credentials from the environment: the provider block sets the other credential set",
			map[string]any{"ignored": ignoredEnv})
	}
}

// baseURLValidator checks base_url in the block at validate time; values
// from WIX_BASE_URL are checked when the provider is configured.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "an https URL, or http for loopback hosts only"
}
func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := wix.ValidateBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Wix base URL",
			fmt.Sprintf("The base_url %s.\n\nSet it to an https:// URL such as %s, or leave it unset.", err, wix.DefaultBaseURL))
	}
}
