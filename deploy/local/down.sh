#!/usr/bin/env bash
# Stops the servers up.sh started (data stays under .prism/ for the next run).
source "$(dirname "$0")/lib.sh"
# With arguments (nats, ferretdb) only those; without, both.
for server in "${@:-ferretdb nats}"; do
  for name in $server; do
    case "$name" in
      nats) stop_daemon nats-server "$PRISM_STATE/nats/pid" ;;
      ferretdb) stop_daemon ferretdb "$PRISM_STATE/ferretdb/pid" ;;
      *) say "unknown server $name (nats or ferretdb)"; exit 2 ;;
    esac
  done
done
