#!/bin/bash
# ./rpcool cxl-test: two qemu guests, each with its own kernel (Debian's, under TCG), share one
# pool device and a network link, both kept on this machine:
#
#   host file /dev/shm/cxltest-pool-PID (64 MiB)
#     = memory-backend-file,share=on --> ivshmem-plain BAR2 in guest a and in guest b
#   qemu a: -netdev socket,listen=127.0.0.1:PORT  <-->  qemu b: -netdev socket,connect=...
#           virtio-net 10.77.5.1                          virtio-net 10.77.5.2
#
# Guest a runs ZooKeeper, the orchestrator (which claims the BAR as the pool device) and a daemon
# (io.rpcool.orchestrator.CxlGuestMain), and a server JVM; guest b runs a daemon and a client that
# calls the server with pointer-rich data, then guest a kills the server with kill -9 and takes every
# free range while guest b still maps its heap; then this script kills guest b's qemu (the whole
# guest, kill -9) and guest a waits until guest b's session expired and every range is back.
# Boot, kernel, initramfs and 9p plumbing: .ci/vm-lib.sh and .ci/vm-guest.sh.
#
# Prints each guest's PASS/FAIL lines, then "N passed, N failed"; exits 0 only if all passed.
#
# Environment: RPCOOL_VM_TIMEOUT (default 1500 s), RPCOOL_VM_MEM (MiB per guest, default 1536),
# RPCOOL_VM_JAVA (default /usr/bin/java), RPCOOL_SKIP_BUILD=1, KVER.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(dirname "$HERE")		# orchestrator/
PROJECT=$(dirname "$MODULE")
VM_TIMEOUT=${RPCOOL_VM_TIMEOUT:-1500}
VM_SMP=1
VM_MEM=${RPCOOL_VM_MEM:-1536}
JAVA=${RPCOOL_VM_JAVA:-/usr/bin/java}
VM_LOG_TAG=cxl-test
# shellcheck source-path=SCRIPTDIR source=../../.ci/vm-lib.sh
. "$PROJECT/.ci/vm-lib.sh"
start=$(date +%s)

vm_need_packages qemu-system-x86 busybox-static cpio xz-utils kmod
vm_kernel "$PROJECT/rpc-seal-kmod/.cache/kernel" 0

if [ "${RPCOOL_SKIP_BUILD:-0}" != 1 ]; then
	vm_log "building (./mvnw -q -B -DskipTests -pl orchestrator -am package)"
	(cd "$PROJECT" && ./mvnw -q -B -DskipTests -pl orchestrator -am package) >&2
fi
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"
FLAGS="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED"

vm_stage_new "$HERE/init"
vm_stage_host_export "$PROJECT" virtio_net
cat >"$VM_STAGE/cxl-guest.sh" <<GUEST
role=\$(sed -n 's/.*rpcool\\.role=\\([ab]\\).*/\\1/p' /proc/cmdline)
dev=
for d in /sys/bus/pci/devices/*; do
	[ "\$(cat \$d/vendor)" = 0x1af4 ] && [ "\$(cat \$d/device)" = 0x1110 ] && dev=\$d/resource2
done
if [ -z "\$dev" ]; then echo "FAIL ivshmem_bar_found: no 1af4:1110 device"; exit 1; fi
echo "PASS ivshmem_bar_found: \$dev"
exec $(vm_sh_quote "$JAVA") $FLAGS -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \\
	-Drpcool.zk.connectTimeoutMs=600000 -Drpcool.orchestrator.reclaimDelayMs=1000 \\
	-cp $(vm_sh_quote "$CP") io.rpcool.orchestrator.CxlGuestMain "\$role" "\$dev" /tmp/cxl/run 10.77.5.1 \\
	$(vm_sh_quote "$JAVA") $(vm_sh_quote "$CP")
GUEST
chmod +x "$VM_STAGE/cxl-guest.sh"
INITRD=$(mktemp /tmp/cxl-initrd.XXXXXX)
VM_CLEANUP+=("$INITRD")
vm_stage_pack "$INITRD"

POOL=/dev/shm/cxltest-pool-$$
truncate -s 64M "$POOL"
VM_CLEANUP+=("$POOL")
PORT=$((20000 + $$ % 20000))
OUT=$MODULE/target/cxl-test
mkdir -p "$OUT"
DEVICE=(-object "memory-backend-file,id=pool,share=on,mem-path=$POOL,size=64M" -device ivshmem-plain,memdev=pool)

VM_QEMU_EXTRA=("${DEVICE[@]}" -netdev "socket,id=n0,listen=127.0.0.1:$PORT" -device virtio-net-pci,netdev=n0,mac=52:54:00:77:05:01)
VM_APPEND_EXTRA=rpcool.role=a
vm_boot "$INITRD" "$OUT/console-a" &
pid_a=$!
sleep 2				# qemu a listens before qemu b connects
VM_QEMU_EXTRA=("${DEVICE[@]}" -netdev "socket,id=n0,connect=127.0.0.1:$PORT" -device virtio-net-pci,netdev=n0,mac=52:54:00:77:05:02)
VM_APPEND_EXTRA=rpcool.role=b
vm_boot "$INITRD" "$OUT/console-b" &
pid_b=$!
# Guest b asks to be lost whole once guest a has swept the pool: kill its qemu (found by this
# run's own pool file and guest b's MAC address).
killed_b=0
while kill -0 "$pid_b" 2>/dev/null; do
	if grep -q '^CXL-KILL-ME' "$OUT/console-b" 2>/dev/null; then
		qemu_b=$(pgrep -f "^qemu-system-x86_64 .*mem-path=$POOL,.*mac=52:54:00:77:05:02" | head -1 || true)
		if [ -n "$qemu_b" ] && kill -9 "$qemu_b"; then
			killed_b=1
			vm_log "killed guest b (qemu pid $qemu_b)"
		fi
		break
	fi
	sleep 1
done
wait "$pid_a" || true
wait "$pid_b" || true

pass=0
fail=0
for g in a b; do
	VM_QEMU_RC="(see $OUT/console-$g)"
	vm_results "$OUT/console-$g" >"$OUT/results-$g" || true
	lines=$(sed -n '/^\(PASS\|FAIL\) /s/^/guest '$g': /p' "$OUT/results-$g")
	if [ "$g" = b ] && [ "$killed_b" = 1 ]; then
		lines=$(printf '%s\n' "$lines" | grep -v 'FAIL guest_reached_end' || true)
	fi
	printf '%s\n' "$lines"
	read -r p _ f _ < <(tail -1 "$OUT/results-$g")
	if [ "$g" = b ] && [ "$killed_b" = 1 ] && grep -q '^FAIL guest_reached_end' "$OUT/results-$g"; then
		echo "guest b: PASS whole_guest_killed: no end marker, as expected"
		p=$((p + 1))
		f=$((f - 1))
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
# The string guest a's server allocated is read by guest b at the same address.
at_a=$(sed -n 's/^GREETING at \(0x[0-9a-f]*\).*/\1/p' "$OUT/console-a.txt" | head -1)
at_b=$(sed -n 's/^GREETING \(0x[0-9a-f]*\) .*/\1/p' "$OUT/console-b.txt" | head -1)
if [ -n "$at_a" ] && [ "$at_a" = "$at_b" ]; then
	echo "PASS string_address_same_in_both_guests: $at_a"
	pass=$((pass + 1))
else
	echo "FAIL string_address_same_in_both_guests: a wrote at '${at_a}', b read at '${at_b}'"
	fail=$((fail + 1))
fi
vm_log "$(( $(date +%s) - start )) s wall; consoles in $OUT"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
