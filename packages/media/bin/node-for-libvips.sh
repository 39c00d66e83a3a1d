#!/bin/sh
# Runs a Node script that renders with libvips (the worker and the delivery server: their bin/start.sh)
# with an allocator that hands memory back: glibc's per-thread arenas fragment under libvips, and the
# worker's RSS kept growing job after job (docs/design/worker.md#jemalloc-and-its-purge has the figures). jemalloc (Debian's
# libjemalloc2) is preloaded when installed; without it, glibc is held to two arenas.
# DARKROOM_MALLOC=jemalloc|arenas|glibc picks one explicitly (the bench compares them).
set -eu
mode=${DARKROOM_MALLOC:-jemalloc}
if [ "$mode" = jemalloc ]; then
  mode=arenas
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -f "$lib" ]; then
      export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
      # A background thread hands freed pages back once they have been unused for a few seconds,
      # which lowers the peak and lets RSS fall between jobs. One arena for every thread, so a page
      # one thread frees is the next one another thread takes: with an arena per thread, each job's
      # buffers came from pages handed back since the last one, and faulting them in again made
      # rendering markedly slower (docs/design/worker.md#jemalloc-and-its-purge).
      export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:3000,muzzy_decay_ms:0,narenas:1}"
      mode=jemalloc
      break
    fi
  done
fi
[ "$mode" = arenas ] && export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# V8's young generation held as small as on Node 20: Node 24 lets it grow several times larger, which
# the worker's few JS objects do not need (its pixels live outside V8's heap), and the worker's
# resting RSS rose by as much (docs/design/worker.md#v8s-young-generation). --expose-gc lets a render's
# spent buffers, and a stream's from the bucket, be freed when they die rather than pile up (the
# worker's render/garbage.ts and the storage package's garbage.ts, docs/design/worker.md#garbage-after-a-render).
# Usage: node-for-libvips.sh path/to/main.js [arguments]
exec node --max-semi-space-size=16 --expose-gc "$@"
