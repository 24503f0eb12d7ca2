#!/usr/bin/env bash
# The AWS Lambda Runtime Interface Emulator (RIE) running a Lambda `bootstrap` binary on loopback.
#
#   test/lambda/rie.sh install                     # build aws-lambda-rie into test/.cache/bin (first run only)
#   test/lambda/rie.sh start <bootstrap> <port>    # run <bootstrap> under RIE on 127.0.0.1:<port>
#   test/lambda/rie.sh stop [<bootstrap>] <port>   # stop the RIE on <port> and its bootstrap process
#   test/lambda/rie.sh status <port>               # exit 0 if an RIE started by this script answers on <port>
#   test/lambda/rie.sh url <port>                  # print the invocation URL
#
# Invoke with: POST http://127.0.0.1:<port>/2015-03-31/functions/function/invocations (body = event JSON).
# The environment of `start` is passed to the function (RIE forwards its whole environment), e.g.
#   AWS_REGION=us-east-1 spill_bucket=b test/lambda/rie.sh start ./bootstrap 19180
# RIE knobs read from that environment: AWS_LAMBDA_FUNCTION_TIMEOUT (default 300 s),
# AWS_LAMBDA_FUNCTION_MEMORY_SIZE (reported only), AWS_LAMBDA_FUNCTION_NAME, LOG_LEVEL.
# RIE's Runtime API (the bootstrap's side) listens on 127.0.0.1:<RIE_RUNTIME_API_PORT>, default <port>+1000,
# so several emulators can run at once. The bootstrap runs with its own folder as working directory.
# Logs (RIE's and the function's): test/.run/lambda/rie-<port>.log. Never pass --help to aws-lambda-rie:
# it takes it for the handler and hangs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEST_DIR="$(cd "$HERE/.." && pwd)"
CACHE_BIN="${TEST_CACHE_DIR:-$TEST_DIR/.cache}/bin"
RUN_DIR="${RIE_RUN_DIR:-$TEST_DIR/.run/lambda}"
RIE_MODULE=github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
RIE_VERSION=v0.0.0-20261030222936-bef5c4ba774d
RIE="$CACHE_BIN/aws-lambda-rie"
HOST=127.0.0.1

log() { echo "rie.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { echo "usage: $0 install | start <bootstrap> <port> | stop [<bootstrap>] <port> | status <port> | url <port>" >&2; exit 2; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

check_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)) || die "bad port '$1'"; }

install() {
  local stamp="$CACHE_BIN/.aws-lambda-rie.version"
  if [[ -x "$RIE" && -f "$stamp" && "$(cat "$stamp")" == "$RIE_VERSION" ]]; then return 0; fi
  command -v go >/dev/null || die "go not found (needed once to build aws-lambda-rie)"
  log "building aws-lambda-rie@$RIE_VERSION into $CACHE_BIN (first run only)"
  mkdir -p "$CACHE_BIN"
  (cd "$TEST_DIR" && GOBIN="$CACHE_BIN" GOFLAGS= go install "$RIE_MODULE@$RIE_VERSION") || die "go install $RIE_MODULE failed"
  echo "$RIE_VERSION" >"$stamp"
}

pidfile() { echo "$RUN_DIR/rie-$1.pid"; }
logfile() { echo "$RUN_DIR/rie-$1.log"; }

running_pid() {
  local f
  f="$(pidfile "$1")"
  [[ -f "$f" ]] || return 1
  local pid
  pid="$(head -n1 "$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a stale pid file may name a recycled pid: only an aws-lambda-rie process counts
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'aws-lambda-rie' || return 1
  echo "$pid"
}

start() {
  local bootstrap="$1" port="$2"
  check_port "$port"
  [[ -f "$bootstrap" && -x "$bootstrap" ]] || die "bootstrap '$bootstrap' is not an executable file"
  bootstrap="$(cd "$(dirname "$bootstrap")" && pwd)/$(basename "$bootstrap")"
  local api_port="${RIE_RUNTIME_API_PORT:-$((port + 1000))}"
  check_port "$api_port"
  mkdir -p "$RUN_DIR"
  local pid
  if pid="$(running_pid "$port")"; then
    # Same bootstrap, not rebuilt since: keep it. Otherwise restart so the new binary is used.
    if [[ "$(sed -n 2p "$(pidfile "$port")")" == "$bootstrap" && ! "$bootstrap" -nt "$(pidfile "$port")" ]]; then
      log "already running on $HOST:$port (pid $pid)"
      return 0
    fi
    stop "$port"
  fi
  port_open "$port" && die "port $port on $HOST is already in use"
  port_open "$api_port" && die "runtime API port $api_port on $HOST is already in use (set RIE_RUNTIME_API_PORT)"
  install
  (
    cd "$(dirname "$bootstrap")"
    exec setsid nohup "$RIE" --runtime-interface-emulator-address "$HOST:$port" \
      --runtime-api-address "$HOST:$api_port" "$bootstrap" >"$(logfile "$port")" 2>&1 </dev/null
  ) &
  pid=$!
  printf '%s\n%s\n' "$pid" "$bootstrap" >"$(pidfile "$port")"
  local i
  for ((i = 0; i < 100; i++)); do
    if port_open "$port"; then
      log "running $bootstrap on http://$HOST:$port (pid $pid, log $(logfile "$port"))"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  tail -n 30 "$(logfile "$port")" >&2 || true
  stop "$port" || true
  die "aws-lambda-rie did not listen on $HOST:$port"
}

stop() {
  local port="$1"
  check_port "$port"
  local pid
  if ! pid="$(running_pid "$port")"; then
    rm -f "$(pidfile "$port")"
    log "nothing running on port $port"
    return 0
  fi
  # setsid made the RIE a process-group leader; the group holds RIE and the bootstrap it started.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$(pidfile "$port")"
  log "stopped RIE on port $port"
}

status() {
  local port="$1" pid
  check_port "$port"
  if pid="$(running_pid "$port")" && port_open "$port"; then
    echo "running on http://$HOST:$port (pid $pid, bootstrap $(sed -n 2p "$(pidfile "$port")"))"
    return 0
  fi
  echo "not running on port $port"
  return 1
}

cmd="${1:-}"
shift || true
case "$cmd" in
  install) install; echo "$RIE" ;;
  start) (($# == 2)) || usage; start "$1" "$2" ;;
  stop) (($# == 1 || $# == 2)) || usage; stop "${@: -1}" ;;
  status) (($# == 1)) || usage; status "$1" ;;
  url) (($# == 1)) || usage; echo "http://$HOST:$1/2015-03-31/functions/function/invocations" ;;
  *) usage ;;
esac
