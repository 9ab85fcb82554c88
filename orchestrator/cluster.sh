#!/usr/bin/env bash
# The emulated cluster: several "hosts" as network namespaces of this machine, joined by a bridge,
# sharing one memory pool (a tmpfs mount that stands for the CXL device; every namespace sees the
# same file system, so every host maps the same heap files at the same addresses).
#
#   orchestrator/cluster.sh up      create namespaces rpcool-hostA..rpcool-hostD, the bridge and the pool
#   orchestrator/cluster.sh down    remove them
#   orchestrator/cluster.sh status  print what exists
#
# Addresses: the bridge rpcool-br0 is 10.77.0.1/24 in this namespace (the orchestrator's ZooKeeper
# listens there); host X gets 10.77.0.1N (A=11, B=12, C=13, D=14). hostA..hostC form the memory
# domain "pool-1"; hostD stands for a host in another domain (it reaches the others only over TCP).
# Pool: RPCOOL_POOL (default /dev/shm/rpcool-cluster-pool), a tmpfs of RPCOOL_POOL_SIZE (default 512m).
# Needs root and iproute2 (apt-get install -y iproute2).
set -euo pipefail
HOSTS=(hostA hostB hostC hostD)
BRIDGE=rpcool-br0
POOL=${RPCOOL_POOL:-/dev/shm/rpcool-cluster-pool}
POOL_SIZE=${RPCOOL_POOL_SIZE:-512m}

need_root() {
  if [ "$(id -u)" != 0 ]; then echo "cluster.sh: needs root (network namespaces, bridge, tmpfs mount)" >&2; exit 3; fi
  if ! command -v ip >/dev/null; then echo "cluster.sh: needs iproute2 ('ip'); apt-get install -y iproute2" >&2; exit 3; fi
}

up() {
  need_root
  down quiet
  ip link add "$BRIDGE" type bridge
  ip addr add 10.77.0.1/24 dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i=1
  for h in "${HOSTS[@]}"; do
    local ns="rpcool-$h" addr="10.77.0.1$i"
    ip netns add "$ns"
    ip link add "rpv-$h" type veth peer name eth0 netns "$ns"
    ip link set "rpv-$h" master "$BRIDGE" up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    i=$((i + 1))
  done
  mkdir -p "$POOL"
  mountpoint -q "$POOL" || mount -t tmpfs -o "size=$POOL_SIZE,mode=0700" rpcool-pool "$POOL"
  echo "cluster.sh: up: ${HOSTS[*]} on $BRIDGE (10.77.0.0/24), pool $POOL ($POOL_SIZE tmpfs)"
}

down() {
  for h in "${HOSTS[@]}"; do
    ip netns pids "rpcool-$h" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "rpcool-$h" 2>/dev/null || true
    ip link del "rpv-$h" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  if mountpoint -q "$POOL" 2>/dev/null; then umount "$POOL" || umount -l "$POOL"; fi
  rmdir "$POOL" 2>/dev/null || true
  [ "${1:-}" = quiet ] || echo "cluster.sh: down"
}

status() {
  ip netns list | grep rpcool- || echo "no rpcool namespaces"
  ip -br addr show "$BRIDGE" 2>/dev/null || echo "no bridge $BRIDGE"
  if mountpoint -q "$POOL" 2>/dev/null; then df -h "$POOL" | tail -1; else echo "no pool mounted at $POOL"; fi
}

case "${1:-}" in
  up) up ;;
  down) need_root; down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
