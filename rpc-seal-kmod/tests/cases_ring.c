// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool_tests: the descriptor ring, completion and release, argument
 * checks and batches.
 */
#include "rpcool_tests.h"

const char *t_ring_is_read_only_for_sender(void)
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

const char *t_descriptor_is_written_by_kernel(void)
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

const char *t_release_before_completion_fails(void)
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

const char *t_sender_cannot_complete(void)
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

const char *t_release_after_ring_completion_restores_write(void)
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

const char *t_release_after_ioctl_completion_restores_write(void)
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

const char *t_released_seal_id_is_stale(void)
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

const char *t_seal_arguments_are_checked(void)
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

const char *t_overlapping_seal_is_refused(void)
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

const char *t_ring_full_is_reported(void)
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

const char *t_batch_release_releases_all(void)
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

const char *t_batch_release_is_all_or_nothing(void)
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
