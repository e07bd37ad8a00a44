package provider_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/acctest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
	"github.com/wix-terraform/terraform-provider-wix/internal/wixsim"
)

// What the user sees when an answer is not Wix's (issue 12): only HTTP 200
// with Wix's JSON object counts as success, no redirect is followed, no
// secret is shown even when quoted back, and a 429 storm is waited out.
// The client's unit tests prove each rule call by call; these prove the
// diagnostic and the state through Terraform.

// Only HTTP 200 with Wix's JSON object is success. A sign-in page answered
// with 200, other 2xx answers and a 200 that is not a JSON object each fail
// the apply with the call, the status and what came back, and save
// nothing.
func TestAccTrust_onlyWixsJSONObjectIsSuccess(t *testing.T) {
	acctest.Parallel(t)
	cases := map[string]struct {
		fault   wixsim.Fault
		answer  string   // how the error describes the answer, after "Cancel Event: HTTP "
		excerpt []string // what the error quotes of it
	}{
		"200 sign-in page": {wixsim.Fault{Status: 200, ContentType: "text/html; charset=utf-8",
			Body: "<html><body>Please sign in to continue</body></html>"}, "200 OK with content type text/html", []string{"Please sign in"}},
		"204 No Content":  {fault: wixsim.Fault{Status: 204}, answer: "204"},
		"200 JSON array":  {fault: wixsim.Fault{Status: 200, ContentType: "application/json", Body: `[]`}, answer: "200"},
		"200 truncated":   {fault: wixsim.Fault{Status: 200, ContentType: "application/json", Body: `{"ok":`}, answer: "200"},
		"200 empty body":  {fault: wixsim.Fault{Status: 200, ContentType: "application/json"}, answer: "200"},
		"201 Created":     {fault: wixsim.Fault{Status: 201, ContentType: "application/json", Body: `{}`}, answer: "201"},
		"200 plain text":  {fault: wixsim.Fault{Status: 200, ContentType: "text/plain", Body: `OK`}, answer: "200"},
		"200 JSON string": {fault: wixsim.Fault{Status: 200, ContentType: "application/json", Body: `"done"`}, answer: "200"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewSimEnv(t)
			tc.fault.Path, tc.fault.Raw = wix.PathCancel, true
			env.Sim.InjectFault(tc.fault)
			testFailedApply(t, env, failedApply{
				config: env.Config(1, nil),
				want: append([]string{"nothing was saved to state", "Cancel Event: HTTP " + tc.answer,
					"is not an answer from Wix"}, tc.excerpt...),
				calls:   []int{tc.fault.Status},
				recover: env.Sim.ClearFaults,
			})
		})
	}
}

// A redirect is not followed: the error names the host it pointed to (not
// its query, which may carry anything) and nothing is saved.
func TestAccTrust_redirectIsNotFollowed(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Raw: true, Status: 302,
		Location: "https://sso.proxy.invalid/login?session=s3cr3t-session"})
	testFailedApply(t, env, failedApply{
		config: env.Config(1, nil),
		// The host, then at once the explanation: no path or query between.
		want: []string{"nothing was saved to state", "HTTP 302",
			"redirecting to host sso.proxy.invalid: Wix's API does not redirect", "no redirect is followed"},
		calls:   []int{302},
		recover: env.Sim.ClearFaults,
	})
}

// A 307 on the token request must not carry the app secret to the host it
// names: Go's client would re-send the body of a 307.
func TestAccTrust_tokenRedirectKeepsTheSecret(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		stolen.Add(1) // any request here means the redirect was followed
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(thief.Close)
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathToken, Raw: true, Status: 307, Location: thief.URL + "/oauth2/token"})
	env.Test(t, []resource.TestStep{{
		Config:      env.Config(1, nil),
		ExpectError: acctest.ExpectWords("HTTP 307", "redirecting to host 127.0.0.1", "no redirect is followed"),
	}, {
		PreConfig: func() {
			if n := stolen.Load(); n != 0 {
				t.Fatalf("the redirect target got %d request(s): the redirect was followed", n)
			}
		},
		Config:   env.Config(1, nil),
		PlanOnly: true, ExpectNonEmptyPlan: true,
	}})
}

// A 429 storm longer than max_retries allows is waited out within the
// create timeout: 429 says "wait", not "failed".
func TestAccTrust_rateLimitStormIsWaitedOut(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	const storm = 7 // more than max_retries = 5, one second each
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathCancel, Status: 429, RetryAfter: "1", Count: storm})
	want := make([]int, 0, storm+1)
	for range storm {
		want = append(want, 429)
	}
	want = append(want, 200)
	env.TestApply(t, acctest.EntityIDs(1), resource.ComposeAggregateTestCheckFunc(
		env.ExpectStatuses(wix.PathCancel, want...),
		env.CanceledOnce(env.TriggerKey, acctest.EntityIDs(1)...),
	), "max_retries = 5")
}

// quotedBack answers every Cancel Event with a 403 whose message quotes
// the Authorization header it got, raw and JSON-escaped, as a careless
// proxy or API might. It never calls the simulator, so the tokens it
// quoted are kept here: seen returns them.
type quotedBack struct {
	mu     sync.Mutex
	tokens []string
}

func (q *quotedBack) hook(r *http.Request, _ http.RoundTripper) (*http.Response, error) {
	if r.URL.Path != wix.PathCancel {
		return nil, nil
	}
	token := r.Header.Get("Authorization")
	q.mu.Lock()
	q.tokens = append(q.tokens, token)
	q.mu.Unlock()
	escaped := strings.ReplaceAll(strconv.Quote(token), `"`, "")
	body := fmt.Sprintf(`{"message":"token %s (%s) may not cancel","details":{"applicationError":{"code":"DENIED","description":"%s"}}}`,
		token, escaped, token)
	return &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// seen returns the Authorization headers quoted back so far.
func (q *quotedBack) seen() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.tokens...)
}

// secretsStayMasked runs an apply whose error quotes secrets back: the
// error must show the mask and none of them.
func secretsStayMasked(t *testing.T, env *acctest.Env, config string, secrets func() []string) {
	var failed atomic.Bool
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: env.Factories(),
		ErrorCheck: func(err error) error {
			for _, s := range secrets() {
				if s != "" && strings.Contains(err.Error(), s) {
					return fmt.Errorf("a secret reached the error text: %w", err)
				}
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				return fmt.Errorf("the error does not show the mask where Wix quoted a secret: %w", err)
			}
			failed.Store(true)
			return nil
		},
		Steps: []resource.TestStep{{Config: config}, {
			PreConfig: func() {
				if !failed.Load() {
					t.Fatal("the apply did not fail, so nothing was checked")
				}
			},
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
		}},
	})
}

// The token the provider fetched, quoted back by Wix, is masked.
func TestAccTrust_fetchedTokenQuotedBackIsMasked(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	quoted := &quotedBack{}
	env.Hook(quoted.hook)
	secretsStayMasked(t, env, env.Config(1, []string{"max_retries = 0"}), func() []string {
		tokens := quoted.seen()
		if len(tokens) == 0 {
			t.Fatal("no Cancel Event reached the hook, so no fetched token was quoted back")
		}
		return append(tokens, wixsim.DemoAppSecret)
	})
}

// A configured access token, quoted back by Wix, is masked.
func TestAccTrust_configuredTokenQuotedBackIsMasked(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	token := env.Sim.IssueToken(wixsim.DemoAppID, wixsim.DemoInstanceID, 0)
	env.Hook((&quotedBack{}).hook)
	config := acctest.BareProviderBlock(env.BaseURLLine(), fmt.Sprintf("access_token = %q", token), "max_retries = 0") +
		acctest.CancellationsConfig(env.TriggerKey, acctest.EntityIDs(1))
	secretsStayMasked(t, env, config, func() []string { return []string{token} })
}

// The app secret, quoted back by the token endpoint, is masked.
func TestAccTrust_appSecretQuotedBackIsMasked(t *testing.T) {
	acctest.Parallel(t)
	env := acctest.NewSimEnv(t)
	env.Sim.InjectFault(wixsim.Fault{Path: wix.PathToken, Status: 400, Count: 10,
		Message: "client_secret " + wixsim.DemoAppSecret + " does not match " + strconv.Quote(wixsim.DemoAppSecret)})
	secretsStayMasked(t, env, env.Config(1, []string{"max_retries = 0"}), func() []string {
		return []string{wixsim.DemoAppSecret}
	})
}
