// Package cliconfig writes the Terraform CLI configuration that runs a
// provider from a local build: dev_overrides, no registry and no `terraform
// init`. The simulator command, the scripts (through it) and the benchmarks
// all write this one file, so it has one writer. It has no Terraform imports.
package cliconfig

import (
	"fmt"
	"os"
	"strings"
)

// registries are the hosts a provider source without a host resolves to:
// Terraform's first, then OpenTofu's. Listing both makes one file serve
// either CLI.
var registries = []string{"registry.terraform.io", "registry.opentofu.org"}

// DevOverrides is a CLI configuration that takes each named provider of the
// wix-terraform namespace (such as "wix") from the binaries in dir, under
// both registries, and installs every other provider as usual.
func DevOverrides(dir string, providers ...string) []byte {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, name := range providers {
		for _, host := range registries {
			fmt.Fprintf(&b, "    %s = %s\n", hclString(host+"/wix-terraform/"+name), hclString(dir))
		}
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return []byte(b.String())
}

// Write writes DevOverrides(dir, providers...) to path, readable by its
// owner only (0o600), as Terraform and OpenTofu need it for
// TF_CLI_CONFIG_FILE.
func Write(path, dir string, providers ...string) error {
	if err := os.WriteFile(path, DevOverrides(dir, providers...), 0o600); err != nil {
		return fmt.Errorf("write the Terraform CLI configuration: %w", err)
	}
	return nil
}

// hclString quotes s as an HCL string literal. HCL reads `${` and `%{` as
// template markers, which Go's %q would leave in place.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", "$${", "%{", "%%{", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
