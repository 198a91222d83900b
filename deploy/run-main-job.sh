#!/usr/bin/env bash
# Runs the main job on real images. It builds the services, starts the local stack and the three
# services, uploads Fashion-MNIST, lets automatic retraining train and serve a model and scores the
# held-out test images. Then it shows a second automatic run replacing the model under traffic.
#
#   deploy/run-main-job.sh                       # defaults: about 4-5 minutes on 2 CPU cores
#   deploy/run-main-job.sh --task ten_class      # all ten classes instead of has_footwear
#   deploy/run-main-job.sh --full-recipe --images 17500
#   deploy/run-main-job.sh --full-dataset --full-recipe
#   deploy/run-main-job.sh --help                # every option of the job
#   deploy/run-main-job.sh --stop                # stops the services and the local stack
#
# Options of this script itself: --skip-build (use the jars as they are), --rebuild (build even
# when nothing changed). Every other argument goes to dev.saguaro.tools.mainjob.MainJobCommand.
# The services keep running after the job, with logs and pid files under the stack directory
# (SAGUARO_STACK_DIR, default deploy/.stack).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${SAGUARO_STACK_DIR:-$ROOT_DIR/deploy/.stack}"
TOOLS_DIR="$ROOT_DIR/deploy/tools"
FASHION_DIR="/usr/share/datasets/fashion-mnist"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUTPUTS=(
  "$ROOT_DIR/ingest-service/target/quarkus-app/quarkus-run.jar"
  "$ROOT_DIR/trainer-service/target/quarkus-app/quarkus-run.jar"
  "$ROOT_DIR/inference-service/target/quarkus-app/quarkus-run.jar"
  "$TOOLS_DIR/target/classpath.txt"
)

log() { echo "run-main-job: $*" >&2; }
fail() {
  log "$*"
  exit 1
}

build_mode=auto
stop_only=false
help_only=false
job_args=()
for argument in "$@"; do
  case "$argument" in
    --skip-build) build_mode=skip ;;
    --rebuild) build_mode=always ;;
    --stop) stop_only=true ;;
    -h | --help)
      help_only=true
      job_args+=("$argument")
      ;;
    *) job_args+=("$argument") ;;
  esac
done

# The stack's settings (see deploy/stack.sh) become the job's defaults; later arguments win.
run_job_command() {
  "$JAVA" -Djava.awt.headless=true -cp "$TOOLS_DIR/target/classes:$(cat "$TOOLS_DIR/target/classpath.txt")" \
    dev.saguaro.tools.mainjob.MainJobCommand --repository "$ROOT_DIR" --state-dir "$STACK_DIR" \
    --kafka "127.0.0.1:${SAGUARO_KAFKA_PORT:-9092}" \
    --jdbc-url "jdbc:postgresql://127.0.0.1:${SAGUARO_POSTGRES_PORT:-15432}/${SAGUARO_POSTGRES_DB:-saguaro}" \
    --jdbc-username "${SAGUARO_POSTGRES_USER:-saguaro}" \
    --jdbc-password "${SAGUARO_POSTGRES_PASSWORD:-saguaro}" "$@"
}

if [[ "$stop_only" == true ]]; then
  if [[ -f "$TOOLS_DIR/target/classpath.txt" ]]; then
    run_job_command --stop || log "stopping the services failed; see the pid files in $STACK_DIR/run"
  fi
  SAGUARO_STACK_DIR="$STACK_DIR" "$ROOT_DIR/deploy/stack.sh" stop
  exit 0
fi

command -v "$JAVA" >/dev/null || fail "java not found: install a JDK 17 or newer, or set JAVA_HOME"
command -v mvn >/dev/null || fail "mvn not found: install Maven 3.8 or newer"
# Builds when an output is missing or a source file or pom is newer than the oldest output.
needs_build() {
  local output oldest=""
  for output in "${OUTPUTS[@]}"; do
    [[ -f "$output" ]] || return 0
    if [[ -z "$oldest" || "$output" -ot "$oldest" ]]; then
      oldest="$output"
    fi
  done
  [[ -n "$(find "$ROOT_DIR/pom.xml" "$ROOT_DIR"/contracts "$ROOT_DIR"/*-service "$TOOLS_DIR" \
    \( -path '*/target' -prune \) -o \( -type f \( -path '*/src/main/*' -o -name pom.xml \) \
    -newer "$oldest" -print \) 2>/dev/null | head -1)" ]]
}

if [[ "$build_mode" == always ]] || { [[ "$build_mode" == auto ]] && needs_build; }; then
  log "Building the services and deploy/tools (mvn -DskipTests package; a few minutes the first time) ..."
  # Maven 3.8 ends a quiet build with bare ANSI reset codes, even in batch mode: drop them.
  (cd "$ROOT_DIR" && mvn -q -B -DskipTests -Dspotless.check.skip=true package) 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g' ||
    fail "the build failed; run 'mvn -DskipTests package' in $ROOT_DIR to see why"
fi
for output in "${OUTPUTS[@]}"; do
  [[ -f "$output" ]] || fail "$output is missing after the build; run 'mvn -DskipTests package'"
done

if [[ "$help_only" == true ]]; then
  cat <<HELP
deploy/run-main-job.sh builds the services when their sources changed, starts the local stack
(Kafka and PostgreSQL, see deploy/stack.sh) unless it is running, and then runs the job command
below with the stack's addresses. Options of this script itself:
  --skip-build   use the jars as they are
  --rebuild      build even when nothing changed
  --stop         stop the services that an earlier run started and the local stack, keeping data
Environment: SAGUARO_STACK_DIR (data, logs and pid files; default deploy/.stack) and the stack's
settings listed by 'deploy/stack.sh --help'.

Options of the job command:
HELP
  run_job_command "${job_args[@]}"
  exit 0
fi

# Debian's dataset-fashion-mnist package contains the images. As root, install it when missing.
source_given=false
for argument in ${job_args[@]+"${job_args[@]}"}; do
  if [[ "$argument" == --source || "$argument" == --source=* ]]; then
    source_given=true
  fi
done
if [[ ! -f "$FASHION_DIR/train-images-idx3-ubyte.gz" && "$source_given" == false ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "Installing Debian's dataset-fashion-mnist (Fashion-MNIST in $FASHION_DIR) ..."
    # A fresh image may have empty package lists, so update them once when the first try fails.
    { apt-get install -y -q dataset-fashion-mnist || { apt-get update -qq && apt-get install -y -q dataset-fashion-mnist; }; } >&2 ||
      fail "apt-get install dataset-fashion-mnist failed; install it, or pass --source DIR"
  else
    fail "Fashion-MNIST is not in $FASHION_DIR: install it with 'sudo apt-get install dataset-fashion-mnist', or pass --source DIR"
  fi
fi

# A running stack is reused as it is. NOTE: 'stack.sh start' on a running stack can wait for its
# readiness check until it times out, so it is called only when status reports a server stopped.
if SAGUARO_STACK_DIR="$STACK_DIR" "$ROOT_DIR/deploy/stack.sh" status >/dev/null 2>&1; then
  log "The local stack is already running; reusing it"
else
  log "Starting the local stack (Kafka 127.0.0.1:${SAGUARO_KAFKA_PORT:-9092}, PostgreSQL 127.0.0.1:${SAGUARO_POSTGRES_PORT:-15432}) in $STACK_DIR ..."
  SAGUARO_STACK_DIR="$STACK_DIR" "$ROOT_DIR/deploy/stack.sh" start >&2
fi

run_job_command ${job_args[@]+"${job_args[@]}"}
