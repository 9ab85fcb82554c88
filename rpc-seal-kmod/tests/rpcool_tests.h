/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rpcool_tests: declarations shared by the fixture (fixture.c), the cases
 * (cases_*.c) and the runner (runner.c).
 */
#ifndef RPCOOL_TESTS_H
#define RPCOOL_TESTS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "rpcool_uapi.h"

#define HEAP_SIZE	(1UL << 20)
#define RING_SLOTS	128

/* The system page size, set by the runner before any case runs. */
extern size_t page;
/* Where FAILF() formats the reason a case returns. */
extern char why_buf[512];

#define FAILF(...)							\
	do {								\
		snprintf(why_buf, sizeof(why_buf), __VA_ARGS__);	\
		return why_buf;						\
	} while (0)

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			FAILF(__VA_ARGS__);				\
	} while (0)

/*
 * One heap with a sender (WRITE|SEAL) and a receiver (WRITE|COMPLETE),
 * each on its own /dev/rpcool file, as two processes would have it.
 */
struct ctx {
	int daemon;
	__u64 heap_id;
	int sfd, rfd;
	struct rpcool_attach sa, ra;
	char *heap;		/* sender's mapping, read-write */
	char *rheap;		/* receiver's mapping, read-write */
	char *sring;		/* sender's ring, read-only */
	char *rring;		/* receiver's ring, read-write */
};

/* fixture.c */
int xioctl(int fd, unsigned long req, void *arg);
int open_dev(void);
struct rpcool_desc *desc_of(char *ring, __u64 seal_id);
int create_heap(int daemon, size_t size, __u32 slots, __u64 *id);
int grant(int daemon, __u64 heap_id, pid_t pid, __u32 rights,
	  __u64 *token);
int attach(int fd, __u64 token, struct rpcool_attach *a);
int grant_attach(int daemon, __u64 heap_id, __u32 rights, int fd,
		 struct rpcool_attach *a);
void *map(int fd, size_t len, int prot, __u64 off);
void teardown(struct ctx *c);
const char *setup(struct ctx *c);
int seal(struct ctx *c, size_t off, size_t len, __u64 *id);
int release(struct ctx *c, __u64 id);
int complete_ioctl(int fd, __u32 handle, __u64 id);
void complete_in_ring(struct ctx *c, __u64 id);
int child_write(volatile char *p, char v);
const char *sig_name(int sig);
int write_kills(volatile char *p);
int self_write(volatile char *p, char v);
int info(struct rpcool_info *in);

/* A case returns NULL when it passes, else why it failed. */
struct rpcool_test {
	const char *name;
	const char *(*fn)(void);
};

/* cases_access.c */
const char *t_info_reports_version(void);
const char *t_heap_create_arguments_are_checked(void);
const char *t_unprivileged_process_cannot_create_heaps(void);
const char *t_mmap_without_grant_is_refused(void);
const char *t_unknown_token_is_refused(void);
const char *t_grant_token_is_one_time(void);
const char *t_grant_bound_to_pid_refuses_other_process(void);
const char *t_grant_without_write_maps_read_only(void);
const char *t_daemon_close_revokes_grants_keeps_mappings(void);
const char *t_heap_destroy_needs_the_creator(void);
const char *t_counters_zero_when_idle(void);

/* cases_read_only.c */
const char *t_seal_makes_range_read_only_for_sender(void);
const char *t_seal_blocks_every_mapping_of_the_heap(void);
const char *t_sealed_range_cannot_be_mprotected_writable(void);
const char *t_sealed_range_cannot_be_pkey_mprotected_writable(void);
const char *t_sealed_range_cannot_be_mremapped(void);
const char *t_munmap_then_fresh_mmap_cannot_write(void);
const char *t_second_writable_mapping_is_refused(void);
const char *t_proc_self_mem_write_fails(void);
const char *t_process_vm_writev_fails(void);
const char *t_madvise_remove_fails(void);
const char *t_map_files_reopen_fails(void);
const char *t_remap_file_pages_fails(void);
const char *t_userfaultfd_cannot_register_the_heap(void);

/* cases_ring.c */
const char *t_ring_is_read_only_for_sender(void);
const char *t_descriptor_is_written_by_kernel(void);
const char *t_release_before_completion_fails(void);
const char *t_sender_cannot_complete(void);
const char *t_release_after_ring_completion_restores_write(void);
const char *t_release_after_ioctl_completion_restores_write(void);
const char *t_released_seal_id_is_stale(void);
const char *t_seal_arguments_are_checked(void);
const char *t_overlapping_seal_is_refused(void);
const char *t_ring_full_is_reported(void);
const char *t_batch_release_releases_all(void);
const char *t_batch_release_is_all_or_nothing(void);

/* cases_lifetime.c */
const char *t_seal_survives_sender_close(void);
const char *t_release_needs_the_owner(void);
const char *t_detach_drops_the_handle_not_the_seals(void);
const char *t_two_processes_do_not_interfere(void);
const char *t_seal_stops_a_concurrent_writer(void);
const char *t_pinned_pages_cannot_be_sealed(void);

#endif /* RPCOOL_TESTS_H */
