#!/usr/bin/env bash
# ./rpcool daemon runs io.rpcool.daemon.DaemonMain with the runtime modules only: starts it in a
# fresh directory, reads the class path of the running JVM from /proc, and checks that it holds
# rpc-core, rpc-seal-kmod, rpc-sandbox and orchestrator and none of bench, the shared harness,
# examples, gRPC, Jackson, XChart or picocli; also that --help and a bad option answer as they
# should. Prints "daemon class path: N passed, N failed" and exits non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
passed=0
failed=0
check() {
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $what" >&2; fi
}

# --help: exit 0, usage on stdout; a bad option: exit 2, the problem on stderr.
help=$(./rpcool daemon --help 2>/dev/null); rc=$?
check "--help exits 0 with the usage" test "$rc" = 0 -a -n "$(grep -- '--lease-timeout-ms' <<<"$help")"
bad=$(./rpcool daemon --no-such-option 2>&1 >/dev/null); rc=$?
check "a bad option exits 2 and says why" test "$rc" = 2 -a -n "$(grep "unknown option '--no-such-option'" <<<"$bad")"

dir=$(mktemp -d /dev/shm/rpcool-cp-test-XXXXXX)
out=$(mktemp)
./rpcool daemon --dir "$dir" --seal-backend mprotect >"$out" 2>&1 &
pid=$!
# ./rpcool execs java: $! is the daemon JVM. Wait for its line, at most 120 s (it may build first).
for _ in $(seq 1 1200); do
  grep -q '^rpcool daemon listening on ' "$out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "the daemon starts and says where it listens" grep -q "^rpcool daemon listening on $dir/daemon.sock " "$out"
cp=""
if [ -r "/proc/$pid/cmdline" ]; then
  cp=$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -x -- '-cp' | tail -n1)
fi
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$dir" "$out"

entries=$(tr ':' '\n' <<<"$cp" | sed "s|^$ROOT/||")
for module in rpc-core rpc-seal-kmod rpc-sandbox orchestrator; do
  check "class path holds $module" grep -qx "$module/target/classes" <<<"$entries"
done
for banned in 'bench/' 'examples/' 'rpcool-harness' 'grpc-' 'jackson-' 'xchart' 'picocli' 'protobuf-'; do
  hits=$(grep -F -- "$banned" <<<"$entries")
  check "class path holds nothing of '$banned'${hits:+: $hits}" test -z "$hits"
done
echo "daemon class path: $passed passed, $failed failed"
[ "$failed" = 0 ]
