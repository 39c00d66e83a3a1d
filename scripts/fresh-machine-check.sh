#!/usr/bin/env bash
# Checks the README's promise that `npm ci && npm run demo` works on a bare Debian with Node and npm.
# Builds a clean Debian bookworm root with debootstrap (minbase), adds only what such a user has (Node
# 24 and npm laid out as nodejs.org's tarball lays them out in /usr/local, and git), clones this
# repository's HEAD into it and runs the commands there as root. The root runs in its own network,
# mount and PID namespaces: this machine's PostgreSQL, Redis and S3 server are neither visible nor
# touched, and everything started inside ends with the check. Its network (slirp4netns, with the
# host's loopback closed) reaches only what the host reaches: Debian's mirror and the npm registry.
# Not run by CI: it needs root and several GB of disk, and takes as long as installing and building
# everything from nothing does.
#
# Usage (root): scripts/fresh-machine-check.sh [ROOT_DIR]
#   ROOT_DIR                 where the root is built (/var/tmp/darkroom-fresh-root); must not exist.
#   FRESH_COMMANDS           what runs in the clone (default: npm ci && npm run demo; add && npm test).
#   FRESH_MIRROR             Debian mirror (http://deb.debian.org/debian).
#   FRESH_KEEP=1             keep ROOT_DIR afterwards (it is removed on success otherwise).
#   FRESH_BASE=DIR           copy DIR, a finished `debootstrap --variant=minbase bookworm` root,
#                            instead of running debootstrap (a faster rerun; DIR is not changed).
# Prints each step's time and ends with PASS or FAIL; the full output is in ROOT_DIR.log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${1:-/var/tmp/darkroom-fresh-root}
COMMANDS=${FRESH_COMMANDS:-npm ci && npm run demo}
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
NPM_VERSION=11
ns=darkroom-fresh-$$
log="$ROOT.log"

die() { echo "fresh-machine-check: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and namespaces need it)"
[ -e "$ROOT" ] && die "$ROOT exists: remove it first (each check starts from a new root)"
case "$ROOT" in /*) ;; *) die "ROOT_DIR must be an absolute path" ;; esac
commit=$(git -C "$repo" rev-parse HEAD)
git_dir=$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir)
exec > >(tee "$log") 2>&1
started=$(date +%s)
step() { echo "== $(date -u +%H:%M:%S) (+$(($(date +%s) - started)) s) $*"; }

step "host tools: debootstrap, slirp4netns"
command -v debootstrap >/dev/null && command -v slirp4netns >/dev/null ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap slirp4netns >/dev/null

if [ -n "${FRESH_BASE:-}" ]; then
  step "copying the debootstrapped root $FRESH_BASE to $ROOT"
  [ -x "$FRESH_BASE/usr/bin/apt-get" ] || die "$FRESH_BASE is not a debootstrapped root"
  cp -a --one-file-system "$FRESH_BASE" "$ROOT"
else
  step "debootstrap --variant=minbase bookworm $ROOT $MIRROR"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 ||
    { tail -20 "$ROOT.debootstrap.log"; die "debootstrap failed (log: $ROOT.debootstrap.log)"; }
fi
# What Debian's installer writes and debootstrap does not: the suites with updates and security fixes,
# the hosts file and the resolver (slirp4netns's DNS forwarder).
cat >"$ROOT/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
SOURCES
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
echo "nameserver 10.0.2.3" >"$ROOT/etc/resolv.conf"
# A machine whose way out re-signs TLS keeps its CAs in /usr/local/share/ca-certificates: Node in the
# root is given them, as Node on the machine is (a plain network needs none).
extra_ca=""
mkdir -p "$ROOT/etc/ssl"
if cat /usr/local/share/ca-certificates/*.crt >"$ROOT/etc/ssl/local-ca.pem" 2>/dev/null; then
  extra_ca=NODE_EXTRA_CA_CERTS=/etc/ssl/local-ca.pem
else
  rm -f "$ROOT/etc/ssl/local-ca.pem"
fi

step "Node and npm into $ROOT/usr/local"
# The pinned Node (scripts/node.sh checks its integrity) and npm from the registry, laid out as
# nodejs.org's tarball is: bin/node, lib/node_modules/npm, bin/npm and bin/npx linking into it.
node_dir=$(. "$repo/scripts/node.sh" && echo "$npm_config_nodedir")
cp -a "$node_dir/bin/node" "$ROOT/usr/local/bin/node"
cp -a "$node_dir/include" "$ROOT/usr/local/"
tmp=$(mktemp -d)
npm_tgz=$(cd "$tmp" && npm pack --silent "npm@$NPM_VERSION" 2>/dev/null | tail -n 1)
mkdir -p "$ROOT/usr/local/lib/node_modules"
tar -xzf "$tmp/$npm_tgz" -C "$tmp" && mv "$tmp/package" "$ROOT/usr/local/lib/node_modules/npm"
rm -rf "$tmp"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
mkdir -p "$ROOT/mnt/darkroom.git"

step "network namespace $ns (slirp4netns, host loopback closed)"
ip netns add "$ns"
slirp_pid="" root_pid=""
cleanup() {
  [ -n "$root_pid" ] && kill "$root_pid" 2>/dev/null
  [ -n "$slirp_pid" ] && kill "$slirp_pid" 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
slirp4netns --configure --mtu=65520 --disable-host-loopback --netns-type=path "/run/netns/$ns" tap0 >/dev/null 2>&1 &
slirp_pid=$!
for _ in $(seq 1 50); do ip netns exec "$ns" ip -4 addr show tap0 2>/dev/null | grep -q inet && break; sleep 0.2; done

# Runs in the root, in the namespace, as a user's login shell on a bare machine would: root, a clean
# environment, no locale set (Debian's default).
inner=$(cat <<INNER
set -euo pipefail
t0=\$(date +%s)
inner_step() { echo "== \$(date -u +%H:%M:%S) (+\$((\$(date +%s) - t0)) s in the root) \$*"; }
for port in 5432 6379 7480; do
  if (exec 3<>/dev/tcp/127.0.0.1/\$port) 2>/dev/null || (exec 3<>/dev/tcp/10.0.2.2/\$port) 2>/dev/null; then
    echo "port \$port answers inside the root: it is not isolated" >&2; exit 1
  fi
done
inner_step "isolated: nothing answers on 5432, 6379 or 7480; node \$(node -v), npm \$(npm -v)"
inner_step "apt-get install git"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null
inner_step "git clone, checkout $commit"
git clone -q /mnt/darkroom.git /root/darkroom && cd /root/darkroom && git checkout -q $commit
inner_step "$COMMANDS"
bash -c $(printf %q "$COMMANDS")
inner_step "done"
INNER
)

step "into the root: $COMMANDS"
status=0
# --kill-child: whatever runs in the root ends with it (the PID namespace's first process).
ip netns exec "$ns" unshare --mount --pid --fork --kill-child --propagation private bash -c '
  set -e
  root=$1 git_dir=$2 inner=$3 extra_ca=$4
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind -o ro "$git_dir" "$root/mnt/darkroom.git"
  exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    TERM=dumb $extra_ca /bin/bash -c "$inner"
' fresh "$ROOT" "$git_dir" "$inner" "$extra_ca" &
root_pid=$!
wait "$root_pid" || status=$?
root_pid=""

elapsed=$(($(date +%s) - started))
if [ "$status" -eq 0 ]; then
  step "PASS: '$COMMANDS' on a fresh Debian bookworm root in $elapsed s (commit $commit)"
  [ "${FRESH_KEEP:-0}" = 1 ] || rm -rf --one-file-system "$ROOT"
else
  step "FAIL (exit $status) after $elapsed s (commit $commit); the root is kept in $ROOT"
  exit "$status"
fi
