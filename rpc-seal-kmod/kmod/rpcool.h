/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rpcool - internal declarations shared by the module's files:
 *
 *   rpcool_dev.c    misc device, file operations, mmap and vm_operations
 *   rpcool_heap.c   heaps: shmem files, descriptor rings, the heap table
 *   rpcool_grant.c  grants (one-time tokens) and attachments (handles)
 *   rpcool_seal.c   seal, complete and release of heap ranges
 *
 * Lock order: a file's lock before a heap's lock, a heap's lock before its
 * seal_lock. rpcool_lock is never taken with a file's or a heap's lock held.
 */
#ifndef _RPCOOL_H
#define _RPCOOL_H

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
struct rpcool_stats {
	atomic64_t heaps;
	atomic64_t grants;
	atomic64_t attachments;
	atomic64_t seals;
	atomic64_t mappings;
	atomic64_t files;
};

extern struct rpcool_stats rpcool_stats;

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

/* rpcool_lock protects rpcool_heaps, rpcool_grants and rpcool_file.heaps. */
extern struct mutex rpcool_lock;
extern struct idr rpcool_heaps;
extern struct list_head rpcool_grants;

extern struct miscdevice rpcool_misc;

static inline struct rpcool_desc *rpcool_desc(struct rpcool_heap *heap, u32 slot)
{
	return (struct rpcool_desc *)((char *)heap->ring +
				      RPCOOL_RING_HEADER_SIZE) + slot;
}

/* rpcool_heap.c */
void rpcool_heap_put(struct rpcool_heap *heap);
bool rpcool_range_sealed(struct rpcool_heap *heap, pgoff_t first,
			 pgoff_t count);
void rpcool_unlist_heap(struct rpcool_heap *heap);
int rpcool_ioctl_heap_create(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_heap_destroy(struct rpcool_file *rf, void __user *argp);

/* rpcool_grant.c */
void rpcool_grant_free(struct rpcool_grant_rec *rec);
void rpcool_detach(struct rpcool_attachment *att);
struct rpcool_attachment *rpcool_lock_att(struct rpcool_file *rf,
					  u32 handle, u32 right);
int rpcool_ioctl_grant(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_attach(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_detach(struct rpcool_file *rf, void __user *argp);

/* rpcool_seal.c */
int rpcool_ioctl_seal(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_complete(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_release(struct rpcool_file *rf, void __user *argp);
int rpcool_ioctl_batch_release(struct rpcool_file *rf, void __user *argp);

#endif /* _RPCOOL_H */
