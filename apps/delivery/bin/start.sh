#!/bin/sh
# Starts the delivery server (`npm run start:delivery`, the Docker image) under the allocator and V8
# settings of every process that renders with libvips (packages/media/bin/node-for-libvips.sh): with
# glibc's allocator a burst of renders left it far above its memory goal.
set -eu
here=$(dirname "$0")
exec sh "$here/../../../packages/media/bin/node-for-libvips.sh" "$here/../dist/main.js" "$@"
