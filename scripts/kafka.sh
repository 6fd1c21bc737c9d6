#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1:9092 for
# the Kafka transport's tests and benchmarks.
#
#   scripts/kafka.sh start    fetch the broker from Maven Central if not cached, format, start, wait
#   scripts/kafka.sh stop     stop the broker started by this script (by its recorded pid)
#   scripts/kafka.sh status   print whether it runs; exit 0 when it accepts connections
#   scripts/kafka.sh kill     SIGKILL the broker started by this script (fault tests: a crash, not a stop)
#
# The broker's jars, its config, data and log live OUTSIDE the repository, in
# ${EDASAGA_KAFKA_HOME:-$HOME/.cache/edasaga/kafka-<version>}, and are reused on the next start.
# Only loopback addresses are ever used.
set -euo pipefail

KAFKA_VERSION="${EDASAGA_KAFKA_VERSION:-4.4.0}"
SCALA_VERSION="2.13"
KAFKA_HOME="${EDASAGA_KAFKA_HOME:-${HOME:-/tmp}/.cache/edasaga/kafka-$KAFKA_VERSION}"
HOST="127.0.0.1"
PORT="${EDASAGA_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${EDASAGA_KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT_S="${EDASAGA_KAFKA_START_TIMEOUT:-90}"
HEAP="${EDASAGA_KAFKA_HEAP:--Xms256m -Xmx512m}"

# A second broker (another EDASAGA_KAFKA_HOME and port, for tests that kill it) can share the jars.
LIBS="${EDASAGA_KAFKA_LIBS:-$KAFKA_HOME/libs}"
DATA="$KAFKA_HOME/data"
CONFIG="$KAFKA_HOME/server.properties"
LOG4J="$KAFKA_HOME/log4j2.properties"
LOG="$KAFKA_HOME/broker.log"
PIDFILE="$KAFKA_HOME/broker.pid"

# Bump when the pom below changes.
FETCH_RECIPE="kafka_$SCALA_VERSION:$KAFKA_VERSION+log4j-slf4j-impl:2.24.3"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# True when something accepts TCP connections on HOST:PORT (bash's /dev/tcp: no netcat needed).
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

recorded_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the recorded process must be our broker's JVM. (Read into a variable:
  # `tr | grep -q` fails under pipefail whenever grep exits before tr has written everything.)
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"kafka.Kafka $CONFIG"* ]] || return 1
  printf '%s\n' "$pid"
}

fetch() {
  # The marker names the recipe, so a changed dependency list refetches instead of reusing old jars.
  if [ "$(cat "$LIBS/.complete" 2>/dev/null)" = "$FETCH_RECIPE" ]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka broker"
  say "fetching Kafka $KAFKA_VERSION (kafka_$SCALA_VERSION and its runtime jars) into $LIBS"
  local work
  work="$(mktemp -d)"
  # A throwaway pom whose only purpose is to let `dependency:copy-dependencies` resolve the broker's
  # runtime classpath. The log4j2 backend is what the Kafka distribution ships for broker logging.
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.edasaga</groupId>
  <artifactId>kafka-broker-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>2.24.3</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  if ! mvn -B -q -f "$work/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$work/mvn.log" 2>&1; then
    tail -n 40 "$work/mvn.log" >&2
    rm -rf "$work"
    die "fetching Kafka $KAFKA_VERSION with Maven failed (log above)"
  fi
  rm -rf "$work"
  printf '%s\n' "$FETCH_RECIPE" >"$LIBS/.complete"
}

write_config() {
  mkdir -p "$DATA"
  cat >"$CONFIG" <<EOF
# Written by scripts/kafka.sh: a single-node KRaft broker for local tests, loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=2
num.io.threads=2
log.retention.hours=24
log.segment.bytes=16777216
EOF
  cat >"$LOG4J" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $LOG
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.server.name = kafka.server.KafkaServer
logger.server.level = INFO
EOF
}

# The JVM command line shared by the storage tool and the broker.
java_args() {
  JAVA_ARGS=("${JAVA_HOME:+$JAVA_HOME/bin/}java")
  # shellcheck disable=SC2206 # HEAP is a list of JVM options.
  JAVA_ARGS+=($HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$LOG4J" -cp "$LIBS/*")
}

java_cmd() {
  java_args
  "${JAVA_ARGS[@]}" "$@"
}

format_storage() {
  if [ -f "$DATA/meta.properties" ]; then return 0; fi
  say "formatting storage in $DATA"
  local cluster_id
  cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid 2>>"$LOG" | tail -n 1)"
  [ -n "$cluster_id" ] || die "could not create a cluster id (see $LOG)"
  java_cmd kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$CONFIG" >>"$LOG" 2>&1 \
    || java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" >>"$LOG" 2>&1 \
    || { tail -n 30 "$LOG" >&2; die "formatting Kafka storage failed"; }
}

start() {
  mkdir -p "$KAFKA_HOME"
  if recorded_pid >/dev/null; then
    say "already running (pid $(recorded_pid)) on $HOST:$PORT"
    return 0
  fi
  if port_open "$PORT"; then
    die "$HOST:$PORT is taken by a process this script did not start; stop it or set EDASAGA_KAFKA_PORT"
  fi
  local began=$SECONDS
  fetch
  write_config
  : >"$LOG"
  format_storage
  java_args
  # nohup execs the JVM, so $! is the broker's own pid.
  nohup "${JAVA_ARGS[@]}" kafka.Kafka "$CONFIG" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local deadline=$((SECONDS + START_TIMEOUT_S))
  # Ready = accepting connections and done starting (the listener opens a moment before that).
  until port_open "$PORT" && grep -q "Kafka Server started" "$LOG"; do
    if ! recorded_pid >/dev/null; then
      tail -n 40 "$LOG" >&2
      rm -f "$PIDFILE"
      die "the broker exited while starting (log tail above; full log: $LOG)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 40 "$LOG" >&2
      die "the broker did not accept connections on $HOST:$PORT within ${START_TIMEOUT_S}s (log tail above; full log: $LOG)"
    fi
    sleep 0.5
  done
  say "Kafka $KAFKA_VERSION running on $HOST:$PORT (pid $(cat "$PIDFILE"), ready in $((SECONDS - began))s, home $KAFKA_HOME)"
}

stop() {
  local pid
  if ! pid="$(recorded_pid)"; then
    rm -f "$PIDFILE"
    say "not running"
    return 0
  fi
  kill "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "broker (pid $pid) did not stop within 30s; killing it"
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.3
  done
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

kill_now() {
  local pid
  if ! pid="$(recorded_pid)"; then
    say "not running"
    return 0
  fi
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PIDFILE"
  say "killed (pid $pid)"
}

status() {
  local pid
  if pid="$(recorded_pid)" && port_open "$PORT"; then
    say "running (pid $pid) on $HOST:$PORT, home $KAFKA_HOME"
    return 0
  fi
  if pid="$(recorded_pid)"; then
    say "starting or unhealthy (pid $pid), not accepting connections on $HOST:$PORT"
    return 1
  fi
  say "not running"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_now ;;
  *) say "usage: $0 start|stop|status|kill"; exit 2 ;;
esac
