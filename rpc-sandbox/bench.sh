#!/bin/bash
# Sandbox benchmarks (the bench module's io.rpcool.bench.sandbox.SandboxBench), written as the bench
# module's JSON records:
#   rpc-sandbox/bench.sh host       this machine (bounded views only where the CPU has no pku)
#                                   -> bench/results/sandbox.json
#   rpc-sandbox/bench.sh emulated   in the qemu guest with protection keys (software emulation:
#                                   the figures are labelled emulated and say nothing about real
#                                   hardware) -> bench/results/sandbox-emulated.json
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(dirname "$HERE")
OUT=$PROJECT/bench/results
mode=${1:-host}
cd "$PROJECT"
./mvnw -q -B -DskipTests -pl bench -am package >&2
CP="$PROJECT/bench/target/classes:$(cat "$PROJECT/bench/target/bench-classpath.txt")"
MAIN=io.rpcool.bench.sandbox.SandboxBench
mkdir -p "$OUT"
case "$mode" in
host)
	flags="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC"
	v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
	[ "${v%%.*}" -ge 24 ] 2>/dev/null && flags="$flags --sun-misc-unsafe-memory-access=allow"
	# shellcheck disable=SC2086
	java $flags -cp "$CP" "$MAIN" --out "$OUT/sandbox.json" "${@:2}"
	;;
emulated)
	RPCOOL_SKIP_BUILD=1 RPCOOL_VM_MAIN=$MAIN RPCOOL_VM_CP=$CP \
		RPCOOL_VM_SMP=${RPCOOL_VM_SMP:-2} RPCOOL_VM_ARGS="--label emulated-qemu-tcg --one-jvm --ops 300 --batches 7 --warmup 500 --rounds 2 ${*:2}" \
		"$HERE/vm/run-mpk-tests.sh" >/dev/null || true
	console=$HERE/target/vm/console.log.txt
	grep '^bench: ' "$console" || true
	json=$(grep '^bench-json: ' "$console" | head -1 | sed 's/^bench-json: //')
	[ -n "$json" ] || { echo "sandbox bench: no results from the guest (see $console)" >&2; exit 1; }
	echo "$json" >"$OUT/sandbox-emulated.json"
	;;
*)
	echo "usage: rpc-sandbox/bench.sh host|emulated [SandboxBench options]" >&2
	exit 2
	;;
esac
