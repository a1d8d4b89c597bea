// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: fault accounting against the kernel's own numbers.
 *
 * Every target is a child of the test created after the module was loaded,
 * that stops itself (SIGSTOP) at known points; at each stop the module's
 * counts of it (VMASTAT_IOC_PROCS) must equal /proc/PID/stat's min_flt and
 * maj_flt exactly, and its user faults must equal what perf's software
 * events PERF_COUNT_SW_PAGE_FAULTS_MIN/MAJ counted.  Known workloads (first
 * writes to anonymous memory, reads of the zero page and the writes that
 * follow, page-cache hits and misses of a disk file, shmem, copy-on-write
 * after fork, instruction fetches, swap-in, a transparent huge page,
 * SIGSEGV, SIGBUS, faults taken by the kernel through GUP, faults in
 * another process's memory) must give exactly the classes they must give,
 * in the mapping the workload used (VMASTAT_IOC_MAPS with
 * VMASTAT_MAPS_FAULTS), with fault-around switched off
 * (/sys/kernel/debug/fault_around_bytes = 4096) and THP off
 * (MADV_NOHUGEPAGE) so that one touch is one fault.  A process that exits
 * keeps its final counts; a tracked process's latency histograms add up
 * to its counts by kind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "vmastat_fault_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define N		64		/* pages per workload */
#define THREADS		4
#define THP_SIZE	(2UL << 20)
#define MAX_VMAS	4096

static long page;

/* ---- global set-up: fault-around off, the scratch filesystem ---------- */

static pid_t main_pid;
static long fault_around_old = -1;
static int fault_around_err;
static const char *scratch;		/* mount point, or NULL */
static const char *scratch_why = "not set up";

static void global_teardown(void)
{
	if (getpid() != main_pid)
		return;
	if (fault_around_old >= 0)
		vms_fault_around_set(fault_around_old, NULL);
	vms_scratch_fs_teardown();
}

static void __attribute__((constructor)) global_setup(void)
{
	page = sysconf(_SC_PAGESIZE);
	main_pid = getpid();
	if (vms_unavailable())
		return;
	fault_around_err = vms_fault_around_set(page, &fault_around_old);
	if (fault_around_err)
		fault_around_old = -1;
	scratch = vms_scratch_fs_setup(&scratch_why);
	atexit(global_teardown);
}

/* ---- what a target and the test share --------------------------------- */

struct shared {
	unsigned long a[4];		/* workload addresses */
	pid_t gpid;			/* a grandchild */
	int skip;			/* the workload is not possible here */
	long val[8];			/* results the child reports */
	char path[128];			/* a file */
	char err[512];
};

#define CHILD_FAIL(sh, ...) do {					\
	snprintf((sh)->err, sizeof((sh)->err), __VA_ARGS__);		\
	return 1;							\
} while (0)

/*
 * Map @pages in a mapping of its own: between two PROT_NONE pages, so
 * that it merges with nothing and its per-VMA counts are its own.
 */
static char *map_alone(size_t pages, int prot, int flags, int fd, off_t off)
{
	char *r = mmap(NULL, (pages + 2) * page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p;

	if (r == MAP_FAILED)
		return NULL;
	p = mmap(r + page, pages * page, prot, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED)
		return NULL;
	if (!(flags & MAP_SHARED) && fd < 0)
		madvise(p, pages * page, MADV_NOHUGEPAGE); /* EINVAL without THP */
	return p;
}

static void touch_write(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * page] = 1;
}

static long touch_read(const char *p, size_t pages)
{
	long sum = 0;

	for (size_t i = 0; i < pages; i++)
		sum += ((const volatile char *)p)[i * page];
	return sum;
}

/* ---- the fixture ---------------------------------------------------------- */

struct meas {
	struct vms_kfaults k;
	struct vmastat_proc p;
};

FIXTURE(fa) {
	bool skip;
	int fd;
	pid_t pid;
	bool tracked;
	char classify_old[8];	/* classify_all before the test changed it */
	struct shared *sh;
	struct vmastat_vma *v;
	size_t nv;
	enum vms_swap_state swap;
	int perf_min, perf_maj;
};

FIXTURE_SETUP(fa)
{
	const char *why = vms_unavailable();

	self->pid = -1;
	self->fd = -1;
	self->perf_min = self->perf_maj = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	ASSERT_EQ(0, fault_around_err)
		TH_LOG("cannot set /sys/kernel/debug/fault_around_bytes: %s",
		       strerror(-fault_around_err));
	self->fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->fd);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	self->v = vms_alloc(MAX_VMAS * sizeof(*self->v));
}

FIXTURE_TEARDOWN(fa)
{
	if (self->sh && self->sh != MAP_FAILED && self->sh->gpid > 0) {
		kill(self->sh->gpid, SIGKILL);
		self->sh->gpid = 0;
	}
	if (self->tracked)
		vms_untrack(self->fd, self->pid);
	vms_kill(self->pid);
	if (self->classify_old[0])
		vms_param_set("classify_all", self->classify_old, NULL, 0);
	if (self->sh && self->sh != MAP_FAILED && self->sh->path[0])
		unlink(self->sh->path);
	vms_swap_teardown(self->swap);
	if (self->perf_min >= 0)
		close(self->perf_min);
	if (self->perf_maj >= 0)
		close(self->perf_maj);
	if (self->fd >= 0)
		close(self->fd);
}

/* Read both accounts of a stopped process; they must agree exactly. */
static void measure(struct __test_metadata *_metadata, FIXTURE_DATA(fa) *self,
		    pid_t pid, struct meas *m, const char *where)
{
	int ret;

	ASSERT_EQ('T', vms_proc_state(pid)) TH_LOG("%s: %d is not stopped", where, pid);
	ret = vms_proc_faults(pid, &m->k);
	ASSERT_EQ(0, ret) TH_LOG("/proc/%d/stat: %s", pid, strerror(-ret));
	ret = vms_get_proc(self->fd, pid, &m->p);
	ASSERT_EQ(0, ret) TH_LOG("VMASTAT_IOC_PROCS %d: %s", pid, strerror(-ret));
	EXPECT_EQ(pid, m->p.pid);
	EXPECT_EQ(0, m->p.flags & VMASTAT_PROC_EXITED);
	EXPECT_EQ(m->k.min, m->p.counts.minor)
		TH_LOG("%s: minor faults of %d: /proc says %llu, vmastat %llu",
		       where, pid, m->k.min, (unsigned long long)m->p.counts.minor);
	EXPECT_EQ(m->k.maj, m->p.counts.major)
		TH_LOG("%s: major faults of %d: /proc says %llu, vmastat %llu",
		       where, pid, m->k.maj, (unsigned long long)m->p.counts.major);
	/* the classes add up */
	EXPECT_EQ(m->p.counts.minor,
		  m->p.counts.anon_minor + m->p.counts.file_minor +
		  m->p.counts.shmem_minor + m->p.counts.other_minor);
	EXPECT_EQ(m->p.counts.major,
		  m->p.counts.anon_major + m->p.counts.file_major +
		  m->p.counts.shmem_major + m->p.counts.other_major);
	EXPECT_EQ(m->p.counts.minor + m->p.counts.major,
		  m->p.counts.read + m->p.counts.write + m->p.counts.exec);
	EXPECT_LE(m->p.counts.gup_minor, m->p.counts.minor);
	EXPECT_LE(m->p.counts.gup_major, m->p.counts.major);
}

/* Spawn @fn stopped at its start; track it (with @track_flags) if @track. */
static void start(struct __test_metadata *_metadata, FIXTURE_DATA(fa) *self,
		  int (*fn)(void *), bool track, uint64_t track_flags,
		  struct meas *m0)
{
	int ret;

	self->pid = vms_spawn_steps(fn, self->sh);
	ASSERT_LT(0, self->pid);
	if (track) {
		ret = vms_track(self->fd, self->pid, track_flags, 0);
		ASSERT_EQ(0, ret) TH_LOG("VMASTAT_IOC_TRACK: %s", strerror(-ret));
		self->tracked = true;
	}
	measure(_metadata, self, self->pid, m0, "at the start");
}

/* Continue the target to its next stop, then measure it. */
static void step(struct __test_metadata *_metadata, FIXTURE_DATA(fa) *self,
		 struct meas *m, const char *where)
{
	int status = 0, ret;

	ret = vms_cont(self->pid, &status, true);
	ASSERT_EQ(0, ret) TH_LOG("%s: target exited (status %#x): %s", where,
				 status, self->sh->err);
	measure(_metadata, self, self->pid, m, where);
}

static void get_maps(struct __test_metadata *_metadata, FIXTURE_DATA(fa) *self,
		     pid_t pid)
{
	int ret = vms_maps_faults(self->fd, pid,
				  VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED,
				  self->v, MAX_VMAS, &self->nv);

	ASSERT_EQ(0, ret) TH_LOG("VMASTAT_IOC_MAPS faults of %d: %s", pid,
				 strerror(-ret));
}

/* The faults of the mapping at @addr: it must exist and have @flags. */
static const struct vmastat_vma_faults *
vma_faults(struct __test_metadata *_metadata, FIXTURE_DATA(fa) *self,
	   unsigned long addr)
{
	const struct vmastat_vma *v = vms_find_vma(self->v, self->nv, addr);

	if (!v) {
		TH_LOG("no mapping at %#lx", addr);
		return NULL;
	}
	if (!(v->flags & VMASTAT_VMA_FAULTS)) {
		TH_LOG("mapping at %#lx has no VMASTAT_VMA_FAULTS", addr);
		return NULL;
	}
	return &v->faults;
}

static void log_faults(struct __test_metadata *_metadata, const char *what,
		       const struct vmastat_vma_faults *f)
{
	TH_LOG("%s: minor %llu major %llu read %llu write %llu exec %llu gup %llu cow %llu swapin %llu thp %llu retry %llu segv %llu sigbus %llu oom %llu kinds %#x",
	       what, (unsigned long long)f->minor, (unsigned long long)f->major,
	       (unsigned long long)f->read, (unsigned long long)f->write,
	       (unsigned long long)f->exec, (unsigned long long)f->gup,
	       (unsigned long long)f->cow, (unsigned long long)f->swapin,
	       (unsigned long long)f->thp, (unsigned long long)f->retry,
	       (unsigned long long)f->segv, (unsigned long long)f->sigbus,
	       (unsigned long long)f->oom, f->kinds);
}

/* Expected per-VMA counts; fields set to -1 are not checked. */
struct want {
	long long minor, major, read, write, exec, gup, cow, swapin, thp;
	long long segv, sigbus;
	long long kinds;
};

#define WANT(...) ((struct want){ .minor = -1, .major = -1, .read = -1,	\
	.write = -1, .exec = -1, .gup = -1, .cow = -1, .swapin = -1,	\
	.thp = -1, .segv = -1, .sigbus = -1, .kinds = -1, __VA_ARGS__ })

static void check_vma(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fa) *self, unsigned long addr,
		      const char *what, struct want w)
{
	const struct vmastat_vma_faults *f = vma_faults(_metadata, self, addr);
	int bad = 0;

	ASSERT_NE(NULL, f);
#define W(field) do {							\
	if (w.field >= 0 && (unsigned long long)w.field != f->field) {	\
		TH_LOG("%s: " #field " expected %lld got %llu", what,	\
		       w.field, (unsigned long long)f->field);		\
		bad++;							\
	}								\
} while (0)
	W(minor); W(major); W(read); W(write); W(exec); W(gup); W(cow);
	W(swapin); W(thp); W(segv); W(sigbus); W(kinds);
#undef W
	if (bad)
		log_faults(_metadata, what, f);
	EXPECT_EQ(0, bad);
}

/* The process's counters grew by at least @min_ in field @i from a to b. */
static unsigned long long fc_delta(const struct meas *a, const struct meas *b,
				   size_t off)
{
	return *(const uint64_t *)((const char *)&b->p.counts + off) -
	       *(const uint64_t *)((const char *)&a->p.counts + off);
}

#define DELTA(a, b, field) \
	fc_delta(a, b, offsetof(struct vmastat_fault_counts, field))

/* ---- totals: the module equals /proc and perf ----------------------------- */

static int child_mixed(void *arg)
{
	struct shared *sh = arg;
	char *heap = malloc(300 * 1024);
	char *p;

	if (!heap)
		CHILD_FAIL(sh, "malloc");
	memset(heap, 1, 300 * 1024);
	vms_stop();
	p = mmap(NULL, 3 * N * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	madvise(p, 3 * N * page, MADV_NOHUGEPAGE);
	touch_write(p, N);
	sh->val[0] = touch_read(p + N * page, N);
	touch_write(p + N * page, N);
	vms_stop();
	/* the kernel faults in for us (GUP), and copy_to_user() */
	if (madvise(p + 2 * N * page, N / 2 * page, MADV_POPULATE_WRITE))
		sh->skip = errno;
	if (read(open("/dev/zero", O_RDONLY), p + (2 * N + N / 2) * page,
		 N / 2 * page) != N / 2 * page)
		CHILD_FAIL(sh, "read /dev/zero: %s", strerror(errno));
	vms_stop();
	return 0;
}

static void perf_setup(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fa) *self)
{
	self->perf_min = vms_perf_open(self->pid, PERF_COUNT_SW_PAGE_FAULTS_MIN);
	self->perf_maj = vms_perf_open(self->pid, PERF_COUNT_SW_PAGE_FAULTS_MAJ);
	if (self->perf_min < 0 || self->perf_maj < 0)
		TH_LOG("perf_event_open: %s: not compared with perf",
		       strerror(-(self->perf_min < 0 ? self->perf_min :
				  self->perf_maj)));
}

/* perf counts the user faults (regs != NULL) since @m0 */
static void perf_check(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fa) *self, const struct meas *m0,
		       const struct meas *m, const char *where)
{
	long long pmin, pmaj;

	if (self->perf_min < 0 || self->perf_maj < 0)
		return;
	pmin = vms_perf_read(self->perf_min);
	pmaj = vms_perf_read(self->perf_maj);
	ASSERT_LE(0, pmin);
	ASSERT_LE(0, pmaj);
	EXPECT_EQ(pmin, (long long)(DELTA(m0, m, minor) - DELTA(m0, m, gup_minor)))
		TH_LOG("%s: perf minor faults %lld, vmastat minor %llu - gup_minor %llu",
		       where, pmin, DELTA(m0, m, minor), DELTA(m0, m, gup_minor));
	EXPECT_EQ(pmaj, (long long)(DELTA(m0, m, major) - DELTA(m0, m, gup_major)))
		TH_LOG("%s: perf major faults %lld, vmastat major %llu - gup_major %llu",
		       where, pmaj, DELTA(m0, m, major), DELTA(m0, m, gup_major));
}

TEST_F_TIMEOUT(fa, totals_single_thread, 60)
{
	struct meas m0, m1, m2, m3;

	if (self->skip)
		return;
	start(_metadata, self, child_mixed, false, 0, &m0);
	perf_setup(_metadata, self);
	step(_metadata, self, &m1, "after malloc");
	step(_metadata, self, &m2, "after anonymous writes");
	EXPECT_LE(3 * N, DELTA(&m1, &m2, minor));
	EXPECT_LE(2 * N, DELTA(&m1, &m2, anon_minor));
	EXPECT_LE(N, DELTA(&m1, &m2, cow));	/* the zero page */
	EXPECT_EQ(0, DELTA(&m1, &m2, gup_minor));
	perf_check(_metadata, self, &m0, &m2, "after anonymous writes");
	step(_metadata, self, &m3, "after GUP");
	if (self->sh->skip) {
		TH_LOG("MADV_POPULATE_WRITE: %s", strerror(self->sh->skip));
	} else {
		/* populate and read's copy_to_user: N faults, half by GUP */
		EXPECT_LE(N, DELTA(&m2, &m3, minor));
		EXPECT_EQ(N / 2, DELTA(&m2, &m3, gup_minor));
	}
	perf_check(_metadata, self, &m0, &m3, "after GUP");
	EXPECT_EQ(0, DELTA(&m0, &m3, remote));
}

/* threads touch pages; the process is measured with them alive, and gone */
struct thr_arg {
	char *p;
	pthread_barrier_t *bar;
};

static void *thread_fn(void *arg)
{
	struct thr_arg *a = arg;

	touch_write(a->p, N);
	pthread_barrier_wait(a->bar);	/* all done: main stops the process */
	pthread_barrier_wait(a->bar);	/* continued */
	touch_write(a->p + N * page, N);
	return NULL;
}

static int child_threads(void *arg)
{
	struct shared *sh = arg;
	pthread_barrier_t bar;
	struct thr_arg a[THREADS];
	pthread_t t[THREADS];
	char *p;
	int i;

	p = mmap(NULL, 2 * N * THREADS * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	madvise(p, 2 * N * THREADS * page, MADV_NOHUGEPAGE);
	pthread_barrier_init(&bar, NULL, THREADS + 1);
	for (i = 0; i < THREADS; i++) {
		a[i].p = p + 2 * N * i * page;
		a[i].bar = &bar;
		if (pthread_create(&t[i], NULL, thread_fn, &a[i]))
			CHILD_FAIL(sh, "pthread_create");
	}
	pthread_barrier_wait(&bar);
	vms_stop();		/* threads alive, blocked */
	pthread_barrier_wait(&bar);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	vms_stop();		/* threads gone */
	return 0;
}

TEST_F_TIMEOUT(fa, totals_threads, 60)
{
	struct meas m0, m1, m2;

	if (self->skip)
		return;
	start(_metadata, self, child_threads, false, 0, &m0);
	perf_setup(_metadata, self);
	step(_metadata, self, &m1, "threads alive");
	EXPECT_LE(THREADS * N, DELTA(&m0, &m1, anon_minor));
	perf_check(_metadata, self, &m0, &m1, "threads alive");
	step(_metadata, self, &m2, "threads exited");
	EXPECT_LE(THREADS * N, DELTA(&m1, &m2, anon_minor));
	EXPECT_LE(THREADS * N, DELTA(&m1, &m2, write));
	perf_check(_metadata, self, &m0, &m2, "threads exited");
}

/* ---- classes of known workloads -------------------------------------- */

static int child_anon(void *arg)
{
	struct shared *sh = arg;
	char *w = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *z = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!w || !z)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)w;
	sh->a[1] = (unsigned long)z;
	vms_stop();
	touch_write(w, N);		/* N first writes */
	sh->val[0] = touch_read(z, N);	/* N reads: the zero page */
	touch_write(z, N);		/* N copy-on-writes of it */
	vms_stop();
	return 0;
}

/* child_anon, tracked: every class per mapping and for the process */
static void anon_tracked(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fa) *self)
{
	struct meas m0, m1, m2;

	start(_metadata, self, child_anon, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "touched");
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "first writes",
		  WANT(.minor = N, .major = 0, .read = 0, .write = N,
		       .exec = 0, .gup = 0, .cow = 0, .swapin = 0, .thp = 0,
		       .segv = 0, .sigbus = 0,
		       .kinds = 1 << VMASTAT_FK_ANON));
	check_vma(_metadata, self, self->sh->a[1], "zero page, then writes",
		  WANT(.minor = 2 * N, .major = 0, .read = N, .write = N,
		       .exec = 0, .gup = 0, .cow = N, .swapin = 0, .thp = 0,
		       .kinds = 1 << VMASTAT_FK_ANON));
	EXPECT_LE(3 * N, DELTA(&m1, &m2, anon_minor));
	EXPECT_LE(2 * N, DELTA(&m1, &m2, write));
	EXPECT_LE(N, DELTA(&m1, &m2, read));
	EXPECT_LE(N, DELTA(&m1, &m2, cow));
}

TEST_F_TIMEOUT(fa, anon_write_and_zero_page_cow, 60)
{
	if (self->skip)
		return;
	anon_tracked(_metadata, self);
}

/*
 * With classify_all=N the fault path reads no page table for untracked
 * processes: their COW faults are not told apart, everything else is
 * counted as before.  Tracked processes keep every class.
 */
static void classify_all_off(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fa) *self)
{
	int ret = vms_param_set("classify_all", "N", self->classify_old,
				sizeof(self->classify_old));

	ASSERT_EQ(0, ret) TH_LOG("setting classify_all: %s", strerror(-ret));
	ASSERT_STREQ("Y", self->classify_old)
		TH_LOG("classify_all must default to Y");
}

TEST_F_TIMEOUT(fa, classify_all_n_untracked, 60)
{
	struct meas m0, m1, m2;

	if (self->skip)
		return;
	classify_all_off(_metadata, self);
	start(_metadata, self, child_anon, false, 0, &m0);
	perf_setup(_metadata, self);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "touched");
	EXPECT_LE(3 * N, DELTA(&m1, &m2, anon_minor));
	EXPECT_LE(2 * N, DELTA(&m1, &m2, write));
	EXPECT_LE(N, DELTA(&m1, &m2, read));
	/* N copy-on-writes of the zero page happened: none is counted */
	EXPECT_EQ(0, DELTA(&m0, &m2, cow));
	perf_check(_metadata, self, &m0, &m2, "touched");
}

TEST_F_TIMEOUT(fa, classify_all_n_tracked, 60)
{
	if (self->skip)
		return;
	classify_all_off(_metadata, self);
	anon_tracked(_metadata, self);
}

/* a file on a disk filesystem: page-cache hits, then misses */
static int child_file(void *arg)
{
	struct shared *sh = arg;
	unsigned char vec[N];
	int fd = open(sh->path, O_RDONLY);
	char *hit, *miss;
	long sum = 0;

	if (fd < 0)
		CHILD_FAIL(sh, "%s: %s", sh->path, strerror(errno));
	hit = map_alone(N, PROT_READ, MAP_PRIVATE, fd, 0);
	if (!hit)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)hit;
	if (mincore(hit, N * page, vec))
		CHILD_FAIL(sh, "mincore: %s", strerror(errno));
	for (int i = 0; i < N; i++)
		sh->val[0] += vec[i] & 1;
	vms_stop();
	sum += touch_read(hit, N);
	vms_stop();
	/* unmap the pages (the mapping stays) so that they can be dropped */
	if (madvise(hit, N * page, MADV_DONTNEED))
		CHILD_FAIL(sh, "MADV_DONTNEED: %s", strerror(errno));
	vms_stop();
	/* now the test has dropped the cache */
	miss = map_alone(N, PROT_READ, MAP_PRIVATE, fd, 0);
	if (!miss)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	madvise(miss, N * page, MADV_RANDOM);	/* no read-ahead */
	sh->a[1] = (unsigned long)miss;
	if (mincore(miss, N * page, vec))
		CHILD_FAIL(sh, "mincore: %s", strerror(errno));
	for (int i = 0; i < N; i++)
		sh->val[1] += vec[i] & 1;
	vms_stop();
	sum += touch_read(miss, N);
	sh->val[2] = sum;
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, file_cached_and_uncached, 60)
{
	struct meas m0, m1, m2, m3, m4;
	char *buf;
	int fd;

	if (self->skip)
		return;
	if (!scratch)
		SKIP(return, "no disk filesystem for page-cache misses: %s",
		     scratch_why);
	snprintf(self->sh->path, sizeof(self->sh->path), "%s/file", scratch);
	fd = open(self->sh->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	buf = vms_alloc(N * page);
	for (int i = 0; i < N; i++)
		buf[i * page] = 'a' + i % 26;
	ASSERT_EQ(N * page, write(fd, buf, N * page));
	ASSERT_EQ(0, fsync(fd));

	start(_metadata, self, child_file, true, 0, &m0);
	step(_metadata, self, &m1, "file mapped");
	ASSERT_EQ(N, self->sh->val[0]) TH_LOG("only %ld pages cached", self->sh->val[0]);
	step(_metadata, self, &m2, "cached pages read");
	EXPECT_EQ(0, DELTA(&m1, &m2, major));
	EXPECT_LE(N, DELTA(&m1, &m2, file_minor));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "cached file pages",
		  WANT(.minor = N, .major = 0, .read = N, .write = 0,
		       .exec = 0, .gup = 0, .cow = 0, .thp = 0,
		       .kinds = 1 << VMASTAT_FK_FILE));
	step(_metadata, self, &m3, "pages unmapped");

	/* drop the file's page cache (clean, not mapped any more) */
	ASSERT_EQ(0, posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED));
	step(_metadata, self, &m3, "mapped again");
	ASSERT_EQ(0, self->sh->val[1])
		TH_LOG("%ld pages still cached after POSIX_FADV_DONTNEED",
		       self->sh->val[1]);
	step(_metadata, self, &m4, "uncached pages read");
	close(fd);

	/* the kernel's own count of the misses: one major fault each */
	EXPECT_EQ(N, m4.k.maj - m3.k.maj);
	EXPECT_EQ(m4.k.maj - m3.k.maj, DELTA(&m3, &m4, file_major));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[1], "uncached file pages",
		  WANT(.minor = 0, .major = N, .read = N, .write = 0,
		       .exec = 0, .gup = 0, .cow = 0, .thp = 0,
		       .kinds = 1 << VMASTAT_FK_FILE));
	TH_LOG("%llu retries for %d page-cache misses",
	       DELTA(&m3, &m4, retry), N);
}

/* shmem: a memfd and shared anonymous memory */
static int child_shmem(void *arg)
{
	struct shared *sh = arg;
	int mfd = memfd_create("vmastat shmem", 0);
	char *m, *s;

	if (mfd < 0 || ftruncate(mfd, N * page))
		CHILD_FAIL(sh, "memfd: %s", strerror(errno));
	m = map_alone(N, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	s = map_alone(N, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (!m || !s)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)m;
	sh->a[1] = (unsigned long)s;
	vms_stop();
	touch_write(m, N);
	touch_write(s, N);
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, shmem, 60)
{
	struct meas m0, m1, m2;

	if (self->skip)
		return;
	start(_metadata, self, child_shmem, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "written");
	EXPECT_LE(2 * N, DELTA(&m1, &m2, shmem_minor));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "memfd",
		  WANT(.minor = N, .major = 0, .read = 0, .write = N,
		       .cow = 0, .gup = 0, .kinds = 1 << VMASTAT_FK_SHMEM));
	check_vma(_metadata, self, self->sh->a[1], "shared anonymous",
		  WANT(.minor = N, .major = 0, .read = 0, .write = N,
		       .cow = 0, .gup = 0, .kinds = 1 << VMASTAT_FK_SHMEM));
}

/* copy-on-write after fork: the child copies, the parent reuses */
static int child_fork_cow(void *arg)
{
	struct shared *sh = arg;
	char *r = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t g;

	if (!r)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)r;
	touch_write(r, N);
	vms_stop();
	g = fork();
	if (g < 0)
		CHILD_FAIL(sh, "fork: %s", strerror(errno));
	if (g == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		touch_write(r, N);
		raise(SIGSTOP);
		vms_exit_now(0);
	}
	sh->gpid = g;
	if (waitpid(g, &status, WUNTRACED) != g || !WIFSTOPPED(status))
		CHILD_FAIL(sh, "grandchild did not stop");
	touch_write(r, N);
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, fork_cow, 60)
{
	struct meas m0, m1, m2, g;
	struct vmastat_vma_faults sum;

	if (self->skip)
		return;
	start(_metadata, self, child_fork_cow, true, VMASTAT_TRACK_CHILDREN, &m0);
	step(_metadata, self, &m1, "written");
	step(_metadata, self, &m2, "forked, both wrote");
	ASSERT_LT(0, self->sh->gpid);

	/* the grandchild: created after the module, tracked from its fork */
	measure(_metadata, self, self->sh->gpid, &g, "grandchild");
	EXPECT_EQ(VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN,
		  m2.p.flags & (VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN))
		TH_LOG("the child itself is not tracked with its children");
	EXPECT_EQ(VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN,
		  g.p.flags & (VMASTAT_PROC_TRACKED | VMASTAT_PROC_CHILDREN))
		TH_LOG("the grandchild, forked after VMASTAT_TRACK_CHILDREN, did all its work and stopped untracked");
	EXPECT_LE(N, g.p.counts.cow);
	/* if it was tracked late, wait for it so that the rest can be seen */
	for (int i = 0; i < 100 && !(g.p.flags & VMASTAT_PROC_TRACKED); i++) {
		usleep(10000);
		ASSERT_EQ(0, vms_get_proc(self->fd, self->sh->gpid, &g.p));
	}
	get_maps(_metadata, self, self->sh->gpid);
	check_vma(_metadata, self, self->sh->a[0], "grandchild's copies",
		  WANT(.minor = N, .major = 0, .read = 0, .write = N,
		       .cow = N, .kinds = 1 << VMASTAT_FK_ANON));
	/* tracked from fork: every fault it took has an address */
	vms_sum_faults(self->v, self->nv, &sum);
	EXPECT_EQ(g.p.counts.minor + g.p.counts.major, sum.minor + sum.major)
		TH_LOG("grandchild: %llu faults, %llu of them per address",
		       (unsigned long long)(g.p.counts.minor + g.p.counts.major),
		       (unsigned long long)(sum.minor + sum.major));

	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "parent: writes, then reuse",
		  WANT(.minor = 2 * N, .major = 0, .read = 0, .write = 2 * N,
		       .cow = N, .kinds = 1 << VMASTAT_FK_ANON));
	EXPECT_LE(N, DELTA(&m1, &m2, cow));
}

/* instruction fetches from a freshly mapped page */
static int child_exec(void *arg)
{
	struct shared *sh = arg;
	int mfd = memfd_create("vmastat code", 0);
	unsigned char code[6] = { 0xb8, 0, 0, 0, 0, 0xc3 }; /* mov $i,%eax; ret */
	char *x;

	if (mfd < 0 || ftruncate(mfd, N * page))
		CHILD_FAIL(sh, "memfd: %s", strerror(errno));
	for (int i = 0; i < N; i++) {
		memcpy(code + 1, &i, 4);
		if (pwrite(mfd, code, sizeof(code), i * page) != sizeof(code))
			CHILD_FAIL(sh, "pwrite: %s", strerror(errno));
	}
	x = map_alone(N, PROT_READ | PROT_EXEC, MAP_PRIVATE, mfd, 0);
	if (!x)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)x;
	vms_stop();
	for (int i = 0; i < N; i++) {
		int (*fn)(void) = (int (*)(void))(x + i * page);

		if (fn() != i)
			CHILD_FAIL(sh, "code page %d returned the wrong value", i);
	}
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, exec, 60)
{
	struct meas m0, m1, m2;

#if !defined(__x86_64__) && !defined(__i386__)
	SKIP(return, "the test's machine code is x86");
#endif
	if (self->skip)
		return;
	start(_metadata, self, child_exec, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "called");
	EXPECT_LE(N, DELTA(&m1, &m2, exec));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "code pages",
		  WANT(.minor = N, .major = 0, .read = 0, .write = 0,
		       .exec = N, .gup = 0, .cow = 0,
		       .kinds = 1 << VMASTAT_FK_SHMEM));
}

/* swap-in after MADV_PAGEOUT */
static int child_swap(void *arg)
{
	struct shared *sh = arg;
	char *r = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!r)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)r;
	touch_write(r, N);
	if (madvise(r, N * page, MADV_PAGEOUT))
		sh->skip = errno;
	vms_stop();
	sh->val[0] = touch_read(r, N);
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, swapin, 60)
{
	struct meas m0, m1, m2;
	size_t present, swapped, p2, s2;
	const struct vmastat_vma_faults *f;

	if (self->skip)
		return;
	self->swap = vms_swap_setup();
	if (self->swap == VMS_SWAP_NONE)
		SKIP(return, "no swap");
	start(_metadata, self, child_swap, true, 0, &m0);
	step(_metadata, self, &m1, "paged out");
	if (self->sh->skip)
		SKIP(return, "MADV_PAGEOUT: %s", strerror(self->sh->skip));
	ASSERT_EQ(0, vms_pagemap_count(self->pid, self->sh->a[0], N, &present,
				       &swapped));
	TH_LOG("%zu pages swapped out, %zu present", swapped, present);
	ASSERT_LT(0, swapped);
	step(_metadata, self, &m2, "read back");
	ASSERT_EQ(0, vms_pagemap_count(self->pid, self->sh->a[0], N, &p2, &s2));
	EXPECT_EQ(N, p2);
	EXPECT_EQ(0, s2);

	EXPECT_EQ(swapped, DELTA(&m1, &m2, swapin));
	/* major or minor is the kernel's business: the same as /proc */
	EXPECT_EQ(m2.k.maj - m1.k.maj, DELTA(&m1, &m2, major));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "swapped in",
		  WANT(.swapin = swapped, .write = N, .read = swapped,
		       .cow = 0, .gup = 0, .kinds = 1 << VMASTAT_FK_ANON));
	f = vma_faults(_metadata, self, self->sh->a[0]);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(N + swapped, f->minor + f->major);
	EXPECT_LE(f->major, m2.k.maj - m1.k.maj);
	TH_LOG("swap-ins: %llu major, %llu minor",
	       (unsigned long long)f->major,
	       (unsigned long long)(f->minor - N));
}

/* one transparent huge page */
static int child_thp(void *arg)
{
	struct shared *sh = arg;
	char *r, *q;

	r = mmap(NULL, 3 * THP_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	/* aligned, with PROT_NONE below and above */
	q = (char *)(((uintptr_t)r + page + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (mmap(q, THP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != q)
		CHILD_FAIL(sh, "mmap fixed: %s", strerror(errno));
	if (madvise(q, THP_SIZE, MADV_HUGEPAGE))
		sh->skip = errno;
	sh->a[0] = (unsigned long)q;
	vms_stop();
	q[0] = 1;
	q[THP_SIZE - 1] = 1;
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, thp, 60)
{
	struct meas m0, m1, m2;
	long long kb;

	if (self->skip)
		return;
	if (vms_thp_mode() <= 0)
		SKIP(return, "transparent huge pages not available or 'never'");
	start(_metadata, self, child_thp, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	if (self->sh->skip)
		SKIP(return, "MADV_HUGEPAGE: %s", strerror(self->sh->skip));
	step(_metadata, self, &m2, "touched");
	kb = vms_smaps_thp_kb(self->pid, self->sh->a[0]);
	ASSERT_EQ(THP_SIZE >> 10, kb)
		TH_LOG("the kernel gave no huge page (AnonHugePages %lld kB)", kb);
	EXPECT_EQ(1, DELTA(&m1, &m2, thp));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "huge page",
		  WANT(.minor = 1, .major = 0, .write = 1, .thp = 1,
		       .kinds = 1 << VMASTAT_FK_ANON));
}

/* ---- errors: SIGSEGV, SIGBUS ------------------------------------------ */

static sigjmp_buf jb;
static volatile int sig_code;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	sig_code = si->si_code;
	siglongjmp(jb, 1);
}

static int child_segv(void *arg)
{
	struct shared *sh = arg;
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	char *ro = map_alone(4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *hole = map_alone(4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (!ro || !hole || munmap(hole, 4 * page))
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)ro;
	sh->a[1] = (unsigned long)hole;
	sigaction(SIGSEGV, &sa, NULL);
	vms_stop();
	for (i = 0; i < 4; i++) {
		if (!sigsetjmp(jb, 1))
			((volatile char *)ro)[i * page] = 1;
		else if (sig_code == SEGV_ACCERR)
			sh->val[0]++;
	}
	for (i = 0; i < 4; i++) {
		if (!sigsetjmp(jb, 1))
			(void)((volatile char *)hole)[i * page];
		else if (sig_code == SEGV_MAPERR)
			sh->val[1]++;
	}
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, sigsegv, 60)
{
	struct meas m0, m1, m2;
	struct vmastat_vma_faults u;
	bool partial;

	if (self->skip)
		return;
	start(_metadata, self, child_segv, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "faulted");
	ASSERT_EQ(4, self->sh->val[0]) TH_LOG("SEGV_ACCERR signals");
	ASSERT_EQ(4, self->sh->val[1]) TH_LOG("SEGV_MAPERR signals");
	EXPECT_EQ(8, DELTA(&m1, &m2, segv));
	/* errors are not accounted faults: /proc agrees (measure()) */
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "write to read-only",
		  WANT(.minor = 0, .major = 0, .segv = 4, .sigbus = 0));
	vms_sum_unmapped(self->v, self->nv, self->sh->a[1],
			 self->sh->a[1] + 4 * page, &u, &partial);
	EXPECT_EQ(4, u.segv) TH_LOG("SIGSEGV at unmapped addresses");
	EXPECT_EQ(0, u.minor + u.major);
	EXPECT_FALSE(partial);
}

static int child_sigbus(void *arg)
{
	struct shared *sh = arg;
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	int mfd = memfd_create("vmastat short", 0);
	char *m;

	if (mfd < 0 || ftruncate(mfd, page))
		CHILD_FAIL(sh, "memfd: %s", strerror(errno));
	m = map_alone(4, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (!m)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->a[0] = (unsigned long)m;
	sigaction(SIGBUS, &sa, NULL);
	vms_stop();
	m[0] = 1;
	for (int i = 1; i < 4; i++) {
		for (int j = 0; j < 2; j++) {
			if (!sigsetjmp(jb, 1))
				((volatile char *)m)[i * page] = 1;
			else if (sig_code == BUS_ADRERR)
				sh->val[0]++;
		}
	}
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, sigbus, 60)
{
	struct meas m0, m1, m2;

	if (self->skip)
		return;
	start(_metadata, self, child_sigbus, true, 0, &m0);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "faulted");
	ASSERT_EQ(6, self->sh->val[0]) TH_LOG("BUS_ADRERR signals");
	EXPECT_EQ(6, DELTA(&m1, &m2, sigbus));
	EXPECT_EQ(0, DELTA(&m1, &m2, segv));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[0], "past the end of a memfd",
		  WANT(.minor = 1, .major = 0, .write = 1, .sigbus = 6,
		       .segv = 0, .kinds = 1 << VMASTAT_FK_SHMEM));
}

/* ---- GUP: faults the kernel takes for the process --------------------- */

static int child_gup(void *arg)
{
	struct shared *sh = arg;
	char *pop = map_alone(N, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *rd = map_alone(N, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *buf = map_alone(N, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec local, remote;

	if (!pop || !rd || !buf)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	touch_write(buf, N);
	sh->a[0] = (unsigned long)pop;
	sh->a[1] = (unsigned long)rd;
	vms_stop();
	if (madvise(pop, N * page, MADV_POPULATE_WRITE))
		sh->skip = errno;
	local.iov_base = buf;
	local.iov_len = N * page;
	remote.iov_base = rd;
	remote.iov_len = N * page;
	sh->val[0] = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	sh->val[1] = errno;
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, gup_own_memory, 60)
{
	struct meas m0, m1, m2;

	if (self->skip)
		return;
	start(_metadata, self, child_gup, true, 0, &m0);
	perf_setup(_metadata, self);
	step(_metadata, self, &m1, "mapped");
	step(_metadata, self, &m2, "populated and read");
	ASSERT_EQ(N * page, self->sh->val[0])
		TH_LOG("process_vm_readv: %s", strerror(self->sh->val[1]));
	perf_check(_metadata, self, &m0, &m2, "after GUP");
	EXPECT_EQ(0, DELTA(&m1, &m2, remote));
	get_maps(_metadata, self, self->pid);
	check_vma(_metadata, self, self->sh->a[1], "process_vm_readv of itself",
		  WANT(.minor = N, .major = 0, .read = N, .write = 0, .gup = N,
		       .cow = 0, .kinds = 1 << VMASTAT_FK_ANON));
	if (self->sh->skip) {
		TH_LOG("MADV_POPULATE_WRITE: %s", strerror(self->sh->skip));
		EXPECT_EQ(N, DELTA(&m1, &m2, gup_minor));
		return;
	}
	check_vma(_metadata, self, self->sh->a[0], "MADV_POPULATE_WRITE",
		  WANT(.minor = N, .major = 0, .read = 0, .write = N, .gup = N,
		       .cow = 0, .kinds = 1 << VMASTAT_FK_ANON));
	EXPECT_EQ(2 * N, DELTA(&m1, &m2, gup_minor));
}

/* faults in another process's memory are the caller's */
static int child_remote(void *arg)
{
	struct shared *sh = arg;
	char *buf = map_alone(N, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iovec local, remote;
	int status;
	pid_t g;

	if (!buf)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	touch_write(buf, N);
	g = fork();
	if (g < 0)
		CHILD_FAIL(sh, "fork: %s", strerror(errno));
	if (g == 0) {
		char *r;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		r = map_alone(N, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		sh->a[0] = (unsigned long)r;
		raise(SIGSTOP);
		vms_exit_now(0);
	}
	sh->gpid = g;
	if (waitpid(g, &status, WUNTRACED) != g || !WIFSTOPPED(status))
		CHILD_FAIL(sh, "grandchild did not stop");
	if (!sh->a[0])
		CHILD_FAIL(sh, "grandchild: mmap failed");
	vms_stop();
	local.iov_base = buf;
	local.iov_len = N * page;
	remote.iov_base = (void *)sh->a[0];
	remote.iov_len = N * page;
	sh->val[0] = process_vm_readv(g, &local, 1, &remote, 1, 0);
	vms_stop();
	return 0;
}

TEST_F_TIMEOUT(fa, gup_remote, 60)
{
	struct meas m0, m1, m2, g1, g2;
	struct vmastat_vma_faults sum;
	size_t present, swapped;

	if (self->skip)
		return;
	start(_metadata, self, child_remote, true, 0, &m0);
	step(_metadata, self, &m1, "grandchild ready");
	measure(_metadata, self, self->sh->gpid, &g1, "grandchild before");
	step(_metadata, self, &m2, "read the grandchild's memory");
	ASSERT_EQ(N * page, self->sh->val[0]);
	measure(_metadata, self, self->sh->gpid, &g2, "grandchild after");
	ASSERT_EQ(0, vms_pagemap_count(self->sh->gpid, self->sh->a[0], N,
				       &present, &swapped));
	EXPECT_EQ(N, present);	/* the faults did happen, in its memory */

	/* charged to the caller, as /proc does */
	EXPECT_EQ(N, DELTA(&m1, &m2, remote));
	EXPECT_EQ(N, DELTA(&m1, &m2, gup_minor));
	EXPECT_EQ(g1.k.min, g2.k.min);
	EXPECT_EQ(g1.p.counts.minor, g2.p.counts.minor);
	EXPECT_EQ(g1.p.counts.remote, g2.p.counts.remote);

	/* not attributed to the caller's addresses */
	get_maps(_metadata, self, self->pid);
	vms_sum_faults(self->v, self->nv, &sum);
	EXPECT_EQ(DELTA(&m0, &m2, minor) + DELTA(&m0, &m2, major) -
		  DELTA(&m0, &m2, remote), sum.minor + sum.major);
}

/* ---- an exited process keeps its final counts ------------------------ */

static int child_exit(void *arg)
{
	struct shared *sh = arg;
	char *r = map_alone(N, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!r)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	touch_write(r, N);
	vms_stop();
	return 0;	/* a bare exit_group: no fault after the stop */
}

TEST_F_TIMEOUT(fa, exit_retention, 60)
{
	struct vmastat_proc p, all[64];
	struct vmastat_procs_query q;
	struct meas m0, m1;
	struct vms_kfaults z;
	int status = 0, ret;
	bool seen;

	if (self->skip)
		return;
	start(_metadata, self, child_exit, false, 0, &m0);
	step(_metadata, self, &m1, "last stop");
	ASSERT_EQ(1, vms_cont(self->pid, &status, true));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("status %#x: %s", status, self->sh->err);
	/* a zombie: /proc still has its final counts */
	ASSERT_EQ(0, vms_proc_faults(self->pid, &z));
	EXPECT_EQ(m1.k.min, z.min);
	EXPECT_EQ(m1.k.maj, z.maj);
	ASSERT_EQ(self->pid, waitpid(self->pid, NULL, 0));
	self->pid = -1;		/* reaped: never kill that number again */

	ret = vms_get_proc(self->fd, m1.p.pid, &p);
	ASSERT_EQ(0, ret) TH_LOG("PROCS of the exited %d: %s", m1.p.pid,
				 strerror(-ret));
	EXPECT_EQ(m1.p.pid, p.pid);
	EXPECT_TRUE(p.flags & VMASTAT_PROC_EXITED);
	EXPECT_EQ(z.min, p.counts.minor);
	EXPECT_EQ(z.maj, p.counts.major);
	EXPECT_EQ(m1.p.counts.anon_minor, p.counts.anon_minor);
	EXPECT_EQ(m1.p.counts.write, p.counts.write);
	EXPECT_EQ(m1.p.start_ns, p.start_ns);
	EXPECT_LT(p.start_ns, p.exit_ns);
	EXPECT_EQ(0, m1.p.exit_ns);
	EXPECT_NE(0, p.comm[0]);

	/* in the full listing with EXITED, not in the live one */
	for (int live = 0; live < 2; live++) {
		seen = false;
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.flags = live ? VMASTAT_PROCS_LIVE : 0;
		q.proc_size = sizeof(all[0]);
		for (;;) {
			q.procs = (uintptr_t)all;
			q.count = 64;
			ASSERT_EQ(0, ioctl(self->fd, VMASTAT_IOC_PROCS, &q))
				TH_LOG("PROCS: %s", strerror(errno));
			for (unsigned int i = 0; i < q.count; i++) {
				if (all[i].pid != m1.p.pid)
					continue;
				seen = true;
				EXPECT_TRUE(all[i].flags & VMASTAT_PROC_EXITED);
				EXPECT_EQ(z.min, all[i].counts.minor);
			}
			if (q.next == VMASTAT_MAPS_END)
				break;
			q.start = q.next;
		}
		EXPECT_EQ(!live, seen) TH_LOG("%s listing", live ? "live" : "full");
	}
}

/* ---- histograms add up to the counts by kind -------------------------- */

static int child_hist(void *arg)
{
	struct shared *sh = arg;
	int mfd = memfd_create("vmastat hist", 0);
	int efd = open("/proc/self/exe", O_RDONLY);
	char *a, *m, *f;

	if (mfd < 0 || ftruncate(mfd, N * page) || efd < 0)
		CHILD_FAIL(sh, "memfd: %s", strerror(errno));
	a = map_alone(2 * N, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m = map_alone(N, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	f = map_alone(1, PROT_READ, MAP_PRIVATE, efd, 0);
	if (!a || !m || !f)
		CHILD_FAIL(sh, "mmap: %s", strerror(errno));
	sh->val[0] = touch_read(a, N);
	touch_write(a, N);
	touch_write(m, N);
	vms_stop();
	sh->val[1] = touch_read(f, 1);	/* a file (this program) */
	vms_stop();
	touch_write(a + N * page, N);
	vms_stop();
	return 0;
}

static void check_hist(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fa) *self, const struct meas *m0,
		       const struct meas *m)
{
	static const char * const kn[] = { "anon", "file", "shmem", "other" };
	struct vmastat_hist_query h;
	int ret;

	ret = vms_get_hist(self->fd, self->pid, &h);
	ASSERT_EQ(0, ret) TH_LOG("VMASTAT_IOC_HIST: %s", strerror(-ret));
	EXPECT_EQ(VMASTAT_HIST_BUCKETS, h.nr_buckets);
	for (int k = 0; k < VMASTAT_FK_MAX; k++) {
		for (int mj = 0; mj < 2; mj++) {
			unsigned long long sum = 0, want;
			size_t off = offsetof(struct vmastat_fault_counts,
					      anon_minor) +
				     (2 * k + mj) * sizeof(uint64_t);

			for (int b = 0; b < VMASTAT_HIST_BUCKETS; b++)
				sum += h.hist[k][mj][b];
			want = fc_delta(m0, m, off);
			EXPECT_EQ(want, sum)
				TH_LOG("histogram %s %s: %llu faults, counts say %llu",
				       kn[k], mj ? "major" : "minor", sum, want);
		}
	}
}

TEST_F_TIMEOUT(fa, histograms, 60)
{
	struct vmastat_hist_query h;
	struct meas m0, m1, m2, m3;
	struct vmastat_proc p;

	if (self->skip)
		return;
	start(_metadata, self, child_hist, true, 0, &m0);
	step(_metadata, self, &m1, "anon and shmem");
	EXPECT_LE(2 * N, DELTA(&m0, &m1, anon_minor));
	EXPECT_LE(N, DELTA(&m0, &m1, shmem_minor));
	check_hist(_metadata, self, &m0, &m1);
	step(_metadata, self, &m2, "file");
	EXPECT_LE(1, DELTA(&m1, &m2, file_minor) + DELTA(&m1, &m2, file_major));
	check_hist(_metadata, self, &m0, &m2);

	/* RESET zeroes the counts and the histograms together */
	ASSERT_EQ(0, vms_reset(self->fd, self->pid));
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &p));
	for (size_t i = 0; i < vms_fc_nr; i++) {
		EXPECT_EQ(0, VMS_FC(&p.counts, i))
			TH_LOG("%s after RESET", vms_fc_fields[i].name);
	}
	ASSERT_EQ(0, vms_get_hist(self->fd, self->pid, &h));
	for (int k = 0; k < VMASTAT_FK_MAX; k++)
		for (int mj = 0; mj < 2; mj++)
			for (int b = 0; b < VMASTAT_HIST_BUCKETS; b++)
				EXPECT_EQ(0, h.hist[k][mj][b]);
	m2.p = p;
	ASSERT_EQ(0, vms_cont(self->pid, NULL, true));
	ASSERT_EQ(0, vms_proc_faults(self->pid, &m3.k));
	ASSERT_EQ(0, vms_get_proc(self->fd, self->pid, &m3.p));
	/* counting goes on from zero, as /proc does from where it was */
	EXPECT_EQ(m3.k.min - m2.k.min, m3.p.counts.minor);
	EXPECT_EQ(m3.k.maj - m2.k.maj, m3.p.counts.major);
	EXPECT_LE(N, m3.p.counts.anon_minor);
	check_hist(_metadata, self, &m2, &m3);
}

/* as TEST_HARNESS_MAIN, whose main() this file replaces */
static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	vms_filter_tests(__fixture_list);
	vms_scale_timeouts(__fixture_list);
	return test_harness_run(argc, argv);
}
