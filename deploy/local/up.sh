#!/usr/bin/env bash
# Provides NATS (JetStream) and a Mongo-wire server on 127.0.0.1 and prints their URLs
# as KEY=VALUE lines on stdout (progress goes to stderr).
set -euo pipefail
here="$(dirname "$0")"
bash "$here/nats.sh"
bash "$here/ferretdb.sh"
