//go:build integration

package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/athena-kafka/athena-kafka/runtime/catalog"
	"github.com/athena-kafka/athena-kafka/test/awstest"
)

func doc(topic string, fields ...string) string {
	var fs []string
	for _, f := range fields {
		fs = append(fs, fmt.Sprintf(`{"name": %q, "type": "VARCHAR", "mapping": %q}`, f, f))
	}
	return fmt.Sprintf(`{"topicName": %q, "message": {"dataFormat": "json", "fields": [%s]}}`, topic, strings.Join(fs, ","))
}

func TestGlueCatalogMoto(t *testing.T) {
	m := awstest.Start(t)
	ctx := context.Background()
	g := m.Glue()

	// A marked registry seeded from a folder, with mixed-case names.
	dir := t.TempDir()
	for name, d := range map[string]string{
		"Orders":   doc("Orders", "id", "amount"),
		"clicks":   doc("clicks", "url"),
		"BadTopic": `{"topicName": "bad", "message": {"dataFormat": "xml", "fields": []}}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kafkaReg := awstest.Unique("KafkaReg")
	if _, err := awstest.Seed(ctx, g, kafkaReg, dir); err != nil {
		t.Fatal(err)
	}
	// Version 2 of Orders is the one served.
	if err := awstest.PutSchema(ctx, g, kafkaReg, "Orders", "JSON", doc("Orders", "id", "amount", "currency")); err != nil {
		t.Fatal(err)
	}
	if err := awstest.PutSchema(ctx, g, kafkaReg, "AvroTopic", "AVRO", `{"type": "record", "name": "r", "fields": []}`); err != nil {
		t.Fatal(err)
	}
	mskReg := awstest.Unique("MskReg")
	if err := awstest.EnsureRegistry(ctx, g, mskReg, "migrated {AthenaFederationMSK}"); err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range 130 {
		n := fmt.Sprintf("Topic%03d", i)
		many = append(many, n)
		if err := awstest.PutSchema(ctx, g, mskReg, n, "JSON", doc(n, "v")); err != nil {
			t.Fatal(err)
		}
	}
	plainReg := awstest.Unique("PlainReg")
	if err := awstest.EnsureRegistry(ctx, g, plainReg, "not for athena"); err != nil {
		t.Fatal(err)
	}
	if err := awstest.PutSchema(ctx, g, plainReg, "hidden", "JSON", doc("hidden", "x")); err != nil {
		t.Fatal(err)
	}

	c := catalog.NewGlue(g, catalog.GlueOptions{})

	t.Run("Schemas", func(t *testing.T) {
		got, err := c.Schemas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, kafkaReg) || !slices.Contains(got, mskReg) || slices.Contains(got, plainReg) {
			t.Fatalf("Schemas = %v; want %s and %s, not %s", got, kafkaReg, mskReg, plainReg)
		}
	})

	t.Run("Tables", func(t *testing.T) {
		all, next, err := c.Tables(ctx, strings.ToLower(mskReg), nil, -1)
		if err != nil || next != nil || !slices.Equal(all, many) {
			t.Fatalf("unlimited: %d names, next %v, %v", len(all), next, err)
		}
		var paged []string
		var token *string
		for {
			names, tok, err := c.Tables(ctx, strings.ToLower(mskReg), token, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(names) > 50 {
				t.Fatalf("page of %d", len(names))
			}
			paged = append(paged, names...)
			if token = tok; token == nil {
				break
			}
		}
		if !slices.Equal(paged, many) {
			t.Fatalf("paged: %v", paged)
		}
		if _, _, err := c.Tables(ctx, plainReg, nil, 10); !errors.Is(err, catalog.ErrNotFound) {
			t.Fatalf("unmarked registry: %v", err)
		}
	})

	t.Run("Table", func(t *testing.T) {
		tab, err := c.Table(ctx, strings.ToLower(kafkaReg), "orders")
		if err != nil {
			t.Fatal(err)
		}
		if tab.Registry != kafkaReg || tab.Name != "Orders" || tab.Version != 2 {
			t.Fatalf("resolved %s/%s version %d", tab.Registry, tab.Name, tab.Version)
		}
		if tab.Schema.TopicName != "Orders" || len(tab.Schema.Fields) != 3 || tab.Schema.Fields[2].Name != "currency" {
			t.Fatalf("schema %+v", tab.Schema)
		}
		tab, err = c.Table(ctx, strings.ToUpper(mskReg), "topic007")
		if err != nil || tab.Name != "Topic007" || tab.Registry != mskReg {
			t.Fatalf("msk registry table: %+v, %v", tab, err)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := c.Table(ctx, kafkaReg, "missing")
		var nf *types.EntityNotFoundException
		if !errors.Is(err, catalog.ErrNotFound) || !errors.As(err, &nf) {
			t.Errorf("missing schema: %v", err)
		}
		if _, err := c.Table(ctx, plainReg, "hidden"); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("schema of an unmarked registry: %v", err)
		}
		_, err = c.Table(ctx, kafkaReg, "badtopic")
		if err == nil || !strings.Contains(err.Error(), "BadTopic version 1: invalid topic schema document") {
			t.Errorf("invalid document: %v", err)
		}
		if _, err := c.Table(ctx, kafkaReg, "avrotopic"); !errors.Is(err, catalog.ErrUnsupportedFormat) {
			t.Errorf("avro: %v", err)
		}
	})

	t.Run("GlueErrorKept", func(t *testing.T) {
		// A Glue that refuses every call: the error is Glue's, not "not found".
		bad := glue.NewFromConfig(m.Config, func(o *glue.Options) { o.BaseEndpoint = aws.String(m.Endpoint + "/nowhere") })
		_, err := catalog.NewGlue(bad, catalog.GlueOptions{}).Table(ctx, kafkaReg, "Orders")
		if err == nil || errors.Is(err, catalog.ErrNotFound) || !strings.Contains(err.Error(), "glue ListRegistries") {
			t.Errorf("unreachable Glue: %v", err)
		}
	})
}
