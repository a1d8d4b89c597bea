// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the vmastat module, for testing the tool without it.
 *
 * Linked into tests/vmastat-mock with -Wl,--wrap=ioctl: VMASTAT_IOC_MAPS
 * and VMASTAT_IOC_STATUS are answered from /proc/PID/smaps, stat, status
 * and comm, following the module's contract in <linux/vmastat.h> (batches,
 * caller's record stride, names buffer, ENAMETOOLONG, next/END).  The tool
 * must be pointed at a directory holding vmastat/query (any file) with
 * VMASTAT_DEBUGFS.  Knobs, from the environment:
 *
 *   VMASTAT_MOCK_ERRNO=NAME   every request fails with errno NAME (ESRCH, ...)
 *   VMASTAT_MOCK_BATCH=N      at most N records a call
 *   VMASTAT_MOCK_EXTRA=1      add fake mappings with awkward names and flags
 *   VMASTAT_MOCK_LONGNAME=N   ... one of them with an N-byte name
 *   VMASTAT_MOCK_BUG=WHAT     misbehave: "noprogress", "badname", "overflow"
 *   VMASTAT_MOCK_LOG=FILE     append one line a request: vma_count names_size start
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

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

static int mock_maps(struct vmastat_maps_query *q)
{
	long batch = env_long("VMASTAT_MOCK_BATCH", 0);
	size_t i, filled = 0, used = 0, rec = sizeof(struct vmastat_vma);
	char *names = (char *)(uintptr_t)q->names;
	char *vmas = (char *)(uintptr_t)q->vmas;
	struct mlist l = { 0 };
	uint64_t next = VMASTAT_MAPS_END;
	int r;

	logreq("maps %u %u %#llx\n", q->vma_count, q->names_size, (unsigned long long)q->start);
	if (q->size < VMASTAT_MAPS_QUERY_SIZE_VER0 || q->vma_size < VMASTAT_VMA_SIZE_VER0 ||
	    q->flags)
		return -EINVAL;
	r = read_smaps(q->pid, &l);
	if (r < 0)
		return r;
	if (!l.n && is_kernel_thread(q->pid)) {
		free_list(&l);
		return -EOPNOTSUPP;
	}
	if (getenv("VMASTAT_MOCK_EXTRA"))
		add_extra(&l);
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
		memcpy(vmas + filled * q->vma_size, &m->v,
		       q->vma_size < rec ? q->vma_size : rec);
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

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	const char *e = getenv("VMASTAT_MOCK_ERRNO");
	va_list ap;
	void *arg;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != VMASTAT_IOC_MAPS && req != VMASTAT_IOC_STATUS)
		return __real_ioctl(fd, req, arg);
	if (e) {
		size_t i;

		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (!strcmp(e, errnos[i].name)) {
				errno = errnos[i].e;
				return -1;
			}
	}
	r = req == VMASTAT_IOC_MAPS ? mock_maps(arg) : mock_status(arg);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
