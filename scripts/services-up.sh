#!/usr/bin/env bash
# Brings up what Darkroom needs on a machine without Docker: reuses the PostgreSQL and Redis
# already installed (starting them if they are stopped) and starts Ceph RGW as the S3 server.
# Safe to rerun: anything already answering is left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/darkroom.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }
fi

bash "$here/s3-server.sh"
echo "services up: postgres 127.0.0.1:5432, redis 127.0.0.1:6379, s3 ${S3_ENDPOINT:-http://127.0.0.1:7480}"

# jemalloc for the worker (apps/worker/bin/start.sh falls back to MALLOC_ARENA_MAX=2 without it).
ls /usr/lib/*/libjemalloc.so.2 >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc2 >/dev/null) \
  || echo "could not install libjemalloc2: the worker runs on glibc with MALLOC_ARENA_MAX=2" >&2

# Debian's ffmpeg/ffprobe: packages/media probes, makes posters and transcodes video with them (no npm
# binary downloads). Without them every video fails, and the video tests in packages/media/src/video fail.
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null \
  || (echo "installing ffmpeg" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null) \
  || echo "could not install ffmpeg (apt-get as root): videos can't be processed and the video tests will fail" >&2

# Headless Chromium for the admin console's browser test (test/admin-page.test.ts): Debian's
# package, driven by playwright-core, which downloads no browser of its own.
command -v chromium >/dev/null || (echo "installing chromium" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
  || echo "could not install chromium (apt-get as root): test/admin-page.test.ts will fail" >&2
