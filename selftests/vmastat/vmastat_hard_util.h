/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the hardening tests (vmastat_stress_test, vmastat_fuzz_test,
 * vmastat_security_test): the kernel log and taint watch, the module's
 * ioctls with -errno returns, memory with known holes, and a small
 * reproducible random number generator.  Header-only (static functions),
 * so that the tests link with vmastat_util.c alone, as every test does.
 */
#ifndef VMASTAT_HARD_UTIL_H
#define VMASTAT_HARD_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/vmastat.h>

#include "vmastat_util.h"

/* The lowest kernel address on x86-64 (4- and 5-level paging alike). */
#define HU_KERNEL_MIN		0xffff800000000000ULL
/* A direct-map address: what a leaked kernel pointer looks like. */
#define HU_KERNEL_PTR		0xffff888000000000ULL

/* ---- time ---------------------------------------------------------------- */

static inline double hu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void hu_sleep_ms(double ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- random numbers: xorshift64*, reproducible from the seed ------------- */

static inline uint64_t hu_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* uniform in [0, n) (n > 0) */
static inline uint64_t hu_below(uint64_t *s, uint64_t n)
{
	return hu_rand(s) % n;
}

static inline bool hu_chance(uint64_t *s, unsigned int percent)
{
	return hu_below(s, 100) < percent;
}

/* ---- the module's files and ioctls --------------------------------------- */

static inline int hu_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline int hu_summary(int qfd, struct vmastat_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return hu_ioctl(qfd, VMASTAT_IOC_SUMMARY, s);
}

static inline int hu_track_cmd(int qfd, unsigned long cmd, pid_t pid,
			       uint64_t flags, unsigned int shift)
{
	struct vmastat_track t = {
		.size = sizeof(t), .flags = flags, .pid = pid,
		.granule_shift = shift,
	};

	return hu_ioctl(qfd, cmd, &t);
}

static inline int hu_proc(int qfd, pid_t pid, struct vmastat_proc *p)
{
	struct vmastat_procs_query q = {
		.size = sizeof(q), .pid = pid, .proc_size = sizeof(*p),
		.procs = (uintptr_t)p, .count = 1,
	};
	int r = hu_ioctl(qfd, VMASTAT_IOC_PROCS, &q);

	if (!r && q.count != 1)
		r = -ENOENT;
	return r;
}

/* Write all of @s in one write(2) at offset 0; 0 or -errno. */
static inline int hu_write_str(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));

	if (n < 0)
		return -errno;
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* Read to EOF into @buf (NUL-terminated, truncated at @size - 1). */
static inline ssize_t hu_read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		char scratch[4096];
		char *dst = len + 1 < size ? buf + len : scratch;
		size_t room = len + 1 < size ? size - 1 - len : sizeof(scratch);

		n = read(fd, dst, room);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		if (dst == buf + len)
			len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Open a file of the module's directory; fd or -errno. */
static inline int hu_open(const char *name, int flags)
{
	return vms_open(name, flags | O_CLOEXEC);
}

/* ---- the kernel log and the taint flags ---------------------------------- */

/* Taint bits that vmrun accepts: O (out-of-tree, 12) and E (unsigned, 13). */
#define HU_TAINT_OK	((1UL << 12) | (1UL << 13))

static inline unsigned long hu_tainted(void)
{
	char buf[64] = "";
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strtoul(buf, NULL, 10);
}

/* Start watching the kernel log: the records from now on. -1 if none. */
static inline int hu_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Is a kernel log line noise that vmrun would fail a boot on, or an error
 * of the module?  @level is the syslog level (0 emergency .. 7 debug).
 */
static inline bool hu_kmsg_bad(int level, const char *msg)
{
	static const char * const pats[] = {
		"BUG:", "WARNING:", "Oops", "INFO:", "general protection",
		"Kernel panic", "KASAN", "UBSAN", "kmemleak",
		"possible circular locking", "possible recursive locking",
		"sleeping function called from invalid context",
		"not freed", "Call Trace", "refcount_t",
	};

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		if (strstr(msg, pats[i]))
			return true;
	/* the module's errors and warnings */
	if (strstr(msg, "vmastat") && level <= 4)
		return true;
	return false;
}

/*
 * Read the records logged since hu_kmsg_open() (or the last call); log
 * (with @log, up to @max_log of them) and count the bad ones.
 */
static inline int hu_kmsg_check(int fd, void (*log)(const char *fmt, ...),
				int max_log)
{
	char rec[8192];
	int bad = 0;

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg, *nl;
		int prio;

		if (n < 0) {
			if (errno == EPIPE || errno == EINTR)
				continue;	/* overwritten: go on */
			break;		/* EAGAIN: no more */
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		prio = atoi(rec);
		if (hu_kmsg_bad(prio & 7, msg)) {
			if (bad++ < max_log && log)
				log("kernel log: <%d> %s", prio & 7, msg);
		}
	}
	return bad;
}

/* ---- memory with holes --------------------------------------------------- */

/*
 * @pages read-write pages followed by one PROT_NONE guard page; returns
 * the start.  Exits on failure.
 */
static inline void *hu_guarded(size_t pages)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (pages + 1) * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 0, pages * ps);
	if (mprotect(p + pages * ps, ps, PROT_NONE)) {
		perror("mprotect");
		exit(1);
	}
	return p;
}

/* An address that is certainly not mapped (mapped, then unmapped). */
static inline void *hu_unmapped(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return (void *)16;
	munmap(p, ps);
	return p;
}

/* ---- /proc --------------------------------------------------------------- */

/* Lines of /proc/PID/maps, [vsyscall] left out (the module skips it). */
static inline long hu_proc_maps_lines(pid_t pid)
{
	char path[64], buf[65536];
	long lines = 0;
	bool vsyscall = false;
	size_t carry = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + carry, sizeof(buf) - 1 - carry)) > 0) {
		char *p = buf, *end = buf + carry + n, *nl;

		*end = '\0';
		while ((nl = memchr(p, '\n', end - p))) {
			*nl = '\0';
			if (strstr(p, "[vsyscall]"))
				vsyscall = true;
			else
				lines++;
			p = nl + 1;
		}
		carry = end - p;
		memmove(buf, p, carry);
	}
	close(fd);
	(void)vsyscall;
	return n < 0 ? -errno : lines;
}

/* Field 22 (starttime) of /proc/PID/stat, or 0. */
static inline unsigned long long hu_proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd, f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;				/* field 3 */
	for (f = 3; f < 22 && p; f++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		v = strtoull(p, NULL, 10);
	return v;
}

#endif /* VMASTAT_HARD_UTIL_H */
