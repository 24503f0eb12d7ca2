#!/usr/bin/env bash
# `make test`: every suite, with its own set-up, on a fresh machine.
#   test/run-all.sh                   lint, generated check, unit (race), fallback-only, then integration
#   test/run-all.sh integration-only  just the suites that need the real services
# Services (real Apache Kafka, moto, the Lambda emulator) are started here and stopped on exit,
# whatever happens; their logs are printed when a suite fails.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"
began=$(date +%s)
section() { printf '\n== %s (%ds)\n' "$*" $(( $(date +%s) - began )); }

if [ "$mode" = all ]; then
  section "lint: gofmt, go vet, staticcheck"
  make -s lint
  section "generated/ is current (gen -check)"
  go run ./gen -check
  section "unit tests with the race detector"
  go test -race -count=1 ./...
  section "the same suites with generated decoders switched off (-tags nogenerated)"
  go test -count=1 -tags nogenerated ./runtime/... ./generated/... ./lambda/...
fi

section "services up: Apache Kafka (KRaft), moto, Lambda Runtime Interface Emulator"
cleanup() {
  rc=$?
  if [ $rc -ne 0 ]; then ./test/services.sh logs || true; fi
  ./test/services.sh down || true
  exit $rc
}
trap cleanup EXIT
./test/services.sh up
set -a
for f in test/.run/*/env; do [ -f "$f" ] && . "$f"; done
set +a

section "Kafka reader and connector suites against the real broker (KAFKA_BOOTSTRAP=$KAFKA_BOOTSTRAP)"
go test -count=1 ./runtime/kafka/ ./runtime/connector/

section "integration suites (real Kafka, moto, RIE, Java SDK harness)"
pkgs=$(grep -rl --include='*_test.go' '^//go:build.*integration' . | xargs -n1 dirname | sort -u)
echo "$pkgs"
go test -tags integration -count=1 -p 1 -timeout 25m $pkgs

section "all suites passed"
