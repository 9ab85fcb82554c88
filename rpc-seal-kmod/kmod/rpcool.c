// SPDX-License-Identifier: GPL-2.0
/*
 * rpcool - shared-memory heaps that a sender can seal against itself.
 *
 * A trusted daemon creates heaps (shmem files owned by this module, never
 * installed in any file table) and grants processes access to them with
 * one-time tokens. A process maps a heap only through /dev/rpcool, and the
 * mapping carries this module's vm_operations. A sender can then seal a
 * range of a heap: from then on no mapping of the heap can write the range
 * until the receiver has marked the call complete and the sender released
 * the seal. Each seal is published in a per-heap descriptor ring that is
 * mapped read-only for senders.
 *
 * How a sealed range is kept read-only:
 *  - all PTEs of the range are zapped (unmap_mapping_range() on the heap's
 *    shmem mapping, in every process) and every later write fault goes
 *    through ->page_mkwrite, which refuses while the range is sealed; this
 *    also covers ptrace, /proc/pid/mem and process_vm_writev;
 *  - ->mprotect refuses to grant write access to a sealed range,
 *    ->mremap refuses to move it, VM_DONTEXPAND stops growth and aliasing;
 *  - mmap of /dev/rpcool refuses to map a sealed range writable;
 *  - the shmem file's own file operations are replaced, so it cannot be
 *    reopened (/proc/pid/map_files), hole-punched (MADV_REMOVE) or mapped
 *    with shmem's vm_operations (remap_file_pages);
 *  - userfaultfd cannot register these mappings (they are not shmem's);
 *  - sealing fails with -EBUSY while a page of the range is pinned
 *    (pin_user_pages()), so no pinned DMA target survives the seal.
 *
 * Use from user space (error handling omitted):
 *
 *	// daemon (CAP_SYS_ADMIN)
 *	d = open("/dev/rpcool", O_RDWR);
 *	struct rpcool_heap_create hc = { .size = 1 << 20 };
 *	ioctl(d, RPCOOL_IOC_HEAP_CREATE, &hc);
 *	struct rpcool_grant g = { .heap_id = hc.heap_id, .pid = client,
 *				  .rights = RPCOOL_RIGHT_WRITE | RPCOOL_RIGHT_SEAL };
 *	ioctl(d, RPCOOL_IOC_GRANT, &g);		// pass g.token to the client
 *
 *	// client (sender)
 *	fd = open("/dev/rpcool", O_RDWR);
 *	struct rpcool_attach a = { .token = token };
 *	ioctl(fd, RPCOOL_IOC_ATTACH, &a);
 *	heap = mmap(base, a.heap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
 *		    fd, a.heap_offset);
 *	ring = mmap(NULL, a.ring_size, PROT_READ, MAP_SHARED, fd, a.ring_offset);
 *	struct rpcool_seal s = { .handle = a.handle, .offset = off, .length = len };
 *	ioctl(fd, RPCOOL_IOC_SEAL, &s);		// [off, off + len) read-only
 *	// ... the receiver marks the descriptor RPCOOL_STATE_COMPLETE ...
 *	struct rpcool_seal_ref r = { .handle = a.handle, .seal_id = s.seal_id };
 *	ioctl(fd, RPCOOL_IOC_RELEASE, &r);	// writable again
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/pid.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "rpcool_uapi.h"

static int daemon_gid = -1;
module_param(daemon_gid, int, 0444);
MODULE_PARM_DESC(daemon_gid,
		 "group whose members may act as daemon besides CAP_SYS_ADMIN (-1: none)");

/* Kbuild defines RPCOOL_HAVE_VM_FLAGS_SET when the headers have it (>= 6.3). */
#ifdef RPCOOL_HAVE_VM_FLAGS_SET
static inline void rpcool_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

static inline void rpcool_vm_flags_clear(struct vm_area_struct *vma,
					 vm_flags_t flags)
{
	vm_flags_clear(vma, flags);
}
#else
static inline void rpcool_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void rpcool_vm_flags_clear(struct vm_area_struct *vma,
					 vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* Live object counts, reported by RPCOOL_IOC_INFO. */
static struct {
	atomic64_t heaps;
	atomic64_t grants;
	atomic64_t attachments;
	atomic64_t seals;
	atomic64_t mappings;
	atomic64_t files;
} rpcool_stats;

struct rpcool_file;
struct rpcool_attachment;

/* Kernel-side state of one ring slot; the ring copy is only published. */
struct rpcool_slot {
	struct rpcool_attachment *owner;	/* NULL once the owner detached */
	pgoff_t first;
	pgoff_t count;
	u64 offset;
	u64 length;
	u32 gen;
	bool active;
	bool marked;				/* batch release validation */
};

struct rpcool_heap {
	struct kref ref;
	u32 id;
	u64 size;
	pgoff_t npages;
	struct file *shm;
	const struct file_operations *shm_fops;	/* shmem's, for its mmap */

	/* Sealed pages, one bit per page; read by the fault path. */
	spinlock_t seal_lock;
	unsigned long *sealed;

	/* Serializes seal, complete and release; protects the slots. */
	struct mutex lock;
	void *ring;
	size_t ring_size;
	u32 nslots;
	u32 nfree;
	u32 *free;
	struct rpcool_slot *slots;

	/* Under rpcool_lock: the daemon file that lists this heap. */
	struct rpcool_file *daemon;
	struct list_head daemon_node;
};

struct rpcool_grant_rec {
	struct list_head node;
	u64 token;
	u32 rights;
	struct pid *pid;			/* NULL: any process */
	struct rpcool_heap *heap;		/* holds a reference */
	struct rpcool_file *issuer;
};

struct rpcool_attachment {
	struct rpcool_heap *heap;		/* holds a reference */
	u32 handle;
	u32 rights;
};

struct rpcool_file {
	struct mutex lock;			/* attachments */
	struct idr attachments;
	struct list_head heaps;			/* under rpcool_lock */
	bool daemon;
};

/* Protects the heap table, the grant list and every daemon's heap list. */
static DEFINE_MUTEX(rpcool_lock);
static DEFINE_IDR(rpcool_heaps);
static LIST_HEAD(rpcool_grants);

/* shmem's vm_operations, learnt from the first heap mapping. */
static const struct vm_operations_struct *rpcool_shmem_vm_ops;

static struct miscdevice rpcool_misc;

static struct rpcool_desc *rpcool_desc(struct rpcool_heap *heap, u32 slot)
{
	return (struct rpcool_desc *)((char *)heap->ring +
				      RPCOOL_RING_HEADER_SIZE) + slot;
}

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

static void rpcool_heap_put(struct rpcool_heap *heap)
{
	kref_put(&heap->ref, rpcool_heap_release);
}

static bool rpcool_range_sealed(struct rpcool_heap *heap, pgoff_t first,
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

/* vm_operations shared by heap and ring mappings: one heap ref per VMA. */
static void rpcool_vma_open(struct vm_area_struct *vma)
{
	struct rpcool_heap *heap = vma->vm_private_data;

	kref_get(&heap->ref);
	atomic64_inc(&rpcool_stats.mappings);
}

static void rpcool_vma_close(struct vm_area_struct *vma)
{
	struct rpcool_heap *heap = vma->vm_private_data;

	atomic64_dec(&rpcool_stats.mappings);
	rpcool_heap_put(heap);
}

static vm_fault_t rpcool_heap_fault(struct vm_fault *vmf)
{
	struct rpcool_heap *heap = vmf->vma->vm_private_data;

	if (vmf->pgoff >= heap->npages)
		return VM_FAULT_SIGBUS;
	return READ_ONCE(rpcool_shmem_vm_ops)->fault(vmf);
}

/*
 * Every write to a heap page that is not mapped writable lands here. The
 * page lock is taken before the seal bit is tested and held until the
 * caller has installed the writable PTE, so rpcool_seal_range() can wait
 * for writers that passed this check before the range was sealed.
 */
static vm_fault_t rpcool_heap_page_mkwrite(struct vm_fault *vmf)
{
	struct rpcool_heap *heap = vmf->vma->vm_private_data;
	struct page *page = vmf->page;
	bool sealed;

	if (vmf->pgoff >= heap->npages)
		return VM_FAULT_SIGBUS;
	lock_page(page);
	if (page->mapping != heap->shm->f_mapping) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	spin_lock(&heap->seal_lock);
	sealed = test_bit(vmf->pgoff, heap->sealed);
	spin_unlock(&heap->seal_lock);
	if (sealed) {
		unlock_page(page);
		return VM_FAULT_SIGBUS;
	}
	return VM_FAULT_LOCKED;
}

/* mprotect() and pkey_mprotect(): never grant write on a sealed range. */
static int rpcool_heap_mprotect(struct vm_area_struct *vma, unsigned long start,
				unsigned long end, unsigned long newflags)
{
	struct rpcool_heap *heap = vma->vm_private_data;
	pgoff_t first = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);

	if (!(newflags & VM_WRITE))
		return 0;
	if (rpcool_range_sealed(heap, first, (end - start) >> PAGE_SHIFT))
		return -EACCES;
	return 0;
}

/* mremap(): a sealed range stays where it was sealed. */
static int rpcool_heap_mremap(struct vm_area_struct *new_vma)
{
	struct rpcool_heap *heap = new_vma->vm_private_data;

	if (rpcool_range_sealed(heap, new_vma->vm_pgoff, vma_pages(new_vma)))
		return -EBUSY;
	return 0;
}

static const struct vm_operations_struct rpcool_heap_vm_ops = {
	.open		= rpcool_vma_open,
	.close		= rpcool_vma_close,
	.mremap		= rpcool_heap_mremap,
	.mprotect	= rpcool_heap_mprotect,
	.fault		= rpcool_heap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= rpcool_heap_page_mkwrite,
};

static vm_fault_t rpcool_ring_fault(struct vm_fault *vmf)
{
	struct rpcool_heap *heap = vmf->vma->vm_private_data;
	struct page *page;

	if (vmf->pgoff >= heap->ring_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page((char *)heap->ring + (vmf->pgoff << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct rpcool_ring_vm_ops = {
	.open		= rpcool_vma_open,
	.close		= rpcool_vma_close,
	.fault		= rpcool_ring_fault,
};

static int rpcool_mmap_heap(struct rpcool_heap *heap, u32 rights, u64 off,
			    struct vm_area_struct *vma)
{
	u64 len = vma->vm_end - vma->vm_start;
	pgoff_t first = off >> PAGE_SHIFT;
	int ret;

	if (off > heap->size || len > heap->size - off)
		return -EINVAL;
	if (!(rights & RPCOOL_RIGHT_WRITE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		rpcool_vm_flags_clear(vma, VM_MAYWRITE);
	}
	if ((vma->vm_flags & VM_MAYWRITE) &&
	    rpcool_range_sealed(heap, first, len >> PAGE_SHIFT)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		/* read-only now and for the lifetime of this mapping */
		rpcool_vm_flags_clear(vma, VM_MAYWRITE);
	}

	vma->vm_pgoff = first;
	vma_set_file(vma, heap->shm);
	/* shmem's mmap only installs its vm_ops; keep them for ->fault. */
	ret = heap->shm_fops->mmap(heap->shm, vma);
	if (ret)
		return ret;
	WRITE_ONCE(rpcool_shmem_vm_ops, vma->vm_ops);
	vma->vm_ops = &rpcool_heap_vm_ops;
	vma->vm_private_data = heap;
	rpcool_vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

static int rpcool_mmap_ring(struct rpcool_heap *heap, u32 rights, u64 off,
			    struct vm_area_struct *vma)
{
	bool writable = (rights & RPCOOL_RIGHT_COMPLETE) &&
			!(rights & RPCOOL_RIGHT_SEAL);

	if (off || vma->vm_end - vma->vm_start > heap->ring_size)
		return -EINVAL;
	if (!writable) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		rpcool_vm_flags_clear(vma, VM_MAYWRITE);
	}
	vma->vm_pgoff = 0;
	vma->vm_ops = &rpcool_ring_vm_ops;
	vma->vm_private_data = heap;
	rpcool_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static int rpcool_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct rpcool_file *rf = filp->private_data;
	struct rpcool_attachment *att;
	struct rpcool_heap *heap = NULL;
	u32 rights = 0;
	u64 off;
	int ret;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	mutex_lock(&rf->lock);
	att = idr_find(&rf->attachments, off >> RPCOOL_MMAP_HANDLE_SHIFT);
	if (att) {
		heap = att->heap;
		rights = att->rights;
		kref_get(&heap->ref);
	}
	mutex_unlock(&rf->lock);
	if (!heap)
		return -EACCES;

	if (off & RPCOOL_MMAP_RING)
		ret = rpcool_mmap_ring(heap, rights,
				       off & RPCOOL_MMAP_OFFSET_MASK, vma);
	else
		ret = rpcool_mmap_heap(heap, rights,
				       off & RPCOOL_MMAP_OFFSET_MASK, vma);
	if (ret) {
		rpcool_heap_put(heap);
		return ret;
	}
	atomic64_inc(&rpcool_stats.mappings);
	return 0;
}

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

static void rpcool_detach(struct rpcool_attachment *att)
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

static void rpcool_grant_free(struct rpcool_grant_rec *rec)
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

/*
 * Called with rpcool_lock held: take the heap off the table and its daemon's
 * list and revoke its pending grants. Mappings and attachments keep it alive.
 */
static void rpcool_unlist_heap(struct rpcool_heap *heap)
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

static int rpcool_ioctl_info(struct rpcool_file *rf, void __user *argp)
{
	struct rpcool_info info = {
		.version	= RPCOOL_VERSION,
		.flags		= rf->daemon ? RPCOOL_INFO_DAEMON : 0,
		.page_size	= PAGE_SIZE,
		.desc_size	= RPCOOL_DESC_SIZE,
		.heaps		= atomic64_read(&rpcool_stats.heaps),
		.grants		= atomic64_read(&rpcool_stats.grants),
		.attachments	= atomic64_read(&rpcool_stats.attachments),
		.seals		= atomic64_read(&rpcool_stats.seals),
		.mappings	= atomic64_read(&rpcool_stats.mappings),
		.files		= atomic64_read(&rpcool_stats.files),
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static int rpcool_ioctl_heap_create(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_heap_destroy(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_grant(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_attach(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_detach(struct rpcool_file *rf, void __user *argp)
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
static struct rpcool_attachment *rpcool_lock_att(struct rpcool_file *rf,
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

static int rpcool_ioctl_seal(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_complete(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_release(struct rpcool_file *rf, void __user *argp)
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

static int rpcool_ioctl_batch_release(struct rpcool_file *rf, void __user *argp)
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

static long rpcool_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct rpcool_file *rf = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RPCOOL_IOC_INFO:
		return rpcool_ioctl_info(rf, argp);
	case RPCOOL_IOC_HEAP_CREATE:
		return rpcool_ioctl_heap_create(rf, argp);
	case RPCOOL_IOC_HEAP_DESTROY:
		return rpcool_ioctl_heap_destroy(rf, argp);
	case RPCOOL_IOC_GRANT:
		return rpcool_ioctl_grant(rf, argp);
	case RPCOOL_IOC_ATTACH:
		return rpcool_ioctl_attach(rf, argp);
	case RPCOOL_IOC_DETACH:
		return rpcool_ioctl_detach(rf, argp);
	case RPCOOL_IOC_SEAL:
		return rpcool_ioctl_seal(rf, argp);
	case RPCOOL_IOC_COMPLETE:
		return rpcool_ioctl_complete(rf, argp);
	case RPCOOL_IOC_RELEASE:
		return rpcool_ioctl_release(rf, argp);
	case RPCOOL_IOC_BATCH_RELEASE:
		return rpcool_ioctl_batch_release(rf, argp);
	default:
		return -ENOTTY;
	}
}

/* Decided once, at open, from the opener's credentials (no audit noise). */
static bool rpcool_may_be_daemon(void)
{
	if (ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return true;
	return daemon_gid >= 0 &&
	       in_egroup_p(make_kgid(&init_user_ns, daemon_gid));
}

static int rpcool_open(struct inode *inode, struct file *filp)
{
	struct rpcool_file *rf;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL);
	if (!rf)
		return -ENOMEM;
	mutex_init(&rf->lock);
	idr_init(&rf->attachments);
	INIT_LIST_HEAD(&rf->heaps);
	rf->daemon = rpcool_may_be_daemon();
	filp->private_data = rf;
	atomic64_inc(&rpcool_stats.files);
	return 0;
}

static int rpcool_release(struct inode *inode, struct file *filp)
{
	struct rpcool_file *rf = filp->private_data;
	struct rpcool_grant_rec *rec, *tmp_rec;
	struct rpcool_heap *heap, *tmp_heap;
	struct rpcool_attachment *att;
	int handle;

	idr_for_each_entry(&rf->attachments, att, handle)
		rpcool_detach(att);
	idr_destroy(&rf->attachments);

	mutex_lock(&rpcool_lock);
	list_for_each_entry_safe(rec, tmp_rec, &rpcool_grants, node) {
		if (rec->issuer == rf) {
			list_del(&rec->node);
			rpcool_grant_free(rec);
		}
	}
	list_for_each_entry_safe(heap, tmp_heap, &rf->heaps, daemon_node)
		rpcool_unlist_heap(heap);
	mutex_unlock(&rpcool_lock);

	kfree(rf);
	atomic64_dec(&rpcool_stats.files);
	return 0;
}

static const struct file_operations rpcool_fops = {
	.owner		= THIS_MODULE,
	.open		= rpcool_open,
	.release	= rpcool_release,
	.unlocked_ioctl	= rpcool_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= rpcool_mmap,
	.llseek		= noop_llseek,
};

static struct miscdevice rpcool_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= "rpcool",
	.fops		= &rpcool_fops,
	.mode		= 0666,
};

static int __init rpcool_init(void)
{
	int ret;

	ret = misc_register(&rpcool_misc);
	if (ret) {
		pr_err("misc_register failed: %d\n", ret);
		return ret;
	}
	pr_info("version %u.%u loaded\n", RPCOOL_VERSION_MAJOR,
		RPCOOL_VERSION_MINOR);
	return 0;
}

static void __exit rpcool_exit(void)
{
	misc_deregister(&rpcool_misc);
	/* Open files and heap files pin the module, so all must be gone. */
	WARN_ON(atomic64_read(&rpcool_stats.heaps) ||
		atomic64_read(&rpcool_stats.grants) ||
		atomic64_read(&rpcool_stats.attachments) ||
		atomic64_read(&rpcool_stats.seals) ||
		atomic64_read(&rpcool_stats.mappings) ||
		atomic64_read(&rpcool_stats.files));
	idr_destroy(&rpcool_heaps);
	pr_info("unloaded\n");
}

module_init(rpcool_init);
module_exit(rpcool_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("RPCool developers");
MODULE_DESCRIPTION("RPCool shared-memory heaps with seal and release");
MODULE_VERSION("1.0");
