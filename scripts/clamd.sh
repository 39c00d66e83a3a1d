#!/usr/bin/env bash
# A private clamd for the demo and the tests: `scripts/clamd.sh start|stop|status|reload`.
# Installs Debian's clamav-daemon (clamd) and clamav (sigtool) where missing, and runs its own clamd,
# not Debian's service: its own config, pid file, log and signature directory under .tools/clamd/
# (CLAMD_DIR), listening on 127.0.0.1:CLAMD_PORT (3310) and a unix socket beside them.
#
# Its signatures are the tests' own, written here before the first start (clamd refuses to start on
# an empty database, and nothing is downloaded): the EICAR string as a body signature (.ndb), a YARA
# rule (.yar) and a hash file (.hdb) the tests add the files they make to (test/support/clamd.ts,
# then RELOAD). They protect against nothing: a deployment runs freshclam (docs/operations.md#clamav).
# `start` is idempotent: this checkout's clamd already answering is left alone; another checkout's
# is stopped for this one's (the last one started wins).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt-install.sh"

dir=${CLAMD_DIR:-$here/../.tools/clamd}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
port=${CLAMD_PORT:-3310}
# Above the worker's default CLAMD_MAX_BYTES (100 MiB), which must stay under StreamMaxLength: the
# worker stops a stream at its own bound and holds the file, before clamd's bound refuses it.
stream_max=120M

ping_clamd() {
  # zPING over TCP: bash's /dev/tcp needs no client tool.
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'zPING\0' >&3
  local reply
  IFS= read -r -d '' -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [ "$reply" = PONG ]
}

install_clamav() {
  command -v clamd >/dev/null && command -v sigtool >/dev/null && command -v strings >/dev/null && return 0
  echo "installing ClamAV (clamav-daemon, clamav)"
  apt_install clamav-daemon clamav binutils || { echo "could not install ClamAV (apt-get as root)" >&2; exit 1; }
  # On a machine run by systemd the packages start Debian's own clamd and freshclam, which would
  # download the official databases and hold about 1.2 GB: the demo and the tests need neither.
  if [ -d /run/systemd/system ]; then
    systemctl disable --now clamav-daemon.service clamav-daemon.socket clamav-freshclam.service >/dev/null 2>&1 || true
  fi
}

# clamd answers OK without scanning a file it types CL_TYPE_IGNORED, and MP3 (an ID3 tag or an MPEG
# frame first) and Ogg are of those: an MP3 upload with anything after its last frame would pass.
# A database's .ftm replaces libclamav's own file types, so this writes libclamav's table with those
# rows typed as binary data (scanned whole). Without the table (a libclamav whose strings change),
# it warns and writes none: MP3 and Ogg then go unscanned.
write_file_types() {
  local lib table
  lib=$(ldconfig -p | awk '/libclamav\.so/ { print $NF; exit }')
  table=$(strings -n 8 "$lib" | grep -E '^[0-5]:[^:]*:[^:]+:[^:]*:CL_TYPE_[A-Z0-9_]+:CL_TYPE_[A-Z0-9_]+(:[0-9]*){0,2}$' || true)
  if [ "$(grep -c 'CL_TYPE_IGNORED' <<<"$table")" -lt 3 ] || [ "$(wc -l <<<"$table")" -lt 100 ]; then
    echo "warning: libclamav's file types not found in $lib: clamd will not scan MP3 and Ogg files" >&2
    rm -f "$dir/db/darkroom.ftm"
    return 0
  fi
  sed -E '/:(MP3|Ogg Stream):CL_TYPE_ANY:CL_TYPE_IGNORED$/ s/CL_TYPE_IGNORED$/CL_TYPE_BINARY_DATA/' <<<"$table" >"$dir/db/darkroom.ftm"
}

# The tests' signature set, rewritten at each start but for test.hdb, the tests' own (test/support/clamd.ts).
write_signatures() {
  mkdir -p "$dir/db"
  # Name:TargetType:Offset:HexSignature; target 0, any file; offset *, anywhere in it. The hex is
  # eicar.org's test string (X5O!P%@AP…), kept as hex so this script is no match for it itself.
  local eicar_hex=58354f2150254041505b345c505a58353428505e2937434329377d2445494341522d5354414e444152442d414e544956495255532d544553542d46494c452124482b482a
  printf 'Darkroom.Test.EICAR:0:*:%s\n' "$eicar_hex" >"$dir/db/darkroom.ndb"
  cat >"$dir/db/darkroom.yar" <<'YARA'
rule Darkroom_Test_Marker
{
  strings:
    $marker = "DARKROOM-YARA-TEST-MARKER"
  condition:
    $marker
}
YARA
  # A hash file is not loaded empty: one entry of a file no upload is (16 zero bytes).
  [ -s "$dir/db/test.hdb" ] || printf '4ae71336e44bf9bf79d2752e234818a5:16:Darkroom.Test.Placeholder\n' >"$dir/db/test.hdb"
}

write_config() {
  cat >"$dir/clamd.conf" <<CONF
# Written by scripts/clamd.sh; rewritten at each start.
Foreground no
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
LogTime yes
DatabaseDirectory $dir/db
LocalSocket $dir/clamd.sock
LocalSocketMode 660
TCPSocket $port
TCPAddr 127.0.0.1
StreamMaxLength $stream_max
MaxFileSize $stream_max
MaxScanSize 400M
# Flag what the limits would leave unscanned (a file past MaxFileSize) rather than pass it. An
# archive member that inflates past it is still passed (ClamAV 1.4, Cisco-Talos/clamav#633).
AlertExceedsMax yes
# A reload holds scans instead of loading a second copy of the databases beside the first.
ConcurrentDatabaseReload no
ScanArchive yes
ScanPE yes
ScanOLE2 yes
ScanPDF yes
ScanHTML yes
SelfCheck 0
CONF
}

# The pids of clamds this script started from another checkout (another --config-file).
others() {
  local cmdline
  for proc in /proc/[0-9]*; do
    cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) || continue
    case "$cmdline" in
      clamd\ --config-file=*) [ "$cmdline" = "clamd --config-file=$dir/clamd.conf " ] || echo "${proc#/proc/}" ;;
    esac
  done
}

start() {
  if ping_clamd; then
    kill -0 "$(cat "$dir/clamd.pid" 2>/dev/null)" 2>/dev/null && return 0
    # Another checkout's clamd reads another signature directory, where the tests' RELOAD would not
    # find theirs: this checkout's takes its place (the last one started wins).
    local pids
    pids=$(others | tr "\n" " ")
    [ -n "$pids" ] || { echo "a clamd this script did not start answers on 127.0.0.1:$port; stop it first" >&2; exit 1; }
    echo "stopping another checkout's clamd (pid $pids) for this one's" >&2
    # shellcheck disable=SC2086
    kill $pids
    for _ in $(seq 1 40); do ping_clamd || break; sleep 0.25; done
  fi
  install_clamav
  write_signatures
  write_file_types
  write_config
  rm -f "$dir/clamd.sock"
  clamd --config-file="$dir/clamd.conf"
  for _ in $(seq 1 60); do ping_clamd && return 0; sleep 0.5; done
  echo "clamd is not answering on 127.0.0.1:$port (see $dir/clamd.log)" >&2
  exit 1
}

stop() {
  local pid
  pid=$(cat "$dir/clamd.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$dir/clamd.pid"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status)
    if ping_clamd; then echo "clamd answering on 127.0.0.1:$port"; else echo "clamd not answering on 127.0.0.1:$port"; exit 3; fi
    ;;
  reload)
    # Rereads the signature directory; scans wait for it (ConcurrentDatabaseReload no).
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'zRELOAD\0' >&3
    IFS= read -r -d '' -t 30 reply <&3 || true
    exec 3<&- 3>&-
    [ "${reply:-}" = RELOADING ] || { echo "clamd did not take RELOAD: ${reply:-no answer}" >&2; exit 1; }
    ;;
  *) echo "usage: scripts/clamd.sh start|stop|status|reload" >&2; exit 2 ;;
esac
