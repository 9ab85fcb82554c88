// SPDX-License-Identifier: GPL-2.0
/*
 * Test suite for rpcool.ko, run as root inside the test VM with the module
 * loaded. Prints one line per test, "PASS name" or "FAIL name: reason".
 *
 *   rpcool_tests                run every test
 *   rpcool_tests NAME...        run the named tests
 *   rpcool_tests --idle-check   only check that the module holds no objects
 *
 * Writes that must be refused are attempted in a forked child (the child
 * inherits the mapping) and the child must die of SIGBUS or SIGSEGV, or in
 * this process under a SIGBUS/SIGSEGV handler.
 */
#include "rpcool_tests.h"

static int passed, failed;

#define T(n) { #n, t_##n }
static const struct rpcool_test tests[] = {
	T(info_reports_version),
	T(heap_create_arguments_are_checked),
	T(unprivileged_process_cannot_create_heaps),
	T(mmap_without_grant_is_refused),
	T(unknown_token_is_refused),
	T(grant_token_is_one_time),
	T(grant_bound_to_pid_refuses_other_process),
	T(grant_without_write_maps_read_only),
	T(seal_makes_range_read_only_for_sender),
	T(seal_blocks_every_mapping_of_the_heap),
	T(sealed_range_cannot_be_mprotected_writable),
	T(sealed_range_cannot_be_pkey_mprotected_writable),
	T(sealed_range_cannot_be_mremapped),
	T(munmap_then_fresh_mmap_cannot_write),
	T(second_writable_mapping_is_refused),
	T(proc_self_mem_write_fails),
	T(process_vm_writev_fails),
	T(madvise_remove_fails),
	T(map_files_reopen_fails),
	T(remap_file_pages_fails),
	T(userfaultfd_cannot_register_the_heap),
	T(ring_is_read_only_for_sender),
	T(descriptor_is_written_by_kernel),
	T(release_before_completion_fails),
	T(sender_cannot_complete),
	T(release_after_ring_completion_restores_write),
	T(release_after_ioctl_completion_restores_write),
	T(released_seal_id_is_stale),
	T(seal_arguments_are_checked),
	T(overlapping_seal_is_refused),
	T(ring_full_is_reported),
	T(batch_release_releases_all),
	T(batch_release_is_all_or_nothing),
	T(seal_survives_sender_close),
	T(release_needs_the_owner),
	T(detach_drops_the_handle_not_the_seals),
	T(two_processes_do_not_interfere),
	T(seal_stops_a_concurrent_writer),
	T(pinned_pages_cannot_be_sealed),
	T(daemon_close_revokes_grants_keeps_mappings),
	T(heap_destroy_needs_the_creator),
	T(counters_zero_when_idle),
};

static void run(const struct rpcool_test *t)
{
	const char *err = t->fn();

	if (err) {
		printf("FAIL %s: %s\n", t->name, err);
		failed++;
	} else {
		printf("PASS %s\n", t->name);
		passed++;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	size_t i;
	int a;

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--idle-check")) {
		const struct rpcool_test idle = { "counters_zero_before_unload",
					   t_counters_zero_when_idle };
		run(&idle);
		return failed ? 1 : 0;
	}
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1) {
			for (a = 1; a < argc; a++)
				if (!strcmp(argv[a], tests[i].name))
					break;
			if (a == argc)
				continue;
		}
		run(&tests[i]);
	}
	return failed ? 1 : 0;
}
