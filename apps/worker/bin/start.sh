#!/bin/sh
# Starts the worker (`npm run start:worker`, the Docker image) under the allocator and V8 settings of
# every process that renders with libvips (packages/media/bin/node-for-libvips.sh).
set -eu
here=$(dirname "$0")
exec sh "$here/../../../packages/media/bin/node-for-libvips.sh" "$here/../dist/main.js" "$@"
