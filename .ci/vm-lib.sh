# shellcheck shell=bash
# Shared part of the qemu guest harnesses (rpc-seal-kmod/vm/run-tests.sh,
# rpc-sandbox/vm/run-mpk-tests.sh): host packages, Debian's kernel image and
# headers, the busybox initramfs, the 9p exports, the boot and the count of
# the guest's result lines. Sourced, not run; needs bash, set -euo pipefail.
#
#   host                                   guest (busybox initramfs, /init)
#   ----                                   -----
#   /          --9p hostroot, ro-->        /mnt            (chroot for Java)
#   $PROJECT   --9p project,  ro-->        /mnt$PROJECT    (over the tmpfs on
#                                                           /mnt/tmp if need be)
#   .cache/kernel/<kver>/  (deb contents)  vmlinux, modules in the initramfs
#
# The guest side of the same steps is .ci/vm-guest.sh, copied into every
# initramfs as /vm-guest.sh and sourced by the guest's /init.
#
# Caller sets VM_LOG_TAG (log prefix) before sourcing; the functions set
# VM_* variables, documented at each function.

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_LOG_TAG=${VM_LOG_TAG:-vm}

# Paths removed when the harness exits.
VM_CLEANUP=()
vm_cleanup()
{
	local p
	for p in "${VM_CLEANUP[@]}"; do
		rm -rf "$p"
	done
}
trap vm_cleanup EXIT

vm_log()
{
	echo "$VM_LOG_TAG: $*" >&2
}

vm_die()
{
	vm_log "$*"
	exit 2
}

# vm_sh_quote WORD: WORD single-quoted for a POSIX shell (the guest's /bin/sh).
vm_sh_quote()
{
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

# vm_need_packages PKG...: apt-get install those that are not installed.
vm_need_packages()
{
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	vm_log "installing ${missing[*]}"
	[ "$(id -u)" = 0 ] || vm_die "need root to install packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || vm_log "apt-get update failed (offline?)"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- Debian's kernel --------------------------------------------------------
#
# The image and headers are not installed: the current pair of the running
# release's linux-image-<abi>-amd64 / linux-headers-<abi>-amd64 packages (and
# the headers' -common and linux-kbuild packages of the same version) is
# fetched with apt-get download and unpacked into CACHE/<kver>/, which then
# serves every later run, offline too. A new ABI in the archive replaces the
# cached one at the next run that can reach it.

# Print the kernel release that linux-image-amd64 currently depends on
# (e.g. 6.1.0-57-amd64), or nothing.
vm_apt_current_kver()
{
	{ apt-cache depends linux-image-amd64 2>/dev/null || true; } |
		sed -n 's/^ *Depends: linux-image-\(.*-amd64\)$/\1/p' | sort -V | tail -1
}

# Print the Debian version of an available package (candidate), or nothing.
vm_apt_version()
{
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}

# vm_kernel_fetch KVER DIR WITH_HEADERS: download and unpack into DIR.
vm_kernel_fetch()
{
	local kver=$1 dir=$2 headers=$3 ver debs deb dep kbuild=
	local pkgs host=()
	ver=$(vm_apt_version "linux-image-$kver")
	[ -n "$ver" ] || return 1
	pkgs=("linux-image-$kver=$ver")
	if [ "$headers" = 1 ]; then
		pkgs+=("linux-headers-$kver=$ver")
		for dep in $(apt-cache depends "linux-headers-$kver=$ver" | sed -n 's/^ *Depends: //p'); do
			case "$dep" in
			linux-headers-*-common) pkgs+=("$dep=$ver") ;;
			linux-kbuild-*) pkgs+=("$dep=$ver"); kbuild=$dep ;;
			linux-compiler-*) host+=("$dep") ;;	# depends on the gcc the kernel was built with
			esac
		done
		[ -n "$kbuild" ] || return 1
		# the kbuild tools' shared libraries
		for dep in $(apt-cache depends "$kbuild=$ver" | sed -n 's/^ *Depends: \([a-z0-9.+-]*\).*/\1/p'); do
			host+=("$dep")
		done
	fi
	vm_log "downloading ${pkgs[*]}"
	debs=$(mktemp -d)
	if ! (cd "$debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>&1); then
		rm -rf "$debs"
		return 1
	fi
	rm -rf "$dir.part"
	mkdir -p "$dir.part"
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$dir.part"
	done
	rm -rf "$debs"
	# a merged-/usr package has its modules under usr/lib/modules
	[ -d "$dir.part/lib/modules" ] || ln -s usr/lib "$dir.part/lib"
	[ -f "$dir.part/boot/vmlinuz-$kver" ] && depmod -b "$dir.part" "$kver" || return 1
	if [ "$headers" = 1 ]; then
		[ -f "$dir.part/usr/src/linux-headers-$kver/Makefile" ] || return 1
		printf '%s\n' "${host[@]}" >"$dir.part/.host-packages"
		: >"$dir.part/.headers-ok"
	fi
	printf '%s\n' "$ver" >"$dir.part/.version"
	: >"$dir.part/.image-ok"
	rm -rf "$dir"
	mv "$dir.part" "$dir"
}

# vm_kernel CACHE WITH_HEADERS (0|1)
# Sets VM_KVER (e.g. 6.1.0-57-amd64), VM_KROOT (unpacked packages: boot/,
# lib/modules/, usr/src/ with headers), VM_BOOT (what qemu boots: the ELF
# vmlinux unpacked from the bzImage when possible, about twice as fast to
# boot under TCG). KVER in the environment pins a version.
vm_kernel()
{
	local cache=$1 headers=$2 kver want tried_update=0 d
	local ok=.image-ok
	[ "$headers" = 1 ] && ok=.headers-ok
	mkdir -p "$cache"
	kver=${KVER:-}
	while :; do
		want=${kver:-$(vm_apt_current_kver)}
		if [ -n "$want" ] && [ -f "$cache/$want/$ok" ]; then
			kver=$want
			break
		fi
		if [ -n "$want" ] && [ "$(id -u)" = 0 ] && vm_kernel_fetch "$want" "$cache/$want" "$headers"; then
			kver=$want
			break
		fi
		# The package lists may name a kernel the archive no longer has.
		if [ "$tried_update" = 0 ] && [ "$(id -u)" = 0 ]; then
			tried_update=1
			vm_log "refreshing the package lists (apt-get update)"
			apt-get update -qq >/dev/null 2>&1 || vm_log "apt-get update failed (offline?)"
			continue
		fi
		# Offline: the newest kernel already in the cache.
		kver=$(find "$cache" -mindepth 2 -maxdepth 2 -name "$ok" -printf '%P\n' 2>/dev/null |
			sed 's#/.*##' | sort -V | tail -1)
		[ -n "$kver" ] || vm_die "no Debian kernel: apt-get download failed and $cache is empty"
		vm_log "kernel ${want:-?} not available, using the cached $kver"
		break
	done
	VM_KVER=$kver
	VM_KROOT=$cache/$kver
	# Keep only the kernel in use.
	for d in "$cache"/*/; do
		d=${d%/}
		[ "$d" = "$VM_KROOT" ] || rm -rf "$d"
	done
	if [ "$headers" = 1 ] && [ -s "$VM_KROOT/.host-packages" ]; then
		local host
		mapfile -t host <"$VM_KROOT/.host-packages"
		vm_need_packages "${host[@]}"
	fi
	VM_BOOT=$VM_KROOT/boot/vmlinuz-$kver
	if [ ! -s "$VM_KROOT/vmlinux" ]; then
		vm_extract_vmlinux "$VM_BOOT" "$VM_KROOT/vmlinux" || vm_log "no ELF vmlinux, booting the bzImage"
	fi
	[ -s "$VM_KROOT/vmlinux" ] && VM_BOOT=$VM_KROOT/vmlinux
	vm_log "kernel $VM_KVER ($(cat "$VM_KROOT/.version" 2>/dev/null || echo '?'))"
}

# vm_extract_vmlinux BZIMAGE OUT: the ELF vmlinux of a bzImage with an xz payload.
vm_extract_vmlinux()
{
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

# vm_kbuild_tree: a copy of the cached headers that Kbuild can use. Debian's
# headers Makefile includes the -common tree by absolute path, and make cannot
# work in a path with spaces, so the headers are hard-linked (copied across
# file systems) into a fresh directory under /tmp. Sets VM_KBUILD (the tree,
# removed on exit) and VM_KDIR (its headers directory).
vm_kbuild_tree()
{
	VM_KBUILD=$(mktemp -d /tmp/rpcool-kbuild.XXXXXX)
	VM_CLEANUP+=("$VM_KBUILD")
	cp -al "$VM_KROOT/usr" "$VM_KBUILD/usr" 2>/dev/null || cp -a "$VM_KROOT/usr" "$VM_KBUILD/usr"
	VM_KDIR=$VM_KBUILD/usr/src/linux-headers-$VM_KVER
	# sed -i writes a new file: the cached (linked) one stays as it was
	sed -i "s#^include /usr/src/#include $VM_KBUILD/usr/src/#" "$VM_KDIR/Makefile"
}

# ---- initramfs --------------------------------------------------------------

# vm_stage_new INIT: a fresh initramfs tree with busybox, INIT as /init and
# the guest library as /vm-guest.sh. Sets VM_STAGE (removed on exit).
vm_stage_new()
{
	local a
	VM_STAGE=$(mktemp -d)
	VM_CLEANUP+=("$VM_STAGE")
	chmod 755 "$VM_STAGE"			# becomes the guest's /
	mkdir -p "$VM_STAGE"/{bin,sbin,proc,sys,dev,tmp,mnt,etc}
	cp /bin/busybox "$VM_STAGE/bin/busybox"
	for a in $("$VM_STAGE/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$VM_STAGE/bin/$a"
	done
	cp "$1" "$VM_STAGE/init"
	cp "$VM_LIB_DIR/vm-guest.sh" "$VM_STAGE/vm-guest.sh"
	chmod +x "$VM_STAGE/init"
	: >"$VM_STAGE/modules.list"
}

# vm_stage_modules MODULE...: the modules and their dependencies, in load
# order, into the initramfs at their usual paths; /modules.list names them.
# (VM_KROOT may contain spaces: the path is all of an insmod line up to .ko.)
vm_stage_modules()
{
	local m ko rel
	for m in "$@"; do
		modprobe -d "$VM_KROOT" -S "$VM_KVER" --show-depends "$m" |
			sed -n 's/^insmod \(.*\.ko[^ ]*\).*$/\1/p'
	done | awk '!seen[$0]++' | while read -r ko; do
		rel=${ko#"$VM_KROOT"}
		mkdir -p "$VM_STAGE$(dirname "$rel")"
		cp "$ko" "$VM_STAGE$rel"
		printf '%s\n' "$rel"
	done >"$VM_STAGE/modules.list"
	[ -s "$VM_STAGE/modules.list" ] || vm_die "no modules found for $* in $VM_KROOT"
}

# vm_stage_host_export PROJECT [MODULE...]: the guest mounts the host's / and
# PROJECT (at the same path) over 9p; the MODULEs (e.g. virtio_net) load with
# the 9p ones. Sets VM_VIRTFS (qemu arguments).
vm_stage_host_export()
{
	local project=$1
	shift
	printf '%s\n' "$project" >"$VM_STAGE/project.path"
	vm_stage_modules 9p 9pnet_virtio virtio_pci "$@"
	# qemu option values escape a comma by doubling it
	VM_VIRTFS=(
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=${project//,/,,},mount_tag=project,security_model=none,readonly=on,multidevs=remap"
	)
}

# vm_stage_pack OUT: the initramfs, gzip'd newc cpio.
vm_stage_pack()
{
	(cd "$VM_STAGE" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$1"
}

# ---- boot and results -------------------------------------------------------

# vm_boot INITRD CONSOLE: boot VM_BOOT under TCG with VM_VIRTFS (may be
# empty), RPCOOL_VM_MEM / RPCOOL_VM_SMP / RPCOOL_VM_TIMEOUT as set by the
# caller (VM_MEM, VM_SMP, VM_TIMEOUT), VM_QEMU_EXTRA (more qemu arguments:
# devices, a network link) and VM_APPEND_EXTRA (more of the kernel command
# line), both optional. Sets VM_QEMU_RC.
vm_boot()
{
	local initrd=$1 console=$2
	vm_log "booting $(basename "$VM_BOOT") under qemu TCG -cpu max, $VM_SMP cpu(s) (timeout ${VM_TIMEOUT}s)"
	set +e
	timeout --kill-after=10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max \
		-m "$VM_MEM" -smp "$VM_SMP" -nic none -no-reboot \
		-kernel "$VM_BOOT" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 rdinit=/init quiet loglevel=3${VM_APPEND_EXTRA:+ $VM_APPEND_EXTRA}" \
		"${VM_VIRTFS[@]}" ${VM_QEMU_EXTRA[@]+"${VM_QEMU_EXTRA[@]}"} \
		-display none -monitor none -serial stdio </dev/null >"$console" 2>&1
	VM_QEMU_RC=$?
	set -e
}

# vm_results CONSOLE: print the guest's PASS/FAIL lines and "N passed,
# N failed"; a guest that did not reach its end marker is one more failure.
# Returns 0 only if nothing failed and something passed.
vm_results()
{
	local console=$1 pass fail
	tr -d '\r' <"$console" >"$console.txt"
	grep -E '^(guest|guest-java|bench):' "$console.txt" >&2 || true
	grep -E '^(PASS|FAIL) ' "$console.txt" || true
	pass=$(grep -cE '^PASS ' "$console.txt" || true)
	fail=$(grep -cE '^FAIL ' "$console.txt" || true)
	if ! grep -q '^RPCOOL-VM-END' "$console.txt"; then
		echo "FAIL guest_reached_end: qemu exited with $VM_QEMU_RC before the end marker (see $console.txt)"
		fail=$((fail + 1))
		tail -40 "$console.txt" | sed 's/^/console: /' >&2
	fi
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
