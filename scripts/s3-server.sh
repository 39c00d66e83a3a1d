#!/usr/bin/env bash
# Darkroom's S3 server: Ceph's RADOS Gateway (a real S3 implementation that checks signatures,
# presigned URLs, CORS and bucket policies) over one OSD, from Debian's packages. Two stores:
#   memstore (default: dev, tests, CI) one in-memory OSD; a fresh start takes about 15 s.
#   disk     (S3_SERVER_STORE=disk: docker/s3-server.Dockerfile, docker-compose.yml) BlueStore on a
#            file in DIR, small caches; the data survives stop and start, and DIR is never wiped.
#
# Usage: scripts/s3-server.sh [start|run|stop|stop-gateway|status] [DIR] [PORT]
#   start         (default) installs Ceph when missing; exits 0 at once if the port already answers
#                 (and the in-memory store is less than S3_SERVER_FRESH_PERCENT full).
#                 If this dir's mon and OSD are still running (after stop-gateway) only the gateway
#                 is restarted and all buckets are kept. Otherwise memstore makes a new, empty
#                 cluster; disk starts mon, OSD and gateway again on DIR's data (a new cluster only
#                 when DIR is empty).
#   run           start, then stay in the foreground until SIGTERM/SIGINT, which stops everything
#                 cleanly (a container's main process); exits non-zero if a daemon dies.
#   stop          stops this dir's radosgw, ceph-osd and ceph-mon (memstore: the data is gone).
#   stop-gateway  stops only radosgw (an S3 outage that keeps the data); `start` brings it back.
#   status        exits 0 when the gateway answers.
# Settings: S3_SERVER_DIR (/tmp/darkroom-rgw), S3_SERVER_PORT (7480), S3_SERVER_HOST (the address the
# gateway listens on, 127.0.0.1), S3_SERVER_MON_PORT (6789), S3_SERVER_STORE (memstore | disk),
# S3_SERVER_DISK_BYTES (disk: the size of the sparse block file, 20 GiB), S3_ACCESS_KEY_ID /
# S3_SECRET_ACCESS_KEY (darkroom / darkroom-secret: the S3 user's key, set again on every start),
# S3_SERVER_FRESH_PERCENT (85: how full an answering in-memory store may be before `start` makes it anew).
# DIR and PORT arguments win.
set -euo pipefail

COMMAND=${1:-start}
D=${2:-${S3_SERVER_DIR:-/tmp/darkroom-rgw}}
PORT=${3:-${S3_SERVER_PORT:-7480}}
MON_PORT=${S3_SERVER_MON_PORT:-6789}
HOST=${S3_SERVER_HOST:-127.0.0.1}
STORE=${S3_SERVER_STORE:-memstore}
DISK_BYTES=${S3_SERVER_DISK_BYTES:-21474836480}
ACCESS=${S3_ACCESS_KEY_ID:-darkroom}
SECRET=${S3_SECRET_ACCESS_KEY:-darkroom-secret}
CONF="$D/ceph.conf"
export CEPH_CONF="$CONF"
DAEMONS=(radosgw ceph-osd ceph-mon)

# Ceph names pid files after the daemon's id ($name in ceph.conf), not after the program.
pid_file_glob() {
  case "$1" in
    radosgw) echo "client.rgw.*.pid" ;;
    ceph-osd) echo "osd.*.pid" ;;
    ceph-mon) echo "mon.*.pid" ;;
  esac
}

log() { echo "s3-server: $*" >&2; }
die() { log "$*"; exit 1; }

answers() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_ceph() {
  command -v radosgw >/dev/null && command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null && command -v curl >/dev/null && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  log "installing ceph-mon, ceph-osd, radosgw from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq ceph-mon ceph-osd radosgw curl >/dev/null
}

# Pids of one daemon type started from $D: its pid file, plus any process of that name whose command
# line or CEPH_CONF points at $D (covers daemons started without pid files).
pids_of() {
  local name=$1 pid
  {
    for file in "$D"/$(pid_file_glob "$name"); do [ -f "$file" ] && cat "$file"; done
    for pid in $(pgrep -x "$name" 2>/dev/null || true); do
      if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$CONF" ||
        tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "CEPH_CONF=$CONF"; then
        echo "$pid"
      fi
    done
  } | sort -u | while read -r pid; do
    # A stale pid file may name a pid now used by something else.
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && echo "$pid"
  done
  return 0
}

stop_daemon() {
  local name=$1 pids
  pids=$(pids_of "$name")
  [ -z "$pids" ] && return 0
  log "stopping $name ($(echo $pids))"
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 $pids 2>/dev/null || break
    sleep 0.5
  done
  kill -9 $pids 2>/dev/null || true
  rm -f "$D"/$(pid_file_glob "$name")
}

show_logs() {
  for file in "$D"/log/*.log; do
    [ -f "$file" ] || continue
    echo "----- tail of $file" >&2
    tail -n 25 "$file" >&2
  done
}

wait_for_gateway() {
  for _ in $(seq 1 90); do
    answers && return 0
    sleep 1
  done
  show_logs
  die "radosgw did not answer on 127.0.0.1:$PORT within 90 s (logs above, all in $D/log)"
}

# The S3 user holds the key from the environment: created with it, or (a kept disk cluster started
# with another key) given it as well.
ensure_user() {
  local info
  if info=$(radosgw-admin user info --uid=darkroom 2>/dev/null); then
    printf '%s' "$info" | grep -qF "\"secret_key\": \"$SECRET\"" && printf '%s' "$info" | grep -qF "\"access_key\": \"$ACCESS\"" && return 0
    radosgw-admin key create --uid=darkroom --key-type=s3 --access-key="$ACCESS" --secret-key="$SECRET" >/dev/null ||
      die "could not set the S3 user's key (see $D/log/client.admin.log)"
    return 0
  fi
  radosgw-admin user create --uid=darkroom --display-name=darkroom --access-key="$ACCESS" --secret-key="$SECRET" >/dev/null ||
    die "could not create the S3 user (see $D/log/client.admin.log)"
}

# The user first (radosgw-admin works on RADOS directly): once the port answers, the key works, so a
# health check that sees the port (compose's) never lets a client in before its user exists.
start_gateway() {
  ensure_user
  radosgw -c "$CONF" -n client.rgw.a || { show_logs; die "radosgw failed to start"; }
  wait_for_gateway
}

write_conf() {
  cat >"$CONF" <<CONF
[global]
fsid = $1
# v1 spelled out: on any port but 6789 clients would otherwise try msgr v2, which this mon doesn't serve.
mon host = [v1:127.0.0.1:$MON_PORT]
# Fail in a minute, not the default five, when a daemon can't reach the mon.
client mount timeout = 60
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
$(store_conf)
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
log file = $D/log/\$name.log
run dir = $D
pid file = $D/\$name.pid
admin socket = $D/\$name.asok
mon data = $D/mon
osd data = $D/osd
[client.rgw.a]
rgw frontends = beast endpoint=$HOST:$PORT tcp_nodelay=1
CONF
  # tcp_nodelay: otherwise every response with a body waits out a delayed ACK
  # (docs/design/development.md#the-local-s3-server-without-delayed-acks).
}

store_conf() {
  if [ "$STORE" = memstore ]; then
    printf '%s\n' "osd objectstore = memstore" "memstore device bytes = 4294967296"
    # A deleted object's data is freed only when the gateway's collector comes to it, hours later by
    # default: a few large test objects (a stream through /p/ of its own) would fill the memory meanwhile.
    printf '%s\n' "rgw gc obj min wait = 30" "rgw gc processor period = 30"
    return
  fi
  # BlueStore in one sparse file, osd/block. Its caches are sized for a small deployment (Ceph's defaults
  # assume a dedicated disk and 4 GiB of RAM per OSD); one copy of each object, as with memstore.
  cat <<STORE
osd objectstore = bluestore
bluestore block create = true
bluestore block size = $DISK_BYTES
bluestore cache autotune = false
bluestore cache size = 67108864
osd memory target = 536870912
osd max pg log entries = 1000
osd min pg log entries = 100
STORE
}

is_disk_cluster() { [ -f "$CONF" ] && grep -qx 'osd objectstore = bluestore' "$CONF"; }
# A disk cluster whose making finished (the `made` file is written before the gateway first starts,
# so no object can exist without it): its data is kept, whatever store this start asks for. One
# interrupted while being made holds nothing yet and is made again.
holds_disk_data() { is_disk_cluster && [ -f "$D/made" ]; }

# Only ever wipe a dir that is empty or was made by this script, and never a disk cluster.
reset_dir() {
  case "$D" in "" | / | /tmp | /tmp/) die "refusing to use '$D' as the data dir" ;; esac
  if [ -e "$D" ] && [ -n "$(ls -A "$D")" ] && [ ! -f "$CONF" ]; then
    die "$D exists and is not an s3-server data dir; choose another S3_SERVER_DIR"
  fi
  holds_disk_data && die "$D holds a persistent (disk) cluster: never wiped; start it with S3_SERVER_STORE=disk or choose another S3_SERVER_DIR"
  rm -rf "$D"
  mkdir -p "$D/mon" "$D/osd" "$D/log"
}

# A brand-new OSD sometimes asks the mon to register it before it has the cluster's fsid, is
# refused ("wrong fsid") and exits; a second start succeeds.
start_osd() {
  for attempt in 1 2 3 4 5; do
    ceph-osd -c "$CONF" -i 0 2>/dev/null && return 0
    log "ceph-osd start $attempt failed, retrying"
    sleep 1
  done
  show_logs
  die "ceph-osd failed to start"
}

start_fresh_cluster() {
  for name in "${DAEMONS[@]}"; do stop_daemon "$name"; done
  port_taken "$MON_PORT" && die "port $MON_PORT (ceph-mon) is taken by another cluster; set S3_SERVER_MON_PORT"
  port_taken "$PORT" && die "port $PORT is taken but does not answer as S3; set S3_SERVER_PORT"
  reset_dir
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  monmaptool --create --addv a "[v1:127.0.0.1:$MON_PORT]" --fsid "$fsid" "$D/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$D/monmap"
  ceph-mon -c "$CONF" -i a || { show_logs; die "ceph-mon failed to start"; }
  ceph --connect-timeout 30 osd create >/dev/null || { show_logs; die "ceph-mon did not answer"; }
  ceph-osd -c "$CONF" -i 0 --mkfs 2>/dev/null || { show_logs; die "ceph-osd --mkfs failed"; }
  start_osd
  : >"$D/made"
  start_gateway
}

# The OSD keeps everything in memory (memstore, 4 GiB): after many bench and test runs it fills, and
# then the gateway still answers but every write hangs. A cluster FRESH_PERCENT full or more is
# started anew when `start` finds its gateway answering: its data is disposable where a test run or a
# bench begins, as they set up their own buckets. The default is Ceph's `nearfull` (85 %), where a
# store is of no use to anyone; scripts/test.sh asks for a fresh one from half full, as a whole test
# run writes about a gigabyte. A gateway stopped on purpose (stop-gateway, a test's S3 outage) comes
# back on its data however full, because the test that stopped it still needs its buckets.
FRESH_PERCENT=${S3_SERVER_FRESH_PERCENT:-85}
osd_crowded() {
  [ -f "$CONF" ] && [ -n "$(pids_of ceph-osd)" ] || return 1
  local stats size used
  # Unread (a busy OSD's socket timing out) counts as room: the tests' own mid-run starts come
  # through here, and only a store known to be crowded may be wiped under a run.
  stats=$(timeout 15 ceph --admin-daemon "$D/osd.0.asok" perf dump 2>/dev/null) || return 1
  size=$(sed -n 's/^ *"stat_bytes": \([0-9]*\),$/\1/p' <<<"$stats")
  used=$(sed -n 's/^ *"stat_bytes_used": \([0-9]*\),$/\1/p' <<<"$stats")
  [ -n "$size" ] && [ -n "$used" ] && [ "$size" -gt 0 ] || return 1
  [ $((used * 100 / size)) -ge "$FRESH_PERCENT" ]
}

# A disk cluster from an earlier start: mon, OSD and gateway again on its data. Its conf keeps what
# the data depends on (fsid, the mon's address in the monmap, the block file); only the gateway's
# address follows this start's settings.
start_existing_cluster() {
  for name in "${DAEMONS[@]}"; do stop_daemon "$name"; done
  MON_PORT=$(sed -n 's/^mon host = \[v1:127\.0\.0\.1:\([0-9]*\)\]$/\1/p' "$CONF")
  port_taken "$MON_PORT" && die "port $MON_PORT (ceph-mon of $D) is taken by another cluster"
  port_taken "$PORT" && die "port $PORT is taken but does not answer as S3; set S3_SERVER_PORT"
  sed -i "s|^rgw frontends = .*|rgw frontends = beast endpoint=$HOST:$PORT tcp_nodelay=1|" "$CONF"
  log "starting the kept cluster in $D"
  ceph-mon -c "$CONF" -i a || { show_logs; die "ceph-mon failed to start"; }
  start_osd
  start_gateway
}

describe_store() { if is_disk_cluster; then echo "data on disk"; else echo "data in memory"; fi; }

start() {
  install_ceph
  case "$STORE" in memstore | disk) ;; *) die "S3_SERVER_STORE must be memstore or disk, not '$STORE'" ;; esac
  case "$FRESH_PERCENT" in '' | *[!0-9]*) die "S3_SERVER_FRESH_PERCENT must be a whole number of percent, not '$FRESH_PERCENT'" ;; esac
  if answers; then
    if is_disk_cluster || ! osd_crowded; then
      log "already answering on 127.0.0.1:$PORT"
      return 0
    fi
    log "the in-memory OSD in $D is $FRESH_PERCENT % full or more: starting a new, empty cluster"
    start_fresh_cluster
    log "up: http://$HOST:$PORT access key $ACCESS ($(describe_store), dir $D)"
    return 0
  fi
  if [ -f "$CONF" ] && [ -n "$(pids_of ceph-mon)" ] && [ -n "$(pids_of ceph-osd)" ]; then
    log "mon and OSD still running in $D: restarting the gateway only, data kept"
    stop_daemon radosgw
    start_gateway
  elif holds_disk_data; then
    start_existing_cluster
  else
    is_disk_cluster && log "the disk cluster in $D was never finished (no objects yet): making it again"
    start_fresh_cluster
  fi
  log "up: http://$HOST:$PORT access key $ACCESS ($(describe_store), dir $D)"
}

stop_all() { for name in "${DAEMONS[@]}"; do stop_daemon "$name"; done; }

# In the foreground until a signal stops the cluster cleanly (BlueStore closes its files), or one
# of the daemons dies, which ends this process with an error so that a supervisor restarts it.
run_foreground() {
  # Set before the start: a stop during a first start (which takes a while) still stops what started.
  trap 'log "signal received: stopping"; stop_all; exit 0' TERM INT
  start
  while :; do
    for name in "${DAEMONS[@]}"; do
      [ -n "$(pids_of "$name")" ] || { log "$name is no longer running: stopping the rest"; stop_all; exit 1; }
    done
    sleep 5 &
    wait $! || true
  done
}

case "$COMMAND" in
  start) start ;;
  run) run_foreground ;;
  stop) stop_all ;;
  stop-gateway) stop_daemon radosgw ;;
  status) answers && log "answering on 127.0.0.1:$PORT" || { log "not answering on 127.0.0.1:$PORT"; exit 1; } ;;
  *) die "unknown command '$COMMAND' (start, run, stop, stop-gateway, status)" ;;
esac
