# Guest side of .ci/vm-lib.sh: sourced by the /init of a test guest (busybox
# sh). The initramfs holds /modules.list (9p and virtio modules in load order)
# and /project.path (the checkout's path on the host) when the harness
# exports the host's file systems. Result lines: "PASS name" / "FAIL name: why".
#
# Java runs chrooted into the host's root, read-only over 9p on /mnt, with
# tmpfs over /mnt/tmp, /mnt/var/tmp, /mnt/run and /mnt/dev/shm for scratch
# space. The checkout has a 9p export of its own, mounted at its host path
# last: wherever it lives (under /tmp too) the guest sees it there.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin

# The guest's own file systems and a banner.
guest_begin()
{
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /tmp
	ip link set lo up 2>/dev/null	# loopback only (qemu runs with -nic none)
	echo "guest: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpu(s)," \
		"pku: $(grep -m1 -o -w pku /proc/cpuinfo || echo no)," \
		"ospke: $(grep -m1 -o -w ospke /proc/cpuinfo || echo no)"
}

# Mount the host's root on /mnt and the checkout at its own path in it.
# Returns non-zero (after a FAIL line) if the host cannot be mounted.
guest_mount_host()
{
	local ko project
	while read -r ko; do
		insmod "$ko" || echo "guest: insmod $ko failed"
	done </modules.list
	if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /mnt; then
		echo "FAIL guest_java_command: 9p mount of the host root failed"
		return 1
	fi
	mount -t proc proc /mnt/proc
	mount -t sysfs sysfs /mnt/sys
	mount -t devtmpfs devtmpfs /mnt/dev
	mkdir -p /mnt/dev/shm
	mount -t tmpfs -o size=1g tmpfs /mnt/dev/shm
	for d in /mnt/tmp /mnt/var/tmp /mnt/run; do
		[ -d "$d" ] && mount -t tmpfs tmpfs "$d"
	done
	read -r project </project.path
	# Under a tmpfs just mounted the directory is missing: make it there.
	mkdir -p "/mnt$project" 2>/dev/null
	if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro project "/mnt$project"; then
		echo "FAIL guest_java_command: 9p mount of the checkout at $project failed"
		return 1
	fi
	echo "guest: host root on /mnt, checkout at $project"
}

# guest_run_chrooted SCRIPT TMPDIR: run SCRIPT with /bin/sh chrooted into
# /mnt, a clean environment and TMPDIR (a directory under a tmpfs); a
# non-zero exit is a FAIL line.
guest_run_chrooted()
{
	local rc
	mkdir -p "/mnt$2"
	cp "$1" /mnt/dev/shm/rpcool-guest-command.sh
	echo "guest: running the Java command"
	chroot /mnt /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TMPDIR="$2" LANG=C.UTF-8 \
		/bin/sh /dev/shm/rpcool-guest-command.sh 2>&1
	rc=$?
	echo "guest: Java command exited with $rc"
	[ "$rc" = 0 ] || echo "FAIL guest_java_command: exit status $rc"
}

guest_unmount_host()
{
	local project d
	read -r project </project.path
	umount "/mnt$project" 2>/dev/null
	for d in /mnt/run /mnt/var/tmp /mnt/tmp /mnt/dev/shm /mnt/dev /mnt/sys /mnt/proc /mnt; do
		umount "$d" 2>/dev/null
	done
}

# PASS kernel_log_clean unless dmesg shows a warning, an oops or a BUG.
guest_check_kernel_log()
{
	local bad
	bad=$(dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|kernel BUG|RIP:' | head -3)
	if [ -z "$bad" ]; then
		echo "PASS kernel_log_clean"
	else
		echo "FAIL kernel_log_clean: $(echo "$bad" | tr '\n' '|')"
		dmesg | tail -60 | sed 's/^/guest dmesg: /'
	fi
}

# The end marker the harness looks for, then power off (qemu exits 0).
guest_end()
{
	echo "RPCOOL-VM-END"
	poweroff -f
}
