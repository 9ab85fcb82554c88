#!/usr/bin/env bash
# Installs Debian's memcached, the reference server (system memcached-c-uds) of ./rpcool bench ycsb
# and of its smoke test, when it is missing. Needs root (apt-get); the benchmark starts and kills
# its own memcached over a Unix socket, so a service the package may start is stopped again.
set -euo pipefail
if command -v memcached >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-memcached: memcached is missing and installing it needs root (apt-get install memcached)" >&2
  exit 1
fi
# No service start during the install (policy-rc.d 101: "action forbidden"), restored afterwards.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ "$had_policy" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
fi
status=0
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq memcached >&2; } || status=$?
if [ "$had_policy" = 0 ]; then
  rm -f "$policy"
fi
if [ "$status" != 0 ] || ! command -v memcached >/dev/null; then
  echo "install-memcached: apt-get install memcached failed (exit $status)" >&2
  exit 1
fi
memcached -V >&2
