#!/usr/bin/env bash
# Builds (once, cached) and starts our FerretDB 1.24 launcher with the SQLite backend
# on 127.0.0.1. Idempotent: a second run finds it up or starts the cached binary.
source "$(dirname "$0")/lib.sh"

MONGO_PORT="${PRISM_MONGO_PORT:-27017}"
src="$PRISM_ROOT/deploy/local/ferretdb"
dir="$PRISM_STATE/ferretdb"
mkdir -p "$dir/data"

# The cache key is the launcher's source, so a change to it rebuilds.
key=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
bin="$PRISM_CACHE/prism-ferretdb-$key"

if port_open 127.0.0.1 "$MONGO_PORT"; then
  say "Mongo-wire server already up on 127.0.0.1:$MONGO_PORT"
else
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || { say "Go is needed once to build the FerretDB launcher"; exit 1; }
    say "building FerretDB launcher through the Go module proxy (first run only, a few minutes)"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
  fi
  start_daemon ferretdb "$dir/pid" "$dir/ferretdb.log" \
    "$bin" -listen "127.0.0.1:$MONGO_PORT" -data "$dir/data"
  echo "MONGO_STARTED=1"
  wait_port 127.0.0.1 "$MONGO_PORT" 30 ferretdb "$dir/ferretdb.log"
fi
echo "MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/"
