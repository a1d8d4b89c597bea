// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: access to the vmastat module's debugfs files.  See vmastatlib.h.
 *
 * Every request passes this tool's own struct sizes; the module accepts
 * older and newer ones (see the versioning note in <linux/vmastat.h>), so
 * a tool and a module of different ABI versions work together as long as
 * the tool asks for nothing the module does not know (E2BIG otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "vmastatlib.h"

#define DEFAULT_DEBUGFS		"/sys/kernel/debug"
#define SYS_MODULE		"/sys/module/vmastat"
#define LOCKDOWN_FILE		"/sys/kernel/security/lockdown"

/* A listing asks for this many mappings a call ... */
#define MAPS_BATCH		128
/* ... with room for this many bytes of names, doubled on ENAMETOOLONG up to the max. */
#define MAPS_NAMES_SIZE		(16 * 1024)
#define MAPS_NAMES_MAX		(64 * 1024 * 1024)

static void seterr(struct vms *v, const char *fmt, ...) PRINTF(2, 3);
static void seterr(struct vms *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
}

int vms_param_bool(const char *name)
{
	char path[PATH_MAX], c = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_MODULE "/parameters/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, &c, 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (c != 'Y' && c != 'N')
		return -EINVAL;
	return c == 'Y';
}

void vms_init(struct vms *v)
{
	memset(v, 0, sizeof(*v));
	v->query_fd = -1;
	v->ring_fd = -1;
}

static void rings_close(struct vms *v)
{
	if (v->ring_fd < 0)
		return;
	munmap(v->ring_base, v->ring.map_size);
	close(v->ring_fd);
	v->ring_fd = -1;
	v->ring_base = NULL;
}

void vms_close(struct vms *v)
{
	rings_close(v);
	if (v->query_fd >= 0)
		close(v->query_fd);
	v->query_fd = -1;
}

/* Undo the octal escapes (\040 for a space ...) of a /proc/self/mounts field. */
static void unescape_mount_field(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The first debugfs mount point in /proc/self/mounts, into @buf. */
static bool find_debugfs(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		char *save = NULL, *mnt, *type;

		if (!strtok_r(line, " \t\n", &save))
			continue;
		mnt = strtok_r(NULL, " \t\n", &save);
		type = strtok_r(NULL, " \t\n", &save);
		if (!mnt || !type || strcmp(type, "debugfs"))
			continue;
		unescape_mount_field(mnt);
		if (strlen(mnt) < size) {
			strcpy(buf, mnt);
			found = true;
		}
	}
	free(line);
	fclose(f);
	return found;
}

static void locate(struct vms *v)
{
	char mnt[PATH_MAX] = DEFAULT_DEBUGFS;
	const char *env = getenv(VMASTAT_ENV_DEBUGFS);

	if (v->located)
		return;
	if (env && *env && strlen(env) < sizeof(mnt)) {
		strcpy(mnt, env);
		v->debugfs_mounted = true;
	} else {
		v->debugfs_mounted = find_debugfs(mnt, sizeof(mnt));
	}
	if (!strcmp(mnt, "/"))
		mnt[0] = '\0';
	/* a mount point too long for the directory's name is cut: open() then fails */
	if (snprintf(v->dir, sizeof(v->dir), "%s/%s", mnt, VMASTAT_DEBUGFS_DIR) < 0)
		v->dir[0] = '\0';
	v->located = true;
}

/* The kernel lockdown mode in force ("integrity", "confidentiality"), or NULL. */
static const char *lockdown_mode(char *buf, size_t size)
{
	char line[128], *a, *b;
	FILE *f = fopen(LOCKDOWN_FILE, "re");

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	a = strchr(line, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!b || b - a - 1 <= 0 || (size_t)(b - a - 1) >= size)
		return NULL;
	memcpy(buf, a + 1, (size_t)(b - a - 1));
	buf[b - a - 1] = '\0';
	return strcmp(buf, "none") ? buf : NULL;
}

static void explain_open_error(struct vms *v, const char *path, int e)
{
	char mode[32];

	switch (e) {
	case ENOENT:
	case ENOTDIR: {
		bool loaded = access(SYS_MODULE, F_OK) == 0;

		if (!loaded && !v->debugfs_mounted)
			seterr(v, "vmastat module is not loaded (modprobe vmastat / insmod vmastat.ko), "
			       "and debugfs is not mounted either: mount -t debugfs none " DEFAULT_DEBUGFS);
		else if (!loaded)
			seterr(v, "vmastat module is not loaded (modprobe vmastat / insmod vmastat.ko)");
		else if (!v->debugfs_mounted)
			seterr(v, "debugfs is not mounted: mount -t debugfs none " DEFAULT_DEBUGFS);
		else
			seterr(v, "%s does not exist: the loaded vmastat module does not provide it "
			       "(module too old?)", path);
		break;
	}
	case EPERM:
	case EACCES:
		if (e == EPERM && geteuid() == 0 && lockdown_mode(mode, sizeof(mode)))
			seterr(v, "kernel lockdown (%s) forbids debugfs files with ioctls; "
			       "the module's read-only files still work", mode);
		else if (geteuid() != 0)
			seterr(v, "%s: %s: run vmastat as root (it needs CAP_SYS_PTRACE)",
			       path, strerror(e));
		else
			seterr(v, "%s: %s: vmastat needs CAP_SYS_PTRACE", path, strerror(e));
		break;
	default:
		seterr(v, "%s: %s", path, strerror(e));
	}
}

int vms_open_file(struct vms *v, const char *name, int flags)
{
	char path[sizeof(v->dir) + 64];
	int fd, e;

	locate(v);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", v->dir, name) >= sizeof(path)) {
		seterr(v, "%s/%s: path too long", v->dir, name);
		return -ENAMETOOLONG;
	}
	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	explain_open_error(v, path, e);
	return -e;
}

/* The version line without touching v->err; -errno on failure. */
static int read_version(struct vms *v, char *buf, size_t size, char *path, size_t psize)
{
	ssize_t n;
	int fd, e;

	locate(v);
	snprintf(path, psize, "%s/version", v->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int vms_module_version(struct vms *v, char *buf, size_t size)
{
	char path[sizeof(v->dir) + 16];
	int r;

	if (size < 2) {
		seterr(v, "version buffer too small");
		return -EINVAL;
	}
	r = read_version(v, buf, size, path, sizeof(path));
	if (r == -ENOENT || r == -ENOTDIR || r == -EPERM || r == -EACCES)
		explain_open_error(v, path, -r);
	else if (r < 0)
		seterr(v, "%s: %s", path, strerror(-r));
	return r;
}

static const char *version_for_message(struct vms *v, char *buf, size_t size)
{
	char path[sizeof(v->dir) + 16];

	if (read_version(v, buf, size, path, sizeof(path)) < 0 || !buf[0])
		snprintf(buf, size, "version unknown");
	return buf;
}

int vms_query_open(struct vms *v)
{
	if (v->query_fd < 0) {
		int fd = vms_open_file(v, "query", O_RDONLY);

		if (fd < 0)
			return fd;
		v->query_fd = fd;
	}
	return v->query_fd;
}

static int query_fd(struct vms *v)
{
	return vms_query_open(v);
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* "process 123", or "every process" for pid 0 (UNTRACK and RESET). */
static const char *proc_name(pid_t pid, char *buf, size_t size)
{
	if (pid)
		snprintf(buf, size, "process %d", (int)pid);
	else
		snprintf(buf, size, "every process");
	return buf;
}

/* Explain a failed request @what ("maps", "status", ...) about @pid; returns @r. */
static int explain_ioctl_error(struct vms *v, int r, pid_t pid, const char *what)
{
	char ver[128], who[32];

	proc_name(pid, who, sizeof(who));
	switch (-r) {
	case ESRCH:
		seterr(v, "no such process: %d", (int)pid);
		break;
	case EOPNOTSUPP:
		seterr(v, "process %d is a kernel thread: it has no user address space", (int)pid);
		break;
	case EPERM:
	case EACCES:
		seterr(v, "%s: %s: vmastat needs root (CAP_SYS_PTRACE)", who, strerror(-r));
		break;
	case ENODATA:
		seterr(v, "process %d is not tracked (start with: vmastat track %d)",
		       (int)pid, (int)pid);
		break;
	case EBUSY:
		if (!strcmp(what, "events"))
			seterr(v, "another reader is taking the events of process %d "
			       "(one at a time)", (int)pid);
		else
			seterr(v, "process %d is tracked already", (int)pid);
		break;
	case ENOSPC:
		seterr(v, "cannot %s process %d: the module tracks as many processes as it can "
		       "(parameter max_tracked; vmastat untrack PID frees one)", what, (int)pid);
		break;
	case E2BIG:
		seterr(v, "vmastat module too old for this tool (module: %s, tool: %s): "
		       "it does not know fields of the %s request; update the module",
		       version_for_message(v, ver, sizeof(ver)), VMASTAT_TOOL_VERSION, what);
		break;
	case EINVAL:
		seterr(v, "vmastat module rejected the %s request as invalid "
		       "(module: %s, tool: %s): module and tool do not match?",
		       what, version_for_message(v, ver, sizeof(ver)), VMASTAT_TOOL_VERSION);
		break;
	case ENOTTY:
		seterr(v, "vmastat module too old for this tool: it does not know the %s request "
		       "(module: %s, tool: %s); update the module", what,
		       version_for_message(v, ver, sizeof(ver)), VMASTAT_TOOL_VERSION);
		break;
	case EINTR:
		seterr(v, "%s of %s: interrupted", what, who);
		break;
	default:
		seterr(v, "%s of %s: %s", what, who, strerror(-r));
	}
	return r;
}

static int protocol_error(struct vms *v, const char *req, const char *what)
{
	seterr(v, "vmastat module answered the %s request with %s (module bug?)", req, what);
	return -EPROTO;
}

void vms_maps_free(struct vms_maps *m)
{
	free(m->vma);
	free(m->names);
	memset(m, 0, sizeof(*m));
}

/* Append one record and its name (@name: @len bytes, not NUL-terminated). */
static void maps_add(struct vms_maps *m, const struct vmastat_vma *rec,
		     const char *name, size_t len)
{
	void *p;
	struct vms_vma *d;

	p = m->vma;
	xgrow(&p, &m->cap, m->count + 1, sizeof(*m->vma));
	m->vma = p;
	p = m->names;
	xgrow(&p, &m->names_cap, m->names_len + len + 1, 1);
	m->names = p;
	d = &m->vma[m->count++];
	memset(d, 0, sizeof(*d));
	d->v = *rec;
	d->name_len = len;
	d->name_off = m->names_len;	/* m->names moves as it grows */
	memcpy(m->names + m->names_len, name, len);
	m->names[m->names_len + len] = '\0';
	m->names_len += len + 1;
}

int vms_maps(struct vms *v, pid_t pid, struct vms_maps *m)
{
	return vms_maps_flags(v, pid, 0, m);
}

int vms_maps_flags(struct vms *v, pid_t pid, uint64_t flags, struct vms_maps *m)
{
	const size_t stride = sizeof(struct vmastat_vma);
	struct vmastat_vma *recs;
	size_t names_size = MAPS_NAMES_SIZE, i;
	char *names;
	__u64 start = 0;
	int fd, r = 0;

	memset(m, 0, sizeof(*m));
	fd = query_fd(v);
	if (fd < 0)
		return fd;
	recs = xcalloc(MAPS_BATCH, stride);
	names = xmalloc(names_size);
	for (;;) {
		struct vmastat_maps_query q;

		/* a module with smaller records leaves the rest zero */
		memset(recs, 0, MAPS_BATCH * stride);
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.flags = flags;
		q.pid = pid;
		q.vma_size = (__u32)stride;
		q.start = start;
		q.vmas = (__u64)(uintptr_t)recs;
		q.vma_count = MAPS_BATCH;
		q.names_size = (__u32)names_size;
		q.names = (__u64)(uintptr_t)names;
		r = xioctl(fd, VMASTAT_IOC_MAPS, &q);
		if (r == -ENAMETOOLONG) {
			if (names_size >= MAPS_NAMES_MAX) {
				seterr(v, "process %d: a mapping's name does not fit in %d MiB",
				       (int)pid, MAPS_NAMES_MAX >> 20);
				break;
			}
			names_size *= 2;
			free(names);
			names = xmalloc(names_size);
			continue;
		}
		if (r < 0) {
			explain_ioctl_error(v, r, pid, "maps");
			if (r == -EINVAL && (flags & VMASTAT_MAPS_FAULTS))
				seterr(v, "vmastat module does not know per-mapping faults "
				       "(VMASTAT_MAPS_FAULTS): module too old?");
			break;
		}
		r = 0;
		if (q.vma_count > MAPS_BATCH) {
			r = protocol_error(v, "maps", "more records than asked for");
			break;
		}
		for (i = 0; i < q.vma_count; i++) {
			const struct vmastat_vma *rec = &recs[i];
			size_t off = rec->name_off, len = rec->name_len;

			if (len && (off >= names_size || len >= names_size - off ||
				    names[off + len] != '\0')) {
				r = protocol_error(v, "maps", "a name outside its names buffer");
				break;
			}
			maps_add(m, rec, len ? names + off : "", len);
		}
		if (r < 0 || q.next == VMASTAT_MAPS_END)
			break;
		if (q.next <= start) {
			r = protocol_error(v, "maps", "no progress");
			break;
		}
		start = q.next;
	}
	free(recs);
	free(names);
	if (r < 0) {
		vms_maps_free(m);
		return r;
	}
	for (i = 0; i < m->count; i++) {
		m->vma[i].name = m->names + m->vma[i].name_off;
		if (m->vma[i].v.flags & VMASTAT_VMA_FAULTS)
			m->faults = true;
	}
	if (flags & VMASTAT_MAPS_FAULTS)
		m->faults = true;
	return 0;
}

/* Records a call asks for (PROCS, EVENTS). */
#define PROCS_BATCH		64

int vms_summary(struct vms *v, struct vmastat_summary *s)
{
	int fd, r;

	fd = query_fd(v);
	if (fd < 0)
		return fd;
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	r = xioctl(fd, VMASTAT_IOC_SUMMARY, s);
	if (r < 0)
		return explain_ioctl_error(v, r, 0, "summary");
	return 0;
}

void vms_procs_free(struct vms_procs *p)
{
	free(p->proc);
	memset(p, 0, sizeof(*p));
}

/* One PROCS call: @n records at most into @recs; *@next the cursor. */
static int procs_call(struct vms *v, int fd, pid_t pid, uint64_t flags, __u64 start,
		      struct vmastat_proc *recs, size_t n, size_t *filled, __u64 *next)
{
	struct vmastat_procs_query q;
	int r;

	/* a module with smaller records leaves the rest zero */
	memset(recs, 0, n * sizeof(*recs));
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.flags = flags;
	q.pid = pid;
	q.proc_size = sizeof(*recs);
	q.start = start;
	q.procs = (__u64)(uintptr_t)recs;
	q.count = (__u32)n;
	r = xioctl(fd, VMASTAT_IOC_PROCS, &q);
	if (r < 0)
		return explain_ioctl_error(v, r, pid, "procs");
	if (q.count > n)
		return protocol_error(v, "procs", "more records than asked for");
	*filled = q.count;
	*next = q.next;
	return 0;
}

int vms_procs(struct vms *v, uint64_t flags, struct vms_procs *p)
{
	struct vmastat_proc *recs;
	__u64 start = 0, next = 0;
	size_t n = 0, i;
	int fd, r;

	memset(p, 0, sizeof(*p));
	fd = query_fd(v);
	if (fd < 0)
		return fd;
	recs = xcalloc(PROCS_BATCH, sizeof(*recs));
	for (;;) {
		r = procs_call(v, fd, 0, flags, start, recs, PROCS_BATCH, &n, &next);
		if (r < 0)
			break;
		for (i = 0; i < n; i++) {
			void *a = p->proc;

			xgrow(&a, &p->cap, p->count + 1, sizeof(*p->proc));
			p->proc = a;
			recs[i].comm[sizeof(recs[i].comm) - 1] = '\0';
			p->proc[p->count++] = recs[i];
		}
		if (next == VMASTAT_MAPS_END)
			break;
		if (next == start && !n) {
			r = protocol_error(v, "procs", "no progress");
			break;
		}
		start = next;
	}
	free(recs);
	if (r < 0)
		vms_procs_free(p);
	return r < 0 ? r : 0;
}

int vms_proc(struct vms *v, pid_t pid, struct vmastat_proc *rec)
{
	__u64 next = 0;
	size_t n = 0;
	int fd, r;

	fd = query_fd(v);
	if (fd < 0)
		return fd;
	r = procs_call(v, fd, pid, 0, 0, rec, 1, &n, &next);
	if (r < 0)
		return r;
	if (!n)
		return explain_ioctl_error(v, -ESRCH, pid, "procs");
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	return 0;
}

static int track_call(struct vms *v, unsigned long req, const char *what, pid_t pid,
		      uint64_t flags, unsigned int shift)
{
	struct vmastat_track t;
	int fd, r;

	fd = query_fd(v);
	if (fd < 0)
		return fd;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.flags = flags;
	t.pid = pid;
	t.granule_shift = shift;
	r = xioctl(fd, req, &t);
	if (r < 0)
		return explain_ioctl_error(v, r, pid, what);
	return 0;
}

int vms_track(struct vms *v, pid_t pid, uint64_t flags, unsigned int granule_shift)
{
	return track_call(v, VMASTAT_IOC_TRACK, "track", pid, flags, granule_shift);
}

int vms_untrack(struct vms *v, pid_t pid)
{
	return track_call(v, VMASTAT_IOC_UNTRACK, "untrack", pid, 0, 0);
}

int vms_reset(struct vms *v, pid_t pid)
{
	return track_call(v, VMASTAT_IOC_RESET, "reset", pid, 0, 0);
}

int vms_hist(struct vms *v, pid_t pid, struct vmastat_hist_query *h)
{
	int fd, r;

	fd = query_fd(v);
	if (fd < 0)
		return fd;
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->pid = pid;
	r = xioctl(fd, VMASTAT_IOC_HIST, h);
	if (r < 0)
		return explain_ioctl_error(v, r, pid, "hist");
	/* 0 from a module that does not say: ours; more than we hold: what we hold */
	if (!h->nr_buckets || h->nr_buckets > VMASTAT_HIST_BUCKETS)
		h->nr_buckets = VMASTAT_HIST_BUCKETS;
	return 0;
}

/* Map @pid's rings: 0, or -errno (v->err not set). */
static int rings_open(struct vms *v, int fd, pid_t pid)
{
	struct vmastat_events_map *m = &v->ring;
	void *base;

	rings_close(v);
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->pid = pid;
	if (ioctl(fd, VMASTAT_IOC_EVENTS_MAP, m) < 0)
		return -errno;
	if (m->event_size < VMASTAT_EVENT_SIZE_VER0 || !m->nr_rings || !m->ring_entries ||
	    (m->ring_entries & (m->ring_entries - 1)) ||
	    m->events_offset < sizeof(struct vmastat_ring_header) ||
	    m->events_offset + (uint64_t)m->ring_entries * m->event_size > m->ring_size ||
	    m->map_size != (uint64_t)m->nr_rings * m->ring_size) {
		close(m->fd);
		return -EPROTO;
	}
	base = mmap(NULL, m->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (base == MAP_FAILED) {
		int e = -errno;

		close(m->fd);
		return e;
	}
	v->ring_fd = m->fd;
	v->ring_pid = pid;
	v->ring_base = base;
	return 0;
}

static struct vmastat_ring_header *ring_hdr(const struct vms *v, uint32_t i)
{
	return (struct vmastat_ring_header *)(v->ring_base + (size_t)i * v->ring.ring_size);
}

/* The oldest event of ring @i (between @tail and @head), as the tool knows events. */
static const struct vmastat_event *ring_ev(const struct vms *v, uint32_t i, uint64_t tail)
{
	return (const struct vmastat_event *)((const char *)ring_hdr(v, i) +
					      v->ring.events_offset +
					      (tail & (v->ring.ring_entries - 1)) *
					      v->ring.event_size);
}

/* Take up to @cap events from the mapped rings, merged by time. */
static size_t rings_take(struct vms *v, struct vmastat_event *ev, size_t cap, uint64_t *drops)
{
	uint32_t nr = v->ring.nr_rings, i;
	uint64_t *head = xcalloc(2 * (size_t)nr, sizeof(*head)), *tail = head + nr;
	size_t n = 0, sz = v->ring.event_size < sizeof(*ev) ? v->ring.event_size : sizeof(*ev);

	*drops = 0;
	for (i = 0; i < nr; i++) {
		struct vmastat_ring_header *h = ring_hdr(v, i);

		head[i] = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
		tail[i] = h->tail;
		/* more than a ring holds: the reader's own tail is wrong; start afresh */
		if (head[i] - tail[i] > v->ring.ring_entries)
			tail[i] = head[i];
		*drops += h->drops;
	}
	while (n < cap) {
		const struct vmastat_event *best = NULL;
		uint32_t bi = 0;

		for (i = 0; i < nr; i++) {
			const struct vmastat_event *e;

			if (tail[i] == head[i])
				continue;
			e = ring_ev(v, i, tail[i]);
			if (!best || e->time_ns < best->time_ns) {
				best = e;
				bi = i;
			}
		}
		if (!best)
			break;
		memset(&ev[n], 0, sizeof(ev[n]));
		memcpy(&ev[n], best, sz);
		n++;
		tail[bi]++;
	}
	for (i = 0; i < nr; i++)
		__atomic_store_n(&ring_hdr(v, i)->tail, tail[i], __ATOMIC_RELEASE);
	free(head);
	return n;
}

int vms_events(struct vms *v, pid_t pid, bool wait, struct vmastat_event *ev,
	       size_t cap, size_t *n, uint64_t *drops)
{
	struct vmastat_events_query q;
	int fd, r;

	*n = 0;
	fd = query_fd(v);
	if (fd < 0)
		return fd;
	if (!v->ring_ioctl && (v->ring_fd < 0 || v->ring_pid != pid)) {
		r = rings_open(v, fd, pid);
		/* another PID namespace, or a module without the mapping */
		if (r == -EOPNOTSUPP || r == -ENOTTY)
			v->ring_ioctl = true;
		else if (r == -EPROTO)
			return protocol_error(v, "events", "a mapping of the rings it cannot read");
		else if (r < 0)
			return explain_ioctl_error(v, r, pid, "events");
	}
	while (!v->ring_ioctl) {
		struct pollfd p = { .fd = v->ring_fd, .events = POLLIN };

		*n = rings_take(v, ev, cap, drops);
		if (*n || !cap)
			return 0;
		if (poll(&p, 1, wait ? -1 : 0) < 0) {
			if (errno == EINTR)
				return explain_ioctl_error(v, -EINTR, pid, "events");
			return explain_ioctl_error(v, -errno, pid, "events");
		}
		if (p.revents & POLLIN)
			continue;
		if (p.revents & POLLHUP) {
			/* untracked: what came before it was taken above */
			*n = rings_take(v, ev, cap, drops);
			return *n ? 0 : explain_ioctl_error(v, -ESRCH, pid, "events");
		}
		if (!wait)
			return 0;
	}
	memset(ev, 0, cap * sizeof(*ev));
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.flags = wait ? VMASTAT_EVENTS_WAIT : 0;
	q.pid = pid;
	q.event_size = sizeof(*ev);
	q.events = (__u64)(uintptr_t)ev;
	q.count = (__u32)cap;
	r = ioctl(fd, VMASTAT_IOC_EVENTS, &q) < 0 ? -errno : 0;
	if (r < 0)
		return explain_ioctl_error(v, r, pid, "events");
	if (q.count > cap)
		return protocol_error(v, "events", "more records than asked for");
	*n = q.count;
	*drops = q.drops;
	return 0;
}

int vms_status(struct vms *v, pid_t pid, struct vmastat_status *st)
{
	int fd, r;

	fd = query_fd(v);
	if (fd < 0)
		return fd;
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->flags = 0;
	st->pid = pid;
	r = xioctl(fd, VMASTAT_IOC_STATUS, st);
	if (r < 0)
		return explain_ioctl_error(v, r, pid, "status");
	st->comm[sizeof(st->comm) - 1] = '\0';
	return 0;
}

static const char *const kind_names[] = {
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
	[VMASTAT_KIND_UNMAPPED]		= "unmapped",
};
_Static_assert(ARRAY_SIZE(kind_names) == VMASTAT_KIND_MAX, "a kind without a name");

const char *vms_kind_name(uint32_t kind)
{
	if (kind < ARRAY_SIZE(kind_names) && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

void vms_perms(uint32_t flags, char out[5])
{
	out[0] = flags & VMASTAT_VMA_READ ? 'r' : '-';
	out[1] = flags & VMASTAT_VMA_WRITE ? 'w' : '-';
	out[2] = flags & VMASTAT_VMA_EXEC ? 'x' : '-';
	out[3] = flags & VMASTAT_VMA_SHARED ? 's' : 'p';
	out[4] = '\0';
}

const char *vms_flag_name(unsigned int bit, char *buf, size_t size)
{
	if (bit >= 32) {
		snprintf(buf, size, "bit%u", bit);
		return buf;
	}
	switch (1U << bit) {
	case VMASTAT_VMA_READ:
	case VMASTAT_VMA_WRITE:
	case VMASTAT_VMA_EXEC:
	case VMASTAT_VMA_SHARED:
	case VMASTAT_VMA_UNMAPPED:	/* said by "kind" and "unmapped" */
	case VMASTAT_VMA_FAULTS:	/* said by "faults" */
		return NULL;
	case VMASTAT_VMA_GROWSDOWN:	return "growsdown";
	case VMASTAT_VMA_LOCKED:	return "locked";
	case VMASTAT_VMA_HUGEPAGE:	return "hugepage";
	case VMASTAT_VMA_NOHUGEPAGE:	return "nohugepage";
	case VMASTAT_VMA_DELETED:	return "deleted";
	}
	snprintf(buf, size, "bit%u", bit);
	return buf;
}

static const char *const fault_kind_names[] = {
	[VMASTAT_FK_ANON]	= "anon",
	[VMASTAT_FK_FILE]	= "file",
	[VMASTAT_FK_SHMEM]	= "shmem",
	[VMASTAT_FK_OTHER]	= "other",
};
_Static_assert(ARRAY_SIZE(fault_kind_names) == VMASTAT_FK_MAX, "a fault kind without a name");

const char *vms_fault_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(fault_kind_names) ? fault_kind_names[kind] : "unknown";
}

const char *vms_fault_kinds(uint32_t mask, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int bit;

	if (size)
		buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		char name[16];
		int n;

		if (!(mask & (1U << bit)))
			continue;
		if (bit < VMASTAT_FK_MAX)
			snprintf(name, sizeof(name), "%s", fault_kind_names[bit]);
		else
			snprintf(name, sizeof(name), "bit%u", bit);
		n = snprintf(buf + len, size > len ? size - len : 0, "%s%s", len ? "," : "", name);
		if (n < 0 || (size_t)n >= (size > len ? size - len : 0))
			break;
		len += (size_t)n;
	}
	return buf;
}

const char *vms_access_name(uint32_t access)
{
	switch (access) {
	case VMASTAT_ACCESS_READ:	return "read";
	case VMASTAT_ACCESS_WRITE:	return "write";
	case VMASTAT_ACCESS_EXEC:	return "exec";
	}
	return "unknown";
}

const char *vms_outcome_name(uint32_t outcome)
{
	switch (outcome) {
	case VMASTAT_OUTCOME_MINOR:	return "minor";
	case VMASTAT_OUTCOME_MAJOR:	return "major";
	case VMASTAT_OUTCOME_RETRY:	return "retry";
	case VMASTAT_OUTCOME_SEGV:	return "segv";
	case VMASTAT_OUTCOME_SIGBUS:	return "sigbus";
	case VMASTAT_OUTCOME_OOM:	return "oom";
	}
	return "unknown";
}

const char *vms_event_flag_name(unsigned int bit, char *buf, size_t size)
{
	if (bit < 32) {
		switch (1U << bit) {
		case VMASTAT_EV_GUP:	return "gup";
		case VMASTAT_EV_REMOTE:	return "remote";
		case VMASTAT_EV_COW:	return "cow";
		case VMASTAT_EV_SWAPIN:	return "swapin";
		case VMASTAT_EV_THP:	return "thp";
		}
	}
	snprintf(buf, size, "bit%u", bit);
	return buf;
}

const char *vms_proc_flag_name(unsigned int bit, char *buf, size_t size)
{
	if (bit < 32) {
		switch (1U << bit) {
		case VMASTAT_PROC_EXITED:	return "exited";
		case VMASTAT_PROC_TRACKED:	return "tracked";
		case VMASTAT_PROC_CHILDREN:	return "children";
		}
	}
	snprintf(buf, size, "bit%u", bit);
	return buf;
}

#define CF(x) { #x, offsetof(struct vmastat_fault_counts, x) }
const struct vms_field vms_count_fields[] = {
	CF(minor), CF(major), CF(retry), CF(segv), CF(sigbus), CF(oom),
	CF(anon_minor), CF(anon_major), CF(file_minor), CF(file_major),
	CF(shmem_minor), CF(shmem_major), CF(other_minor), CF(other_major),
	CF(read), CF(write), CF(exec), CF(gup_minor), CF(gup_major), CF(remote),
	CF(cow), CF(swapin), CF(thp),
};
#undef CF
const size_t vms_nr_count_fields = ARRAY_SIZE(vms_count_fields);
/* every __u64 of the struct but pad */
_Static_assert(ARRAY_SIZE(vms_count_fields) + 1 ==
	       sizeof(struct vmastat_fault_counts) / sizeof(__u64), "a count without a name");

#define VF(x) { #x, offsetof(struct vmastat_vma_faults, x) }
const struct vms_field vms_vma_fault_fields[] = {
	VF(minor), VF(major), VF(read), VF(write), VF(exec), VF(gup), VF(cow),
	VF(swapin), VF(thp), VF(retry), VF(segv), VF(sigbus), VF(oom),
};
#undef VF
const size_t vms_nr_vma_fault_fields = ARRAY_SIZE(vms_vma_fault_fields);
_Static_assert(ARRAY_SIZE(vms_vma_fault_fields) ==
	       offsetof(struct vmastat_vma_faults, kinds) / sizeof(__u64), "a fault without a name");

uint64_t vms_count(const struct vmastat_fault_counts *c, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)c + off, sizeof(v));
	return v;
}

uint64_t vms_vma_fault(const struct vmastat_vma_faults *f, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)f + off, sizeof(v));
	return v;
}
