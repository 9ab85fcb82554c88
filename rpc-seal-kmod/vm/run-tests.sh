#!/bin/bash
# Build rpcool.ko and the static C tests, boot Debian's -amd64 kernel in qemu
# (software emulation, one CPU), run the tests in the guest and count the
# "PASS name" / "FAIL name: why" lines it prints.
#
# usage: rpc-seal-kmod/vm/run-tests.sh            (as root, on Debian 12)
#
# Environment:
#   RPCOOL_GUEST_JAVA  shell command line run in the guest after the C suite,
#                      from the project directory, chrooted into the host's
#                      root file system (read-only over 9p; tmpfs on /tmp,
#                      /var/tmp and /run; /dev/rpcool present). Its PASS/FAIL
#                      lines are counted too, a non-zero exit is a failure.
#   RPCOOL_VM_TIMEOUT  seconds before the guest is killed (default 480)
#   RPCOOL_VM_SMP      guest CPUs, 1 or 2 (default 1)
#   RPCOOL_VM_MEM      guest memory in MiB (default 2048)
#   KVER               kernel version (default: newest *-amd64 in /lib/modules)
#
# Prints every PASS/FAIL line, then one line "N passed, N failed". Exits 0
# only if nothing failed, something passed and the guest reached its end.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")			# rpc-seal-kmod/
PROJECT=$(dirname "$ROOT")		# the repository
CACHE=$ROOT/.cache
TIMEOUT=${RPCOOL_VM_TIMEOUT:-480}
SMP=${RPCOOL_VM_SMP:-1}
MEM=${RPCOOL_VM_MEM:-2048}
JAVA_CMD=${RPCOOL_GUEST_JAVA:-}

log() { echo "run-tests: $*" >&2; }

# ---- packages (only what is missing) --------------------------------------
PKGS=(qemu-system-x86 busybox-static cpio xz-utils kmod gcc make libc6-dev
      linux-image-amd64 linux-headers-amd64)
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
[ -n "$KVER" ] && [ -d "/lib/modules/$KVER/build" ] && [ -f "/boot/vmlinuz-$KVER" ] ||
	{ log "no -amd64 kernel image and headers found (KVER=$KVER)"; exit 2; }
log "kernel $KVER"
mkdir -p "$CACHE"

# ---- build -----------------------------------------------------------------
build() {	# quiet unless it fails
	"$@" >"$CACHE/build.log" 2>&1 || { cat "$CACHE/build.log" >&2; log "build failed: $*"; exit 2; }
}
build make -C "$ROOT/kmod" KVER="$KVER"
build make -C "$ROOT/tests" BUILD="$CACHE/bin"

# ---- kernel: the ELF vmlinux boots about twice as fast under TCG ------------
KERNEL=/boot/vmlinuz-$KVER
VMLINUX=$CACHE/vmlinux-$KVER
extract_vmlinux() {	# bzImage with an xz payload -> ELF vmlinux
	local off magic
	off=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$1" | head -1 | cut -d: -f1 || true)
	[ -n "$off" ] || return 1
	# xz stops at the end of the stream and complains about what follows
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
chmod 755 "$STAGE"			# becomes the guest's /
mkdir -p "$STAGE"/{bin,sbin,proc,sys,dev,tmp,mnt,etc}
cp /bin/busybox "$STAGE/bin/busybox"
for a in $("$STAGE/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$STAGE/bin/$a"
done
cp "$ROOT/kmod/rpcool.ko" "$STAGE/rpcool.ko"
cp "$CACHE/bin/rpcool_tests" "$STAGE/bin/"
cp "$HERE/init" "$STAGE/init"
chmod +x "$STAGE/init"
: >"$STAGE/modules.list"
VIRTFS=()
if [ -n "$JAVA_CMD" ]; then
	# 9p over virtio, dependencies first
	for m in 9p 9pnet_virtio virtio_pci; do
		modprobe -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' >"$STAGE/modules.list"
	while read -r ko; do
		mkdir -p "$STAGE$(dirname "$ko")"
		cp "$ko" "$STAGE$ko"
	done <"$STAGE/modules.list"
	q=${PROJECT//\'/\'\\\'\'}
	printf 'cd '\''%s'\'' || exit 1\n%s\n' "$q" "$JAVA_CMD" >"$STAGE/java.sh"
	VIRTFS=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
fi
INITRD=$CACHE/initramfs.cpio.gz
(cd "$STAGE" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$INITRD"

# ---- boot ------------------------------------------------------------------
CONSOLE=$CACHE/console.log
log "booting $(basename "$KERNEL") (timeout ${TIMEOUT}s)"
set +e
timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max \
	-m "$MEM" -smp "$SMP" -nic none -no-reboot \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 rdinit=/init quiet loglevel=3" \
	"${VIRTFS[@]}" \
	-display none -monitor none -serial stdio </dev/null >"$CONSOLE" 2>&1
qrc=$?
set -e

# ---- results ---------------------------------------------------------------
tr -d '\r' <"$CONSOLE" >"$CONSOLE.txt"
grep -E '^(PASS|FAIL) ' "$CONSOLE.txt" || true
pass=$(grep -cE '^PASS ' "$CONSOLE.txt" || true)
fail=$(grep -cE '^FAIL ' "$CONSOLE.txt" || true)
if ! grep -q '^RPCOOL-VM-END' "$CONSOLE.txt"; then
	echo "FAIL guest_reached_end: qemu exited with $qrc before the end marker (see $CONSOLE)"
	fail=$((fail + 1))
	tail -40 "$CONSOLE.txt" | sed 's/^/console: /' >&2
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
