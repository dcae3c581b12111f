#!/usr/bin/env bash
# Installs (Debian package) and starts nats-server with JetStream on 127.0.0.1. Idempotent.
source "$(dirname "$0")/lib.sh"

NATS_PORT="${PRISM_NATS_PORT:-4222}"
dir="$PRISM_STATE/nats"
mkdir -p "$dir/jetstream"
# deploy/nats's config; its auth.conf only until `prism partners issue-credential` writes ours.
cp "$PRISM_ROOT/deploy/nats/nats.conf" "$dir/nats.conf"
[ -f "$dir/auth.conf" ] || cp "$PRISM_ROOT/deploy/nats/auth.conf" "$dir/auth.conf"

if port_open 127.0.0.1 "$NATS_PORT"; then
  say "NATS already up on 127.0.0.1:$NATS_PORT"
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if ! tr '\0' ' ' 2>/dev/null <"/proc/${pid:-0}/cmdline" | grep -q -- "-c $dir/nats.conf"; then
    say "it was not started with $dir/nats.conf, so partner credentials do not apply;" \
      "to restart it: bash deploy/local/down.sh nats && bash deploy/local/up.sh"
  fi
else
  if ! command -v nats-server >/dev/null; then
    say "installing nats-server from Debian's packages"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  fi
  start_daemon nats-server "$dir/pid" "$dir/nats.log" \
    env PRISM_NATS_STORE_DIR="$dir/jetstream" \
    nats-server -c "$dir/nats.conf" -a 127.0.0.1 -p "$NATS_PORT" -m "$((NATS_PORT + 4000))"
  echo "NATS_STARTED=1"
  wait_port 127.0.0.1 "$NATS_PORT" 20 nats-server "$dir/nats.log"
fi
echo "NATS_URL=nats://127.0.0.1:$NATS_PORT"
