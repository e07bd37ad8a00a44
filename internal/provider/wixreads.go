package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// wixRead is the data-source flavor of wixCalls: a data source or a list
// resource calls Wix each time it is read, so it has no plan-time
// credentials check, no timeouts block and no state left behind to speak
// of. Its errors are worded by the same explain as the resources'.
type wixRead struct {
	// what names the reader in messages: "the wix_automations data source".
	what string
	// again says how the user reads again: "the next plan or apply reads again".
	again string
	// calls holds the read as opRead, for explain's wording and the scope.
	calls wixCalls
}

// readTimeout bounds one read, retries and pacing included. Readers have no
// timeouts block: a list of every automation is a few calls at most.
const readTimeout = defaultTimeout

// begin is a read's client and a context that ends at readTimeout; it adds
// the missing-credentials error and returns a nil client when there are none.
func (r wixRead) begin(ctx context.Context, data *providerData, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *wix.Client) {
	if data == nil || data.client == nil {
		diags.AddError(missingCredentialsSummary, r.missingCredentials())
		return ctx, func() {}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	return ctx, cancel, data.client
}

// missingCredentials is the detail of the error a read without credentials
// fails with.
func (r wixRead) missingCredentials() string {
	c, _ := r.calls.call(opRead)
	return noCredentials("Reading "+r.what, c.api)
}

// failure words err as a diagnostic, every secret masked: what happened,
// why (the client's error, with Wix's own words and request id), and what
// to do.
func (r wixRead) failure(data *providerData, subject string, err error) (summary, detail string) {
	c, _ := r.calls.call(opRead)
	summary, advice := r.calls.explain(opRead, c, readTimeout, err)
	detail = fmt.Sprintf("Wix's %s of %s failed, so reading %s stopped; %s.\n\n%s\n\n%s",
		c.api, subject, r.what, r.again, err, advice)
	if data != nil {
		detail = data.redact(detail)
	}
	return summary, detail
}
