// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool - heaps: shmem files owned by the module, their descriptor
 * rings and the table of heaps that daemons create and destroy.
 */

#include "rpcool.h"

static void rpcool_heap_release(struct kref *ref)
{
	struct rpcool_heap *heap = container_of(ref, struct rpcool_heap, ref);
	u32 i;

	for (i = 0; i < heap->nslots; i++)
		if (heap->slots[i].active)
			atomic64_dec(&rpcool_stats.seals);
	fput(heap->shm);
	vfree(heap->ring);
	kvfree(heap->slots);
	kvfree(heap->free);
	kvfree(heap->sealed);
	kfree(heap);
	atomic64_dec(&rpcool_stats.heaps);
}

void rpcool_heap_put(struct rpcool_heap *heap)
{
	kref_put(&heap->ref, rpcool_heap_release);
}

bool rpcool_range_sealed(struct rpcool_heap *heap, pgoff_t first,
			 pgoff_t count)
{
	pgoff_t end;
	bool sealed;

	if (first >= heap->npages)
		return false;
	end = min_t(pgoff_t, first + count, heap->npages);
	spin_lock(&heap->seal_lock);
	sealed = find_next_bit(heap->sealed, end, first) < end;
	spin_unlock(&heap->seal_lock);
	return sealed;
}

/*
 * File operations installed on the heap's shmem file and inode. Nothing in
 * user space ever holds this file: it is reachable only as vm_file of our
 * own mappings. Refusing open() closes /proc/pid/map_files; having no mmap
 * closes remap_file_pages(); having no fallocate closes MADV_REMOVE.
 */
static int rpcool_heap_file_open(struct inode *inode, struct file *filp)
{
	return -EPERM;
}

static const struct file_operations rpcool_heap_fops = {
	.owner		= THIS_MODULE,
	.open		= rpcool_heap_file_open,
	.llseek		= noop_llseek,
};

/*
 * Called with rpcool_lock held: take the heap off the table and its daemon's
 * list and revoke its pending grants. Mappings and attachments keep it alive.
 */
void rpcool_unlist_heap(struct rpcool_heap *heap)
{
	struct rpcool_grant_rec *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, &rpcool_grants, node) {
		if (rec->heap == heap) {
			list_del(&rec->node);
			rpcool_grant_free(rec);
		}
	}
	idr_remove(&rpcool_heaps, heap->id);
	list_del_init(&heap->daemon_node);
	heap->daemon = NULL;
	rpcool_heap_put(heap);
}

static struct rpcool_heap *rpcool_heap_alloc(u64 size, u32 nslots)
{
	struct rpcool_ring_header *hdr;
	struct rpcool_heap *heap;
	struct file *shm;
	u32 i;

	heap = kzalloc(sizeof(*heap), GFP_KERNEL);
	if (!heap)
		return ERR_PTR(-ENOMEM);
	kref_init(&heap->ref);
	spin_lock_init(&heap->seal_lock);
	mutex_init(&heap->lock);
	INIT_LIST_HEAD(&heap->daemon_node);
	heap->size = size;
	heap->npages = size >> PAGE_SHIFT;
	heap->nslots = nslots;
	heap->nfree = nslots;
	heap->ring_size = PAGE_ALIGN(RPCOOL_RING_HEADER_SIZE +
				     (size_t)nslots * RPCOOL_DESC_SIZE);

	heap->sealed = kvcalloc(BITS_TO_LONGS(heap->npages),
				sizeof(unsigned long), GFP_KERNEL);
	heap->slots = kvcalloc(nslots, sizeof(*heap->slots), GFP_KERNEL);
	heap->free = kvmalloc_array(nslots, sizeof(*heap->free), GFP_KERNEL);
	heap->ring = vmalloc_user(heap->ring_size);
	if (!heap->sealed || !heap->slots || !heap->free || !heap->ring)
		goto nomem;

	shm = shmem_file_setup("rpcool-heap", size, VM_NORESERVE);
	if (IS_ERR(shm)) {
		dev_err_ratelimited(rpcool_misc.this_device,
				    "shmem_file_setup(%llu) failed: %ld\n",
				    size, PTR_ERR(shm));
		vfree(heap->ring);
		kvfree(heap->free);
		kvfree(heap->slots);
		kvfree(heap->sealed);
		kfree(heap);
		return ERR_CAST(shm);
	}
	/*
	 * The file is ours alone; __fput() drops the module reference taken
	 * for our file_operations.
	 */
	heap->shm = shm;
	heap->shm_fops = shm->f_op;
	__module_get(THIS_MODULE);
	shm->f_op = &rpcool_heap_fops;
	file_inode(shm)->i_fop = &rpcool_heap_fops;

	for (i = 0; i < nslots; i++)
		heap->free[i] = nslots - 1 - i;
	hdr = heap->ring;
	hdr->magic = RPCOOL_RING_MAGIC;
	hdr->version = RPCOOL_VERSION;
	hdr->heap_size = size;
	hdr->slot_count = nslots;
	hdr->desc_size = RPCOOL_DESC_SIZE;
	atomic64_inc(&rpcool_stats.heaps);
	return heap;

nomem:
	vfree(heap->ring);
	kvfree(heap->free);
	kvfree(heap->slots);
	kvfree(heap->sealed);
	kfree(heap);
	return ERR_PTR(-ENOMEM);
}

int rpcool_ioctl_heap_create(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_heap_create hc;
	struct rpcool_heap *heap;
	u32 nslots;
	int id;

	if (copy_from_user(&hc, argp, sizeof(hc)))
		return -EFAULT;
	if (!rf->daemon)
		return -EPERM;
	if (hc.flags || !hc.size || !PAGE_ALIGNED(hc.size) ||
	    hc.size > RPCOOL_HEAP_MAX_SIZE)
		return -EINVAL;
	nslots = hc.ring_slots ? hc.ring_slots : RPCOOL_RING_DEFAULT_SLOTS;
	if (nslots > RPCOOL_RING_MAX_SLOTS)
		return -EINVAL;

	heap = rpcool_heap_alloc(hc.size, nslots);
	if (IS_ERR(heap))
		return PTR_ERR(heap);

	mutex_lock(&rpcool_lock);
	id = idr_alloc_cyclic(&rpcool_heaps, heap, 1, INT_MAX, GFP_KERNEL);
	if (id < 0) {
		mutex_unlock(&rpcool_lock);
		rpcool_heap_put(heap);
		return id;
	}
	heap->id = id;
	heap->daemon = rf;
	list_add(&heap->daemon_node, &rf->heaps);
	((struct rpcool_ring_header *)heap->ring)->heap_id = id;
	mutex_unlock(&rpcool_lock);

	hc.heap_id = id;
	if (copy_to_user(argp, &hc, sizeof(hc))) {
		mutex_lock(&rpcool_lock);
		if (heap->daemon == rf)
			rpcool_unlist_heap(heap);
		mutex_unlock(&rpcool_lock);
		return -EFAULT;
	}
	return 0;
}

int rpcool_ioctl_heap_destroy(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_heap *heap;
	u64 id;
	int ret = 0;

	if (get_user(id, (u64 __user *)argp))
		return -EFAULT;
	if (!rf->daemon)
		return -EPERM;
	if (!id || id > INT_MAX)
		return -ENOENT;
	mutex_lock(&rpcool_lock);
	heap = idr_find(&rpcool_heaps, id);
	if (heap && heap->daemon == rf)
		rpcool_unlist_heap(heap);
	else
		ret = -ENOENT;
	mutex_unlock(&rpcool_lock);
	return ret;
}
