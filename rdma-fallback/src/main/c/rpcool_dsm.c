/*
 * librpcool_dsm: the native pager of RPCool's page-ownership DSM (rdma-fallback/DESIGN.md).
 *
 * One client and one server share a heap that is mapped at the same address in both processes,
 * each backed by its own memfd; a page is owned by exactly one side.  A pager thread per heap,
 * created here (never a Java thread), owns a userfaultfd registered on the heap in MISSING and
 * MINOR mode and the TCP socket to the peer, and polls both:
 *
 *   local fault on a page the peer owns   -> REQUEST_PAGE(p) to the peer
 *   PAGE(p, data) we asked for            -> UFFDIO_COPY (installs and wakes the faulting threads)
 *   REQUEST_PAGE(p) for a page we own     -> MADV_DONTNEED (local accesses now block in MINOR faults),
 *                                            pread the 4 KiB from the memfd, PUNCH_HOLE, send PAGE,
 *                                            UFFDIO_WAKE (the blocked threads re-fault as MISSING)
 *   local fault on a page we own          -> UFFDIO_CONTINUE (in the page cache) or a zero page (never
 *                                            touched yet)
 *
 * Use from Java (through jnr-ffi):
 *
 *   rpcool_dsm_kernel_features()                      which uffd features the kernel offers
 *   fd = rpcool_dsm_listen(host, port) ... rpcool_dsm_accept(fd, ms)   or rpcool_dsm_connect(host, port, ms)
 *   h = rpcool_dsm_open(address, size, sock, role, ms)  map, register, handshake
 *   rpcool_dsm_start(h, hold_ns)                      start the pager
 *   ... loads and stores on [address, address + size) ...
 *   rpcool_dsm_close(h)
 *
 * When the peer dies, breaks the protocol or says GOODBYE, the pager fences the heap: every run
 * of pages this side does not own is replaced (MAP_FIXED) by a mapping of an empty memfd, so any
 * access there raises SIGBUS (HotSpot: InternalError for Unsafe accesses), then it closes the
 * userfaultfd, which wakes every thread still waiting for a page into that SIGBUS.  Owned pages
 * stay readable and writable.  Errors are negative errno values; the reason for the last failure
 * of a call on this thread is in rpcool_dsm_last_error().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define PAGE 4096u
#define MAGIC 0x314d5344u		/* "DSM1" little-endian */
#define VERSION 1u
#define HEADER 24u
#define HELLO_LEN 24u

enum msg_type { T_HELLO = 1, T_REQUEST = 2, T_PAGE = 3, T_GOODBYE = 4 };
enum access { A_READ = 1, A_WRITE = 2 };
/* S_GIVING: owned, and the peer's request waits for the page's hold time to pass. */
enum page_state { S_REMOTE = 0, S_OWNED = 1, S_REQUESTED = 2, S_GIVING = 3 };
enum status { ST_RUNNING = 0, ST_PEER_GONE = 1, ST_PROTOCOL_ERROR = 2, ST_CLOSED = 3, ST_FAILED = 4 };
enum counter { C_FAULTS, C_REQUESTS, C_PAGES_IN, C_PAGES_OUT, C_DEFERRED, C_COUNTERS };

#define REQUIRED_FEATURES (UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM)

struct dsm {
	uint8_t *base;
	uint64_t size;
	uint32_t pages;
	int role;			/* 0 server, 1 client */
	int memfd;
	int holefd;			/* empty memfd: mapped over lost pages, accesses raise SIGBUS */
	int uffd;
	int sock;
	int stopfd;			/* eventfd: close() asks the pager to stop */
	uint64_t hold_ns;		/* a page that just arrived stays at least this long */
	uint64_t silence_ns;		/* requests outstanding and nothing heard this long: the peer is gone */
	uint64_t last_rx_ns;		/* when the peer was last heard from (or the first request went out) */
	uint32_t outstanding;		/* pages requested and not yet received */
	uint8_t *state;
	uint64_t *arrived_ns;
	uint32_t *deferred;		/* FIFO of pages whose give-away waits for its hold time */
	uint32_t deferred_head;
	uint32_t deferred_count;
	uint64_t tx_seq;
	uint64_t rx_seq;
	uint8_t rx[HEADER + PAGE];
	uint32_t rx_len;
	uint8_t tx[HEADER + PAGE];
	uint8_t page_buf[PAGE] __attribute__((aligned(4096)));
	pthread_t thread;
	int thread_started;
	int status;			/* written by the pager only, read by Java through its address */
	char reason[256];
	volatile uint64_t counters[C_COUNTERS];
};

static const uint8_t zero_page[PAGE] __attribute__((aligned(4096)));
static __thread char last_error[256];
static int trace;			/* RPCOOL_DSM_TRACE=1: every fault and message on stderr */

#define TRACE(d, ...) do { if (trace) { fprintf(stderr, "dsm[%s] ", (d)->role == 0 ? "server" : "client"); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static int fail(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -err;
}

const char *rpcool_dsm_last_error(void)
{
	return last_error;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int open_uffd(void)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == EPERM)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	return fd < 0 ? -errno : fd;
}

/* The features the kernel offers (UFFDIO_API on a throw-away descriptor); 0 or -errno. */
static int probe(uint64_t *features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	int fd = open_uffd();
	if (fd < 0)
		return fail(-fd, "userfaultfd(): %s (unprivileged_userfaultfd=0 needs root or CAP_SYS_PTRACE)",
			    strerror(-fd));
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		int err = errno;
		close(fd);
		return fail(err, "UFFDIO_API: %s", strerror(err));
	}
	close(fd);
	*features = api.features;
	return 0;
}

/* The userfaultfd features the kernel offers, or -errno (reason in rpcool_dsm_last_error()). */
int64_t rpcool_dsm_kernel_features(void)
{
	uint64_t features = 0;
	int rc = probe(&features);
	return rc < 0 ? rc : (int64_t)(features & INT64_MAX);
}

/* The userfaultfd features the pager needs. */
int64_t rpcool_dsm_required_features(void)
{
	return REQUIRED_FEATURES;
}

/* ---- sockets ---------------------------------------------------------------------------- */

static int parse_addr(const char *host, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return fail(EINVAL, "not an IPv4 address: %s", host);
	return 0;
}

int rpcool_dsm_listen(const char *host, int port)
{
	struct sockaddr_in sa;
	int one = 1;
	int rc = parse_addr(host, port, &sa);
	if (rc < 0)
		return rc;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(errno, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		int err = errno;
		close(fd);
		return fail(err, "bind/listen %s:%d: %s", host, port, strerror(err));
	}
	return fd;
}

int rpcool_dsm_local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return fail(errno, "getsockname: %s", strerror(errno));
	return ntohs(sa.sin_port);
}

int rpcool_dsm_close_fd(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

static void tune(int fd)
{
	int one = 1;
	struct timeval send_timeout = { .tv_sec = 10, .tv_usec = 0 };
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
}

int rpcool_dsm_accept(int lfd, int timeout_ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int rc = poll(&p, 1, timeout_ms);
	if (rc == 0)
		return fail(ETIMEDOUT, "no peer connected within %d ms", timeout_ms);
	if (rc < 0)
		return fail(errno, "poll: %s", strerror(errno));
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return fail(errno, "accept: %s", strerror(errno));
	tune(fd);
	return fd;
}

int rpcool_dsm_connect(const char *host, int port, int timeout_ms)
{
	struct sockaddr_in sa;
	int rc = parse_addr(host, port, &sa);
	if (rc < 0)
		return rc;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail(errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		int err = errno;
		close(fd);
		return fail(err, "connect %s:%d: %s", host, port, strerror(err));
	}
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);
	rc = poll(&p, 1, timeout_ms);
	if (rc <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		close(fd);
		if (rc == 0)
			return fail(ETIMEDOUT, "connect %s:%d: no answer within %d ms", host, port, timeout_ms);
		return fail(err ? err : errno, "connect %s:%d: %s", host, port, strerror(err ? err : errno));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	tune(fd);
	return fd;
}

/* ---- messages --------------------------------------------------------------------------- */

static void put32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }
static void put64(uint8_t *b, uint64_t v) { memcpy(b, &v, 8); }
static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return v; }
static uint64_t get64(const uint8_t *b) { uint64_t v; memcpy(&v, b, 8); return v; }

/* Header: magic u32 | version u8 | type u8 | access u16 | page u32 | length u32 | sequence u64. */
static void header(uint8_t *b, int type, int access, uint32_t page, uint32_t length, uint64_t seq)
{
	put32(b, MAGIC);
	b[4] = VERSION;
	b[5] = (uint8_t)type;
	b[6] = (uint8_t)access;
	b[7] = 0;
	put32(b + 8, page);
	put32(b + 12, length);
	put64(b + 16, seq);
}

static int send_all(int fd, const uint8_t *b, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, b, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_msg(struct dsm *d, int type, int access, uint32_t page, const uint8_t *payload, uint32_t len)
{
	header(d->tx, type, access, page, len, ++d->tx_seq);
	if (len > 0)
		memcpy(d->tx + HEADER, payload, len);
	return send_all(d->sock, d->tx, HEADER + len);
}

/* ---- the handshake ---------------------------------------------------------------------- */

static int recv_exact(int fd, uint8_t *b, size_t len, uint64_t deadline_ns)
{
	while (len > 0) {
		uint64_t now = now_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int rc = poll(&p, 1, (int)((deadline_ns - now) / 1000000 + 1));
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0)
			continue;
		ssize_t n = recv(fd, b, len, MSG_DONTWAIT);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int handshake(struct dsm *d, int timeout_ms)
{
	uint8_t hello[HELLO_LEN];
	uint8_t in[HEADER + HELLO_LEN];
	put64(hello, (uint64_t)(uintptr_t)d->base);
	put64(hello + 8, d->size);
	put32(hello + 16, PAGE);
	put32(hello + 20, (uint32_t)d->role);
	header(in, T_HELLO, 0, 0, HELLO_LEN, 0);
	memcpy(in + HEADER, hello, HELLO_LEN);
	int rc = send_all(d->sock, in, sizeof(in));
	if (rc < 0)
		return fail(-rc, "sending HELLO: %s", strerror(-rc));
	rc = recv_exact(d->sock, in, sizeof(in), now_ns() + (uint64_t)timeout_ms * 1000000ull);
	if (rc < 0)
		return fail(-rc, "receiving HELLO: %s", strerror(-rc));
	if (get32(in) != MAGIC || in[4] != VERSION)
		return fail(EPROTO, "HELLO: bad magic 0x%08x or version %u (want 0x%08x, %u)", get32(in), in[4], MAGIC, VERSION);
	if (in[5] != T_HELLO || get32(in + 12) != HELLO_LEN || get64(in + 16) != 0)
		return fail(EPROTO, "HELLO: bad type %u, length %u or sequence", in[5], get32(in + 12));
	if (get64(in + HEADER) != (uint64_t)(uintptr_t)d->base || get64(in + HEADER + 8) != d->size ||
	    get32(in + HEADER + 16) != PAGE || get32(in + HEADER + 20) != (uint32_t)(1 - d->role))
		return fail(EPROTO, "HELLO: the peer maps 0x%llx+%llu (page %u, role %u), this side 0x%llx+%llu (role %d)",
			    (unsigned long long)get64(in + HEADER), (unsigned long long)get64(in + HEADER + 8),
			    get32(in + HEADER + 16), get32(in + HEADER + 20),
			    (unsigned long long)(uintptr_t)d->base, (unsigned long long)d->size, d->role);
	return 0;
}

/* ---- the pager -------------------------------------------------------------------------- */

static void stop(struct dsm *d, int status, const char *fmt, ...)
{
	va_list ap;
	if (d->status != ST_RUNNING)
		return;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	__atomic_store_n(&d->status, status, __ATOMIC_RELEASE);
}

static int uffd_wake(struct dsm *d, uint64_t addr, uint64_t len)
{
	struct uffdio_range r = { .start = addr, .len = len };
	return ioctl(d->uffd, UFFDIO_WAKE, &r) < 0 ? -errno : 0;
}

static int install(struct dsm *d, uint32_t p, const uint8_t *data)
{
	struct uffdio_copy c = {
		.dst = (uint64_t)(uintptr_t)(d->base + (uint64_t)p * PAGE),
		.src = (uint64_t)(uintptr_t)data, .len = PAGE, .mode = 0 };
	for (;;) {
		if (ioctl(d->uffd, UFFDIO_COPY, &c) == 0)
			return 0;
		if (errno == EEXIST)		/* already there (an owned page): just wake */
			return uffd_wake(d, c.dst, PAGE);
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		c.copy = 0;
	}
}

static int on_local_fault(struct dsm *d, const struct uffd_msg *m)
{
	uint64_t addr = m->arg.pagefault.address & ~(uint64_t)(PAGE - 1);
	uint64_t off = addr - (uint64_t)(uintptr_t)d->base;
	if (addr < (uint64_t)(uintptr_t)d->base || off >= d->size)
		return 0;
	uint32_t p = (uint32_t)(off / PAGE);
	d->counters[C_FAULTS]++;
	TRACE(d, "fault page %u flags 0x%llx state %d", p, (unsigned long long)m->arg.pagefault.flags, d->state[p]);
	if (d->state[p] == S_OWNED || d->state[p] == S_GIVING) {
		if (m->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR) {
			struct uffdio_continue c = { .range = { .start = addr, .len = PAGE }, .mode = 0 };
			if (ioctl(d->uffd, UFFDIO_CONTINUE, &c) < 0 && errno != EEXIST && errno != EAGAIN)
				return -errno;
			return uffd_wake(d, addr, PAGE);
		}
		return install(d, p, zero_page);	/* owned, never touched: starts zero */
	}
	if (d->state[p] == S_REQUESTED)
		return 0;
	d->state[p] = S_REQUESTED;
	if (d->outstanding++ == 0)
		d->last_rx_ns = now_ns();
	d->counters[C_REQUESTS]++;
	int access = (m->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE) ? A_WRITE : A_READ;
	return send_msg(d, T_REQUEST, access, p, NULL, 0);
}

static int give_away(struct dsm *d, uint32_t p)
{
	uint64_t off = (uint64_t)p * PAGE;
	uint8_t *addr = d->base + off;
	/* From here on local accesses fault (MINOR) and wait for this thread. */
	if (madvise(addr, PAGE, MADV_DONTNEED) < 0)
		return -errno;
	ssize_t n = pread(d->memfd, d->page_buf, PAGE, (off_t)off);
	if (n != (ssize_t)PAGE)
		return n < 0 ? -errno : -EIO;
	if (fallocate(d->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, PAGE) < 0)
		return -errno;
	d->state[p] = S_REMOTE;
	d->counters[C_PAGES_OUT]++;
	int rc = send_msg(d, T_PAGE, 0, p, d->page_buf, PAGE);
	if (rc < 0)
		return rc;
	return uffd_wake(d, (uint64_t)(uintptr_t)addr, PAGE);	/* waiters re-fault as MISSING */
}

static void defer(struct dsm *d, uint32_t p)
{
	d->deferred[(d->deferred_head + d->deferred_count) % d->pages] = p;
	d->deferred_count++;
	d->state[p] = S_GIVING;
	d->counters[C_DEFERRED]++;
}

static int run_deferred(struct dsm *d, uint64_t now, int64_t *timeout_ns)
{
	while (d->deferred_count > 0) {
		uint32_t p = d->deferred[d->deferred_head];
		uint64_t due = d->arrived_ns[p] + d->hold_ns;
		if (due > now) {
			*timeout_ns = (int64_t)(due - now);	/* to the nanosecond: a hold is far below 1 ms */
			return 0;
		}
		d->deferred_head = (d->deferred_head + 1) % d->pages;
		d->deferred_count--;
		int rc = give_away(d, p);
		if (rc < 0)
			return rc;
	}
	*timeout_ns = -1;
	return 0;
}

/* One complete message in d->rx; returns 0, 1 for GOODBYE, or -errno for a send failure. */
static int on_message(struct dsm *d, const uint8_t *b)
{
	int type = b[5], access = b[6];
	uint32_t p = get32(b + 8);
	TRACE(d, "message type %d page %u access %d state %d", type, p, access, p < d->pages ? d->state[p] : -1);
	if (type == T_GOODBYE)
		return 1;
	if (type == T_REQUEST) {
		if (access != A_READ && access != A_WRITE) {
			stop(d, ST_PROTOCOL_ERROR, "REQUEST_PAGE %u with access %d", p, access);
			return 0;
		}
		if (d->state[p] != S_OWNED) {
			stop(d, ST_PROTOCOL_ERROR, "REQUEST_PAGE %u for a page this side does not own (state %d)", p, d->state[p]);
			return 0;
		}
		if (now_ns() - d->arrived_ns[p] < d->hold_ns) {
			defer(d, p);
			return 0;
		}
		return give_away(d, p);
	}
	/* T_PAGE */
	if (d->state[p] != S_REQUESTED) {
		stop(d, ST_PROTOCOL_ERROR, "unsolicited PAGE %u (state %d)", p, d->state[p]);
		return 0;
	}
	int rc = install(d, p, b + HEADER);
	TRACE(d, "installed page %u: %d", p, rc);
	if (rc < 0)
		return rc;
	d->state[p] = S_OWNED;
	d->outstanding--;
	d->arrived_ns[p] = now_ns();
	d->counters[C_PAGES_IN]++;
	return 0;
}

/* The header of d->rx is complete: is it acceptable?  Sets the protocol error and returns -1 if not. */
static int check_header(struct dsm *d, uint32_t *length)
{
	const uint8_t *b = d->rx;
	uint32_t magic = get32(b), p = get32(b + 8);
	uint64_t seq = get64(b + 16);
	int type = b[5];
	*length = get32(b + 12);
	if (magic != MAGIC || b[4] != VERSION) {
		stop(d, ST_PROTOCOL_ERROR, "bad magic 0x%08x or version %u", magic, b[4]);
		return -1;
	}
	if (type != T_REQUEST && type != T_PAGE && type != T_GOODBYE) {
		stop(d, ST_PROTOCOL_ERROR, "unknown or unexpected message type %d", type);
		return -1;
	}
	if (*length != (type == T_PAGE ? PAGE : 0u)) {
		stop(d, ST_PROTOCOL_ERROR, "message type %d with length %u", type, *length);
		return -1;
	}
	if (type != T_GOODBYE && p >= d->pages) {
		stop(d, ST_PROTOCOL_ERROR, "page index %u outside the heap (%u pages)", p, d->pages);
		return -1;
	}
	if (seq != d->rx_seq + 1) {
		stop(d, ST_PROTOCOL_ERROR, "sequence %llu, expected %llu", (unsigned long long)seq,
		     (unsigned long long)(d->rx_seq + 1));
		return -1;
	}
	return 0;
}

/* Read what the socket has; 0 to go on, 1 when the peer is gone or said GOODBYE, -1 on a protocol error. */
static int on_socket(struct dsm *d)
{
	for (;;) {
		uint32_t want = HEADER, length = 0;
		if (d->rx_len >= HEADER) {
			if (check_header(d, &length) < 0)
				return -1;
			want = HEADER + length;
		}
		if (d->rx_len == want) {
			d->rx_seq++;
			d->last_rx_ns = now_ns();
			d->rx_len = 0;
			int rc = on_message(d, d->rx);
			if (rc == 1) {
				stop(d, ST_PEER_GONE, "the peer said GOODBYE");
				return 1;
			}
			if (rc < 0) {
				stop(d, ST_PEER_GONE, "serving the peer's message failed: %s", strerror(-rc));
				return 1;
			}
			if (d->status != ST_RUNNING)
				return -1;
			continue;
		}
		ssize_t n = recv(d->sock, d->rx + d->rx_len, want - d->rx_len, MSG_DONTWAIT);
		if (n == 0) {
			if (d->rx_len > 0)
				stop(d, ST_PROTOCOL_ERROR, "the peer closed the connection inside a message (%u bytes of it)",
				     d->rx_len);
			else
				stop(d, ST_PEER_GONE, "the peer closed the connection");
			return 1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			stop(d, ST_PEER_GONE, "receiving from the peer: %s", strerror(errno));
			return 1;
		}
		d->rx_len += (uint32_t)n;
	}
}

/* Make every page this side does not own raise SIGBUS, then let go of the userfaultfd. */
static void fence(struct dsm *d)
{
	uint32_t p = 0;
	while (p < d->pages) {
		if (d->state[p] == S_OWNED || d->state[p] == S_GIVING) {
			p++;
			continue;
		}
		uint32_t end = p;
		while (end < d->pages && d->state[end] != S_OWNED && d->state[end] != S_GIVING)
			end++;
		void *at = d->base + (uint64_t)p * PAGE;
		if (mmap(at, (uint64_t)(end - p) * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, d->holefd, 0) != at)
			fprintf(stderr, "librpcool_dsm: fencing pages %u..%u failed: %s\n", p, end, strerror(errno));
		p = end;
	}
	close(d->uffd);			/* wakes every waiting fault: it re-faults into SIGBUS or its own page */
	d->uffd = -1;
}

static void *pager(void *arg)
{
	struct dsm *d = arg;
	struct uffd_msg msgs[16];
	int64_t timeout_ns = -1;
	while (d->status == ST_RUNNING) {
		struct pollfd fds[3] = {
			{ .fd = d->uffd, .events = POLLIN }, { .fd = d->sock, .events = POLLIN }, { .fd = d->stopfd, .events = POLLIN } };
		struct timespec wait = { .tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000 };
		int rc = ppoll(fds, 3, timeout_ns < 0 ? NULL : &wait, NULL);
		if (rc < 0 && errno != EINTR) {
			stop(d, ST_FAILED, "poll: %s", strerror(errno));
			break;
		}
		if (fds[2].revents) {
			uint8_t goodbye[HEADER];
			header(goodbye, T_GOODBYE, 0, 0, 0, ++d->tx_seq);
			send_all(d->sock, goodbye, HEADER);
			stop(d, ST_CLOSED, "closed by this side");
			break;
		}
		if (fds[0].revents) {
			ssize_t n = read(d->uffd, msgs, sizeof(msgs));
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				stop(d, ST_FAILED, "reading the userfaultfd: %s", strerror(errno));
				break;
			}
			for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(msgs[0]); i++) {
				if (msgs[i].event != UFFD_EVENT_PAGEFAULT)
					continue;
				rc = on_local_fault(d, &msgs[i]);
				if (rc < 0) {
					stop(d, ST_PEER_GONE, "serving a local fault: %s", strerror(-rc));
					break;
				}
			}
		}
		if (d->status == ST_RUNNING && fds[1].revents)
			on_socket(d);
		uint64_t now = now_ns();
		if (d->status == ST_RUNNING && run_deferred(d, now, &timeout_ns) < 0)
			stop(d, ST_PEER_GONE, "giving a page away failed: %s", strerror(errno));
		if (d->outstanding > 0) {
			if (now - d->last_rx_ns > d->silence_ns)
				stop(d, ST_PEER_GONE, "%u page(s) requested and nothing heard from the peer for %llu ms",
				     d->outstanding, (unsigned long long)(d->silence_ns / 1000000));
			if (timeout_ns < 0 || timeout_ns > 20000000)
				timeout_ns = 20000000;
		}
	}
	shutdown(d->sock, SHUT_RDWR);
	fence(d);
	return NULL;
}

/* ---- life cycle ------------------------------------------------------------------------- */

static void release(struct dsm *d)
{
	if (d->base != NULL && d->base != MAP_FAILED)
		munmap(d->base, d->size);
	if (d->uffd >= 0)
		close(d->uffd);
	if (d->memfd >= 0)
		close(d->memfd);
	if (d->holefd >= 0)
		close(d->holefd);
	if (d->stopfd >= 0)
		close(d->stopfd);
	if (d->sock >= 0)
		close(d->sock);
	free(d->state);
	free(d->arrived_ns);
	free(d->deferred);
	free(d);
}

static int setup(struct dsm *d, uint64_t address, int timeout_ms)
{
	uint64_t features = 0;
	int rc = probe(&features);
	if (rc < 0)
		return rc;
	if ((features & REQUIRED_FEATURES) != REQUIRED_FEATURES)
		return fail(ENOTSUP, "the kernel's userfaultfd lacks%s%s (offers 0x%llx)",
			    (features & UFFD_FEATURE_MISSING_SHMEM) ? "" : " MISSING_SHMEM",
			    (features & UFFD_FEATURE_MINOR_SHMEM) ? "" : " MINOR_SHMEM (Linux 5.13+)",
			    (unsigned long long)features);
	d->memfd = memfd_create("rpcool-dsm", MFD_CLOEXEC);
	d->holefd = memfd_create("rpcool-dsm-gone", MFD_CLOEXEC);
	d->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->memfd < 0 || d->holefd < 0 || d->stopfd < 0)
		return fail(errno, "memfd_create/eventfd: %s", strerror(errno));
	if (ftruncate(d->memfd, (off_t)d->size) < 0)
		return fail(errno, "ftruncate(%llu): %s", (unsigned long long)d->size, strerror(errno));
	void *at = mmap((void *)(uintptr_t)address, d->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE,
			d->memfd, 0);
	if (at == MAP_FAILED)
		return fail(errno, "mmap(0x%llx, %llu): %s", (unsigned long long)address, (unsigned long long)d->size,
			    strerror(errno));
	d->base = at;
	if ((uint64_t)(uintptr_t)at != address)
		return fail(EEXIST, "mmap(0x%llx): the kernel placed the heap elsewhere", (unsigned long long)address);
	rc = open_uffd();
	if (rc < 0)
		return fail(-rc, "userfaultfd(): %s", strerror(-rc));
	d->uffd = rc;
	struct uffdio_api api = { .api = UFFD_API, .features = REQUIRED_FEATURES };
	if (ioctl(d->uffd, UFFDIO_API, &api) < 0)
		return fail(errno, "UFFDIO_API(0x%llx): %s", (unsigned long long)REQUIRED_FEATURES, strerror(errno));
	struct uffdio_register reg = {
		.range = { .start = address, .len = d->size },
		.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR };
	if (ioctl(d->uffd, UFFDIO_REGISTER, &reg) < 0)
		return fail(errno, "UFFDIO_REGISTER(MISSING|MINOR): %s", strerror(errno));
	uint64_t needed = (1ull << _UFFDIO_COPY) | (1ull << _UFFDIO_WAKE) | (1ull << _UFFDIO_CONTINUE);
	if ((reg.ioctls & needed) != needed)
		return fail(ENOTSUP, "the registered range lacks UFFDIO_COPY, UFFDIO_WAKE or UFFDIO_CONTINUE (ioctls 0x%llx)",
			    (unsigned long long)reg.ioctls);
	rc = handshake(d, timeout_ms);
	if (rc < 0)
		return rc;
	for (uint32_t p = 0; p < d->pages; p++)
		d->state[p] = d->role == 0 ? S_OWNED : S_REMOTE;
	return 0;
}

/*
 * Map [address, address + size) over a fresh memfd, register it and shake hands over sock (which
 * this call takes over, also on failure).  role: 0 server (owns every page at the start), 1 client.
 * Returns the handle, or 0 with rpcool_dsm_last_error() set.  rpcool_dsm_start() starts the pager;
 * until then no thread may touch the heap.
 */
int64_t rpcool_dsm_open(int64_t address, int64_t size, int sock, int role, int timeout_ms)
{
	struct dsm *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		close(sock);
		fail(ENOMEM, "out of memory");
		return 0;
	}
	d->memfd = d->holefd = d->uffd = d->stopfd = -1;
	d->sock = sock;
	d->role = role;
	d->size = (uint64_t)size;
	d->pages = (uint32_t)(size / PAGE);
	trace = getenv("RPCOOL_DSM_TRACE") != NULL;
	if (size <= 0 || size % PAGE != 0 || address <= 0 || address % PAGE != 0 || size / PAGE > UINT32_MAX ||
	    (role != 0 && role != 1)) {
		fail(EINVAL, "bad heap 0x%llx+%lld or role %d", (unsigned long long)address, (long long)size, role);
		release(d);
		return 0;
	}
	d->state = calloc(d->pages, 1);
	d->arrived_ns = calloc(d->pages, sizeof(uint64_t));
	d->deferred = calloc(d->pages, sizeof(uint32_t));
	if (d->state == NULL || d->arrived_ns == NULL || d->deferred == NULL) {
		fail(ENOMEM, "out of memory for %u pages", d->pages);
		release(d);
		return 0;
	}
	if (setup(d, (uint64_t)address, timeout_ms) < 0) {
		release(d);
		return 0;
	}
	return (int64_t)(uintptr_t)d;
}

/*
 * Start the pager of an opened heap.  hold_ns: a page that just arrived stays at least this long
 * before a request of the peer takes it back.  silence_ns: with pages requested, a peer not heard
 * from for this long is gone.  0 or -errno; on failure the handle is freed.
 */
int rpcool_dsm_start(int64_t h, int64_t hold_ns, int64_t silence_ns)
{
	struct dsm *d = (struct dsm *)(uintptr_t)h;
	d->hold_ns = hold_ns < 0 ? 0 : (uint64_t)hold_ns;
	d->silence_ns = silence_ns <= 0 ? 1 : (uint64_t)silence_ns;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);	/* the JVM's signals go to its own threads */
	int rc = pthread_create(&d->thread, NULL, pager, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		release(d);
		return fail(rc, "pthread_create: %s", strerror(rc));
	}
	d->thread_started = 1;
	TRACE(d, "started 0x%llx+%llu, hold %llu ns", (unsigned long long)(uintptr_t)d->base,
	      (unsigned long long)d->size, (unsigned long long)d->hold_ns);
	return 0;
}

int rpcool_dsm_status(int64_t h)
{
	return __atomic_load_n(&((struct dsm *)(uintptr_t)h)->status, __ATOMIC_ACQUIRE);
}

/* Where the status word lives, for a cheap check after every access (valid until close). */
int64_t rpcool_dsm_status_address(int64_t h)
{
	return (int64_t)(uintptr_t)&((struct dsm *)(uintptr_t)h)->status;
}

const char *rpcool_dsm_reason(int64_t h)
{
	struct dsm *d = (struct dsm *)(uintptr_t)h;
	return d->status == ST_RUNNING ? "" : d->reason;
}

int64_t rpcool_dsm_counter(int64_t h, int which)
{
	struct dsm *d = (struct dsm *)(uintptr_t)h;
	return which >= 0 && which < C_COUNTERS ? (int64_t)d->counters[which] : -1;
}

/* Page p as the pager last recorded it: 0 the peer owns it, 1 this side, 2 requested, 3 owned and being given away. */
int rpcool_dsm_page_state(int64_t h, int64_t p)
{
	struct dsm *d = (struct dsm *)(uintptr_t)h;
	return p >= 0 && p < d->pages ? __atomic_load_n(&d->state[p], __ATOMIC_RELAXED) : -1;
}

/* Stop the pager (GOODBYE to the peer if it is still there), unmap the heap, free everything. */
int rpcool_dsm_close(int64_t h)
{
	struct dsm *d = (struct dsm *)(uintptr_t)h;
	uint64_t one = 1;
	if (write(d->stopfd, &one, sizeof(one)) < 0)
		return -errno;
	if (d->thread_started)
		pthread_join(d->thread, NULL);
	release(d);
	return 0;
}
