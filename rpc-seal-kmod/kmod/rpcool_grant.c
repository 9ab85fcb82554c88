// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool - grants, the one-time tokens a daemon issues, and attachments,
 * the per-file handles that redeeming a grant creates.
 */

#include "rpcool.h"

void rpcool_detach(struct rpcool_attachment *att)
{
	struct rpcool_heap *heap = att->heap;
	u32 i;

	/* Seals outlive their owner's handle: closing the file unseals nothing. */
	mutex_lock(&heap->lock);
	for (i = 0; i < heap->nslots; i++)
		if (heap->slots[i].owner == att)
			heap->slots[i].owner = NULL;
	mutex_unlock(&heap->lock);
	rpcool_heap_put(heap);
	kfree(att);
	atomic64_dec(&rpcool_stats.attachments);
}

void rpcool_grant_free(struct rpcool_grant_rec *rec)
{
	put_pid(rec->pid);
	rpcool_heap_put(rec->heap);
	kfree(rec);
	atomic64_dec(&rpcool_stats.grants);
}

/* Called with rpcool_lock held. */
static struct rpcool_grant_rec *rpcool_find_grant(u64 token)
{
	struct rpcool_grant_rec *rec;

	list_for_each_entry(rec, &rpcool_grants, node)
		if (rec->token == token)
			return rec;
	return NULL;
}

int rpcool_ioctl_grant(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_grant_rec *rec;
	struct rpcool_heap *heap;
	struct rpcool_grant g;
	u64 token;

	if (copy_from_user(&g, argp, sizeof(g)))
		return -EFAULT;
	if (!rf->daemon)
		return -EPERM;
	if ((g.rights & ~RPCOOL_RIGHTS_ALL) || g.pid < 0 || !g.heap_id ||
	    g.heap_id > INT_MAX)
		return -EINVAL;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	if (g.pid) {
		rec->pid = find_get_pid(g.pid);
		if (!rec->pid) {
			kfree(rec);
			return -ESRCH;
		}
	}

	mutex_lock(&rpcool_lock);
	heap = idr_find(&rpcool_heaps, g.heap_id);
	if (!heap || heap->daemon != rf) {
		mutex_unlock(&rpcool_lock);
		put_pid(rec->pid);
		kfree(rec);
		return -ENOENT;
	}
	do {
		token = get_random_u64();
	} while (!token || rpcool_find_grant(token));
	kref_get(&heap->ref);
	rec->heap = heap;
	rec->token = token;
	rec->rights = g.rights;
	rec->issuer = rf;
	list_add_tail(&rec->node, &rpcool_grants);
	atomic64_inc(&rpcool_stats.grants);
	mutex_unlock(&rpcool_lock);

	g.token = token;
	if (copy_to_user(argp, &g, sizeof(g))) {
		mutex_lock(&rpcool_lock);
		rec = rpcool_find_grant(token);
		if (rec) {
			list_del(&rec->node);
			rpcool_grant_free(rec);
		}
		mutex_unlock(&rpcool_lock);
		return -EFAULT;
	}
	return 0;
}

static int rpcool_remove_attachment(struct rpcool_file *rf, u32 handle)
{
	struct rpcool_attachment *att;

	mutex_lock(&rf->lock);
	att = idr_remove(&rf->attachments, handle);
	mutex_unlock(&rf->lock);
	if (!att)
		return -EBADF;
	rpcool_detach(att);
	return 0;
}

int rpcool_ioctl_attach(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_attachment *att;
	struct rpcool_grant_rec *rec;
	struct rpcool_heap *heap;
	struct rpcool_attach a;
	int handle;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return -ENOMEM;

	mutex_lock(&rpcool_lock);
	rec = a.token ? rpcool_find_grant(a.token) : NULL;
	if (!rec || (rec->pid && rec->pid != task_tgid(current))) {
		mutex_unlock(&rpcool_lock);
		kfree(att);
		return -EACCES;
	}
	list_del(&rec->node);
	mutex_unlock(&rpcool_lock);

	/* The grant's heap reference becomes the attachment's. */
	heap = rec->heap;
	att->heap = heap;
	att->rights = rec->rights;
	put_pid(rec->pid);
	kfree(rec);
	atomic64_dec(&rpcool_stats.grants);

	mutex_lock(&rf->lock);
	handle = idr_alloc(&rf->attachments, att, 1, RPCOOL_HANDLE_MAX + 1,
			   GFP_KERNEL);
	if (handle > 0)
		att->handle = handle;
	mutex_unlock(&rf->lock);
	if (handle < 0) {
		rpcool_heap_put(heap);
		kfree(att);
		return handle;
	}
	atomic64_inc(&rpcool_stats.attachments);

	memset(&a, 0, sizeof(a));
	a.handle = handle;
	a.rights = att->rights;
	a.heap_id = heap->id;
	a.heap_size = heap->size;
	a.heap_offset = RPCOOL_MMAP_OFFSET(handle, 0, 0);
	a.ring_offset = RPCOOL_MMAP_OFFSET(handle, 1, 0);
	a.ring_size = heap->ring_size;
	a.ring_slots = heap->nslots;
	if (copy_to_user(argp, &a, sizeof(a))) {
		rpcool_remove_attachment(rf, handle);
		return -EFAULT;
	}
	return 0;
}

int rpcool_ioctl_detach(struct rpcool_file *rf, void __user *argp)
{
	u32 handle;

	if (get_user(handle, (u32 __user *)argp))
		return -EFAULT;
	return rpcool_remove_attachment(rf, handle);
}

/*
 * Look up @handle and check @right; on success return its attachment with
 * rf->lock held (released by the caller), which keeps it attached.
 */
struct rpcool_attachment *rpcool_lock_att(struct rpcool_file *rf,
					  u32 handle, u32 right)
{
	struct rpcool_attachment *att;

	mutex_lock(&rf->lock);
	att = idr_find(&rf->attachments, handle);
	if (!att) {
		mutex_unlock(&rf->lock);
		return ERR_PTR(-EBADF);
	}
	if (!(att->rights & right)) {
		mutex_unlock(&rf->lock);
		return ERR_PTR(-EPERM);
	}
	return att;
}
