#!/usr/bin/env bash
# Builds (once, cached) and starts our FerretDB 1.24 launcher with the SQLite backend
# on 127.0.0.1. Idempotent: a second run finds it up or starts the cached binary.
source "$(dirname "$0")/lib.sh"

MONGO_PORT="${PRISM_MONGO_PORT:-27017}"
src="$PRISM_ROOT/deploy/local/ferretdb"
dir="$PRISM_STATE/ferretdb"
mkdir -p "$dir/data"

# The cache key is the launcher's source and our patches, so a change to either rebuilds.
key=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$src"/patches/*.patch | sha256sum | cut -c1-16)
bin="$PRISM_CACHE/prism-ferretdb-$key"

# build_launcher BIN: FerretDB's module with patches/ applied (git apply), then the launcher.
# Why patched: FerretDB 1.24's SQLite backend looks `_id` up with an expression its own `_id`
# index does not match, so every find/update/delete by `_id` scanned the whole collection.
build_launcher() {
  local out=$1 work module
  work=$(mktemp -d)
  cp "$src/go.mod" "$src/go.sum" "$src/main.go" "$work/"
  module=$(cd "$work" && go mod download -json github.com/FerretDB/FerretDB | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$module" "$work/ferretdb" && chmod -R u+w "$work/ferretdb"
  for patch in "$src"/patches/*.patch; do (cd "$work/ferretdb" && git apply -p1 "$patch"); done
  (cd "$work" && go mod edit -replace github.com/FerretDB/FerretDB=./ferretdb \
    && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" . && mv "$out.tmp" "$out")
  rm -rf "$work"
}

if port_open 127.0.0.1 "$MONGO_PORT"; then
  say "Mongo-wire server already up on 127.0.0.1:$MONGO_PORT"
else
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || { say "Go is needed once to build the FerretDB launcher"; exit 1; }
    say "building FerretDB launcher through the Go module proxy (first run only, a few minutes)"
    build_launcher "$bin"
  fi
  start_daemon ferretdb "$dir/pid" "$dir/ferretdb.log" \
    "$bin" -listen "127.0.0.1:$MONGO_PORT" -data "$dir/data"
  echo "MONGO_STARTED=1"
  wait_port 127.0.0.1 "$MONGO_PORT" 30 ferretdb "$dir/ferretdb.log"
fi
echo "MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/"
