// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: readers at the same time.
 *
 * Two threads, each with its own file descriptors and its own stopped
 * target, read maps and status over and over through both interfaces;
 * every answer must match its own target's /proc account: readers must
 * not see each other's targets or state.  Then readers race with targets
 * that keep changing their address space, and with targets that exit: the
 * answers must stay well-formed and the only error allowed is ESRCH for a
 * target that is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "vmastat_util.h"

#define ITERATIONS	150
#define CAP		8192

static long page;

/* Target A: a few hundred mappings of anonymous memory and of a file. */
static int build_a(void *arg)
{
	int fd = open("/proc/self/exe", O_RDONLY);

	if (fd < 0)
		return 1;
	for (int i = 0; i < 150; i++) {
		char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		char *f = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED || f == MAP_FAILED)
			return 2;
		p[(i % 4) * page] = 1;
		(void)*(volatile char *)f;
		if (mprotect(p + 3 * page, page, PROT_NONE))
			return 3;
	}
	return 0;
}

/* Target B: a couple of thousand small shared and private mappings. */
static int build_b(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			       (i % 3 ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return 2;
		if (i % 2)
			p[page] = 1;
		if (i % 5 == 0 && mprotect(p, page, PROT_READ))
			return 3;
	}
	return 0;
}

struct target {
	pid_t pid;
	struct vms_snap proc;
	struct vms_status status;
};

struct worker {
	pthread_t thread;
	struct target *t;
	unsigned int seed;
	int iterations;
	atomic_int failures;
	char why[256];
};

static void fail(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&w->failures, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	struct vms_buf buf;
	struct vms_snap s;
	struct vms_status st;
	struct vms_reader rd = { .buf = &buf };
	int status_fd, ret, i;

	vms_buf_init(&buf, 8 << 20);
	vms_snap_init(&s, CAP, 1 << 20);
	rd.maps_fd = vms_open("maps", O_RDWR);
	status_fd = vms_open("status", O_RDWR);
	rd.query_fd = vms_open("query", O_RDONLY);
	if (rd.maps_fd < 0 || status_fd < 0 || rd.query_fd < 0) {
		fail(w, "open failed");
		return NULL;
	}
	for (i = 0; i < ITERATIONS && !atomic_load(&w->failures); i++) {
		bool verbose = true;

		ret = vms_read_text(&rd, w->t->pid, &s);
		if (ret || vms_compare(&s, &w->t->proc, verbose)) {
			fail(w, "iteration %d: maps file: %s", i,
			     ret ? strerror(-ret) : "differs from /proc");
			break;
		}
		rd.batch = 1 + rand_r(&w->seed) % 64;
		ret = vms_read_ioctl(&rd, w->t->pid, &s);
		if (ret || vms_compare(&s, &w->t->proc, verbose)) {
			fail(w, "iteration %d: ioctl (batch %u): %s", i,
			     rd.batch, ret ? strerror(-ret) : "differs from /proc");
			break;
		}
		ret = vms_text_status(status_fd, w->t->pid, &buf, &st);
		if (ret || !vms_status_equal(&st, &w->t->status)) {
			fail(w, "iteration %d: status file: %s", i,
			     ret ? strerror(-ret) : "changed");
			break;
		}
		ret = vms_ioctl_status(rd.query_fd, w->t->pid, &st);
		if (ret || !vms_status_equal(&st, &w->t->status)) {
			fail(w, "iteration %d: status ioctl: %s", i,
			     ret ? strerror(-ret) : "changed");
			break;
		}
	}
	w->iterations = i;
	close(rd.maps_fd);
	close(status_fd);
	close(rd.query_fd);
	vms_snap_free(&s);
	vms_buf_free(&buf);
	return NULL;
}

FIXTURE(two) {
	bool skip;
	struct target t[2];
};

FIXTURE_SETUP(two)
{
	const char *why = vms_unavailable();
	struct vms_buf buf;
	struct vms_snap a, b;
	struct vms_reader rd = { .buf = &buf };
	int rounds, qfd;

	self->t[0].pid = -1;
	self->t[1].pid = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	page = sysconf(_SC_PAGESIZE);
	self->t[0].pid = vms_spawn_stopped(build_a, NULL);
	ASSERT_LT(0, self->t[0].pid);
	self->t[1].pid = vms_spawn_stopped(build_b, NULL);
	ASSERT_LT(0, self->t[1].pid);

	/* each target's truth, once: they are stopped */
	vms_buf_init(&buf, 8 << 20);
	vms_snap_init(&a, CAP, 1 << 20);
	vms_snap_init(&b, CAP, 1 << 20);
	rd.maps_fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, rd.maps_fd);
	qfd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, qfd);
	for (int i = 0; i < 2; i++) {
		struct target *t = &self->t[i];

		vms_snap_init(&t->proc, CAP, 1 << 20);
		ASSERT_EQ(0, vms_stable_compare(t->pid, vms_read_text, &rd, &buf,
						&a, &b, &t->proc, 5, &rounds));
		ASSERT_EQ(0, vms_ioctl_status(qfd, t->pid, &t->status));
		TH_LOG("target %d: pid %d, %zu mappings", i, t->pid, t->proc.nr);
	}
	close(rd.maps_fd);
	close(qfd);
	vms_snap_free(&a);
	vms_snap_free(&b);
	vms_buf_free(&buf);
}

FIXTURE_TEARDOWN(two)
{
	vms_kill(self->t[0].pid);
	vms_kill(self->t[1].pid);
}

TEST_F_TIMEOUT(two, readers_do_not_disturb_each_other, 240)
{
	struct worker w[4] = { 0 };
	int i;

	if (self->skip)
		return;
	/* two readers per target, the targets interleaved */
	for (i = 0; i < 4; i++) {
		w[i].t = &self->t[i % 2];
		w[i].seed = i + 1;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, reader, &w[i]));
	}
	for (i = 0; i < 4; i++)
		pthread_join(w[i].thread, NULL);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, atomic_load(&w[i].failures))
			TH_LOG("reader %d (target %d): %s", i, i % 2, w[i].why);
		EXPECT_EQ(ITERATIONS, w[i].iterations);
	}
}

/* ------------------------------------------------------------------ */

/*
 * A listing of a changing address space is still well-formed.  It is taken
 * in several goes (seq_file reads, ioctl batches), each resuming after the
 * last mapping seen, so the ends increase; a mapping that grew or merged in
 * between may overlap the one before it, as in /proc/PID/maps.
 */
static int sane(const struct vms_snap *s, char *why, size_t len)
{
	for (size_t i = 0; i < s->nr; i++) {
		const struct vms_vma *v = &s->v[i];
		unsigned long long kb = (v->end - v->start) >> 10;

		if (v->start >= v->end || (v->start | v->end) & (page - 1)) {
			snprintf(why, len, "bad range %llx-%llx", v->start, v->end);
			return -1;
		}
		if (i && v->end <= s->v[i - 1].end) {
			snprintf(why, len, "%llx-%llx after %llx-%llx: out of order",
				 v->start, v->end, s->v[i - 1].start,
				 s->v[i - 1].end);
			return -1;
		}
		if (v->rss != v->anon + v->file + v->shmem || v->rss > kb ||
		    v->thp > v->anon || v->kind < 0 ||
		    v->kind >= VMASTAT_KIND_MAX) {
			snprintf(why, len, "%llx-%llx: bad numbers (size %llu kB rss %llu anon %llu file %llu shmem %llu thp %llu kind %d)",
				 v->start, v->end, kb, v->rss, v->anon,
				 v->file, v->shmem, v->thp, v->kind);
			return -1;
		}
	}
	return 0;
}

static atomic_bool stop_mutating;

/* Keep changing the address space: map, touch, split, unmap. */
static void mutate(unsigned int seed)
{
	char *slots[64] = { 0 };

	while (!atomic_load(&stop_mutating)) {
		unsigned int k = rand_r(&seed) % 64;

		if (slots[k]) {
			munmap(slots[k], 8 * page);
			slots[k] = NULL;
			continue;
		}
		slots[k] = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slots[k] == MAP_FAILED) {
			slots[k] = NULL;
			continue;
		}
		slots[k][(k % 8) * page] = 1;
		mprotect(slots[k] + 2 * page, page, PROT_READ);
	}
}

static void *mutator_thread(void *arg)
{
	mutate(42);
	return NULL;
}

static int read_and_check(struct vms_reader *rd, int status_fd, pid_t pid,
			  struct vms_snap *s, struct vms_buf *buf, char *why,
			  size_t len, bool gone_ok)
{
	struct vms_status st;
	int ret;

	for (int k = 0; k < 4; k++) {
		switch (k) {
		case 0:
			ret = vms_read_text(rd, pid, s);
			break;
		case 1:
			ret = vms_read_ioctl(rd, pid, s);
			break;
		case 2:
			ret = vms_text_status(status_fd, pid, buf, &st);
			break;
		default:
			ret = vms_ioctl_status(rd->query_fd, pid, &st);
			break;
		}
		if (ret == -ESRCH && gone_ok)
			return 1;
		if (ret) {
			snprintf(why, len, "read %d: %s", k, strerror(-ret));
			return -1;
		}
		if (k < 2 && sane(s, why, len)) {
			size_t n = strlen(why);

			snprintf(why + n, len - n, " (%s)", k ? "ioctl" : "maps file");
			return -1;
		}
	}
	return 0;
}

#define REQUIRE_MODULE() do {						\
	const char *__why = vms_unavailable();				\
	if (__why)							\
		SKIP(return, "%s", __why);				\
} while (0)

/* Only for the timeouts: nothing to set up. */
FIXTURE(race) {
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

TEST_F_TIMEOUT(race, changing_targets, 240)
{
	struct vms_buf buf;
	struct vms_snap s;
	struct vms_reader rd = { .buf = &buf };
	pthread_t th;
	char why[256] = "";
	int status_fd, i, ret = 0;
	pid_t pid;

	REQUIRE_MODULE();
	page = sysconf(_SC_PAGESIZE);
	vms_buf_init(&buf, 8 << 20);
	vms_snap_init(&s, CAP, 1 << 20);
	rd.maps_fd = vms_open("maps", O_RDWR);
	rd.query_fd = vms_open("query", O_RDONLY);
	status_fd = vms_open("status", O_RDWR);
	ASSERT_LE(0, rd.maps_fd);
	ASSERT_LE(0, rd.query_fd);
	ASSERT_LE(0, status_fd);

	/* another process that keeps changing */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		mutate(7);
		_exit(0);
	}
	for (i = 0; i < ITERATIONS && !ret; i++)
		ret = read_and_check(&rd, status_fd, pid, &s, &buf, why,
				     sizeof(why), false);
	vms_kill(pid);
	ASSERT_EQ(0, ret) TH_LOG("another process, iteration %d: %s", i, why);

	/* ourselves, while another thread of ours keeps changing */
	atomic_store(&stop_mutating, false);
	ASSERT_EQ(0, pthread_create(&th, NULL, mutator_thread, NULL));
	for (i = 0; i < ITERATIONS && !ret; i++)
		ret = read_and_check(&rd, status_fd, getpid(), &s, &buf, why,
				     sizeof(why), false);
	atomic_store(&stop_mutating, true);
	pthread_join(th, NULL);
	ASSERT_EQ(0, ret) TH_LOG("ourselves, iteration %d: %s", i, why);

	close(rd.maps_fd);
	close(rd.query_fd);
	close(status_fd);
}

/* Targets that exit while they are read: ESRCH, or a good answer. */
TEST_F_TIMEOUT(race, exiting_targets, 240)
{
	struct vms_buf buf;
	struct vms_snap s;
	struct vms_reader rd = { .buf = &buf };
	char why[256] = "";
	int status_fd, i, ret = 0, gone = 0;

	REQUIRE_MODULE();
	page = sysconf(_SC_PAGESIZE);
	vms_buf_init(&buf, 8 << 20);
	vms_snap_init(&s, CAP, 1 << 20);
	rd.maps_fd = vms_open("maps", O_RDWR);
	rd.query_fd = vms_open("query", O_RDONLY);
	status_fd = vms_open("status", O_RDWR);
	ASSERT_LE(0, rd.maps_fd);
	ASSERT_LE(0, rd.query_fd);
	ASSERT_LE(0, status_fd);
	for (i = 0; i < 40 && ret >= 0; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct timespec ts = { 0, (i % 10) * 1000000L };

			nanosleep(&ts, NULL);
			_exit(0);
		}
		for (int k = 0; k < 20; k++) {
			ret = read_and_check(&rd, status_fd, pid, &s, &buf, why,
					     sizeof(why), true);
			if (ret) {
				gone += ret > 0;
				break;
			}
		}
		waitpid(pid, NULL, 0);
	}
	ASSERT_LE(0, ret) TH_LOG("exiting target %d: %s", i, why);
	TH_LOG("%d of %d targets seen going away", gone, i);
	close(rd.maps_fd);
	close(rd.query_fd);
	close(status_fd);
}

VMS_HARNESS_MAIN
