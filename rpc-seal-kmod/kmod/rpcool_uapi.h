/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * User-space interface of /dev/rpcool.
 *
 * The rpcool module owns shared-memory heaps (shmem files that never
 * appear in any file table), lets a trusted daemon grant processes access
 * to them, and implements seal / complete / release of heap ranges.
 *
 * Every structure below is made of naturally aligned __u32/__u64 fields
 * with explicit padding, so its layout is the same on every 64-bit ABI
 * and can be mirrored field by field (for instance by a jnr-ffi Struct or
 * by offsets into a direct buffer). The byte offset of every field is
 * given in its comment. "in" fields are read by the kernel, "out" fields
 * are written by it; reserved fields must be zero.
 *
 * Roles and rights
 *   daemon    a file opened by a process with CAP_SYS_ADMIN (or whose
 *             effective gid equals the module parameter daemon_gid). Only a
 *             daemon file may create and destroy heaps and issue grants.
 *   grant     a one-time 64-bit token naming (heap, rights, optional pid).
 *             Any file may redeem it with RPCOOL_IOC_ATTACH; the result is a
 *             handle, private to that file, through which the heap and its
 *             descriptor ring are mapped and sealed.
 *
 * mmap offsets (see RPCOOL_MMAP_*)
 *   bits 63..40  attachment handle (returned by RPCOOL_IOC_ATTACH)
 *   bit  39      0: heap data, 1: descriptor ring of that heap
 *   bits 38..0   byte offset inside the heap (page aligned); 0 for the ring
 *   RPCOOL_IOC_ATTACH returns ready-made heap_offset and ring_offset.
 */
#ifndef _UAPI_RPCOOL_H
#define _UAPI_RPCOOL_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define RPCOOL_DEVICE_PATH		"/dev/rpcool"

/* Module / interface version: major in the high 16 bits. */
#define RPCOOL_VERSION_MAJOR		1
#define RPCOOL_VERSION_MINOR		0
#define RPCOOL_VERSION			((RPCOOL_VERSION_MAJOR << 16) | \
					 RPCOOL_VERSION_MINOR)

/* Rights carried by a grant (struct rpcool_grant.rights). Reading is implied. */
#define RPCOOL_RIGHT_WRITE		_BITUL(0)  /* map the heap writable */
#define RPCOOL_RIGHT_SEAL		_BITUL(1)  /* seal and release ranges */
#define RPCOOL_RIGHT_COMPLETE		_BITUL(2)  /* mark seals complete */
#define RPCOOL_RIGHTS_ALL		(RPCOOL_RIGHT_WRITE | RPCOOL_RIGHT_SEAL | \
					 RPCOOL_RIGHT_COMPLETE)

/* State of a seal descriptor (struct rpcool_desc.state). */
#define RPCOOL_STATE_FREE		0 /* slot never used */
#define RPCOOL_STATE_SEALED		1 /* range read-only, call in flight */
#define RPCOOL_STATE_COMPLETE		2 /* receiver finished with it */
#define RPCOOL_STATE_RELEASED		3 /* sender released, range writable */

/* mmap offset encoding. */
#define RPCOOL_MMAP_HANDLE_SHIFT	40
#define RPCOOL_MMAP_RING		_BITULL(39)
#define RPCOOL_MMAP_OFFSET_MASK		(_BITULL(39) - 1)
#define RPCOOL_MMAP_OFFSET(handle, ring, off)				\
	(((__u64)(handle) << RPCOOL_MMAP_HANDLE_SHIFT) |		\
	 ((ring) ? RPCOOL_MMAP_RING : 0) | ((__u64)(off) & RPCOOL_MMAP_OFFSET_MASK))

/* Limits. */
#define RPCOOL_HEAP_MAX_SIZE		_BITULL(39)	/* 512 GiB */
#define RPCOOL_HANDLE_MAX		0x7fffff
#define RPCOOL_RING_DEFAULT_SLOTS	1024
#define RPCOOL_RING_MAX_SLOTS		65536
#define RPCOOL_BATCH_MAX		4096

/*
 * Descriptor ring of a heap, mapped with mmap(ring_offset, ring_size).
 * Read-only (no VM_MAYWRITE) for attachments holding RPCOOL_RIGHT_SEAL;
 * writable for attachments holding RPCOOL_RIGHT_COMPLETE without SEAL
 * (the receiver), which complete a seal by storing RPCOOL_STATE_COMPLETE
 * into its state word.
 *
 *   0                   64                  128
 *   +-------------------+-------------------+----- ... ---+
 *   | rpcool_ring_header| rpcool_desc[0]    | desc[1] ... |  (zero padded
 *   +-------------------+-------------------+----- ... ---+   to a page)
 *
 * Descriptor i lives at RPCOOL_RING_HEADER_SIZE + i * RPCOOL_DESC_SIZE.
 */
#define RPCOOL_RING_MAGIC		0x4c4f4f43U	/* "COOL" little endian */
#define RPCOOL_RING_HEADER_SIZE		64
#define RPCOOL_DESC_SIZE		64

struct rpcool_ring_header {
	__u32 magic;		/*  0: RPCOOL_RING_MAGIC */
	__u32 version;		/*  4: RPCOOL_VERSION */
	__u64 heap_id;		/*  8 */
	__u64 heap_size;	/* 16: bytes */
	__u32 slot_count;	/* 24: number of descriptors */
	__u32 desc_size;	/* 28: RPCOOL_DESC_SIZE */
	__u64 reserved[4];	/* 32 */
};				/* 64 bytes */

/*
 * One seal, written by the kernel when the range is sealed and when it is
 * released. seal_id is (generation << 32) | slot index, so a stale id never
 * matches a reused slot. The kernel keeps its own copy of offset/length;
 * the only field it reads back from the ring is state (and seal_id, to
 * check that the slot was not overwritten).
 *
 *   0        8        16       24       32   36   40   44   48       56    64
 *   +--------+--------+--------+--------+----+----+----+----+--------+-----+
 *   |seal_id |heap_id |offset  |length  |pid |st  |gen |rsv |seal_ns |rsv  |
 *   +--------+--------+--------+--------+----+----+----+----+--------+-----+
 */
struct rpcool_desc {
	__u64 seal_id;		/*  0 */
	__u64 heap_id;		/*  8 */
	__u64 offset;		/* 16: bytes from the heap start, page aligned */
	__u64 length;		/* 24: bytes, multiple of the page size */
	__u32 sender_pid;	/* 32: sealing process, initial pid namespace */
	__u32 state;		/* 36: RPCOOL_STATE_* */
	__u32 generation;	/* 40: upper half of seal_id */
	__u32 reserved0;	/* 44 */
	__u64 seal_time_ns;	/* 48: CLOCK_MONOTONIC when sealed */
	__u64 reserved1;	/* 56 */
};				/* 64 bytes */

/* RPCOOL_IOC_INFO: anyone. Version, page size and live object counts. */
#define RPCOOL_INFO_DAEMON		_BITUL(0)  /* this file may act as daemon */

struct rpcool_info {
	__u32 version;		/*  0 out: RPCOOL_VERSION */
	__u32 flags;		/*  4 out: RPCOOL_INFO_* */
	__u32 page_size;	/*  8 out */
	__u32 desc_size;	/* 12 out: RPCOOL_DESC_SIZE */
	__u64 heaps;		/* 16 out: heaps alive (listed or still mapped) */
	__u64 grants;		/* 24 out: issued, not yet redeemed */
	__u64 attachments;	/* 32 out: redeemed grants (handles) */
	__u64 seals;		/* 40 out: seals not yet released */
	__u64 mappings;		/* 48 out: heap and ring VMAs */
	__u64 files;		/* 56 out: open /dev/rpcool files */
};				/* 64 bytes */

/* RPCOOL_IOC_HEAP_CREATE: daemon only. */
struct rpcool_heap_create {
	__u64 size;		/*  0 in: bytes, page multiple, <= RPCOOL_HEAP_MAX_SIZE */
	__u32 ring_slots;	/*  8 in: descriptors, 0 = RPCOOL_RING_DEFAULT_SLOTS */
	__u32 flags;		/* 12 in: must be 0 */
	__u64 heap_id;		/* 16 out */
};				/* 24 bytes */

/* RPCOOL_IOC_GRANT: daemon only, for a heap this file created. */
struct rpcool_grant {
	__u64 heap_id;		/*  0 in */
	__s32 pid;		/*  8 in: redeemer's pid (daemon's pid ns), 0: any */
	__u32 rights;		/* 12 in: RPCOOL_RIGHT_* */
	__u64 token;		/* 16 out: one-time, random, never 0 */
};				/* 24 bytes */

/* RPCOOL_IOC_ATTACH: redeem a grant token on this file. */
struct rpcool_attach {
	__u64 token;		/*  0 in */
	__u32 handle;		/*  8 out: per-file attachment handle */
	__u32 rights;		/* 12 out: RPCOOL_RIGHT_* */
	__u64 heap_id;		/* 16 out */
	__u64 heap_size;	/* 24 out: bytes */
	__u64 heap_offset;	/* 32 out: mmap offset of heap byte 0 */
	__u64 ring_offset;	/* 40 out: mmap offset of the descriptor ring */
	__u64 ring_size;	/* 48 out: bytes to map for the ring */
	__u32 ring_slots;	/* 56 out */
	__u32 reserved;		/* 60 */
};				/* 64 bytes */

/* RPCOOL_IOC_SEAL: needs RPCOOL_RIGHT_SEAL. */
struct rpcool_seal {
	__u32 handle;		/*  0 in */
	__u32 flags;		/*  4 in: must be 0 */
	__u64 offset;		/*  8 in: bytes from the heap start, page aligned */
	__u64 length;		/* 16 in: bytes, non-zero page multiple */
	__u64 seal_id;		/* 24 out */
};				/* 32 bytes */

/* RPCOOL_IOC_COMPLETE (RIGHT_COMPLETE) and RPCOOL_IOC_RELEASE (RIGHT_SEAL). */
struct rpcool_seal_ref {
	__u32 handle;		/*  0 in */
	__u32 reserved;		/*  4 in: must be 0 */
	__u64 seal_id;		/*  8 in */
};				/* 16 bytes */

/* RPCOOL_IOC_BATCH_RELEASE: all or nothing. */
struct rpcool_batch_release {
	__u32 handle;		/*  0 in */
	__u32 count;		/*  4 in: 1..RPCOOL_BATCH_MAX */
	__u64 seal_ids;		/*  8 in: user address of __u64[count] */
	__u32 released;		/* 16 out: number released (count or 0) */
	__u32 failed_index;	/* 20 out: first offending index, count if none */
};				/* 24 bytes */

#define RPCOOL_IOC_MAGIC		0xC7

#define RPCOOL_IOC_INFO		_IOR(RPCOOL_IOC_MAGIC, 0x00, struct rpcool_info)
#define RPCOOL_IOC_HEAP_CREATE	_IOWR(RPCOOL_IOC_MAGIC, 0x01, struct rpcool_heap_create)
#define RPCOOL_IOC_HEAP_DESTROY	_IOW(RPCOOL_IOC_MAGIC, 0x02, __u64)
#define RPCOOL_IOC_GRANT	_IOWR(RPCOOL_IOC_MAGIC, 0x03, struct rpcool_grant)
#define RPCOOL_IOC_ATTACH	_IOWR(RPCOOL_IOC_MAGIC, 0x04, struct rpcool_attach)
#define RPCOOL_IOC_DETACH	_IOW(RPCOOL_IOC_MAGIC, 0x05, __u32)
#define RPCOOL_IOC_SEAL		_IOWR(RPCOOL_IOC_MAGIC, 0x06, struct rpcool_seal)
#define RPCOOL_IOC_COMPLETE	_IOW(RPCOOL_IOC_MAGIC, 0x07, struct rpcool_seal_ref)
#define RPCOOL_IOC_RELEASE	_IOW(RPCOOL_IOC_MAGIC, 0x08, struct rpcool_seal_ref)
#define RPCOOL_IOC_BATCH_RELEASE _IOWR(RPCOOL_IOC_MAGIC, 0x09, struct rpcool_batch_release)

#endif /* _UAPI_RPCOOL_H */
