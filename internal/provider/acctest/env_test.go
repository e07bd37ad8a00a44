package acctest

import (
	"bytes"
	"strings"
	"testing"
)

// Against the real API, a package's tests first say so, naming the site's
// instance id (and nothing secret).
func TestAnnounceRealAPI(t *testing.T) {
	t.Setenv(EnvAppID, "app-of-the-test")
	t.Setenv(EnvAppSecret, "secret-of-the-test")
	t.Setenv(EnvInstanceID, "instance-of-the-test")
	t.Setenv(EnvTestTriggerKey, "key_of_the_test")
	t.Setenv(EnvBaseURL, "")
	if !realAPI() {
		t.Fatal("with all four variables set, the tests would not run against the real API")
	}
	var out bytes.Buffer
	AnnounceRealAPI(&out)
	got := out.String()
	for _, want := range []string{"REAL Wix API (https://www.wixapis.com)", "instance instance-of-the-test", "app app-of-the-test", "trigger key key_of_the_test"} {
		if !strings.Contains(got, want) {
			t.Errorf("announcement %q does not say %q", got, want)
		}
	}
	if strings.Contains(got, "secret-of-the-test") {
		t.Errorf("announcement %q holds the app secret", got)
	}
}
