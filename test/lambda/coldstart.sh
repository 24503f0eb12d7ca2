#!/usr/bin/env bash
# Cold start of the connector's bootstrap under the Lambda Runtime Interface Emulator.
#
#   test/lambda/coldstart.sh [<bootstrap>]     # default dist/amd64/bootstrap (make lambda)
#
# Each run starts a fresh emulator (so a fresh process), sends one PingRequest and then a second
# one, and records:
#   init_us        the function's own "cold start" log line: LoadConfig + wiring, after Go's package
#                  initialisation (whole milliseconds, so usually 0)
#   init_phase_ms  the emulator's "INIT REPORT(durationMs)": exec of bootstrap until it asks for the
#                  first event, i.e. what Lambda bills as Init Duration (Go runtime + package init +
#                  init_ms)
#   invoke_ms      the emulator's "INVOKE RTDONE duration" of the first (cold) and second (warm) Ping:
#                  the handler's time
#   first_rt_ms    the first invocation's round trip as the client sees it (process start + init +
#                  Ping + the emulator's and curl's own overhead; RIE starts the runtime on the first
#                  invoke)
# The function runs with schema_source=schemas (no Glue) and a kafka_endpoint nothing listens on: a
# Ping touches neither. Prints one line per run and the medians.
# Knobs: RUNS (5), PORT (19380).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BOOTSTRAP="${1:-$ROOT/dist/amd64/bootstrap}"
RUNS="${RUNS:-5}"
PORT="${PORT:-19380}"
RUN_DIR="${RIE_RUN_DIR:-$ROOT/test/.run/lambda}"
LOG="$RUN_DIR/rie-$PORT.log"
PING="$ROOT/runtime/federation/testdata/vectors/v2_PingRequest.json"

[[ -x "$BOOTSTRAP" ]] || { echo "coldstart.sh: $BOOTSTRAP is not an executable (run make lambda)" >&2; exit 1; }
command -v curl >/dev/null || { echo "coldstart.sh: curl not found" >&2; exit 1; }
URL="$("$HERE/rie.sh" url "$PORT")"

now_us() { echo $(($(date +%s%N) / 1000)); }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

invoke() { # prints the round trip in µs; the body goes to $1
  local t0 t1 code
  t0="$(now_us)"
  code="$(curl -sS -o "$1" -w '%{http_code}' -X POST --data-binary "@$PING" "$URL")"
  t1="$(now_us)"
  [[ "$code" == 200 ]] && grep -q '"PingResponse"' "$1" || { echo "coldstart.sh: invoke answered $code: $(head -c 300 "$1")" >&2; return 1; }
  echo $((t1 - t0))
}

stop() { "$HERE/rie.sh" stop "$PORT" >/dev/null 2>&1 || true; }

inits=() phases=() colds=() warms=() rts=()
body="$(mktemp)"
trap 'stop; rm -f "$body"' EXIT
for ((i = 1; i <= RUNS; i++)); do
  stop
  AWS_REGION=us-east-1 AWS_LAMBDA_FUNCTION_NAME=athena-kafka AWS_LAMBDA_FUNCTION_MEMORY_SIZE=3008 \
    schema_source="$ROOT/schemas" kafka_endpoint=127.0.0.1:9 spill_dir="$RUN_DIR/spill" \
    "$HERE/rie.sh" start "$BOOTSTRAP" "$PORT" 2>/dev/null
  rt="$(invoke "$body")"
  invoke "$body" >/dev/null
  init="$(grep -o '"msg":"cold start"[^}]*' "$LOG" | grep -o '"init_us":[0-9]*' | tail -n1 | cut -d: -f2)"
  phase="$(grep -o 'INIT REPORT(durationMs: [0-9.]*' "$LOG" | tail -n1 | grep -o '[0-9.]*$')"
  mapfile -t inv < <(grep -o 'INVOKE RTDONE(status: success[^)]*duration: [0-9.]*' "$LOG" | grep -o '[0-9.]*$')
  if [[ -z "$init" || -z "$phase" || ${#inv[@]} -ne 2 ]]; then
    echo "coldstart.sh: missing cold start / INIT REPORT / INVOKE RTDONE lines in $LOG" >&2
    tail -n 20 "$LOG" >&2
    exit 1
  fi
  inits+=("$init") phases+=("$phase") colds+=("${inv[0]}") warms+=("${inv[1]}") rts+=("$(ms "$rt")")
  printf 'run %d: init_us=%s init_phase_ms=%s invoke_ms cold=%s warm=%s first_rt_ms=%s\n' \
    "$i" "$init" "$phase" "${inv[0]}" "${inv[1]}" "$(ms "$rt")"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'median of %d: init_us=%s init_phase_ms=%s invoke_ms cold=%s warm=%s first_rt_ms=%s (%s, %s bytes)\n' "$RUNS" \
  "$(median "${inits[@]}")" "$(median "${phases[@]}")" "$(median "${colds[@]}")" "$(median "${warms[@]}")" \
  "$(median "${rts[@]}")" "$BOOTSTRAP" "$(stat -c %s "$BOOTSTRAP")"
