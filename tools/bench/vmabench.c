// SPDX-License-Identifier: GPL-2.0
/*
 * vmabench - how long it takes to read a process's whole list of mappings
 * through vmastat and through its peers (see Documentation/bench.rst).
 *
 *   vmabench [-r ROUNDS] [-P ROUNDS] [-m METHODS] NVMAS
 *
 * Forks a target with NVMAS one-page anonymous mappings (alternately
 * read-write and written, and read-only and never touched, so that no two
 * merge and half of them have a resident page), stops it (SIGSTOP) and
 * reads its listing ROUNDS times with each method, the order of the
 * methods reversed every other round.  One line per reading:
 *
 *   read n=NVMAS method=M round=R ns=NS records=N bytes=B
 *
 * records is what the method returned (lines, records or queries), as a
 * check that it saw every mapping; bytes is the text read (0 for binary).
 * Methods (-m, comma-separated; default: all that work here):
 *
 *   vmastat-text   open /sys/kernel/debug/vmastat/maps, write the PID, read
 *   vmastat-ioctl  VMASTAT_IOC_MAPS on .../query, 1024 records and their
 *                  names per call
 *   proc-maps      read /proc/PID/maps (no residency)
 *   proc-smaps     read /proc/PID/smaps
 *   pmap           run `pmap -X PID` (procps; reads smaps), output read and
 *                  discarded; only in the first -P rounds (default: all), as
 *                  it is slow
 *   procmap-query  PROCMAP_QUERY ioctls on /proc/PID/maps, one per mapping
 *                  (Linux 6.11+; no residency)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vmastat.h>

#define DBG	"/sys/kernel/debug/vmastat/"
#define BATCH	1024

/*
 * PROCMAP_QUERY, from include/uapi/linux/fs.h of Linux 6.11+ (defined here:
 * the build host's headers may be older).
 */
struct bench_procmap_query {
	__u64 size;
	__u64 query_flags;
	__u64 query_addr;
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;
	__u64 vma_page_size;
	__u64 vma_offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 vma_name_size;
	__u32 build_id_size;
	__u64 vma_name_addr;
	__u64 build_id_addr;
};

#define BENCH_PROCMAP_QUERY	_IOWR('f', 17, struct bench_procmap_query)
#define BENCH_PROCMAP_QUERY_COVERING_OR_NEXT_VMA	0x10

static char buf[1 << 16];

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "vmabench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Read @fd to its end, counting lines (or lines starting "VmFlags"). */
static int read_all(int fd, long *lines, long *bytes, int vmflags)
{
	ssize_t n;

	*lines = 0;
	*bytes = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		*bytes += n;
		if (!vmflags) {
			for (char *p = buf; (p = memchr(p, '\n', buf + n - p)); p++)
				(*lines)++;
		} else {
			/* each smaps entry ends with its VmFlags line */
			for (char *p = buf; (p = memmem(p, buf + n - p, "VmFlags", 7)); p += 7)
				(*lines)++;
		}
	}
	return n < 0 ? -1 : 0;
}

static int m_proc(pid_t pid, const char *file, long *rec, long *bytes)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	r = read_all(fd, rec, bytes, !strcmp(file, "smaps"));
	close(fd);
	return r;
}

static int m_vmastat_text(pid_t pid, long *rec, long *bytes)
{
	char s[32];
	int fd, r, len;

	fd = open(DBG "maps", O_RDWR);
	if (fd < 0)
		return -1;
	len = snprintf(s, sizeof(s), "%d\n", pid);
	if (write(fd, s, len) != len) {
		close(fd);
		return -1;
	}
	r = read_all(fd, rec, bytes, 0);
	close(fd);
	(*rec)--;		/* the header line */
	return r;
}

static struct vmastat_vma recs[BATCH];
static char names[BATCH * 256];

static int m_vmastat_ioctl(pid_t pid, long *rec, long *bytes)
{
	uint64_t start = 0;
	int fd = open(DBG "query", O_RDONLY);

	*rec = 0;
	*bytes = 0;
	if (fd < 0)
		return -1;
	for (;;) {
		struct vmastat_maps_query q = {
			.size = sizeof(q),
			.pid = pid,
			.vma_size = sizeof(recs[0]),
			.start = start,
			.vmas = (uintptr_t)recs,
			.vma_count = BATCH,
			.names_size = sizeof(names),
			.names = (uintptr_t)names,
		};

		if (ioctl(fd, VMASTAT_IOC_MAPS, &q)) {
			close(fd);
			return -1;
		}
		*rec += q.vma_count;
		if (q.next == VMASTAT_MAPS_END)
			break;
		start = q.next;
	}
	close(fd);
	return 0;
}

static int m_procmap_query(pid_t pid, long *rec, long *bytes)
{
	static char name[4096];
	uint64_t addr = 0;
	char path[64];
	int fd;

	*rec = 0;
	*bytes = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	for (;;) {
		struct bench_procmap_query q = {
			.size = sizeof(q),
			.query_flags = BENCH_PROCMAP_QUERY_COVERING_OR_NEXT_VMA,
			.query_addr = addr,
			.vma_name_size = sizeof(name),
			.vma_name_addr = (uintptr_t)name,
		};

		if (ioctl(fd, BENCH_PROCMAP_QUERY, &q)) {
			int e = errno;

			close(fd);
			if (e == ENOENT)
				return 0;
			errno = e;
			return -1;
		}
		(*rec)++;
		addr = q.vma_end;
	}
}

static int m_pmap(pid_t pid, long *rec, long *bytes)
{
	char arg[32];
	int status, pp[2];
	pid_t c;

	snprintf(arg, sizeof(arg), "%d", pid);
	if (pipe(pp))
		return -1;
	c = fork();
	if (c < 0)
		return -1;
	if (!c) {
		dup2(pp[1], 1);
		close(pp[0]);
		close(pp[1]);
		execlp("pmap", "pmap", "-X", arg, (char *)NULL);
		_exit(127);
	}
	close(pp[1]);
	read_all(pp[0], rec, bytes, 0);
	close(pp[0]);
	if (waitpid(c, &status, 0) != c || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		errno = ENOEXEC;
		return -1;
	}
	*rec -= 4;	/* two header lines, two total lines */
	return 0;
}

static const struct method {
	const char *name;
	int (*fn)(pid_t pid, long *rec, long *bytes);
} methods[] = {
	{ "vmastat-text", m_vmastat_text },
	{ "vmastat-ioctl", m_vmastat_ioctl },
	{ "proc-maps", NULL },
	{ "proc-smaps", NULL },
	{ "pmap", m_pmap },
	{ "procmap-query", m_procmap_query },
};
#define NM	(sizeof(methods) / sizeof(methods[0]))

static int run(const struct method *m, pid_t pid, long *rec, long *bytes)
{
	if (!strcmp(m->name, "proc-maps"))
		return m_proc(pid, "maps", rec, bytes);
	if (!strcmp(m->name, "proc-smaps"))
		return m_proc(pid, "smaps", rec, bytes);
	return m->fn(pid, rec, bytes);
}

/* The target: @n one-page mappings, then stop. */
static pid_t spawn_target(long n)
{
	long pg = sysconf(_SC_PAGESIZE);
	int pp[2];
	pid_t pid;
	char c;

	if (pipe(pp))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		char *p;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pp[0]);
		p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, n * pg, MADV_NOHUGEPAGE);
		for (long i = 0; i < n; i += 2)
			p[i * pg] = 1;
		for (long i = 1; i < n; i += 2)
			if (mprotect(p + i * pg, pg, PROT_READ))
				_exit(2);
		c = 0;
		if (write(pp[1], &c, 1) != 1)
			_exit(3);
		raise(SIGSTOP);
		pause();
		_exit(0);
	}
	close(pp[1]);
	if (read(pp[0], &c, 1) != 1) {
		errno = ECHILD;
		die("target set-up (max_map_count?)");
	}
	close(pp[0]);
	int st;

	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
		die("target did not stop");
	return pid;
}

int main(int argc, char **argv)
{
	const char *want = NULL;
	int rounds = 5, pmap_rounds = -1, opt, usable[NM];
	long n;
	pid_t pid;

	while ((opt = getopt(argc, argv, "r:P:m:")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'P': pmap_rounds = atoi(optarg); break;
		case 'm': want = optarg; break;
		default:
			fprintf(stderr, "usage: vmabench [-r ROUNDS] [-P ROUNDS] [-m METHODS] NVMAS\n");
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	n = atol(argv[optind]);
	pid = spawn_target(n);

	/* which methods work here (PROCMAP_QUERY: 6.11+; pmap: procps) */
	for (size_t i = 0; i < NM; i++) {
		long rec, bytes;
		char tok[64];

		snprintf(tok, sizeof(tok), ",%s,", methods[i].name);
		usable[i] = 1;
		if (want) {
			char w[512];

			snprintf(w, sizeof(w), ",%s,", want);
			usable[i] = !!strstr(w, tok);
		}
		if (usable[i] && run(&methods[i], pid, &rec, &bytes)) {
			printf("unavailable n=%ld method=%s error=\"%s\"\n", n,
			       methods[i].name, strerror(errno));
			usable[i] = 0;
		}
	}
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < NM; k++) {
			size_t i = r % 2 ? NM - 1 - k : k;
			long rec = 0, bytes = 0;
			uint64_t t0, t1;

			if (!usable[i])
				continue;
			if (methods[i].fn == m_pmap && pmap_rounds >= 0 &&
			    r >= pmap_rounds)
				continue;
			t0 = now_ns();
			if (run(&methods[i], pid, &rec, &bytes))
				die(methods[i].name);
			t1 = now_ns();
			printf("read n=%ld method=%s round=%d ns=%" PRIu64
			       " records=%ld bytes=%ld\n", n, methods[i].name,
			       r, t1 - t0, rec, bytes);
			fflush(stdout);
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
