package connector

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// ListSchemas lists the databases: marked Glue registries, or the folder's one.
func (c *Connector) ListSchemas(ctx context.Context, req *federation.ListSchemasRequest) (*federation.ListSchemasResponse, error) {
	names, err := c.opt.Catalog.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	return &federation.ListSchemasResponse{CatalogName: req.CatalogName, Schemas: names}, nil
}

// ListTables lists the tables of one database, a page at a time.
func (c *Connector) ListTables(ctx context.Context, req *federation.ListTablesRequest) (*federation.ListTablesResponse, error) {
	schema := req.SchemaName
	names, next, err := c.opt.Catalog.Tables(ctx, schema, req.NextToken, req.PageSize)
	if err != nil {
		return nil, err
	}
	resp := &federation.ListTablesResponse{CatalogName: req.CatalogName, NextToken: next}
	for _, n := range names {
		resp.Tables = append(resp.Tables, federation.TableName{SchemaName: schema, TableName: n})
	}
	return resp, nil
}

// GetTable answers the table's Arrow schema: data columns, then the metadata
// columns, with the names resolved to their original case.
func (c *Connector) GetTable(ctx context.Context, req *federation.GetTableRequest) (*federation.GetTableResponse, error) {
	if len(req.QueryPassthrough) > 0 {
		return nil, fmt.Errorf("query passthrough is not supported by the Kafka connector; query the table with SQL instead")
	}
	t, err := c.opt.Catalog.Table(ctx, req.TableName.SchemaName, req.TableName.TableName)
	if err != nil {
		return nil, err
	}
	return &federation.GetTableResponse{
		CatalogName:      req.CatalogName,
		TableName:        federation.TableName{SchemaName: t.Registry, TableName: t.Name},
		Schema:           c.arrowSchema(t.Registry, t.Name, t.Schema),
		PartitionColumns: []string{},
	}, nil
}

func (c *Connector) arrowSchema(registry, name string, s *topic.Schema) *arrow.Schema {
	return s.Arrow(topic.ArrowOptions{Registry: registry, SchemaName: name, NoMetadataColumns: !c.opt.MetadataColumns})
}

// GetTableLayout answers one partition, as the Java connector does: Kafka
// partitions are planned in GetSplits, where the constraints prune them.
func (c *Connector) GetTableLayout(ctx context.Context, req *federation.GetTableLayoutRequest) (*federation.GetTableLayoutResponse, error) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "partitionId", Type: arrow.PrimitiveTypes.Int32, Nullable: true}}, nil)
	b := array.NewRecordBuilder(c.mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).Append(1)
	return &federation.GetTableLayoutResponse{
		CatalogName: req.CatalogName,
		TableName:   req.TableName,
		Partitions:  federation.Block{Schema: schema, Records: b.NewRecordBatch()},
	}, nil
}

// GetDataSourceCapabilities announces filter pushdown (the summary value sets
// are applied to every row) and LIMIT pushdown.
func (c *Connector) GetDataSourceCapabilities(ctx context.Context, req *federation.GetDataSourceCapabilitiesRequest) (*federation.GetDataSourceCapabilitiesResponse, error) {
	return &federation.GetDataSourceCapabilitiesResponse{
		CatalogName: req.CatalogName,
		Capabilities: []federation.Capability{
			{Name: "supports_filter_pushdown", SubTypes: []federation.OptimizationSubType{
				{SubType: "sorted_range_set", Properties: []string{}},
				{SubType: "equatable_range_set", Properties: []string{}},
				{SubType: "all_or_none_value_set", Properties: []string{}},
				{SubType: "nullable_comparison", Properties: []string{}},
			}},
			{Name: "supports_limit_pushdown", SubTypes: []federation.OptimizationSubType{
				{SubType: "integer_constant", Properties: []string{}},
			}},
		},
	}, nil
}
