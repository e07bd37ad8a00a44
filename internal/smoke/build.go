package smoke

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// BuildProvider builds terraform-provider-wix from the repository at source
// into dir, with version in its User-Agent (what Wix's logs show of it).
// It is what `make smoke` checks: the provider as users build it.
func BuildProvider(ctx context.Context, source, dir, version string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-wix"), //nolint:gosec // G204: the user's own source and directory
		"-ldflags", "-X main.version="+version, ".")
	cmd.Dir = source
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider in %s: %w\n%s", source, err, output)
	}
	return nil
}

// Describe is the version a run gives the provider it builds from source:
// what git says of it (a tag or a commit, "-dirty" with local changes),
// after "smoke-"; "smoke-dev" without git.
func Describe(source string) string {
	cmd := exec.Command("git", "-C", source, "describe", "--tags", "--always", "--dirty")
	output, err := cmd.Output()
	if err != nil {
		return "smoke-dev"
	}
	return "smoke-" + strings.TrimSpace(string(output))
}
