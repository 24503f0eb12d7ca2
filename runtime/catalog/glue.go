package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// GlueAPI is the part of the Glue client the catalog uses.
type GlueAPI interface {
	ListRegistries(ctx context.Context, in *glue.ListRegistriesInput, opts ...func(*glue.Options)) (*glue.ListRegistriesOutput, error)
	ListSchemas(ctx context.Context, in *glue.ListSchemasInput, opts ...func(*glue.Options)) (*glue.ListSchemasOutput, error)
	GetSchemaVersion(ctx context.Context, in *glue.GetSchemaVersionInput, opts ...func(*glue.Options)) (*glue.GetSchemaVersionOutput, error)
}

// DefaultMarkers are the registry description markers that make a Glue
// registry a database: the Kafka connector's, and the MSK connector's so
// that MSK users switch without editing their registries.
var DefaultMarkers = []string{"{AthenaFederationKafka}", "{AthenaFederationMSK}"}

// DefaultTTL is how long Glue lookups are cached by default.
const DefaultTTL = 30 * time.Second

// glueMaxPage is the largest MaxResults Glue accepts.
const glueMaxPage = 100

// GlueOptions configure NewGlue. The zero value is the default.
type GlueOptions struct {
	// Markers: a registry is a database when its description contains one
	// of them (case-sensitive, anywhere). Default DefaultMarkers.
	Markers []string
	// TTL is how long registry lists, schema name lists and tables are
	// cached. 0 means DefaultTTL; negative disables caching.
	TTL time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Glue is the catalog of the AWS Glue Schema Registry: databases are the
// marked registries, tables their schemas, a table's definition the latest
// schema version. Safe for concurrent use.
type Glue struct {
	client  GlueAPI
	markers []string

	registries *cache[[]string] // "" -> marked registry names, Glue order
	schemas    *cache[[]string] // registry -> its schema names
	tables     *cache[*Table]   // request registry \x00 request table -> table
}

// NewGlue returns a Glue catalog reading through client.
func NewGlue(client GlueAPI, opts GlueOptions) *Glue {
	if opts.Markers == nil {
		opts.Markers = DefaultMarkers
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Glue{
		client:     client,
		markers:    opts.Markers,
		registries: newCache[[]string](opts.TTL, opts.Now),
		schemas:    newCache[[]string](opts.TTL, opts.Now),
		tables:     newCache[*Table](opts.TTL, opts.Now),
	}
}

// Schemas implements Catalog: the marked registries in Glue order.
func (g *Glue) Schemas(ctx context.Context) ([]string, error) {
	names, _, err := g.markedRegistries(ctx, false)
	return names, err
}

// markedRegistries lists the marked registries, from the cache unless
// fresh; cached reports whether the answer came from the cache.
func (g *Glue) markedRegistries(ctx context.Context, fresh bool) (names []string, cached bool, err error) {
	if !fresh {
		if names, ok := g.registries.get(""); ok {
			return names, true, nil
		}
	}
	p := glue.NewListRegistriesPaginator(g.client, &glue.ListRegistriesInput{MaxResults: aws.Int32(glueMaxPage)})
	names = []string{}
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("glue ListRegistries: %w", err)
		}
		for _, r := range out.Registries {
			if g.marked(aws.ToString(r.Description)) {
				names = append(names, aws.ToString(r.RegistryName))
			}
		}
	}
	g.registries.put("", names)
	return names, false, nil
}

func (g *Glue) marked(description string) bool {
	for _, m := range g.markers {
		if strings.Contains(description, m) {
			return true
		}
	}
	return false
}

// registry resolves a database name to a marked registry. A miss in a
// cached list is checked once more against Glue: the registry may be new.
func (g *Glue) registry(ctx context.Context, name string) (string, error) {
	names, cached, err := g.markedRegistries(ctx, false)
	if err != nil {
		return "", err
	}
	r, ok := resolve(names, name)
	if !ok && cached {
		if names, _, err = g.markedRegistries(ctx, true); err != nil {
			return "", err
		}
		r, ok = resolve(names, name)
	}
	if !ok {
		return "", fmt.Errorf("could not find Glue registry %q whose description contains %s: %w",
			name, strings.Join(g.markers, " or "), ErrNotFound)
	}
	return r, nil
}

// Tables implements Catalog. Glue's NextToken passes through as the token.
// A page of pageSize > 100 takes several Glue calls (Glue's limit is 100);
// pageSize <= 0 lists every remaining table, at most MaxTables.
func (g *Glue) Tables(ctx context.Context, schema string, nextToken *string, pageSize int) ([]string, *string, error) {
	reg, err := g.registry(ctx, schema)
	if err != nil {
		return nil, nil, err
	}
	all := pageSize <= 0
	names := []string{}
	token := nextToken
	for {
		n := glueMaxPage
		if !all {
			n = min(pageSize-len(names), glueMaxPage)
		}
		out, err := g.client.ListSchemas(ctx, &glue.ListSchemasInput{
			RegistryId: &types.RegistryId{RegistryName: aws.String(reg)},
			MaxResults: aws.Int32(int32(n)),
			NextToken:  token,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("glue ListSchemas of registry %q: %w", reg, err)
		}
		for _, s := range out.Schemas {
			names = append(names, aws.ToString(s.SchemaName))
		}
		token = out.NextToken
		if all && len(names) > MaxTables {
			return nil, nil, fmt.Errorf("registry %q has more than %d schemas; list it in pages: %w", reg, MaxTables, ErrTooManyTables)
		}
		if token == nil || (!all && len(names) >= pageSize) {
			break
		}
	}
	if all && nextToken == nil {
		g.schemas.put(reg, names)
	}
	return names, token, nil
}

// schemaNames lists every schema of registry reg, from the cache unless
// fresh.
func (g *Glue) schemaNames(ctx context.Context, reg string, fresh bool) ([]string, error) {
	if !fresh {
		if names, ok := g.schemas.get(reg); ok {
			return names, nil
		}
	}
	names, _, err := g.Tables(ctx, reg, nil, 0)
	return names, err
}

// Table implements Catalog. One Glue call (GetSchemaVersion of the latest
// version) per table in the common case, then served from the cache.
// Errors keep Glue's error (errors.As finds e.g.
// *types.AccessDeniedException); an invalid document gives the
// document's problems.
func (g *Glue) Table(ctx context.Context, schema, table string) (*Table, error) {
	key := schema + "\x00" + table
	if t, ok := g.tables.get(key); ok {
		return t, nil
	}
	reg, err := g.registry(ctx, schema)
	if err != nil {
		return nil, err
	}

	// Resolve the name from a cached listing when there is one; otherwise
	// try the name as given and list the registry only when that misses.
	name := table
	names, listed := g.schemas.get(reg)
	if listed {
		if n, ok := resolve(names, table); ok {
			name = n
		}
	}
	out, err := g.latest(ctx, reg, name)
	var nf *types.EntityNotFoundException
	if errors.As(err, &nf) {
		if names, err = g.schemaNames(ctx, reg, listed); err != nil {
			return nil, err
		}
		n, ok := resolve(names, table)
		if !ok {
			return nil, fmt.Errorf("could not find Glue schema %q in registry %q: %w: %w", table, reg, ErrNotFound, nf)
		}
		name = n
		out, err = g.latest(ctx, reg, name)
	}
	if err != nil {
		return nil, fmt.Errorf("glue GetSchemaVersion %s/%s: %w", reg, name, err)
	}

	t := &Table{Registry: reg, Name: name, Document: []byte(aws.ToString(out.SchemaDefinition)), Version: aws.ToInt64(out.VersionNumber)}
	if f := out.DataFormat; !strings.EqualFold(string(f), string(types.DataFormatJson)) {
		return nil, fmt.Errorf("glue schema %s/%s: data format %s is not supported, only JSON (a topic schema document): %w",
			reg, name, f, ErrUnsupportedFormat)
	}
	if t.Schema, err = topic.Parse(t.Document); err != nil {
		return nil, fmt.Errorf("glue schema %s/%s version %d: invalid topic schema document:\n%w", reg, name, t.Version, err)
	}
	g.tables.put(key, t)
	return t, nil
}

func (g *Glue) latest(ctx context.Context, reg, name string) (*glue.GetSchemaVersionOutput, error) {
	return g.client.GetSchemaVersion(ctx, &glue.GetSchemaVersionInput{
		SchemaId:            &types.SchemaId{RegistryName: aws.String(reg), SchemaName: aws.String(name)},
		SchemaVersionNumber: &types.SchemaVersionNumber{LatestVersion: true},
	})
}
