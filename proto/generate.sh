#!/bin/sh
# TypeScript (ts-proto, for @grpc/grpc-js) and the descriptor set served by reflection.
# Runs on install (postinstall) so proto/gen/ is never committed.
set -e
cd "$(dirname "$0")"
PATH="$PWD/node_modules/.bin:$PATH"
buf generate --path prism --path google/rpc
buf build -o gen/descriptors.binpb
