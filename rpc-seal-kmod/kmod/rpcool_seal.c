// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool - seal, complete and release of heap ranges, and the
 * descriptor ring through which seals are published.
 */

#include "rpcool.h"

/*
 * Visit the folios of [first, last] present in the heap's page cache.
 * Without @check_pins, lock and unlock each one: a writer that passed
 * ->page_mkwrite holds the lock until its writable PTE is installed.
 * With @check_pins, report -EBUSY if any folio may be pinned for DMA.
 */
static int rpcool_scan_range(struct rpcool_heap *heap, pgoff_t first,
			     pgoff_t last, bool check_pins)
{
	struct address_space *mapping = heap->shm->f_mapping;
	struct folio_batch fbatch;
	pgoff_t index = first;
	bool pinned = false;
	unsigned int i;

	folio_batch_init(&fbatch);
	while (filemap_get_folios(mapping, &index, last, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			if (check_pins) {
				pinned |= folio_maybe_dma_pinned(folio);
			} else {
				folio_lock(folio);
				folio_unlock(folio);
			}
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
	return pinned ? -EBUSY : 0;
}

static void rpcool_publish(struct rpcool_heap *heap, u32 idx, u32 state)
{
	struct rpcool_slot *slot = &heap->slots[idx];
	struct rpcool_desc *desc = rpcool_desc(heap, idx);

	WRITE_ONCE(desc->seal_id, ((u64)slot->gen << 32) | idx);
	WRITE_ONCE(desc->heap_id, heap->id);
	WRITE_ONCE(desc->offset, slot->offset);
	WRITE_ONCE(desc->length, slot->length);
	WRITE_ONCE(desc->sender_pid, task_tgid_nr(current));
	WRITE_ONCE(desc->generation, slot->gen);
	WRITE_ONCE(desc->seal_time_ns, ktime_get_ns());
	/* Pairs with readers that load state first, then the other fields. */
	smp_store_release(&desc->state, state);
}

/* Called with heap->lock held. */
static int rpcool_seal_range(struct rpcool_heap *heap,
			     struct rpcool_attachment *att, u64 offset,
			     u64 length, u64 *seal_id)
{
	pgoff_t first = offset >> PAGE_SHIFT;
	pgoff_t count = length >> PAGE_SHIFT;
	struct rpcool_slot *slot;
	u32 idx;
	int ret;

	if (!heap->nfree)
		return -ENOSPC;

	spin_lock(&heap->seal_lock);
	if (find_next_bit(heap->sealed, first + count, first) < first + count) {
		spin_unlock(&heap->seal_lock);
		return -EEXIST;
	}
	bitmap_set(heap->sealed, first, count);
	spin_unlock(&heap->seal_lock);

	/* From here on ->page_mkwrite refuses; drain writers already past it. */
	rpcool_scan_range(heap, first, first + count - 1, false);
	/* Zap every PTE of the range in every process; flushes the TLBs. */
	unmap_mapping_range(heap->shm->f_mapping, (loff_t)offset,
			    (loff_t)length, 0);
	/* A page pinned before the seal could still be written by DMA. */
	ret = rpcool_scan_range(heap, first, first + count - 1, true);
	if (ret) {
		spin_lock(&heap->seal_lock);
		bitmap_clear(heap->sealed, first, count);
		spin_unlock(&heap->seal_lock);
		return ret;
	}

	idx = heap->free[--heap->nfree];
	slot = &heap->slots[idx];
	if (++slot->gen == 0)
		slot->gen = 1;
	slot->owner = att;
	slot->first = first;
	slot->count = count;
	slot->offset = offset;
	slot->length = length;
	slot->active = true;
	rpcool_publish(heap, idx, RPCOOL_STATE_SEALED);
	atomic64_inc(&rpcool_stats.seals);
	*seal_id = ((u64)slot->gen << 32) | idx;
	return 0;
}

/* Called with heap->lock held: @id names an active seal of this heap? */
static struct rpcool_slot *rpcool_find_seal(struct rpcool_heap *heap, u64 id)
{
	u32 idx = lower_32_bits(id);
	struct rpcool_slot *slot;

	if (idx >= heap->nslots)
		return NULL;
	slot = &heap->slots[idx];
	if (!slot->active || slot->gen != upper_32_bits(id))
		return NULL;
	return slot;
}

/* Called with heap->lock held. */
static int rpcool_check_release(struct rpcool_heap *heap,
				struct rpcool_attachment *att, u64 id)
{
	struct rpcool_slot *slot = rpcool_find_seal(heap, id);
	struct rpcool_desc *desc;

	if (!slot)
		return -ENOENT;
	if (slot->owner && slot->owner != att)
		return -EPERM;
	desc = rpcool_desc(heap, lower_32_bits(id));
	/* Pairs with the receiver's release store of RPCOOL_STATE_COMPLETE. */
	if (smp_load_acquire(&desc->state) != RPCOOL_STATE_COMPLETE ||
	    READ_ONCE(desc->seal_id) != id)
		return -EBUSY;
	return 0;
}

/*
 * Called with heap->lock held. Clearing the bits is all it takes: the PTEs
 * are still read-only or absent, and the next write faults into
 * ->page_mkwrite, which now lets it through. No TLB flush is needed.
 */
static void rpcool_release_slot(struct rpcool_heap *heap, u32 idx)
{
	struct rpcool_slot *slot = &heap->slots[idx];

	spin_lock(&heap->seal_lock);
	bitmap_clear(heap->sealed, slot->first, slot->count);
	spin_unlock(&heap->seal_lock);
	slot->active = false;
	slot->marked = false;
	slot->owner = NULL;
	/* Orders the bitmap update before senders see RELEASED. */
	smp_store_release(&rpcool_desc(heap, idx)->state,
			  RPCOOL_STATE_RELEASED);
	heap->free[heap->nfree++] = idx;
	atomic64_dec(&rpcool_stats.seals);
}

int rpcool_ioctl_seal(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_seal __user *uarg = argp;
	struct rpcool_attachment *att;
	struct rpcool_heap *heap;
	struct rpcool_slot *slot;
	struct rpcool_seal s;
	int ret;

	if (copy_from_user(&s, argp, sizeof(s)))
		return -EFAULT;
	if (s.flags || !s.length || !PAGE_ALIGNED(s.offset) ||
	    !PAGE_ALIGNED(s.length))
		return -EINVAL;

	att = rpcool_lock_att(rf, s.handle, RPCOOL_RIGHT_SEAL);
	if (IS_ERR(att))
		return PTR_ERR(att);
	heap = att->heap;
	if (s.offset >= heap->size || s.length > heap->size - s.offset) {
		mutex_unlock(&rf->lock);
		return -EINVAL;
	}
	kref_get(&heap->ref);
	mutex_lock(&heap->lock);
	ret = rpcool_seal_range(heap, att, s.offset, s.length, &s.seal_id);
	mutex_unlock(&heap->lock);
	mutex_unlock(&rf->lock);

	if (!ret && put_user(s.seal_id, &uarg->seal_id)) {
		/* Nobody learnt the id: undo the seal. */
		mutex_lock(&heap->lock);
		slot = rpcool_find_seal(heap, s.seal_id);
		if (slot)
			rpcool_release_slot(heap, lower_32_bits(s.seal_id));
		mutex_unlock(&heap->lock);
		ret = -EFAULT;
	}
	rpcool_heap_put(heap);
	return ret;
}

int rpcool_ioctl_complete(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_attachment *att;
	struct rpcool_seal_ref r;
	struct rpcool_heap *heap;
	struct rpcool_desc *desc;
	int ret = 0;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.reserved)
		return -EINVAL;
	att = rpcool_lock_att(rf, r.handle, RPCOOL_RIGHT_COMPLETE);
	if (IS_ERR(att))
		return PTR_ERR(att);
	heap = att->heap;
	mutex_lock(&heap->lock);
	if (rpcool_find_seal(heap, r.seal_id)) {
		desc = rpcool_desc(heap, lower_32_bits(r.seal_id));
		WRITE_ONCE(desc->seal_id, r.seal_id);
		/* Same ordering as a receiver completing through the ring. */
		smp_store_release(&desc->state, RPCOOL_STATE_COMPLETE);
	} else {
		ret = -ENOENT;
	}
	mutex_unlock(&heap->lock);
	mutex_unlock(&rf->lock);
	return ret;
}

int rpcool_ioctl_release(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_attachment *att;
	struct rpcool_seal_ref r;
	struct rpcool_heap *heap;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.reserved)
		return -EINVAL;
	att = rpcool_lock_att(rf, r.handle, RPCOOL_RIGHT_SEAL);
	if (IS_ERR(att))
		return PTR_ERR(att);
	heap = att->heap;
	mutex_lock(&heap->lock);
	ret = rpcool_check_release(heap, att, r.seal_id);
	if (!ret)
		rpcool_release_slot(heap, lower_32_bits(r.seal_id));
	mutex_unlock(&heap->lock);
	mutex_unlock(&rf->lock);
	return ret;
}

int rpcool_ioctl_batch_release(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_batch_release __user *uarg = argp;
	struct rpcool_attachment *att;
	struct rpcool_batch_release b;
	struct rpcool_heap *heap;
	struct rpcool_slot *slot;
	u32 i, n = 0;
	u64 *ids;
	int ret = 0;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	if (!b.count || b.count > RPCOOL_BATCH_MAX)
		return -EINVAL;
	ids = memdup_user(u64_to_user_ptr(b.seal_ids),
			  (size_t)b.count * sizeof(*ids));
	if (IS_ERR(ids))
		return PTR_ERR(ids);

	att = rpcool_lock_att(rf, b.handle, RPCOOL_RIGHT_SEAL);
	if (IS_ERR(att)) {
		kfree(ids);
		return PTR_ERR(att);
	}
	heap = att->heap;
	mutex_lock(&heap->lock);
	/* Validate everything first: the batch is all or nothing. */
	for (n = 0; n < b.count; n++) {
		ret = rpcool_check_release(heap, att, ids[n]);
		if (ret)
			break;
		slot = &heap->slots[lower_32_bits(ids[n])];
		if (slot->marked) {
			ret = -EINVAL;		/* duplicate id */
			break;
		}
		slot->marked = true;
	}
	if (ret) {
		for (i = 0; i < n; i++)
			heap->slots[lower_32_bits(ids[i])].marked = false;
	} else {
		for (i = 0; i < b.count; i++)
			rpcool_release_slot(heap, lower_32_bits(ids[i]));
	}
	mutex_unlock(&heap->lock);
	mutex_unlock(&rf->lock);
	kfree(ids);

	b.released = ret ? 0 : b.count;
	b.failed_index = ret ? n : b.count;
	if (put_user(b.released, &uarg->released) ||
	    put_user(b.failed_index, &uarg->failed_index))
		return ret ? ret : -EFAULT;
	return ret;
}
