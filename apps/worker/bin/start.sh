#!/bin/sh
# Starts the worker (`npm run start:worker`, the Docker image) with an allocator that hands memory
# back: glibc's per-thread arenas fragment under libvips, and the worker's RSS kept growing job
# after job (docs/performance.md#jemalloc-and-its-purge has the figures). jemalloc (Debian's
# libjemalloc2) is preloaded when installed; without it, glibc is held to two arenas.
# DARKROOM_MALLOC=jemalloc|arenas|glibc picks one explicitly (the bench compares them).
set -eu
mode=${DARKROOM_MALLOC:-jemalloc}
if [ "$mode" = jemalloc ]; then
  mode=arenas
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -f "$lib" ]; then
      export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
      # A background thread hands freed pages back after a second instead of keeping them, which
      # lowers the peak and lets RSS fall between jobs. One arena per core on top (narenas) lowered
      # the peak further but let RSS grow from job to job, so it is left out
      # (docs/performance.md#jemalloc-and-its-purge).
      export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0}"
      mode=jemalloc
      break
    fi
  done
fi
[ "$mode" = arenas ] && export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node "$(dirname "$0")/../dist/main.js" "$@"
