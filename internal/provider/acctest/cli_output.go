package acctest

import (
	"path/filepath"
	"strings"
	"testing"
)

// TerraformOutputCLI is TerraformCLI for a test that runs the CLI by hand
// to read what Terraform prints (warnings, which plugin-testing does not
// show): under OpenTofu (scripts/testacc.sh tofu) it skips, saying why, as
// OpenTofu reads the short provider source of RequiredWixProvider as its
// own registry's and wants an init; the plugin-testing tests of the same
// behavior run there.
func TerraformOutputCLI(t *testing.T, what string) string {
	t.Helper()
	cli := TerraformCLI(t, what)
	if openTofu() || strings.Contains(filepath.Base(cli), "tofu") {
		t.Skipf("reads Terraform's own output %s; under OpenTofu the plugin-testing tests cover the behavior", what)
	}
	return cli
}
