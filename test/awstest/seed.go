package awstest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// Marker is the registry description marker that makes a Glue registry an
// Athena database for the connector.
const Marker = "{AthenaFederationKafka}"

// Seed loads the schema documents of dir (every *.json file directly in it,
// the file's base name being the schema name) into the Glue registry
// registry, which it creates marked with Marker when it does not exist.
// A schema that exists already gets a new version. Schemas are created in
// name order, with DataFormat JSON; Seed returns their names.
func Seed(ctx context.Context, g *glue.Client, registry, dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if err := EnsureRegistry(ctx, g, registry, Marker+" seeded from "+filepath.Base(dir)); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			return names, err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if err := PutSchema(ctx, g, registry, name, "JSON", string(doc)); err != nil {
			return names, fmt.Errorf("seed %s: %w", f, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// EnsureRegistry creates the Glue registry name with description, unless a
// registry of that name exists.
func EnsureRegistry(ctx context.Context, g *glue.Client, name, description string) error {
	_, err := g.CreateRegistry(ctx, &glue.CreateRegistryInput{
		RegistryName: aws.String(name),
		Description:  aws.String(description),
	})
	var exists *types.AlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create registry %s: %w", name, err)
	}
	return nil
}

// PutSchema creates schema name in registry with definition doc, or
// registers doc as its next version when the schema exists. Compatibility is
// NONE (moto requires one).
func PutSchema(ctx context.Context, g *glue.Client, registry, name, dataFormat, doc string) error {
	_, err := g.CreateSchema(ctx, &glue.CreateSchemaInput{
		RegistryId:       &types.RegistryId{RegistryName: aws.String(registry)},
		SchemaName:       aws.String(name),
		DataFormat:       types.DataFormat(dataFormat),
		Compatibility:    types.CompatibilityNone,
		SchemaDefinition: aws.String(doc),
	})
	var exists *types.AlreadyExistsException
	if errors.As(err, &exists) {
		_, err = g.RegisterSchemaVersion(ctx, &glue.RegisterSchemaVersionInput{
			SchemaId:         &types.SchemaId{RegistryName: aws.String(registry), SchemaName: aws.String(name)},
			SchemaDefinition: aws.String(doc),
		})
	}
	if err != nil {
		return fmt.Errorf("put schema %s/%s: %w", registry, name, err)
	}
	return nil
}
