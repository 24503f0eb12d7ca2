package source

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// fakeGlue serves registries and schemas one per page, to exercise
// pagination.
type fakeGlue struct {
	registries map[string]string            // name -> description
	schemas    map[string]map[string]string // registry -> schema -> definition
	formats    map[string]string            // schema -> data format (default JSON)
}

func page[T any](items []T, token *string) ([]T, *string) {
	i := 0
	if token != nil {
		for i < len(items) && aws.ToString(token) != "p"+string(rune('0'+i)) {
			i++
		}
	}
	if i >= len(items) {
		return nil, nil
	}
	var next *string
	if i+1 < len(items) {
		next = aws.String("p" + string(rune('0'+i+1)))
	}
	return items[i : i+1], next
}

func (f *fakeGlue) ListRegistries(_ context.Context, in *glue.ListRegistriesInput, _ ...func(*glue.Options)) (*glue.ListRegistriesOutput, error) {
	var all []types.RegistryListItem
	for _, n := range []string{"zeta", "alpha", "plain", "msk"} {
		if d, ok := f.registries[n]; ok {
			all = append(all, types.RegistryListItem{RegistryName: aws.String(n), Description: aws.String(d)})
		}
	}
	items, next := page(all, in.NextToken)
	return &glue.ListRegistriesOutput{Registries: items, NextToken: next}, nil
}

func (f *fakeGlue) ListSchemas(_ context.Context, in *glue.ListSchemasInput, _ ...func(*glue.Options)) (*glue.ListSchemasOutput, error) {
	var names []string
	for n := range f.schemas[aws.ToString(in.RegistryId.RegistryName)] {
		names = append(names, n)
	}
	sort.Strings(names)
	var all []types.SchemaListItem
	for _, n := range names {
		all = append(all, types.SchemaListItem{SchemaName: aws.String(n)})
	}
	items, next := page(all, in.NextToken)
	return &glue.ListSchemasOutput{Schemas: items, NextToken: next}, nil
}

func (f *fakeGlue) GetSchema(_ context.Context, in *glue.GetSchemaInput, _ ...func(*glue.Options)) (*glue.GetSchemaOutput, error) {
	format := f.formats[aws.ToString(in.SchemaId.SchemaName)]
	if format == "" {
		format = "JSON"
	}
	return &glue.GetSchemaOutput{LatestSchemaVersion: aws.Int64(3), DataFormat: types.DataFormat(format)}, nil
}

func (f *fakeGlue) GetSchemaVersion(_ context.Context, in *glue.GetSchemaVersionInput, _ ...func(*glue.Options)) (*glue.GetSchemaVersionOutput, error) {
	def := f.schemas[aws.ToString(in.SchemaId.RegistryName)][aws.ToString(in.SchemaId.SchemaName)]
	return &glue.GetSchemaVersionOutput{SchemaDefinition: aws.String(def), VersionNumber: in.SchemaVersionNumber.VersionNumber}, nil
}

func TestGlue(t *testing.T) {
	f := &fakeGlue{
		registries: map[string]string{"zeta": "x {AthenaFederationKafka} y", "alpha": "{AthenaFederationKafka}", "plain": "nothing", "msk": "{AthenaFederationMSK}"},
		schemas: map[string]map[string]string{
			"zeta":  {"orders": `{"o":1}`},
			"alpha": {"clicks": `{"c":1}`, "avro_one": `{}`},
			"plain": {"hidden": `{}`},
			"msk":   {"mskt": `{"m":1}`},
		},
		formats: map[string]string{"avro_one": "AVRO"},
	}
	docs, err := Glue(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Lock()+" "+string(d.Definition))
	}
	want := []string{"clicks.json\talpha/clicks@3 {\"c\":1}", "mskt.json\tmsk/mskt@3 {\"m\":1}", "orders.json\tzeta/orders@3 {\"o\":1}"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	f.schemas["alpha"]["Orders"] = "{}"
	if _, err := Glue(context.Background(), f); err == nil || !strings.Contains(err.Error(), "rename one") {
		t.Errorf("name clash: %v", err)
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.json"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.json"), []byte("[]"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "testdata"), 0o755)
	os.WriteFile(filepath.Join(dir, LockFile), []byte("# comment\nb.json\treg/b@7\n"), 0o644)
	docs, err := Folder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Table != "a" || docs[0].Origin != "schemas/a.json" || docs[1].Origin != "glue:reg/b@7" || string(docs[0].Data) != "[]" {
		t.Errorf("%+v", docs)
	}
}
