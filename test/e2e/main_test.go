//go:build integration

package e2e

import (
	"fmt"
	"os"
	"testing"

	kafkatest "github.com/athena-kafka/athena-kafka/test/kafka"
	lambdatest "github.com/athena-kafka/athena-kafka/test/lambda"
)

// Shared by every test of the package run: the broker and one bootstrap build.
var (
	kenv      *kafkatest.Env
	bootstrap string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env, stop, err := kafkatest.Ensure()
	defer stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	kenv = env
	if _, err := lambdatest.Install(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "athena-kafka-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Built once: static (CGO_ENABLED=0), the binary a provided.al2023 function runs.
	if bootstrap, err = lambdatest.BuildBootstrap(dir, "./lambda"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}
