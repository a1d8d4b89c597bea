// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the vmastat module, for testing the tool without it.
 *
 * Linked into tests/vmastat-mock with -Wl,--wrap=ioctl.  VMASTAT_IOC_MAPS
 * and VMASTAT_IOC_STATUS are answered from /proc/PID/smaps, stat, status
 * and comm, following the module's contract in <linux/vmastat.h> (batches,
 * caller's record stride, names buffer, ENAMETOOLONG, next/END).  The
 * fault-accounting requests get canned, self-consistent data:
 *
 *  - PROCS lists six canned processes (pids 100 to 500 and an exited one
 *    the caller cannot name, pid 0) whose counts grow with each listing (so
 *    that "top" sees rates), then every tracked process; with
 *    VMASTAT_MOCK_REAL=1 also every process of /proc.  A real process's
 *    minor and major counts are min_flt and maj_flt of its /proc/PID/stat,
 *    split into classes by fixed ratios (so "run" sees them agree).
 *  - TRACK, UNTRACK and RESET keep their state in the file mock-state next
 *    to the query file, so that it lasts from one command to the next.
 *  - MAPS with VMASTAT_MAPS_FAULTS gives each mapping of a tracked process
 *    faults derived from its residency, and VMASTAT_MAPS_UNMAPPED adds two
 *    unmapped ranges in gaps of the address space.
 *  - HIST spreads a tracked process's counts of each kind over a few buckets
 *    (the sums equal the counts); EVENTS hands out VMASTAT_MOCK_EVENTS
 *    canned events (default 25), then blocks until a signal (EINTR).
 *
 * The tool must be pointed at a directory holding vmastat/query (any file)
 * with VMASTAT_DEBUGFS.  Knobs, from the environment:
 *
 *   VMASTAT_MOCK_ERRNO=NAME[:REQ]  requests (only REQ: maps, status, summary,
 *                             procs, track, untrack, reset, hist, events)
 *                             fail with errno NAME (ESRCH, ...)
 *   VMASTAT_MOCK_OLD=1        a module from before fault accounting: the new
 *                             requests fail with ENOTTY, MAPS flags with EINVAL
 *   VMASTAT_MOCK_BATCH=N      at most N records a call (MAPS and PROCS)
 *   VMASTAT_MOCK_RECDELTA=N   the module's records (vma, proc, event) are N
 *                             bytes longer (newer module) or shorter (older)
 *                             than this header's: copied up to the caller's
 *                             size, zero past the module's
 *   VMASTAT_MOCK_EXTRA=1      add fake mappings with awkward names and flags
 *   VMASTAT_MOCK_LONGNAME=N   ... one of them with an N-byte name
 *   VMASTAT_MOCK_BUG=WHAT     misbehave: "noprogress", "badname", "overflow"
 *                             (MAPS, PROCS, EVENTS)
 *   VMASTAT_MOCK_MISSED=N, _UNLISTED=N, _TABLE_FULL=N, _EVICTED=N
 *                             the losses SUMMARY reports
 *   VMASTAT_MOCK_MAX_TRACKED=N   ENOSPC past N tracked processes (default 4)
 *   VMASTAT_MOCK_EVENTS=N     events per tracked process and command run
 *   VMASTAT_MOCK_EVENTS_END=esrch   when they are used up: ESRCH (untracked)
 *   VMASTAT_MOCK_DROPS=N      drops grow by N with each EVENTS call
 *   VMASTAT_MOCK_LOG=FILE     append one line a request
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmastat.h>

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

struct mvma {
	struct vmastat_vma v;
	char *name;
};

struct mlist {
	struct mvma *a;
	size_t n, cap;
};

static const struct { const char *name; int e; } errnos[] = {
	{ "ESRCH", ESRCH }, { "EPERM", EPERM }, { "EACCES", EACCES },
	{ "E2BIG", E2BIG }, { "EINVAL", EINVAL }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOTTY", ENOTTY }, { "EIO", EIO }, { "ENOMEM", ENOMEM },
	{ "ENODATA", ENODATA }, { "EBUSY", EBUSY }, { "ENOSPC", ENOSPC },
	{ "EINTR", EINTR },
};

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : def;
}

static bool env_is(const char *name, const char *val)
{
	const char *s = getenv(name);

	return s && !strcmp(s, val);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static struct mvma *add(struct mlist *l)
{
	if (l->n == l->cap) {
		struct mvma *a;

		l->cap = l->cap ? 2 * l->cap : 64;
		a = realloc(l->a, l->cap * sizeof(*l->a));
		if (!a)
			abort();
		l->a = a;
	}
	memset(&l->a[l->n], 0, sizeof(l->a[0]));
	return &l->a[l->n++];
}

static void free_list(struct mlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->a[i].name);
	free(l->a);
}

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void classify(struct mvma *m, bool shared)
{
	const char *n = m->name;
	size_t len = strlen(n);

	if (len > 10 && !strcmp(n + len - 10, " (deleted)"))
		m->v.flags |= VMASTAT_VMA_DELETED;
	if (!strcmp(n, "[heap]"))
		m->v.kind = VMASTAT_KIND_HEAP;
	else if (!strcmp(n, "[stack]"))
		m->v.kind = VMASTAT_KIND_STACK;
	else if (!strcmp(n, "[vdso]"))
		m->v.kind = VMASTAT_KIND_VDSO;
	else if (starts(n, "[vvar"))
		m->v.kind = VMASTAT_KIND_VVAR;
	else if (!strcmp(n, "[vsyscall]"))
		m->v.kind = VMASTAT_KIND_VSYSCALL;
	else if (starts(n, "[anon:"))
		m->v.kind = VMASTAT_KIND_ANON_NAMED;
	else if (starts(n, "[anon_shmem:") || starts(n, "/memfd:") || starts(n, "/SYSV") ||
		 starts(n, "/dev/zero") || starts(n, "/dev/shm/"))
		m->v.kind = VMASTAT_KIND_SHMEM;
	else if (m->v.inode)
		m->v.kind = VMASTAT_KIND_FILE;
	else if (!*n)
		m->v.kind = shared ? VMASTAT_KIND_SHMEM : VMASTAT_KIND_ANON;
	else
		m->v.kind = VMASTAT_KIND_SPECIAL;
}

/* -errno, or 0 with @l filled from /proc/PID/smaps. */
static int read_smaps(int pid, struct mlist *l)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct mvma *cur = NULL;
	unsigned long long rss = 0, anon = 0;
	bool shared = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	for (;;) {
		unsigned long long s, e, off, ino, kb;
		unsigned int maj, min;
		char perms[8], key[64];
		bool eof = getline(&line, &cap, f) <= 0;
		int pos = 0;

		if (eof || sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n",
				  &s, &e, perms, &off, &maj, &min, &ino, &pos) >= 7) {
			if (cur) {
				classify(cur, shared);
				cur->v.rss_anon = anon;
				if (cur->v.kind == VMASTAT_KIND_SHMEM)
					cur->v.rss_shmem = rss - anon;
				else
					cur->v.rss_file = rss - anon;
			}
			if (eof)
				break;
			cur = add(l);
			cur->v.start = s;
			cur->v.end = e;
			cur->v.offset = off;
			cur->v.inode = ino;
			cur->v.dev_major = maj;
			cur->v.dev_minor = min;
			cur->v.flags = (perms[0] == 'r' ? VMASTAT_VMA_READ : 0) |
				       (perms[1] == 'w' ? VMASTAT_VMA_WRITE : 0) |
				       (perms[2] == 'x' ? VMASTAT_VMA_EXEC : 0) |
				       (perms[3] == 's' ? VMASTAT_VMA_SHARED : 0);
			shared = perms[3] == 's';
			line[strcspn(line, "\n")] = '\0';
			cur->name = xstrdup(line + pos);
			rss = anon = 0;
			continue;
		}
		if (!cur)
			continue;
		if (starts(line, "VmFlags:")) {
			if (strstr(line, " gd"))
				cur->v.flags |= VMASTAT_VMA_GROWSDOWN;
			if (strstr(line, " lo"))
				cur->v.flags |= VMASTAT_VMA_LOCKED;
			if (strstr(line, " hg"))
				cur->v.flags |= VMASTAT_VMA_HUGEPAGE;
			if (strstr(line, " nh"))
				cur->v.flags |= VMASTAT_VMA_NOHUGEPAGE;
		} else if (sscanf(line, "%63[^:]: %llu kB", key, &kb) == 2) {
			if (!strcmp(key, "Rss"))
				rss = kb << 10;
			else if (!strcmp(key, "Anonymous"))
				anon = kb << 10;
			else if (!strcmp(key, "Swap"))
				cur->v.swap = kb << 10;
			else if (!strcmp(key, "AnonHugePages"))
				cur->v.anon_thp = kb << 10;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static bool is_kernel_thread(int pid)
{
	char path[64], line[256];
	bool vm = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (starts(line, "VmSize:"))
			vm = true;
	fclose(f);
	return !vm;
}

/* Fake mappings past the real ones (but below [vsyscall]), with awkward names. */
static void add_extra(struct mlist *l)
{
	static const char *const names[] = {
		"/tmp/new\nline",
		"/tmp/quote\"back\\slash",
		"/tmp/bad\xff\xfe utf8 \xc3\x28 \xed\xa0\x80 \xc0\xaf",
		"/tmp/\303\274nic\303\266de \342\202\254 \360\237\230\200",
		"/tmp/\x1b[31mred\x7f\t\xc2\x9b",
		"/tmp/gone (deleted)",
		"",
	};
	struct mvma *vsys = NULL, save;
	uint64_t a = 0x800000000000ULL;	/* above any user mapping */
	long longname = env_long("VMASTAT_MOCK_LONGNAME", 0);
	size_t i;

	if (l->n && !strcmp(l->a[l->n - 1].name, "[vsyscall]")) {
		vsys = &save;
		save = l->a[--l->n];
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++, a += 0x3000) {
		struct mvma *m = add(l);

		m->v.start = a;
		m->v.end = a + 0x2000;
		m->v.inode = i + 100;
		m->v.dev_major = 0xfe;
		m->v.dev_minor = 1;
		m->v.kind = VMASTAT_KIND_FILE;
		m->v.flags = VMASTAT_VMA_READ;
		m->v.rss_file = 0x1000;
		m->name = xstrdup(names[i]);
		if (strstr(names[i], "(deleted)"))
			m->v.flags |= VMASTAT_VMA_DELETED | VMASTAT_VMA_HUGEPAGE;
		if (!*names[i]) {	/* a kind and a flag from a newer module */
			m->v.kind = 42;
			m->v.inode = 0;
			m->v.flags |= 1U << 20;
		}
	}
	if (longname > 0) {
		struct mvma *m = add(l);

		m->v.start = a;
		m->v.end = a + 0x1000;
		m->v.kind = VMASTAT_KIND_FILE;
		m->name = malloc((size_t)longname + 1);
		if (!m->name)
			abort();
		memset(m->name, 'x', (size_t)longname);
		m->name[0] = '/';
		m->name[longname] = '\0';
		a += 0x2000;
	}
	if (vsys)
		*add(l) = save;
}

static void logreq(const char *fmt, ...)
{
	const char *file = getenv("VMASTAT_MOCK_LOG");
	va_list ap;
	FILE *f;

	if (!file || !(f = fopen(file, "a")))
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}


/* ---- shared by the fault-accounting requests ------------------------------- */

static long rec_delta(void)
{
	return env_long("VMASTAT_MOCK_RECDELTA", 0);
}

/*
 * Copy record @src (@ksize bytes as this header knows it) to @dst, the
 * caller's record of @usize bytes, as a module whose record is @ksize +
 * VMASTAT_MOCK_RECDELTA bytes long does: up to the smaller size, zeros after.
 */
static void put_rec(void *dst, size_t usize, const void *src, size_t ksize)
{
	long msize = (long)ksize + rec_delta();
	size_t n = usize;

	if (msize < 0)
		msize = 0;
	if ((size_t)msize < n)
		n = (size_t)msize;
	if (n > ksize)	/* a newer module's extra fields: unknown to the caller anyway */
		n = ksize;
	memcpy(dst, src, n);
	memset((char *)dst + n, 0, usize - n);
}

/* The argument check every request does: EINVAL below version 0, E2BIG for unknown bytes. */
static int check_size(const void *arg, size_t ksize, size_t ver0)
{
	uint64_t usize;
	size_t i;

	memcpy(&usize, arg, sizeof(usize));
	if (usize < ver0)
		return -EINVAL;
	if (usize > 4096)
		return -E2BIG;
	for (i = ksize; i < usize; i++)
		if (((const unsigned char *)arg)[i])
			return -E2BIG;
	return 0;
}

/* ---- tracking state, in a file next to the query file ------------------------ */

#define MAX_STATE	64

struct tstate {
	int pid[MAX_STATE];
	unsigned int flags[MAX_STATE], shift[MAX_STATE];
	int n;
	unsigned long long reset_ns;
};

static void state_path(char *buf, size_t size)
{
	const char *d = getenv("VMASTAT_DEBUGFS");

	snprintf(buf, size, "%s/vmastat/mock-state", d ? d : "/tmp");
}

static void state_load(struct tstate *t)
{
	char path[4096], line[128];
	FILE *f;

	memset(t, 0, sizeof(*t));
	state_path(path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int pid;
		unsigned int fl, sh;

		if (sscanf(line, "reset %llu", &t->reset_ns) == 1)
			continue;
		if (sscanf(line, "tracked %d %u %u", &pid, &fl, &sh) == 3 && t->n < MAX_STATE) {
			t->pid[t->n] = pid;
			t->flags[t->n] = fl;
			t->shift[t->n++] = sh;
		}
	}
	fclose(f);
}

static void state_save(const struct tstate *t)
{
	char path[4096];
	FILE *f;
	int i;

	state_path(path, sizeof(path));
	f = fopen(path, "we");
	if (!f)
		return;
	if (t->reset_ns)
		fprintf(f, "reset %llu\n", t->reset_ns);
	for (i = 0; i < t->n; i++)
		fprintf(f, "tracked %d %u %u\n", t->pid[i], t->flags[i], t->shift[i]);
	fclose(f);
}

static int state_find(const struct tstate *t, int pid)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->pid[i] == pid)
			return i;
	return -1;
}

/* ---- processes ----------------------------------------------------------------- */

/* minor and major split into classes by fixed ratios; @seed varies the errors */
static void mk_counts(uint64_t minor, uint64_t major, unsigned int seed,
		      struct vmastat_fault_counts *c)
{
	uint64_t all = minor + major;

	memset(c, 0, sizeof(*c));
	c->minor = minor;
	c->major = major;
	c->anon_minor = minor / 2;
	c->file_minor = minor * 3 / 10;
	c->shmem_minor = minor / 10;
	c->other_minor = minor - c->anon_minor - c->file_minor - c->shmem_minor;
	c->anon_major = major / 4;
	c->file_major = major - c->anon_major;
	c->read = all * 6 / 10;
	c->write = all * 3 / 10;
	c->exec = all - c->read - c->write;
	c->gup_minor = minor / 50;
	c->gup_major = major / 20;
	c->remote = c->gup_minor / 2;
	c->cow = minor / 8;
	c->swapin = c->anon_major;
	c->thp = minor / 1000;
	c->retry = major / 3;
	c->segv = seed % 3 == 0;
	c->sigbus = seed % 5 == 0;
	c->oom = 0;
}

static const struct canned {
	int pid;
	const char *comm;
	uint32_t flags;
	uint64_t minor, major;	/* a listing's worth: listing N has N times as many */
} canned[] = {
	{ 100, "init", 0, 5000, 20 },
	{ 200, "bash", 0, 12000, 3 },
	{ 300, "make", VMASTAT_PROC_EXITED, 800, 0 },
	{ 400, "cc1", 0, 250000, 120 },
	{ 0, "hidden", VMASTAT_PROC_EXITED, 42, 1 },
	{ 500, "we\nird\"\xff", 0, 7, 0 },
};

static unsigned int listings;	/* PROCS listings from the start so far */

static void canned_proc(const struct canned *k, struct vmastat_proc *p)
{
	/* an exited process's counts stay; a live one's grow with each listing */
	uint64_t g = listings && !(k->flags & VMASTAT_PROC_EXITED) ? listings : 1;

	memset(p, 0, sizeof(*p));
	p->pid = k->pid;
	p->flags = k->flags;
	p->start_ns = 1000000000ULL * (uint64_t)(k->pid + 1);
	p->exit_ns = k->flags & VMASTAT_PROC_EXITED ? p->start_ns + 5000000000ULL : 0;
	strncpy(p->comm, k->comm, sizeof(p->comm) - 1);
	mk_counts(k->minor * g, k->major * g, (unsigned int)k->pid, &p->counts);
}

static const struct canned *find_canned(int pid)
{
	size_t i;

	for (i = 0; i < sizeof(canned) / sizeof(canned[0]); i++)
		if (canned[i].pid == pid && pid)
			return &canned[i];
	return NULL;
}

/* A real process's entry from /proc/PID/stat: 0, or -ESRCH. */
static int real_proc(int pid, struct vmastat_proc *p)
{
	char path[64], buf[2048], *open_, *close_;
	unsigned long long f[64] = { 0 };
	char state = '?';
	size_t n;
	FILE *fp;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return -ESRCH;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	open_ = strchr(buf, '(');
	close_ = strrchr(buf, ')');
	if (!open_ || !close_ || close_ < open_)
		return -ESRCH;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	n = (size_t)(close_ - open_ - 1);
	memcpy(p->comm, open_ + 1, n < sizeof(p->comm) - 1 ? n : sizeof(p->comm) - 1);
	state = close_[2];
	{
		char *q = close_ + 2;

		for (k = 3; *q && k < 64; k++) {
			if (k != 3)
				f[k] = strtoull(q, NULL, 10);
			q += strcspn(q, " ");
			q += *q == ' ';
		}
	}
	p->start_ns = f[22] * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
	if (state == 'Z' || state == 'X') {
		p->flags |= VMASTAT_PROC_EXITED;
		p->exit_ns = p->start_ns + 1;
	}
	mk_counts(f[10], f[12], (unsigned int)pid, &p->counts);
	return 0;
}

/* Whether @pid is a process the mock knows of: a live canned one or one in /proc. */
static bool exists(int pid)
{
	const struct canned *k = find_canned(pid);
	char path[64];

	if (k)
		return !(k->flags & VMASTAT_PROC_EXITED);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	return access(path, F_OK) == 0;
}

/* The entry of @pid, tracked flags from @t: 0 or -ESRCH. */
static int one_proc(const struct tstate *t, int pid, struct vmastat_proc *p)
{
	const struct canned *k = find_canned(pid);
	int i = state_find(t, pid);

	if (k) {
		canned_proc(k, p);
	} else if (real_proc(pid, p) < 0) {
		if (i < 0)
			return -ESRCH;
		/* tracked, exited and reaped: its data stays until untracked */
		memset(p, 0, sizeof(*p));
		p->pid = pid;
		p->flags = VMASTAT_PROC_EXITED;
		strcpy(p->comm, "reaped");
	}
	if (i >= 0) {
		p->flags |= VMASTAT_PROC_TRACKED;
		if (t->flags[i] & VMASTAT_TRACK_CHILDREN)
			p->flags |= VMASTAT_PROC_CHILDREN;
	}
	return 0;
}

struct plist {
	struct vmastat_proc *a;
	size_t n, cap;
};

static void plist_add(struct plist *l, const struct vmastat_proc *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->a = realloc(l->a, l->cap * sizeof(*l->a));
		if (!l->a)
			abort();
	}
	l->a[l->n++] = *p;
}

static bool is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Every entry, in a fixed order: canned, tracked, then (VMASTAT_MOCK_REAL) /proc. */
static void all_procs(const struct tstate *t, struct plist *l)
{
	struct vmastat_proc p;
	size_t i;
	int k;

	for (i = 0; i < sizeof(canned) / sizeof(canned[0]); i++) {
		if (canned[i].pid)
			one_proc(t, canned[i].pid, &p);
		else
			canned_proc(&canned[i], &p);
		plist_add(l, &p);
	}
	for (k = 0; k < t->n; k++)
		if (!find_canned(t->pid[k]) && one_proc(t, t->pid[k], &p) == 0)
			plist_add(l, &p);
	if (env_long("VMASTAT_MOCK_REAL", 0)) {
		FILE *f = popen("ls /proc", "re");
		char line[64];

		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!is_digits(line))
				continue;
			k = atoi(line);
			if (state_find(t, k) >= 0 || find_canned(k) || real_proc(k, &p) < 0)
				continue;
			plist_add(l, &p);
		}
		if (f)
			pclose(f);
	}
}

static int mock_procs(struct vmastat_procs_query *q)
{
	long batch = env_long("VMASTAT_MOCK_BATCH", 0);
	char *out = (char *)(uintptr_t)q->procs;
	struct plist l = { 0 };
	struct vmastat_proc p;
	struct tstate t;
	size_t i, filled = 0, cap = q->count;
	int r;

	logreq("procs pid %d flags %llu start %llu count %u\n", q->pid,
	       (unsigned long long)q->flags, (unsigned long long)q->start, q->count);
	r = check_size(q, sizeof(*q), VMASTAT_PROCS_QUERY_SIZE_VER0);
	if (r < 0)
		return r;
	if (q->proc_size < VMASTAT_PROC_SIZE_VER0 || q->proc_size > 4096 ||
	    (q->flags & ~(uint64_t)VMASTAT_PROCS_FLAGS_ALL) || q->pid < 0)
		return -EINVAL;
	state_load(&t);
	if (q->pid) {
		if (is_kernel_thread(q->pid) && !find_canned(q->pid) && exists(q->pid))
			return -EOPNOTSUPP;
		r = one_proc(&t, q->pid, &p);
		if (r < 0)
			return r;
		if (q->count) {
			put_rec(out, q->proc_size, &p, sizeof(p));
			filled = 1;
		}
		q->count = (uint32_t)filled;
		q->next = VMASTAT_MAPS_END;
		return 0;
	}
	if (!q->start)
		listings++;
	all_procs(&t, &l);
	if (batch > 0 && (size_t)batch < cap)
		cap = (size_t)batch;
	q->next = VMASTAT_MAPS_END;
	for (i = q->start; i < l.n; i++) {
		if ((q->flags & VMASTAT_PROCS_LIVE) && (l.a[i].flags & VMASTAT_PROC_EXITED))
			continue;
		if (filled == cap) {
			q->next = i;
			break;
		}
		put_rec(out + filled * q->proc_size, q->proc_size, &l.a[i], sizeof(l.a[i]));
		filled++;
	}
	free(l.a);
	if (env_is("VMASTAT_MOCK_BUG", "noprogress") && q->start) {
		q->next = q->start;
		filled = 0;
	}
	if (env_is("VMASTAT_MOCK_BUG", "overflow"))
		filled = q->count + 1;
	q->count = (uint32_t)filled;
	return 0;
}

static int mock_summary(struct vmastat_summary *s)
{
	struct plist l = { 0 };
	struct tstate t;
	size_t i, f;
	int r;

	logreq("summary\n");
	r = check_size(s, sizeof(*s), VMASTAT_SUMMARY_SIZE_VER0);
	if (r < 0)
		return r;
	if (s->flags)
		return -EINVAL;
	state_load(&t);
	all_procs(&t, &l);
	memset((char *)s + 16, 0, sizeof(*s) - 16);
	for (i = 0; i < l.n; i++) {
		const __u64 *c = (const __u64 *)&l.a[i].counts;
		__u64 *o = (__u64 *)&s->total;

		for (f = 0; f < sizeof(s->total) / sizeof(__u64); f++)
			o[f] += c[f];
		if (l.a[i].flags & VMASTAT_PROC_EXITED)
			s->nr_exited++;
		else
			s->nr_live++;
	}
	free(l.a);
	s->unlisted = (uint64_t)env_long("VMASTAT_MOCK_UNLISTED", 0);
	s->total.minor += s->unlisted;
	s->total.anon_minor += s->unlisted;
	s->total.read += s->unlisted;
	s->hits = s->total.minor + s->total.major + s->total.retry + s->total.sigbus;
	s->missed = (uint64_t)env_long("VMASTAT_MOCK_MISSED", 0);
	s->maxactive = 64;
	s->max_procs = 4096;
	s->nr_tracked = (uint32_t)t.n;
	s->max_tracked = (uint32_t)env_long("VMASTAT_MOCK_MAX_TRACKED", 4);
	s->evicted = (uint64_t)env_long("VMASTAT_MOCK_EVICTED", 0);
	s->table_full = (uint64_t)env_long("VMASTAT_MOCK_TABLE_FULL", 0);
	s->event_drops = (uint64_t)env_long("VMASTAT_MOCK_DROPS", 0);
	s->unattributed = 3;
	s->reset_ns = t.reset_ns;
	return 0;
}

static int mock_track(unsigned long req, struct vmastat_track *a)
{
	struct tstate t;
	int r, i;

	logreq("%s pid %d flags %llu shift %u\n", req == VMASTAT_IOC_TRACK ? "track" :
	       req == VMASTAT_IOC_UNTRACK ? "untrack" : "reset", a->pid,
	       (unsigned long long)a->flags, a->granule_shift);
	r = check_size(a, sizeof(*a), VMASTAT_TRACK_SIZE_VER0);
	if (r < 0)
		return r;
	if (a->pid < 0 || (req != VMASTAT_IOC_TRACK && (a->flags || a->granule_shift)) ||
	    (a->flags & ~(uint64_t)VMASTAT_TRACK_FLAGS_ALL))
		return -EINVAL;
	state_load(&t);
	i = a->pid ? state_find(&t, a->pid) : -1;
	if (req == VMASTAT_IOC_TRACK) {
		if (!a->pid || (a->granule_shift && (a->granule_shift < 12 || a->granule_shift > 21)))
			return -EINVAL;
		if (!exists(a->pid))
			return -ESRCH;
		if (!find_canned(a->pid) && is_kernel_thread(a->pid))
			return -EOPNOTSUPP;
		if (i >= 0)
			return -EBUSY;
		if (t.n >= env_long("VMASTAT_MOCK_MAX_TRACKED", 4) || t.n >= MAX_STATE)
			return -ENOSPC;
		t.pid[t.n] = a->pid;
		t.flags[t.n] = (unsigned int)a->flags;
		t.shift[t.n++] = a->granule_shift;
	} else if (req == VMASTAT_IOC_UNTRACK) {
		if (!a->pid) {
			t.n = 0;
		} else if (i < 0) {
			return exists(a->pid) ? -ENODATA : -ESRCH;
		} else {
			t.pid[i] = t.pid[t.n - 1];
			t.flags[i] = t.flags[t.n - 1];
			t.shift[i] = t.shift[--t.n];
		}
	} else {
		if (!a->pid) {
			struct timespec ts;

			clock_gettime(CLOCK_BOOTTIME, &ts);
			t.reset_ns = (unsigned long long)ts.tv_sec * 1000000000ULL +
				     (unsigned long long)ts.tv_nsec;
		} else if (i < 0 && !exists(a->pid)) {
			return -ESRCH;
		}
	}
	state_save(&t);
	return 0;
}

/* -ENODATA, -ESRCH or 0 with *@p the entry of tracked process @pid. */
static int tracked_proc(int pid, struct vmastat_proc *p)
{
	struct tstate t;

	state_load(&t);
	if (state_find(&t, pid) < 0)
		return exists(pid) ? -ENODATA : -ESRCH;
	return one_proc(&t, pid, p);
}

/* @n faults spread over buckets @first.. (1/8, 1/4, 1/4, 1/8, 1/8, rest): the sum is @n. */
static void spread(__u64 *b, unsigned int first, uint64_t n)
{
	static const unsigned int eighths[] = { 1, 2, 2, 1, 1 };
	uint64_t used = 0;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		b[first + i] = n * eighths[i] / 8;
		used += b[first + i];
	}
	b[first + 1] += n - used;
}

static int mock_hist(struct vmastat_hist_query *h)
{
	struct vmastat_proc p;
	const struct vmastat_fault_counts *c = &p.counts;
	unsigned int k;
	int r;

	logreq("hist pid %d\n", h->pid);
	r = check_size(h, sizeof(*h), VMASTAT_HIST_QUERY_SIZE_VER0);
	if (r < 0)
		return r;
	if (h->flags || h->pid <= 0)
		return -EINVAL;
	r = tracked_proc(h->pid, &p);
	if (r < 0)
		return r;
	memset(h->hist, 0, sizeof(h->hist));
	h->nr_buckets = VMASTAT_HIST_BUCKETS;
	for (k = 0; k < VMASTAT_FK_MAX; k++) {
		const uint64_t minor[] = { c->anon_minor, c->file_minor, c->shmem_minor, c->other_minor };
		const uint64_t major[] = { c->anon_major, c->file_major, c->shmem_major, c->other_major };

		spread(h->hist[k][0], 8 + k, minor[k]);
		spread(h->hist[k][1], 16 + k, major[k]);
	}
	return 0;
}

static unsigned long events_given;	/* by this process, for any tracked pid */
static unsigned long events_calls;

static void canned_event(unsigned long i, int pid, struct vmastat_event *e)
{
	memset(e, 0, sizeof(*e));
	e->time_ns = 5000000000ULL + i * 1500;
	e->address = 0x7f0000001000ULL + i * 0x1000;
	e->ip = i % 5 == 0 ? 0 : 0x555555554000ULL + i * 16;
	e->latency_ns = 500 + i * 10;
	e->tid = pid + (int)(i % 2);
	e->cpu = (uint32_t)(i % 2);
	e->kind = (uint8_t)(i % VMASTAT_FK_MAX);
	e->access = (uint8_t)(i % 3);
	e->outcome = i % 7 == 6 ? VMASTAT_OUTCOME_MAJOR : i == 12 ? VMASTAT_OUTCOME_SEGV :
		     VMASTAT_OUTCOME_MINOR;
	e->flags = (i % 5 == 0 ? VMASTAT_EV_GUP : 0) | (i % 4 == 1 ? VMASTAT_EV_COW : 0) |
		   (i % 9 == 8 ? VMASTAT_EV_THP : 0) | (i == 3 ? 1U << 7 : 0);
}

static int mock_events(struct vmastat_events_query *q)
{
	unsigned long total = (unsigned long)env_long("VMASTAT_MOCK_EVENTS", 25);
	char *out = (char *)(uintptr_t)q->events;
	struct vmastat_proc p;
	struct vmastat_event e;
	size_t n = 0;
	int r;

	logreq("events pid %d flags %llu count %u\n", q->pid, (unsigned long long)q->flags,
	       q->count);
	r = check_size(q, sizeof(*q), VMASTAT_EVENTS_QUERY_SIZE_VER0);
	if (r < 0)
		return r;
	if (q->event_size < VMASTAT_EVENT_SIZE_VER0 || q->event_size > 4096 ||
	    (q->flags & ~(uint64_t)VMASTAT_EVENTS_FLAGS_ALL) || q->pid <= 0)
		return -EINVAL;
	for (;;) {
		r = tracked_proc(q->pid, &p);
		if (r < 0)
			return events_given && r == -ENODATA ? -ESRCH : r;
		if (events_given < total || !(q->flags & VMASTAT_EVENTS_WAIT) || !q->count)
			break;
		if (env_is("VMASTAT_MOCK_EVENTS_END", "esrch"))
			return -ESRCH;
		pause();	/* as the module sleeps: until a signal */
		return -EINTR;
	}
	while (n < q->count && events_given < total) {
		canned_event(events_given++, q->pid, &e);
		put_rec(out + n * q->event_size, q->event_size, &e, sizeof(e));
		n++;
	}
	events_calls++;
	q->count = (uint32_t)n + (env_is("VMASTAT_MOCK_BUG", "overflow") ? q->count + 1 - (uint32_t)n : 0);
	q->drops = events_calls * (unsigned long)env_long("VMASTAT_MOCK_DROPS", 0);
	return 0;
}

static uint32_t fault_kind_bit(uint32_t kind)
{
	switch (kind) {
	case VMASTAT_KIND_ANON: case VMASTAT_KIND_HEAP: case VMASTAT_KIND_STACK:
	case VMASTAT_KIND_ANON_NAMED:
		return 1U << VMASTAT_FK_ANON;
	case VMASTAT_KIND_FILE:
		return 1U << VMASTAT_FK_FILE;
	case VMASTAT_KIND_SHMEM:
		return 1U << VMASTAT_FK_SHMEM;
	}
	return 1U << VMASTAT_FK_OTHER;
}

/* Faults for a mapping, derived from what is resident in it. */
static void vma_faults(struct vmastat_vma *v)
{
	struct vmastat_vma_faults *f = &v->faults;
	uint64_t all;

	memset(f, 0, sizeof(*f));
	f->minor = (v->rss_anon + v->rss_file + v->rss_shmem) >> 12;
	f->major = (v->rss_file >> 12) / 8;
	all = f->minor + f->major;
	f->exec = v->flags & VMASTAT_VMA_EXEC ? all / 4 : 0;
	f->read = (all - f->exec) * 2 / 3;
	f->write = all - f->exec - f->read;
	f->gup = f->minor / 16;
	f->cow = (v->flags & VMASTAT_VMA_WRITE) && !(v->flags & VMASTAT_VMA_SHARED) ? f->write / 4 : 0;
	f->swapin = v->swap >> 12;
	f->thp = v->anon_thp >> 21;
	f->retry = f->major / 2;
	f->segv = v->kind == VMASTAT_KIND_STACK;
	f->kinds = fault_kind_bit(v->kind);
	v->flags |= VMASTAT_VMA_FAULTS;
}

/* Two unmapped ranges that took faults, in the first gaps of at least 3 pages. */
static void add_unmapped(struct mlist *l)
{
	static const uint32_t kinds[] = {
		1U << VMASTAT_FK_ANON, 1U << VMASTAT_FK_ANON | 1U << VMASTAT_FK_FILE,
	};
	size_t i, done = 0;

	for (i = 0; i + 1 < l->n && done < 2; i++) {
		struct mvma *m;

		if (l->a[i + 1].v.start - l->a[i].v.end < 0x3000)
			continue;
		add(l);	/* room at the end, then move the tail up */
		memmove(&l->a[i + 2], &l->a[i + 1], (l->n - i - 2) * sizeof(l->a[0]));
		m = &l->a[i + 1];
		memset(m, 0, sizeof(*m));
		m->name = xstrdup("");
		m->v.start = l->a[i].v.end + 0x1000;
		m->v.end = m->v.start + 0x1000;
		m->v.kind = VMASTAT_KIND_UNMAPPED;
		m->v.flags = VMASTAT_VMA_UNMAPPED | VMASTAT_VMA_FAULTS;
		m->v.faults.minor = 3 + done;
		m->v.faults.major = done;
		m->v.faults.read = 1;
		m->v.faults.write = m->v.faults.minor + m->v.faults.major - 1;
		m->v.faults.kinds = kinds[done];
		done++;
		i++;
	}
}

static int mock_maps(struct vmastat_maps_query *q)
{
	long batch = env_long("VMASTAT_MOCK_BATCH", 0);
	size_t i, filled = 0, used = 0, rec = sizeof(struct vmastat_vma);
	char *names = (char *)(uintptr_t)q->names;
	char *vmas = (char *)(uintptr_t)q->vmas;
	struct mlist l = { 0 };
	uint64_t next = VMASTAT_MAPS_END;
	int r;

	logreq("maps %u %u %#llx flags %llu\n", q->vma_count, q->names_size,
	       (unsigned long long)q->start, (unsigned long long)q->flags);
	if (q->size < VMASTAT_MAPS_QUERY_SIZE_VER0 || q->vma_size < VMASTAT_VMA_SIZE_VER0)
		return -EINVAL;
	if (q->flags && env_long("VMASTAT_MOCK_OLD", 0))
		return -EINVAL;
	if ((q->flags & ~(uint64_t)VMASTAT_MAPS_FLAGS_ALL) ||
	    ((q->flags & VMASTAT_MAPS_UNMAPPED) && !(q->flags & VMASTAT_MAPS_FAULTS)))
		return -EINVAL;
	if (q->flags & VMASTAT_MAPS_FAULTS) {
		struct vmastat_proc p;

		r = tracked_proc(q->pid, &p);
		if (r < 0)
			return r;
	}
	r = read_smaps(q->pid, &l);
	if (r < 0)
		return r;
	if (!l.n && is_kernel_thread(q->pid)) {
		free_list(&l);
		return -EOPNOTSUPP;
	}
	if (getenv("VMASTAT_MOCK_EXTRA"))
		add_extra(&l);
	if (q->flags & VMASTAT_MAPS_FAULTS)
		for (i = 0; i < l.n; i++)
			vma_faults(&l.a[i].v);
	if (q->flags & VMASTAT_MAPS_UNMAPPED)
		add_unmapped(&l);
	for (i = 0; i < l.n; i++) {
		struct mvma *m = &l.a[i];
		size_t len = strlen(m->name);

		if (m->v.end <= q->start)
			continue;
		if (filled == q->vma_count || (batch > 0 && filled == (size_t)batch)) {
			next = l.a[i - 1].v.end;
			break;
		}
		if (len && (!names || used + len + 1 > q->names_size)) {
			if (!filled) {
				free_list(&l);
				return -ENAMETOOLONG;
			}
			next = l.a[i - 1].v.end;
			break;
		}
		m->v.name_off = len ? (uint32_t)used : 0;
		m->v.name_len = (uint32_t)len;
		if (len) {
			memcpy(names + used, m->name, len + 1);
			used += len + 1;
		}
		if (env_is("VMASTAT_MOCK_BUG", "badname") && len)
			m->v.name_off = q->names_size;
		put_rec(vmas + filled * q->vma_size, q->vma_size, &m->v, rec);
		filled++;
	}
	free_list(&l);
	if (env_is("VMASTAT_MOCK_BUG", "noprogress"))
		next = q->start;
	if (env_is("VMASTAT_MOCK_BUG", "overflow"))
		filled = q->vma_count + 1;
	q->vma_count = (uint32_t)filled;
	q->names_size = (uint32_t)used;
	q->next = next;
	return 0;
}

static unsigned long long status_kb(int pid, const char *key)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtoull(line + klen + 1, NULL, 10) << 10;
	fclose(f);
	return v;
}

static int mock_status(struct vmastat_status *st)
{
	unsigned long long f[64] = { 0 };
	char path[64], buf[4096], *p;
	struct mlist l = { 0 };
	size_t i, n;
	FILE *fp;
	int r, k;

	logreq("status\n");
	if (st->size < VMASTAT_STATUS_SIZE_VER0 || st->flags)
		return -EINVAL;
	r = read_smaps(st->pid, &l);
	if (r < 0)
		return r;
	if (!l.n && is_kernel_thread(st->pid)) {
		free_list(&l);
		return -EOPNOTSUPP;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", st->pid);
	fp = fopen(path, "re");
	n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	if (fp)
		fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* field 3 (state) follows ") "; f[k] is field k */
	for (k = 3, p = p ? p + 2 : buf + n; *p && k < 64; k++) {
		if (k != 3)
			f[k] = strtoull(p, NULL, 10);
		p += strcspn(p, " ");
		p += *p == ' ';
	}
	st->start_code = f[26];
	st->end_code = f[27];
	st->start_stack = f[28];
	st->start_data = f[45];
	st->end_data = f[46];
	st->start_brk = f[47];
	st->brk = f[47];
	st->nr_vmas = 0;
	for (i = 0; i < l.n; i++) {
		if (!strcmp(l.a[i].name, "[heap]"))
			st->brk = l.a[i].v.end;
		if (strcmp(l.a[i].name, "[vsyscall]"))
			st->nr_vmas++;
	}
	free_list(&l);
	st->mmap_base = 0x7ff000000000ULL;	/* not in /proc: made up */
	st->task_size = 0x7ffffffff000ULL;
	st->vsz = status_kb(st->pid, "VmSize");
	st->rss_anon = status_kb(st->pid, "RssAnon");
	st->rss_file = status_kb(st->pid, "RssFile");
	st->rss_shmem = status_kb(st->pid, "RssShmem");
	st->swap = status_kb(st->pid, "VmSwap");
	snprintf(path, sizeof(path), "/proc/%d/comm", st->pid);
	fp = fopen(path, "re");
	memset(st->comm, 0, sizeof(st->comm));
	if (fp) {
		if (fgets(st->comm, sizeof(st->comm), fp))
			st->comm[strcspn(st->comm, "\n")] = '\0';
		fclose(fp);
	}
	return 0;
}

static const struct {
	unsigned long req;
	const char *name;
	bool is_new;	/* added with fault accounting */
} reqs[] = {
	{ VMASTAT_IOC_MAPS, "maps", false },
	{ VMASTAT_IOC_STATUS, "status", false },
	{ VMASTAT_IOC_SUMMARY, "summary", true },
	{ VMASTAT_IOC_PROCS, "procs", true },
	{ VMASTAT_IOC_TRACK, "track", true },
	{ VMASTAT_IOC_UNTRACK, "untrack", true },
	{ VMASTAT_IOC_RESET, "reset", true },
	{ VMASTAT_IOC_HIST, "hist", true },
	{ VMASTAT_IOC_EVENTS, "events", true },
};

/* The errno VMASTAT_MOCK_ERRNO=NAME[:REQ] asks for request @name, 0 if none. */
static int forced_errno(const char *name)
{
	const char *e = getenv("VMASTAT_MOCK_ERRNO"), *colon;
	size_t i, len;

	if (!e)
		return 0;
	colon = strchr(e, ':');
	len = colon ? (size_t)(colon - e) : strlen(e);
	if (colon && strcmp(colon + 1, name))
		return 0;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].name) == len && !strncmp(e, errnos[i].name, len))
			return errnos[i].e;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	size_t i;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (reqs[i].req == req)
			break;
	if (i == sizeof(reqs) / sizeof(reqs[0]))
		return __real_ioctl(fd, req, arg);
	if (reqs[i].is_new && env_long("VMASTAT_MOCK_OLD", 0)) {
		errno = ENOTTY;
		return -1;
	}
	r = forced_errno(reqs[i].name);
	if (r) {
		logreq("%s: forced errno %d\n", reqs[i].name, r);
		errno = r;
		return -1;
	}
	switch (req) {
	case VMASTAT_IOC_MAPS:		r = mock_maps(arg); break;
	case VMASTAT_IOC_STATUS:	r = mock_status(arg); break;
	case VMASTAT_IOC_SUMMARY:	r = mock_summary(arg); break;
	case VMASTAT_IOC_PROCS:		r = mock_procs(arg); break;
	case VMASTAT_IOC_HIST:		r = mock_hist(arg); break;
	case VMASTAT_IOC_EVENTS:	r = mock_events(arg); break;
	default:			r = mock_track(req, arg); break;
	}
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
