package main

import (
	"context"
	"encoding/json"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// The in-process schema dump reads as terraform-json's format (which
// checks format_version) and holds the action and the ephemeral resource,
// with their arguments as Terraform 1.14 would print them, next to the
// provider block and the resources.
func TestProviderSchemaJSON_actionAndEphemeral(t *testing.T) {
	const address = "registry.terraform.io/hashicorp/wix"
	raw, err := providerSchemaJSON(context.Background(), "test", address)
	if err != nil {
		t.Fatalf("providerSchemaJSON: %v", err)
	}
	var schemas tfjson.ProviderSchemas
	if err := json.Unmarshal(raw, &schemas); err != nil {
		t.Fatalf("not terraform providers schema -json: %v", err)
	}
	ps := schemas.Schemas[address]
	if ps == nil || ps.ConfigSchema == nil || ps.ResourceSchemas["wix_automation_event_cancellation"] == nil {
		t.Fatalf("the dump lacks the provider block or the resources:\n%s", raw)
	}
	action := ps.ActionSchemas["wix_automation_cancel_event"]
	if action == nil {
		t.Fatalf("no action_schemas.wix_automation_cancel_event:\n%s", raw)
	}
	expectAttribute(t, action.Block, "trigger_key", cty.String, true, false)
	expectAttribute(t, action.Block, "external_entity_ids", cty.Set(cty.String), true, false)
	ephemeral := ps.EphemeralResourceSchemas["wix_access_token"]
	if ephemeral == nil {
		t.Fatalf("no ephemeral_resource_schemas.wix_access_token:\n%s", raw)
	}
	expectAttribute(t, ephemeral.Block, "access_token", cty.String, false, true)
	expectAttribute(t, ephemeral.Block, "expires_at", cty.String, false, false)
	expectAttribute(t, ps.ConfigSchema.Block, "app_secret", cty.String, false, true)
	timeouts := ps.ResourceSchemas["wix_automation_event_cancellation"].Block.NestedBlocks["timeouts"]
	if timeouts == nil || timeouts.NestingMode != tfjson.SchemaNestingModeSingle {
		t.Errorf("the cancellation's timeouts block is %+v, want single nesting", timeouts)
	}
	if ephemeral.Block.DescriptionKind != tfjson.SchemaDescriptionKindMarkdown || ephemeral.Block.Description == "" {
		t.Errorf("the ephemeral resource's description is %q (%s), want its markdown", ephemeral.Block.Description, ephemeral.Block.DescriptionKind)
	}
}

// expectAttribute checks one attribute's type and flags.
func expectAttribute(t *testing.T, block *tfjson.SchemaBlock, name string, typ cty.Type, required, sensitive bool) {
	t.Helper()
	a := block.Attributes[name]
	switch {
	case a == nil:
		t.Errorf("no attribute %s", name)
	case !a.AttributeType.Equals(typ):
		t.Errorf("%s is %s, want %s", name, a.AttributeType.FriendlyName(), typ.FriendlyName())
	case a.Required != required || a.Sensitive != sensitive:
		t.Errorf("%s: required %t, sensitive %t; want %t, %t", name, a.Required, a.Sensitive, required, sensitive)
	}
}
