package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/wix-terraform/terraform-provider-wix/internal/provider"
)

// providerSchemaJSON is what `terraform providers schema -json` of
// Terraform 1.14 prints for this provider, built in process from the
// provider's own GetProviderSchema answer: the provider block, resources,
// data sources, ephemeral resources and actions, keyed by address.
//
// tfplugindocs reads it with --providers-schema, instead of asking the
// Terraform CLI, whose older versions print no action_schemas. tfplugindocs
// looks the provider up by its --provider-name ("wix") or as
// "registry.terraform.io/hashicorp/<name>", so pass one of those as address.
func providerSchemaJSON(ctx context.Context, version, address string) ([]byte, error) {
	server, err := providerserver.NewProtocol6WithError(provider.New(version)())()
	if err != nil {
		return nil, fmt.Errorf("serving the provider: %w", err)
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil, fmt.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	schema, err := providerSchemaOf(resp)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(tfjson.ProviderSchemas{
		FormatVersion: "1.0",
		Schemas:       map[string]*tfjson.ProviderSchema{address: schema},
	}, "", "  ")
}

// providerSchemaOf converts the protocol's schemas to terraform-json's.
func providerSchemaOf(resp *tfprotov6.GetProviderSchemaResponse) (*tfjson.ProviderSchema, error) {
	var err error
	convert := func(schemas map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
		if len(schemas) == 0 {
			return nil
		}
		out := make(map[string]*tfjson.Schema, len(schemas))
		for name, s := range schemas {
			converted, e := jsonSchema(s)
			out[name] = converted
			if e != nil && err == nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
		return out
	}
	ps := &tfjson.ProviderSchema{
		ResourceSchemas:          convert(resp.ResourceSchemas),
		DataSourceSchemas:        convert(resp.DataSourceSchemas),
		EphemeralResourceSchemas: convert(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      convert(resp.ListResourceSchemas),
	}
	provider := convert(map[string]*tfprotov6.Schema{"provider": resp.Provider})
	ps.ConfigSchema = provider["provider"]
	if len(resp.ActionSchemas) > 0 {
		actions := make(map[string]*tfprotov6.Schema, len(resp.ActionSchemas))
		for name, a := range resp.ActionSchemas {
			actions[name] = a.Schema
		}
		ps.ActionSchemas = map[string]*tfjson.ActionSchema{}
		for name, s := range convert(actions) {
			ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: s.Block}
		}
	}
	return ps, err
}

func jsonSchema(s *tfprotov6.Schema) (*tfjson.Schema, error) {
	if s == nil {
		return &tfjson.Schema{}, nil
	}
	block, err := jsonBlock(s.Block)
	return &tfjson.Schema{Version: uint64(max(s.Version, 0)), Block: block}, err
}

func jsonBlock(b *tfprotov6.SchemaBlock) (*tfjson.SchemaBlock, error) {
	out := &tfjson.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: descriptionKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	attributes, err := jsonAttributes(b.Attributes)
	if err != nil {
		return nil, err
	}
	out.Attributes = attributes
	for _, nb := range b.BlockTypes {
		nested, err := jsonBlock(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		if out.NestedBlocks == nil {
			out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		}
		out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
			NestingMode: tfjson.SchemaNestingMode(strings.ToLower(nb.Nesting.String())),
			Block:       nested,
			MinItems:    uint64(max(nb.MinItems, 0)),
			MaxItems:    uint64(max(nb.MaxItems, 0)),
		}
	}
	return out, nil
}

func jsonAttributes(attributes []*tfprotov6.SchemaAttribute) (map[string]*tfjson.SchemaAttribute, error) {
	if len(attributes) == 0 {
		return nil, nil
	}
	out := make(map[string]*tfjson.SchemaAttribute, len(attributes))
	for _, a := range attributes {
		attr := &tfjson.SchemaAttribute{
			Description:     a.Description,
			DescriptionKind: descriptionKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			WriteOnly:       a.WriteOnly,
		}
		var err error
		if a.NestedType != nil {
			attr.AttributeNestedType, err = jsonNestedType(a.NestedType)
		} else {
			attr.AttributeType, err = ctyType(a.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		out[a.Name] = attr
	}
	return out, nil
}

func jsonNestedType(o *tfprotov6.SchemaObject) (*tfjson.SchemaNestedAttributeType, error) {
	attributes, err := jsonAttributes(o.Attributes)
	if err != nil {
		return nil, err
	}
	return &tfjson.SchemaNestedAttributeType{
		Attributes:  attributes,
		NestingMode: tfjson.SchemaNestingMode(strings.ToLower(o.Nesting.String())),
	}, nil
}

// ctyType converts through the JSON type notation both libraries share.
func ctyType(t interface{ String() string }) (cty.Type, error) {
	raw, err := json.Marshal(t)
	if err != nil {
		return cty.NilType, err
	}
	var out cty.Type
	if err := out.UnmarshalJSON(raw); err != nil {
		return cty.NilType, fmt.Errorf("type %s: %w", t, err)
	}
	return out, nil
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}
