#!/usr/bin/env bash
# Local stack of Saguaro: a real single-node Apache Kafka broker (KRaft) and a real PostgreSQL,
# both on loopback, with all data, logs and pid files under one directory that survives restarts.
#
#   deploy/stack.sh start | stop | restart | status
#   deploy/stack.sh kafka-topics ARGS...   runs Kafka's topic tool against the stack's broker
#   deploy/stack.sh psql ARGS...           runs psql as the application user (needs a psql binary)
#
# Settings (environment variables, defaults in brackets):
#   SAGUARO_STACK_DIR              data, logs, pid files and fetched jars [deploy/.stack]
#   SAGUARO_KAFKA_PORT             broker listener on 127.0.0.1 [9092]
#   SAGUARO_KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1 [9093]
#   SAGUARO_KAFKA_HEAP_OPTS        JVM heap of the broker [-Xms256m -Xmx512m]
#   SAGUARO_POSTGRES_PORT          PostgreSQL on 127.0.0.1 [15432]
#   SAGUARO_POSTGRES_DB, SAGUARO_POSTGRES_USER, SAGUARO_POSTGRES_PASSWORD  [saguaro each]
#   SAGUARO_STACK_POSTGRES         embedded (zonky binaries from Maven) or system (this machine's
#                                  PostgreSQL binaries, a separate cluster under the stack
#                                  directory; the machine's own cluster is not touched) [embedded]
#   SAGUARO_POSTGRES_BIN           bin directory of the system binaries [newest /usr/lib/postgresql/*/bin]
#   JAVA_HOME                      JDK 17 or newer used to run both servers [java on PATH]
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS_SOURCE="$DEPLOY_DIR/tools/src/main/java/dev/saguaro/tools/stack/EmbeddedPostgresLauncher.java"
STACK_POM="$DEPLOY_DIR/stack/pom.xml"

STACK_DIR="${SAGUARO_STACK_DIR:-$DEPLOY_DIR/.stack}"
KAFKA_PORT="${SAGUARO_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${SAGUARO_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${SAGUARO_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
POSTGRES_PORT="${SAGUARO_POSTGRES_PORT:-15432}"
POSTGRES_DB="${SAGUARO_POSTGRES_DB:-saguaro}"
POSTGRES_USER="${SAGUARO_POSTGRES_USER:-saguaro}"
POSTGRES_PASSWORD="${SAGUARO_POSTGRES_PASSWORD:-saguaro}"
POSTGRES_MODE="${SAGUARO_STACK_POSTGRES:-embedded}"

READY_TIMEOUT_SECONDS=90
STOP_TIMEOUT_SECONDS=45

if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
  JAVAC="$JAVA_HOME/bin/javac"
else
  JAVA="java"
  JAVAC="javac"
fi

log() { printf '%s\n' "$*"; }
fail() {
  printf 'stack.sh: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Process helpers. A pid counts as the stack's only while its command line names the stack
# directory, so a stale pid file never leads to signalling an unrelated process that reused the pid.

pid_from_file() {
  local file="$1"
  [[ -s "$file" ]] && tr -dc '0-9' <"$file" || true
}

is_stack_process() {
  local pid="$1"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$STACK_DIR"
}

wait_for_exit() {
  local pid="$1" seconds="$2" waited=0
  while kill -0 "$pid" 2>/dev/null; do
    ((waited >= seconds * 10)) && return 1
    sleep 0.1
    waited=$((waited + 1))
  done
  return 0
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

check_port_free() {
  local port="$1" setting="$2"
  if port_open "$port"; then
    fail "port $port on 127.0.0.1 is already in use by another program; stop it or choose another port with $setting"
  fi
}

# Starts a command in its own session (so Ctrl-C in this terminal does not reach it), with
# output appended to a log file and its pid written by the process itself.
launch_daemon() {
  local pid_file="$1" log_file="$2"
  shift 2
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" "$@" >>"$log_file" 2>&1 </dev/null &
  local waited=0
  until [[ -s "$pid_file" ]]; do
    ((waited >= 50)) && fail "could not start $* (no pid written to $pid_file)"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# ---------------------------------------------------------------------------------------------
# Jars and the PostgreSQL launcher, fetched and compiled once per stack directory.

fetch_jars() {
  local profile="$1"
  local target="$STACK_DIR/lib/$profile"
  local stamp
  stamp="$(sha256sum "$STACK_POM" | cut -d' ' -f1)"
  if [[ -f "$target/.fetched" && "$(cat "$target/.fetched")" == "$stamp" ]]; then
    return
  fi
  command -v mvn >/dev/null || fail "Maven (mvn) is needed once to fetch the $profile jars into $target"
  log "Fetching the $profile jars into $target (first start only) ..."
  rm -rf "$target"
  mkdir -p "$target"
  if ! mvn -q -B -f "$STACK_POM" -P "$profile" dependency:copy-dependencies \
    -DoutputDirectory="$target" >>"$STACK_DIR/logs/fetch.log" 2>&1; then
    fail "fetching the $profile jars failed; see $STACK_DIR/logs/fetch.log"
  fi
  echo "$stamp" >"$target/.fetched"
}

compile_launcher() {
  local classes="$STACK_DIR/lib/launcher"
  local class_file="$classes/dev/saguaro/tools/stack/EmbeddedPostgresLauncher.class"
  if [[ -f "$class_file" && "$class_file" -nt "$TOOLS_SOURCE" ]]; then
    return
  fi
  command -v "$JAVAC" >/dev/null || fail "javac not found: a JDK 17 or newer is needed (set JAVA_HOME)"
  rm -rf "$classes"
  mkdir -p "$classes"
  "$JAVAC" --release 17 -d "$classes" -cp "$STACK_DIR/lib/postgres/*" "$TOOLS_SOURCE" ||
    fail "compiling $TOOLS_SOURCE failed"
}

# ---------------------------------------------------------------------------------------------
# Kafka

KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_PID_FILE="$STACK_DIR/run/kafka.pid"
KAFKA_LOG="$STACK_DIR/logs/kafka.log"

write_kafka_config() {
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by deploy/stack.sh on every start; edit the script or its settings instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
auto.create.topics.enable=true
# One broker: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# The JVM command of the broker and the Kafka tools; slf4j-simple writes to stderr.
kafka_jvm() {
  local heap_options
  read -r -a heap_options <<<"$KAFKA_HEAP_OPTS"
  KAFKA_JVM=("$JAVA" "${heap_options[@]}" -XX:+UseG1GC -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.showDateTime=true
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
    -cp "$STACK_DIR/lib/kafka/*")
}

kafka_java() {
  kafka_jvm
  "${KAFKA_JVM[@]}" "$@"
}

start_kafka() {
  local pid
  pid="$(pid_from_file "$KAFKA_PID_FILE")"
  if is_stack_process "$pid"; then
    log "Kafka already running (pid $pid)"
    return
  fi
  check_port_free "$KAFKA_PORT" SAGUARO_KAFKA_PORT
  check_port_free "$CONTROLLER_PORT" SAGUARO_KAFKA_CONTROLLER_PORT
  mkdir -p "$KAFKA_DIR/data"
  write_kafka_config

  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG" | tail -1)"
    log "Formatting a new Kafka log directory (cluster id $cluster_id)"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      >>"$KAFKA_LOG" 2>&1 || fail "formatting $KAFKA_DIR/data failed; see $KAFKA_LOG"
  fi

  KAFKA_LOG_OFFSET="$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)"
  kafka_jvm
  launch_daemon "$KAFKA_PID_FILE" "$KAFKA_LOG" "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
}

# Ready when the broker has logged its start since this launch and its port accepts connections.
# The port alone is not enough, because it may open before the broker registers with the controller.
kafka_ready() {
  # grep -q would exit at the first match and make tail fail with SIGPIPE under pipefail.
  tail -c +"$((KAFKA_LOG_OFFSET + 1))" "$KAFKA_LOG" | grep "Kafka Server started" >/dev/null &&
    port_open "$KAFKA_PORT"
}

stop_kafka() {
  local pid
  pid="$(pid_from_file "$KAFKA_PID_FILE")"
  if ! is_stack_process "$pid"; then
    rm -f "$KAFKA_PID_FILE"
    log "Kafka is not running"
    return
  fi
  log "Stopping Kafka (pid $pid) ..."
  kill -TERM "$pid"
  if ! wait_for_exit "$pid" "$STOP_TIMEOUT_SECONDS"; then
    log "Kafka did not stop within $STOP_TIMEOUT_SECONDS s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 10 || true
  fi
  rm -f "$KAFKA_PID_FILE"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: embedded (Java launcher around the zonky binaries) or system binaries.

POSTGRES_PID_FILE="$STACK_DIR/run/postgres.pid"
POSTGRES_READY_FILE="$STACK_DIR/run/postgres.ready"
POSTGRES_LOG="$STACK_DIR/logs/postgres.log"

postgres_data_dir() {
  if [[ "$POSTGRES_MODE" == "system" ]]; then
    echo "$STACK_DIR/postgres/system-data"
  else
    echo "$STACK_DIR/postgres/data"
  fi
}

system_bin_dir() {
  if [[ -n "${SAGUARO_POSTGRES_BIN:-}" ]]; then
    echo "$SAGUARO_POSTGRES_BIN"
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [[ -n "$newest" ]] || fail "no PostgreSQL binaries under /usr/lib/postgresql; set SAGUARO_POSTGRES_BIN or use SAGUARO_STACK_POSTGRES=embedded"
  echo "$newest"
}

# PostgreSQL's server binaries exit when started as root, so as root they run as the postgres user.
as_postgres_user() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postmaster_pid() {
  local file
  file="$(postgres_data_dir)/postmaster.pid"
  [[ -f "$file" ]] && head -1 "$file" | tr -dc '0-9' || true
}

start_postgres() {
  case "$POSTGRES_MODE" in
    embedded) start_embedded_postgres ;;
    system) start_system_postgres ;;
    *) fail "invalid SAGUARO_STACK_POSTGRES=$POSTGRES_MODE: expected embedded or system" ;;
  esac
}

start_embedded_postgres() {
  local pid
  pid="$(pid_from_file "$POSTGRES_PID_FILE")"
  if is_stack_process "$pid"; then
    log "PostgreSQL already running (launcher pid $pid)"
    return
  fi
  check_port_free "$POSTGRES_PORT" SAGUARO_POSTGRES_PORT
  rm -f "$POSTGRES_READY_FILE"
  SAGUARO_POSTGRES_PASSWORD="$POSTGRES_PASSWORD" launch_daemon "$POSTGRES_PID_FILE" "$POSTGRES_LOG" \
    "$JAVA" -Xmx128m -Djava.awt.headless=true \
    '-Djava.util.logging.SimpleFormatter.format=%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n' \
    -Dorg.slf4j.simpleLogger.showDateTime=true \
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX" \
    -cp "$STACK_DIR/lib/launcher:$STACK_DIR/lib/postgres/*" \
    dev.saguaro.tools.stack.EmbeddedPostgresLauncher \
    --data-directory "$STACK_DIR/postgres/data" \
    --binaries-directory "$STACK_DIR/postgres/binaries" \
    --port "$POSTGRES_PORT" --database "$POSTGRES_DB" --user "$POSTGRES_USER" \
    --ready-file "$POSTGRES_READY_FILE"
}

write_client_authentication() {
  cat >"$1/pg_hba.conf" <<'EOF'
# Written by deploy/stack.sh on every start; edits are overwritten.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       postgres  127.0.0.1/32   trust
host    all       postgres  ::1/128        trust
host    all       all       127.0.0.1/32   scram-sha-256
host    all       all       ::1/128        scram-sha-256
EOF
}

start_system_postgres() {
  local bin data pid
  bin="$(system_bin_dir)"
  data="$(postgres_data_dir)"
  pid="$(postmaster_pid)"
  if is_stack_process "$pid"; then
    log "PostgreSQL already running (postmaster pid $pid)"
    return
  fi
  check_port_free "$POSTGRES_PORT" SAGUARO_POSTGRES_PORT
  rm -f "$POSTGRES_READY_FILE"
  touch "$POSTGRES_LOG"
  if [[ "$(id -u)" == 0 ]]; then
    mkdir -p "$data"
    chown postgres "$data" "$POSTGRES_LOG"
    chmod 700 "$data"
  fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "Initializing a new PostgreSQL cluster in $data with $bin"
    as_postgres_user "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C \
      >>"$POSTGRES_LOG" 2>&1 || fail "initdb failed; see $POSTGRES_LOG"
  fi
  write_client_authentication "$data"
  [[ "$(id -u)" == 0 ]] && chown postgres "$data/pg_hba.conf"
  as_postgres_user "$bin/pg_ctl" -D "$data" -l "$POSTGRES_LOG" -w -t "$READY_TIMEOUT_SECONDS" \
    -o "-p $POSTGRES_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start \
    >/dev/null || fail "PostgreSQL did not start; see $POSTGRES_LOG"
  postmaster_pid >"$POSTGRES_PID_FILE"

  local psql=(as_postgres_user "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres)
  local password_sql="${POSTGRES_PASSWORD//\'/\'\'}"
  "${psql[@]}" -v user="$POSTGRES_USER" -v db="$POSTGRES_DB" >>"$POSTGRES_LOG" 2>&1 <<EOF || fail "creating role $POSTGRES_USER and database $POSTGRES_DB failed; see $POSTGRES_LOG"
SELECT format('CREATE ROLE %I LOGIN', :'user')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'user', '$password_sql') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
EOF
  echo "jdbc:postgresql://127.0.0.1:$POSTGRES_PORT" >"$POSTGRES_READY_FILE"
}

postgres_ready() {
  [[ -f "$POSTGRES_READY_FILE" ]]
}

stop_postgres() {
  local pid postmaster
  if [[ "$POSTGRES_MODE" == "system" ]]; then
    postmaster="$(postmaster_pid)"
    if is_stack_process "$postmaster"; then
      log "Stopping PostgreSQL (postmaster pid $postmaster) ..."
      as_postgres_user "$(system_bin_dir)/pg_ctl" -D "$(postgres_data_dir)" -m fast -w \
        -t "$STOP_TIMEOUT_SECONDS" stop >/dev/null || true
    else
      log "PostgreSQL is not running"
    fi
    rm -f "$POSTGRES_PID_FILE" "$POSTGRES_READY_FILE"
    return
  fi

  pid="$(pid_from_file "$POSTGRES_PID_FILE")"
  if is_stack_process "$pid"; then
    log "Stopping PostgreSQL (launcher pid $pid) ..."
    kill -TERM "$pid"
    if ! wait_for_exit "$pid" "$STOP_TIMEOUT_SECONDS"; then
      log "The PostgreSQL launcher did not stop within $STOP_TIMEOUT_SECONDS s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      wait_for_exit "$pid" 10 || true
    fi
  else
    log "PostgreSQL launcher is not running"
  fi

  # A launcher killed with SIGKILL leaves the server behind. SIGINT is PostgreSQL's fast shutdown.
  postmaster="$(postmaster_pid)"
  if is_stack_process "$postmaster"; then
    log "Stopping the PostgreSQL server left without its launcher (pid $postmaster) ..."
    kill -INT "$postmaster"
    wait_for_exit "$postmaster" "$STOP_TIMEOUT_SECONDS" ||
      log "PostgreSQL (pid $postmaster) did not stop within $STOP_TIMEOUT_SECONDS s"
  fi
  rm -f "$POSTGRES_PID_FILE" "$POSTGRES_READY_FILE"
}

# ---------------------------------------------------------------------------------------------
# Commands

prepare_directories() {
  mkdir -p "$STACK_DIR/logs" "$STACK_DIR/run" "$KAFKA_DIR" "$STACK_DIR/postgres"
  # Absolute and without symlinks, because process command lines are matched against it.
  STACK_DIR="$(cd "$STACK_DIR" && pwd -P)"
  KAFKA_DIR="$STACK_DIR/kafka"
  KAFKA_PID_FILE="$STACK_DIR/run/kafka.pid"
  KAFKA_LOG="$STACK_DIR/logs/kafka.log"
  POSTGRES_PID_FILE="$STACK_DIR/run/postgres.pid"
  POSTGRES_READY_FILE="$STACK_DIR/run/postgres.ready"
  POSTGRES_LOG="$STACK_DIR/logs/postgres.log"
}

# Checks the ports of the servers that are not running yet, so that a start fails before it
# launches anything instead of leaving one server up.
check_ports_before_start() {
  if ! is_stack_process "$(pid_from_file "$KAFKA_PID_FILE")"; then
    check_port_free "$KAFKA_PORT" SAGUARO_KAFKA_PORT
    check_port_free "$CONTROLLER_PORT" SAGUARO_KAFKA_CONTROLLER_PORT
  fi
  if ! is_stack_process "$(postmaster_pid)" &&
    ! is_stack_process "$(pid_from_file "$POSTGRES_PID_FILE")"; then
    check_port_free "$POSTGRES_PORT" SAGUARO_POSTGRES_PORT
  fi
}

# Stops both servers, so that a failed start leaves nothing running, then fails with the reason.
abort_start() {
  log "Start failed: $1"
  stop_kafka
  stop_postgres
  fail "$1"
}

command_start() {
  command -v "$JAVA" >/dev/null || fail "java not found: a JDK 17 or newer is needed (set JAVA_HOME)"
  prepare_directories
  fetch_jars kafka
  if [[ "$POSTGRES_MODE" == "embedded" ]]; then
    fetch_jars postgres
    compile_launcher
  fi

  local started_at=$SECONDS
  log "Starting the local stack in $STACK_DIR ..."
  check_ports_before_start
  start_kafka
  start_postgres

  local kafka_pid postgres_pid waited=0
  kafka_pid="$(pid_from_file "$KAFKA_PID_FILE")"
  postgres_pid="$(pid_from_file "$POSTGRES_PID_FILE")"
  KAFKA_LOG_OFFSET="${KAFKA_LOG_OFFSET:-0}"
  until kafka_ready && postgres_ready; do
    is_stack_process "$kafka_pid" || abort_start "Kafka exited during start; see $KAFKA_LOG"
    is_stack_process "$postgres_pid" ||
      abort_start "PostgreSQL exited during start; see $POSTGRES_LOG"
    ((waited >= READY_TIMEOUT_SECONDS * 5)) &&
      abort_start "timed out after $READY_TIMEOUT_SECONDS s waiting for Kafka and PostgreSQL; see $KAFKA_LOG and $POSTGRES_LOG"
    sleep 0.2
    waited=$((waited + 1))
  done
  create_compacted_topics
  log "Local stack ready in $((SECONDS - started_at)) s"
  command_status
}

# The model-version topic must be compacted so that a replica starting late still finds the
# current version of every model. Auto-creation would make it a plain topic, so create it here.
# The other topics are auto-created on first use with the broker's defaults.
create_compacted_topics() {
  command_kafka_topics --create --if-not-exists --topic saguaro.model-versions \
    --partitions 1 --replication-factor 1 --config cleanup.policy=compact \
    >>"$KAFKA_LOG" 2>&1 || fail "creating the topic saguaro.model-versions failed; see $KAFKA_LOG"
}

command_stop() {
  prepare_directories
  stop_kafka
  stop_postgres

  local leftovers
  leftovers="$(ps -eo pid=,args= | grep -F -- "$STACK_DIR" | grep -v -e "grep -F" -e "stack.sh" || true)"
  if [[ -n "$leftovers" ]]; then
    log "These processes of the stack are still running:"
    log "$leftovers"
    exit 1
  fi
  log "Local stack stopped; data kept in $STACK_DIR"
}

command_status() {
  prepare_directories
  local status=0 pid postmaster

  pid="$(pid_from_file "$KAFKA_PID_FILE")"
  if is_stack_process "$pid"; then
    log "Kafka       running  pid $pid, bootstrap 127.0.0.1:$KAFKA_PORT, controller 127.0.0.1:$CONTROLLER_PORT"
  else
    log "Kafka       stopped"
    status=3
  fi
  log "            data $KAFKA_DIR/data, log $KAFKA_LOG"

  postmaster="$(postmaster_pid)"
  if is_stack_process "$postmaster" && postgres_ready; then
    log "PostgreSQL  running  pid $postmaster ($POSTGRES_MODE), jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/$POSTGRES_DB user $POSTGRES_USER"
  else
    log "PostgreSQL  stopped ($POSTGRES_MODE)"
    status=3
  fi
  log "            data $(postgres_data_dir), log $POSTGRES_LOG"
  if [[ "$POSTGRES_MODE" == "embedded" ]] && is_stack_process "$postmaster" &&
    ! is_stack_process "$(pid_from_file "$POSTGRES_PID_FILE")"; then
    log "            its launcher is gone, so nothing stops it on SIGTERM: run stop, then start"
    status=1
  fi

  if ((status == 0)); then
    log ""
    log "Services use these by default; to be explicit:"
    log "  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
    log "  export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$POSTGRES_PORT/$POSTGRES_DB"
    log "  export QUARKUS_DATASOURCE_USERNAME=$POSTGRES_USER QUARKUS_DATASOURCE_PASSWORD=<SAGUARO_POSTGRES_PASSWORD, default saguaro>"
  fi
  return "$status"
}

command_kafka_topics() {
  prepare_directories
  [[ -d "$STACK_DIR/lib/kafka" ]] || fail "Kafka jars missing: run deploy/stack.sh start first"
  "$JAVA" -cp "$STACK_DIR/lib/kafka/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
}

command_psql() {
  prepare_directories
  local psql
  psql="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1 || true)"
  [[ -n "$psql" ]] || fail "psql not found: install a PostgreSQL client or connect with any JDBC tool"
  PGPASSWORD="$POSTGRES_PASSWORD" "$psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$POSTGRES_USER" \
    -d "$POSTGRES_DB" "$@"
}

case "${1:-}" in
  start) command_start ;;
  stop) command_stop ;;
  restart)
    command_stop
    command_start
    ;;
  status) command_status ;;
  kafka-topics)
    shift
    command_kafka_topics "$@"
    ;;
  psql)
    shift
    command_psql "$@"
    ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
    [[ "${1:-}" =~ ^(-h|--help|help)$ ]] || exit 2
    ;;
esac
