#!/bin/sh
# Starts the worker (`npm run start:worker`, the Docker image) with an allocator that hands memory
# back: glibc's per-thread arenas fragment under libvips, and the worker's RSS kept growing job
# after job (see the README's Performance section for the figures). jemalloc (Debian's
# libjemalloc2) is preloaded when installed; without it, glibc is held to two arenas.
# DARKROOM_MALLOC=jemalloc|arenas|glibc picks one explicitly (the bench compares them).
set -eu
mode=${DARKROOM_MALLOC:-jemalloc}
if [ "$mode" = jemalloc ]; then
  mode=arenas
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -f "$lib" ]; then
      export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
      # A background thread hands freed pages back after a second instead of keeping them. Over the
      # bench's 208 jobs with two 100 MP images, same machine: peak RSS 342 MB with jemalloc's
      # defaults, 300 MB with this; RSS from job 104 to 208: 241 → 215 MB, 176 → 168 MB. One arena
      # per core on top (narenas) took the peak to 271–281 MB but let RSS grow 16–20 MB from job
      # 104 to 208, so it is left out. Throughput within the runs' spread either way.
      export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0}"
      mode=jemalloc
      break
    fi
  done
fi
[ "$mode" = arenas ] && export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node "$(dirname "$0")/../dist/main.js" "$@"
