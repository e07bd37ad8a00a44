package cliconfig

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
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

func TestWriteWritesTheDevOverridesForItsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.rc")
	if err := Write(path, "/plugins", "wix", "noop"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := DevOverrides("/plugins", "wix", "noop"); !bytes.Equal(got, want) {
		t.Errorf("Write wrote:\n%s\nwant:\n%s", got, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("Write left mode %v, want -rw-------", mode)
	}
}

// The error names the file and why it could not be written.
func TestWriteReportsAMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "terraform.rc")
	err := Write(path, "/plugins", "wix")
	if err == nil {
		t.Fatal("Write into a missing directory returned no error")
	}
	if !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %q does not name %s as missing", err, path)
	}
}
