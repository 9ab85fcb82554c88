// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool_tests: heaps, grants and attachments: who may create, grant,
 * attach and map.
 */
#include "rpcool_tests.h"

const char *t_info_reports_version(void)
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

const char *t_heap_create_arguments_are_checked(void)
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

const char *t_unprivileged_process_cannot_create_heaps(void)
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

const char *t_mmap_without_grant_is_refused(void)
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

const char *t_unknown_token_is_refused(void)
{
	struct rpcool_attach a;
	int fd = open_dev(), ret;

	ret = attach(fd, 0x1234567890abcdefULL, &a);
	close(fd);
	CHECK(ret == -EACCES, "ATTACH with a made-up token: %s",
	      ret ? strerror(-ret) : "accepted");
	return NULL;
}

const char *t_grant_token_is_one_time(void)
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

const char *t_grant_bound_to_pid_refuses_other_process(void)
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

const char *t_grant_without_write_maps_read_only(void)
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

const char *t_daemon_close_revokes_grants_keeps_mappings(void)
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

const char *t_heap_destroy_needs_the_creator(void)
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

const char *t_counters_zero_when_idle(void)
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
