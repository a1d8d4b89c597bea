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

/* @x rounded up, or down, to a page boundary. */
static inline unsigned long lab_page_up(unsigned long x)
{
	return (x + LAB_PAGE - 1) & ~(LAB_PAGE - 1);
}

static inline unsigned long lab_page_down(unsigned long x)
{
	return x & ~(LAB_PAGE - 1);
}

/*
 * Print "labN: @what: strerror(errno)" on stderr and exit with status 1.
 * Also usable before lab_init().
 */
void lab_fail(const char *what);

/* malloc(@n), or lab_fail("malloc"). */
char *lab_xmalloc(size_t n);

/* The name of a VMASTAT_KIND_* value ("anon", "heap", ...; "?" if unknown). */
const char *lab_kind_name(unsigned int kind);

/* vmastat's query file, as lab_init() opened it (for the lab's own ioctls). */
int lab_query_fd(void);

/* This process's layout as the kernel keeps it (VMASTAT_IOC_STATUS). */
void lab_status(struct vmastat_status *st);

/* The program break (mm_struct's brk) from VMASTAT_IOC_STATUS. */
unsigned long lab_brk(void);

/**
 * lab_read_whole() - read a whole (/proc) file into a buffer
 * @path: the file
 * @buf: where to put it, NUL-terminated
 * @size: the size of @buf; a longer file is cut short
 *
 * Uses read(2) only: no stdio buffer is malloc'd, so reading does not
 * disturb the heap.  lab_fail(@path) if the file cannot be opened.
 *
 * Return: the number of bytes read.
 */
size_t lab_read_whole(const char *path, char *buf, size_t size);

/**
 * lab_resident() - count the resident pages of a range with mincore()
 * @lo: start of the range, page-aligned
 * @hi: its end (exclusive), page-aligned
 * @vec: where mincore() puts a byte a page (left there for the caller)
 * @size: the size of @vec; lab_fail("mincore") if the range has more pages
 *
 * Return: the number of pages of [@lo, @hi) that are resident.
 */
unsigned long lab_resident(unsigned long lo, unsigned long hi,
			   unsigned char *vec, size_t size);

/*
 * A lab's last step: the process's fault totals as vmastat counts them,
 * checked against min_flt and maj_flt of /proc/self/stat.
 */
void lab_step_totals(void);

/* The number of lines of /proc/self/maps (read(2) only, no stdio). */
unsigned int lab_count_maps(void);

/* A counter of /proc/vmstat (e.g. "pgmajfault"); 0 if it is not there. */
unsigned long lab_vmstat(const char *key);

/*
 * A "Key:   N kB" field of smaps (e.g. "Swap") for the mapping containing
 * @addr, in KiB; -1 if none.  Reads with stdio, unlike lab_smaps_rss_kb().
 */
long lab_smaps_kb(const void *addr, const char *key);

/* qsort() comparison of two unsigned long long values. */
int lab_cmp_u64(const void *a, const void *b);

/*
 * Labs that set something up before lab_init() (which prints the lab's
 * heading) keep the narration of that set-up here and print it later.
 */
void lab_setup_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What lab_setup_say() collected so far. */
const char *lab_setup_log(void);

/*
 * For a lab that changes the system before lab_init(): @fn undoes that.
 * It runs at exit, and on SIGINT, SIGTERM and SIGHUP (which then go on to
 * end the process); lab_skip() runs it too.
 */
void lab_at_exit(void (*fn)(void));

/*
 * Before lab_init(): run the lab_at_exit() clean-up, print the TAP line
 * "1..0 # SKIP labN: @why" and exit with status 4 (KSFT_SKIP).
 */
void lab_skip(const char *why);

/* Run a command quietly (output to /dev/null); its exit status or -1. */
int lab_run(const char *const argv[]);

/* Write the string @s to the file @path: 0, or -1 if that failed. */
int lab_write_file(const char *path, const char *s);

/* A zram device a lab set up, for its clean-up. */
struct lab_zram {
	int id;			/* device number (zramN), -1: none */
	bool added;		/* created with hot_add: hot_remove it */
	bool loaded;		/* we loaded the zram module: unload it */
};

/**
 * lab_zram_add() - get a zram device of our own
 * @z: filled in (@z->id must be -1 before)
 *
 * Loads the zram module, which makes zram0, or, when zram is loaded
 * already (and maybe in use), adds a device with hot_add.  The steps are
 * narrated with lab_setup_say().
 *
 * Return: NULL, or why there is no device (for the lab's skip message).
 */
const char *lab_zram_add(struct lab_zram *z);

/* Make the block device node @dev of zram @z->id if it does not exist. */
void lab_zram_mknod(const struct lab_zram *z, const char *dev);

/**
 * lab_zram_setup() - a zram device of our own, sized, with its node
 * @z: as for lab_zram_add()
 * @size: what to write to its disksize (e.g. "256M")
 * @size_fail: the skip message if that write fails
 * @dev: filled in with the device's path, /dev/zramN
 * @len: the size of @dev
 *
 * lab_zram_add(), the disksize (narrated), lab_zram_mknod(); lab_skip()
 * on failure.
 */
void lab_zram_setup(struct lab_zram *z, const char *size,
		    const char *size_fail, char *dev, size_t len);

/*
 * Undo lab_zram_add(): reset the device, hot_remove it if it was added,
 * unload zram if we loaded it.  Safe to call more than once.
 */
void lab_zram_remove(struct lab_zram *z);

#endif /* VMASTAT_LABLIB_H */
