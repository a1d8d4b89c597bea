// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: hostile input, reproducibly.
 *
 * Every ioctl (and unknown command numbers) and every file of the module
 * is fed random arguments built from a fixed seed: struct sizes below,
 * at and above what the module knows (zero and non-zero tails, more than a
 * page), unknown flags, every PID class (live, tracked or not, zombie,
 * reaped, kernel thread, never used, negative), record sizes and counts,
 * and pointers that are NULL, unmapped, PROT_NONE, read-only, running into
 * a guard page, or in the kernel half (0xffff888000000000).  A model of
 * the documented rules (uapi/linux/vmastat.h, admin-guide.rst) gives the
 * errno each input must get; results are compared, and on success the
 * answer is checked (nothing written past the caller's size, records as
 * /proc has them).  Text files get random writes (lengths 0..1 MiB, bytes,
 * PIDs with signs, spaces, NULs), reads of random sizes into good and bad
 * buffers, seeks, pread/pwrite and poll.  Afterwards the state must still
 * be consistent: the sentinel process is still tracked and reads the same
 * through every interface, the counts of a fresh child still equal /proc's,
 * and the kernel log holds nothing.
 *
 * Environment: VMASTAT_FUZZ_SEED (default 20251123), VMASTAT_FUZZ_SECONDS
 * (default 20), VMASTAT_FUZZ_COUNT (inputs; overrides the time limit, for
 * reproducing a run exactly), VMASTAT_FUZZ_VERBOSE=1 (log every input).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "vmastat_hard_util.h"

#define PS		4096UL
#define MAX_VMAS	512
#define TASK_MAX	0x7ffffffff000ULL	/* TASK_SIZE_MAX, 4-level paging */

static uint64_t seed0 = 20251123, rs;

static uint64_t env_seed(void)
{
	const char *v = getenv("VMASTAT_FUZZ_SEED");

	return v && *v ? strtoull(v, NULL, 0) : seed0;
}
static bool verbose;
static int qfd = -1;

/* ---- mismatches ----------------------------------------------------------- */

static unsigned long n_inputs, n_bad;

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	n_bad++;
	if (n_bad > 40)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# input %lu: %s\n", n_inputs, line);
}

static const char *en(int e)
{
	static char buf[4][32];
	static int i;

	if (!e)
		return "success";
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s", strerrorname_np(e) ?: "?");
	return buf[i];
}

/* expected: a set of errnos (0: success), as a bit mask over errnos < 64 */
typedef uint64_t eset;
/* errnos below 63 by their number, EOPNOTSUPP (95) as bit 63 */
#define EBIT(e)		((e) == EOPNOTSUPP ? 63 : (e))
#define E(e)		(1ULL << EBIT(e))
#define OK		E(0)

static bool eset_has(eset s, int e)
{
	return e >= 0 && (e < 63 || e == EOPNOTSUPP) && (s & E(e));
}

static char *eset_str(eset s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int b = 0; b < 64; b++)
		if (s & (1ULL << b))
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "|" : "", en(b == 63 ? EOPNOTSUPP : b));
	return buf;
}

/* ---- processes ------------------------------------------------------------ */

enum pclass { PC_LIVE, PC_KTHREAD, PC_ZOMBIE, PC_REAPED, PC_GONE, PC_INVALID };

struct target {
	pid_t pid;
	enum pclass cls;
	bool stopped;		/* mappings known and stable */
	bool tracked;
	unsigned int gen;	/* untrackings so far */
	int nr;			/* mappings */
	unsigned long long start[MAX_VMAS], end[MAX_VMAS];
	unsigned int namelen[MAX_VMAS];
};

enum { T_SENTINEL, T_CHILD, T_SELF, T_INIT, T_KTHREAD, T_ZOMBIE, T_REAPED,
       T_GONE, T_MAX_INT, T_NR };
static struct target tg[T_NR];
static const char * const tg_names[T_NR] = {
	"sentinel", "child", "self", "init", "kthreadd", "zombie", "reaped",
	"beyond-pid_max", "INT_MAX",
};
static unsigned int max_tracked = 8, nslots = 4096;
static char long_name[256];

static int build_target(void *arg)
{
	int fd = open(long_name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (mmap(NULL, PS, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED)
		return 1;
	close(fd);
	for (int i = 0; i < 8; i++) {
		char *p = mmap(NULL, PS * (1 + i % 3),
			       i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		if (!(i % 2))
			p[0] = 1;
	}
	return 0;
}

/* The mappings of a stopped process, as the module lists them. */
static int load_maps(struct target *t)
{
	char path[64], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	t->nr = 0;
	while (fgets(line, sizeof(line), f) && t->nr < MAX_VMAS) {
		char *name = line;
		int field;

		if (strstr(line, "[vsyscall]"))
			continue;
		line[strcspn(line, "\n")] = '\0';
		t->start[t->nr] = strtoull(line, NULL, 16);
		t->end[t->nr] = strtoull(strchr(line, '-') + 1, NULL, 16);
		for (field = 0; field < 5 && name; field++) {
			name = strchr(name, ' ');
			if (name)
				while (*name == ' ')
					name++;
		}
		t->namelen[t->nr] = name ? strlen(name) : 0;
		t->nr++;
	}
	fclose(f);
	return 0;
}

static int nr_tracked_model(void)
{
	int n = 0;

	for (int i = 0; i < T_NR; i++)
		n += tg[i].tracked;
	return n;
}

/* ---- pointers --------------------------------------------------------------- */

struct ptr {
	uint64_t addr;
	size_t rd;		/* readable bytes from addr */
	size_t wr;		/* writable bytes from addr */
	bool kernel;		/* fails access_ok() */
	const char *what;
};

static char *big;		/* 1 MiB rw, then a guard page */
#define BIG	(1UL << 20)
static char *rw_edge;		/* a rw page followed by a guard page */
static char *ro_page, *none_page, *unmapped;

enum { PK_GOOD, PK_EDGE, PK_RO, PK_NONE, PK_NULL, PK_UNMAPPED, PK_KERNEL,
       PK_NONCANON, PK_NR };

/* A buffer of @want bytes, or a bad one. @good_pct: chance of PK_GOOD. */
static struct ptr pick_ptr(size_t want, unsigned int good_pct)
{
	int k = hu_chance(&rs, good_pct) ? PK_GOOD : hu_below(&rs, PK_NR);
	struct ptr p = { 0 };

	switch (k) {
	case PK_GOOD:
		if (want > BIG)
			want = BIG;
		p.addr = (uintptr_t)big + BIG - want - hu_below(&rs, 2) * 8;
		if (p.addr < (uintptr_t)big)
			p.addr = (uintptr_t)big;
		p.rd = p.wr = (uintptr_t)big + BIG - p.addr;
		p.what = "good";
		break;
	case PK_EDGE: {
		size_t room = hu_below(&rs, PS + 1);

		p.addr = (uintptr_t)rw_edge + PS - room;
		p.rd = p.wr = room;
		p.what = "edge";
		break;
	}
	case PK_RO:
		p.addr = (uintptr_t)ro_page;
		p.rd = PS;
		p.what = "read-only";
		break;
	case PK_NONE:
		p.addr = (uintptr_t)none_page;
		p.what = "PROT_NONE";
		break;
	case PK_NULL:
		p.addr = hu_chance(&rs, 50) ? 0 : 16;
		p.what = "NULL";
		break;
	case PK_UNMAPPED:
		p.addr = (uintptr_t)unmapped;
		p.what = "unmapped";
		break;
	case PK_KERNEL:
		p.addr = hu_chance(&rs, 50) ? HU_KERNEL_PTR : -4096ULL;
		p.kernel = true;
		p.what = "kernel";
		break;
	default:
		p.addr = 0x0000800000000000ULL;
		p.kernel = true;
		p.what = "non-canonical";
		break;
	}
	return p;
}

/* ---- PIDs --------------------------------------------------------------------- */

static int pick_target_idx(void)
{
	return hu_below(&rs, T_NR);
}

/* ---- ioctl arguments ------------------------------------------------------------ */

/*
 * Where the argument struct goes: its first @usize bytes are what the
 * caller passes; the buffer after them is a canary (slack) or the guard.
 */
enum { AP_TIGHT, AP_SLACK, AP_RO, AP_STRADDLE, AP_NULL, AP_UNMAPPED,
       AP_KERNEL, AP_NONCANON, AP_NR };
static const char * const ap_names[AP_NR] = {
	"tight", "slack", "read-only", "straddling the guard", "NULL",
	"unmapped", "kernel", "non-canonical",
};

static char *argarea;		/* 3 rw pages, then a guard page */
#define ARGAREA	(3 * PS)
#define CANARY	64

struct argp {
	int kind;
	char *p;		/* where the struct is (for good kinds) */
	size_t room;		/* usize bytes are at p (good kinds) */
};

static void place_arg(struct argp *a, const void *src, size_t usize)
{
	size_t n = usize < ARGAREA - CANARY ? usize : ARGAREA - CANARY;

	if (n < 8)
		n = 8;		/* the size field itself is always there */
	switch (a->kind) {
	case AP_TIGHT:
		a->p = argarea + ARGAREA - n;
		memcpy(a->p, src, n);
		break;
	case AP_SLACK:
		a->p = argarea + ARGAREA - n - CANARY;
		memcpy(a->p, src, n);
		memset(a->p + n, 0xa5, CANARY);
		break;
	case AP_RO:
		mprotect(ro_page, PS, PROT_READ | PROT_WRITE);
		memset(ro_page, 0, PS);
		a->p = ro_page;
		memcpy(a->p, src, n < PS ? n : PS);
		mprotect(ro_page, PS, PROT_READ);
		break;
	case AP_STRADDLE:
		a->p = argarea + ARGAREA - 8;
		memcpy(a->p, src, 8);
		break;
	case AP_NULL:
		a->p = NULL;
		break;
	case AP_UNMAPPED:
		a->p = unmapped;
		break;
	case AP_KERNEL:
		a->p = (char *)HU_KERNEL_PTR;
		break;
	default:
		a->p = (char *)0x0000800000000000ULL;
		break;
	}
}

/*
 * The common part of every command's copy-in (vmastat_copy_arg()).  Returns
 * a final errno (>= 0: decided) or -1 when the command's own checks decide.
 */
static int copy_in_result(const struct argp *a, uint64_t usize, size_t ksize,
			  size_t ver0, bool tail_nonzero)
{
	if (a->kind >= AP_NULL)
		return EFAULT;		/* get_user(size) */
	if (usize < ver0)
		return EINVAL;
	if (usize > PS)
		return E2BIG;
	if (a->kind == AP_STRADDLE)
		return EFAULT;		/* the rest is in the guard page */
	if (usize > ksize && tail_nonzero)
		return E2BIG;
	return -1;
}

/* A size for an argument struct: mostly right, often not. */
static uint64_t pick_size(size_t ksize, size_t ver0, bool *tail_nonzero)
{
	static const uint64_t odd[] = {
		0, 1, 7, 8, 4096, 4097, 8192, 1ULL << 32, 1ULL << 63, ~0ULL,
	};
	uint64_t s;

	*tail_nonzero = false;
	switch (hu_below(&rs, 10)) {
	case 0:
		s = ver0 - 1 - hu_below(&rs, ver0 < 16 ? ver0 : 16);
		break;
	case 1:
		s = odd[hu_below(&rs, sizeof(odd) / sizeof(odd[0]))];
		break;
	case 2:
		s = ksize + 1 + hu_below(&rs, PS - ksize);
		*tail_nonzero = hu_chance(&rs, 50);
		break;
	case 3:
		s = ver0 + hu_below(&rs, ksize - ver0 + 1);
		break;
	default:
		s = ksize;
	}
	return s;
}

/* Build the caller's bytes: the struct, then a tail (zero, or one byte set). */
static char srcbuf[2 * PS];

static void build_src(const void *k, size_t ksize, uint64_t usize,
		      bool tail_nonzero)
{
	size_t n = usize < sizeof(srcbuf) ? usize : sizeof(srcbuf);

	memset(srcbuf, 0, sizeof(srcbuf));
	memcpy(srcbuf, k, ksize < n ? ksize : n);
	if (n < 8) {
		memcpy(srcbuf, &usize, 8);
	} else {
		memcpy(srcbuf, &usize, 8);
	}
	if (tail_nonzero && usize > ksize && ksize < sizeof(srcbuf)) {
		size_t off = ksize + hu_below(&rs, n - ksize);

		srcbuf[off] = 1 + hu_below(&rs, 255);
	}
}

static bool bytes_are(const void *p, int c, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

/* The struct as the module wrote it back (good placements). */
static void *arg_result(const struct argp *a)
{
	return a->p;
}

/* ---- expected results per command ------------------------------------------------ */

/* What selecting a target (vmastat_target_select) gives. */
static int select_result(const struct target *t)
{
	switch (t->cls) {
	case PC_LIVE: return 0;
	case PC_KTHREAD: return EOPNOTSUPP;
	case PC_INVALID: return EINVAL;
	default: return ESRCH;
	}
}

/* vmastat_tracked_get(): events, hist, maps with faults. */
static eset tracked_get_result(const struct target *t)
{
	if (t->tracked)
		return OK;
	switch (t->cls) {
	case PC_LIVE: case PC_KTHREAD: case PC_ZOMBIE: return E(ENODATA);
	case PC_REAPED: return E(ENODATA) | E(ESRCH);
	default: return E(ESRCH);
	}
}

static eset track_result(const struct target *t, bool *tracks)
{
	*tracks = false;
	switch (t->cls) {
	case PC_KTHREAD: return E(EOPNOTSUPP);
	case PC_ZOMBIE: return E(ENOSPC) | E(ESRCH);
	case PC_LIVE:
		if (t->tracked)
			return E(EBUSY);
		if (nr_tracked_model() >= (int)max_tracked)
			return E(ENOSPC);
		*tracks = true;
		return OK;
	default: return E(ESRCH);
	}
}

static eset untrack_result(const struct target *t)
{
	if (t->tracked)
		return OK;
	switch (t->cls) {
	case PC_LIVE: case PC_KTHREAD: case PC_ZOMBIE: return E(ENODATA);
	case PC_REAPED: return E(ENODATA) | E(ESRCH);
	default: return E(ESRCH);
	}
}

static eset reset_result(const struct target *t)
{
	switch (t->cls) {
	case PC_LIVE: case PC_ZOMBIE: return OK;
	case PC_REAPED: return OK | E(ESRCH);
	default: return E(ESRCH);
	}
}

/* ---- one ioctl input ------------------------------------------------------------ */

static unsigned long cmd_inputs[10], cmd_bad[10];
static const char * const cmd_names[10] = {
	"MAPS", "STATUS", "SUMMARY", "PROCS", "TRACK", "UNTRACK", "RESET",
	"HIST", "EVENTS", "unknown",
};

static void alarm_handler(int sig)
{
}

static void arm_timer(int ms)
{
	struct itimerval it = { .it_value = { 0, ms * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_timer(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* Simulate VMASTAT_IOC_MAPS on a stopped target (no unmapped ranges). */
static int maps_model(const struct target *t, const struct vmastat_maps_query *q,
		      const struct ptr *vp, const struct ptr *np,
		      uint32_t *count, uint32_t *used, uint64_t *next)
{
	int i0 = 0, i;
	uint32_t c = 0, u = 0;
	bool names = q->names != 0;

	while (i0 < t->nr && t->end[i0] <= q->start)
		i0++;
	if (!q->vma_count) {
		*count = 0;
		*used = 0;
		*next = q->start;
		return 0;
	}
	for (i = i0; i < t->nr && c < q->vma_count; i++) {
		unsigned int len = names ? t->namelen[i] : 0;

		if (len && len + 1 > q->names_size - u) {
			if (!c)
				return ENAMETOOLONG;
			break;
		}
		c++;
		u += len ? len + 1 : 0;
	}
	if (c && (vp->kernel || vp->wr < (uint64_t)c * q->vma_size))
		return EFAULT;
	if (u && (np->kernel || np->wr < u))
		return EFAULT;
	*count = c;
	*used = u;
	*next = i >= t->nr ? VMASTAT_MAPS_END : t->end[i0 + c - 1];
	return 0;
}

static void fuzz_ioctl(void)
{
	static const size_t ksz[9] = {
		sizeof(struct vmastat_maps_query), sizeof(struct vmastat_status),
		sizeof(struct vmastat_summary), sizeof(struct vmastat_procs_query),
		sizeof(struct vmastat_track), sizeof(struct vmastat_track),
		sizeof(struct vmastat_track), sizeof(struct vmastat_hist_query),
		sizeof(struct vmastat_events_query),
	};
	static const size_t v0[9] = {
		VMASTAT_MAPS_QUERY_SIZE_VER0, VMASTAT_STATUS_SIZE_VER0,
		VMASTAT_SUMMARY_SIZE_VER0, VMASTAT_PROCS_QUERY_SIZE_VER0,
		VMASTAT_TRACK_SIZE_VER0, VMASTAT_TRACK_SIZE_VER0,
		VMASTAT_TRACK_SIZE_VER0, VMASTAT_HIST_QUERY_SIZE_VER0,
		VMASTAT_EVENTS_QUERY_SIZE_VER0,
	};
	static const unsigned long cmds[9] = {
		VMASTAT_IOC_MAPS, VMASTAT_IOC_STATUS, VMASTAT_IOC_SUMMARY,
		VMASTAT_IOC_PROCS, VMASTAT_IOC_TRACK, VMASTAT_IOC_UNTRACK,
		VMASTAT_IOC_RESET, VMASTAT_IOC_HIST, VMASTAT_IOC_EVENTS,
	};
	static union {
		struct vmastat_maps_query m;
		struct vmastat_status s;
		struct vmastat_summary sum;
		struct vmastat_procs_query p;
		struct vmastat_track t;
		struct vmastat_hist_query h;
		struct vmastat_events_query e;
		char raw[4096];
	} k;
	int c = hu_below(&rs, 10);
	struct argp a = { .kind = hu_chance(&rs, 70) ? (hu_chance(&rs, 50) ? AP_TIGHT : AP_SLACK) :
			  hu_below(&rs, AP_NR) };
	int ti = pick_target_idx();
	struct target *t = &tg[ti];
	struct ptr vp = { 0 }, np = { 0 };
	eset want = 0;
	bool tail_nonzero = false, tracks = false, untracks = false;
	bool check_model_maps = false, may_block = false;
	uint64_t usize;
	uint32_t m_count = 0, m_used = 0;
	uint64_t m_next = 0;
	int decided, got;
	char b1[128], b2[64];
	unsigned long cmd;

	cmd_inputs[c]++;
	if (c == 9) {
		/* unknown commands: none of them reaches anything */
		do {
			if (hu_chance(&rs, 60)) {
				cmd = _IOC(hu_below(&rs, 4), VMASTAT_IOC_MAGIC,
					   hu_below(&rs, 256), hu_below(&rs, 1 << 14));
			} else {
				cmd = (uint32_t)hu_rand(&rs);
			}
		} while (({
			unsigned int type = _IOC_TYPE(cmd);
			bool known = false;

			for (int i = 0; i < 9; i++)
				known |= cmd == cmds[i];
			/* the VFS handles some commands of any file itself */
			known || type == 0 || type == 'T' || type == 'f' ||
			type == 'X' || type == 0x94 || type == 0x15;
		}));
		memset(k.raw, 0, sizeof(k.raw));
		k.m.size = sizeof(k.m);
		place_arg(&a, &k, sizeof(k.m));
		got = hu_ioctl(qfd, cmd, a.p);
		if (got != -ENOTTY) {
			cmd_bad[c]++;
			mismatch("ioctl %#lx (unknown): %s, expected ENOTTY", cmd, en(-got));
		}
		return;
	}

	memset(k.raw, 0, sizeof(k.raw));
	/* valid-looking contents, then mutations */
	switch (c) {
	case 0: {
		size_t vs = hu_chance(&rs, 70) ? sizeof(struct vmastat_vma) :
			    hu_chance(&rs, 50) ? VMASTAT_VMA_SIZE_VER0 :
			    hu_below(&rs, 2 * PS);
		uint32_t cnt = hu_chance(&rs, 80) ? hu_below(&rs, 70) :
			       (uint32_t)hu_rand(&rs);
		size_t need = (size_t)(cnt < 4096 ? cnt : 4096) * (vs ?: 1);

		vp = pick_ptr(need, 75);
		k.m.vmas = vp.addr;
		k.m.vma_count = cnt;
		k.m.vma_size = vs;
		k.m.pid = t->pid;
		if (hu_chance(&rs, 20)) {
			k.m.names = 0;
			k.m.names_size = hu_rand(&rs);
		} else {
			uint32_t ns = hu_chance(&rs, 60) ? 65536 :
				      hu_chance(&rs, 50) ? hu_below(&rs, 300) :
				      (uint32_t)hu_rand(&rs);

			np = pick_ptr(ns, 75);
			k.m.names = np.addr;
			k.m.names_size = ns;
			if (!k.m.names) {
				/* "no names": any names_size goes */
				np = (struct ptr){ 0 };
			}
		}
		k.m.flags = hu_chance(&rs, 70) ? 0 :
			    hu_chance(&rs, 50) ? hu_below(&rs, 4) :
			    1ULL << hu_below(&rs, 64);
		k.m.start = hu_chance(&rs, 60) ? 0 :
			    hu_chance(&rs, 50) && t->nr ?
			    t->start[hu_below(&rs, t->nr)] + hu_below(&rs, 3) * PS :
			    hu_rand(&rs);
		k.m.next = hu_rand(&rs);	/* out only */
		break;
	}
	case 1:
		k.s.pid = t->pid;
		k.s.flags = hu_chance(&rs, 85) ? 0 : 1ULL << hu_below(&rs, 64);
		break;
	case 2:
		k.sum.flags = hu_chance(&rs, 85) ? 0 : 1ULL << hu_below(&rs, 64);
		break;
	case 3: {
		uint32_t cnt = hu_chance(&rs, 80) ? hu_below(&rs, 40) :
			       (uint32_t)hu_rand(&rs);
		uint32_t psz = hu_chance(&rs, 70) ? sizeof(struct vmastat_proc) :
			       hu_below(&rs, 2 * PS);

		vp = pick_ptr((size_t)(cnt < 256 ? cnt : 256) * psz, 75);
		k.p.procs = vp.addr;
		k.p.count = cnt;
		k.p.proc_size = psz;
		k.p.pid = hu_chance(&rs, 30) ? 0 : t->pid;
		k.p.flags = hu_chance(&rs, 60) ? 0 : hu_chance(&rs, 60) ?
			    VMASTAT_PROCS_LIVE : 1ULL << hu_below(&rs, 64);
		k.p.pad = hu_chance(&rs, 90) ? 0 : hu_rand(&rs);
		k.p.start = hu_chance(&rs, 70) ? 0 : hu_chance(&rs, 50) ?
			    hu_below(&rs, 2 * nslots) :
			    hu_chance(&rs, 30) ? VMASTAT_MAPS_END : hu_rand(&rs);
		break;
	}
	case 4: case 5: case 6:
		k.t.pid = t->pid;
		k.t.flags = hu_chance(&rs, 70) ? 0 : hu_chance(&rs, 50) ?
			    VMASTAT_TRACK_CHILDREN : 1ULL << hu_below(&rs, 64);
		k.t.granule_shift = hu_chance(&rs, 70) ? 0 : hu_below(&rs, 40);
		break;
	case 7:
		k.h.pid = t->pid;
		k.h.flags = hu_chance(&rs, 85) ? 0 : 1ULL << hu_below(&rs, 64);
		k.h.nr_buckets = hu_rand(&rs);
		k.h.hist[0][0][0] = hu_rand(&rs);
		break;
	case 8: {
		uint32_t cnt = hu_chance(&rs, 80) ? hu_below(&rs, 300) :
			       (uint32_t)hu_rand(&rs);
		uint32_t esz = hu_chance(&rs, 70) ? sizeof(struct vmastat_event) :
			       hu_below(&rs, 2 * PS);

		vp = pick_ptr((size_t)(cnt < 512 ? cnt : 512) * esz, 75);
		k.e.pid = t->pid;
		k.e.events = vp.addr;
		k.e.count = cnt;
		k.e.event_size = esz;
		k.e.flags = hu_chance(&rs, 60) ? 0 : hu_chance(&rs, 60) ?
			    VMASTAT_EVENTS_WAIT : 1ULL << hu_below(&rs, 64);
		k.e.pad = hu_chance(&rs, 90) ? 0 : hu_rand(&rs);
		break;
	}
	}
	/* a negative or zero PID now and then */
	if (hu_chance(&rs, 5)) {
		pid_t bad = hu_chance(&rs, 50) ? 0 : -(pid_t)hu_below(&rs, 1u << 31) - 1;

		switch (c) {
		case 0: k.m.pid = bad; break;
		case 1: k.s.pid = bad; break;
		case 3: k.p.pid = bad; break;
		case 4: k.t.pid = bad; break;
		case 7: k.h.pid = bad; break;
		case 8: k.e.pid = bad; break;
		}
	}
	/* never untrack or reset everything here: that is tested on its own */
	if ((c == 5 || c == 6) && k.t.pid == 0)
		k.t.pid = tg[T_CHILD].pid;
	/* the sentinel stays tracked */
	if (c == 5 && k.t.pid == tg[T_SENTINEL].pid)
		k.t.pid = tg[T_CHILD].pid;
	/* children only for the child, which never forks */
	if (c == 4 && (k.t.flags & VMASTAT_TRACK_CHILDREN) && k.t.pid > 0) {
		k.t.pid = tg[T_CHILD].pid;
	}

	/* re-derive the target from the PID finally used */
	{
		pid_t pid = c == 0 ? k.m.pid : c == 1 ? k.s.pid : c == 3 ? k.p.pid :
			    c >= 4 && c <= 6 ? k.t.pid : c == 7 ? k.h.pid :
			    c == 8 ? k.e.pid : 0;
		static struct target invalid = { .cls = PC_INVALID };

		t = NULL;
		for (int i = 0; i < T_NR; i++)
			if (tg[i].pid == pid)
				t = &tg[i];
		if (!t) {
			invalid.pid = pid;
			t = &invalid;
		}
	}

	usize = pick_size(ksz[c], v0[c], &tail_nonzero);
	build_src(&k, ksz[c], usize, tail_nonzero);
	place_arg(&a, srcbuf, usize);

	decided = copy_in_result(&a, usize, ksz[c], v0[c], tail_nonzero);
	if (decided >= 0) {
		want = E(decided);
		goto call;
	}
	/* the command's own checks, then what it does */
	switch (c) {
	case 0: {
		struct vmastat_maps_query *q = &k.m;

		if ((q->flags & ~VMASTAT_MAPS_FLAGS_ALL) ||
		    ((q->flags & VMASTAT_MAPS_UNMAPPED) && !(q->flags & VMASTAT_MAPS_FAULTS)) ||
		    /* fault counts need records that have room for them */
		    ((q->flags & VMASTAT_MAPS_FAULTS) && q->vma_size < VMASTAT_VMA_SIZE_VER1) ||
		    q->pid <= 0 || q->vma_size < VMASTAT_VMA_SIZE_VER0 || q->vma_size > PS) {
			want = E(EINVAL);
			break;
		}
		if (select_result(t)) {
			want = E(select_result(t));
			break;
		}
		if ((q->flags & VMASTAT_MAPS_FAULTS) && !t->tracked) {
			want = tracked_get_result(t);
			break;
		}
		if (!q->names)
			q->names_size = 0;
		if (t->stopped && !(q->flags & VMASTAT_MAPS_UNMAPPED)) {
			int r = maps_model(t, q, &vp, &np, &m_count, &m_used, &m_next);

			want = E(r);
			check_model_maps = !r;
		} else {
			want = OK | E(EFAULT) | E(ENAMETOOLONG);
		}
		if (a.kind == AP_RO)
			want = (want & ~OK) | (want & OK ? E(EFAULT) : 0);
		break;
	}
	case 1:
		if (k.s.flags) {
			want = E(EINVAL);
			break;
		}
		want = E(select_result(t));
		if (want == OK && a.kind == AP_RO)
			want = E(EFAULT);
		break;
	case 2:
		want = k.sum.flags ? E(EINVAL) : a.kind == AP_RO ? E(EFAULT) : OK;
		break;
	case 3: {
		struct vmastat_procs_query *q = &k.p;

		if ((q->flags & ~VMASTAT_PROCS_FLAGS_ALL) || q->pad || q->pid < 0 ||
		    q->proc_size < VMASTAT_PROC_SIZE_VER0 || q->proc_size > PS) {
			want = E(EINVAL);
			break;
		}
		if (q->pid) {
			bool live = q->flags & VMASTAT_PROCS_LIVE;

			if (q->start == VMASTAT_MAPS_END) {
				want = OK;
			} else {
				switch (t->cls) {
				case PC_LIVE: want = OK; break;
				case PC_KTHREAD: want = E(EOPNOTSUPP); break;
				case PC_ZOMBIE: want = live ? E(ESRCH) : OK; break;
				case PC_REAPED: want = E(ESRCH) | (live ? 0 : OK); break;
				default: want = E(ESRCH);
				}
				if ((want & OK) && q->count &&
				    (vp.kernel || vp.wr < q->proc_size))
					want = (want & ~OK) | E(EFAULT);
			}
		} else if (q->start >= UINT32_MAX || q->start >= nslots || !q->count) {
			want = OK;
		} else if (!vp.kernel &&
			   vp.wr >= (uint64_t)q->count * q->proc_size) {
			want = OK;
		} else {
			want = q->start ? OK | E(EFAULT) : E(EFAULT);
			if (!vp.kernel && vp.wr >= q->proc_size)
				want |= OK;	/* may fit what there is */
		}
		if ((want & OK) && a.kind == AP_RO)
			want = (want & ~OK) | E(EFAULT);
		break;
	}
	case 4: case 5: case 6: {
		struct vmastat_track *tr = &k.t;

		if (tr->pid < 0) {
			want = E(EINVAL);
			break;
		}
		if (c == 4) {
			if ((tr->flags & ~VMASTAT_TRACK_FLAGS_ALL) || !tr->pid ||
			    (tr->granule_shift && (tr->granule_shift < 12 ||
						   tr->granule_shift > 21))) {
				want = E(EINVAL);
				break;
			}
			want = track_result(t, &tracks);
		} else {
			if (tr->flags || tr->granule_shift) {
				want = E(EINVAL);
				break;
			}
			if (c == 5) {
				want = untrack_result(t);
				untracks = t->tracked;
			} else {
				want = tr->pid ? reset_result(t) : OK;
			}
		}
		break;
	}
	case 7:
		if (k.h.flags || k.h.pid <= 0) {
			want = E(EINVAL);
			break;
		}
		want = tracked_get_result(t);
		if (want == OK && a.kind == AP_RO)
			want = E(EFAULT);
		break;
	case 8: {
		struct vmastat_events_query *q = &k.e;
		bool quiet = t->stopped;	/* no events: stopped, drained */

		if ((q->flags & ~VMASTAT_EVENTS_FLAGS_ALL) || q->pad || q->pid <= 0 ||
		    q->event_size < VMASTAT_EVENT_SIZE_VER0 || q->event_size > PS) {
			want = E(EINVAL);
			break;
		}
		want = tracked_get_result(t);
		if (want != OK)
			break;
		if (q->count && (q->flags & VMASTAT_EVENTS_WAIT)) {
			may_block = true;
			want = quiet ? E(EINTR) : OK | E(EINTR) | E(EFAULT);
		} else if (!quiet && q->count) {
			want = OK | E(EFAULT);
		}
		if ((want & OK) && a.kind == AP_RO)
			want = (want & ~OK) | E(EFAULT);
		break;
	}
	}

call:
	if (may_block)
		arm_timer(20);
	got = -hu_ioctl(qfd, cmds[c], a.p);
	if (may_block)
		disarm_timer();
	if (verbose)
		printf("# %lu: %s size %llu arg %s pid %s: %s (want %s)\n", n_inputs,
		       cmd_names[c], (unsigned long long)usize, ap_names[a.kind],
		       tg_names[t - tg] ? tg_names[t - tg] : "?", en(got),
		       eset_str(want, b1, sizeof(b1)));
	if (!eset_has(want, got)) {
		cmd_bad[c]++;
		mismatch("%s%s: size %llu (module knows %zu), arg %s, target %s (pid %d)%s%s: %s, expected %s",
			 cmd_names[c], c == 0 ? ({ static char d[96];
				snprintf(d, sizeof(d), " (flags %#llx vma_size %u count %u names %#llx/%u)",
					 (unsigned long long)k.m.flags, k.m.vma_size,
					 k.m.vma_count, (unsigned long long)k.m.names,
					 k.m.names_size); d; }) : "",
			 (unsigned long long)usize, ksz[c],
			 ap_names[a.kind], t->cls == PC_INVALID ? "invalid" : tg_names[t - tg],
			 t->pid, vp.what ? ", buffer " : "", vp.what ?: "",
			 en(got), eset_str(want, b1, sizeof(b1)));
		(void)b2;
	}
	/* the model's tracking state follows what really happened */
	if (c == 4 && !got && t->cls != PC_INVALID)
		t->tracked = true;
	if (c == 5 && !got && t->cls != PC_INVALID) {
		t->tracked = false;
		t->gen++;
	}
	(void)tracks;
	(void)untracks;

	/* the answer */
	if (!got && (a.kind == AP_TIGHT || a.kind == AP_SLACK)) {
		char *res = arg_result(&a);
		size_t out = usize < ksz[c] ? usize : ksz[c];

		if (a.kind == AP_SLACK && usize < ARGAREA - CANARY &&
		    !bytes_are(res + usize, 0xa5, CANARY))
			mismatch("%s: written past the caller's %llu bytes",
				 cmd_names[c], (unsigned long long)usize);
		if (usize > ksz[c] && usize <= ARGAREA - CANARY &&
		    !bytes_are(res + ksz[c], 0, usize - ksz[c]))
			mismatch("%s: the caller's tail is not zero any more",
				 cmd_names[c]);
		if (c == 0 && check_model_maps && out >= VMASTAT_MAPS_QUERY_SIZE_VER0) {
			struct vmastat_maps_query *q = (void *)res;

			if (q->vma_count != m_count || q->names_size != m_used ||
			    q->next != m_next)
				mismatch("MAPS of %s from %#llx: %u records, %u name bytes, next %#llx; expected %u, %u, %#llx",
					 tg_names[t - tg], (unsigned long long)k.m.start,
					 q->vma_count, q->names_size,
					 (unsigned long long)q->next, m_count, m_used,
					 (unsigned long long)m_next);
			else if (m_count && vp.addr) {
				const struct vmastat_vma *r0 = (void *)(uintptr_t)vp.addr;
				int i0 = 0;

				while (i0 < t->nr && t->end[i0] <= k.m.start)
					i0++;
				if (r0->start != t->start[i0] || r0->end != t->end[i0])
					mismatch("MAPS: first record %#llx-%#llx, /proc %#llx-%#llx",
						 (unsigned long long)r0->start,
						 (unsigned long long)r0->end,
						 t->start[i0], t->end[i0]);
			}
		}
		if (c == 1 && t->stopped && out >= VMASTAT_STATUS_SIZE_VER0) {
			struct vmastat_status *s = (void *)res;

			if ((int)s->nr_vmas != t->nr)
				mismatch("STATUS of %s: %u mappings, /proc has %d",
					 tg_names[t - tg], s->nr_vmas, t->nr);
		}
		if (c == 7 && out >= 24) {
			struct vmastat_hist_query *h = (void *)res;

			if (h->nr_buckets != VMASTAT_HIST_BUCKETS)
				mismatch("HIST: nr_buckets %u", h->nr_buckets);
		}
	}
}

/* ---- text files ---------------------------------------------------------------- */

enum tf { TF_MAPS, TF_STATUS, TF_EVENTS, TF_HIST, TF_TRACK, TF_RESET,
	  TF_FAULTS, TF_SUMMARY, TF_VERSION, TF_NR };
static const char * const tf_names[TF_NR] = {
	"maps", "status", "events", "hist", "track", "reset", "faults",
	"summary", "version",
};

struct tfile {
	int fd;
	bool selected;		/* a target is selected (maps/status/events/hist) */
	bool pos_unknown;	/* after a seek: reads may give anything sane */
	struct target *t;
	unsigned int gen;	/* t->gen when it was selected */
	bool rdonly;
};
static struct tfile tfs[TF_NR];
static unsigned long tf_inputs[TF_NR], tf_bad[TF_NR];

static int tf_open(enum tf f)
{
	static const int flags[TF_NR] = {
		O_RDWR, O_RDWR, O_RDWR | O_NONBLOCK, O_RDWR, O_RDWR, O_WRONLY,
		O_RDWR, O_RDWR, O_RDONLY,
	};
	struct tfile *x = &tfs[f];

	if (x->fd >= 0)
		close(x->fd);
	x->fd = hu_open(tf_names[f], flags[f]);
	x->selected = false;
	x->pos_unknown = false;
	x->t = NULL;
	return x->fd;
}

/* kstrtoint(s, 10) as the kernel does it: 0 or -EINVAL (ERANGE too) */
static int kstrtoint10(const char *s, int *val)
{
	bool neg = false;
	unsigned long long v = 0;
	const char *p = s;
	int digits = 0;

	if (*p == '+')
		p++;
	else if (*p == '-') {
		neg = true;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		if (v > (1ULL << 32))
			return -EINVAL;
		p++;
		digits++;
	}
	if (*p == '\n')
		p++;
	if (*p || !digits)
		return -EINVAL;
	if (neg ? v > (unsigned long long)INT_MAX + 1 : v > INT_MAX)
		return -EINVAL;
	*val = neg ? -(long long)v : (long long)v;
	return 0;
}

static bool kspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* strim(): in place; returns the start */
static char *kstrim(char *s)
{
	size_t n = strlen(s);

	while (n && kspace(s[n - 1]))
		s[--n] = '\0';
	while (kspace(*s))
		s++;
	return s;
}

static struct target *target_of(pid_t pid)
{
	static struct target none;

	for (int i = 0; i < T_NR; i++)
		if (tg[i].pid == pid)
			return &tg[i];
	none = (struct target){ .pid = pid, .cls = pid <= 0 ? PC_INVALID : PC_GONE };
	/* a random number can name a process of this system: classify it */
	if (pid > 0) {
		char path[64], buf[512], *p;
		unsigned long flags;
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			p = strrchr(buf, ')');
			/* state ppid pgrp session tty tpgid flags */
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu",
					&flags) == 1)
				none.cls = flags & 0x00200000 /* PF_KTHREAD */ ?
					   PC_KTHREAD : PC_LIVE;
		}
	}
	return &none;
}

/* Random text for a write: PIDs of every class in many spellings, words, junk. */
static size_t gen_text(char *buf, size_t cap, enum tf f)
{
	static const char * const words[] = {
		"all", "children", "-", "+", " ", "\t", "\n", "0", "00", "x",
		"0x10", "1e3", "-0", "+-1", "4294967297", "2147483648",
		"-2147483649", "99999999999999999999",
	};
	size_t len = 0;
	int kind = hu_below(&rs, 10);

	if (kind < 6) {
		struct target *t = &tg[pick_target_idx()];
		char num[32];

		if (hu_chance(&rs, 20))
			buf[len++] = ' ';
		if (f == TF_TRACK && hu_chance(&rs, 35))
			buf[len++] = '-';
		if (hu_chance(&rs, 10))
			buf[len++] = '+';
		if (hu_chance(&rs, 10))
			buf[len++] = '0';
		snprintf(num, sizeof(num), "%d", t->pid);
		memcpy(buf + len, num, strlen(num));
		len += strlen(num);
		if (f == TF_TRACK && hu_chance(&rs, 20)) {
			const char *w = hu_chance(&rs, 80) ? " children" : "\tchildren x";

			memcpy(buf + len, w, strlen(w));
			len += strlen(w);
		}
		if (hu_chance(&rs, 50))
			buf[len++] = '\n';
		if (hu_chance(&rs, 5)) {
			buf[len++] = '\0';
			buf[len++] = 'z';
		}
	} else if (kind < 8) {
		int n = 1 + hu_below(&rs, 3);

		for (int i = 0; i < n; i++) {
			const char *w = words[hu_below(&rs, sizeof(words) / sizeof(words[0]))];

			/* never "untrack everything" here */
			if (f == TF_TRACK && !strcmp(w, "all"))
				w = "al";
			memcpy(buf + len, w, strlen(w));
			len += strlen(w);
		}
	} else if (kind < 9) {
		len = hu_below(&rs, 40);
		for (size_t i = 0; i < len; i++)
			buf[i] = hu_rand(&rs);
	} else {
		static const size_t big_lens[] = { 31, 32, 33, 64, 4096, 65536, 1 << 20 };

		len = big_lens[hu_below(&rs, sizeof(big_lens) / sizeof(big_lens[0]))];
		if (len > cap)
			len = cap;
		memset(buf, '1', len);
	}
	return len;
}

/* What a write of @buf (@len bytes, at @p) does; updates the model. */
static eset text_write_model(enum tf f, const char *data, size_t len,
			     const struct ptr *p, struct target **sel,
			     int *track_change)
{
	char s[64], *cmd, *word, *rest;
	struct target *t;
	int nr;

	*sel = NULL;
	*track_change = 0;
	if (f >= TF_FAULTS)
		return E(f == TF_VERSION ? EBADF : EINVAL);
	if (p->kernel || len > TASK_MAX || p->addr > TASK_MAX - len)
		return E(EFAULT);
	switch (f) {
	case TF_MAPS: case TF_STATUS: case TF_EVENTS: case TF_HIST:
		if (!len || len > 32)
			return E(EINVAL);
		break;
	default:	/* track, reset */
		if (!len || len >= 32)
			return E(EINVAL);
	}
	if (p->rd < len)
		return E(EFAULT);
	memcpy(s, data, len);
	s[len] = '\0';
	cmd = kstrim(s);
	switch (f) {
	case TF_MAPS: case TF_STATUS:
		if (kstrtoint10(cmd, &nr) || nr <= 0)
			return E(EINVAL);
		t = target_of(nr);
		if (select_result(t))
			return E(select_result(t));
		*sel = t;
		return OK;
	case TF_EVENTS: case TF_HIST: {
		eset r;

		if (kstrtoint10(cmd, &nr) || nr <= 0)
			return E(EINVAL);
		t = target_of(nr);
		r = tracked_get_result(t);
		if (r & OK)
			*sel = t;
		return r;
	}
	case TF_TRACK: {
		bool tracks;
		eset r;

		if (*cmd == '-') {
			if (!strcmp(cmd + 1, "all")) {
				*track_change = -2;
				return OK;
			}
			if (kstrtoint10(cmd + 1, &nr) || nr <= 0)
				return E(EINVAL);
			t = target_of(nr);
			r = untrack_result(t);
			if (r & OK) {
				*sel = t;
				*track_change = -1;
			}
			return r;
		}
		rest = cmd;
		word = strsep(&rest, " \t");
		if (kstrtoint10(word, &nr) || nr <= 0)
			return E(EINVAL);
		if (rest) {
			while (kspace(*rest))
				rest++;
			if (strcmp(rest, "children"))
				return E(EINVAL);
		}
		t = target_of(nr);
		r = track_result(t, &tracks);
		if (r & OK) {
			*sel = t;
			*track_change = 1;
		}
		return r;
	}
	case TF_RESET:
		if (!strcmp(cmd, "all"))
			return OK;
		if (kstrtoint10(cmd, &nr) || nr <= 0)
			return E(EINVAL);
		return reset_result(target_of(nr));
	default:
		return OK;
	}
}

static char wbuf[1 << 20];

static void fuzz_text(void)
{
	enum tf f = hu_below(&rs, TF_NR);
	struct tfile *x = &tfs[f];
	int op = hu_below(&rs, 10);
	char b1[128];
	eset want;
	int got;

	tf_inputs[f]++;
	if (x->fd < 0 || hu_chance(&rs, 3)) {
		if (tf_open(f) < 0) {
			tf_bad[f]++;
			mismatch("open %s: %s", tf_names[f], en(-x->fd));
			return;
		}
	}

	if (op < 4) {
		/* write */
		size_t len = gen_text(wbuf, sizeof(wbuf), f);
		struct ptr p = pick_ptr(len, 85);
		struct target *sel;
		int change;
		ssize_t n;

		if (p.rd && !p.wr)
			mprotect(ro_page, PS, PROT_READ | PROT_WRITE);
		if (p.rd)
			memcpy((void *)(uintptr_t)p.addr, wbuf,
			       len < p.rd ? len : p.rd);
		if (p.rd && !p.wr)
			mprotect(ro_page, PS, PROT_READ);
		if (hu_chance(&rs, 5)) {
			/* a huge count past a small buffer */
			len = hu_chance(&rs, 50) ? 1UL << 40 : SIZE_MAX / 2;
		}
		want = text_write_model(f, wbuf, len, &p, &sel, &change);
		if (f == TF_FAULTS || f == TF_SUMMARY || f == TF_VERSION)
			want = E(x->fd >= 0 && f != TF_VERSION ? EINVAL : EBADF);
		if (hu_chance(&rs, 10)) {
			/* seq_open() and nonseekable_open() both refuse pwrite */
			n = pwrite(x->fd, (void *)(uintptr_t)p.addr, len,
				   hu_below(&rs, 1 << 20));
			want = E(ESPIPE);
		} else {
			n = write(x->fd, (void *)(uintptr_t)p.addr, len);
		}
		got = n < 0 ? errno : 0;
		if (!got && (size_t)n != len && len < (1UL << 31))
			mismatch("write %s: %zd of %zu bytes", tf_names[f], n, len);
		if (!eset_has(want, got)) {
			tf_bad[f]++;
			mismatch("write %s of %zu bytes '%.*s' (buffer %s): %s, expected %s",
				 tf_names[f], len, (int)(len < 40 ? len : 40), wbuf,
				 p.what, en(got), eset_str(want, b1, sizeof(b1)));
		}
		if (want == E(ESPIPE))
			return;
		/* the model follows the outcome */
		/* refused by the VFS (access_ok): the module saw nothing */
		if (f <= TF_HIST && want != E(EBADF) &&
		    !(got == EFAULT && (p.kernel || len > TASK_MAX ||
					p.addr > TASK_MAX - len))) {
			x->selected = !got && sel;
			x->t = x->selected ? sel : NULL;
			x->gen = x->selected ? sel->gen : 0;
			if (!got)
				x->pos_unknown = false;
		}
		if (f == TF_TRACK && !got) {
			if (change == 1 && sel)
				sel->tracked = true;
			else if (change == -1 && sel) {
				sel->tracked = false;
				sel->gen++;
			} else if (change == -2) {
				for (int i = 0; i < T_NR; i++) {
					tg[i].gen += tg[i].tracked;
					tg[i].tracked = false;
				}
			}
		}
	} else if (op < 7) {
		/* read */
		size_t len = hu_chance(&rs, 10) ? 0 : 1 + hu_below(&rs, 16384);
		struct ptr p = pick_ptr(len, 80);
		ssize_t n;

		if (f == TF_RESET) {
			want = E(EBADF);
		} else if (p.kernel) {
			want = E(EFAULT);	/* access_ok(), even for 0 bytes */
		} else if ((f <= TF_HIST) && !x->selected) {
			want = E(EINVAL);
			if (!len && f != TF_EVENTS && f != TF_HIST)
				want |= OK;	/* seq_read: nothing asked */
			if (!len && f == TF_HIST)
				want = E(EINVAL);
		} else if (!len) {
			want = OK;
			if (f == TF_EVENTS)
				want |= E(EAGAIN);
		} else if (f == TF_EVENTS && x->t && x->gen != x->t->gen) {
			want = OK;	/* untracked since: end of file */
		} else if (f == TF_EVENTS) {
			want = x->t && x->t->stopped ? E(EAGAIN) :
			       OK | E(EAGAIN) | E(EFAULT);
		} else if (p.wr >= len || x->pos_unknown) {
			want = OK | (x->pos_unknown ? E(EFAULT) : 0);
			if (p.wr < len)
				want |= E(EFAULT);
		} else {
			/* a partial buffer: short read, or nothing fits */
			want = OK | E(EFAULT);
		}
		if (hu_chance(&rs, 15) && (f == TF_EVENTS || f == TF_HIST || f == TF_RESET)) {
			/* nonseekable_open(): no pread either */
			n = pread(x->fd, (void *)(uintptr_t)p.addr, len, 0);
			want = E(ESPIPE);
		} else if (hu_chance(&rs, 15) && f != TF_EVENTS && f != TF_HIST &&
			   f != TF_RESET) {
			n = pread(x->fd, (void *)(uintptr_t)p.addr, len,
				  hu_below(&rs, 8192));
			if (!(want & (E(EINVAL) | E(EBADF))))
				want |= OK | (p.wr < len ? E(EFAULT) : 0);
		} else {
			n = read(x->fd, (void *)(uintptr_t)p.addr, len);
		}
		got = n < 0 ? errno : 0;
		if (!eset_has(want, got)) {
			tf_bad[f]++;
			mismatch("read %s, %zu bytes into %s%s: %s, expected %s",
				 tf_names[f], len, p.what,
				 x->selected ? "" : " (no target)", en(got),
				 eset_str(want, b1, sizeof(b1)));
		}
	} else if (op < 8) {
		/* seek */
		static const int wh[] = { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA };
		int whence = wh[hu_below(&rs, 4)];
		off_t off = hu_chance(&rs, 60) ? (off_t)hu_below(&rs, 1 << 16) :
			    hu_chance(&rs, 50) ? -(off_t)hu_below(&rs, 100) - 1 :
			    (off_t)(hu_rand(&rs) >> 2);
		off_t r = lseek(x->fd, off, whence);

		got = r < 0 ? errno : 0;
		if (f == TF_EVENTS || f == TF_RESET || f == TF_HIST)
			want = E(ESPIPE);
		else
			want = OK | E(EINVAL) | E(ESRCH) | E(ENXIO);
		if (!eset_has(want, got)) {
			tf_bad[f]++;
			mismatch("lseek %s %lld whence %d: %s, expected %s",
				 tf_names[f], (long long)off, whence, en(got),
				 eset_str(want, b1, sizeof(b1)));
		}
		if (!got)
			x->pos_unknown = true;
	} else if (op < 9) {
		/* poll */
		struct pollfd pfd = { .fd = x->fd, .events = POLLIN | POLLOUT };
		int r = poll(&pfd, 1, 0);

		if (r < 0) {
			tf_bad[f]++;
			mismatch("poll %s: %s", tf_names[f], en(errno));
		} else if (f == TF_EVENTS && !x->selected &&
			   !(pfd.revents & POLLERR)) {
			tf_bad[f]++;
			mismatch("poll events with no target: revents %#x",
				 pfd.revents);
		} else if (f == TF_EVENTS && x->selected && x->t->stopped &&
			   (pfd.revents & (POLLIN | POLLERR))) {
			tf_bad[f]++;
			mismatch("poll events of a quiet target: revents %#x",
				 pfd.revents);
		}
	} else {
		/* ioctl and mmap on a text file */
		static const unsigned long cmds[] = {
			VMASTAT_IOC_MAPS, VMASTAT_IOC_SUMMARY, VMASTAT_IOC_TRACK,
			VMASTAT_IOC_EVENTS, 0x1234,
		};
		struct vmastat_summary s = { .size = sizeof(s) };
		void *m;

		got = -hu_ioctl(x->fd, cmds[hu_below(&rs, 5)], &s);
		if (got != ENOTTY) {
			tf_bad[f]++;
			mismatch("ioctl on %s: %s, expected ENOTTY", tf_names[f], en(got));
		}
		m = mmap(NULL, PS, PROT_READ, MAP_SHARED, x->fd, 0);
		if (m != MAP_FAILED) {
			munmap(m, PS);
			tf_bad[f]++;
			mismatch("mmap of %s succeeded", tf_names[f]);
		} else if (errno != ENODEV && errno != EACCES) {
			tf_bad[f]++;
			mismatch("mmap of %s: %s, expected ENODEV", tf_names[f],
				 en(errno));
		}
	}
}

/* ---- checks after fuzzing -------------------------------------------------- */

static int touch_pages(void *arg)
{
	return 0;
}

/* The module's counts of a fresh child follow /proc's. */
static bool fresh_child_counts(void)
{
	struct vmastat_proc a, b;
	unsigned long long kmin[2], kmaj[2];
	pid_t pid;
	int status;
	bool ok = true;

	(void)touch_pages;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static char buf[64 * 4096];

		raise(SIGSTOP);
		for (size_t i = 0; i < sizeof(buf); i += 4096)
			buf[i] = 1;
		raise(SIGSTOP);
		_exit(0);
	}
	for (int step = 0; step < 2; step++) {
		char path[64], stat[1024], *p;
		int fd, f;
		ssize_t n;

		waitpid(pid, &status, WUNTRACED);
		if (!WIFSTOPPED(status))
			return false;
		if (hu_proc(qfd, pid, step ? &b : &a)) {
			printf("# fresh child: PROCS failed\n");
			ok = false;
		}
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY);
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		stat[n > 0 ? n : 0] = '\0';
		p = strrchr(stat, ')') + 2;
		for (f = 3; f < 10; f++)
			p = strchr(p, ' ') + 1;
		kmin[step] = strtoull(p, &p, 10);	/* 10: minflt */
		strtoull(p, &p, 10);			/* 11: cminflt */
		kmaj[step] = strtoull(p, &p, 10);	/* 12: majflt */
		kill(pid, SIGCONT);
	}
	waitpid(pid, NULL, 0);
	if (b.counts.minor - a.counts.minor != kmin[1] - kmin[0] ||
	    b.counts.major - a.counts.major != kmaj[1] - kmaj[0]) {
		printf("# fresh child: module %llu minor %llu major, /proc %llu and %llu\n",
		       (unsigned long long)(b.counts.minor - a.counts.minor),
		       (unsigned long long)(b.counts.major - a.counts.major),
		       kmin[1] - kmin[0], kmaj[1] - kmaj[0]);
		ok = false;
	}
	return ok;
}

static bool sentinel_consistent(void)
{
	struct target *t = &tg[T_SENTINEL];
	struct vms_snap mod, proc;
	struct vms_buf buf;
	struct vms_reader rd = { 0 };
	struct vmastat_proc p;
	static struct vmastat_hist_query h;
	char str[32], text[4096];
	bool ok = true;
	int fd, r;

	r = hu_proc(qfd, t->pid, &p);
	if (r || !(p.flags & VMASTAT_PROC_TRACKED)) {
		printf("# sentinel: PROCS %s, flags %#x\n", en(-r), r ? 0 : p.flags);
		ok = false;
	}
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.pid = t->pid;
	r = hu_ioctl(qfd, VMASTAT_IOC_HIST, &h);
	if (r) {
		printf("# sentinel: HIST %s\n", en(-r));
		ok = false;
	}
	fd = hu_open("track", O_RDONLY);
	snprintf(str, sizeof(str), "\n%d live", t->pid);
	r = fd >= 0 ? hu_read_all(fd, text + 1, sizeof(text) - 1) : -1;
	text[0] = '\n';
	if (fd >= 0)
		close(fd);
	if (r < 0 || !strstr(text, str)) {
		printf("# sentinel not listed in track: '%.200s'\n", text + 1);
		ok = false;
	}
	fd = hu_open("events", O_RDWR | O_NONBLOCK);
	snprintf(str, sizeof(str), "%d", t->pid);
	if (fd < 0 || hu_write_str(fd, str) || read(fd, text, sizeof(text)) != -1 ||
	    errno != EAGAIN) {
		printf("# sentinel: events not readable as before\n");
		ok = false;
	}
	if (fd >= 0)
		close(fd);

	/* its mappings, three ways, equal /proc */
	vms_buf_init(&buf, 1 << 20);
	vms_snap_init(&mod, 1024, 1 << 20);
	vms_snap_init(&proc, 1024, 1 << 20);
	if (vms_proc_snap(t->pid, &buf, &proc, true)) {
		printf("# sentinel: /proc unreadable\n");
		return false;
	}
	rd.query_fd = qfd;
	if (vms_read_ioctl(&rd, t->pid, &mod) || vms_compare(&mod, &proc, true)) {
		printf("# sentinel: ioctl listing differs from /proc\n");
		ok = false;
	}
	/* the text has fault columns (tracked): compare the ranges */
	fd = hu_open("maps", O_RDWR);
	if (fd >= 0 && !hu_write_str(fd, str) &&
	    hu_read_all(fd, buf.p, buf.cap) > 0) {
		char *line = strchr(buf.p, '\n');
		int i = 0;

		load_maps(t);
		while (line && line[1]) {
			unsigned long long a, b;

			line++;
			if (sscanf(line, "%llx-%llx", &a, &b) != 2 || i >= t->nr ||
			    a != t->start[i] || b != t->end[i]) {
				printf("# sentinel: text line %d: '%.60s'\n", i, line);
				ok = false;
				break;
			}
			i++;
			line = strchr(line, '\n');
		}
		if (i != t->nr) {
			printf("# sentinel: %d text lines, /proc has %d\n", i, t->nr);
			ok = false;
		}
	} else {
		printf("# sentinel: maps text unreadable\n");
		ok = false;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

/* ---- main ------------------------------------------------------------------- */

static pid_t spawn_zombie(void)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	return pid;
}

static void setup_targets(void)
{
	struct vmastat_summary sum;
	long pid_max = 4194304;
	char buf[64] = "";
	int fd;

	fd = open("/proc/sys/kernel/pid_max", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			pid_max = atol(buf);
		close(fd);
	}
	tg[T_SENTINEL] = (struct target){ .cls = PC_LIVE, .stopped = true };
	tg[T_SENTINEL].pid = vms_spawn_stopped(build_target, NULL);
	tg[T_CHILD] = (struct target){ .cls = PC_LIVE, .stopped = true };
	tg[T_CHILD].pid = vms_spawn_stopped(build_target, NULL);
	tg[T_SELF] = (struct target){ .pid = getpid(), .cls = PC_LIVE };
	tg[T_INIT] = (struct target){ .pid = 1, .cls = PC_LIVE };
	tg[T_KTHREAD] = (struct target){ .pid = 2, .cls = PC_KTHREAD };
	tg[T_ZOMBIE] = (struct target){ .pid = spawn_zombie(), .cls = PC_ZOMBIE };
	tg[T_REAPED].cls = PC_REAPED;
	tg[T_REAPED].pid = spawn_zombie();
	waitpid(tg[T_REAPED].pid, NULL, 0);
	tg[T_GONE] = (struct target){ .pid = pid_max + 1 + hu_below(&rs, 1000),
				      .cls = PC_GONE };
	tg[T_MAX_INT] = (struct target){ .pid = INT_MAX, .cls = PC_GONE };
	load_maps(&tg[T_SENTINEL]);
	load_maps(&tg[T_CHILD]);
	if (!hu_summary(qfd, &sum)) {
		max_tracked = sum.max_tracked;
		nslots = 1;
		while (nslots < sum.max_procs * 2)
			nslots <<= 1;
	}
}

int main(int argc, char **argv)
{
	double t0, limit;
	long count;
	bool ok_setup = true;
	unsigned long taint0;
	struct sigaction sa = { .sa_handler = alarm_handler };
	unsigned long ioc_in = 0, ioc_bad = 0, unk_in, unk_bad, txt_in = 0, txt_bad = 0;
	int kfd, r, lfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	if (vms_unavailable())
		ksft_exit_skip("%s\n", vms_unavailable());
	ksft_set_plan(8);
	seed0 = env_seed();
	rs = seed0 ? seed0 : 1;
	verbose = getenv("VMASTAT_FUZZ_VERBOSE") && *getenv("VMASTAT_FUZZ_VERBOSE") == '1';
	limit = getenv("VMASTAT_FUZZ_SECONDS") ? atof(getenv("VMASTAT_FUZZ_SECONDS")) : 20;
	count = getenv("VMASTAT_FUZZ_COUNT") ? atol(getenv("VMASTAT_FUZZ_COUNT")) : 0;
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: EINTR */
	signal(SIGPIPE, SIG_IGN);
	kfd = hu_kmsg_open();
	taint0 = hu_tainted();
	ksft_print_msg("seed %llu (VMASTAT_FUZZ_SEED=%llu reproduces the inputs; VMASTAT_FUZZ_COUNT=N runs exactly N)\n",
		       (unsigned long long)seed0, (unsigned long long)seed0);

	/* memory */
	big = hu_guarded(BIG / PS);
	rw_edge = hu_guarded(1);
	argarea = hu_guarded(ARGAREA / PS);
	ro_page = mmap(NULL, PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, PS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = hu_unmapped();

	/* a file with a long name, mapped by the targets */
	snprintf(long_name, sizeof(long_name), "/tmp/vmastat-fuzz-%d-", getpid());
	memset(long_name + strlen(long_name), 'n', 200);
	lfd = open(long_name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (lfd < 0 || ftruncate(lfd, PS))
		ok_setup = false;
	if (lfd >= 0)
		close(lfd);

	qfd = hu_open("query", O_RDONLY);
	if (qfd < 0)
		ksft_exit_fail_msg("open query: %s\n", strerror(-qfd));
	setup_targets();
	if (tg[T_SENTINEL].pid <= 0 || tg[T_CHILD].pid <= 0 || !tg[T_SENTINEL].nr)
		ok_setup = false;
	r = hu_track_cmd(qfd, VMASTAT_IOC_TRACK, tg[T_SENTINEL].pid, 0, 0);
	if (r) {
		ksft_print_msg("TRACK sentinel: %s\n", en(-r));
		ok_setup = false;
	}
	tg[T_SENTINEL].tracked = !r;
	for (int i = 0; i < TF_NR; i++)
		tfs[i].fd = -1;
	ksft_test_result(ok_setup, "setup: sentinel %d (%d mappings, tracked), child %d, zombie %d, reaped %d\n",
			 tg[T_SENTINEL].pid, tg[T_SENTINEL].nr, tg[T_CHILD].pid,
			 tg[T_ZOMBIE].pid, tg[T_REAPED].pid);
	if (!ok_setup)
		ksft_exit_fail_msg("setup failed\n");

	t0 = hu_now();
	while (count ? (long)n_inputs < count : hu_now() - t0 < limit) {
		n_inputs++;
		if (hu_chance(&rs, 55))
			fuzz_ioctl();
		else
			fuzz_text();
		/* the sentinel is tracked whatever happened */
		if (!tg[T_SENTINEL].tracked) {
			r = hu_track_cmd(qfd, VMASTAT_IOC_TRACK, tg[T_SENTINEL].pid, 0, 0);
			if (r && r != -EBUSY)
				mismatch("re-TRACK sentinel: %s", en(-r));
			tg[T_SENTINEL].tracked = true;
		}
	}
	ksft_print_msg("%lu inputs in %.1f s (seed %llu)\n", n_inputs,
		       hu_now() - t0, (unsigned long long)seed0);
	for (int c = 0; c < 9; c++) {
		ioc_in += cmd_inputs[c];
		ioc_bad += cmd_bad[c];
		ksft_print_msg("  ioctl %-8s %6lu inputs, %lu mismatches\n",
			       cmd_names[c], cmd_inputs[c], cmd_bad[c]);
	}
	unk_in = cmd_inputs[9];
	unk_bad = cmd_bad[9];
	for (int f = 0; f < TF_NR; f++) {
		txt_in += tf_inputs[f];
		txt_bad += tf_bad[f];
		ksft_print_msg("  file %-8s %6lu inputs, %lu mismatches\n",
			       tf_names[f], tf_inputs[f], tf_bad[f]);
	}
	ksft_test_result(!ioc_bad, "ioctls: %lu inputs, %lu with a wrong result\n",
			 ioc_in, ioc_bad);
	ksft_test_result(!unk_bad, "unknown ioctl commands: %lu inputs, all ENOTTY\n",
			 unk_in);
	ksft_test_result(!txt_bad, "text files: %lu inputs, %lu with a wrong result\n",
			 txt_in, txt_bad);
	ksft_test_result(!n_bad, "all %lu inputs as documented (seed %llu)\n",
			 n_inputs, (unsigned long long)seed0);

	for (int i = 0; i < TF_NR; i++)
		if (tfs[i].fd >= 0)
			close(tfs[i].fd);
	/* the state is still consistent */
	ksft_test_result(sentinel_consistent(),
			 "sentinel still tracked, listed the same by text, ioctl and /proc\n");
	ksft_test_result(fresh_child_counts(),
			 "a fresh child's fault counts still equal /proc's\n");

	/* clean up: what the fuzzing tracked */
	for (int i = 0; i < T_NR; i++)
		if (tg[i].cls == PC_LIVE || tg[i].cls == PC_ZOMBIE)
			hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, tg[i].pid, 0, 0);
	vms_kill(tg[T_SENTINEL].pid);
	vms_kill(tg[T_CHILD].pid);
	waitpid(tg[T_ZOMBIE].pid, NULL, 0);
	unlink(long_name);
	close(qfd);
	{
		int bad = hu_kmsg_check(kfd, vms_log, 20);
		unsigned long taint = hu_tainted() & ~taint0 & ~HU_TAINT_OK;

		ksft_test_result(!bad && !taint,
				 "kernel log: %d bad lines, new taint %#lx\n", bad, taint);
	}
	ksft_finished();
}
