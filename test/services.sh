#!/usr/bin/env bash
# The real components the integration suites run against, all on 127.0.0.1. Safe to call twice.
#
#   test/services.sh up       # Kafka broker started; RIE binary and the SDK judge built; moto checked
#   test/services.sh down     # stop the broker, any emulator left running, and a shared moto if one was started
#   test/services.sh status   # what is running
#   test/services.sh logs     # tails of the service logs (for a failed run)
#
# After `up`, `test/.run/*/env` hold export lines for the tests (source them, as test/run-all.sh does):
#   test/.run/kafka/env        KAFKA_BOOTSTRAP, KAFKA_SASL_PLAINTEXT, KAFKA_SSL, KAFKA_SASL_SSL, users, certificates
#   test/.run/lambda/env       AWS_LAMBDA_RIE (the emulator binary), RIE_SCRIPT
#   test/.run/conformance/env  ATHENA_SDK_JUDGE (judge.sh), ATHENA_SDK_VERSION
#   test/.run/moto/env         MOTO_ENDPOINT, only with SHARED_MOTO=1 (see below)
# moto: by default every moto-backed test starts its own moto (test/awstest) so only its prerequisite
# (python3 with moto) is checked here. SHARED_MOTO=1 starts one shared moto with test/aws/moto.sh on
# MOTO_PORT (default 5055) instead, and tests then use it through MOTO_ENDPOINT.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$HERE/.run"

log() { echo "services.sh: $*" >&2; }

write_env() { # dir, then lines
  local dir="$RUN/$1"
  shift
  mkdir -p "$dir"
  printf '%s\n' "# written by test/services.sh; source it" "$@" >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

moto_up() {
  local py="${MOTO_PYTHON:-python3}"
  if [[ "${SHARED_MOTO:-0}" != 1 ]]; then
    if "$py" -c 'import moto' 2>/dev/null; then
      log "moto: available ($("$py" -c 'import moto; print(moto.__version__)')); each test starts its own (test/awstest)"
    else
      log "moto: NOT importable by $py; moto-backed tests will fail (pip install 'moto[server]')"
    fi
    rm -f "$RUN/moto/env"
    return 0
  fi
  if [[ ! -x "$HERE/aws/moto.sh" && ! -f "$HERE/aws/moto.sh" ]]; then
    log "moto: test/aws/moto.sh not found; skipped"
    return 0
  fi
  local port="${MOTO_PORT:-5055}" pidf="$RUN/moto/pid"
  mkdir -p "$RUN/moto"
  if [[ -f "$pidf" ]] && kill -0 "$(cat "$pidf")" 2>/dev/null && port_open "$port"; then
    log "moto: already running on 127.0.0.1:$port"
  else
    port_open "$port" && { log "moto: port $port is in use by something else"; return 1; }
    setsid nohup sh "$HERE/aws/moto.sh" "$port" >"$RUN/moto/moto.log" 2>&1 </dev/null &
    echo $! >"$pidf"
    local i
    for ((i = 0; i < 120; i++)); do
      port_open "$port" && break
      kill -0 "$(cat "$pidf")" 2>/dev/null || { tail -n 20 "$RUN/moto/moto.log" >&2; return 1; }
      sleep 0.5
    done
    port_open "$port" || { log "moto: not listening after 60 s"; tail -n 20 "$RUN/moto/moto.log" >&2; return 1; }
    log "moto: shared server on http://127.0.0.1:$port"
  fi
  write_env moto "export MOTO_ENDPOINT=http://127.0.0.1:$port"
}

moto_down() {
  local pidf="$RUN/moto/pid"
  if [[ -f "$pidf" ]]; then
    local pid
    pid="$(cat "$pidf")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      log "moto: stopped"
    fi
    rm -f "$pidf" "$RUN/moto/env"
  fi
}

up() {
  # one after the other: the machine has 2 cores shared with others
  "$HERE/kafka/broker.sh" start
  local rie
  rie="$("$HERE/lambda/rie.sh" install)"
  write_env lambda "export AWS_LAMBDA_RIE=$rie" "export RIE_SCRIPT=$HERE/lambda/rie.sh"
  log "lambda: RIE at $rie"
  "$HERE/conformance/judge.sh" build >/dev/null
  local sdk
  sdk="$(sed -n 's:.*<athena.sdk.version>\(.*\)</athena.sdk.version>.*:\1:p' "$HERE/conformance/pom.xml")"
  write_env conformance "export ATHENA_SDK_JUDGE=$HERE/conformance/judge.sh" "export ATHENA_SDK_VERSION=$sdk"
  log "conformance: judge built on aws-athena-federation-sdk $sdk"
  moto_up
  log "up"
}

down() {
  "$HERE/kafka/broker.sh" stop || true
  local f port
  for f in "$RUN"/lambda/rie-*.pid; do
    [[ -f "$f" ]] || continue
    port="${f##*/rie-}"
    port="${port%.pid}"
    "$HERE/lambda/rie.sh" stop "$port" || true
  done
  moto_down
  log "down"
}

status() {
  local rc=0 f
  "$HERE/kafka/broker.sh" status || rc=1
  for f in "$RUN"/lambda/rie-*.pid; do
    [[ -f "$f" ]] || continue
    local port="${f##*/rie-}"
    "$HERE/lambda/rie.sh" status "${port%.pid}" || true
  done
  if [[ -f "$RUN/moto/env" ]]; then cat "$RUN/moto/env"; fi
  return $rc
}

logs() {
  local f
  for f in "$RUN"/kafka/logs/server.log "$RUN"/kafka/logs/stdout.log "$RUN"/lambda/rie-*.log "$RUN"/moto/moto.log; do
    [[ -s "$f" ]] || continue
    echo "----- tail of $f -----"
    tail -n 60 "$f"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) logs ;;
  *) echo "usage: $0 up|down|status|logs" >&2; exit 2 ;;
esac
