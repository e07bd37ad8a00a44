// Command terraform-provider-wix serves the Wix provider to Terraform and
// OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider"
)

// version is set by the release build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietUnlessLogging()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/wix-terraform/wix",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietUnlessLogging turns the plugin SDK's and the provider's logging off
// when Terraform would throw it away: its provider log level is
// TF_LOG_PROVIDER, else TF_LOG, else off. Unset, the SDK still writes ~150
// TRACE lines per resource that Terraform parses and drops, a third of the
// provider's CPU in a large apply (BENCHMARKS.md). Levels a user set are left
// alone; -debug sessions log to their own terminal and keep everything.
func quietUnlessLogging() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_WIX"} {
		if os.Getenv(name) == "" {
			_ = os.Setenv(name, "off")
		}
	}
}
