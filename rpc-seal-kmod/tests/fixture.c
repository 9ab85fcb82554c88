// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool_tests: the fixture shared by every case. setup() opens a daemon,
 * a sender and a receiver file, creates one heap and maps it on both sides
 * with their rings; teardown() undoes whatever setup() got to. The other
 * helpers wrap one ioctl each (returning 0 or -errno), or attempt a write
 * that must be refused and report the signal it raised.
 */
#include "rpcool_tests.h"

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

size_t page;
char why_buf[512];

/* ioctl returning 0 or -errno */
int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

int open_dev(void)
{
	return open(RPCOOL_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}


struct rpcool_desc *desc_of(char *ring, __u64 seal_id)
{
	return (struct rpcool_desc *)(ring + RPCOOL_RING_HEADER_SIZE) +
	       (__u32)seal_id;
}

int create_heap(int daemon, size_t size, __u32 slots, __u64 *id)
{
	struct rpcool_heap_create hc = { .size = size, .ring_slots = slots };
	int ret = xioctl(daemon, RPCOOL_IOC_HEAP_CREATE, &hc);

	*id = hc.heap_id;
	return ret;
}

int grant(int daemon, __u64 heap_id, pid_t pid, __u32 rights,
	  __u64 *token)
{
	struct rpcool_grant g = { .heap_id = heap_id, .pid = pid,
				  .rights = rights };
	int ret = xioctl(daemon, RPCOOL_IOC_GRANT, &g);

	*token = g.token;
	return ret;
}

int attach(int fd, __u64 token, struct rpcool_attach *a)
{
	memset(a, 0, sizeof(*a));
	a->token = token;
	return xioctl(fd, RPCOOL_IOC_ATTACH, a);
}

/* Grant and attach in one go on @fd. */
int grant_attach(int daemon, __u64 heap_id, __u32 rights, int fd,
		 struct rpcool_attach *a)
{
	__u64 token;
	int ret = grant(daemon, heap_id, getpid(), rights, &token);

	return ret ? ret : attach(fd, token, a);
}

void *map(int fd, size_t len, int prot, __u64 off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

void teardown(struct ctx *c)
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

const char *setup(struct ctx *c)
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

int seal(struct ctx *c, size_t off, size_t len, __u64 *id)
{
	struct rpcool_seal s = { .handle = c->sa.handle, .offset = off,
				 .length = len };
	int ret = xioctl(c->sfd, RPCOOL_IOC_SEAL, &s);

	*id = s.seal_id;
	return ret;
}

int release(struct ctx *c, __u64 id)
{
	struct rpcool_seal_ref r = { .handle = c->sa.handle, .seal_id = id };

	return xioctl(c->sfd, RPCOOL_IOC_RELEASE, &r);
}

int complete_ioctl(int fd, __u32 handle, __u64 id)
{
	struct rpcool_seal_ref r = { .handle = handle, .seal_id = id };

	return xioctl(fd, RPCOOL_IOC_COMPLETE, &r);
}

/* The receiver completes by a store into its writable ring. */
void complete_in_ring(struct ctx *c, __u64 id)
{
	__atomic_store_n(&desc_of(c->rring, id)->state, RPCOOL_STATE_COMPLETE,
			 __ATOMIC_RELEASE);
}

/* Write one byte in a forked child; return the signal that killed it or 0. */
int child_write(volatile char *p, char v)
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

const char *sig_name(int sig)
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

int write_kills(volatile char *p)
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
int self_write(volatile char *p, char v)
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

int info(struct rpcool_info *in)
{
	int fd = open_dev(), ret;

	if (fd < 0)
		return -errno;
	ret = xioctl(fd, RPCOOL_IOC_INFO, in);
	close(fd);
	return ret;
}
