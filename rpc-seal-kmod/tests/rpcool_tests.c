// SPDX-License-Identifier: GPL-2.0
/*
 * Test suite for rpcool.ko, run as root inside the test VM with the module
 * loaded. Prints one line per test, "PASS name" or "FAIL name: reason".
 *
 *   rpcool_tests                run every test
 *   rpcool_tests NAME...        run the named tests
 *   rpcool_tests --idle-check   only check that the module holds no objects
 *
 * Writes that must be refused are attempted in a forked child (the child
 * inherits the mapping) and the child must die of SIGBUS or SIGSEGV, or in
 * this process under a SIGBUS/SIGSEGV handler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "rpcool_uapi.h"

/* The layout that user space (including the Java binding) relies on. */
_Static_assert(sizeof(struct rpcool_desc) == RPCOOL_DESC_SIZE, "desc");
_Static_assert(offsetof(struct rpcool_desc, state) == 36, "desc.state");
_Static_assert(offsetof(struct rpcool_desc, seal_time_ns) == 48, "desc.ns");
_Static_assert(sizeof(struct rpcool_ring_header) == RPCOOL_RING_HEADER_SIZE,
	       "ring header");
_Static_assert(sizeof(struct rpcool_info) == 64, "info");
_Static_assert(sizeof(struct rpcool_heap_create) == 24, "heap_create");
_Static_assert(sizeof(struct rpcool_grant) == 24, "grant");
_Static_assert(sizeof(struct rpcool_attach) == 64, "attach");
_Static_assert(sizeof(struct rpcool_seal) == 32, "seal");
_Static_assert(sizeof(struct rpcool_seal_ref) == 16, "seal_ref");
_Static_assert(sizeof(struct rpcool_batch_release) == 24, "batch_release");
/* ioctl numbers as literal values (what a binding without the header uses) */
_Static_assert(RPCOOL_IOC_INFO == 0x8040c700, "INFO");
_Static_assert(RPCOOL_IOC_HEAP_CREATE == 0xc018c701, "HEAP_CREATE");
_Static_assert(RPCOOL_IOC_HEAP_DESTROY == 0x4008c702, "HEAP_DESTROY");
_Static_assert(RPCOOL_IOC_GRANT == 0xc018c703, "GRANT");
_Static_assert(RPCOOL_IOC_ATTACH == 0xc040c704, "ATTACH");
_Static_assert(RPCOOL_IOC_DETACH == 0x4004c705, "DETACH");
_Static_assert(RPCOOL_IOC_SEAL == 0xc020c706, "SEAL");
_Static_assert(RPCOOL_IOC_COMPLETE == 0x4010c707, "COMPLETE");
_Static_assert(RPCOOL_IOC_RELEASE == 0x4010c708, "RELEASE");
_Static_assert(RPCOOL_IOC_BATCH_RELEASE == 0xc018c709, "BATCH_RELEASE");
_Static_assert(RPCOOL_MMAP_OFFSET(1, 1, 0) == 0x18000000000ULL, "mmap offset");

#define HEAP_SIZE	(1UL << 20)
#define RING_SLOTS	128

static size_t page;
static char why_buf[512];
static int passed, failed;

#define FAILF(...)							\
	do {								\
		snprintf(why_buf, sizeof(why_buf), __VA_ARGS__);	\
		return why_buf;						\
	} while (0)

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			FAILF(__VA_ARGS__);				\
	} while (0)

/* ioctl returning 0 or -errno */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int open_dev(void)
{
	return open(RPCOOL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

/*
 * One heap with a sender (WRITE|SEAL) and a receiver (WRITE|COMPLETE),
 * each on its own /dev/rpcool file, as two processes would have it.
 */
struct ctx {
	int daemon;
	__u64 heap_id;
	int sfd, rfd;
	struct rpcool_attach sa, ra;
	char *heap;		/* sender's mapping, read-write */
	char *rheap;		/* receiver's mapping, read-write */
	char *sring;		/* sender's ring, read-only */
	char *rring;		/* receiver's ring, read-write */
};

static struct rpcool_desc *desc_of(char *ring, __u64 seal_id)
{
	return (struct rpcool_desc *)(ring + RPCOOL_RING_HEADER_SIZE) +
	       (__u32)seal_id;
}

static int create_heap(int daemon, size_t size, __u32 slots, __u64 *id)
{
	struct rpcool_heap_create hc = { .size = size, .ring_slots = slots };
	int ret = xioctl(daemon, RPCOOL_IOC_HEAP_CREATE, &hc);

	*id = hc.heap_id;
	return ret;
}

static int grant(int daemon, __u64 heap_id, pid_t pid, __u32 rights,
		 __u64 *token)
{
	struct rpcool_grant g = { .heap_id = heap_id, .pid = pid,
				  .rights = rights };
	int ret = xioctl(daemon, RPCOOL_IOC_GRANT, &g);

	*token = g.token;
	return ret;
}

static int attach(int fd, __u64 token, struct rpcool_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->token = token;
	return xioctl(fd, RPCOOL_IOC_ATTACH, a);
}

/* Grant and attach in one go on @fd. */
static int grant_attach(int daemon, __u64 heap_id, __u32 rights, int fd,
			struct rpcool_attach *a)
{
	__u64 token;
	int ret = grant(daemon, heap_id, getpid(), rights, &token);

	return ret ? ret : attach(fd, token, a);
}

static void *map(int fd, size_t len, int prot, __u64 off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static void teardown(struct ctx *c)
{
	if (c->heap)
		munmap(c->heap, HEAP_SIZE);
	if (c->rheap)
		munmap(c->rheap, HEAP_SIZE);
	if (c->sring)
		munmap(c->sring, c->sa.ring_size);
	if (c->rring)
		munmap(c->rring, c->ra.ring_size);
	if (c->sfd >= 0)
		close(c->sfd);
	if (c->rfd >= 0)
		close(c->rfd);
	if (c->daemon >= 0)
		close(c->daemon);
	memset(c, 0, sizeof(*c));
	c->daemon = c->sfd = c->rfd = -1;
}

static const char *setup(struct ctx *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->daemon = open_dev();
	c->sfd = open_dev();
	c->rfd = open_dev();
	CHECK(c->daemon >= 0 && c->sfd >= 0 && c->rfd >= 0,
	      "setup: open %s: %s", RPCOOL_DEVICE_PATH, strerror(errno));
	ret = create_heap(c->daemon, HEAP_SIZE, RING_SLOTS, &c->heap_id);
	CHECK(!ret, "setup: HEAP_CREATE: %s", strerror(-ret));
	ret = grant_attach(c->daemon, c->heap_id,
			   RPCOOL_RIGHT_WRITE | RPCOOL_RIGHT_SEAL, c->sfd, &c->sa);
	CHECK(!ret, "setup: sender grant/attach: %s", strerror(-ret));
	ret = grant_attach(c->daemon, c->heap_id,
			   RPCOOL_RIGHT_WRITE | RPCOOL_RIGHT_COMPLETE, c->rfd,
			   &c->ra);
	CHECK(!ret, "setup: receiver grant/attach: %s", strerror(-ret));
	c->heap = map(c->sfd, HEAP_SIZE, PROT_READ | PROT_WRITE,
		      c->sa.heap_offset);
	CHECK(c->heap, "setup: mmap sender heap: %s", strerror(errno));
	c->rheap = map(c->rfd, HEAP_SIZE, PROT_READ | PROT_WRITE,
		       c->ra.heap_offset);
	CHECK(c->rheap, "setup: mmap receiver heap: %s", strerror(errno));
	c->sring = map(c->sfd, c->sa.ring_size, PROT_READ, c->sa.ring_offset);
	CHECK(c->sring, "setup: mmap sender ring: %s", strerror(errno));
	c->rring = map(c->rfd, c->ra.ring_size, PROT_READ | PROT_WRITE,
		       c->ra.ring_offset);
	CHECK(c->rring, "setup: mmap receiver ring: %s", strerror(errno));
	return NULL;
}

static int seal(struct ctx *c, size_t off, size_t len, __u64 *id)
{
	struct rpcool_seal s = { .handle = c->sa.handle, .offset = off,
				 .length = len };
	int ret = xioctl(c->sfd, RPCOOL_IOC_SEAL, &s);

	*id = s.seal_id;
	return ret;
}

static int release(struct ctx *c, __u64 id)
{
	struct rpcool_seal_ref r = { .handle = c->sa.handle, .seal_id = id };

	return xioctl(c->sfd, RPCOOL_IOC_RELEASE, &r);
}

static int complete_ioctl(int fd, __u32 handle, __u64 id)
{
	struct rpcool_seal_ref r = { .handle = handle, .seal_id = id };

	return xioctl(fd, RPCOOL_IOC_COMPLETE, &r);
}

/* The receiver completes by a store into its writable ring. */
static void complete_in_ring(struct ctx *c, __u64 id)
{
	__atomic_store_n(&desc_of(c->rring, id)->state, RPCOOL_STATE_COMPLETE,
			 __ATOMIC_RELEASE);
}

/* Write one byte in a forked child; return the signal that killed it or 0. */
static int child_write(volatile char *p, char v)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		*p = v;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return WTERMSIG(st);
	return WEXITSTATUS(st) ? -1 : 0;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case 0:
		return "no signal, the write went through";
	case SIGBUS:
		return "SIGBUS";
	case SIGSEGV:
		return "SIGSEGV";
	default:
		return "unexpected outcome";
	}
}

static int write_kills(volatile char *p)
{
	int sig = child_write(p, 0x5a);

	return sig == SIGBUS || sig == SIGSEGV;
}

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

/* Write in this very process; return the fault signal or 0. */
static int self_write(volatile char *p, char v)
{
	struct sigaction sa = { .sa_handler = on_fault };
	struct sigaction old_bus, old_segv;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	fault_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*p = v;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return fault_sig;
}

static int info(struct rpcool_info *in)
{
	int fd = open_dev(), ret;

	if (fd < 0)
		return -errno;
	ret = xioctl(fd, RPCOOL_IOC_INFO, in);
	close(fd);
	return ret;
}

/* ---- tests ---------------------------------------------------------- */

static const char *t_info_reports_version(void)
{
	struct rpcool_info in;
	int ret = info(&in);

	CHECK(!ret, "INFO: %s", strerror(-ret));
	CHECK(in.version == RPCOOL_VERSION, "version %#x, header says %#x",
	      in.version, RPCOOL_VERSION);
	CHECK(in.page_size == page, "page_size %u", in.page_size);
	CHECK(in.desc_size == RPCOOL_DESC_SIZE, "desc_size %u", in.desc_size);
	CHECK(in.flags & RPCOOL_INFO_DAEMON, "root is not a daemon");
	CHECK(in.files == 1, "files = %llu with one file open",
	      (unsigned long long)in.files);
	return NULL;
}

static const char *t_unprivileged_process_cannot_create_heaps(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct rpcool_info in;
		__u64 id;
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = open_dev();
		if (fd < 0) {
			printf("# open as nobody: %s\n", strerror(errno));
			_exit(11);
		}
		if (xioctl(fd, RPCOOL_IOC_INFO, &in) || (in.flags & RPCOOL_INFO_DAEMON))
			_exit(12);
		if (create_heap(fd, HEAP_SIZE, 0, &id) != -EPERM)
			_exit(13);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child died");
	CHECK(WEXITSTATUS(st) == 0, "child step %d failed (10 setuid, 11 open, "
	      "12 daemon flag set, 13 HEAP_CREATE not EPERM)", WEXITSTATUS(st));
	return NULL;
}

static const char *t_mmap_without_grant_is_refused(void)
{
	struct ctx c;
	const char *err = setup(&c);
	int fd = -1;
	void *p;

	if (err)
		goto out;
	fd = open_dev();
	/* same handle number, different file: nothing is attached there */
	p = mmap(NULL, HEAP_SIZE, PROT_READ, MAP_SHARED, fd, c.sa.heap_offset);
	if (p != MAP_FAILED) {
		munmap(p, HEAP_SIZE);
		err = "heap mapped through a file without a grant";
		goto out;
	}
	if (errno != EACCES) {
		snprintf(why_buf, sizeof(why_buf), "errno %s, want EACCES",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, c.sa.ring_offset);
	if (p != MAP_FAILED) {
		munmap(p, page);
		err = "ring mapped through a file without a grant";
	}
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

static const char *t_unknown_token_is_refused(void)
{
	struct rpcool_attach a;
	int fd = open_dev(), ret;

	ret = attach(fd, 0x1234567890abcdefULL, &a);
	close(fd);
	CHECK(ret == -EACCES, "ATTACH with a made-up token: %s",
	      ret ? strerror(-ret) : "accepted");
	return NULL;
}

static const char *t_grant_token_is_one_time(void)
{
	struct rpcool_attach a;
	struct ctx c;
	const char *err = setup(&c);
	__u64 token;
	int fd, ret;

	if (err)
		goto out;
	fd = open_dev();
	ret = grant(c.daemon, c.heap_id, 0, RPCOOL_RIGHT_WRITE, &token);
	if (!ret)
		ret = attach(fd, token, &a);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf), "first ATTACH: %s",
			 strerror(-ret));
		err = why_buf;
	} else if ((ret = attach(c.rfd, token, &a)) != -EACCES) {
		snprintf(why_buf, sizeof(why_buf), "second ATTACH: %s",
			 ret ? strerror(-ret) : "accepted");
		err = why_buf;
	}
	close(fd);
out:
	teardown(&c);
	return err;
}

static const char *t_grant_bound_to_pid_refuses_other_process(void)
{
	struct rpcool_attach a;
	struct ctx c;
	const char *err = setup(&c);
	__u64 token;
	pid_t pid;
	int st, ret;

	if (err)
		goto out;
	ret = grant(c.daemon, c.heap_id, getpid(), RPCOOL_RIGHT_WRITE, &token);
	if (ret) {
		err = "GRANT failed";
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		int fd = open_dev();

		_exit(attach(fd, token, &a) == -EACCES ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		err = "another process redeemed a pid-bound token";
		goto out;
	}
	ret = attach(c.rfd, token, &a);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf),
			 "the named process could not redeem it: %s",
			 strerror(-ret));
		err = why_buf;
	}
out:
	teardown(&c);
	return err;
}

static const char *t_grant_without_write_maps_read_only(void)
{
	struct rpcool_attach a;
	struct ctx c;
	const char *err = setup(&c);
	char *p = NULL;
	int fd = -1;

	if (err)
		goto out;
	fd = open_dev();
	if (grant_attach(c.daemon, c.heap_id, 0, fd, &a)) {
		err = "grant/attach failed";
		goto out;
	}
	if (map(fd, HEAP_SIZE, PROT_READ | PROT_WRITE, a.heap_offset)) {
		err = "read-only grant mapped writable";
		goto out;
	}
	p = map(fd, HEAP_SIZE, PROT_READ, a.heap_offset);
	if (!p) {
		err = "read-only mapping refused";
		goto out;
	}
	if (!mprotect(p, page, PROT_READ | PROT_WRITE))
		err = "mprotect made a read-only grant writable";
	else if (!write_kills(p))
		err = "write through a read-only grant";
out:
	if (p)
		munmap(p, HEAP_SIZE);
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

static const char *t_seal_makes_range_read_only_for_sender(void)
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

static const char *t_seal_blocks_every_mapping_of_the_heap(void)
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

static const char *t_sealed_range_cannot_be_mprotected_writable(void)
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

static const char *t_sealed_range_cannot_be_pkey_mprotected_writable(void)
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

static const char *t_sealed_range_cannot_be_mremapped(void)
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

static const char *t_munmap_then_fresh_mmap_cannot_write(void)
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

static const char *t_second_writable_mapping_is_refused(void)
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

static const char *t_proc_self_mem_write_fails(void)
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

static const char *t_process_vm_writev_fails(void)
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

static const char *t_madvise_remove_fails(void)
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

static const char *t_map_files_reopen_fails(void)
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

static const char *t_remap_file_pages_fails(void)
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
static const char *t_userfaultfd_cannot_register_the_heap(void)
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

static const char *t_ring_is_read_only_for_sender(void)
{
	struct ctx c;
	const char *err = setup(&c);
	char v = 9;
	int fd = -1;
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	if (!write_kills(c.sring + RPCOOL_RING_HEADER_SIZE + 36)) {
		err = "sender wrote its descriptor";
		goto out;
	}
	if (!mprotect(c.sring, page, PROT_READ | PROT_WRITE)) {
		err = "sender mprotected the ring writable";
		goto out;
	}
	if (map(c.sfd, c.sa.ring_size, PROT_READ | PROT_WRITE,
		c.sa.ring_offset)) {
		err = "sender mapped the ring writable";
		goto out;
	}
	fd = open("/proc/self/mem", O_RDWR);
	if (pwrite(fd, &v, 1, (off_t)(uintptr_t)(c.sring +
		   RPCOOL_RING_HEADER_SIZE + 36)) == 1) {
		err = "sender wrote its descriptor through /proc/self/mem";
		goto out;
	}
	if (desc_of(c.sring, id)->state != RPCOOL_STATE_SEALED)
		err = "descriptor state changed";
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

static const char *t_descriptor_is_written_by_kernel(void)
{
	struct rpcool_ring_header *h;
	struct rpcool_desc *d;
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	h = (struct rpcool_ring_header *)c.sring;
	if (h->magic != RPCOOL_RING_MAGIC || h->version != RPCOOL_VERSION ||
	    h->heap_id != c.heap_id || h->slot_count != RING_SLOTS ||
	    h->desc_size != RPCOOL_DESC_SIZE || h->heap_size != HEAP_SIZE) {
		err = "ring header does not describe the heap";
		goto out;
	}
	if (c.sa.ring_slots != RING_SLOTS || c.sa.heap_size != HEAP_SIZE ||
	    c.sa.heap_id != c.heap_id) {
		err = "ATTACH reply does not describe the heap";
		goto out;
	}
	if (seal(&c, 3 * page, 2 * page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	d = desc_of(c.sring, id);
	if (d->seal_id != id || d->heap_id != c.heap_id ||
	    d->offset != 3 * page || d->length != 2 * page ||
	    d->sender_pid != (__u32)getpid() ||
	    d->state != RPCOOL_STATE_SEALED || d->generation != id >> 32 ||
	    !d->seal_time_ns) {
		snprintf(why_buf, sizeof(why_buf),
			 "descriptor {id %llx heap %llu off %llu len %llu pid %u state %u gen %u}",
			 (unsigned long long)d->seal_id,
			 (unsigned long long)d->heap_id,
			 (unsigned long long)d->offset,
			 (unsigned long long)d->length, d->sender_pid,
			 d->state, d->generation);
		err = why_buf;
		goto out;
	}
	if (memcmp(d, desc_of(c.rring, id), sizeof(*d)))
		err = "sender and receiver see different descriptors";
out:
	teardown(&c);
	return err;
}

static const char *t_release_before_completion_fails(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int ret;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	ret = release(&c, id);
	if (ret != -EBUSY) {
		snprintf(why_buf, sizeof(why_buf), "RELEASE: %s",
			 ret ? strerror(-ret) : "succeeded");
		err = why_buf;
		goto out;
	}
	if (!write_kills(c.heap + page))
		err = "page writable after refused release";
out:
	teardown(&c);
	return err;
}

static const char *t_sender_cannot_complete(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int ret;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	ret = complete_ioctl(c.sfd, c.sa.handle, id);
	if (ret != -EPERM) {
		snprintf(why_buf, sizeof(why_buf), "sender COMPLETE: %s",
			 ret ? strerror(-ret) : "succeeded");
		err = why_buf;
		goto out;
	}
	ret = release(&c, id);
	if (ret != -EBUSY)
		err = "release accepted without completion";
out:
	teardown(&c);
	return err;
}

static const char *t_release_after_ring_completion_restores_write(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int ret;

	if (err)
		goto out;
	c.heap[page] = 'a';
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	complete_in_ring(&c, id);
	if (desc_of(c.sring, id)->state != RPCOOL_STATE_COMPLETE) {
		err = "sender does not see the receiver's completion";
		goto out;
	}
	ret = release(&c, id);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf), "RELEASE: %s",
			 strerror(-ret));
		err = why_buf;
		goto out;
	}
	if (desc_of(c.sring, id)->state != RPCOOL_STATE_RELEASED) {
		err = "descriptor not marked RELEASED";
		goto out;
	}
	if (child_write(c.heap + page, 'b') != 0 || c.heap[page] != 'b') {
		err = "child cannot write after release";
		goto out;
	}
	if (self_write(c.heap + page, 'c') || c.rheap[page] != 'c') {
		err = "sender cannot write after release";
		goto out;
	}
	if (mprotect(c.heap + page, page, PROT_READ | PROT_WRITE))
		err = "mprotect(RW) refused after release";
out:
	teardown(&c);
	return err;
}

static const char *t_release_after_ioctl_completion_restores_write(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int ret;

	if (err)
		goto out;
	if (seal(&c, 0, 4 * page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	ret = complete_ioctl(c.rfd, c.ra.handle, id);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf), "COMPLETE: %s",
			 strerror(-ret));
		err = why_buf;
		goto out;
	}
	ret = release(&c, id);
	if (ret) {
		snprintf(why_buf, sizeof(why_buf), "RELEASE: %s",
			 strerror(-ret));
		err = why_buf;
		goto out;
	}
	if (child_write(c.heap + 3 * page, 'z') != 0)
		err = "cannot write after release";
out:
	teardown(&c);
	return err;
}

static const char *t_released_seal_id_is_stale(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id, id2;

	if (err)
		goto out;
	if (seal(&c, page, page, &id) ||
	    complete_ioctl(c.rfd, c.ra.handle, id) || release(&c, id)) {
		err = "seal/complete/release failed";
		goto out;
	}
	if (release(&c, id) != -ENOENT) {
		err = "second RELEASE of the same id not ENOENT";
		goto out;
	}
	if (complete_ioctl(c.rfd, c.ra.handle, id) != -ENOENT) {
		err = "COMPLETE of a released id not ENOENT";
		goto out;
	}
	/* the slot is reused with a new generation */
	if (seal(&c, page, page, &id2) || (__u32)id2 != (__u32)id ||
	    id2 == id) {
		err = "slot reuse does not change the seal id";
		goto out;
	}
	complete_in_ring(&c, id2);
	if (release(&c, id) != -ENOENT || release(&c, id2))
		err = "stale id released a reused slot";
out:
	teardown(&c);
	return err;
}

static const char *t_seal_arguments_are_checked(void)
{
	struct rpcool_seal s = { 0 };
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, 100, page, &id) != -EINVAL ||
	    seal(&c, 0, page + 1, &id) != -EINVAL ||
	    seal(&c, 0, 0, &id) != -EINVAL ||
	    seal(&c, HEAP_SIZE, page, &id) != -EINVAL ||
	    seal(&c, HEAP_SIZE - page, 2 * page, &id) != -EINVAL) {
		err = "bad offset/length accepted";
		goto out;
	}
	s.handle = c.ra.handle;
	s.length = page;
	if (xioctl(c.rfd, RPCOOL_IOC_SEAL, &s) != -EPERM) {
		err = "receiver (no SEAL right) sealed";
		goto out;
	}
	s.handle = 999;
	if (xioctl(c.sfd, RPCOOL_IOC_SEAL, &s) != -EBADF)
		err = "unknown handle not EBADF";
out:
	teardown(&c);
	return err;
}

static const char *t_overlapping_seal_is_refused(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 a, b;
	int ret;

	if (err)
		goto out;
	if (seal(&c, 0, 2 * page, &a)) {
		err = "SEAL failed";
		goto out;
	}
	ret = seal(&c, page, 2 * page, &b);
	if (ret != -EEXIST) {
		snprintf(why_buf, sizeof(why_buf), "overlapping SEAL: %s",
			 ret ? strerror(-ret) : "accepted");
		err = why_buf;
		goto out;
	}
	if (seal(&c, 2 * page, page, &b))
		err = "adjacent SEAL refused";
out:
	teardown(&c);
	return err;
}

static const char *t_ring_full_is_reported(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int i, ret = 0;

	if (err)
		goto out;
	for (i = 0; i < RING_SLOTS && !ret; i++)
		ret = seal(&c, i * page, page, &id);
	if (ret) {
		err = "could not fill the ring";
		goto out;
	}
	ret = seal(&c, RING_SLOTS * page, page, &id);
	if (ret != -ENOSPC)
		err = "seal beyond the ring's slots not ENOSPC";
out:
	teardown(&c);
	return err;
}

static const char *t_batch_release_releases_all(void)
{
	enum { N = 64 };
	struct rpcool_batch_release b = { 0 };
	struct rpcool_info in;
	__u64 ids[N];
	struct ctx c;
	const char *err = setup(&c);
	int i;

	if (err)
		goto out;
	for (i = 0; i < N; i++) {
		if (seal(&c, i * page, page, &ids[i])) {
			err = "SEAL failed";
			goto out;
		}
		complete_in_ring(&c, ids[i]);
	}
	if (info(&in) || in.seals != N) {
		err = "stats do not count the seals";
		goto out;
	}
	b.handle = c.sa.handle;
	b.count = N;
	b.seal_ids = (uintptr_t)ids;
	if (xioctl(c.sfd, RPCOOL_IOC_BATCH_RELEASE, &b) || b.released != N ||
	    b.failed_index != N) {
		snprintf(why_buf, sizeof(why_buf),
			 "BATCH_RELEASE: %s released %u", strerror(errno),
			 b.released);
		err = why_buf;
		goto out;
	}
	for (i = 0; i < N; i++) {
		if (desc_of(c.sring, ids[i])->state != RPCOOL_STATE_RELEASED ||
		    child_write(c.heap + i * page, 'w')) {
			snprintf(why_buf, sizeof(why_buf),
				 "page %d not writable after batch release", i);
			err = why_buf;
			goto out;
		}
	}
	if (info(&in) || in.seals != 0)
		err = "stats still count seals";
out:
	teardown(&c);
	return err;
}

static const char *t_batch_release_is_all_or_nothing(void)
{
	enum { N = 8, LATE = 5 };
	struct rpcool_batch_release b = { 0 };
	__u64 ids[N + 1];
	struct ctx c;
	const char *err = setup(&c);
	int i, ret;

	if (err)
		goto out;
	for (i = 0; i < N; i++) {
		if (seal(&c, i * page, page, &ids[i])) {
			err = "SEAL failed";
			goto out;
		}
		if (i != LATE)
			complete_in_ring(&c, ids[i]);
	}
	b.handle = c.sa.handle;
	b.count = N;
	b.seal_ids = (uintptr_t)ids;
	ret = xioctl(c.sfd, RPCOOL_IOC_BATCH_RELEASE, &b);
	if (ret != -EBUSY || b.released != 0 || b.failed_index != LATE) {
		snprintf(why_buf, sizeof(why_buf),
			 "batch with an incomplete seal: %s, released %u, index %u",
			 ret ? strerror(-ret) : "ok", b.released,
			 b.failed_index);
		err = why_buf;
		goto out;
	}
	for (i = 0; i < N; i++) {
		if (!write_kills(c.heap + i * page)) {
			err = "a failed batch released something";
			goto out;
		}
	}
	ids[N] = ids[0];
	b.count = N + 1;
	complete_ioctl(c.rfd, c.ra.handle, ids[LATE]);
	if (xioctl(c.sfd, RPCOOL_IOC_BATCH_RELEASE, &b) != -EINVAL ||
	    b.failed_index != N) {
		err = "duplicate id in a batch not refused";
		goto out;
	}
	b.count = N;
	if (xioctl(c.sfd, RPCOOL_IOC_BATCH_RELEASE, &b) || b.released != N)
		err = "complete batch refused";
out:
	teardown(&c);
	return err;
}

static const char *t_seal_survives_sender_close(void)
{
	struct rpcool_attach a;
	struct rpcool_seal_ref r;
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int fd = -1, ret;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	/* drop the file and the ring mapping (which holds the file) */
	munmap(c.sring, c.sa.ring_size);
	c.sring = NULL;
	close(c.sfd);
	c.sfd = -1;
	if (!write_kills(c.heap + page)) {
		err = "closing the sender's file dropped the seal";
		goto out;
	}
	/* an orphaned, completed seal can be released by another sender */
	fd = open_dev();
	if (grant_attach(c.daemon, c.heap_id, RPCOOL_RIGHT_SEAL, fd, &a)) {
		err = "second sender attach failed";
		goto out;
	}
	r.handle = a.handle;
	r.reserved = 0;
	r.seal_id = id;
	ret = xioctl(fd, RPCOOL_IOC_RELEASE, &r);
	if (ret != -EBUSY) {
		snprintf(why_buf, sizeof(why_buf),
			 "orphaned seal, RELEASE before completion: %s",
			 ret ? strerror(-ret) : "succeeded");
		err = why_buf;
		goto out;
	}
	complete_in_ring(&c, id);
	if (xioctl(fd, RPCOOL_IOC_RELEASE, &r))
		err = "orphaned completed seal could not be released";
	else if (child_write(c.heap + page, 'o'))
		err = "page not writable after releasing the orphan";
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

static const char *t_release_needs_the_owner(void)
{
	struct rpcool_attach a;
	struct rpcool_seal_ref r;
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int fd = -1;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	complete_in_ring(&c, id);
	fd = open_dev();
	if (grant_attach(c.daemon, c.heap_id, RPCOOL_RIGHT_SEAL, fd, &a)) {
		err = "second sender attach failed";
		goto out;
	}
	r.handle = a.handle;
	r.reserved = 0;
	r.seal_id = id;
	if (xioctl(fd, RPCOOL_IOC_RELEASE, &r) != -EPERM)
		err = "another sender released a live sender's seal";
	else if (release(&c, id))
		err = "owner could not release";
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	return err;
}

/*
 * Two client processes, each with its own file and heap, seal, complete
 * and release concurrently; neither sees the other's seals or memory.
 */
static int client_loop(int daemon, __u64 heap_id, char tag)
{
	struct rpcool_seal_ref r;
	struct rpcool_attach a;
	struct rpcool_seal s;
	char *heap, *ring;
	int fd = open_dev(), i;

	if (fd < 0 || grant_attach(daemon, heap_id, RPCOOL_RIGHTS_ALL, fd, &a))
		return 1;
	close(daemon);
	heap = map(fd, HEAP_SIZE, PROT_READ | PROT_WRITE, a.heap_offset);
	ring = map(fd, a.ring_size, PROT_READ, a.ring_offset);
	if (!heap || !ring)
		return 2;
	/* handle numbers are per file: both clients use the same number */
	if (a.handle != 1)
		return 3;
	for (i = 0; i < 200; i++) {
		heap[page] = tag;
		heap[2 * page] = tag;
		s = (struct rpcool_seal){ .handle = a.handle, .offset = page,
					  .length = page };
		if (xioctl(fd, RPCOOL_IOC_SEAL, &s))
			return 4;
		if (write_kills(heap + 2 * page) || !write_kills(heap + page))
			return 5;
		r = (struct rpcool_seal_ref){ .handle = a.handle,
					      .seal_id = s.seal_id };
		if (xioctl(fd, RPCOOL_IOC_COMPLETE, &r) ||
		    xioctl(fd, RPCOOL_IOC_RELEASE, &r))
			return 6;
		if (heap[page] != tag)
			return 7;
		if (i % 50 == 0)
			usleep(1000);
	}
	return 0;
}

static const char *t_two_processes_do_not_interfere(void)
{
	__u64 heaps[2];
	pid_t pids[2];
	int daemon = open_dev(), i, st, bad = 0;

	CHECK(daemon >= 0, "open");
	for (i = 0; i < 2; i++) {
		CHECK(!create_heap(daemon, HEAP_SIZE, 4, &heaps[i]),
		      "HEAP_CREATE");
	}
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(client_loop(daemon, heaps[i], 'a' + i));
	}
	for (i = 0; i < 2; i++) {
		waitpid(pids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = bad ? bad : (WIFEXITED(st) ? WEXITSTATUS(st) : 99);
	}
	close(daemon);
	CHECK(!bad, "a client failed at step %d (1 attach, 2 mmap, 3 handle, "
	      "4 seal, 5 wrong protection, 6 complete/release, 7 contents)",
	      bad);
	return NULL;
}

static const char *t_daemon_close_revokes_grants_keeps_mappings(void)
{
	struct rpcool_attach a;
	struct rpcool_info in;
	struct ctx c;
	const char *err = setup(&c);
	__u64 token;
	int fd = -1;

	if (err)
		goto out;
	if (grant(c.daemon, c.heap_id, 0, RPCOOL_RIGHT_WRITE, &token)) {
		err = "GRANT failed";
		goto out;
	}
	close(c.daemon);
	c.daemon = -1;
	fd = open_dev();
	if (attach(fd, token, &a) != -EACCES) {
		err = "grant survived its daemon";
		goto out;
	}
	if (info(&in) || in.grants != 0 || in.heaps != 1) {
		err = "counts wrong after the daemon closed";
		goto out;
	}
	c.heap[0] = 'k';
	if (c.rheap[0] != 'k')
		err = "existing mappings stopped sharing";
out:
	if (fd >= 0)
		close(fd);
	teardown(&c);
	if (!err && (info(&in) || in.heaps != 0))
		err = "heap outlived its last mapping";
	return err;
}

static const char *t_heap_destroy_needs_the_creator(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u64 id;
	int other = -1;

	if (err)
		goto out;
	other = open_dev();
	id = c.heap_id;
	if (!ioctl(other, RPCOOL_IOC_HEAP_DESTROY, &id)) {
		err = "another daemon file destroyed the heap";
		goto out;
	}
	if (ioctl(c.daemon, RPCOOL_IOC_HEAP_DESTROY, &id)) {
		err = "creator could not destroy the heap";
		goto out;
	}
	if (ioctl(c.daemon, RPCOOL_IOC_HEAP_DESTROY, &id) == 0)
		err = "heap destroyed twice";
out:
	if (other >= 0)
		close(other);
	teardown(&c);
	return err;
}

static const char *t_heap_create_arguments_are_checked(void)
{
	struct rpcool_heap_create hc = { 0 };
	int fd = open_dev(), bad = 0;
	__u64 id;

	CHECK(fd >= 0, "open");
	bad |= create_heap(fd, 0, 0, &id) != -EINVAL;
	bad |= create_heap(fd, page + 1, 0, &id) != -EINVAL;
	bad |= create_heap(fd, RPCOOL_HEAP_MAX_SIZE + page, 0, &id) != -EINVAL;
	bad |= create_heap(fd, page, RPCOOL_RING_MAX_SLOTS + 1, &id) != -EINVAL;
	hc.size = page;
	hc.flags = 1;
	bad |= xioctl(fd, RPCOOL_IOC_HEAP_CREATE, &hc) != -EINVAL;
	bad |= xioctl(fd, _IO(RPCOOL_IOC_MAGIC, 0x7f), NULL) != -ENOTTY;
	close(fd);
	CHECK(!bad, "a bad HEAP_CREATE or unknown ioctl was accepted");
	return NULL;
}

static const char *t_detach_drops_the_handle_not_the_seals(void)
{
	struct ctx c;
	const char *err = setup(&c);
	__u32 handle;
	__u64 id;

	if (err)
		goto out;
	if (seal(&c, page, page, &id)) {
		err = "SEAL failed";
		goto out;
	}
	handle = c.sa.handle;
	if (ioctl(c.sfd, RPCOOL_IOC_DETACH, &handle)) {
		err = "DETACH failed";
		goto out;
	}
	if (ioctl(c.sfd, RPCOOL_IOC_DETACH, &handle) == 0 || errno != EBADF) {
		err = "second DETACH not EBADF";
		goto out;
	}
	if (map(c.sfd, page, PROT_READ, c.sa.heap_offset)) {
		err = "detached handle still maps the heap";
		goto out;
	}
	if (!write_kills(c.heap + page))
		err = "DETACH dropped the seal";
	else if (child_write(c.heap, 'd'))
		err = "existing mapping lost write access to unsealed pages";
out:
	teardown(&c);
	return err;
}

/*
 * A writer process stores an increasing counter into a page as fast as it
 * can while this process seals the page. Once SEAL has returned the value
 * must never change again and the writer must have faulted.
 */
static const char *t_seal_stops_a_concurrent_writer(void)
{
	struct ctx c;
	const char *err = setup(&c);
	volatile __u64 *word;
	__u64 id, before, after;
	pid_t pid;
	int round, st, i, slowest = 0;

	if (err)
		goto out;
	word = (volatile __u64 *)(c.heap + page);
	for (round = 0; round < 20 && !err; round++) {
		*word = 0;
		pid = fork();
		if (pid == 0) {
			__u64 n = 1;

			for (;;)
				*word = n++;
		}
		while (*word < 1000)
			sched_yield();
		if (seal(&c, page, page, &id)) {
			err = "SEAL failed";
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		before = *word;
		/* the writer faults as soon as it runs again; allow 5 s */
		for (i = 0; i < 500 && waitpid(pid, &st, WNOHANG) != pid; i++)
			usleep(10000);
		after = *word;
		if (i > slowest)
			slowest = i;
		if (i == 500) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			snprintf(why_buf, sizeof(why_buf),
				 "round %d: writer alive 5 s after the seal, value %llu -> %llu",
				 round, (unsigned long long)before,
				 (unsigned long long)after);
			err = why_buf;
		} else if (!WIFSIGNALED(st) || (WTERMSIG(st) != SIGBUS &&
						 WTERMSIG(st) != SIGSEGV)) {
			err = "writer did not die of a fault";
		} else if (before != after) {
			snprintf(why_buf, sizeof(why_buf),
				 "round %d: value moved from %llu to %llu after SEAL returned",
				 round, (unsigned long long)before,
				 (unsigned long long)after);
			err = why_buf;
		}
		complete_ioctl(c.rfd, c.ra.handle, id);
		if (release(&c, id) && !err)
			err = "RELEASE failed";
	}
	printf("# concurrent writer: slowest death %d0 ms after SEAL returned\n",
	       slowest);
out:
	teardown(&c);
	return err;
}

#define IORING_SETUP_NR		425
#define IORING_REGISTER_NR	427
#define IORING_REGISTER_BUFFERS	0

/*
 * A long-term pin of a heap page (io_uring fixed buffers, RDMA) would let
 * DMA write a sealed range. io_uring refuses such buffers on this mapping;
 * if a pin is ever taken, SEAL must refuse the range.
 */
static const char *t_pinned_pages_cannot_be_sealed(void)
{
	struct ctx c;
	const char *err = setup(&c);
	unsigned char params[120] = { 0 };	/* struct io_uring_params */
	struct iovec iov;
	int ring = -1, ret;
	__u64 id;

	if (err)
		goto out;
	ring = syscall(IORING_SETUP_NR, 4, params);
	if (ring < 0) {
		snprintf(why_buf, sizeof(why_buf), "io_uring_setup: %s",
			 strerror(errno));
		err = why_buf;
		goto out;
	}
	iov.iov_base = c.heap;
	iov.iov_len = 4 * page;
	c.heap[0] = 1;
	ret = syscall(IORING_REGISTER_NR, ring, IORING_REGISTER_BUFFERS, &iov, 1);
	if (ret == 0) {
		ret = seal(&c, 0, 4 * page, &id);
		if (ret != -EBUSY) {
			snprintf(why_buf, sizeof(why_buf),
				 "pinned pages sealed: %s",
				 ret ? strerror(-ret) : "succeeded");
			err = why_buf;
		}
		printf("# io_uring pinned heap pages; SEAL refused them\n");
	} else if (errno != EOPNOTSUPP) {
		snprintf(why_buf, sizeof(why_buf),
			 "IORING_REGISTER_BUFFERS: %s", strerror(errno));
		err = why_buf;
	} else {
		printf("# io_uring refused heap pages as fixed buffers\n");
	}
out:
	if (ring >= 0)
		close(ring);
	teardown(&c);
	return err;
}

static const char *t_counters_zero_when_idle(void)
{
	struct rpcool_info in;
	int ret = info(&in);

	CHECK(!ret, "INFO: %s", strerror(-ret));
	CHECK(!in.heaps && !in.grants && !in.attachments && !in.seals &&
	      !in.mappings && in.files == 1,
	      "heaps %llu grants %llu attachments %llu seals %llu mappings %llu files %llu",
	      (unsigned long long)in.heaps, (unsigned long long)in.grants,
	      (unsigned long long)in.attachments,
	      (unsigned long long)in.seals, (unsigned long long)in.mappings,
	      (unsigned long long)in.files);
	return NULL;
}

struct test {
	const char *name;
	const char *(*fn)(void);
};

#define T(n) { #n, t_##n }
static const struct test tests[] = {
	T(info_reports_version),
	T(heap_create_arguments_are_checked),
	T(unprivileged_process_cannot_create_heaps),
	T(mmap_without_grant_is_refused),
	T(unknown_token_is_refused),
	T(grant_token_is_one_time),
	T(grant_bound_to_pid_refuses_other_process),
	T(grant_without_write_maps_read_only),
	T(seal_makes_range_read_only_for_sender),
	T(seal_blocks_every_mapping_of_the_heap),
	T(sealed_range_cannot_be_mprotected_writable),
	T(sealed_range_cannot_be_pkey_mprotected_writable),
	T(sealed_range_cannot_be_mremapped),
	T(munmap_then_fresh_mmap_cannot_write),
	T(second_writable_mapping_is_refused),
	T(proc_self_mem_write_fails),
	T(process_vm_writev_fails),
	T(madvise_remove_fails),
	T(map_files_reopen_fails),
	T(remap_file_pages_fails),
	T(userfaultfd_cannot_register_the_heap),
	T(ring_is_read_only_for_sender),
	T(descriptor_is_written_by_kernel),
	T(release_before_completion_fails),
	T(sender_cannot_complete),
	T(release_after_ring_completion_restores_write),
	T(release_after_ioctl_completion_restores_write),
	T(released_seal_id_is_stale),
	T(seal_arguments_are_checked),
	T(overlapping_seal_is_refused),
	T(ring_full_is_reported),
	T(batch_release_releases_all),
	T(batch_release_is_all_or_nothing),
	T(seal_survives_sender_close),
	T(release_needs_the_owner),
	T(detach_drops_the_handle_not_the_seals),
	T(two_processes_do_not_interfere),
	T(seal_stops_a_concurrent_writer),
	T(pinned_pages_cannot_be_sealed),
	T(daemon_close_revokes_grants_keeps_mappings),
	T(heap_destroy_needs_the_creator),
	T(counters_zero_when_idle),
};

static void run(const struct test *t)
{
	const char *err = t->fn();

	if (err) {
		printf("FAIL %s: %s\n", t->name, err);
		failed++;
	} else {
		printf("PASS %s\n", t->name);
		passed++;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	size_t i;
	int a;

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--idle-check")) {
		const struct test idle = { "counters_zero_before_unload",
					   t_counters_zero_when_idle };
		run(&idle);
		return failed ? 1 : 0;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1) {
			for (a = 1; a < argc; a++)
				if (!strcmp(argv[a], tests[i].name))
					break;
			if (a == argc)
				continue;
		}
		run(&tests[i]);
	}
	return failed ? 1 : 0;
}
