// SPDX-License-Identifier: GPL-2.0
/*
 * lablib - shared code of the teaching labs: see lablib.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lablib.h"

#define KSFT_SKIP	4
#define LAB_MAX_VMAS	1024
#define LAB_NAMES	(256 * 1024)

static const char *lab_name;
static bool quiet;
static int query_fd = -1;
static bool tracked_by_us;
static int nchecks, nfailed, nstep;

/* Buffers used while the lab measures: static, touched once in lab_init(). */
static struct vmastat_vma vmas[LAB_MAX_VMAS];
static char names[LAB_NAMES];
static char line[4096];
static struct vmastat_proc proc_rec;

static const char *const kind_names[] = {
	"anon", "heap", "stack", "vdso", "vvar", "vsyscall", "anon_named",
	"file", "shmem", "special", "hugetlb", "unmapped",
};

const char *lab_kind_name(unsigned int k)
{
	return k < sizeof(kind_names) / sizeof(kind_names[0]) ?
	       kind_names[k] : "?";
}

bool lab_quiet(void)
{
	return quiet;
}

/* The lab's name; before lab_init() (lab1 --layout, set-up): as run. */
static const char *prog_name(void)
{
	return lab_name ? lab_name : program_invocation_short_name;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void skip(const char *why)
{
	printf("1..0 # SKIP %s: %s\n", prog_name(), why);
	exit(KSFT_SKIP);
}

/* Untrack on any exit (die(), a lab's own exit) so no slot is left held. */
static void lab_untrack(void)
{
	struct vmastat_track tr = { .size = sizeof(tr), .pid = getpid() };

	if (tracked_by_us && query_fd >= 0)
		ioctl(query_fd, VMASTAT_IOC_UNTRACK, &tr);
	tracked_by_us = false;
}

/* lab_read_whole(), but -1 (errno set) if @path cannot be opened. */
static ssize_t read_whole(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Read a whole /proc file into line[] with read(2): no stdio buffer is
 * malloc'd (that could move the heap in the middle of a measurement). */
static bool lab_read_file(const char *path)
{
	return read_whole(path, line, sizeof(line)) >= 0;
}

/* Events so far are the start-up's: not the lab's business. */
static void lab_drain(void)
{
	static struct vmastat_event ev[256];

	memset(ev, 0, sizeof(ev));
	while (lab_events(ev, 256) == 256)
		;
}

void lab_init(int argc, char **argv, const char *title)
{
	const char *dbg = getenv("VMASTAT_DEBUGFS");
	struct vmastat_track tr = { .size = sizeof(tr) };
	char path[512];
	int i;

	lab_name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s [--quiet]\n%s\n", lab_name, title);
			exit(0);
		} else {
			fprintf(stderr, "usage: %s [--quiet]\n", lab_name);
			exit(2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(vmas, 0, sizeof(vmas));
	memset(names, 0, sizeof(names));
	memset(line, 0, sizeof(line));
	memset(&proc_rec, 0, sizeof(proc_rec));

	snprintf(path, sizeof(path), "%s/vmastat/query",
		 dbg ? dbg : "/sys/kernel/debug");
	query_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (query_fd < 0) {
		if (errno == ENOENT)
			skip("the vmastat module is not loaded (or debugfs is not mounted)");
		if (errno == EACCES || errno == EPERM)
			skip("needs root with CAP_SYS_PTRACE (and no kernel lockdown)");
		die("%s: %s", path, strerror(errno));
	}
	tr.pid = getpid();
	if (ioctl(query_fd, VMASTAT_IOC_TRACK, &tr) == 0) {
		tracked_by_us = true;
		atexit(lab_untrack);
	}
	else if (errno != EBUSY)	/* EBUSY: `vmastat run` tracks us */
		die("cannot track myself: %s", strerror(errno));
	lab_drain();
	/* first-use faults of the readers happen now, not between readings */
	{
		struct vmastat_fault_counts c;
		unsigned long mi, ma;

		lab_counts(&c);
		lab_stat_faults(&mi, &ma);
		lab_status_kb("VmRSS");
	}

	if (!quiet) {
		printf("== %s: %s\n", lab_name, title);
		printf("   pid %d; run `vmastat maps %d` in another shell while it waits\n",
		       getpid(), getpid());
	}
}

void lab_step(const char *fmt, ...)
{
	va_list ap;

	nstep++;
	if (quiet)
		return;
	printf("\n-- step %d: ", nstep);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void lab_say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

bool lab_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	nchecks++;
	if (!ok)
		nfailed++;
	printf("%sok %d - %s: ", ok ? "" : "not ", nchecks, lab_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

/* One batch of the listing from @start; returns the records filled. */
static unsigned int lab_maps(unsigned long start, unsigned int count,
			     bool with_names, unsigned long *next)
{
	struct vmastat_maps_query q = {
		.size = sizeof(q),
		.flags = VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED,
		.pid = getpid(),
		.vma_size = sizeof(struct vmastat_vma),
		.start = start,
		.vmas = (uintptr_t)vmas,
		.vma_count = count,
		.names = with_names ? (uintptr_t)names : 0,
		.names_size = with_names ? sizeof(names) : 0,
	};

	if (ioctl(query_fd, VMASTAT_IOC_MAPS, &q))
		die("VMASTAT_IOC_MAPS: %s", strerror(errno));
	if (next)
		*next = q.next;
	return q.vma_count;
}

unsigned int lab_events(struct vmastat_event *ev, unsigned int max)
{
	struct vmastat_events_query q = {
		.size = sizeof(q),
		.pid = getpid(),
		.event_size = sizeof(*ev),
		.events = (uintptr_t)ev,
		.count = max,
	};

	if (ioctl(query_fd, VMASTAT_IOC_EVENTS, &q))
		die("VMASTAT_IOC_EVENTS: %s", strerror(errno));
	return q.count;
}

void *lab_map_anon(size_t len)
{
	char *p = mmap(NULL, len + LAB_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", len, strerror(errno));
	if (mprotect(p + len, LAB_PAGE, PROT_NONE))
		die("mprotect: %s", strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

bool lab_vma(const void *addr, struct vmastat_vma *out)
{
	unsigned long a = (unsigned long)addr;
	unsigned int i, n;

	n = lab_maps(a & ~(LAB_PAGE - 1), 2, false, NULL);
	for (i = 0; i < n; i++) {
		if (vmas[i].start <= a && a < vmas[i].end) {
			*out = vmas[i];
			return true;
		}
	}
	memset(out, 0, sizeof(*out));
	return false;
}

void lab_counts(struct vmastat_fault_counts *c)
{
	struct vmastat_procs_query q = {
		.size = sizeof(q),
		.pid = getpid(),
		.proc_size = sizeof(proc_rec),
		.procs = (uintptr_t)&proc_rec,
		.count = 1,
	};

	if (ioctl(query_fd, VMASTAT_IOC_PROCS, &q) || q.count != 1)
		die("VMASTAT_IOC_PROCS: %s", strerror(errno));
	*c = proc_rec.counts;
}

void lab_stat_faults(unsigned long *minflt, unsigned long *majflt)
{
	ssize_t n;
	char *p;
	int fd;

	fd = open("/proc/self/stat", O_RDONLY);
	if (fd < 0)
		die("/proc/self/stat: %s", strerror(errno));
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		die("/proc/self/stat: short read");
	line[n] = '\0';
	p = strrchr(line, ')');
	/* after "comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu",
			 minflt, majflt) != 2)
		die("/proc/self/stat: cannot parse");
}

long lab_status_kb(const char *key)
{
	size_t klen = strlen(key);
	char *p;

	if (!lab_read_file("/proc/self/status"))
		return -1;
	for (p = line; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	return -1;
}

/* Look at one line of smaps; true when the answer is found. */
static bool lab_smaps_line(const char *l, unsigned long a, bool *in, long *val)
{
	unsigned long lo, hi;
	const char *dash = strchr(l, '-'), *sp = strchr(l, ' ');

	if (dash && sp && dash < sp && sscanf(l, "%lx-%lx ", &lo, &hi) == 2) {
		*in = lo <= a && a < hi;
		return false;
	}
	if (*in && !strncmp(l, "Rss:", 4)) {
		*val = strtol(l + 4, NULL, 10);
		return true;
	}
	return false;
}

long lab_smaps_rss_kb(const void *addr)
{
	unsigned long a = (unsigned long)addr;
	size_t have = 0;
	bool in = false;
	long val = -1;
	ssize_t n;
	int fd;

	/* read(2) in chunks into line[]: no stdio, any number of mappings */
	fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, line + have, sizeof(line) - 1 - have)) > 0) {
		char *p = line, *nl;

		have += n;
		line[have] = '\0';
		while ((nl = strchr(p, '\n'))) {
			*nl = '\0';
			if (lab_smaps_line(p, a, &in, &val))
				goto out;
			p = nl + 1;
		}
		have = strlen(p);
		memmove(line, p, have);
	}
out:
	close(fd);
	return val;
}

static void lab_row(const char *label, const struct vmastat_vma *v,
		    const char *name)
{
	const struct vmastat_vma_faults *f = &v->faults;
	unsigned long rss = v->rss_anon + v->rss_file + v->rss_shmem;

	printf("  %-10s %012llx-%012llx %7llu %-8s %6lu %6llu %5llu %5llu %4llu %4llu  %s\n",
	       label, (unsigned long long)v->start, (unsigned long long)v->end,
	       (unsigned long long)(v->end - v->start) / KIB,
	       lab_kind_name(v->kind), rss / KIB,
	       (unsigned long long)f->minor, (unsigned long long)f->major,
	       (unsigned long long)f->write, (unsigned long long)f->cow,
	       (unsigned long long)f->swapin, name ? name : "");
}

static void lab_header(void)
{
	printf("  %-10s %-25s %7s %-8s %6s %6s %5s %5s %4s %4s  %s\n",
	       "", "mapping", "KiB", "kind", "rss", "minor", "major", "write",
	       "cow", "swap", "name");
}

void lab_show(const char *const *labels, const void *const *addrs)
{
	struct vmastat_vma v;
	int i;

	if (quiet)
		return;
	lab_header();
	for (i = 0; addrs[i]; i++) {
		if (lab_vma(addrs[i], &v))
			lab_row(labels[i], &v, v.flags & VMASTAT_VMA_UNMAPPED ?
				"(no longer mapped)" : "");
		else
			printf("  %-10s %p: not mapped, no faults recorded\n",
			       labels[i], addrs[i]);
	}
}

void lab_show_all(void)
{
	unsigned long next = 0;
	unsigned int i, n;

	if (quiet)
		return;
	lab_header();
	do {
		n = lab_maps(next, LAB_MAX_VMAS, true, &next);
		for (i = 0; i < n; i++) {
			const char *name = vmas[i].name_len ?
					   names + vmas[i].name_off : "";
			const char *slash = strrchr(name, '/');

			lab_row("", &vmas[i], slash ? slash + 1 : name);
		}
	} while (n && next != VMASTAT_MAPS_END);
}

int lab_done(void)
{
	lab_untrack();
	close(query_fd);
	query_fd = -1;
	printf("1..%d\n", nchecks);
	if (!quiet)
		printf("# %s: %d checks, %d failed\n", lab_name, nchecks,
		       nfailed);
	return nfailed ? 1 : 0;
}

void lab_touch(void *p, size_t len, char val)
{
	volatile char *c = p;
	size_t i;

	for (i = 0; i < len; i += LAB_PAGE)
		c[i] = val;
}

void lab_fail(const char *what)
{
	die("%s: %s", what, strerror(errno));
}

char *lab_xmalloc(size_t n)
{
	char *p = malloc(n);

	if (!p)
		lab_fail("malloc");
	return p;
}

int lab_query_fd(void)
{
	return query_fd;
}

void lab_status(struct vmastat_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->pid = getpid();
	if (ioctl(query_fd, VMASTAT_IOC_STATUS, st))
		lab_fail("VMASTAT_IOC_STATUS");
}

unsigned long lab_brk(void)
{
	struct vmastat_status st;

	lab_status(&st);
	return st.brk;
}

size_t lab_read_whole(const char *path, char *buf, size_t size)
{
	ssize_t len = read_whole(path, buf, size);

	if (len < 0)
		lab_fail(path);
	return len;
}

unsigned long lab_resident(unsigned long lo, unsigned long hi,
			   unsigned char *vec, size_t size)
{
	unsigned long n = (hi - lo) / LAB_PAGE, i, r = 0;

	if (n > size || mincore((void *)lo, hi - lo, vec))
		lab_fail("mincore");
	for (i = 0; i < n; i++)
		r += vec[i] & 1;
	return r;
}

void lab_step_totals(void)
{
	struct vmastat_fault_counts c;
	unsigned long minflt, majflt;

	lab_step("the whole process: vmastat's totals against /proc/self/stat");
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_say("   vmastat: %llu minor, %llu major; /proc/self/stat: %lu minflt, %lu majflt\n",
		(unsigned long long)c.minor, (unsigned long long)c.major,
		minflt, majflt);
	lab_check(c.minor == minflt && c.major == majflt,
		  "vmastat's accounted faults equal min_flt/maj_flt");
}

unsigned int lab_count_maps(void)
{
	unsigned int n = 0;
	ssize_t len, i;
	int fd;

	/* in pieces through line[]: no stdio, any number of mappings */
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		lab_fail("/proc/self/maps");
	while ((len = read(fd, line, sizeof(line))) > 0)
		for (i = 0; i < len; i++)
			n += line[i] == '\n';
	close(fd);
	return n;
}

unsigned long lab_vmstat(const char *key)
{
	size_t klen = strlen(key);
	unsigned long val = 0;
	char buf[256];
	FILE *f;

	f = fopen("/proc/vmstat", "re");
	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, key, klen) && buf[klen] == ' ') {
			val = strtoul(buf + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long lab_smaps_kb(const void *addr, const char *key)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	size_t klen = strlen(key);
	char buf[512];
	bool in = false;
	long val = -1;
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(buf, '-') < strchr(buf, ' ')) {
			in = lo <= a && a < hi;
			continue;
		}
		if (in && !strncmp(buf, key, klen) && buf[klen] == ':') {
			val = strtol(buf + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

int lab_cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The set-up happens before lab_init(): its narration waits here. */
static char setup_log[2048];

void lab_setup_say(const char *fmt, ...)
{
	size_t l = strlen(setup_log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(setup_log + l, sizeof(setup_log) - l, fmt, ap);
	va_end(ap);
}

const char *lab_setup_log(void)
{
	return setup_log;
}

static void (*cleanup_fn)(void);

static void on_signal(int sig)
{
	cleanup_fn();
	signal(sig, SIG_DFL);
	raise(sig);
}

void lab_at_exit(void (*fn)(void))
{
	cleanup_fn = fn;
	atexit(fn);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

void lab_skip(const char *why)
{
	if (cleanup_fn)
		cleanup_fn();
	skip(why);
}

int lab_run(const char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
			 environ)) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int lab_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* One read(2) of a small sysfs file, NUL-terminated; the bytes read or -1. */
static ssize_t read_once(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

const char *lab_zram_add(struct lab_zram *z)
{
	static const char *const modprobe[] = { "modprobe", "zram", NULL };
	char buf[32];

	if (access("/sys/class/zram-control", F_OK)) {
		lab_setup_say("   # modprobe zram\n");
		if (lab_run(modprobe) || access("/sys/class/zram-control", F_OK))
			return "no zram (modprobe zram failed)";
		z->loaded = true;
		z->id = 0;	/* loading the module made zram0 */
		return NULL;
	}
	/* zram is there and maybe in use: add a device of our own */
	if (read_once("/sys/class/zram-control/hot_add", buf, sizeof(buf)) <= 0)
		return "cannot add a zram device (hot_add)";
	z->id = (int)strtol(buf, NULL, 10);
	z->added = true;
	lab_setup_say("   # cat /sys/class/zram-control/hot_add\n   %d\n", z->id);
	return NULL;
}

void lab_zram_mknod(const struct lab_zram *z, const char *dev)
{
	char path[128], buf[32];
	unsigned int ma, mi;
	struct stat sb;

	if (!stat(dev, &sb))
		return;
	snprintf(path, sizeof(path), "/sys/block/zram%d/dev", z->id);
	if (read_once(path, buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%u:%u", &ma, &mi) == 2)
		mknod(dev, S_IFBLK | 0600, makedev(ma, mi));
}

void lab_zram_remove(struct lab_zram *z)
{
	char path[128], buf[16];

	if (z->id >= 0) {
		snprintf(path, sizeof(path), "/sys/block/zram%d/reset", z->id);
		lab_write_file(path, "1");
		if (z->added) {
			snprintf(buf, sizeof(buf), "%d", z->id);
			lab_write_file("/sys/class/zram-control/hot_remove", buf);
		}
		z->id = -1;
	}
	if (z->loaded) {
		syscall(SYS_delete_module, "zram", O_NONBLOCK);
		z->loaded = false;
	}
}

void lab_zram_setup(struct lab_zram *z, const char *size,
		    const char *size_fail, char *dev, size_t len)
{
	const char *why = lab_zram_add(z);
	char path[128];

	if (why)
		lab_skip(why);
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", z->id);
	lab_setup_say("   # echo %s > %s\n", size, path);
	if (lab_write_file(path, size))
		lab_skip(size_fail);
	snprintf(dev, len, "/dev/zram%d", z->id);
	lab_zram_mknod(z, dev);
}
