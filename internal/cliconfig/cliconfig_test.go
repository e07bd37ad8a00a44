package cliconfig

import (
	"strings"
	"testing"
)

func TestDevOverridesListsEveryProviderUnderBothRegistries(t *testing.T) {
	want := `provider_installation {
  dev_overrides {
    "registry.terraform.io/wix-terraform/wix" = "/plugins"
    "registry.opentofu.org/wix-terraform/wix" = "/plugins"
    "registry.terraform.io/wix-terraform/noop" = "/plugins"
    "registry.opentofu.org/wix-terraform/noop" = "/plugins"
  }
  direct {}
}
`
	if got := string(DevOverrides("/plugins", "wix", "noop")); got != want {
		t.Errorf("DevOverrides:\n%s\nwant:\n%s", got, want)
	}
}

// A directory name is data, not an HCL template or the end of the string.
func TestDevOverridesQuotesTheDirectory(t *testing.T) {
	got := string(DevOverrides(`/tmp/a "b" ${c} %{d} \e`, "wix"))
	want := `"/tmp/a \"b\" $${c} %%{d} \\e"`
	if !strings.Contains(got, want) {
		t.Errorf("DevOverrides quoted the directory as:\n%s\nwant %s", got, want)
	}
}
