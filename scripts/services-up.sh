#!/usr/bin/env bash
# Brings up what Darkroom's apps run on, on a machine without Docker: reuses the PostgreSQL and
# Redis already running, starts them if they are stopped, installs them from Debian's packages where
# they are missing (so a bare Debian with Node and npm needs only `npm ci && npm run demo`), starts
# Ceph RGW as the S3 server, installs jemalloc and ffmpeg, which the apps run with, and starts a
# private clamd for malware scanning (scripts/clamd.sh). What only
# the tests run (Chromium, pgBackRest, Go, PHP) is scripts/test-tools.sh's: `npm run services:up`
# and `npm test` run both, `npm run demo` this one alone. Safe to rerun: anything already answering
# is left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt-install.sh"

# A cluster this script made for a fresh install: Debian's default asks loopback clients for a
# password, and Darkroom's default DATABASE_URL (postgres@127.0.0.1, as on the dev and CI machines)
# has none. Only loopback is trusted, and only in a cluster this script installed.
trust_loopback() {
  local hba=/etc/postgresql/$1/main/pg_hba.conf
  sed -i -E 's/^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128)[[:space:]]+)[a-z0-9-]+$/\1trust/' "$hba"
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  installed_pg=""
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "installing PostgreSQL"
    apt_install postgresql || { echo "could not install PostgreSQL (apt-get as root)" >&2; exit 1; }
    installed_pg=1
  fi
  # A server package without a cluster (e.g. one dropped by hand): make Debian's default one.
  if [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main >/dev/null
    installed_pg=1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "$installed_pg" ]; then
    trust_loopback "$version"
    # The package may have started the cluster itself: it reads pg_hba.conf again on reload.
    if pg_ctlcluster "$version" main status >/dev/null 2>&1; then pg_ctlcluster "$version" main reload; fi
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "installing Redis"
    apt_install redis-server || { echo "could not install Redis (apt-get as root)" >&2; exit 1; }
  fi
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

# A private clamd with the tests' own signatures (scripts/clamd.sh; Debian's clamav-daemon, installed
# when missing: about 15 s): the demo scans its samples with it and test/moderation/ needs it.
bash "$here/clamd.sh" start \
  || echo "could not start clamd (scripts/clamd.sh): malware scanning can't be tried and the moderation tests will fail" >&2
