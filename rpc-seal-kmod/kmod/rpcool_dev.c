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

#include "rpcool.h"

static int daemon_gid = -1;
module_param(daemon_gid, int, 0444);
MODULE_PARM_DESC(daemon_gid,
		 "group whose members may act as daemon besides CAP_SYS_ADMIN (-1: none)");

struct rpcool_stats rpcool_stats;

/* Protects the heap table, the grant list and every daemon's heap list. */
DEFINE_MUTEX(rpcool_lock);
DEFINE_IDR(rpcool_heaps);
LIST_HEAD(rpcool_grants);

/* shmem's vm_operations, learnt from the first heap mapping. */
static const struct vm_operations_struct *rpcool_shmem_vm_ops;

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

struct miscdevice rpcool_misc = {
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
