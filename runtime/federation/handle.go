package federation

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Handler is implemented by the connector. Handle answers Ping and
// UserDefinedFunction requests itself and dispatches the others here.
// Handle releases the returned responses after writing them, so a response
// must own its records (Retain anything shared with the request).
type Handler interface {
	ListSchemas(ctx context.Context, req *ListSchemasRequest) (*ListSchemasResponse, error)
	ListTables(ctx context.Context, req *ListTablesRequest) (*ListTablesResponse, error)
	GetTable(ctx context.Context, req *GetTableRequest) (*GetTableResponse, error)
	GetTableLayout(ctx context.Context, req *GetTableLayoutRequest) (*GetTableLayoutResponse, error)
	GetSplits(ctx context.Context, req *GetSplitsRequest) (*GetSplitsResponse, error)
	// ReadRecords returns a *ReadRecordsResponse or a *RemoteReadRecordsResponse.
	ReadRecords(ctx context.Context, req *ReadRecordsRequest) (Response, error)
	GetDataSourceCapabilities(ctx context.Context, req *GetDataSourceCapabilitiesRequest) (*GetDataSourceCapabilitiesResponse, error)
}

// Java exception class names used as Error.Type.
const (
	ConnectorException = "com.amazonaws.athena.connector.lambda.exceptions.AthenaConnectorException"
	ThrottleException  = "com.amazonaws.athena.connector.lambda.exceptions.FederationThrottleException"
)

// Error is a function error in the shape Athena parses
// (LambdaFunctionExceptionSerDe): errorMessage, errorType, stackTrace, cause.
// Type is a Java class name such as ConnectorException.
type Error struct {
	Type       string
	Message    string
	StackTrace []string
	Cause      *Error

	err error // the Go error this one wraps, for errors.Is/As
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Unwrap gives the wrapped Go error, if any.
func (e *Error) Unwrap() error { return e.err }

// Errorf makes a ConnectorException *Error. %w wraps as fmt.Errorf does.
func Errorf(format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Type: ConnectorException, Message: err.Error(), err: errors.Unwrap(err)}
}

// AsError returns err as an *Error: err itself if it is (or wraps) one,
// otherwise a ConnectorException wrapping it.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) {
		if fe.Message == err.Error() {
			return fe
		}
		// keep the outer context in the message and the inner type
		return &Error{Type: fe.Type, Message: err.Error(), Cause: fe.Cause, err: err}
	}
	return &Error{Type: ConnectorException, Message: err.Error(), err: err}
}

// Option configures Handle, DecodeRequest, DecodeResponse, EncodeRequest and
// EncodeResponse.
type Option func(*options)

type options struct {
	mem         memory.Allocator
	allocatorID string
	sourceType  string
}

func newOptions(opts []Option) *options {
	o := &options{mem: memory.DefaultAllocator, allocatorID: DefaultAllocatorID, sourceType: SourceType}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// WithAllocator sets the allocator for the Arrow memory of decoded messages
// and of value blocks built while encoding. Default memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) Option {
	return func(o *options) {
		if mem != nil {
			o.mem = mem
		}
	}
}

// WithAllocatorID sets the "aId" written for the value blocks of
// constraints, which have no Block of their own. Default DefaultAllocatorID.
func WithAllocatorID(id string) Option {
	return func(o *options) { o.allocatorID = id }
}

// WithSourceType sets the sourceType Handle announces in PingResponse.
// Default SourceType ("kafka").
func WithSourceType(s string) Option {
	return func(o *options) { o.sourceType = s }
}

// Handle answers one Lambda invocation: it parses request (any version 2..6,
// see DetectVersion), answers Ping itself, refuses UserDefinedFunction,
// dispatches the rest to h and writes the response in the request's version.
// Every failure, including a panic in h, is returned as an *Error. Handle
// releases the Arrow memory of the request and of the response.
func Handle(ctx context.Context, h Handler, request []byte, opts ...Option) (out []byte, err error) {
	o := newOptions(opts)
	defer func() {
		if r := recover(); r != nil {
			out = nil
			err = &Error{Type: ConnectorException, Message: fmt.Sprintf("federation: internal error: %v", r),
				StackTrace: []string{string(debug.Stack())}}
		}
	}()
	req, v, err := decodeRequest(request, o)
	if err != nil {
		return nil, AsError(err)
	}
	defer req.Release()
	resp, err := dispatch(ctx, h, req, o)
	if err != nil {
		return nil, AsError(err)
	}
	defer resp.Release()
	out, err = encodeResponse(resp, v, o)
	if err != nil {
		return nil, AsError(err)
	}
	return out, nil
}

func dispatch(ctx context.Context, h Handler, req Request, o *options) (resp Response, err error) {
	switch r := req.(type) {
	case *PingRequest:
		return &PingResponse{CatalogName: r.CatalogName, QueryID: r.QueryID, SourceType: o.sourceType,
			Capabilities: Capabilities, SerDeVersion: int(CurrentVersion)}, nil
	case *UserDefinedFunctionRequest:
		return nil, Errorf("federation: UserDefinedFunctionRequest (method %q) is not supported: this connector has no user-defined functions", r.MethodName)
	case *ListSchemasRequest:
		return nonNil(h.ListSchemas(ctx, r))
	case *ListTablesRequest:
		return nonNil(h.ListTables(ctx, r))
	case *GetTableRequest:
		return nonNil(h.GetTable(ctx, r))
	case *GetTableLayoutRequest:
		return nonNil(h.GetTableLayout(ctx, r))
	case *GetSplitsRequest:
		return nonNil(h.GetSplits(ctx, r))
	case *ReadRecordsRequest:
		resp, err := h.ReadRecords(ctx, r)
		if err != nil {
			return nil, err
		}
		switch resp.(type) {
		case *ReadRecordsResponse, *RemoteReadRecordsResponse:
			return nonNil(resp, nil)
		}
		return nil, Errorf("federation: ReadRecords returned %T, want *ReadRecordsResponse or *RemoteReadRecordsResponse", resp)
	case *GetDataSourceCapabilitiesRequest:
		return nonNil(h.GetDataSourceCapabilities(ctx, r))
	}
	return nil, Errorf("federation: unsupported request %T", req)
}

// nonNil turns a typed nil response into an error.
func nonNil[T Response](resp T, err error) (Response, error) {
	if err != nil {
		return nil, err
	}
	if isNil(resp) {
		return nil, Errorf("federation: handler returned no %s and no error", resp.Type())
	}
	return resp, nil
}
