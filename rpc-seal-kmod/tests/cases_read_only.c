// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool_tests: a sealed range stays read-only, whichever way a process
 * tries to write it.
 */
#include "rpcool_tests.h"

const char *t_seal_makes_range_read_only_for_sender(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int ret, sig;

	if (err)
		goto out;
	c.heap[page] = 'A';
	if (child_write(c.heap + page, 'B') != 0) {
		err = "write before the seal failed";
		goto out;
	}
	ret = seal(&c, page, 2 * page, &id);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf), "SEAL: %s", strerror(-ret));
		err = why_buf;
		goto out;
	}
	sig = child_write(c.heap + page, 'C');
	if (sig != SIGBUS && sig != SIGSEGV) {
		snprintf(why_buf, sizeof(why_buf), "child write: %s",
			 sig_name(sig));
		err = why_buf;
		goto out;
	}
	if (!write_kills(c.heap + 2 * page + 100)) {
		err = "second sealed page writable";
		goto out;
	}
	sig = self_write(c.heap + page, 'D');
	if (sig != SIGBUS && sig != SIGSEGV) {
		err = "the sealing process itself wrote the sealed page";
		goto out;
	}
	if (c.heap[page] != 'B' || c.rheap[page] != 'B') {
		err = "sealed contents changed";
		goto out;
	}
	if (child_write(c.heap, 'E') || child_write(c.heap + 3 * page, 'E'))
		err = "pages next to the sealed range became read-only";
out:
	teardown(&c);
	return err;
}

const char *t_seal_blocks_every_mapping_of_the_heap(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	c.rheap[page] = 'R';		/* PTE writable in the receiver */
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	if (!write_kills(c.rheap + page))
		err = "another process's writable mapping still writes";
	else if (!self_write(c.rheap + page, 'X') || c.heap[page] != 'R')
		err = "a writable PTE of another mapping survived the seal";
out:
	teardown(&c);
	return err;
}

const char *t_sealed_range_cannot_be_mprotected_writable(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	if (!mprotect(c.heap + page, page, PROT_READ | PROT_WRITE)) {
		err = "mprotect(RW) on the sealed page succeeded";
		goto out;
	}
	if (errno != EACCES) {
		snprintf(why_buf, sizeof(why_buf), "mprotect errno %s",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	if (mprotect(c.heap + page, page, PROT_READ)) {
		err = "mprotect(PROT_READ) refused";
		goto out;
	}
	if (!mprotect(c.heap + page, page, PROT_READ | PROT_WRITE)) {
		err = "mprotect(R) then mprotect(RW) succeeded";
		goto out;
	}
	if (!mprotect(c.heap, 4 * page, PROT_READ | PROT_WRITE)) {
		err = "mprotect(RW) over a range containing the seal succeeded";
		goto out;
	}
	if (!write_kills(c.heap + page))
		err = "sealed page writable after mprotect attempts";
out:
	teardown(&c);
	return err;
}

const char *t_sealed_range_cannot_be_pkey_mprotected_writable(void)
{
	struct ctx c;
	const char *err = setup(&c);
	long pkey = -1;
	__u64 id;

	if (err)
		goto out;
	pkey = syscall(SYS_pkey_alloc, 0, 0);
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	if (!syscall(SYS_pkey_mprotect, c.heap + page, page,
		     PROT_READ | PROT_WRITE, pkey < 0 ? -1 : pkey)) {
		snprintf(why_buf, sizeof(why_buf),
			 "pkey_mprotect(RW, key %ld) succeeded", pkey);
		err = why_buf;
		goto out;
	}
	if (errno != EACCES) {
		snprintf(why_buf, sizeof(why_buf), "pkey_mprotect errno %s",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	if (!write_kills(c.heap + page))
		err = "sealed page writable after pkey_mprotect";
out:
	if (pkey >= 0)
		syscall(SYS_pkey_free, pkey);
	teardown(&c);
	return err;
}

const char *t_sealed_range_cannot_be_mremapped(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char *dst = NULL, *r;
	__u64 id;

	if (err)
		goto out;
	c.heap[page] = 'M';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	dst = mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	r = mremap(c.heap + page, page, page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst);
	if (r != MAP_FAILED) {
		err = "mremap moved the sealed page";
		goto out;
	}
	r = mremap(c.heap, HEAP_SIZE, HEAP_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst);
	if (r != MAP_FAILED) {
		err = "mremap moved a mapping containing the sealed page";
		c.heap = NULL;
		goto out;
	}
	r = mremap(c.heap + page, 0, page, MREMAP_MAYMOVE);
	if (r != MAP_FAILED) {
		err = "mremap(old_size 0) duplicated the sealed page";
		munmap(r, page);
		goto out;
	}
	r = mremap(c.heap, HEAP_SIZE, 2 * HEAP_SIZE, MREMAP_MAYMOVE);
	if (r != MAP_FAILED) {
		err = "mremap grew the heap mapping";
		c.heap = r;
		goto out;
	}
	if (c.heap[page] != 'M' || !write_kills(c.heap + page))
		err = "sealed page changed or writable after mremap attempts";
out:
	if (dst)
		munmap(dst, 4 * page);
	teardown(&c);
	return err;
}

const char *t_munmap_then_fresh_mmap_cannot_write(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char *p, *at;
	__u64 id;

	if (err)
		goto out;
	c.heap[page] = 'U';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	at = c.heap + page;
	if (munmap(at, page)) {
		err = "munmap of the sealed page failed";
		goto out;
	}
	p = mmap(at, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 c.sfd, c.sa.heap_offset + page);
	if (p != MAP_FAILED) {
		err = "fresh writable mmap of the sealed page succeeded";
		goto out;
	}
	if (errno != EACCES) {
		snprintf(why_buf, sizeof(why_buf), "mmap errno %s",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	p = mmap(at, page, PROT_READ, MAP_SHARED | MAP_FIXED, c.sfd,
		 c.sa.heap_offset + page);
	if (p == MAP_FAILED) {
		err = "read-only mmap of the sealed page refused";
		goto out;
	}
	if (p[0] != 'U') {
		err = "fresh mapping shows other contents";
		goto out;
	}
	if (!mprotect(p, page, PROT_READ | PROT_WRITE)) {
		err = "fresh read-only mapping could be mprotected writable";
		goto out;
	}
	if (!write_kills(p))
		err = "fresh mapping writable";
out:
	teardown(&c);
	return err;
}

const char *t_second_writable_mapping_is_refused(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char *p;
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	p = map(c.sfd, HEAP_SIZE, PROT_READ | PROT_WRITE, c.sa.heap_offset);
	if (p) {
		munmap(p, HEAP_SIZE);
		err = "sender mapped the heap writable a second time";
		goto out;
	}
	p = map(c.rfd, HEAP_SIZE, PROT_READ | PROT_WRITE, c.ra.heap_offset);
	if (p) {
		munmap(p, HEAP_SIZE);
		err = "receiver's file mapped the sealed heap writable";
		goto out;
	}
	/* a writable mapping that avoids the sealed range is fine */
	p = map(c.sfd, page, PROT_READ | PROT_WRITE,
		c.sa.heap_offset + 4 * page);
	if (!p) {
		err = "writable mapping of an unsealed range refused";
		goto out;
	}
	munmap(p, page);
	p = map(c.sfd, HEAP_SIZE, PROT_READ, c.sa.heap_offset);
	if (!p) {
		err = "second read-only mapping refused";
		goto out;
	}
	if (!write_kills(p + page))
		err = "second mapping writes the sealed page";
	munmap(p, HEAP_SIZE);
out:
	teardown(&c);
	return err;
}

const char *t_proc_self_mem_write_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char v = 'P', *ro;
	int fd = -1;
	__u64 id;

	if (err)
		goto out;
	c.heap[page] = 'S';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0) {
		err = "open /proc/self/mem failed";
		goto out;
	}
	if (pwrite(fd, &v, 1, (off_t)(uintptr_t)(c.heap + 2 * page)) != 1) {
		err = "control: /proc/self/mem write to an unsealed page failed";
		goto out;
	}
	if (pwrite(fd, &v, 1, (off_t)(uintptr_t)(c.heap + page)) == 1 ||
	    c.heap[page] != 'S') {
		err = "/proc/self/mem wrote the sealed page";
		goto out;
	}
	/* FOLL_FORCE cannot write a shared mapping that lacks VM_WRITE */
	ro = map(c.sfd, page, PROT_READ, c.sa.heap_offset + 4 * page);
	if (!ro) {
		err = "read-only mapping refused";
		goto out;
	}
	if (pwrite(fd, &v, 1, (off_t)(uintptr_t)ro) == 1)
		err = "/proc/self/mem wrote through a read-only heap mapping";
	munmap(ro, page);
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

const char *t_process_vm_writev_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	struct iovec local, remote;
	char v = 'V';
	__u64 id;

	if (err)
		goto out;
	c.heap[page] = 'S';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	local.iov_base = &v;
	local.iov_len = 1;
	remote.iov_base = c.heap + page;
	remote.iov_len = 1;
	if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) == 1 ||
	    c.heap[page] != 'S')
		err = "process_vm_writev wrote the sealed page";
out:
	teardown(&c);
	return err;
}

const char *t_madvise_remove_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	c.heap[page] = 'S';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	if (!madvise(c.heap + page, page, MADV_REMOVE) || c.heap[page] != 'S')
		err = "MADV_REMOVE punched the sealed page";
out:
	teardown(&c);
	return err;
}

const char *t_map_files_reopen_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char path[128];
	int fd;

	if (err)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)c.heap, (unsigned long)c.heap + HEAP_SIZE);
	fd = open(path, O_RDWR);
	if (fd >= 0) {
		close(fd);
		err = "heap file reopened through /proc/self/map_files";
	}
out:
	teardown(&c);
	return err;
}

const char *t_remap_file_pages_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	/* re-map page 0 of the VMA to show heap page 1 */
	if (!remap_file_pages(c.heap, page, 0, 1, 0))
		err = write_kills(c.heap) ?
		      "remap_file_pages re-mapped the heap (read-only)" :
		      "remap_file_pages gave a writable view of the sealed page";
out:
	teardown(&c);
	return err;
}

/* UFFDIO_COPY into a hole of a sealed range would change it: no uffd at all. */
const char *t_userfaultfd_cannot_register_the_heap(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct ctx c;
	const char *err = setup(&c);
	int uffd = -1;

	if (err)
		goto out;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		snprintf(why_buf, sizeof(why_buf), "userfaultfd: %s",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	/* control: anonymous memory registers */
	reg.range.start = (uintptr_t)mmap(NULL, page, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		err = "control: userfaultfd refused anonymous memory";
		goto out;
	}
	munmap((void *)(uintptr_t)reg.range.start, page);
	reg.range.start = (uintptr_t)c.heap;
	reg.range.len = HEAP_SIZE;
	if (!ioctl(uffd, UFFDIO_REGISTER, &reg))
		err = "userfaultfd registered a heap mapping";
	reg.mode = UFFDIO_REGISTER_MODE_MINOR;
	if (!err && !ioctl(uffd, UFFDIO_REGISTER, &reg))
		err = "userfaultfd (minor) registered a heap mapping";
out:
	if (uffd >= 0)
		close(uffd);
	teardown(&c);
	return err;
}
