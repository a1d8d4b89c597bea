// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the vmastat selftests; see vmastat_util.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "vmastat_util.h"

#define MAX_DIFFS	20

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static const char * const kind_names[VMASTAT_KIND_MAX] = {
	[VMASTAT_KIND_ANON]		= "anon",
	[VMASTAT_KIND_HEAP]		= "heap",
	[VMASTAT_KIND_STACK]		= "stack",
	[VMASTAT_KIND_VDSO]		= "vdso",
	[VMASTAT_KIND_VVAR]		= "vvar",
	[VMASTAT_KIND_VSYSCALL]		= "vsyscall",
	[VMASTAT_KIND_ANON_NAMED]	= "anon_named",
	[VMASTAT_KIND_FILE]		= "file",
	[VMASTAT_KIND_SHMEM]		= "shmem",
	[VMASTAT_KIND_SPECIAL]		= "special",
	[VMASTAT_KIND_HUGETLB]		= "hugetlb",
};

static const char * const src_names[] = {
	[VMS_SRC_PROC]	= "/proc",
	[VMS_SRC_TEXT]	= "maps file",
	[VMS_SRC_IOCTL]	= "ioctl",
};

void vms_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "# %s\n", line);
}

const char *vms_kind_name(int kind)
{
	if (kind < 0 || kind >= VMASTAT_KIND_MAX)
		return NULL;
	return kind_names[kind];
}

const char *vms_dir(void)
{
	const char *d = getenv("VMASTAT_DIR");

	return d && *d ? d : VMS_DIR_DEFAULT;
}

const char *vms_unavailable(void)
{
	static char why[256];
	struct stat st;

	if (geteuid() != 0)
		return "must be run as root";
	if (stat(vms_dir(), &st) || !S_ISDIR(st.st_mode)) {
		snprintf(why, sizeof(why),
			 "%s missing: vmastat module not loaded (or debugfs not mounted)",
			 vms_dir());
		return why;
	}
	return NULL;
}

int vms_open(const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", vms_dir(), name);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void *vms_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		vms_log("mmap of %zu bytes: %s", size, strerror(errno));
		exit(1);
	}
	memset(p, 0, size);	/* pre-fault */
	return p;
}

void vms_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

void vms_buf_init(struct vms_buf *b, size_t cap)
{
	b->p = vms_alloc(cap);
	b->cap = cap;
	b->len = 0;
}

void vms_buf_free(struct vms_buf *b)
{
	vms_free(b->p, b->cap);
	b->p = NULL;
}

void vms_snap_init(struct vms_snap *s, size_t cap, size_t names_cap)
{
	memset(s, 0, sizeof(*s));
	s->cap = cap;
	s->v = vms_alloc(cap * sizeof(*s->v));
	s->names_cap = names_cap;
	s->names = vms_alloc(names_cap);
	s->raw = vms_alloc(cap * VMS_MAX_VMA_SIZE);
}

void vms_snap_free(struct vms_snap *s)
{
	vms_free(s->v, s->cap * sizeof(*s->v));
	vms_free(s->names, s->names_cap);
	vms_free(s->raw, s->cap * VMS_MAX_VMA_SIZE);
	memset(s, 0, sizeof(*s));
}

void vms_prefault_stack(size_t bytes)
{
	char *p = alloca(bytes);

	memset(p, 0, bytes);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* ---------------------------------------------------------------------- */
/* Reading files */

int vms_read_fd_chunked(int fd, struct vms_buf *b, size_t chunk)
{
	ssize_t n;

	b->len = 0;
	for (;;) {
		size_t room = b->cap - 1 - b->len;

		if (!room) {
			vms_log("read buffer of %zu bytes too small", b->cap);
			return -ENOSPC;
		}
		if (room > chunk)
			room = chunk;
		n = read(fd, b->p + b->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		b->len += n;
	}
	b->p[b->len] = '\0';
	return 0;
}

int vms_read_fd(int fd, struct vms_buf *b)
{
	return vms_read_fd_chunked(fd, b, SIZE_MAX);
}

int vms_read_path(const char *path, struct vms_buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = vms_read_fd(fd, b);
	close(fd);
	return ret;
}

int vms_write_str(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);

	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Snapshots */

const char *vms_name(const struct vms_snap *s, size_t i)
{
	if (!s->v[i].name_len)
		return "";
	return s->names + s->v[i].name_off;
}

static struct vms_vma *snap_add(struct vms_snap *s)
{
	struct vms_vma *v;

	if (s->nr >= s->cap) {
		vms_log("snapshot of %zu mappings too small", s->cap);
		return NULL;
	}
	v = &s->v[s->nr++];
	memset(v, 0, sizeof(*v));
	v->kind = -1;
	v->kind_alt = -1;
	return v;
}

static int snap_set_name(struct vms_snap *s, struct vms_vma *v,
			 const char *name, size_t len)
{
	if (!len) {
		v->name_off = 0;
		v->name_len = 0;
		return 0;
	}
	if (s->names_len + len + 1 > s->names_cap) {
		vms_log("snapshot names buffer of %zu bytes too small",
			s->names_cap);
		return -ENOSPC;
	}
	memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = '\0';
	v->name_off = s->names_len;
	v->name_len = len;
	s->names_len += len + 1;
	return 0;
}

static void snap_reset(struct vms_snap *s, enum vms_src src)
{
	s->src = src;
	s->nr = 0;
	s->names_len = 0;
	s->skipped_vsyscall = false;
	s->kinds = false;
	s->no_names = false;
}

/* Parse "%llu" / "%llx" at *p; advance; -1 on no digits. */
static int parse_ull(const char **p, const char *end, int base,
		     unsigned long long *val)
{
	const char *q = *p;
	unsigned long long x = 0;
	int d, n = 0;

	while (q < end) {
		if (*q >= '0' && *q <= '9')
			d = *q - '0';
		else if (base == 16 && *q >= 'a' && *q <= 'f')
			d = *q - 'a' + 10;
		else
			break;
		if (x > (ULLONG_MAX - d) / base)
			return -1;
		x = x * base + d;
		q++;
		n++;
	}
	if (!n)
		return -1;
	*p = q;
	*val = x;
	return 0;
}

static int expect_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

/*
 * Parse "start-end perms offset major:minor inode" from @line; leaves *p
 * right after the inode number and fills v->head with the text so far.
 */
static int parse_head(const char *line, const char *eol, const char **p,
		      struct vms_vma *v)
{
	unsigned long long x;
	const char *q = line;
	size_t len;
	int i;

	if (parse_ull(&q, eol, 16, &v->start) || expect_char(&q, eol, '-') ||
	    parse_ull(&q, eol, 16, &v->end) || expect_char(&q, eol, ' '))
		return -1;
	if (eol - q < 5)
		return -1;
	for (i = 0; i < 4; i++)
		v->perms[i] = q[i];
	v->perms[4] = '\0';
	q += 4;
	if (expect_char(&q, eol, ' ') || parse_ull(&q, eol, 16, &v->offset) ||
	    expect_char(&q, eol, ' ') || parse_ull(&q, eol, 16, &x) ||
	    expect_char(&q, eol, ':'))
		return -1;
	v->major = x;
	if (parse_ull(&q, eol, 16, &x) || expect_char(&q, eol, ' '))
		return -1;
	v->minor = x;
	if (parse_ull(&q, eol, 10, &v->inode))
		return -1;
	len = q - line;
	if (len >= sizeof(v->head))
		return -1;
	memcpy(v->head, line, len);
	v->head[len] = '\0';
	*p = q;
	return 0;
}

static unsigned int perms_flags(const char *perms)
{
	unsigned int f = 0;

	if (perms[0] == 'r')
		f |= VMASTAT_VMA_READ;
	if (perms[1] == 'w')
		f |= VMASTAT_VMA_WRITE;
	if (perms[2] == 'x')
		f |= VMASTAT_VMA_EXEC;
	if (perms[3] == 's')
		f |= VMASTAT_VMA_SHARED;
	return f;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

static void parse_vmflags(const char *p, const char *eol, struct vms_vma *v)
{
	while (p < eol) {
		while (p < eol && *p == ' ')
			p++;
		if (eol - p >= 2 && (p + 2 == eol || p[2] == ' ')) {
			if (!memcmp(p, "gd", 2))
				v->flags |= VMASTAT_VMA_GROWSDOWN;
			else if (!memcmp(p, "lo", 2))
				v->flags |= VMASTAT_VMA_LOCKED;
			else if (!memcmp(p, "hg", 2))
				v->flags |= VMASTAT_VMA_HUGEPAGE;
			else if (!memcmp(p, "nh", 2))
				v->flags |= VMASTAT_VMA_NOHUGEPAGE;
			else if (!memcmp(p, "ht", 2))
				v->vmf |= VMS_VMF_HT;
			else if (!memcmp(p, "pf", 2))
				v->vmf |= VMS_VMF_PF;
			else if (!memcmp(p, "io", 2))
				v->vmf |= VMS_VMF_IO;
		}
		while (p < eol && *p != ' ')
			p++;
	}
}

static bool is_head_line(const char *p)
{
	return (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
}

int vms_proc_snap(pid_t pid, struct vms_buf *b, struct vms_snap *s,
		  bool kinds)
{
	struct vms_vma *v = NULL;
	char path[64];
	const char *p, *eol, *end;
	bool skip = false;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	ret = vms_read_path(path, b);
	if (ret)
		return ret;
	snap_reset(s, VMS_SRC_PROC);
	end = b->p + b->len;
	for (p = b->p; p < end; p = eol + 1) {
		const char *q, *val;
		unsigned long long *field = NULL;
		unsigned long long x;

		eol = memchr(p, '\n', end - p);
		if (!eol)
			eol = end;
		if (is_head_line(p)) {
			struct vms_vma tmp = { 0 };
			size_t len;

			if (parse_head(p, eol, &q, &tmp)) {
				vms_log("cannot parse %s line: %.*s", path,
					(int)(eol - p), p);
				return -EBADMSG;
			}
			while (q < eol && *q == ' ')
				q++;
			len = eol - q;
			if (len == 10 && !memcmp(q, "[vsyscall]", 10)) {
				s->skipped_vsyscall = true;
				skip = true;
				continue;
			}
			skip = false;
			v = snap_add(s);
			if (!v)
				return -ENOSPC;
			tmp.kind = -1;
			tmp.kind_alt = -1;
			*v = tmp;
			v->flags = perms_flags(v->perms);
			if (snap_set_name(s, v, q, len))
				return -ENOSPC;
			continue;
		}
		if (skip || !v)
			continue;
		val = memchr(p, ':', eol - p);
		if (!val)
			continue;
		if (val - p == 7 && !memcmp(p, "VmFlags", 7)) {
			parse_vmflags(val + 1, eol, v);
			continue;
		}
		if (val - p == 3 && !memcmp(p, "Rss", 3))
			field = &v->rss;
		else if (val - p == 9 && !memcmp(p, "Anonymous", 9))
			field = &v->anon;
		else if (val - p == 4 && !memcmp(p, "Swap", 4))
			field = &v->swap;
		else if (val - p == 13 && !memcmp(p, "AnonHugePages", 13))
			field = &v->thp;
		if (!field)
			continue;
		q = val + 1;
		while (q < eol && *q == ' ')
			q++;
		if (parse_ull(&q, eol, 10, &x)) {
			vms_log("cannot parse %s line: %.*s", path,
				(int)(eol - p), p);
			return -EBADMSG;
		}
		*field = x;
	}
	if (kinds)
		vms_proc_kinds(pid, s);
	return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Is a filesystem with this device number mounted anywhere? */
static bool dev_mounted(const char *mountinfo, unsigned int major,
			unsigned int minor)
{
	char dev[32];
	const char *p;

	snprintf(dev, sizeof(dev), " %u:%u ", major, minor);
	for (p = mountinfo; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *eol = strchr(p, '\n');
		const char *hit = strstr(p, dev);

		if (hit && (!eol || hit < eol))
			return true;
	}
	return false;
}

/*
 * VMASTAT_VMA_DELETED: the backing file was unlinked.  /proc/PID/maps says
 * " (deleted)" both for such files and for files that never had a name:
 * shared anonymous memory, memfd, SysV shm.  Those live on internal mounts
 * (their device is mounted nowhere), so for them either answer is fair.
 */
static void proc_deleted(struct vms_snap *s)
{
	static char mountinfo[256 << 10];
	bool have_mountinfo;
	size_t i;
	int fd;
	ssize_t n = -1;

	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, mountinfo, sizeof(mountinfo) - 1);
		close(fd);
	}
	have_mountinfo = n > 0 && (size_t)n < sizeof(mountinfo) - 1;
	mountinfo[n > 0 ? n : 0] = '\0';

	for (i = 0; i < s->nr; i++) {
		struct vms_vma *v = &s->v[i];
		const char *name = vms_name(s, i);

		v->flags &= ~VMASTAT_VMA_DELETED;
		v->flags_any &= ~VMASTAT_VMA_DELETED;
		if (v->kind != VMASTAT_KIND_FILE && v->kind != VMASTAT_KIND_SHMEM &&
		    v->kind != VMASTAT_KIND_HUGETLB && v->kind != VMASTAT_KIND_SPECIAL)
			continue;
		if (name[0] != '/' || !ends_with(name, v->name_len, " (deleted)"))
			continue;
		v->flags |= VMASTAT_VMA_DELETED;
		if (!have_mountinfo || !dev_mounted(mountinfo, v->major, v->minor))
			v->flags_any |= VMASTAT_VMA_DELETED;
	}
}

void vms_proc_kinds(pid_t pid, struct vms_snap *s)
{
	char path[96];
	struct statfs sfs;
	size_t i;
	int fd;

	s->kinds = true;
	for (i = 0; i < s->nr; i++) {
		struct vms_vma *v = &s->v[i];
		const char *name = vms_name(s, i);

		v->kind_alt = -1;
		if (!strcmp(name, "[heap]")) {
			v->kind = VMASTAT_KIND_HEAP;
			continue;
		}
		if (!strcmp(name, "[stack]")) {
			v->kind = VMASTAT_KIND_STACK;
			continue;
		}
		if (!strcmp(name, "[vdso]")) {
			v->kind = VMASTAT_KIND_VDSO;
			continue;
		}
		if (starts_with(name, "[vvar")) {
			v->kind = VMASTAT_KIND_VVAR;
			continue;
		}
		if (!strcmp(name, "[vsyscall]")) {
			v->kind = VMASTAT_KIND_VSYSCALL;
			continue;
		}
		if (starts_with(name, "[anon_shmem:")) {
			/* named shared anonymous memory: either is fair */
			v->kind = VMASTAT_KIND_SHMEM;
			v->kind_alt = VMASTAT_KIND_ANON_NAMED;
			continue;
		}
		if (starts_with(name, "[anon:")) {
			v->kind = VMASTAT_KIND_ANON_NAMED;
			continue;
		}
		if (v->vmf & VMS_VMF_HT) {
			v->kind = VMASTAT_KIND_HUGETLB;
			continue;
		}
		/* Does it have a file?  map_files/ lists exactly those. */
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx",
			 pid, v->start, v->end);
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd >= 0) {
			if (fstatfs(fd, &sfs))
				v->kind = -1;
			else if (sfs.f_type == TMPFS_MAGIC)
				v->kind = VMASTAT_KIND_SHMEM;
			else if (v->vmf & (VMS_VMF_PF | VMS_VMF_IO))
				v->kind = VMASTAT_KIND_SPECIAL;
			else
				v->kind = VMASTAT_KIND_FILE;
			close(fd);
			continue;
		}
		if (errno != ENOENT) {
			v->kind = -1;	/* cannot tell */
			continue;
		}
		if ((v->vmf & (VMS_VMF_PF | VMS_VMF_IO)) || name[0] == '[')
			v->kind = VMASTAT_KIND_SPECIAL;
		else
			v->kind = VMASTAT_KIND_ANON;
	}
	proc_deleted(s);
}

int vms_parse_text_maps(const char *text, size_t len, struct vms_snap *s)
{
	const char *p, *eol, *end = text + len;
	bool header = false;

	snap_reset(s, VMS_SRC_TEXT);
	for (p = text; p < end; p = eol + 1) {
		unsigned long long *nums[6];
		const char *q, *k;
		struct vms_vma *v;
		int i;

		eol = memchr(p, '\n', end - p);
		if (!eol) {
			vms_log("maps file: last line has no newline: %.*s",
				(int)(end - p), p);
			return -EBADMSG;
		}
		if (!header) {
			if (*p != '#') {
				vms_log("maps file: first line is not a # header: %.*s",
					(int)(eol - p), p);
				return -EBADMSG;
			}
			header = true;
			continue;
		}
		v = snap_add(s);
		if (!v)
			return -ENOSPC;
		if (parse_head(p, eol, &q, v) || expect_char(&q, eol, ' '))
			goto bad;
		k = q;
		while (q < eol && *q != ' ')
			q++;
		for (i = 0; i < VMASTAT_KIND_MAX; i++) {
			if ((size_t)(q - k) == strlen(kind_names[i]) &&
			    !memcmp(k, kind_names[i], q - k))
				break;
		}
		if (i == VMASTAT_KIND_MAX)
			goto bad;
		v->kind = i;
		nums[0] = &v->rss;
		nums[1] = &v->anon;
		nums[2] = &v->file;
		nums[3] = &v->shmem;
		nums[4] = &v->swap;
		nums[5] = &v->thp;
		for (i = 0; i < 6; i++) {
			if (expect_char(&q, eol, ' ') ||
			    parse_ull(&q, eol, 10, nums[i]))
				goto bad;
		}
		if (q < eol) {
			if (*q != ' ')
				goto bad;
			while (q < eol && *q == ' ')
				q++;
		}
		if (snap_set_name(s, v, q, eol - q))
			return -ENOSPC;
		continue;
bad:
		vms_log("maps file: cannot parse line %zu: %.*s", s->nr,
			(int)(eol - p), p);
		return -EBADMSG;
	}
	if (!header) {
		vms_log("maps file: empty (no header line)");
		return -EBADMSG;
	}
	return 0;
}

/* The text files' protocol: write the PID, then read the whole answer. */
static int vms_text_select_read(int fd, pid_t pid, struct vms_buf *b)
{
	char num[32];
	int ret;

	snprintf(num, sizeof(num), "%d", pid);
	ret = vms_write_str(fd, num);
	if (ret)
		return ret;
	return vms_read_fd(fd, b);
}

int vms_text_maps(int fd, pid_t pid, struct vms_buf *b, struct vms_snap *s)
{
	int ret = vms_text_select_read(fd, pid, b);

	return ret ? ret : vms_parse_text_maps(b->p, b->len, s);
}

static unsigned long long bytes_to_kb(unsigned long long bytes,
				      const char *what)
{
	if (bytes & 1023) {
		vms_log("ioctl: %s = %llu bytes is not a whole number of kB",
			what, bytes);
		return ULLONG_MAX;
	}
	return bytes >> 10;
}

int vms_ioctl_maps(int fd, pid_t pid, struct vms_snap *s, unsigned int batch,
		   unsigned int vma_size, bool no_names, unsigned int names_size)
{
	unsigned long long start = 0;
	unsigned int i;

	snap_reset(s, VMS_SRC_IOCTL);
	s->no_names = no_names;
	if (vma_size > VMS_MAX_VMA_SIZE)
		return -EINVAL;
	for (;;) {
		struct vmastat_maps_query q = {
			.size = sizeof(q),
			.pid = pid,
			.vma_size = vma_size,
			.start = start,
			.vmas = (uintptr_t)s->raw,
		};
		size_t room = s->names_cap - s->names_len;
		char *names = s->names + s->names_len;

		q.vma_count = s->cap - s->nr;
		if (q.vma_count > batch)
			q.vma_count = batch;
		if (!q.vma_count) {
			vms_log("ioctl: snapshot of %zu mappings too small",
				s->cap);
			return -ENOSPC;
		}
		if (names_size && room > names_size)
			room = names_size;
		if (room > UINT_MAX)
			room = UINT_MAX;
		if (!no_names) {
			q.names = (uintptr_t)names;
			q.names_size = room;
		}
		if (ioctl(fd, VMASTAT_IOC_MAPS, &q))
			return -errno;
		if (q.vma_count > batch || q.vma_count > s->cap - s->nr) {
			vms_log("ioctl: %u records returned, room for %zu",
				q.vma_count, s->cap - s->nr);
			return -EBADMSG;
		}
		if (!no_names && q.names_size > room) {
			vms_log("ioctl: names_size %u > buffer %zu",
				q.names_size, room);
			return -EBADMSG;
		}
		for (i = 0; i < q.vma_count; i++) {
			const struct vmastat_vma *r =
				(const void *)((char *)s->raw + (size_t)i * vma_size);
			struct vms_vma *v = snap_add(s);

			v->start = r->start;
			v->end = r->end;
			v->offset = r->offset;
			v->inode = r->inode;
			v->major = r->dev_major;
			v->minor = r->dev_minor;
			v->flags = r->flags;
			v->kind = r->kind;
			v->anon = bytes_to_kb(r->rss_anon, "rss_anon");
			v->file = bytes_to_kb(r->rss_file, "rss_file");
			v->shmem = bytes_to_kb(r->rss_shmem, "rss_shmem");
			v->swap = bytes_to_kb(r->swap, "swap");
			v->thp = bytes_to_kb(r->anon_thp, "anon_thp");
			v->rss = v->anon + v->file + v->shmem;
			v->perms[0] = r->flags & VMASTAT_VMA_READ ? 'r' : '-';
			v->perms[1] = r->flags & VMASTAT_VMA_WRITE ? 'w' : '-';
			v->perms[2] = r->flags & VMASTAT_VMA_EXEC ? 'x' : '-';
			v->perms[3] = r->flags & VMASTAT_VMA_SHARED ? 's' : 'p';
			v->perms[4] = '\0';
			snprintf(v->head, sizeof(v->head),
				 "%08llx-%08llx %s %08llx %02x:%02x %llu",
				 v->start, v->end, v->perms, v->offset,
				 v->major, v->minor, v->inode);
			if (no_names || !r->name_len)
				continue;
			if ((unsigned long long)r->name_off + r->name_len >=
			    q.names_size || names[r->name_off + r->name_len]) {
				vms_log("ioctl: name of %llx-%llx at %u+%u is outside names_size %u or not NUL-terminated",
					v->start, v->end, r->name_off,
					r->name_len, q.names_size);
				return -EBADMSG;
			}
			v->name_off = s->names_len + r->name_off;
			v->name_len = r->name_len;
		}
		if (!no_names)
			s->names_len += q.names_size;
		if (q.next == VMASTAT_MAPS_END)
			break;
		if (!q.vma_count || q.next <= start) {
			vms_log("ioctl: no progress: start %llx -> next %llx after %u records",
				start, (unsigned long long)q.next,
				q.vma_count);
			return -EBADMSG;
		}
		start = q.next;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Comparing */

/* /proc escapes '\n' in paths as "\012"; the ioctl does not escape. */
static void unescape_proc_name(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in && o + 1 < size) {
		if (!strncmp(in, "\\012", 4)) {
			out[o++] = '\n';
			in += 4;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

struct diffs {
	int n;
	bool verbose;
	const char *src;
};

static void diff(struct diffs *d, const struct vms_vma *pv, const char *name,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void diff(struct diffs *d, const struct vms_vma *pv, const char *name,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	d->n++;
	if (!d->verbose || d->n > MAX_DIFFS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pv)
		vms_log("%s: %llx-%llx %s %s: %s", d->src, pv->start, pv->end,
			pv->perms, name, msg);
	else
		vms_log("%s: %s", d->src, msg);
}

#define CMP_NUM(field, what) do {					\
	if (mv->field != pv->field)					\
		diff(&d, pv, pname, "%s: expected %llu (/proc) got %llu", \
		     what, (unsigned long long)pv->field,		\
		     (unsigned long long)mv->field);			\
} while (0)

#define MUST_BE_ZERO(field, what) do {					\
	if (mv->field)							\
		diff(&d, pv, pname, "%s: expected 0 for kind %s, got %llu", \
		     what, vms_kind_name(pv->kind),			\
		     (unsigned long long)mv->field);			\
} while (0)

int vms_compare(const struct vms_snap *mod, const struct vms_snap *proc,
		bool verbose)
{
	struct diffs d = { .verbose = verbose, .src = src_names[mod->src] };
	char exp_name[VMS_NAME_MAX];
	size_t i, n = mod->nr < proc->nr ? mod->nr : proc->nr;

	if (verbose && proc->skipped_vsyscall)
		vms_log("/proc lists [vsyscall]: not compared (the module does not report it)");
	if (mod->nr != proc->nr)
		diff(&d, NULL, NULL, "/proc has %zu mappings, module %zu",
		     proc->nr, mod->nr);
	for (i = 0; i < n; i++) {
		const struct vms_vma *mv = &mod->v[i], *pv = &proc->v[i];
		const char *pname = vms_name(proc, i);
		const char *mname = vms_name(mod, i);

		if (mv->start != pv->start || mv->end != pv->end) {
			diff(&d, pv, pname,
			     "mapping #%zu: module reports %llx-%llx %s %s instead",
			     i, mv->start, mv->end, mv->perms, mname);
			break;	/* the rest is out of step */
		}
		if (strcmp(mv->head, pv->head))
			diff(&d, pv, pname, "fields: expected '%s' got '%s'",
			     pv->head, mv->head);
		if (strcmp(mv->perms, pv->perms))
			diff(&d, pv, pname, "perms: expected %s got %s",
			     pv->perms, mv->perms);
		CMP_NUM(offset, "offset");
		CMP_NUM(major, "dev major");
		CMP_NUM(minor, "dev minor");
		CMP_NUM(inode, "inode");
		if (!mod->no_names) {
			if (mod->src == VMS_SRC_IOCTL)
				unescape_proc_name(pname, exp_name,
						   sizeof(exp_name));
			else
				snprintf(exp_name, sizeof(exp_name), "%s",
					 pname);
			if (strcmp(mname, exp_name))
				diff(&d, pv, pname,
				     "name: expected '%s' got '%s'", exp_name,
				     mname);
		}
		CMP_NUM(rss, "rss kB (smaps Rss)");
		CMP_NUM(anon, "anon kB (smaps Anonymous)");
		CMP_NUM(swap, "swap kB (smaps Swap)");
		CMP_NUM(thp, "thp kB (smaps AnonHugePages)");
		if (mv->rss != mv->anon + mv->file + mv->shmem)
			diff(&d, pv, pname,
			     "rss %llu != anon %llu + file %llu + shmem %llu",
			     mv->rss, mv->anon, mv->file, mv->shmem);
		if (pv->kind >= 0 && mv->kind != pv->kind &&
		    mv->kind != pv->kind_alt)
			diff(&d, pv, pname, "kind: expected %s got %s (%d)",
			     vms_kind_name(pv->kind),
			     vms_kind_name(mv->kind) ?: "?", mv->kind);
		switch (pv->kind) {
		case VMASTAT_KIND_SHMEM:
			MUST_BE_ZERO(file, "file kB");
			break;
		case VMASTAT_KIND_FILE:
			MUST_BE_ZERO(shmem, "shmem kB");
			break;
		case VMASTAT_KIND_ANON:
		case VMASTAT_KIND_HEAP:
		case VMASTAT_KIND_STACK:
		case VMASTAT_KIND_ANON_NAMED:
			MUST_BE_ZERO(file, "file kB");
			MUST_BE_ZERO(shmem, "shmem kB");
			break;
		default:
			break;
		}
		if (mod->src == VMS_SRC_IOCTL) {
			unsigned int any = pv->flags_any;

			if (!proc->kinds)
				any |= VMASTAT_VMA_DELETED;
			if ((mv->flags & VMS_VMA_KNOWN_FLAGS & ~any) !=
			    (pv->flags & ~any))
				diff(&d, pv, pname,
				     "flags: expected %#x got %#x (from perms, VmFlags and name)",
				     (unsigned int)(pv->flags & ~any),
				     (unsigned int)(mv->flags & VMS_VMA_KNOWN_FLAGS & ~any));
		}
	}
	if (mod->nr != proc->nr && i == n) {
		if (mod->nr > n)
			diff(&d, NULL, NULL, "module reports extra mapping %llx-%llx %s %s",
			     mod->v[n].start, mod->v[n].end, mod->v[n].perms,
			     vms_name(mod, n));
		else
			diff(&d, NULL, NULL, "module misses mapping %llx-%llx %s %s",
			     proc->v[n].start, proc->v[n].end,
			     proc->v[n].perms, vms_name(proc, n));
	}
	if (verbose && d.n > MAX_DIFFS)
		vms_log("%s: ... %d differences in all", d.src, d.n);
	return d.n;
}

bool vms_snap_equal(const struct vms_snap *a, const struct vms_snap *b)
{
	size_t i;

	if (a->nr != b->nr)
		return false;
	for (i = 0; i < a->nr; i++) {
		const struct vms_vma *x = &a->v[i], *y = &b->v[i];

		if (x->start != y->start || x->end != y->end ||
		    x->offset != y->offset || x->inode != y->inode ||
		    x->major != y->major || x->minor != y->minor ||
		    x->rss != y->rss || x->anon != y->anon ||
		    x->file != y->file || x->shmem != y->shmem ||
		    x->swap != y->swap || x->thp != y->thp ||
		    x->flags != y->flags || x->kind != y->kind ||
		    strcmp(x->perms, y->perms) || strcmp(x->head, y->head) ||
		    strcmp(vms_name(a, i), vms_name(b, i)))
			return false;
	}
	return true;
}

int vms_read_text(void *ctx, pid_t pid, struct vms_snap *s)
{
	struct vms_reader *r = ctx;
	char num[32];
	int ret;

	if (!r->chunk)
		return vms_text_maps(r->maps_fd, pid, r->buf, s);
	snprintf(num, sizeof(num), "%d", pid);
	ret = vms_write_str(r->maps_fd, num);
	if (ret)
		return ret;
	ret = vms_read_fd_chunked(r->maps_fd, r->buf, r->chunk);
	if (ret)
		return ret;
	return vms_parse_text_maps(r->buf->p, r->buf->len, s);
}

int vms_read_ioctl(void *ctx, pid_t pid, struct vms_snap *s)
{
	struct vms_reader *r = ctx;

	return vms_ioctl_maps(r->query_fd, pid, s, r->batch ?: UINT_MAX,
			      r->vma_size ?: sizeof(struct vmastat_vma),
			      r->no_names, r->names_size);
}

int vms_stable_compare(pid_t pid, vms_read_maps_fn read, void *ctx,
		       struct vms_buf *buf, struct vms_snap *a,
		       struct vms_snap *b, struct vms_snap *p, int tries,
		       int *rounds)
{
	int i, ret;

	for (i = 1; i <= tries; i++) {
		*rounds = i;
		ret = read(ctx, pid, a);
		if (ret)
			return ret;
		ret = vms_proc_snap(pid, buf, p, false);
		if (ret)
			return ret;
		ret = read(ctx, pid, b);
		if (ret)
			return ret;
		if (vms_snap_equal(a, b)) {
			vms_proc_kinds(pid, p);
			return vms_compare(a, p, true);
		}
	}
	vms_log("the module never gave the same answer twice in a row (%d tries)",
		tries);
	return -EAGAIN;
}

/* ---------------------------------------------------------------------- */
/* Status */

enum { DEC, HEX, STR };

static const struct {
	const char *key;
	int type;
	size_t off;
} status_keys[] = {
	{ "pid",		DEC, offsetof(struct vms_status, pid) },
	{ "comm",		STR, offsetof(struct vms_status, comm) },
	{ "vmas",		DEC, offsetof(struct vms_status, vmas) },
	{ "vsz_kb",		DEC, offsetof(struct vms_status, vsz) },
	{ "rss_kb",		DEC, offsetof(struct vms_status, rss) },
	{ "rss_anon_kb",	DEC, offsetof(struct vms_status, anon) },
	{ "rss_file_kb",	DEC, offsetof(struct vms_status, file) },
	{ "rss_shmem_kb",	DEC, offsetof(struct vms_status, shmem) },
	{ "swap_kb",		DEC, offsetof(struct vms_status, swap) },
	{ "start_code",		HEX, offsetof(struct vms_status, start_code) },
	{ "end_code",		HEX, offsetof(struct vms_status, end_code) },
	{ "start_data",		HEX, offsetof(struct vms_status, start_data) },
	{ "end_data",		HEX, offsetof(struct vms_status, end_data) },
	{ "start_brk",		HEX, offsetof(struct vms_status, start_brk) },
	{ "brk",		HEX, offsetof(struct vms_status, brk) },
	{ "start_stack",	HEX, offsetof(struct vms_status, start_stack) },
	{ "mmap_base",		HEX, offsetof(struct vms_status, mmap_base) },
	{ "task_size",		HEX, offsetof(struct vms_status, task_size) },
};

int vms_parse_text_status(const char *text, size_t len,
			  struct vms_status *st)
{
	const char *p, *eol, *end = text + len;
	size_t k;

	memset(st, 0, sizeof(*st));
	for (p = text; p < end; p = eol + 1) {
		const char *colon, *q;
		unsigned long long x;

		eol = memchr(p, '\n', end - p);
		if (!eol) {
			vms_log("status file: last line has no newline");
			return -EBADMSG;
		}
		colon = memchr(p, ':', eol - p);
		if (!colon || colon + 1 >= eol || colon[1] != ' ') {
			vms_log("status file: not a 'key: value' line: %.*s",
				(int)(eol - p), p);
			return -EBADMSG;
		}
		for (k = 0; k < ARRAY_SIZE(status_keys); k++) {
			if (strlen(status_keys[k].key) == (size_t)(colon - p) &&
			    !memcmp(p, status_keys[k].key, colon - p))
				break;
		}
		if (k == ARRAY_SIZE(status_keys))
			continue;	/* a key this test does not know */
		if (st->have & (1U << k)) {
			vms_log("status file: key %s twice", status_keys[k].key);
			return -EBADMSG;
		}
		st->have |= 1U << k;
		q = colon + 2;
		while (q < eol && *q == ' ')
			q++;
		if (status_keys[k].type == STR) {
			snprintf((char *)st + status_keys[k].off,
				 sizeof(st->comm), "%.*s", (int)(eol - q), q);
			continue;
		}
		if (status_keys[k].type == HEX &&
		    (eol - q < 3 || q[0] != '0' || q[1] != 'x')) {
			vms_log("status file: %s is not 0x-hex: %.*s",
				status_keys[k].key, (int)(eol - p), p);
			return -EBADMSG;
		}
		if (status_keys[k].type == HEX)
			q += 2;
		if (parse_ull(&q, eol, status_keys[k].type == HEX ? 16 : 10,
			      &x) || q != eol) {
			vms_log("status file: bad number: %.*s",
				(int)(eol - p), p);
			return -EBADMSG;
		}
		if (k == 0)
			st->pid = x;
		else
			*(unsigned long long *)((char *)st + status_keys[k].off) = x;
	}
	if (st->have != VMS_ST_ALL_KEYS) {
		for (k = 0; k < ARRAY_SIZE(status_keys); k++)
			if (!(st->have & (1U << k)))
				vms_log("status file: key %s missing",
					status_keys[k].key);
		return -EBADMSG;
	}
	return 0;
}

int vms_text_status(int fd, pid_t pid, struct vms_buf *b,
		    struct vms_status *st)
{
	int ret = vms_text_select_read(fd, pid, b);

	return ret ? ret : vms_parse_text_status(b->p, b->len, st);
}

int vms_ioctl_status(int fd, pid_t pid, struct vms_status *st)
{
	struct vmastat_status s = {
		.size = sizeof(s),
		.pid = pid,
	};

	memset(st, 0, sizeof(*st));
	if (ioctl(fd, VMASTAT_IOC_STATUS, &s))
		return -errno;
	if (!memchr(s.comm, '\0', sizeof(s.comm))) {
		vms_log("ioctl status: comm not NUL-terminated");
		return -EBADMSG;
	}
	st->pid = s.pid;
	snprintf(st->comm, sizeof(st->comm), "%s", s.comm);
	st->vmas = s.nr_vmas;
	st->vsz = bytes_to_kb(s.vsz, "vsz");
	st->anon = bytes_to_kb(s.rss_anon, "rss_anon");
	st->file = bytes_to_kb(s.rss_file, "rss_file");
	st->shmem = bytes_to_kb(s.rss_shmem, "rss_shmem");
	st->swap = bytes_to_kb(s.swap, "swap");
	st->rss = st->anon + st->file + st->shmem;
	st->start_code = s.start_code;
	st->end_code = s.end_code;
	st->start_data = s.start_data;
	st->end_data = s.end_data;
	st->start_brk = s.start_brk;
	st->brk = s.brk;
	st->start_stack = s.start_stack;
	st->mmap_base = s.mmap_base;
	st->task_size = s.task_size;
	st->have = VMS_ST_ALL_KEYS;
	return 0;
}

static int status_kb(const char *text, const char *key,
		     unsigned long long *val)
{
	const char *p = text, *end = text + strlen(text);
	size_t klen = strlen(key);

	while (p < end) {
		const char *eol = strchr(p, '\n') ?: end;

		if ((size_t)(eol - p) > klen && !memcmp(p, key, klen) &&
		    p[klen] == ':') {
			const char *q = p + klen + 1;

			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			return parse_ull(&q, eol, 10, val) ? -EBADMSG : 0;
		}
		p = eol + 1;
	}
	vms_log("/proc status: no %s", key);
	return -ENOENT;
}

int vms_proc_status(pid_t pid, struct vms_buf *b, struct vms_status *st)
{
	static const int stat_fields[] = { 26, 27, 28, 45, 46, 47 };
	unsigned long long *stat_vals[] = {
		&st->start_code, &st->end_code, &st->start_stack,
		&st->start_data, &st->end_data, &st->start_brk,
	};
	char path[64];
	const char *p, *end;
	int ret, field;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->pid = pid;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ret = vms_read_path(path, b);
	if (ret)
		return ret;
	if (status_kb(b->p, "VmSize", &st->vsz) ||
	    status_kb(b->p, "VmRSS", &st->rss) ||
	    status_kb(b->p, "RssAnon", &st->anon) ||
	    status_kb(b->p, "RssFile", &st->file) ||
	    status_kb(b->p, "RssShmem", &st->shmem) ||
	    status_kb(b->p, "VmSwap", &st->swap))
		return -EBADMSG;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	ret = vms_read_path(path, b);
	if (ret)
		return ret;
	p = strrchr(b->p, ')');
	if (!p)
		return -EBADMSG;
	p++;
	end = b->p + b->len;
	/* p is at " S ...": field 3 is the state */
	for (field = 3, i = 0; p < end && i < 6; field++) {
		const char *tok;

		while (p < end && *p == ' ')
			p++;
		tok = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (field == stat_fields[i]) {
			const char *q = tok;

			if (parse_ull(&q, p, 10, stat_vals[i]))
				return -EBADMSG;
			i++;
		}
	}
	if (i != 6)
		return -EBADMSG;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	ret = vms_read_path(path, b);
	if (ret)
		return ret;
	if (b->len && b->p[b->len - 1] == '\n')
		b->p[--b->len] = '\0';
	snprintf(st->comm, sizeof(st->comm), "%s", b->p);

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	ret = vms_read_path(path, b);
	if (ret)
		return ret;
	for (p = b->p, end = b->p + b->len; p < end; p++) {
		if (*p == '\n')
			st->vmas++;
	}
	if (strstr(b->p, " [vsyscall]\n"))
		st->vmas--;
	return 0;
}

#define ST_CMP(field, what) do {					\
	if (mod->field != proc->field)					\
		diff(&d, NULL, NULL, "status %s: expected %llu (%#llx) got %llu (%#llx)", \
		     what, (unsigned long long)proc->field,		\
		     (unsigned long long)proc->field,			\
		     (unsigned long long)mod->field,			\
		     (unsigned long long)mod->field);			\
} while (0)

int vms_status_compare(const struct vms_status *mod,
		       const struct vms_status *proc, bool verbose)
{
	struct diffs d = { .verbose = verbose, .src = "status" };

	ST_CMP(pid, "pid");
	if (strcmp(mod->comm, proc->comm))
		diff(&d, NULL, NULL, "status comm: expected '%s' got '%s'",
		     proc->comm, mod->comm);
	ST_CMP(vmas, "vmas (lines of /proc/PID/maps)");
	ST_CMP(vsz, "vsz_kb (VmSize)");
	ST_CMP(rss, "rss_kb (VmRSS)");
	ST_CMP(anon, "rss_anon_kb (RssAnon)");
	ST_CMP(file, "rss_file_kb (RssFile)");
	ST_CMP(shmem, "rss_shmem_kb (RssShmem)");
	ST_CMP(swap, "swap_kb (VmSwap)");
	ST_CMP(start_code, "start_code (stat field 26)");
	ST_CMP(end_code, "end_code (stat field 27)");
	ST_CMP(start_stack, "start_stack (stat field 28)");
	ST_CMP(start_data, "start_data (stat field 45)");
	ST_CMP(end_data, "end_data (stat field 46)");
	ST_CMP(start_brk, "start_brk (stat field 47)");
	if (mod->rss != mod->anon + mod->file + mod->shmem)
		diff(&d, NULL, NULL, "status rss_kb %llu != anon %llu + file %llu + shmem %llu",
		     mod->rss, mod->anon, mod->file, mod->shmem);
	return d.n;
}

bool vms_status_equal(const struct vms_status *a, const struct vms_status *b)
{
	return a->pid == b->pid && !strcmp(a->comm, b->comm) &&
	       a->vmas == b->vmas && a->vsz == b->vsz && a->rss == b->rss &&
	       a->anon == b->anon && a->file == b->file &&
	       a->shmem == b->shmem && a->swap == b->swap &&
	       a->start_code == b->start_code && a->end_code == b->end_code &&
	       a->start_data == b->start_data && a->end_data == b->end_data &&
	       a->start_brk == b->start_brk && a->brk == b->brk &&
	       a->start_stack == b->start_stack &&
	       a->mmap_base == b->mmap_base && a->task_size == b->task_size;
}

/* ---------------------------------------------------------------------- */
/* Processes */

pid_t vms_fork_child(void)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		vms_log("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
	}
	return pid;
}

pid_t vms_spawn_stopped(int (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status, ret;

	pid = vms_fork_child();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		ret = fn(arg);
		if (ret)
			_exit(ret & 0x7f ? ret & 0x7f : 1);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid) {
		vms_log("waitpid: %s", strerror(errno));
		vms_kill(pid);
		return -1;
	}
	if (!WIFSTOPPED(status)) {
		if (WIFEXITED(status))
			vms_log("target child exited with %d before stopping",
				WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			vms_log("target child killed by signal %d before stopping",
				WTERMSIG(status));
		return -1;
	}
	return pid;
}

void vms_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---------------------------------------------------------------------- */
/* Swap on zram */

#define ZRAM_DEV	"/dev/zram0"
#define ZRAM_SYS	"/sys/block/zram0"
#define ZRAM_SIZE	(256ULL << 20)

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = vms_write_str(fd, s);
	close(fd);
	return ret;
}

static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int vms_param_set(const char *name, const char *val, char *old, size_t size)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), "/sys/module/vmastat/parameters/%s", name);
	if (old) {
		ret = read_small(path, old, size);
		if (ret)
			return ret;
		old[strcspn(old, "\n")] = '\0';
	}
	return write_file(path, val);
}

static int modprobe(const char *module)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("modprobe", "modprobe", module, (char *)NULL);
		execl("/sbin/modprobe", "modprobe", module, (char *)NULL);
		execl("/usr/sbin/modprobe", "modprobe", module, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Write a version-1 swap header, as mkswap(8) does. */
static int write_swap_header(const char *dev, unsigned long long size)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int *w;
	char *hdr;
	int fd, ret = 0;

	hdr = calloc(1, page);
	if (!hdr)
		return -ENOMEM;
	w = (unsigned int *)(hdr + 1024);
	w[0] = 1;				/* version */
	w[1] = size / page - 1;			/* last_page */
	w[2] = 0;				/* nr_badpages */
	memcpy(hdr + page - 10, "SWAPSPACE2", 10);
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
	} else {
		if (pwrite(fd, hdr, page, 0) != page || fsync(fd))
			ret = -EIO;
		close(fd);
	}
	free(hdr);
	return ret;
}

enum vms_swap_state vms_swap_setup(void)
{
	char buf[4096];
	unsigned int maj, min;
	struct stat st;
	int ret;

	if (!read_small("/proc/swaps", buf, sizeof(buf)) &&
	    strchr(buf, '\n') && strchr(buf, '\n')[1]) {
		vms_log("swap already active: using it");
		return VMS_SWAP_ACTIVE;
	}
	if (access(ZRAM_SYS, F_OK))
		modprobe("zram");
	if (access(ZRAM_SYS, F_OK)) {
		vms_log("no swap and no zram (modprobe zram failed): swap not tested");
		return VMS_SWAP_NONE;
	}
	if (!read_small(ZRAM_SYS "/disksize", buf, sizeof(buf)) &&
	    strtoull(buf, NULL, 10)) {
		vms_log("zram0 is already set up by someone else: swap not tested");
		return VMS_SWAP_NONE;
	}
	snprintf(buf, sizeof(buf), "%llu", ZRAM_SIZE);
	ret = write_file(ZRAM_SYS "/disksize", buf);
	if (ret) {
		vms_log("zram0 disksize: %s: swap not tested", strerror(-ret));
		return VMS_SWAP_NONE;
	}
	if (stat(ZRAM_DEV, &st) &&
	    !read_small(ZRAM_SYS "/dev", buf, sizeof(buf)) &&
	    sscanf(buf, "%u:%u", &maj, &min) == 2)
		mknod(ZRAM_DEV, S_IFBLK | 0600, makedev(maj, min));
	ret = write_swap_header(ZRAM_DEV, ZRAM_SIZE);
	if (ret || swapon(ZRAM_DEV, 0)) {
		vms_log("swap on %s: %s: swap not tested", ZRAM_DEV,
			strerror(ret ? -ret : errno));
		write_file(ZRAM_SYS "/reset", "1");
		return VMS_SWAP_NONE;
	}
	return VMS_SWAP_OURS;
}

void vms_swap_teardown(enum vms_swap_state state)
{
	if (state != VMS_SWAP_OURS)
		return;
	if (swapoff(ZRAM_DEV))
		vms_log("swapoff %s: %s", ZRAM_DEV, strerror(errno));
	if (write_file(ZRAM_SYS "/reset", "1"))
		vms_log("cannot reset zram0");
}

int vms_thp_mode(void)
{
	char buf[256];

	if (read_small("/sys/kernel/mm/transparent_hugepage/enabled", buf,
		       sizeof(buf)))
		return -1;
	if (strstr(buf, "[always]"))
		return 2;
	if (strstr(buf, "[madvise]"))
		return 1;
	return 0;
}
