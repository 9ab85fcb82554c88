#!/bin/bash
# Build rpcool.ko and the static C tests, boot Debian's -amd64 kernel in qemu
# (software emulation), run the tests in the guest and count the
# "PASS name" / "FAIL name: why" lines it prints. Boot, kernel, initramfs and
# 9p plumbing: .ci/vm-lib.sh (host) and .ci/vm-guest.sh (guest).
#
# usage: rpc-seal-kmod/vm/run-tests.sh            (as root, on Debian)
#
# The kernel is the current linux-image-<abi>-amd64 of the running Debian
# release with its headers, downloaded once (apt-get download) and unpacked
# into rpc-seal-kmod/.cache/kernel/<abi>-amd64/; later runs, offline ones
# too, use that cache.
#
# Environment:
#   RPCOOL_GUEST_JAVA  shell command line run in the guest after the C suite,
#                      from the checkout's directory, chrooted into the host's
#                      root file system (read-only over 9p; the checkout at
#                      its own path through a 9p export of its own; tmpfs on
#                      /tmp, /var/tmp, /run and /dev/shm; /dev/rpcool present).
#                      Its PASS/FAIL lines are counted too, a non-zero exit is
#                      a failure.
#   RPCOOL_VM_TIMEOUT  seconds before the guest is killed (default 900)
#   RPCOOL_VM_SMP      guest CPUs, 1 or 2 (default 1)
#   RPCOOL_VM_MEM      guest memory in MiB (default 2048)
#   KVER               kernel release to use (default: the archive's current one)
#
# Prints every PASS/FAIL line, then one line "N passed, N failed". Exits 0
# only if nothing failed, something passed and the guest reached its end.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")			# rpc-seal-kmod/
PROJECT=$(dirname "$ROOT")		# the repository
CACHE=$ROOT/.cache
VM_TIMEOUT=${RPCOOL_VM_TIMEOUT:-900}
VM_SMP=${RPCOOL_VM_SMP:-1}
VM_MEM=${RPCOOL_VM_MEM:-2048}
JAVA_CMD=${RPCOOL_GUEST_JAVA:-}
VM_LOG_TAG=run-tests
# shellcheck source-path=SCRIPTDIR source=../../.ci/vm-lib.sh
. "$PROJECT/.ci/vm-lib.sh"

vm_need_packages qemu-system-x86 busybox-static cpio xz-utils kmod gcc make libc6-dev
mkdir -p "$CACHE"
vm_kernel "$CACHE/kernel" 1

# ---- build (in a directory without spaces: make cannot work in one) --------
build()		# quiet unless it fails
{
	"$@" >"$CACHE/build.log" 2>&1 || { cat "$CACHE/build.log" >&2; vm_die "build failed: $*"; }
}
vm_kbuild_tree
cp -r "$ROOT/kmod" "$ROOT/tests" "$VM_KBUILD/"
build make -C "$VM_KDIR" M="$VM_KBUILD/kmod" modules
build make -C "$VM_KBUILD/tests" BUILD="$VM_KBUILD/bin"
mkdir -p "$CACHE/bin"
cp "$VM_KBUILD/kmod/rpcool.ko" "$CACHE/rpcool.ko"
cp "$VM_KBUILD/bin/rpcool_tests" "$CACHE/bin/rpcool_tests"

# ---- initramfs -------------------------------------------------------------
vm_stage_new "$HERE/init"
cp "$CACHE/rpcool.ko" "$VM_STAGE/rpcool.ko"
cp "$CACHE/bin/rpcool_tests" "$VM_STAGE/bin/"
VM_VIRTFS=()
if [ -n "$JAVA_CMD" ]; then
	vm_stage_host_export "$PROJECT"
	printf 'cd %s || exit 1\n%s\n' "$(vm_sh_quote "$PROJECT")" "$JAVA_CMD" >"$VM_STAGE/java.sh"
fi
INITRD=$CACHE/initramfs.cpio.gz
vm_stage_pack "$INITRD"

# ---- boot and results ------------------------------------------------------
CONSOLE=$CACHE/console.log
vm_boot "$INITRD" "$CONSOLE"
vm_results "$CONSOLE"
