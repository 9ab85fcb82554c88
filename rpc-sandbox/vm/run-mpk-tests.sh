#!/bin/bash
# Run the MPK sandbox tests in a qemu guest whose CPU has protection keys: boot Debian's
# -amd64 kernel under software emulation (-accel tcg -cpu max: pku and ospke), share the
# host's root file system read-only over 9p, and run the suite (io.rpcool.sandbox.mpk.MpkGuestSuite)
# with the host's JDK, chrooted into it. Counts the "PASS name" / "FAIL name: why" lines.
#
# usage: rpc-sandbox/vm/run-mpk-tests.sh          (as root, on Debian 12; builds what it needs)
#
# In one boot the suite runs three times: in full on the default JDK (/usr/bin/java), then a
# quick subset with libjsig preloaded (the JVM handles faults first and chains to the shim), and
# the quick subset on a JDK 24+ if one is installed under /usr/lib/jvm.
#
# Environment:
#   RPCOOL_VM_JAVA     java binary for the full run (default: /usr/bin/java)
#   RPCOOL_VM_QUICK    0 to skip the libjsig and second-JDK runs
#   RPCOOL_VM_TIMEOUT  seconds before the guest is killed (default 600)
#   RPCOOL_VM_SMP      guest CPUs (default 1: multi-threaded TCG can race HotSpot's code patching)
#   RPCOOL_VM_MEM      guest memory in MiB (default 2048)
#   RPCOOL_VM_MAIN     main class to run instead of the suite (benchmarks)
#   RPCOOL_VM_ARGS     its arguments
#   RPCOOL_SKIP_BUILD  set to 1 to use the classes already built
#   KVER               kernel version (default: newest *-amd64 in /lib/modules)
#
# Prints every PASS/FAIL line, then "N passed, N failed". Exits 0 only if nothing failed,
# something passed and the guest reached its end.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(dirname "$HERE")		# rpc-sandbox/
PROJECT=$(dirname "$MODULE")		# the repository
CACHE=$MODULE/target/vm
TIMEOUT=${RPCOOL_VM_TIMEOUT:-600}
SMP=${RPCOOL_VM_SMP:-1}
MEM=${RPCOOL_VM_MEM:-2048}
JAVA=${RPCOOL_VM_JAVA:-/usr/bin/java}
QUICK_RUNS=${RPCOOL_VM_QUICK:-1}
MAIN=${RPCOOL_VM_MAIN:-io.rpcool.sandbox.mpk.MpkGuestSuite}
ARGS=${RPCOOL_VM_ARGS:-}

log() { echo "mpk-test: $*" >&2; }

# ---- packages (only what is missing) --------------------------------------
PKGS=(qemu-system-x86 busybox-static cpio xz-utils kmod gcc libc6-dev linux-image-amd64)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	[ "$(id -u)" = 0 ] || { log "need root to install packages"; exit 2; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

KVER=${KVER:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -1)}
[ -n "$KVER" ] && [ -f "/boot/vmlinuz-$KVER" ] ||
	{ log "no -amd64 kernel image found (KVER=$KVER)"; exit 2; }
log "kernel $KVER"

# ---- build: rpc-core and rpc-sandbox with their tests, and the test class path ----
if [ "${RPCOOL_SKIP_BUILD:-0}" != 1 ]; then
	log "building (./mvnw -q -B -DskipTests -pl rpc-sandbox -am package)"
	(cd "$PROJECT" && ./mvnw -q -B -DskipTests -pl rpc-sandbox -am package) >&2
fi
[ -f "$MODULE/target/classes/native/linux-x86_64/librpcool_sandbox.so" ] ||
	{ log "the native shim was not built (is gcc installed?)"; exit 2; }
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"
mkdir -p "$CACHE"

# ---- kernel: the ELF vmlinux boots about twice as fast under TCG ------------
KERNEL=/boot/vmlinuz-$KVER
VMLINUX=$CACHE/vmlinux-$KVER
extract_vmlinux() {	# bzImage with an xz payload -> ELF vmlinux
	local off magic
	off=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$1" | head -1 | cut -d: -f1 || true)
	[ -n "$off" ] || return 1
	tail -c +$((off + 1)) "$1" | xz -dc 2>/dev/null >"$2.tmp" || true
	magic=$(head -c 4 "$2.tmp" | od -An -tx1 | tr -d ' \n')
	if [ "$magic" = 7f454c46 ]; then
		mv "$2.tmp" "$2"
	else
		rm -f "$2.tmp"
		return 1
	fi
}
if [ ! -s "$VMLINUX" ]; then
	extract_vmlinux "$KERNEL" "$VMLINUX" || log "no ELF vmlinux, booting the bzImage"
fi
[ -s "$VMLINUX" ] && KERNEL=$VMLINUX

# ---- initramfs -------------------------------------------------------------
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
chmod 755 "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,proc,sys,dev,tmp,mnt,etc}
cp /bin/busybox "$STAGE/bin/busybox"
for a in $("$STAGE/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$STAGE/bin/$a"
done
cp "$HERE/init" "$STAGE/init"
chmod +x "$STAGE/init"
printf '%s\n' "$PROJECT" >"$STAGE/project.path"
for m in 9p 9pnet_virtio virtio_pci; do
	modprobe -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' >"$STAGE/modules.list"
while read -r ko; do
	mkdir -p "$STAGE$(dirname "$ko")"
	cp "$ko" "$STAGE$ko"
done <"$STAGE/modules.list"
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
	printf 'cd %q || exit 1\n' "$PROJECT"
	printf 'rc=0\n'
	for run in "${RUNS[@]}"; do
		IFS='|' read -r tag java extra preload <<<"$run"
		v=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
		flags="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx512m -XX:+UseSerialGC"
		flags="$flags -Djava.io.tmpdir=/dev/shm/rpcool-tmp -XX:-UsePerfData"
		[ "${v%%.*}" -ge 24 ] 2>/dev/null && flags="$flags --sun-misc-unsafe-memory-access=allow"
		printf 'echo "guest: run %s: %s%s"\n' "$tag" "$java" "${preload:+ with LD_PRELOAD=$preload}"
		printf '%s%q %s -cp %q %q %s %s || rc=1\n' "${preload:+LD_PRELOAD=$preload }" "$java" "$flags" "$CP" \
			"$MAIN" "$ARGS" "$extra"
	done
	printf 'exit $rc\n'
} >"$STAGE/java.sh"
INITRD=$CACHE/initramfs.cpio.gz
(cd "$STAGE" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$INITRD"

# ---- boot ------------------------------------------------------------------
CONSOLE=$CACHE/console.log
log "booting $(basename "$KERNEL") under qemu TCG -cpu max, $SMP cpu(s) (timeout ${TIMEOUT}s)"
set +e
timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max \
	-m "$MEM" -smp "$SMP" -nic none -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 rdinit=/init quiet loglevel=3" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-display none -monitor none -serial stdio </dev/null >"$CONSOLE" 2>&1
qrc=$?
set -e

# ---- results ---------------------------------------------------------------
tr -d '\r' <"$CONSOLE" >"$CONSOLE.txt"
grep -E '^(guest|guest-java|bench):' "$CONSOLE.txt" >&2 || true
grep -E '^(PASS|FAIL) ' "$CONSOLE.txt" || true
pass=$(grep -cE '^PASS ' "$CONSOLE.txt" || true)
fail=$(grep -cE '^FAIL ' "$CONSOLE.txt" || true)
if ! grep -q '^RPCOOL-VM-END' "$CONSOLE.txt"; then
	echo "FAIL guest_reached_end: qemu exited with $qrc before the end marker (see $CONSOLE.txt)"
	fail=$((fail + 1))
	tail -40 "$CONSOLE.txt" | sed 's/^/console: /' >&2
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
