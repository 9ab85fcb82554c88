#!/bin/bash
# Run the MPK sandbox tests in a qemu guest whose CPU has protection keys: boot Debian's
# -amd64 kernel under software emulation (-accel tcg -cpu max: pku and ospke), share the
# host's root file system and the checkout read-only over 9p, and run the suite
# (io.rpcool.sandbox.mpk.MpkGuestSuite) with the host's JDK, chrooted into it. Counts the
# "PASS name" / "FAIL name: why" lines. Boot, kernel, initramfs and 9p plumbing:
# .ci/vm-lib.sh (host) and .ci/vm-guest.sh (guest).
#
# usage: rpc-sandbox/vm/run-mpk-tests.sh          (as root, on Debian; builds what it needs)
#
# In one boot the suite runs three times: in full on the default JDK (/usr/bin/java), then a
# quick subset with libjsig preloaded (the JVM handles faults first and chains to the shim), and
# the quick subset on a JDK 24+ if one is installed under /usr/lib/jvm.
#
# The kernel is the one rpc-seal-kmod/vm/run-tests.sh uses, from the same cache
# (rpc-seal-kmod/.cache/kernel/, filled by apt-get download; offline runs use what is there).
#
# Environment:
#   RPCOOL_VM_JAVA     java binary for the full run (default: /usr/bin/java)
#   RPCOOL_VM_QUICK    0 to skip the libjsig and second-JDK runs
#   RPCOOL_VM_TIMEOUT  seconds before the guest is killed (default 1200: a busy 2-core host
#                      can double the ~8 min the three runs take)
#   RPCOOL_VM_SMP      guest CPUs (default 1: multi-threaded TCG can race HotSpot's code patching)
#   RPCOOL_VM_MEM      guest memory in MiB (default 2048)
#   RPCOOL_VM_MAIN     main class to run instead of the suite (benchmarks)
#   RPCOOL_VM_ARGS     its arguments
#   RPCOOL_VM_CP       class path for RPCOOL_VM_MAIN (default: rpc-sandbox's test class path)
#   RPCOOL_SKIP_BUILD  set to 1 to use the classes already built
#   KVER               kernel release to use (default: the archive's current one)
#
# Prints every PASS/FAIL line, then "N passed, N failed". Exits 0 only if nothing failed,
# something passed and the guest reached its end.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(dirname "$HERE")		# rpc-sandbox/
PROJECT=$(dirname "$MODULE")		# the repository
CACHE=$MODULE/target/vm
VM_TIMEOUT=${RPCOOL_VM_TIMEOUT:-1200}
VM_SMP=${RPCOOL_VM_SMP:-1}
VM_MEM=${RPCOOL_VM_MEM:-2048}
JAVA=${RPCOOL_VM_JAVA:-/usr/bin/java}
QUICK_RUNS=${RPCOOL_VM_QUICK:-1}
MAIN=${RPCOOL_VM_MAIN:-io.rpcool.sandbox.mpk.MpkGuestSuite}
ARGS=${RPCOOL_VM_ARGS:-}
VM_LOG_TAG=mpk-test
# shellcheck source-path=SCRIPTDIR source=../../.ci/vm-lib.sh
. "$PROJECT/.ci/vm-lib.sh"

vm_need_packages qemu-system-x86 busybox-static cpio xz-utils kmod gcc libc6-dev
vm_kernel "$PROJECT/rpc-seal-kmod/.cache/kernel" 0

# ---- build: rpc-core and rpc-sandbox with their tests, and the test class path ----
if [ "${RPCOOL_SKIP_BUILD:-0}" != 1 ]; then
	vm_log "building (./mvnw -q -B -DskipTests -pl rpc-sandbox -am package)"
	(cd "$PROJECT" && ./mvnw -q -B -DskipTests -pl rpc-sandbox -am package) >&2
fi
[ -f "$MODULE/target/classes/native/linux-x86_64/librpcool_sandbox.so" ] ||
	vm_die "the native shim was not built (is gcc installed?)"
CP=${RPCOOL_VM_CP:-"$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"}
mkdir -p "$CACHE"

# ---- initramfs -------------------------------------------------------------
vm_stage_new "$HERE/init"
vm_stage_host_export "$PROJECT"
QUICK=mpk_available,data_heaps_carry_the_shared_key,thread_started_before_the_keys_is_granted_them
QUICK=$QUICK,cached_sandbox_keeps_its_key,raw_access_outside_the_region_is_a_violation
QUICK=$QUICK,jvm_faults_pass_through_the_handler,fault_on_a_sandboxed_handler_is_an_error_reply_while_others_work
RUNS=("jdk|$JAVA|")		# tag|java|arguments, plus LD_PRELOAD for the libjsig run
if [ -z "${RPCOOL_VM_MAIN:-}" ] && [ "$QUICK_RUNS" = 1 ]; then
	jsig=$(dirname "$(dirname "$(readlink -f "$JAVA")")")/lib/libjsig.so
	[ -f "$jsig" ] && RUNS+=("libjsig|$JAVA|--only $QUICK --tag libjsig|$jsig")
	for j in /usr/lib/jvm/*/bin/java; do
		v=$("$j" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
		if [ "${v%%.*}" -ge 24 ] 2>/dev/null; then
			RUNS+=("jdk$v|$j|--only $QUICK --tag jdk$v")
			break
		fi
	done
fi
{
	printf 'cd %s || exit 1\n' "$(vm_sh_quote "$PROJECT")"
	printf 'rc=0\n'
	for run in "${RUNS[@]}"; do
		IFS='|' read -r tag java extra preload <<<"$run"
		v=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
		flags="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xmx512m -XX:+UseSerialGC"
		flags="$flags -Djava.io.tmpdir=/dev/shm/rpcool-tmp -XX:-UsePerfData"
		[ "${v%%.*}" -ge 24 ] 2>/dev/null && flags="$flags --sun-misc-unsafe-memory-access=allow"
		printf 'echo "guest: run %s: %s%s"\n' "$tag" "$java" "${preload:+ with LD_PRELOAD=$preload}"
		printf '%s%s %s -cp %s %s %s %s || rc=1\n' "${preload:+LD_PRELOAD=$(vm_sh_quote "$preload") }" \
			"$(vm_sh_quote "$java")" "$flags" "$(vm_sh_quote "$CP")" "$MAIN" "$ARGS" "$extra"
	done
	# shellcheck disable=SC2016 # $rc is the guest script's
	printf 'exit $rc\n'
} >"$VM_STAGE/java.sh"
INITRD=$CACHE/initramfs.cpio.gz
vm_stage_pack "$INITRD"

# ---- boot and results ------------------------------------------------------
CONSOLE=$CACHE/console.log
vm_boot "$INITRD" "$CONSOLE"
vm_results "$CONSOLE"
