package automations

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider/base"
	"github.com/wix-terraform/terraform-provider-wix/internal/provider/diagtest"
	"github.com/wix-terraform/terraform-provider-wix/internal/wix"
)

// The wording this family's declarations add to the shared one (pinned in
// package base): what a 403 of an automation may mean, and the readers'
// fixed time limit.

func TestDiagnosticWording(t *testing.T) {
	summary, detail := automationKind.Failure(base.Create, "it", time.Minute,
		&wix.APIError{Operation: "Create Automation", StatusCode: 403, Message: "no", RequestID: "r-1", Attempts: 1})
	readSummary, readDetail := automationsKind.Failure(base.Read, "every automation", base.DefaultTimeout,
		fmt.Errorf("query: %w", context.DeadlineExceeded))
	listSummary, listDetail := automationListKind.Failure(base.Read, "every automation", base.DefaultTimeout,
		fmt.Errorf("query: %w", context.DeadlineExceeded))
	diagtest.Check(t, []diagtest.Row{
		{Name: "automation 403", Summary: summary, WantSummary: "Wix denied the creation", Detail: detail, Phrases: []string{
			"\n\nWix may also refuse automations of a trigger that belongs to another app. " +
				`The app needs the "Set Up Automations" (SCOPE.CRM.SETUP-AUTOMATIONS) permission on this instance.`,
		}},
		{Name: "data source timeout", Summary: readSummary, WantSummary: "Timed out listing Wix automations", Detail: readDetail, Phrases: []string{
			"so reading the wix_automations data source stopped; the next plan or apply reads again.",
			"Reading the wix_automations data source may take 5m, retries and request pacing included, and that ran out. " +
				"Lower the load on the app instance, or narrow the filters, and run again.",
		}},
		{Name: "list resource timeout", Summary: listSummary, WantSummary: "Timed out listing Wix automations", Detail: listDetail, Phrases: []string{
			"so reading the wix_automation list resource stopped; run terraform query again.",
		}},
	})
}
