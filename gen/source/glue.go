package source

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// Markers are the registry description markers that make a registry a
// database of the connector; MSK's marker is accepted too, so MSK users can
// switch without edits.
var Markers = []string{"{AthenaFederationKafka}", "{AthenaFederationMSK}"}

// GlueAPI is the part of the Glue client the generator uses.
type GlueAPI interface {
	ListRegistries(context.Context, *glue.ListRegistriesInput, ...func(*glue.Options)) (*glue.ListRegistriesOutput, error)
	ListSchemas(context.Context, *glue.ListSchemasInput, ...func(*glue.Options)) (*glue.ListSchemasOutput, error)
	GetSchema(context.Context, *glue.GetSchemaInput, ...func(*glue.Options)) (*glue.GetSchemaOutput, error)
	GetSchemaVersion(context.Context, *glue.GetSchemaVersionInput, ...func(*glue.Options)) (*glue.GetSchemaVersionOutput, error)
}

// Pulled is a document fetched from Glue.
type Pulled struct {
	Registry, Schema string
	Version          int64
	Definition       []byte
}

// File is the file name the document is stored under in the schema folder.
func (p Pulled) File() string { return p.Schema + ".json" }

// Lock is the LockFile line of the document.
func (p Pulled) Lock() string {
	return p.File() + "\t" + p.Registry + "/" + p.Schema + "@" + strconv.FormatInt(p.Version, 10)
}

// Glue fetches the latest version of every JSON schema in every marked
// registry, sorted by registry and schema. Schemas of other data formats
// (Avro, Protobuf) are skipped: there is nothing to generate for them.
func Glue(ctx context.Context, api GlueAPI) ([]Pulled, error) {
	var registries []string
	var token *string
	for {
		out, err := api.ListRegistries(ctx, &glue.ListRegistriesInput{NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("source: glue ListRegistries: %w", err)
		}
		for _, r := range out.Registries {
			if marked(aws.ToString(r.Description)) {
				registries = append(registries, aws.ToString(r.RegistryName))
			}
		}
		if token = out.NextToken; token == nil || *token == "" {
			break
		}
	}
	sort.Strings(registries)
	var docs []Pulled
	for _, reg := range registries {
		var names []string
		token = nil
		for {
			out, err := api.ListSchemas(ctx, &glue.ListSchemasInput{RegistryId: &types.RegistryId{RegistryName: aws.String(reg)}, NextToken: token})
			if err != nil {
				return nil, fmt.Errorf("source: glue ListSchemas %s: %w", reg, err)
			}
			for _, s := range out.Schemas {
				names = append(names, aws.ToString(s.SchemaName))
			}
			if token = out.NextToken; token == nil || *token == "" {
				break
			}
		}
		sort.Strings(names)
		for _, name := range names {
			id := &types.SchemaId{RegistryName: aws.String(reg), SchemaName: aws.String(name)}
			s, err := api.GetSchema(ctx, &glue.GetSchemaInput{SchemaId: id})
			if err != nil {
				return nil, fmt.Errorf("source: glue GetSchema %s/%s: %w", reg, name, err)
			}
			if !strings.EqualFold(string(s.DataFormat), "JSON") && s.DataFormat != "" {
				continue
			}
			v, err := api.GetSchemaVersion(ctx, &glue.GetSchemaVersionInput{
				SchemaId:            id,
				SchemaVersionNumber: &types.SchemaVersionNumber{VersionNumber: s.LatestSchemaVersion},
			})
			if err != nil {
				return nil, fmt.Errorf("source: glue GetSchemaVersion %s/%s: %w", reg, name, err)
			}
			docs = append(docs, Pulled{Registry: reg, Schema: name, Version: aws.ToInt64(v.VersionNumber), Definition: []byte(aws.ToString(v.SchemaDefinition))})
		}
	}
	seen := map[string]string{}
	for _, d := range docs {
		key := strings.ToLower(d.File())
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("source: schema %q is in registries %s and %s; one schema folder holds one table per name: rename one", d.Schema, prev, d.Registry)
		}
		seen[key] = d.Registry
	}
	return docs, nil
}

func marked(desc string) bool {
	for _, m := range Markers {
		if strings.Contains(desc, m) {
			return true
		}
	}
	return false
}
