/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lablib - what every teaching lab program shares.
 *
 * A lab runs an experiment in numbered steps.  At each step it shows what
 * vmastat sees (the mappings involved, their resident size and the faults
 * they took) and checks the claim the step is about against the kernel:
 * every check prints a TAP line "ok N - ..." or "not ok N - ...", so the
 * same program is both the student's experiment and a kselftest.
 *
 *   labN            narrate, show the tables, check (exit 1 if a check failed)
 *   labN --quiet    only the TAP lines (what the kselftests run)
 *
 * The lab tracks itself (VMASTAT_IOC_TRACK on its own PID) so that per-VMA
 * fault counts are available; it needs the vmastat module loaded, root and
 * CAP_SYS_PTRACE, and skips (exit 4, KSFT_SKIP) when the module is missing.
 */
#ifndef VMASTAT_LABLIB_H
#define VMASTAT_LABLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vmastat.h>

#define LAB_PAGE	4096UL
#define KIB		1024UL

/* Start a lab: parse the options, open vmastat, track this process. */
void lab_init(int argc, char **argv, const char *title);

/* Print a step's heading (numbered) and an explanation (printf format). */
void lab_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Narration: printed unless --quiet. */
void lab_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record a check: TAP line; returns @ok. */
bool lab_check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The mapping that contains @addr as vmastat reports it, with its faults;
 * false (and a zeroed @out) when no mapping contains it.  A range that is
 * no longer mapped but took faults is found too (VMASTAT_VMA_UNMAPPED).
 */
bool lab_vma(const void *addr, struct vmastat_vma *out);

/*
 * Take the fault events recorded for this process since the last call
 * (oldest first), up to @max; returns how many.  lab_init() drains them.
 */
unsigned int lab_events(struct vmastat_event *ev, unsigned int max);

/*
 * An anonymous read-write mapping of @len bytes that cannot merge with a
 * neighbour (a PROT_NONE guard page follows it), so that its faults and
 * resident size are its own.
 */
void *lab_map_anon(size_t len);

/* This process's fault counters (vmastat's always-on per-process totals). */
void lab_counts(struct vmastat_fault_counts *c);

/* min_flt and maj_flt of this process from /proc/self/stat. */
void lab_stat_faults(unsigned long *minflt, unsigned long *majflt);

/* A line of /proc/self/status, e.g. lab_status_kb("VmRSS"); -1 if absent. */
long lab_status_kb(const char *key);

/* smaps' "Rss:" of the mapping containing @addr, in KiB; -1 if none. */
long lab_smaps_rss_kb(const void *addr);

/*
 * Print vmastat's table of the mappings that contain the given addresses
 * (NULL-terminated list), plus unmapped ranges that took faults, with a
 * label per address.  Nothing with --quiet.
 */
void lab_show(const char *const *labels, const void *const *addrs);

/* Print every mapping of the process (like `vmastat maps`); not with --quiet. */
void lab_show_all(void);

/* Finish: untrack, print the TAP plan and totals; returns the exit status. */
int lab_done(void);

/* True with --quiet. */
bool lab_quiet(void);

/* Touch one byte in every page of [p, p + len) by writing @val. */
void lab_touch(void *p, size_t len, char val);

#endif /* VMASTAT_LABLIB_H */
