// Package e2e is the end-to-end suite: the connector's real bootstrap under the AWS Lambda Runtime
// Interface Emulator, pointed at the real Kafka broker (test/kafka) and at moto (Glue Schema Registry,
// Secrets Manager, S3, KMS), invoked over HTTP the way Athena invokes a Lambda; the Athena Federation
// SDK (test/conformance) judges the wire format. The tests carry the build tag integration:
//
//	test/services.sh up && set -a && . test/.run/kafka/env && set +a
//	go test -tags integration -count=1 ./test/e2e/
package e2e
