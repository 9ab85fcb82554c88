#!/usr/bin/env bash
# Build the bench module and run the multi-process benchmarks, e.g.
#   bench/run.sh noop --quick
#   bench/run.sh noop --runs 5 --assert-faster raw-shm-pingpong,java-uds
#   bench/run.sh dsm --quick                 (page fetches and no-ops across memory domains)
# Uses $JAVA_HOME when set; the forked JVMs use the same JDK as the harness.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = cooldb ]; then
  # CoolDB lives in examples (it needs the store and its gRPC baseline); ./rpcool runs it.
  exec ./rpcool "$@"
fi
./mvnw -o -q -pl bench -am package -DskipTests || ./mvnw -q -pl bench -am package -DskipTests
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
    io.rpcool.bench.BenchMain "$@"
