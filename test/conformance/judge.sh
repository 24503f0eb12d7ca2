#!/usr/bin/env bash
# The Athena Federation SDK judge (see Judge.java): builds it on first use, then runs it.
#
#   test/conformance/judge.sh build                                   # build only (mvn -q package), cached
#   test/conformance/judge.sh requests <outdir>                       # sample requests, serde versions 2..6
#   test/conformance/judge.sh check-response <version> <file>...      # parse responses with the SDK, print a summary
#   test/conformance/judge.sh check-request <version> <file>...       # the same for requests
#   test/conformance/judge.sh read-spill <schema-b64-file> <object-file> <key-b64|-> <nonce-b64|->
#
# The SDK (com.amazonaws:aws-athena-federation-sdk, version in pom.xml) comes from Maven Central on the
# first build (kept in ~/.m2); the build output and the runtime classpath are in test/.cache/conformance.
# A rebuild happens only when pom.xml or the Java source changes. JAVA_HOME is honoured (Java 17+).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEST_DIR="$(cd "$HERE/.." && pwd)"
BUILD="${TEST_CACHE_DIR:-$TEST_DIR/.cache}/conformance/target"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

stamp() { cat "$HERE/pom.xml" $(find "$HERE/src" -type f | sort) | sha256sum | cut -d' ' -f1; }

build() {
  local want
  want="$(stamp)"
  if [[ -f "$BUILD/classpath.txt" && -f "$BUILD/conformance-judge-1.jar" && "$(cat "$BUILD/.stamp" 2>/dev/null)" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "judge.sh: mvn not found" >&2; exit 1; }
  echo "judge.sh: building the SDK judge (first run downloads the SDK from Maven Central)" >&2
  mkdir -p "$BUILD"
  if ! mvn -q -B -f "$HERE/pom.xml" -Djudge.build.dir="$BUILD" package >"$BUILD/../mvn.log" 2>&1; then
    cat "$BUILD/../mvn.log" >&2
    echo "judge.sh: build failed" >&2
    exit 1
  fi
  echo "$want" >"$BUILD/.stamp"
}

cmd="${1:-}"
case "$cmd" in
  build) build; echo "$BUILD/conformance-judge-1.jar" ;;
  requests | check-response | check-request | read-spill)
    build
    exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m \
      --add-opens=java.base/java.nio=ALL-UNNAMED \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$BUILD/conformance-judge-1.jar:$(cat "$BUILD/classpath.txt")" athenakafka.conformance.Judge "$@"
    ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
