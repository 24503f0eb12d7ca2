// Command athena-kafka is the connector's Lambda function (the bootstrap of a
// provided.al2023 runtime) and, outside Lambda, its local tools:
//
//	athena-kafka demo      run the full Athena flow on an embedded broker
//	athena-kafka invoke    answer one federation request read from stdin
//	athena-kafka query SQL run a small SQL subset against any broker
//
// All of them read the same environment configuration (see the README).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	_ "github.com/athena-kafka/athena-kafka/generated" // registers the generated decoders
	"github.com/athena-kafka/athena-kafka/runtime/federation"
)

const usage = `usage: athena-kafka <command>

Outside AWS Lambda:
  demo                 start an embedded broker, fill the sample topics from schemas/,
                       and run Ping -> ListSchemas -> ListTables -> GetTable -> GetSplits -> ReadRecords
  invoke               read one federation request (JSON) on stdin, print the response
  query "SQL"          SELECT cols FROM schema.table [WHERE col op literal AND ...] [LIMIT n]

Inside AWS Lambda (AWS_LAMBDA_RUNTIME_API set) it serves federation requests.
Configuration comes from the environment: kafka_endpoint, auth_type, schema_source, ... (see README.md).
`

func main() {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		serveLambda()
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx := context.Background()
	var err error
	switch os.Args[1] {
	case "demo":
		err = runDemo(ctx, os.Stdout)
	case "invoke":
		err = runInvoke(ctx, os.Stdin, os.Stdout)
	case "query":
		if len(os.Args) != 3 {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		err = runQuery(ctx, os.Args[2], os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "athena-kafka: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "athena-kafka %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// serveLambda starts the Lambda runtime loop. A bad configuration fails the
// init phase with one clear line naming the variable.
func serveLambda() {
	began := time.Now()
	cfg, err := loadConfig(context.Background())
	log := newLogger(cfg.LogLevel, os.Stderr)
	slog.SetDefault(log) // runtime packages log through slog's default: keep every line JSON
	if err != nil {
		log.Error("invalid configuration", "error", err.Error())
		initError(err)
		os.Exit(1)
	}
	h, err := newConnector(context.Background(), cfg, log)
	if err != nil {
		log.Error("connector start failed", "error", err.Error())
		initError(err)
		os.Exit(1)
	}
	log.Info("cold start", "init_us", time.Since(began).Microseconds())
	lambda.Start(func(ctx context.Context, req json.RawMessage) (json.RawMessage, error) {
		out, err := federation.Handle(ctx, h, req)
		if err != nil {
			return nil, lambdaError(err)
		}
		return out, nil
	})
}

// initError reports a failed start to the Lambda runtime API, so that the
// caller (Athena) gets the message as an error payload instead of a bare
// Runtime.ExitError. aws-lambda-go has no call for the init error endpoint.
func initError(cause error) {
	body, _ := json.Marshal(map[string]any{"errorMessage": cause.Error(), "errorType": federation.ConnectorException, "stackTrace": []string{}})
	url := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/init/error"
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime.ConfigurationError")
	cl := http.Client{Timeout: 2 * time.Second}
	if resp, err := cl.Do(req); err == nil {
		resp.Body.Close()
	}
}

// lambdaError turns an error into Lambda's function-error payload with the
// Java exception type Athena understands.
func lambdaError(err error) error {
	var fe *federation.Error
	if errors.As(err, &fe) {
		return messages.InvokeResponse_Error{Message: fe.Message, Type: fe.Type}
	}
	return messages.InvokeResponse_Error{Message: err.Error(), Type: federation.ConnectorException}
}

func newLogger(level slog.Level, w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// runInvoke answers one request read from r, as Lambda would.
func runInvoke(ctx context.Context, r io.Reader, w io.Writer) error {
	req, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read the request from stdin: %w", err)
	}
	_, h, err := localConnector(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	out, err := federation.Handle(ctx, h, req)
	if err != nil {
		// What Lambda would answer: the function-error payload.
		fmt.Fprintf(w, "%s\n", federation.EncodeError(federation.AsError(err)))
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}

// loadConfig reads the configuration from the environment (and the Glue
// connection it may name).
func loadConfig(ctx context.Context) (Config, error) {
	getenv, err := environment(ctx)
	if err != nil {
		return Config{LogLevel: slog.LevelInfo}, err
	}
	return LoadConfig(getenv)
}
