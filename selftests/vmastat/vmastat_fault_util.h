/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the fault-accounting selftests: the kernel's own counts
 * (/proc/PID/stat min_flt and maj_flt, perf software events, pagemap), the
 * module's (VMASTAT_IOC_PROCS, _MAPS with faults, _EVENTS, _HIST), target
 * processes that stop themselves at known points, and the system set-up
 * the exact counts need (fault-around off, a disk filesystem whose page
 * cache can be dropped, swap).
 */
#ifndef VMASTAT_FAULT_UTIL_H
#define VMASTAT_FAULT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vmastat.h>

#include "vmastat_util.h"

/* The kernel's counts of a process: /proc/PID/stat fields 10 and 12. */
struct vms_kfaults {
	unsigned long long min, maj;
};

int vms_proc_faults(pid_t pid, struct vms_kfaults *k);
/* State letter of /proc/PID/stat (field 3), or 0. */
char vms_proc_state(pid_t pid);

/* One process's record: VMASTAT_IOC_PROCS with @pid.  0 or -errno. */
int vms_get_proc(int fd, pid_t pid, struct vmastat_proc *p);
int vms_get_summary(int fd, struct vmastat_summary *s);
int vms_track(int fd, pid_t pid, uint64_t flags, unsigned int shift);
int vms_untrack(int fd, pid_t pid);
int vms_reset(int fd, pid_t pid);
int vms_get_hist(int fd, pid_t pid, struct vmastat_hist_query *h);

/*
 * VMASTAT_IOC_MAPS with @flags (VMASTAT_MAPS_*), full records, no names,
 * in batches until the end.  0 or -errno; *@nr records in @v.
 */
int vms_maps_faults(int fd, pid_t pid, uint64_t flags, struct vmastat_vma *v,
		    size_t cap, size_t *nr);
/* The mapping (not an unmapped record) that contains @addr, or NULL. */
const struct vmastat_vma *vms_find_vma(const struct vmastat_vma *v, size_t nr,
				       unsigned long addr);
/* Sum of the faults of all records, mappings and unmapped ones. */
void vms_sum_faults(const struct vmastat_vma *v, size_t nr,
		    struct vmastat_vma_faults *sum);
/*
 * Sum of the faults of the unmapped records inside [@start, @end); sets
 * *@outside when an unmapped record overlaps the range only partly.
 */
void vms_sum_unmapped(const struct vmastat_vma *v, size_t nr,
		      unsigned long start, unsigned long end,
		      struct vmastat_vma_faults *sum, bool *partial);

/*
 * Take every event of @pid now in the rings (VMASTAT_IOC_EVENTS until it
 * gives none), at most @cap.  Returns the number or -errno; *@drops: the
 * query's drops of the last call.
 */
long vms_drain_events(int fd, pid_t pid, struct vmastat_event *ev, size_t cap,
		      uint64_t *drops);

/* Fault counters by name, for messages and loops. */
struct vms_fc_field {
	const char *name;
	size_t off;
};
extern const struct vms_fc_field vms_fc_fields[];
extern const size_t vms_fc_nr;
#define VMS_FC(c, i)	(*(const uint64_t *)((const char *)(c) + vms_fc_fields[i].off))

/* The process's fault-class counters @b - @a, field by field. */
void vms_fc_delta(const struct vmastat_fault_counts *a,
		  const struct vmastat_fault_counts *b,
		  struct vmastat_fault_counts *d);

/*
 * A target process: forked, stops itself with SIGSTOP at once (so that the
 * test can track it or open perf events before it does anything), then runs
 * @fn(@arg), which calls vms_stop() where the test measures it.  When @fn
 * returns, the child exits with its return value with a bare exit_group
 * system call, so that nothing between the last stop and the exit faults.
 * Returns the pid (stopped) or -1.  The child dies with the test.
 */
pid_t vms_spawn_steps(int (*fn)(void *arg), void *arg);
/* In the child: stop until the test continues it. */
void vms_stop(void);
/* In the child: exit at once. */
void __attribute__((noreturn)) vms_exit_now(int code);
/*
 * SIGCONT the stopped child and wait until it stops again (0), or exits
 * (1, *@status set; with @nowait it stays a zombie).  -1 on error.
 */
int vms_cont(pid_t pid, int *status, bool nowait);

/* perf_event_open() counting @config (PERF_COUNT_SW_*) of @pid and its
 * future threads; -errno on failure. */
int vms_perf_open(pid_t pid, unsigned long long config);
long long vms_perf_read(int fd);

/* /sys/kernel/debug/fault_around_bytes: set 4096 (and restore) */
int vms_fault_around_set(long bytes, long *old);

/* /proc/PID/pagemap: how many pages of [@start, @start + @pages * page) are
 * present (bit 63) and swapped (bit 62). 0 or -errno. */
int vms_pagemap_count(pid_t pid, unsigned long start, size_t pages,
		      size_t *present, size_t *swapped);

/* smaps of @pid: AnonHugePages (kB) of the mapping containing @addr, -1 if
 * there is none. */
long long vms_smaps_thp_kb(pid_t pid, unsigned long addr);

/*
 * A scratch disk filesystem (ext4 on a RAM block device, brd or loop)
 * mounted at a private directory, whose page cache can be dropped with
 * POSIX_FADV_DONTNEED so that mapped reads take major faults.  Returns the
 * mount point, or NULL (with *@why) when none could be made.
 */
const char *vms_scratch_fs_setup(const char **why);
void vms_scratch_fs_teardown(void);

/* module parameter /sys/module/vmastat/parameters/NAME, or -1 */
long long vms_module_param(const char *name);

/*
 * $VMS_TESTS (for kselftest harnesses whose -r/-t options are missing):
 * keep only the tests whose "FIXTURE.TEST" name contains one of its
 * comma-separated words.  Call before test_harness_run().
 */
#define vms_filter_tests(list) do {					\
	const char *__only = getenv("VMS_TESTS");			\
	struct __fixture_metadata *__f;					\
									\
	for (__f = (list); __only && *__only && __f; __f = __f->next) {	\
		struct __test_metadata *__t = __f->tests, *__n;		\
		struct __test_metadata *__head = NULL, *__tail = NULL;	\
									\
		for (; __t; __t = __n) {				\
			char __name[256];				\
									\
			__n = __t->next;				\
			snprintf(__name, sizeof(__name), "%s.%s",	\
				 __f->name, __t->name);			\
			if (!vms_name_selected(__only, __name))		\
				continue;				\
			__t->next = NULL;				\
			__t->prev = __tail ? __tail : __t;		\
			if (__tail)					\
				__tail->next = __t;			\
			else						\
				__head = __t;				\
			__tail = __t;					\
		}							\
		if (__head)						\
			__head->prev = __tail;				\
		__f->tests = __head;					\
	}								\
} while (0)

bool vms_name_selected(const char *list, const char *name);

#endif /* VMASTAT_FAULT_UTIL_H */
