#!/usr/bin/env bash
# A Redis of this CI run's own for the fleet-wide pacing tests (rackspace:rateLimitRedisUrl):
# Debian's redis-server on loopback, no persistence, on the first free port from 6390 up,
# with its pid file and log in a temporary directory of its own. Stopping it kills only this
# run's server (by the pid this script started) and removes that directory, so two CI runs on
# one machine never touch each other's Redis.
#
# Sourced (as .ci/run does):
#   source scripts/ci-redis.sh
#   ci_redis_start    # exports RACKSPACE_TEST_REDIS_URL, CI_REDIS_PID, CI_REDIS_DIR;
#                     # sets an EXIT trap that runs ci_redis_stop
# Run on its own, with a command to run while the server is up (exit status is the command's):
#   bash scripts/ci-redis.sh -- redis-cli -u '$RACKSPACE_TEST_REDIS_URL' ping
#
# Environment: CI_REDIS_FIRST_PORT (default 6390), CI_REDIS_PORTS_TO_TRY (default 50).

ci_redis_log() { printf '== ci-redis: %s\n' "$*" >&2; }

# Our server answers on the port: PING works and INFO names our pid (not another run's server).
ci_redis_is_ours() {
  local port="$1" pid="$2" info
  info="$(redis-cli -h 127.0.0.1 -p "$port" INFO server 2>/dev/null | tr -d '\r')" || return 1
  grep -qx "process_id:$pid" <<<"$info"
}

ci_redis_start() {
  local first="${CI_REDIS_FIRST_PORT:-6390}" tries="${CI_REDIS_PORTS_TO_TRY:-50}" port pid dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/rackspace-ci-redis.XXXXXX")"
  CI_REDIS_DIR="$dir"
  trap ci_redis_stop EXIT
  for ((port = first; port < first + tries; port++)); do
    # In the foreground of a background job: $! is the server itself, whatever the pid file says.
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      --logfile "$dir/redis-$port.log" --pidfile "$dir/redis.pid" >/dev/null 2>&1 &
    pid=$!
    CI_REDIS_PID="$pid"
    for _ in $(seq 1 100); do
      if ! kill -0 "$pid" 2>/dev/null; then break; fi   # exited: most likely the port is taken
      if ci_redis_is_ours "$port" "$pid"; then
        export CI_REDIS_PID CI_REDIS_DIR
        export CI_REDIS_PORT="$port"
        export RACKSPACE_TEST_REDIS_URL="redis://127.0.0.1:$port"
        ci_redis_log "redis-server pid $pid on 127.0.0.1:$port (pid file and log in $dir)"
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      ci_redis_log "redis-server pid $pid did not answer on 127.0.0.1:$port; stopping it"
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    else
      wait "$pid" 2>/dev/null || true
      ci_redis_log "port $port: $(tail -n 1 "$dir/redis-$port.log" 2>/dev/null || echo 'redis-server exited')"
    fi
    CI_REDIS_PID=""
  done
  ci_redis_log "no port in $first..$((first + tries - 1)) could be bound"
  return 1
}

# Kills this run's server only (the pid started above) and removes its directory. Idempotent.
ci_redis_stop() {
  if [[ -n "${CI_REDIS_PID:-}" ]] && kill -0 "$CI_REDIS_PID" 2>/dev/null; then
    kill "$CI_REDIS_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$CI_REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$CI_REDIS_PID" 2>/dev/null || true
    ci_redis_log "stopped redis-server pid $CI_REDIS_PID"
  fi
  CI_REDIS_PID=""
  if [[ -n "${CI_REDIS_DIR:-}" ]]; then rm -rf "$CI_REDIS_DIR"; fi
  CI_REDIS_DIR=""
}

# Run on its own: start, run the command after `--` (through `sh -c`, so it may name
# $RACKSPACE_TEST_REDIS_URL), stop.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  [[ "${1:-}" == "--" ]] && shift
  ci_redis_start
  status=0
  sh -c "$*" || status=$?
  exit "$status"
fi
