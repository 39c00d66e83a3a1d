#!/usr/bin/env bash
# A local Redis Cluster of three masters on loopback ports, from Debian's redis-server, for the tests
# that run Darkroom in cluster mode (REDIS_CLUSTER_NODES). Nothing is kept on disk but each node's
# cluster config, so a node restarted with `start` rejoins with its slots (and no data).
#
#   scripts/redis-cluster.sh [start|stop|stop-node PORT|nodes]
#
# REDIS_CLUSTER_PORTS (default "7001 7002 7003") picks the ports; `nodes` prints host:port,… for
# REDIS_CLUSTER_NODES. `start` is safe to rerun: a healthy cluster is left alone.
set -euo pipefail
ports=(${REDIS_CLUSTER_PORTS:-7001 7002 7003})
dir=${REDIS_CLUSTER_DIR:-/tmp/darkroom-redis-cluster}

nodes() { local IFS=,; echo "${ports[*]/#/127.0.0.1:}"; }
ping_node() { redis-cli -h 127.0.0.1 -p "$1" ping >/dev/null 2>&1; }
cluster_ok() { redis-cli -h 127.0.0.1 -p "${ports[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

start_node() {
  local port=$1
  mkdir -p "$dir/$port"
  ping_node "$port" && return 0
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --cluster-enabled yes \
    --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 2000 --dir "$dir/$port" \
    --save "" --appendonly no --logfile "$dir/$port/redis.log" --pidfile "$dir/$port/redis.pid"
  for _ in $(seq 1 50); do ping_node "$port" && return 0; sleep 0.1; done
  echo "redis-cluster: node $port did not start (see $dir/$port/redis.log)" >&2
  return 1
}

start() {
  command -v redis-server >/dev/null || { echo "redis-cluster: redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
  for port in "${ports[@]}"; do start_node "$port"; done
  if ! cluster_ok; then
    # Slots are assigned once; nodes restarted later find them in their nodes.conf.
    local assigned
    assigned=$(redis-cli -h 127.0.0.1 -p "${ports[0]}" cluster info | awk -F: '/^cluster_slots_assigned/ {print $2}' | tr -d '\r')
    if [ "${assigned:-0}" = "0" ]; then
      redis-cli --cluster create $(for p in "${ports[@]}"; do printf '127.0.0.1:%s ' "$p"; done) --cluster-replicas 0 --cluster-yes >/dev/null
    fi
  fi
  for _ in $(seq 1 100); do cluster_ok && break; sleep 0.1; done
  cluster_ok || { echo "redis-cluster: cluster_state is not ok" >&2; exit 1; }
  echo "redis-cluster: up: $(nodes)"
}

stop_node() { redis-cli -h 127.0.0.1 -p "$1" shutdown nosave >/dev/null 2>&1 || true; }

case "${1:-start}" in
  start) start ;;
  stop) for port in "${ports[@]}"; do stop_node "$port"; done ;;
  stop-node) stop_node "$2" ;;
  nodes) nodes ;;
  *) echo "usage: $0 [start|stop|stop-node PORT|nodes]" >&2; exit 2 ;;
esac
