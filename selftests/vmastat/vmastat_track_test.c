// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: tracked processes - faults per address, events, the text files
 * of the fault accounting, and the errors of the fault ioctls.
 *
 * Per-VMA counts are computed from the faulting addresses: they must add
 * up (with the unmapped ranges) to the process's counts, and follow the
 * addresses through mprotect() splits and merges, mremap() moves and
 * munmap().  The event stream must give exactly the faults a known
 * workload takes, count every event it could not keep, and wake a blocked
 * reader.  The text files must say what the ioctls say.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "vmastat_fault_util.h"

#define N		32
#define MAX_VMAS	4096
#define MAX_EVENTS	(1 << 18)

static long page;
static pid_t main_pid;
static long fault_around_old = -1;

static void global_teardown(void)
{
	if (getpid() == main_pid && fault_around_old >= 0)
		vms_fault_around_set(fault_around_old, NULL);
}

static void __attribute__((constructor)) global_setup(void)
{
	page = sysconf(_SC_PAGESIZE);
	main_pid = getpid();
	if (vms_unavailable())
		return;
	if (vms_fault_around_set(page, &fault_around_old))
		fault_around_old = -1;
	atexit(global_teardown);
}

struct shared {
	unsigned long a[4];
	long val[4];
	int cpu_pin;			/* run on one CPU */
	long rounds;
	uint64_t t_lo[4], t_hi[4];	/* CLOCK_MONOTONIC around touch r */
	char err[256];
};

#define CHILD_FAIL(sh, ...) do {					\
	snprintf((sh)->err, sizeof((sh)->err), __VA_ARGS__);		\
	return 1;							\
} while (0)

static char *map_alone(size_t pages, int prot, int flags, int fd)
{
	char *r = mmap(NULL, (pages + 2) * page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (r == MAP_FAILED)
		return NULL;
	p = mmap(r + page, pages * page, prot, flags | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!(flags & MAP_SHARED) && fd < 0)
		madvise(p, pages * page, MADV_NOHUGEPAGE);
	return p;
}

static void touch_write(char *p, size_t pages, size_t off)
{
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * page + off] = 1;
}

struct meas {
	struct vms_kfaults k;
	struct vmastat_proc p;
};

FIXTURE(tr) {
	bool skip;
	int fd;
	pid_t pid;
	pid_t more[64];
	int nmore;
	struct shared *sh;
	struct vmastat_vma *v;
	size_t nv;
	struct vmastat_event *ev;
};

FIXTURE_SETUP(tr)
{
	const char *why = vms_unavailable();

	self->pid = -1;
	self->fd = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_LE(0, fault_around_old) TH_LOG("cannot set fault_around_bytes");
	self->fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->fd);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	self->sh->cpu_pin = -1;
	self->v = vms_alloc(MAX_VMAS * sizeof(*self->v));
	self->ev = mmap(NULL, MAX_EVENTS * sizeof(*self->ev),
			PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, self->ev);
}

FIXTURE_TEARDOWN(tr)
{
	if (self->fd >= 0 && self->pid > 0)
		vms_untrack(self->fd, self->pid);
	vms_kill(self->pid);
	for (int i = 0; i < self->nmore; i++) {
		if (self->fd >= 0)
			vms_untrack(self->fd, self->more[i]);
		vms_kill(self->more[i]);
	}
	if (self->fd >= 0)
		close(self->fd);
}

static void measure(struct __test_metadata *_metadata, FIXTURE_DATA(tr) *self,
		    struct meas *m)
{
	ASSERT_EQ(0, vms_proc_faults(self->pid, &m->k));
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &m->p));
	EXPECT_EQ(m->k.min, m->p.counts.minor);
	EXPECT_EQ(m->k.maj, m->p.counts.major);
}

static void start(struct __test_metadata *_metadata, FIXTURE_DATA(tr) *self,
		  int (*fn)(void *), struct meas *m0)
{
	int ret;

	self->pid = vms_spawn_steps(fn, self->sh);
	ASSERT_LT(0, self->pid);
	ret = vms_track(self->fd, self->pid, 0, 0);
	ASSERT_EQ(0, ret) TH_LOG("TRACK: %s", strerror(-ret));
	measure(_metadata, self, m0);
}

static void step(struct __test_metadata *_metadata, FIXTURE_DATA(tr) *self,
		 struct meas *m)
{
	int status = 0;

	ASSERT_EQ(0, vms_cont(self->pid, &status, true))
		TH_LOG("target exited (%#x): %s", status, self->sh->err);
	measure(_metadata, self, m);
}

static void get_maps(struct __test_metadata *_metadata, FIXTURE_DATA(tr) *self)
{
	int ret = vms_maps_faults(self->fd, self->pid,
				  VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED,
				  self->v, MAX_VMAS, &self->nv);

	ASSERT_EQ(0, ret) TH_LOG("MAPS with faults: %s", strerror(-ret));
}

#define D(a, b, f)	((b)->p.counts.f - (a)->p.counts.f)

/* ---- per address -------------------------------------------------------- */

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

static int child_mix(void *arg)
{
	struct shared *sh = arg;
	int mfd = memfd_create("vmastat mix", 0);
	char *a = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *ro = map_alone(2, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *m;

	if (mfd < 0 || ftruncate(mfd, N * page) || !a || !ro)
		CHILD_FAIL(sh, "set-up: %s", strerror(errno));
	m = map_alone(N, PROT_READ | PROT_WRITE, MAP_SHARED, mfd);
	if (!m)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	signal(SIGSEGV, on_segv);
	vms_stop();
	for (int i = 0; i < N; i++)
		sh->val[0] += ((volatile char *)a)[i * page];
	touch_write(a, N, 0);
	touch_write(m, N, 0);
	if (!sigsetjmp(jb, 1))
		((volatile char *)ro)[0] = 1;
	if (fork() == 0)	/* faults of the child are not ours */
		_exit(0);
	wait(NULL);
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(tr, sums_match_process, 60)
{
	struct vmastat_summary s0, s1;
	struct vmastat_vma_faults sum;
	struct meas m0, m1;

	if (self->skip)
		return;
	start(_metadata, self, child_mix, &m0);
	step(_metadata, self, &m1);	/* set up */
	ASSERT_EQ(0, vms_get_summary(self->fd, &s0));
	step(_metadata, self, &m1);	/* the workload */
	ASSERT_EQ(0, vms_get_summary(self->fd, &s1));
	ASSERT_EQ(s0.unattributed, s1.unattributed)
		TH_LOG("the per-address table overflowed: sums not comparable");
	get_maps(_metadata, self);
	vms_sum_faults(self->v, self->nv, &sum);
	EXPECT_LE(3 * N, sum.minor);
	EXPECT_EQ(D(&m0, &m1, minor), sum.minor);
	EXPECT_EQ(D(&m0, &m1, major), sum.major);
	EXPECT_EQ(D(&m0, &m1, read), sum.read);
	EXPECT_EQ(D(&m0, &m1, write), sum.write);
	EXPECT_EQ(D(&m0, &m1, exec), sum.exec);
	EXPECT_EQ(D(&m0, &m1, gup_minor) + D(&m0, &m1, gup_major), sum.gup);
	EXPECT_EQ(D(&m0, &m1, cow), sum.cow);
	EXPECT_EQ(D(&m0, &m1, swapin), sum.swapin);
	EXPECT_EQ(D(&m0, &m1, thp), sum.thp);
	EXPECT_EQ(D(&m0, &m1, retry), sum.retry);
	EXPECT_EQ(1, D(&m0, &m1, segv));
	EXPECT_EQ(D(&m0, &m1, segv), sum.segv);
	EXPECT_EQ(D(&m0, &m1, sigbus), sum.sigbus);
	EXPECT_EQ(0, D(&m0, &m1, remote));
}

static int child_split(void *arg)
{
	struct shared *sh = arg;
	char *a = map_alone(8, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (!a)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)a;
	vms_stop();
	touch_write(a, 8, 0);
	vms_stop();
	if (mprotect(a + 2 * page, 4 * page, PROT_READ))
		CHILD_FAIL(sh, "mprotect: %s", strerror(errno));
	vms_stop();
	if (mprotect(a + 2 * page, 4 * page, PROT_READ | PROT_WRITE))
		CHILD_FAIL(sh, "mprotect: %s", strerror(errno));
	vms_stop();
	return 0;
}

static void expect_vma(struct __test_metadata *_metadata,
		       FIXTURE_DATA(tr) *self, unsigned long start,
		       unsigned long end, unsigned long long minor)
{
	const struct vmastat_vma *v = vms_find_vma(self->v, self->nv, start);

	ASSERT_NE(NULL, v);
	EXPECT_EQ(start, v->start);
	EXPECT_EQ(end, v->end);
	EXPECT_TRUE(v->flags & VMASTAT_VMA_FAULTS);
	EXPECT_EQ(minor, v->faults.minor)
		TH_LOG("mapping %#lx-%#lx: %llu minor faults, expected %llu",
		       start, end, (unsigned long long)v->faults.minor, minor);
	EXPECT_EQ(minor, v->faults.write);
	EXPECT_EQ(1U << VMASTAT_FK_ANON, v->faults.kinds);
}

TEST_F_TIMEOUT(tr, split_and_merge, 60)
{
	struct meas m0, m;
	unsigned long a;

	if (self->skip)
		return;
	start(_metadata, self, child_split, &m0);
	step(_metadata, self, &m);
	a = self->sh->a[0];
	step(_metadata, self, &m);
	get_maps(_metadata, self);
	expect_vma(_metadata, self, a, a + 8 * page, 8);
	step(_metadata, self, &m);	/* split in three */
	get_maps(_metadata, self);
	expect_vma(_metadata, self, a, a + 2 * page, 2);
	expect_vma(_metadata, self, a + 2 * page, a + 6 * page, 4);
	expect_vma(_metadata, self, a + 6 * page, a + 8 * page, 2);
	step(_metadata, self, &m);	/* merged again */
	get_maps(_metadata, self);
	expect_vma(_metadata, self, a, a + 8 * page, 8);
}

static int child_move(void *arg)
{
	struct shared *sh = arg;
	char *a = map_alone(8, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *dst = map_alone(10, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *b;
	int mfd = memfd_create("vmastat unmap", 0);
	char *m;

	if (!a || !dst || mfd < 0 || ftruncate(mfd, 4 * page))
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	m = map_alone(4, PROT_READ | PROT_WRITE, MAP_SHARED, mfd);
	if (!m)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)a;
	sh->a[2] = (unsigned long)m;
	vms_stop();
	touch_write(a, 4, 0);
	touch_write(m, 4, 0);
	b = mremap(a, 8 * page, 8 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst + page);
	if (b == MAP_FAILED)
		CHILD_FAIL(sh, "mremap: %s", strerror(errno));
	sh->a[1] = (unsigned long)b;
	touch_write(b + 4 * page, 4, 0);
	if (munmap(m, 4 * page))
		CHILD_FAIL(sh, "munmap: %s", strerror(errno));
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(tr, mremap_and_munmap, 60)
{
	struct vmastat_vma_faults u;
	struct meas m0, m1;
	unsigned long a, b, m;
	bool partial;
	size_t i, nrec = 0;

	if (self->skip)
		return;
	start(_metadata, self, child_move, &m0);
	step(_metadata, self, &m1);
	step(_metadata, self, &m1);
	a = self->sh->a[0];
	b = self->sh->a[1];
	m = self->sh->a[2];
	get_maps(_metadata, self);
	/* the new place has only the faults taken there */
	expect_vma(_metadata, self, b, b + 8 * page, 4);
	/* the old addresses keep theirs, as an unmapped range */
	ASSERT_EQ(NULL, vms_find_vma(self->v, self->nv, a));
	vms_sum_unmapped(self->v, self->nv, a, a + 8 * page, &u, &partial);
	EXPECT_FALSE(partial);
	EXPECT_EQ(4, u.minor);
	EXPECT_EQ(4, u.write);
	EXPECT_EQ(1U << VMASTAT_FK_ANON, u.kinds);
	/* the munmap()ed memfd: its faults, kind shmem */
	vms_sum_unmapped(self->v, self->nv, m, m + 4 * page, &u, &partial);
	EXPECT_FALSE(partial);
	EXPECT_EQ(4, u.minor);
	EXPECT_EQ(4, u.write);
	EXPECT_EQ(1U << VMASTAT_FK_SHMEM, u.kinds);
	for (i = 0; i < self->nv; i++) {
		const struct vmastat_vma *v = &self->v[i];

		if (!(v->flags & VMASTAT_VMA_UNMAPPED))
			continue;
		EXPECT_EQ(VMASTAT_KIND_UNMAPPED, v->kind);
		EXPECT_TRUE(v->flags & VMASTAT_VMA_FAULTS);
		EXPECT_LT(v->start, v->end);
		EXPECT_NE(0, v->faults.minor + v->faults.major +
			  v->faults.segv + v->faults.sigbus + v->faults.retry +
			  v->faults.oom);
		/* no mapping covers it */
		EXPECT_EQ(NULL, vms_find_vma(self->v, self->nv, v->start));
		EXPECT_EQ(NULL, vms_find_vma(self->v, self->nv, v->end - 1));
		if (v->start == a || v->start == m) {
			EXPECT_EQ(v->start + 4 * page, v->end);
			nrec++;
		}
	}
	EXPECT_EQ(2, nrec);
	/* sorted by address, mappings and unmapped ranges together */
	for (i = 1; i < self->nv; i++) {
		EXPECT_LE(self->v[i - 1].end, self->v[i].start);
	}
}

/* a child forked right after TRACK with VMASTAT_TRACK_CHILDREN */
static int child_forks(void *arg)
{
	struct shared *sh = arg;
	int status;
	pid_t g;

	g = fork();
	if (g < 0)
		CHILD_FAIL(sh, "fork: %s", strerror(errno));
	if (g == 0) {
		char *a;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		a = map_alone(N, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (!a)
			vms_exit_now(1);
		sh->a[0] = (unsigned long)a;
		touch_write(a, N, 0);
		raise(SIGSTOP);
		vms_exit_now(0);
	}
	sh->val[0] = g;
	if (waitpid(g, &status, WUNTRACED) != g || !WIFSTOPPED(status))
		CHILD_FAIL(sh, "grandchild did not stop");
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(tr, children_tracked_from_fork, 60)
{
	struct vmastat_vma_faults sum;
	const struct vmastat_vma *v;
	struct vmastat_proc gp;
	struct vms_kfaults gk;
	struct meas m0, m1;
	pid_t g, saved;
	int ret;

	if (self->skip)
		return;
	self->pid = vms_spawn_steps(child_forks, self->sh);
	ASSERT_LT(0, self->pid);
	ret = vms_track(self->fd, self->pid, VMASTAT_TRACK_CHILDREN, 0);
	ASSERT_EQ(0, ret) TH_LOG("TRACK: %s", strerror(-ret));
	measure(_metadata, self, &m0);
	step(_metadata, self, &m1);
	g = self->sh->val[0];
	ASSERT_LT(0, g);
	self->more[self->nmore++] = g;
	ASSERT_EQ(0, vms_proc_faults(g, &gk));
	ASSERT_EQ(0, vms_get_proc(self->fd, g, &gp));
	EXPECT_EQ(gk.min, gp.counts.minor);
	/* the grandchild is tracked, and was from its fork */
	EXPECT_EQ(VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN,
		  gp.flags & (VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN))
		TH_LOG("forked after TRACK with children, ran %llu faults and stopped: still not tracked",
		       (unsigned long long)gp.counts.minor);
	for (int i = 0; i < 100 && !(gp.flags & VMASTAT_PROC_TRACKED); i++) {
		usleep(10000);
		ASSERT_EQ(0, vms_get_proc(self->fd, g, &gp));
	}
	ASSERT_TRUE(gp.flags & VMASTAT_PROC_TRACKED);
	saved = self->pid;
	self->pid = g;
	get_maps(_metadata, self);
	self->pid = saved;
	vms_sum_faults(self->v, self->nv, &sum);
	EXPECT_EQ(gp.counts.minor + gp.counts.major, sum.minor + sum.major)
		TH_LOG("grandchild: %llu faults since its fork, %llu of them seen per address",
		       (unsigned long long)(gp.counts.minor + gp.counts.major),
		       (unsigned long long)(sum.minor + sum.major));
	v = vms_find_vma(self->v, self->nv, self->sh->a[0]);
	ASSERT_NE(NULL, v);
	EXPECT_EQ(N, v->faults.minor);
}

/* ---- events ----------------------------------------------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int child_touch(void *arg)
{
	struct shared *sh = arg;
	char *a = map_alone(4 * N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (!a)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	if (sh->cpu_pin >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(sh->cpu_pin, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			CHILD_FAIL(sh, "sched_setaffinity: %s", strerror(errno));
	}
	sh->a[0] = (unsigned long)a;
	/*
	 * The first clock_gettime() may fault in the vDSO's pages: not
	 * between a stop and the touches, where tests expect these first.
	 */
	sh->t_lo[0] = mono_ns();
	vms_stop();
	for (int r = 0; r < 4; r++) {
		sh->t_lo[r] = mono_ns();
		touch_write(a + r * N * page, N, 100 + r);
		sh->t_hi[r] = mono_ns();
		vms_stop();
	}
	for (long r = 0; r < sh->rounds; r++) {
		touch_write(a, 4 * N, 0);
		madvise(a, 4 * N * page, MADV_DONTNEED);
	}
	vms_stop();
	return 0;
}

static unsigned long long all_outcomes(const struct meas *a,
				       const struct meas *b)
{
	return D(a, b, minor) + D(a, b, major) + D(a, b, retry) +
	       D(a, b, segv) + D(a, b, sigbus) + D(a, b, oom);
}

/*
 * How far an event's time may be outside the touching loop's own
 * CLOCK_MONOTONIC readings: with clock_interp 1 the module carries
 * CLOCK_MONOTONIC forward with sched_clock() for up to a millisecond, and
 * the two clocks may drift apart a little in that time.  Generous: a
 * wrong clock is off by far more.
 */
#define TIME_SLACK_NS	(5 * 1000000ULL)

/*
 * Exactly one event per page of [a, a + N pages), at offset @off, touched
 * by the child between CLOCK_MONOTONIC @lo and @hi.
 */
static void check_events(struct __test_metadata *_metadata,
			 FIXTURE_DATA(tr) *self, const struct vmastat_event *ev,
			 long n, unsigned long a, unsigned long off,
			 uint64_t lo, uint64_t hi)
{
	long long interp = vms_module_param("clock_interp");
	char seen[N] = { 0 };
	long in = 0;

	/* the choice made at load reads back */
	EXPECT_TRUE(interp == 0 || interp == 1) TH_LOG("clock_interp %lld", interp);

	get_maps(_metadata, self);
	for (long i = 0; i < n; i++) {
		const struct vmastat_event *e = &ev[i];
		const struct vmastat_vma *x;
		unsigned long pg;

		if (i) {
			EXPECT_LE(ev[i - 1].time_ns, e->time_ns);
		}
		EXPECT_EQ(self->pid, e->tid);
		if (e->address < a || e->address >= a + N * page)
			continue;
		in++;
		pg = (e->address - a) / page;
		EXPECT_EQ(0, seen[pg]) TH_LOG("two events for page %lu", pg);
		seen[pg] = 1;
		EXPECT_EQ(a + pg * page + off, e->address);
		EXPECT_EQ(VMASTAT_ACCESS_WRITE, e->access);
		EXPECT_EQ(VMASTAT_FK_ANON, e->kind);
		EXPECT_EQ(VMASTAT_OUTCOME_MINOR, e->outcome);
		/* CLOCK_MONOTONIC, when the page was touched */
		EXPECT_LE(lo - TIME_SLACK_NS, e->time_ns)
			TH_LOG("page %lu: event at %llu ns, touched from %llu ns (clock_interp %lld)",
			       pg, (unsigned long long)e->time_ns,
			       (unsigned long long)lo, interp);
		EXPECT_GE(hi + TIME_SLACK_NS, e->time_ns)
			TH_LOG("page %lu: event at %llu ns, touched until %llu ns (clock_interp %lld)",
			       pg, (unsigned long long)e->time_ns,
			       (unsigned long long)hi, interp);
		EXPECT_EQ(0, e->flags);
		EXPECT_EQ(0, e->pad);
		/* the instruction that faulted is in the program's text */
		x = vms_find_vma(self->v, self->nv, e->ip);
		EXPECT_NE(NULL, x) TH_LOG("ip %#llx not mapped", (unsigned long long)e->ip);
		if (x) {
			EXPECT_TRUE(x->flags & VMASTAT_VMA_EXEC);
		}
	}
	EXPECT_EQ(N, in);
}

TEST_F_TIMEOUT(tr, events_exact, 60)
{
	struct meas m0, m1, m2;
	uint64_t drops = 0;
	long n, acc = 0;

	if (self->skip)
		return;
	start(_metadata, self, child_touch, &m0);
	step(_metadata, self, &m1);
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, &drops);
	ASSERT_LE(0, n) TH_LOG("EVENTS: %s", strerror(-n));
	EXPECT_EQ(all_outcomes(&m0, &m1), n);
	step(_metadata, self, &m2);
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, &drops);
	ASSERT_LE(0, n);
	EXPECT_EQ(0, drops);
	/* every fault is an event, and nothing else is */
	EXPECT_EQ(all_outcomes(&m1, &m2), n);
	for (long i = 0; i < n; i++)
		acc += self->ev[i].outcome <= VMASTAT_OUTCOME_MAJOR;
	EXPECT_EQ(D(&m1, &m2, minor) + D(&m1, &m2, major), acc);
	check_events(_metadata, self, self->ev, n, self->sh->a[0], 100,
		     self->sh->t_lo[0], self->sh->t_hi[0]);
	/* consumed: nothing left */
	EXPECT_EQ(0, vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS,
				      NULL));
}

TEST_F_TIMEOUT(tr, events_overflow, 120)
{
	long long ring = vms_module_param("ring_entries");
	struct vmastat_summary s0, s1;
	struct meas m0, m, m1;
	uint64_t drops = 0;
	long n, got = 0;

	if (self->skip)
		return;
	ASSERT_LT(0, ring) TH_LOG("/sys/module/vmastat/parameters/ring_entries");
	/* all events on one CPU's ring: more than it holds */
	self->sh->cpu_pin = 0;
	self->sh->rounds = (ring + 500) / (4 * N) + 1;
	start(_metadata, self, child_touch, &m0);
	for (int i = 0; i < 5; i++)
		step(_metadata, self, &m);
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, &drops);
	ASSERT_LE(0, n);
	got += n;
	EXPECT_EQ(0, drops);
	ASSERT_EQ(0, vms_get_summary(self->fd, &s0));
	step(_metadata, self, &m1);
	ASSERT_EQ(0, vms_get_summary(self->fd, &s1));
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, &drops);
	ASSERT_LE(0, n);
	got += n;
	EXPECT_GE(ring, n);
	EXPECT_LT(0, drops) TH_LOG("%llu faults on one CPU, ring of %lld: no drops",
				   all_outcomes(&m, &m1), ring);
	/* never silent: every event is either received or counted */
	EXPECT_EQ(all_outcomes(&m0, &m1) - got, drops)
		TH_LOG("%llu events, %ld received, %llu drops",
		       all_outcomes(&m0, &m1), got, (unsigned long long)drops);
	EXPECT_EQ(drops, s1.event_drops - s0.event_drops);
}

/* ---- the rings, mapped (VMASTAT_IOC_EVENTS_MAP) ------------------------- */

struct rmap {
	struct vmastat_events_map m;
	char *base;
};

static int rings_map(int fd, pid_t pid, struct rmap *r)
{
	memset(r, 0, sizeof(*r));
	r->m.size = sizeof(r->m);
	r->m.pid = pid;
	if (ioctl(fd, VMASTAT_IOC_EVENTS_MAP, &r->m))
		return -errno;
	r->base = mmap(NULL, r->m.map_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, r->m.fd, 0);
	if (r->base == MAP_FAILED) {
		int err = -errno;

		close(r->m.fd);
		return err;
	}
	return 0;
}

static void rings_unmap(struct rmap *r)
{
	munmap(r->base, r->m.map_size);
	close(r->m.fd);
}

static struct vmastat_ring_header *ring_hdr(const struct rmap *r, uint32_t i)
{
	return (void *)(r->base + i * r->m.ring_size);
}

/*
 * Take every event from the mapped rings, merged by time (the order the
 * ioctl gives).  Returns how many; the sum of the rings' drops in *drops.
 */
static long rings_drain(const struct rmap *r, struct vmastat_event *ev,
			long cap, uint64_t *drops)
{
	uint64_t tail[r->m.nr_rings], head[r->m.nr_rings];
	long n = 0;

	*drops = 0;
	for (uint32_t i = 0; i < r->m.nr_rings; i++) {
		struct vmastat_ring_header *h = ring_hdr(r, i);

		head[i] = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
		tail[i] = h->tail;
		*drops += h->drops;
	}
	while (n < cap) {
		const struct vmastat_event *best = NULL;
		uint32_t bi = 0;

		for (uint32_t i = 0; i < r->m.nr_rings; i++) {
			const struct vmastat_event *e;

			if (tail[i] == head[i])
				continue;
			e = (const void *)((char *)ring_hdr(r, i) +
					   r->m.events_offset) +
			    (tail[i] & (r->m.ring_entries - 1)) * r->m.event_size;
			if (!best || e->time_ns < best->time_ns) {
				best = e;
				bi = i;
			}
		}
		if (!best)
			break;
		ev[n++] = *best;
		tail[bi]++;
	}
	for (uint32_t i = 0; i < r->m.nr_rings; i++)
		__atomic_store_n(&ring_hdr(r, i)->tail, tail[i],
				 __ATOMIC_RELEASE);
	return n;
}

/* CPU numbers the kernel can have: the last of /sys/.../possible, plus 1 */
static long nr_cpu_ids_read(void)
{
	char buf[256];
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	char *p;

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = buf + strcspn(buf, "\n");
	while (p > buf && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return strtol(p, NULL, 10) + 1;
}

static int poll_rings(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) < 0)
		return -errno;
	return p.revents;
}

/*
 * The mapping gives what the ioctl gives: exactly the faults the child
 * took, in time order once merged, none dropped; it is the one consumer
 * while its file is open; poll() says when there are events and when
 * the process is untracked; whatever tail a reader leaves behind, the
 * events that follow are kept; bad arguments get EINVAL.
 */
TEST_F_TIMEOUT(tr, events_mapped, 90)
{
	long long ring = vms_module_param("ring_entries");
	long long wake = vms_module_param("wake_us");
	struct vmastat_events_map bad;
	struct vmastat_event one;
	struct meas m0, m1, m2, m3;
	struct rmap r, r2;
	uint64_t drops = 0;
	int ret, rev, tfd;
	char num[32];
	void *p;
	long n;

	if (self->skip)
		return;
	ASSERT_LT(0, ring);
	ASSERT_LE(0, wake);
	start(_metadata, self, child_touch, &m0);
	step(_metadata, self, &m1);

	/* bad arguments, before any claim */
	memset(&bad, 0, sizeof(bad));
	bad.size = sizeof(bad);
	bad.pid = self->pid;
	bad.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS_MAP, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad.flags = 0;
	bad.size = VMASTAT_EVENTS_MAP_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS_MAP, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad.size = sizeof(bad);
	bad.pid = 0;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS_MAP, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad.pid = getpid();	/* not tracked */
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS_MAP, &bad));
	EXPECT_EQ(ENODATA, errno);

	ret = rings_map(self->fd, self->pid, &r);
	ASSERT_EQ(0, ret) TH_LOG("EVENTS_MAP: %s", strerror(-ret));
	EXPECT_EQ(nr_cpu_ids_read(), r.m.nr_rings);
	EXPECT_EQ(ring, r.m.ring_entries);
	EXPECT_EQ(sizeof(struct vmastat_event), r.m.event_size);
	EXPECT_EQ((uint64_t)r.m.nr_rings * r.m.ring_size, r.m.map_size);
	EXPECT_LE(sizeof(struct vmastat_ring_header), r.m.events_offset);
	EXPECT_LE(r.m.events_offset + ring * r.m.event_size, r.m.ring_size);
	EXPECT_EQ(FD_CLOEXEC, fcntl(r.m.fd, F_GETFD) & FD_CLOEXEC);

	/* one consumer: the ioctl, the text file and a second map refuse */
	EXPECT_EQ(-EBUSY, vms_drain_events(self->fd, self->pid, self->ev,
					   MAX_EVENTS, NULL));
	EXPECT_EQ(-EBUSY, rings_map(self->fd, self->pid, &r2));
	tfd = vms_open("events", O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, tfd);
	snprintf(num, sizeof(num), "%d", self->pid);
	EXPECT_EQ(0, vms_write_str(tfd, num));
	EXPECT_EQ(-1, read(tfd, num, sizeof(num)));
	EXPECT_EQ(EBUSY, errno);
	close(tfd);
	/* only the whole of it, shared, from offset 0 */
	p = mmap(NULL, r.m.map_size, PROT_READ, MAP_PRIVATE, r.m.fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, r.m.map_size - page, PROT_READ, MAP_SHARED, r.m.fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, r.m.map_size, PROT_READ, MAP_SHARED, r.m.fd, page);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);

	/* what the first step left, then the touches: every fault, once */
	n = rings_drain(&r, self->ev, MAX_EVENTS, &drops);
	EXPECT_EQ(all_outcomes(&m0, &m1), n);
	EXPECT_EQ(0, poll_rings(r.m.fd, 0));
	step(_metadata, self, &m2);
	rev = poll_rings(r.m.fd, wake / 1000 * 3 + 2000);
	EXPECT_EQ(POLLIN, rev) TH_LOG("poll after faults: %#x", rev);
	n = rings_drain(&r, self->ev, MAX_EVENTS, &drops);
	EXPECT_EQ(0, drops);
	EXPECT_EQ(all_outcomes(&m1, &m2), n);
	check_events(_metadata, self, self->ev, n, self->sh->a[0], 100,
		     self->sh->t_lo[0], self->sh->t_hi[0]);
	EXPECT_EQ(0, rings_drain(&r, self->ev, MAX_EVENTS, &drops));

	/* a reader that leaves a tail past the head loses nothing after it */
	for (uint32_t i = 0; i < r.m.nr_rings; i++)
		ring_hdr(&r, i)->tail += 12345;
	rings_unmap(&r);
	step(_metadata, self, &m3);
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, &drops);
	EXPECT_EQ(all_outcomes(&m2, &m3), n);
	EXPECT_EQ(0, drops);

	/* mapped again; untracked: POLLHUP, and the mapping still reads */
	ret = rings_map(self->fd, self->pid, &r);
	ASSERT_EQ(0, ret) TH_LOG("EVENTS_MAP again: %s", strerror(-ret));
	EXPECT_EQ(0, rings_drain(&r, &one, 1, &drops));
	ASSERT_EQ(0, vms_untrack(self->fd, self->pid));
	rev = poll_rings(r.m.fd, 1000);
	EXPECT_TRUE(rev & POLLHUP) TH_LOG("poll after untrack: %#x", rev);
	EXPECT_EQ(0, rings_drain(&r, &one, 1, &drops));
	EXPECT_EQ(0, drops);
	rings_unmap(&r);
}

static int child_many(void *arg)
{
	struct shared *sh = arg;
	size_t pages = sh->rounds;
	char *a = map_alone(pages, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);
	cpu_set_t set;

	if (!a)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		CHILD_FAIL(sh, "sched_setaffinity: %s", strerror(errno));
	vms_stop();
	touch_write(a, pages, 0);
	vms_stop();
	return 0;
}

struct poller {
	int fd;
	int ms;
	int rev;
	volatile int done;
};

static void *poll_fn(void *arg)
{
	struct poller *p = arg;

	p->rev = poll_rings(p->fd, p->ms);
	p->done = 1;
	return NULL;
}

/*
 * A ring that gets half full wakes its reader at once, not at the next
 * wake_us: faults can fill a ring faster than that.  Only meaningful when
 * wake_us is far longer than the test (the stress boot loads the module
 * with wake_us=60000000 for it); skipped otherwise.
 */
TEST_F_TIMEOUT(tr, events_half_full, 60)
{
	long long ring = vms_module_param("ring_entries");
	long long wake = vms_module_param("wake_us");
	struct vmastat_ring_header *h;
	struct poller pl = { 0 };
	struct meas m0, m1;
	uint64_t drops, t0, t1;
	long long used;
	struct rmap r;
	pthread_t t;
	int ret;

	if (self->skip)
		return;
	if (wake < 30000000)
		SKIP(return, "wake_us is %lld: needs 30 s or more, so that only a half-full ring can wake the reader in time",
		     wake);
	ASSERT_LT(0, ring);
	self->sh->rounds = ring * 3 / 4;
	start(_metadata, self, child_many, &m0);
	step(_metadata, self, &m1);
	ret = rings_map(self->fd, self->pid, &r);
	ASSERT_EQ(0, ret) TH_LOG("EVENTS_MAP: %s", strerror(-ret));
	rings_drain(&r, self->ev, MAX_EVENTS, &drops);
	/* a reader asleep in poll(): nothing is waiting */
	pl.fd = r.m.fd;
	pl.ms = 20000;
	ASSERT_EQ(0, pthread_create(&t, NULL, poll_fn, &pl));
	usleep(300000);
	ASSERT_FALSE(pl.done) TH_LOG("poll() returned %#x with nothing waiting",
				     pl.rev);
	/* the child touches 3/4 of a ring's worth of pages on CPU 0 */
	t0 = mono_ns();
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	pthread_join(t, NULL);
	t1 = mono_ns();
	h = ring_hdr(&r, 0);
	used = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE) - h->tail;
	EXPECT_EQ(POLLIN, pl.rev);
	/*
	 * Well before poll()'s timeout: at the timeout it looks once more
	 * and reports the events without any wake-up.
	 */
	EXPECT_GT((uint64_t)pl.ms * 1000000 / 2, t1 - t0)
		TH_LOG("no wake-up: poll() returned after %llu ms",
		       (unsigned long long)(t1 - t0) / 1000000);
	/* woken by the ring, not by the timer: it was half full by then */
	EXPECT_LE(ring / 2, used);
	/* until it stops after the touches */
	EXPECT_EQ(self->pid, waitpid(self->pid, &ret, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(ret));
	rings_unmap(&r);
}

struct waiter {
	int fd;
	pid_t pid;
	struct vmastat_event ev[64];
	volatile int done;
	int err;
	unsigned int count;
};

static void *wait_fn(void *arg)
{
	struct waiter *w = arg;
	struct vmastat_events_query q = {
		.size = sizeof(q),
		.flags = VMASTAT_EVENTS_WAIT,
		.pid = w->pid,
		.event_size = sizeof(w->ev[0]),
		.events = (uintptr_t)w->ev,
		.count = 64,
	};

	w->err = ioctl(w->fd, VMASTAT_IOC_EVENTS, &q) ? errno : 0;
	w->count = q.count;
	w->done = 1;
	return NULL;
}

static bool wait_done(struct waiter *w, int ms)
{
	for (int i = 0; i < ms / 10 && !w->done; i++)
		usleep(10000);
	return w->done;
}

TEST_F_TIMEOUT(tr, events_wait, 60)
{
	struct waiter w = { 0 };
	struct meas m0, m;
	pthread_t t;
	bool found = false;
	int status;
	long n;

	if (self->skip)
		return;
	start(_metadata, self, child_touch, &m0);
	step(_metadata, self, &m);
	ASSERT_LE(0, vms_drain_events(self->fd, self->pid, self->ev,
				      MAX_EVENTS, NULL));
	w.fd = self->fd;
	w.pid = self->pid;
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_fn, &w));
	EXPECT_FALSE(wait_done(&w, 300)) TH_LOG("returned without an event: %s",
						strerror(w.err));
	/* the target faults: the waiter wakes up with the events */
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	ASSERT_TRUE(wait_done(&w, 5000)) {
		vms_untrack(self->fd, self->pid);
		pthread_join(t, NULL);
	}
	pthread_join(t, NULL);
	ASSERT_EQ(0, w.err) TH_LOG("%s", strerror(w.err));
	EXPECT_LT(0, w.count);
	for (unsigned int i = 0; i < w.count; i++)
		found |= w.ev[i].address == self->sh->a[0] + 100;
	ASSERT_EQ(self->pid, waitpid(self->pid, &status, WUNTRACED));
	/*
	 * The waiter takes what has come in when it is woken (at most
	 * wake_us after the first event): the first touch, unless the target
	 * had not got that far, in which case it is among the rest.
	 */
	n = vms_drain_events(self->fd, self->pid, self->ev, MAX_EVENTS, NULL);
	ASSERT_LE(0, n);
	for (long i = 0; i < n && !found; i++)
		found = self->ev[i].address == self->sh->a[0] + 100;
	EXPECT_TRUE(found) TH_LOG("%u events to the waiter, %ld after: none at the first page",
				  w.count, n);

	/* untracking wakes a waiter with ESRCH */
	w.done = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, wait_fn, &w));
	EXPECT_FALSE(wait_done(&w, 200));
	ASSERT_EQ(0, vms_untrack(self->fd, self->pid));
	ASSERT_TRUE(wait_done(&w, 5000));
	pthread_join(t, NULL);
	EXPECT_EQ(ESRCH, w.err);
}

TEST_F_TIMEOUT(tr, events_text, 60)
{
	static char buf[1 << 20];
	struct pollfd pfd;
	struct meas m0, m;
	char num[32], *line, *save;
	size_t len = 0;
	int fd, in = 0, lines = 0;
	ssize_t r;
	unsigned long a;

	if (self->skip)
		return;
	start(_metadata, self, child_touch, &m0);
	step(_metadata, self, &m);
	step(_metadata, self, &m);	/* N faults at offset 100 */
	a = self->sh->a[0] + N * page;	/* the next N: offset 101 */
	fd = vms_open("events", O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd);
	snprintf(num, sizeof(num), "%d", self->pid);
	ASSERT_EQ(0, vms_write_str(fd, num));
	/* what is there already */
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	EXPECT_EQ(EAGAIN, errno);
	pfd.fd = fd;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, vms_cont(self->pid, NULL, true));
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	while ((r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	buf[len] = '\0';
	close(fd);

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long t, addr, ip, lat;
		char kind[16], acc[16], out[16], flags[64];
		int tid, cpu;

		lines++;
		ASSERT_EQ(10, sscanf(line, "%llu %d %d 0x%llx 0x%llx %15s %15s %15s %llu %63s",
				     &t, &tid, &cpu, &addr, &ip, kind, acc, out,
				     &lat, flags)) TH_LOG("bad line: %s", line);
		EXPECT_EQ(self->pid, tid);
		if (addr < a || addr >= a + N * page)
			continue;
		in++;
		EXPECT_EQ(101, (addr - a) % page);
		EXPECT_STREQ("anon", kind);
		EXPECT_STREQ("write", acc);
		EXPECT_STREQ("minor", out);
		EXPECT_STREQ("-", flags);
		EXPECT_NE(0, ip);
	}
	EXPECT_EQ(N, in);
	TH_LOG("%d lines", lines);
}

/* ---- the text files ---------------------------------------------------- */

static int child_idle(void *arg)
{
	struct shared *sh = arg;
	char *a = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1);

	if (!a)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	touch_write(a, N, 0);
	vms_stop();
	touch_write(a, N, 0);		/* no faults: already there */
	vms_stop();
	return 0;
}

static int read_file(const char *name, const char *pid, char *buf,
		     size_t size)
{
	int fd = vms_open(name, pid ? O_RDWR : O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		return fd;
	if (pid && vms_write_str(fd, pid)) {
		close(fd);
		return -errno;
	}
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -errno;
	buf[len] = '\0';
	return 0;
}

TEST_F_TIMEOUT(tr, text_faults_summary_hist_track, 60)
{
	static char buf[1 << 20];
	struct vmastat_hist_query h;
	struct vmastat_summary s;
	struct meas m0, m;
	char num[32], *p;
	unsigned long long v;
	int ret;

	if (self->skip)
		return;
	start(_metadata, self, child_idle, &m0);
	step(_metadata, self, &m);

	/* faults: the header, and the child's line equals PROCS */
	ASSERT_EQ(0, read_file("faults", NULL, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "pid state track minor major retry segv sigbus oom anon_min anon_maj file_min file_maj shmem_min shmem_maj other_min other_maj read write exec gup_min gup_maj remote cow swapin thp comm\n",
			     strlen("pid state track minor major retry segv sigbus oom anon_min anon_maj file_min file_maj shmem_min shmem_maj other_min other_maj read write exec gup_min gup_maj remote cow swapin thp comm\n")));
	snprintf(num, sizeof(num), "\n%d live yes ", self->pid);
	p = strstr(buf, num);
	ASSERT_NE(NULL, p) TH_LOG("no line '%s' in faults", num + 1);
	p += strlen(num);
	for (size_t i = 0; i < vms_fc_nr; i++) {
		char *end;

		v = strtoull(p, &end, 10);
		ASSERT_NE(p, end);
		EXPECT_EQ(VMS_FC(&m.p.counts, i), v)
			TH_LOG("faults file: %s", vms_fc_fields[i].name);
		p = end;
	}
	EXPECT_EQ(0, strncmp(p, " ", 1));
	EXPECT_EQ(0, strncmp(p + 1, m.p.comm, strlen(m.p.comm)));

	/* summary: the same keys as the struct; the stable ones equal */
	ASSERT_EQ(0, read_file("summary", NULL, buf, sizeof(buf)));
	ASSERT_EQ(0, vms_get_summary(self->fd, &s));
#define SUM_KEY(key, val) do {						\
	char *__k = strstr(buf, key " ");				\
	ASSERT_NE(NULL, __k) TH_LOG("summary: no %s", key);		\
	EXPECT_EQ((unsigned long long)(val),				\
		  strtoull(__k + strlen(key) + 1, NULL, 10)) TH_LOG("%s", key); \
} while (0)
	SUM_KEY("max_procs", s.max_procs);
	SUM_KEY("max_tracked", s.max_tracked);
	SUM_KEY("maxactive", s.maxactive);
	SUM_KEY("nr_tracked", s.nr_tracked);
	SUM_KEY("reset_ns", s.reset_ns);
	for (size_t i = 0; i < vms_fc_nr; i++) {
		char key[64];

		snprintf(key, sizeof(key), "\ntotal_%s ", vms_fc_fields[i].name);
		EXPECT_NE(NULL, strstr(buf, key)) TH_LOG("summary: no %s", key + 1);
	}
	EXPECT_LE(1, s.nr_tracked);
	EXPECT_EQ(vms_module_param("max_tracked"), s.max_tracked);

	/* hist: the text says what the ioctl says */
	ASSERT_EQ(0, vms_get_hist(self->fd, self->pid, &h));
	snprintf(num, sizeof(num), "%d", self->pid);
	ASSERT_EQ(0, read_file("hist", num, buf, sizeof(buf)));
	do {
		unsigned long long tot = 0;

		for (int b = 0; b < VMASTAT_HIST_BUCKETS; b++)
			tot += h.hist[VMASTAT_FK_ANON][0][b];
		snprintf(num, sizeof(num), "anon minor %llu\n", tot);
		EXPECT_EQ(D(&m0, &m, anon_minor), tot);
		EXPECT_NE(NULL, strstr(buf, num)) TH_LOG("hist: no '%s' in:\n%s", num, buf);
	} while (0);

	/* track: lists it; "-PID" untracks, "PID children" tracks again */
	ASSERT_EQ(0, read_file("track", NULL, buf, sizeof(buf)));
	snprintf(num, sizeof(num), "%d live", self->pid);
	EXPECT_NE(NULL, strstr(buf, num)) TH_LOG("track file:\n%s", buf);
	ret = vms_open("track", O_WRONLY);
	ASSERT_LE(0, ret);
	snprintf(num, sizeof(num), "-%d\n", self->pid);
	EXPECT_EQ(0, vms_write_str(ret, num));
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &m.p));
	EXPECT_EQ(0, m.p.flags & VMASTAT_PROC_TRACKED);
	snprintf(num, sizeof(num), "%d children\n", self->pid);
	EXPECT_EQ(0, vms_write_str(ret, num));
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &m.p));
	EXPECT_EQ(VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN, m.p.flags);
	EXPECT_EQ(-EBUSY, vms_write_str(ret, num));
	static const char * const bad[] = { "abc", "12x", "-", "1 kids",
					     "", "-x", "0", "--5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, vms_write_str(ret, bad[i]))
			TH_LOG("track: '%s'", bad[i]);
	}
	close(ret);

	/* reset: zero, then counting on equals /proc from there */
	ret = vms_open("reset", O_WRONLY);
	ASSERT_LE(0, ret);
	EXPECT_EQ(-EINVAL, vms_write_str(ret, "garbage"));
	snprintf(num, sizeof(num), "%d", self->pid);
	EXPECT_EQ(0, vms_write_str(ret, num));
	close(ret);
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &m.p));
	for (size_t i = 0; i < vms_fc_nr; i++) {
		EXPECT_EQ(0, VMS_FC(&m.p.counts, i));
	}
}

/* ---- errors ------------------------------------------------------------ */

static int child_nothing(void *arg)
{
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(tr, errors, 120)
{
	struct vmastat_summary s;
	struct vmastat_events_query eq;
	struct vmastat_hist_query h;
	struct vmastat_track t;
	struct vmastat_maps_query mq;
	struct vmastat_procs_query pq;
	struct vmastat_proc p;
	struct vmastat_vma v[4];
	struct vmastat_event ev[4];
	char big[512];
	pid_t gone;
	int ret, room;

	if (self->skip)
		return;
	self->pid = vms_spawn_steps(child_nothing, self->sh);
	ASSERT_LT(0, self->pid);

	/* not tracked: ENODATA */
	EXPECT_EQ(-ENODATA, vms_get_hist(self->fd, self->pid, &h));
	EXPECT_EQ(-ENODATA, (int)vms_drain_events(self->fd, self->pid, ev, 4, NULL));
	EXPECT_EQ(-ENODATA, vms_maps_faults(self->fd, self->pid,
					    VMASTAT_MAPS_FAULTS, v, 4, &self->nv));
	EXPECT_EQ(-ENODATA, vms_untrack(self->fd, self->pid));
	EXPECT_EQ(0, vms_maps_faults(self->fd, self->pid, 0, self->v, MAX_VMAS,
				     &self->nv));

	/* bad granules, unknown flags */
	EXPECT_EQ(-EINVAL, vms_track(self->fd, self->pid, 0, 11));
	EXPECT_EQ(-EINVAL, vms_track(self->fd, self->pid, 0, 22));
	EXPECT_EQ(-EINVAL, vms_track(self->fd, self->pid, 1ULL << 7, 0));
	t = (struct vmastat_track){ .size = sizeof(t), .flags = 1,
				    .pid = self->pid };
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_UNTRACK, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_RESET, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, vms_track(self->fd, self->pid, 0, 21));
	EXPECT_EQ(-EBUSY, vms_track(self->fd, self->pid, 0, 0));
	EXPECT_EQ(0, vms_untrack(self->fd, self->pid));
	EXPECT_EQ(0, vms_track(self->fd, self->pid, 0, 12));

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_SUMMARY, &s));
	EXPECT_EQ(EINVAL, errno);
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.pid = self->pid;
	h.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_HIST, &h));
	EXPECT_EQ(EINVAL, errno);
	eq = (struct vmastat_events_query){ .size = sizeof(eq), .flags = 2,
		.pid = self->pid, .event_size = sizeof(ev[0]),
		.events = (uintptr_t)ev, .count = 4 };
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS, &eq));
	EXPECT_EQ(EINVAL, errno);
	eq.flags = 0;
	eq.event_size = VMASTAT_EVENT_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS, &eq));
	EXPECT_EQ(EINVAL, errno);
	mq = (struct vmastat_maps_query){ .size = sizeof(mq), .flags = 4,
		.pid = self->pid, .vma_size = sizeof(v[0]),
		.vmas = (uintptr_t)v, .vma_count = 4 };
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_MAPS, &mq));
	EXPECT_EQ(EINVAL, errno);
	pq = (struct vmastat_procs_query){ .size = sizeof(pq), .flags = 2,
		.proc_size = sizeof(p), .procs = (uintptr_t)&p, .count = 1 };
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_PROCS, &pq));
	EXPECT_EQ(EINVAL, errno);
	pq.flags = 0;
	pq.proc_size = VMASTAT_PROC_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_PROCS, &pq));
	EXPECT_EQ(EINVAL, errno);

	/* sizes: too small EINVAL, larger with a nonzero tail E2BIG */
	memset(big, 0, sizeof(big));
	((struct vmastat_summary *)big)->size = VMASTAT_SUMMARY_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_SUMMARY, big));
	EXPECT_EQ(EINVAL, errno);
	((struct vmastat_summary *)big)->size = sizeof(struct vmastat_summary) + 8;
	EXPECT_EQ(0, ioctl(self->fd, VMASTAT_IOC_SUMMARY, big));
	big[sizeof(struct vmastat_summary) + 3] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_SUMMARY, big));
	EXPECT_EQ(E2BIG, errno);
	memset(big, 0, sizeof(big));
	t = (struct vmastat_track){ .size = VMASTAT_TRACK_SIZE_VER0 + 8,
				    .pid = self->pid };
	memcpy(big, &t, sizeof(t));
	big[VMASTAT_TRACK_SIZE_VER0 + 1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_RESET, big));
	EXPECT_EQ(E2BIG, errno);
	((struct vmastat_track *)big)->size = VMASTAT_TRACK_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_RESET, big));
	EXPECT_EQ(EINVAL, errno);
	memset(big, 0, sizeof(big));
	memcpy(big, &eq, sizeof(eq));
	((struct vmastat_events_query *)big)->size = VMASTAT_EVENTS_QUERY_SIZE_VER0 + 8;
	((struct vmastat_events_query *)big)->event_size = sizeof(ev[0]);
	big[VMASTAT_EVENTS_QUERY_SIZE_VER0 + 7] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMASTAT_IOC_EVENTS, big));
	EXPECT_EQ(E2BIG, errno);

	/* kernel threads */
	EXPECT_EQ(-EOPNOTSUPP, vms_track(self->fd, 2, 0, 0));
	EXPECT_EQ(-EOPNOTSUPP, vms_get_proc(self->fd, 2, &p));

	/* gone processes: ESRCH */
	gone = vms_spawn_steps(child_nothing, self->sh);
	ASSERT_LT(0, gone);
	vms_kill(gone);
	EXPECT_EQ(-ESRCH, vms_track(self->fd, gone, 0, 0));
	ret = vms_untrack(self->fd, gone);	/* exited, in the table */
	EXPECT_TRUE(ret == -ESRCH || ret == -ENODATA) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ(-ESRCH, vms_untrack(self->fd, 0x3ffffff0));
	EXPECT_EQ(-ESRCH, vms_get_proc(self->fd, 0x3ffffff0, &p));
	EXPECT_EQ(-ESRCH, vms_track(self->fd, 0x3ffffff0, 0, 0));

	/* ENOSPC: one more than max_tracked */
	ASSERT_EQ(0, vms_get_summary(self->fd, &s));
	room = s.max_tracked - s.nr_tracked;
	ASSERT_LE(0, room);
	ASSERT_GT(60, room) TH_LOG("max_tracked %u is more than this test makes",
				   s.max_tracked);
	for (int i = 0; i <= room; i++) {
		pid_t c = vms_spawn_steps(child_nothing, self->sh);

		ASSERT_LT(0, c);
		self->more[self->nmore++] = c;
		ret = vms_track(self->fd, c, 0, 0);
		if (i < room) {
			EXPECT_EQ(0, ret) TH_LOG("track %d of %d: %s", i + 1,
						 room, strerror(-ret));
		} else {
			EXPECT_EQ(-ENOSPC, ret) TH_LOG("track %d, max_tracked %u: %s",
						       i + 1, s.max_tracked, strerror(-ret));
		}
	}
	ASSERT_EQ(0, vms_get_summary(self->fd, &s));
	EXPECT_EQ(s.max_tracked, s.nr_tracked);

	/* text files that want a PID */
	static const char * const files[] = { "events", "hist" };
	for (size_t i = 0; i < 2; i++) {
		int fd = vms_open(files[i], O_RDWR);
		char b[64];
		snprintf(b, sizeof(b), "%d", self->more[room]);

		ASSERT_LE(0, fd);
		EXPECT_EQ(-EINVAL, vms_write_str(fd, "xyz")) TH_LOG("%s", files[i]);
		EXPECT_EQ(-1, read(fd, b, sizeof(b)));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s read before a PID", files[i]);
		snprintf(b, sizeof(b), "%d", self->more[room]);
		EXPECT_EQ(-ENODATA, vms_write_str(fd, b)) TH_LOG("%s: untracked", files[i]);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	vms_filter_tests(__fixture_list);
	vms_scale_timeouts(__fixture_list);
	return test_harness_run(argc, argv);
}

static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}
