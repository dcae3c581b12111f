#!/usr/bin/env bash
# Stops the servers up.sh started (data stays under .prism/ for the next run).
source "$(dirname "$0")/lib.sh"
stop_daemon ferretdb "$PRISM_STATE/ferretdb/pid"
stop_daemon nats-server "$PRISM_STATE/nats/pid"
