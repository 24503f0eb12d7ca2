package main

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
)

// athena plays Athena's side of the protocol in-process: every call is
// serialized to JSON, answered by federation.Handle, and parsed back, so the
// local tools exercise exactly the Lambda's code path.
type athena struct {
	h       federation.Handler
	catalog string
	queryID string
	mem     memory.Allocator
	// fetch reads a spilled object back (what Athena does with S3).
	fetch func(ctx context.Context, loc federation.SpillLocation) ([]byte, error)
	// calls counts requests by type, for the demo's summary.
	mu    sync.Mutex
	calls map[string]int
}

func (a *athena) call(ctx context.Context, req federation.Request) (federation.Response, error) {
	data, err := federation.EncodeRequest(req, federation.CurrentVersion)
	if err != nil {
		return nil, err
	}
	out, err := federation.Handle(ctx, a.h, data)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.calls == nil {
		a.calls = map[string]int{}
	}
	a.calls[fmt.Sprintf("%T", req)]++
	a.mu.Unlock()
	resp, err := federation.DecodeResponse(out, federation.WithAllocator(a.mem))
	return resp, err
}

func (a *athena) header() federation.RequestHeader {
	return federation.RequestHeader{Identity: a.identity(), QueryID: a.queryID, CatalogName: a.catalog}
}

func (a *athena) identity() federation.Identity {
	return federation.Identity{ID: "UNKNOWN", Principal: "UNKNOWN", Account: "000000000000", Arn: "arn:aws:iam::000000000000:user/local", Tags: federation.Map{}, Groups: []string{}, ConfigOptions: federation.Map{}}
}

func (a *athena) ping(ctx context.Context) (*federation.PingResponse, error) {
	resp, err := a.call(ctx, &federation.PingRequest{RequestHeader: a.header()})
	if err != nil {
		return nil, err
	}
	return expect[*federation.PingResponse](resp)
}

func (a *athena) listSchemas(ctx context.Context) ([]string, error) {
	resp, err := a.call(ctx, &federation.ListSchemasRequest{RequestHeader: a.header()})
	if err != nil {
		return nil, err
	}
	r, err := expect[*federation.ListSchemasResponse](resp)
	if err != nil {
		return nil, err
	}
	return r.Schemas, nil
}

func (a *athena) listTables(ctx context.Context, schema string) ([]federation.TableName, error) {
	var all []federation.TableName
	var token *string
	for {
		resp, err := a.call(ctx, &federation.ListTablesRequest{RequestHeader: a.header(), SchemaName: schema, NextToken: token, PageSize: 50})
		if err != nil {
			return nil, err
		}
		r, err := expect[*federation.ListTablesResponse](resp)
		if err != nil {
			return nil, err
		}
		all = append(all, r.Tables...)
		if r.NextToken == nil {
			return all, nil
		}
		token = r.NextToken
	}
}

func (a *athena) getTable(ctx context.Context, t federation.TableName) (*federation.GetTableResponse, error) {
	resp, err := a.call(ctx, &federation.GetTableRequest{RequestHeader: a.header(), TableName: t, QueryPassthrough: federation.Map{}})
	if err != nil {
		return nil, err
	}
	return expect[*federation.GetTableResponse](resp)
}

func (a *athena) getSplits(ctx context.Context, t federation.TableName, schema *arrow.Schema, cons federation.Constraints) ([]federation.Split, error) {
	lresp, err := a.call(ctx, &federation.GetTableLayoutRequest{RequestHeader: a.header(), TableName: t, Constraints: cons, Schema: schema, PartitionColumns: []string{}})
	if err != nil {
		return nil, err
	}
	layout, err := expect[*federation.GetTableLayoutResponse](lresp)
	if err != nil {
		return nil, err
	}
	defer layout.Partitions.Release()
	var splits []federation.Split
	var token *string
	for {
		resp, err := a.call(ctx, &federation.GetSplitsRequest{RequestHeader: a.header(), TableName: t, Partitions: layout.Partitions, PartitionColumns: []string{}, Constraints: cons, ContinuationToken: token})
		if err != nil {
			return nil, err
		}
		r, err := expect[*federation.GetSplitsResponse](resp)
		if err != nil {
			return nil, err
		}
		splits = append(splits, r.Splits...)
		if r.ContinuationToken == nil {
			return splits, nil
		}
		token = r.ContinuationToken
	}
}

// readSplit returns the split's rows as records (the caller releases them),
// reading spilled blocks back and decrypting them as Athena does.
func (a *athena) readSplit(ctx context.Context, t federation.TableName, schema *arrow.Schema, split federation.Split, cons federation.Constraints) ([]arrow.RecordBatch, bool, error) {
	resp, err := a.call(ctx, &federation.ReadRecordsRequest{RequestHeader: a.header(), TableName: t, Schema: schema, Split: split, Constraints: cons, MaxBlockSize: 16_000_000, MaxInlineBlockSize: 5_242_880})
	if err != nil {
		return nil, false, err
	}
	switch r := resp.(type) {
	case *federation.ReadRecordsResponse:
		if r.Records.Records == nil {
			return nil, false, nil
		}
		return []arrow.RecordBatch{r.Records.Records}, false, nil
	case *federation.RemoteReadRecordsResponse:
		var out []arrow.RecordBatch
		for _, loc := range r.RemoteBlocks {
			data, err := a.fetch(ctx, loc)
			if err != nil {
				return nil, true, fmt.Errorf("read spilled block %s: %w", loc.Key, err)
			}
			if k := r.EncryptionKey; k != nil {
				if data, err = spill.Open(k.Key, k.Nonce, data); err != nil {
					return nil, true, fmt.Errorf("decrypt spilled block %s: %w", loc.Key, err)
				}
			}
			rec, err := federation.DecodeRecordBatch(r.Schema, data, a.mem)
			if err != nil {
				return nil, true, fmt.Errorf("decode spilled block %s: %w", loc.Key, err)
			}
			out = append(out, rec)
		}
		return out, true, nil
	default:
		return nil, false, fmt.Errorf("ReadRecords answered %T", resp)
	}
}

func expect[T federation.Response](resp federation.Response) (T, error) {
	r, ok := resp.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("unexpected response %T, want %T", resp, zero)
	}
	return r, nil
}
