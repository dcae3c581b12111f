# Shared helpers for the local infrastructure scripts (sourced, not run).
set -euo pipefail

PRISM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PRISM_STATE="${PRISM_STATE_DIR:-$PRISM_ROOT/.prism}"
PRISM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/prism"
mkdir -p "$PRISM_STATE" "$PRISM_CACHE"

say() { printf '[prism-infra] %s\n' "$*" >&2; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_port HOST PORT SECONDS NAME LOG: waits for a server to accept connections.
wait_port() {
  local host=$1 port=$2 secs=$3 name=$4 log=$5 i
  for ((i = 0; i < secs * 10; i++)); do
    port_open "$host" "$port" && return 0
    sleep 0.1
  done
  say "$name did not start on $host:$port within ${secs}s; last log lines:"
  tail -n 20 "$log" >&2 || true
  return 1
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# start_daemon NAME PIDFILE LOG CMD...: runs CMD detached from this shell's session.
start_daemon() {
  local name=$1 pidfile=$2 log=$3
  shift 3
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  say "started $name (pid $(cat "$pidfile")), log: $log"
}

stop_daemon() {
  local name=$1 pidfile=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped $name"
  fi
  rm -f "$pidfile"
}
