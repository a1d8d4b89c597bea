// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: a stopped child with more than 30,000 mappings.
 *
 * The child maps a long anonymous region and mprotect()s every other page,
 * so that each page is a mapping of its own; it writes a quarter of the
 * pages and reads another quarter (which maps the zero page: not RSS).
 * Every listing of the module, in one go and in batches, must agree with
 * /proc/PID/smaps mapping by mapping, and its status with /proc/PID/status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../kselftest_harness.h"
#include "vmastat_util.h"

#define NR_PAGES	32768	/* one mapping each */
#define CAP		(NR_PAGES + 1024)
#define TRIES		5

static int build_many(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p;
	size_t i;

	p = mmap(NULL, NR_PAGES * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	/* no huge pages to split (EINVAL where there is no THP at all) */
	madvise((void *)p, NR_PAGES * page, MADV_NOHUGEPAGE);
	for (i = 0; i < NR_PAGES; i++) {
		switch (i % 4) {
		case 0:
			p[i * page] = 1;	/* written: anon RSS */
			break;
		case 3:
			(void)p[i * page];	/* read: the zero page */
			break;
		}
		if ((i & 1) && mprotect((void *)(p + i * page), page, PROT_READ))
			return 4;
	}
	return 0;
}

FIXTURE(many) {
	bool skip;
	pid_t child;
	struct vms_buf buf;
	struct vms_snap a, b, p;
	struct vms_reader rd;
	struct timespec t0;
};

static double elapsed(struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - t0->tv_sec + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

FIXTURE_SETUP(many)
{
	const char *why = vms_unavailable();

	self->child = -1;
	self->rd.maps_fd = -1;
	self->rd.query_fd = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	clock_gettime(CLOCK_MONOTONIC, &self->t0);
	/* first the child, so that it does not inherit the buffers */
	self->child = vms_spawn_stopped(build_many, NULL);
	ASSERT_LT(0, self->child);
	vms_buf_init(&self->buf, 64 << 20);	/* smaps: about 1 kB a mapping */
	vms_snap_init(&self->a, CAP, 1 << 20);
	vms_snap_init(&self->b, CAP, 1 << 20);
	vms_snap_init(&self->p, CAP, 1 << 20);
	self->rd.buf = &self->buf;
	self->rd.maps_fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, self->rd.maps_fd);
	self->rd.query_fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->rd.query_fd);
	TH_LOG("child with %d+ mappings ready after %.1f s", NR_PAGES,
	       elapsed(&self->t0));
}

FIXTURE_TEARDOWN(many)
{
	vms_kill(self->child);
	if (self->rd.maps_fd >= 0)
		close(self->rd.maps_fd);
	if (self->rd.query_fd >= 0)
		close(self->rd.query_fd);
}

static void check(struct __test_metadata *_metadata, FIXTURE_DATA(many) *self,
		  vms_read_maps_fn read)
{
	unsigned long long written = NR_PAGES / 4 * (sysconf(_SC_PAGESIZE) >> 10);
	int rounds, ret;

	ret = vms_stable_compare(self->child, read, &self->rd, &self->buf,
				 &self->a, &self->b, &self->p, TRIES, &rounds);
	ASSERT_EQ(0, ret) TH_LOG("%s", ret < 0 ? strerror(-ret) : "differences: see above");
	ASSERT_LT(NR_PAGES, self->a.nr);
	/* the test set up what it meant to: the written pages are anon RSS */
	ASSERT_LE(written, VMS_SUM(&self->a, anon));
	TH_LOG("%zu mappings agree (%d round(s), %.1f s)", self->a.nr, rounds,
	       elapsed(&self->t0));
}

TEST_F_TIMEOUT(many, maps_text, 150)
{
	if (self->skip)
		return;
	check(_metadata, self, vms_read_text);
}

TEST_F_TIMEOUT(many, maps_ioctl, 150)
{
	if (self->skip)
		return;
	check(_metadata, self, vms_read_ioctl);
}

TEST_F_TIMEOUT(many, maps_ioctl_batches, 150)
{
	if (self->skip)
		return;
	self->rd.batch = 1000;
	self->rd.names_size = 4096;
	check(_metadata, self, vms_read_ioctl);
}

TEST_F_TIMEOUT(many, status, 150)
{
	struct vms_status t, i, p;
	int fd;

	if (self->skip)
		return;
	fd = vms_open("status", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vms_text_status(fd, self->child, &self->buf, &t));
	ASSERT_EQ(0, vms_ioctl_status(self->rd.query_fd, self->child, &i));
	ASSERT_EQ(0, vms_proc_status(self->child, &self->buf, &p));
	close(fd);
	EXPECT_EQ(0, vms_status_compare(&t, &p, true));
	EXPECT_EQ(0, vms_status_compare(&i, &p, true));
	EXPECT_TRUE(vms_status_equal(&t, &i));
	EXPECT_LT(NR_PAGES, t.vmas);
}

VMS_HARNESS_MAIN
