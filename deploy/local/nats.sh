#!/usr/bin/env bash
# Installs (Debian package) and starts nats-server with JetStream on 127.0.0.1. Idempotent.
source "$(dirname "$0")/lib.sh"

NATS_PORT="${PRISM_NATS_PORT:-4222}"
dir="$PRISM_STATE/nats"
mkdir -p "$dir/jetstream"

if port_open 127.0.0.1 "$NATS_PORT"; then
  say "NATS already up on 127.0.0.1:$NATS_PORT"
else
  if ! command -v nats-server >/dev/null; then
    say "installing nats-server from Debian's packages"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  fi
  start_daemon nats-server "$dir/pid" "$dir/nats.log" \
    nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$dir/jetstream" -m "$((NATS_PORT + 4000))"
  echo "NATS_STARTED=1"
  wait_port 127.0.0.1 "$NATS_PORT" 20 nats-server "$dir/nats.log"
fi
echo "NATS_URL=nats://127.0.0.1:$NATS_PORT"
