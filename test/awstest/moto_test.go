//go:build integration

package awstest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// TestSeedAndList checks the launcher's extension: ListSchemas and
// ListRegistries page as AWS does, ListSchemaVersions lists versions.
func TestSeedAndList(t *testing.T) {
	m := Start(t)
	ctx := context.Background()
	g := m.Glue()
	dir := t.TempDir()
	for _, n := range []string{"b", "a", "C", "d", "e"} {
		if err := os.WriteFile(filepath.Join(dir, n+".json"), []byte(`{"topicName":"`+n+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := Unique("reg")
	names, err := Seed(ctx, g, reg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C", "a", "b", "d", "e"}; !slices.Equal(names, want) {
		t.Fatalf("seeded %v, want %v", names, want)
	}
	// Seeding again is fine; an identical definition is no new version.
	if _, err := Seed(ctx, g, reg, dir); err != nil {
		t.Fatal(err)
	}
	if err := PutSchema(ctx, g, reg, "a", "JSON", `{"topicName":"a2"}`); err != nil {
		t.Fatal(err)
	}

	var got []string
	var pages int
	p := glue.NewListSchemasPaginator(g, &glue.ListSchemasInput{
		RegistryId: &types.RegistryId{RegistryName: aws.String(reg)},
		MaxResults: aws.Int32(2),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range out.Schemas {
			got = append(got, aws.ToString(s.SchemaName))
			if aws.ToString(s.RegistryName) != reg {
				t.Errorf("schema %s in registry %s", aws.ToString(s.SchemaName), aws.ToString(s.RegistryName))
			}
		}
	}
	if want := []string{"C", "a", "b", "d", "e"}; !slices.Equal(got, want) || pages != 3 {
		t.Fatalf("listed %v in %d pages, want %v in 3", got, pages, want)
	}

	vs, err := g.ListSchemaVersions(ctx, &glue.ListSchemaVersionsInput{
		SchemaId: &types.SchemaId{RegistryName: aws.String(reg), SchemaName: aws.String("a")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.Schemas) != 2 || vs.Schemas[1].VersionNumber == nil || *vs.Schemas[1].VersionNumber != 2 {
		t.Fatalf("versions of a: %+v", vs.Schemas)
	}

	regs, err := g.ListRegistries(ctx, &glue.ListRegistriesInput{MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(regs.Registries) != 1 || aws.ToString(regs.Registries[0].Description) != Marker+" seeded from "+filepath.Base(dir) {
		t.Fatalf("registries: %+v", regs.Registries)
	}

	_, err = g.ListSchemas(ctx, &glue.ListSchemasInput{RegistryId: &types.RegistryId{RegistryName: aws.String("missing")}})
	var nf *types.EntityNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("list schemas of a missing registry: %v, want EntityNotFoundException", err)
	}
}
