// Command schemajson prints the provider's schema in the format of
// `terraform providers schema -json`, built in-process.
//
// tfplugindocs reads it with --providers-schema: Terraform before 1.14
// prints no action or list resource schemas, so the CLI's own dump would
// leave those pages out. scripts/docs.sh runs it.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	out, err := providerSchemaJSON(context.Background(), "dev", "wix")
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, "schemajson:", err)
		os.Exit(1)
	}
}
