// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool_tests: seals across closes, owners and processes; concurrent
 * writers and pinned pages.
 */
#include "rpcool_tests.h"

const char *t_seal_survives_sender_close(void)
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

const char *t_release_needs_the_owner(void)
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

const char *t_detach_drops_the_handle_not_the_seals(void)
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

const char *t_two_processes_do_not_interfere(void)
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

/*
 * A writer process stores an increasing counter into a page as fast as it
 * can while this process seals the page. Once SEAL has returned the value
 * must never change again and the writer must have faulted.
 */
const char *t_seal_stops_a_concurrent_writer(void)
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
const char *t_pinned_pages_cannot_be_sealed(void)
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
