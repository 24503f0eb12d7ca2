#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, combined broker+controller, one node) for the test suites.
#
#   test/kafka/broker.sh start    # resolve jars (first run), make certs, format storage, start, wait until ready
#   test/kafka/broker.sh stop     # stop it (SIGTERM, then SIGKILL after 30 s)
#   test/kafka/broker.sh status   # exit 0 if running and answering, 1 otherwise
#   test/kafka/broker.sh env      # print the env file (source it: `. test/.run/kafka/env`)
#
# Jars come from Maven Central through test/kafka/pom.xml into test/.cache/kafka/jars-<version>
# (reused between runs; Maven keeps its own copy in ~/.m2). Everything the broker writes is under
# test/.run/kafka: certs/, data/, logs/, server.properties, env, pid. Each start from "not running"
# wipes data/ so every test run sees an empty cluster; certificates are kept once made.
#
# Listeners, all on 127.0.0.1 (override the ports with these variables):
#   KAFKA_PLAINTEXT_PORT      19092  PLAINTEXT
#   KAFKA_SASL_PLAINTEXT_PORT 19093  SASL_PLAINTEXT (PLAIN and SCRAM-SHA-512)
#   KAFKA_SSL_PORT            19094  SSL with a required client certificate (mTLS)
#   KAFKA_SASL_SSL_PORT       19095  SASL_SSL (PLAIN and SCRAM-SHA-512), no client certificate
#   KAFKA_CONTROLLER_PORT     19096  KRaft controller (PLAINTEXT, not for clients)
# Other knobs: KAFKA_VERSION (4.1.1), KAFKA_HEAP_OPTS (-Xms64m -Xmx512m), KAFKA_START_TIMEOUT (180 s),
# JAVA_HOME (else `java` on PATH; Kafka 4 needs Java 17+).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEST_DIR="$(cd "$HERE/.." && pwd)"
CACHE_DIR="${TEST_CACHE_DIR:-$TEST_DIR/.cache}"
RUN_DIR="${KAFKA_RUN_DIR:-$TEST_DIR/.run/kafka}"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
JARS_DIR="$CACHE_DIR/kafka/jars-$KAFKA_VERSION"
HOST=127.0.0.1
P_PLAIN="${KAFKA_PLAINTEXT_PORT:-19092}"
P_SASL="${KAFKA_SASL_PLAINTEXT_PORT:-19093}"
P_SSL="${KAFKA_SSL_PORT:-19094}"
P_SASL_SSL="${KAFKA_SASL_SSL_PORT:-19095}"
P_CTRL="${KAFKA_CONTROLLER_PORT:-19096}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms64m -Xmx512m}"

# Test credentials. They protect nothing: the broker listens on loopback only and lives for one test run.
PLAIN_USER=plain-user
PLAIN_PASS=plain-secret
SCRAM_USER=scram-user
SCRAM_PASS=scram-secret
STORE_PASS=store-secret      # JKS / PKCS#12 store passwords (keystores and truststores)
KEY_PASS=key-secret          # private-key password inside the client JKS keystore
CLUSTER_ID=AthenaKafkaTestClust0w  # any 22-char base64url UUID

CERTS="$RUN_DIR/certs"
LOGS="$RUN_DIR/logs"
DATA="$RUN_DIR/data"
PIDFILE="$RUN_DIR/pid"
ENVFILE="$RUN_DIR/env"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then KEYTOOL="$JAVA_HOME/bin/keytool"; else KEYTOOL=keytool; fi

log() { echo "broker.sh: $*" >&2; }

fail() {
  log "ERROR: $*"
  for f in "$LOGS/server.log" "$LOGS/stdout.log" "$LOGS/format.log"; do
    if [[ -s "$f" ]]; then
      echo "----- tail of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a stale pid file may name a recycled pid: only a kafka.Kafka JVM counts
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Metadata probe: a raw Kafka Metadata v4 request on the PLAINTEXT listener; succeeds when the broker
# lists itself at the advertised address.
metadata_probe() {
  python3 - "$HOST" "$P_PLAIN" <<'PY'
import socket, struct, sys
host, port = sys.argv[1], int(sys.argv[2])
client = b"broker.sh"
body = struct.pack(">hhih", 3, 4, 7, len(client)) + client + struct.pack(">ib", -1, 0)
s = socket.create_connection((host, port), timeout=5)
s.sendall(struct.pack(">i", len(body)) + body)
def read(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise SystemExit("connection closed")
        b += c
    return b
size = struct.unpack(">i", read(4))[0]
r = read(size)
corr, throttle, nbrokers = struct.unpack(">iii", r[:12])
off, found = 12, False
for _ in range(nbrokers):
    node, hl = struct.unpack(">ih", r[off:off + 6]); off += 6
    h = r[off:off + hl].decode(); off += hl
    p, rl = struct.unpack(">ih", r[off:off + 6]); off += 6
    off += max(rl, 0)
    found = found or (h == host and p == port)
sys.exit(0 if corr == 7 and found else 1)
PY
}

ready() {
  local p
  for p in "$P_PLAIN" "$P_SASL" "$P_SSL" "$P_SASL_SSL"; do port_open "$p" || return 1; done
  metadata_probe 2>/dev/null
}

resolve_jars() {
  if [[ -f "$JARS_DIR/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null || fail "mvn not found (needed once to fetch the Kafka jars)"
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $JARS_DIR (first run only)"
  rm -rf "$JARS_DIR"
  mkdir -p "$JARS_DIR" "$LOGS"
  if ! mvn -q -B -f "$HERE/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$JARS_DIR" >"$LOGS/mvn.log" 2>&1; then
    cat "$LOGS/mvn.log" >&2
    fail "mvn could not resolve the Kafka jars"
  fi
  ls "$JARS_DIR"/kafka_2.13-*.jar >/dev/null 2>&1 || fail "no kafka_2.13 jar in $JARS_DIR"
  touch "$JARS_DIR/.complete"
}

make_certs() {
  if [[ -f "$CERTS/.complete" ]]; then return 0; fi
  command -v openssl >/dev/null || fail "openssl not found"
  log "generating CA, broker and client certificates in $CERTS"
  rm -rf "$CERTS"
  mkdir -p "$CERTS"
  (
    cd "$CERTS"
    set -e
    # CA
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -subj "/CN=athena-kafka test CA" -keyout ca.key -out ca.pem \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    # broker (server) certificate for localhost / 127.0.0.1
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout broker.key -out broker.csr 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth,clientAuth" \
      "keyUsage=critical,digitalSignature,keyEncipherment" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile broker.ext -out broker.pem 2>/dev/null
    # client certificate (mTLS on the SSL listener)
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=athena-kafka-client" -keyout client.key -out client.csr 2>/dev/null
    printf '%s\n' "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature,keyEncipherment" >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile client.ext -out client.pem 2>/dev/null
    cat client.pem ca.pem >client-chain.pem
    # PKCS#12 keystores (with the chain) and truststores
    openssl pkcs12 -export -name broker -in broker.pem -certfile ca.pem -inkey broker.key \
      -passout "pass:$STORE_PASS" -out broker.p12
    openssl pkcs12 -export -name client -in client.pem -certfile ca.pem -inkey client.key \
      -passout "pass:$STORE_PASS" -out client.keystore.p12
    "$KEYTOOL" -importcert -noprompt -alias ca -file ca.pem -storetype PKCS12 \
      -keystore truststore.p12 -storepass "$STORE_PASS" >/dev/null 2>&1
    # JKS copies for clients that want Java KeyStores (the Java connector's SSL auth reads JKS files)
    "$KEYTOOL" -importkeystore -noprompt -srckeystore client.keystore.p12 -srcstoretype PKCS12 \
      -srcstorepass "$STORE_PASS" -srcalias client -destkeystore client.keystore.jks -deststoretype JKS \
      -deststorepass "$STORE_PASS" -destalias client -destkeypass "$KEY_PASS" >/dev/null 2>&1
    "$KEYTOOL" -importcert -noprompt -alias ca -file ca.pem -storetype JKS \
      -keystore truststore.jks -storepass "$STORE_PASS" >/dev/null 2>&1
    cp truststore.p12 client.truststore.p12
    cp truststore.jks client.truststore.jks
    rm -f ./*.csr ./*.ext ./*.srl
    chmod 600 ./*.key
  ) || fail "certificate generation failed"
  touch "$CERTS/.complete"
}

write_config() {
  mkdir -p "$LOGS" "$DATA"
  local sasl_jaas_plain="org.apache.kafka.common.security.plain.PlainLoginModule required user_${PLAIN_USER}=\"${PLAIN_PASS}\";"
  local sasl_jaas_scram="org.apache.kafka.common.security.scram.ScramLoginModule required;"
  cat >"$RUN_DIR/server.properties" <<EOF
# written by test/kafka/broker.sh
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$P_CTRL
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$P_PLAIN,SASL_PLAINTEXT://$HOST:$P_SASL,SSL://$HOST:$P_SSL,SASL_SSL://$HOST:$P_SASL_SSL,CONTROLLER://$HOST:$P_CTRL
advertised.listeners=PLAINTEXT://$HOST:$P_PLAIN,SASL_PLAINTEXT://$HOST:$P_SASL,SSL://$HOST:$P_SSL,SASL_SSL://$HOST:$P_SASL_SSL
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA

# SASL: PLAIN users are listed in the JAAS config; SCRAM-SHA-512 users are created at format time.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=$sasl_jaas_plain
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$sasl_jaas_scram
listener.name.sasl_ssl.plain.sasl.jaas.config=$sasl_jaas_plain
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$sasl_jaas_scram

# TLS: SSL listener requires a client certificate, SASL_SSL does not.
ssl.keystore.type=PKCS12
ssl.keystore.location=$CERTS/broker.p12
ssl.keystore.password=$STORE_PASS
ssl.key.password=$STORE_PASS
ssl.truststore.type=PKCS12
ssl.truststore.location=$CERTS/truststore.p12
ssl.truststore.password=$STORE_PASS
ssl.endpoint.identification.algorithm=
listener.name.ssl.ssl.client.auth=required
listener.name.sasl_ssl.ssl.client.auth=none

# one node: replication factor 1 everywhere (transactions and consumer groups work)
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true

# small and quiet: 2 shared cores
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=2097152
EOF
  cat >"$RUN_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $LOGS/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

write_env() {
  cat >"$ENVFILE.tmp" <<EOF
# written by test/kafka/broker.sh; source it
export KAFKA_BOOTSTRAP=$HOST:$P_PLAIN
export KAFKA_SASL_PLAINTEXT=$HOST:$P_SASL
export KAFKA_SSL=$HOST:$P_SSL
export KAFKA_SASL_SSL=$HOST:$P_SASL_SSL
export KAFKA_PLAIN_USERNAME=$PLAIN_USER
export KAFKA_PLAIN_PASSWORD=$PLAIN_PASS
export KAFKA_SCRAM_USERNAME=$SCRAM_USER
export KAFKA_SCRAM_PASSWORD=$SCRAM_PASS
export KAFKA_SCRAM_MECHANISM=SCRAM-SHA-512
export KAFKA_CERTS_DIR=$CERTS
export KAFKA_CA_PEM=$CERTS/ca.pem
export KAFKA_CLIENT_CERT_PEM=$CERTS/client.pem
export KAFKA_CLIENT_KEY_PEM=$CERTS/client.key
export KAFKA_CLIENT_KEYSTORE_JKS=$CERTS/client.keystore.jks
export KAFKA_CLIENT_TRUSTSTORE_JKS=$CERTS/client.truststore.jks
export KAFKA_CLIENT_KEYSTORE_P12=$CERTS/client.keystore.p12
export KAFKA_CLIENT_TRUSTSTORE_P12=$CERTS/client.truststore.p12
export KAFKA_KEYSTORE_PASSWORD=$STORE_PASS
export KAFKA_TRUSTSTORE_PASSWORD=$STORE_PASS
export KAFKA_KEY_PASSWORD=$KEY_PASS
export KAFKA_VERSION=$KAFKA_VERSION
EOF
  mv "$ENVFILE.tmp" "$ENVFILE"
}

start() {
  mkdir -p "$RUN_DIR"
  if running_pid >/dev/null; then
    if ready; then
      write_env
      log "already running (pid $(running_pid)); env: $ENVFILE"
      return 0
    fi
    log "a broker process exists but does not answer; restarting it"
    stop
  fi
  local p
  for p in "$P_PLAIN" "$P_SASL" "$P_SSL" "$P_SASL_SSL" "$P_CTRL"; do
    if port_open "$p"; then fail "port $p on $HOST is already in use by another process (set KAFKA_*_PORT)"; fi
  done
  command -v "$JAVA" >/dev/null || fail "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  resolve_jars
  make_certs
  rm -rf "$DATA" "$LOGS"
  write_config
  local cp="$JARS_DIR/*"
  local jopts=(-XX:+UseSerialGC -Djava.awt.headless=true -Dlog4j2.configurationFile="$RUN_DIR/log4j2.properties"
               -Dkafka.logs.dir="$LOGS")
  log "formatting KRaft storage (SCRAM-SHA-512 user $SCRAM_USER)"
  # shellcheck disable=SC2086
  if ! "$JAVA" -Xmx256m "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format \
      --config "$RUN_DIR/server.properties" --cluster-id "$CLUSTER_ID" --ignore-formatted \
      --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASS]" >"$LOGS/format.log" 2>&1; then
    fail "kafka-storage format failed"
  fi
  log "starting Kafka $KAFKA_VERSION (logs in $LOGS)"
  # shellcheck disable=SC2086
  setsid nohup "$JAVA" $HEAP_OPTS "${jopts[@]}" -cp "$cp" kafka.Kafka "$RUN_DIR/server.properties" \
    >"$LOGS/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  while ! ready; do
    if ! running_pid >/dev/null; then fail "the broker exited during startup"; fi
    if ((SECONDS > deadline)); then
      stop
      fail "the broker was not ready within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  write_env
  log "ready after ${SECONDS}s: PLAINTEXT $HOST:$P_PLAIN, SASL_PLAINTEXT $HOST:$P_SASL, SSL $HOST:$P_SSL, SASL_SSL $HOST:$P_SASL_SSL; env: $ENVFILE"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  local pid
  if pid="$(running_pid)" && ready; then
    echo "running (pid $pid) PLAINTEXT $HOST:$P_PLAIN SASL_PLAINTEXT $HOST:$P_SASL SSL $HOST:$P_SSL SASL_SSL $HOST:$P_SASL_SSL"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then echo "process $pid exists but is not ready"; else echo "not running"; fi
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  env) cat "$ENVFILE" ;;
  *) echo "usage: $0 start|stop|status|restart|env" >&2; exit 2 ;;
esac
