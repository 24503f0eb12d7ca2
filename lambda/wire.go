package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/IBM/sarama"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/athena-kafka/athena-kafka/runtime/auth"
	"github.com/athena-kafka/athena-kafka/runtime/catalog"
	"github.com/athena-kafka/athena-kafka/runtime/connector"
	"github.com/athena-kafka/athena-kafka/runtime/decode"
	"github.com/athena-kafka/athena-kafka/runtime/federation"
	"github.com/athena-kafka/athena-kafka/runtime/kafka"
	"github.com/athena-kafka/athena-kafka/runtime/spill"
	"github.com/athena-kafka/athena-kafka/runtime/topic"
)

// localSpillBucket names the spill "bucket" (a sub-folder of spill_dir) when
// no spill_bucket is configured.
const localSpillBucket = "local"

// awsClients builds AWS clients on first use only, so that a local run with
// a folder catalog and no spill bucket never needs AWS credentials.
type awsClients struct {
	once sync.Once
	cfg  aws.Config
	err  error
}

func (a *awsClients) config(ctx context.Context) (aws.Config, error) {
	a.once.Do(func() {
		a.cfg, a.err = awsconfig.LoadDefaultConfig(ctx)
		if a.err != nil {
			a.err = fmt.Errorf("load the AWS configuration: %w", a.err)
		}
	})
	return a.cfg, a.err
}

// environment returns the configuration's source: the process environment,
// completed from the Glue connection named by glue_connection when set (the
// MSK connector's deployment style; real variables win).
func environment(ctx context.Context) (func(string) string, error) {
	if strings.TrimSpace(os.Getenv(auth.EnvGlueConnection)) == "" {
		return os.Getenv, nil
	}
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	ac, err := (&awsClients{}).config(ctx)
	if err != nil {
		return nil, err
	}
	eff, err := auth.ApplyGlueConnection(ctx, env, glue.NewFromConfig(ac))
	if err != nil {
		return nil, err
	}
	return func(k string) string { return eff[k] }, nil
}

// newConnector wires the runtime packages from the configuration.
func newConnector(ctx context.Context, cfg Config, log *slog.Logger) (*connector.Connector, error) {
	clients := &awsClients{}

	var cat catalog.Catalog
	if cfg.SchemaSource == "glue" {
		ac, err := clients.config(ctx)
		if err != nil {
			return nil, err
		}
		cat = catalog.NewGlue(glue.NewFromConfig(ac), catalog.GlueOptions{})
	} else {
		f, err := catalog.NewFolder(cfg.SchemaSource)
		if err != nil {
			return nil, fmt.Errorf("schema_source %q: %w", cfg.SchemaSource, err)
		}
		cat = f
	}

	t, err := auth.ParseType(cfg.AuthType)
	if err != nil {
		return nil, err
	}
	settings := auth.Settings{Type: t, Secret: cfg.Secret, Certificates: cfg.Certificates}
	brokers := strings.Split(cfg.KafkaEndpoint, ",")
	dial := func(ctx context.Context) (*kafka.Client, error) {
		var sm auth.SecretsAPI
		var s3c auth.S3API
		if t != auth.NoAuth && (cfg.Secret != "" || cfg.Certificates != "") {
			ac, err := clients.config(ctx)
			if err != nil {
				return nil, err
			}
			sm, s3c = secretsmanager.NewFromConfig(ac), s3.NewFromConfig(ac)
		}
		sc, err := auth.Sarama(ctx, settings, sm, s3c)
		if err != nil {
			return nil, err
		}
		sc.ClientID = "athena-kafka"
		sc.Consumer.IsolationLevel = sarama.ReadUncommitted
		if cfg.ReadCommitted {
			sc.Consumer.IsolationLevel = sarama.ReadCommitted
		}
		return kafka.New(brokers, sc)
	}

	opt := connector.Options{
		Catalog:            cat,
		Kafka:              dial,
		SpillPrefix:        cfg.SpillPrefix,
		MaxRecordsPerSplit: cfg.MaxRecordsPerSplit,
		MaxBlockSize:       cfg.MaxBlockSize,
		MetadataColumns:    cfg.MetadataColumns,
		FailOnDecodeError:  cfg.FailOnDecodeError,
		Logger:             log,
	}
	if cfg.SpillBucket != "" {
		ac, err := clients.config(ctx)
		if err != nil {
			return nil, err
		}
		s3c := s3.NewFromConfig(ac)
		opt.Store = spill.NewS3(s3c, cfg.SpillHeaders)
		opt.SpillBucket = cfg.SpillBucket
		opt.CheckBucket = func(ctx context.Context) error { return spill.CheckBucket(ctx, s3c, cfg.SpillBucket) }
	} else {
		opt.Store = spill.NewFolder(cfg.SpillDir)
		opt.SpillBucket = localSpillBucket
	}
	var kmsc spill.KMSAPI
	if cfg.KMSKeyID != "" && !cfg.DisableSpillEncryption {
		ac, err := clients.config(ctx)
		if err != nil {
			return nil, err
		}
		kmsc = kms.NewFromConfig(ac)
	}
	opt.Keys = spill.Keys(cfg.DisableSpillEncryption, cfg.KMSKeyID, kmsc)
	return connector.New(opt)
}

// localConnector is the connector of the local tools (invoke, query): the
// environment's configuration, logging to stderr.
func localConnector(ctx context.Context) (Config, *connector.Connector, error) {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return cfg, nil, err
	}
	h, err := newConnector(ctx, cfg, newLogger(cfg.LogLevel, os.Stderr))
	return cfg, h, err
}

// folderFetch reads spilled objects back from a local spill folder.
func folderFetch(dir string) func(context.Context, federation.SpillLocation) ([]byte, error) {
	f := spill.NewFolder(dir)
	return func(_ context.Context, loc federation.SpillLocation) ([]byte, error) {
		p, err := f.Path(loc.Bucket, loc.Key)
		if err != nil {
			return nil, err
		}
		return os.ReadFile(p)
	}
}

// spillFetcher reads spilled objects back from wherever cfg spills them.
func spillFetcher(ctx context.Context, cfg Config) func(context.Context, federation.SpillLocation) ([]byte, error) {
	if cfg.SpillBucket == "" {
		return folderFetch(cfg.SpillDir)
	}
	clients := &awsClients{}
	return func(ctx context.Context, loc federation.SpillLocation) ([]byte, error) {
		ac, err := clients.config(ctx)
		if err != nil {
			return nil, err
		}
		out, err := s3.NewFromConfig(ac).GetObject(ctx, &s3.GetObjectInput{Bucket: &loc.Bucket, Key: &loc.Key})
		if err != nil {
			return nil, err
		}
		defer out.Body.Close()
		return io.ReadAll(out.Body)
	}
}

// decoderKind says which decoder serves a table schema from GetTable.
func decoderKind(s *arrow.Schema) string {
	md := s.Metadata()
	if i := md.FindKey(topic.MetaFingerprint); i >= 0 && decode.GeneratedEnabled() {
		if _, ok := decode.Registered(md.Values()[i]); ok {
			return decode.KindGenerated
		}
	}
	return decode.KindFallback
}

func newRecord(s *arrow.Schema, cols []arrow.Array, rows int64) arrow.RecordBatch {
	return array.NewRecordBatch(s, cols, rows)
}
