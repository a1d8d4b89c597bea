// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: the test process looks at itself.
 *
 * The module is asked about the calling process (the target's mm is the
 * caller's own, so results are copied out into the very address space
 * being walked).  Reading /proc/self/smaps must not change what it reads,
 * so everything is read into buffers mmap()ed and pre-faulted up front, the
 * stack is pre-faulted too, and each measurement is taken as
 * module, /proc, module until the two module reads agree: then /proc saw
 * the same address space and must agree with them exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "../kselftest_harness.h"
#include "vmastat_util.h"

#define TRIES		20
#define STACK_PREFAULT	(256 << 10)

FIXTURE(self) {
	bool skip;
	struct vms_buf buf;
	struct vms_snap a, b, p;
	int maps_fd, status_fd, query_fd;
};

FIXTURE_SETUP(self)
{
	const char *why = vms_unavailable();

	self->maps_fd = -1;
	self->status_fd = -1;
	self->query_fd = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	vms_buf_init(&self->buf, 16 << 20);
	vms_snap_init(&self->a, 8192, 1 << 20);
	vms_snap_init(&self->b, 8192, 1 << 20);
	vms_snap_init(&self->p, 8192, 1 << 20);
	self->maps_fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, self->maps_fd) TH_LOG("open maps: %s", strerror(-self->maps_fd));
	self->status_fd = vms_open("status", O_RDWR);
	ASSERT_LE(0, self->status_fd) TH_LOG("open status: %s", strerror(-self->status_fd));
	self->query_fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->query_fd) TH_LOG("open query: %s", strerror(-self->query_fd));
	vms_prefault_stack(STACK_PREFAULT);
}

FIXTURE_TEARDOWN(self)
{
	if (self->maps_fd >= 0)
		close(self->maps_fd);
	if (self->status_fd >= 0)
		close(self->status_fd);
	if (self->query_fd >= 0)
		close(self->query_fd);
}

static void check_self_maps(struct __test_metadata *_metadata,
			    FIXTURE_DATA(self) *self, bool use_ioctl)
{
	struct vms_reader rd = {
		.maps_fd = self->maps_fd,
		.query_fd = self->query_fd,
		.buf = &self->buf,
	};
	int rounds, ret;

	ret = vms_stable_compare(getpid(),
				 use_ioctl ? vms_read_ioctl : vms_read_text,
				 &rd, &self->buf, &self->a, &self->b, &self->p,
				 TRIES, &rounds);
	ASSERT_EQ(0, ret) TH_LOG("%s", ret < 0 ? strerror(-ret) : "differences: see above");
	TH_LOG("%zu mappings agree, stable after %d round(s)", self->a.nr, rounds);
	ASSERT_LT(5, self->a.nr);
}

TEST_F(self, maps_text)
{
	if (self->skip)
		return;
	check_self_maps(_metadata, self, false);
}

TEST_F(self, maps_ioctl)
{
	if (self->skip)
		return;
	check_self_maps(_metadata, self, true);
}

/* Both interfaces in one go, and the same fd used again and again. */
TEST_F(self, maps_text_repeated)
{
	int i;

	if (self->skip)
		return;
	for (i = 0; i < 5; i++)
		check_self_maps(_metadata, self, i & 1);
}

static int read_status(FIXTURE_DATA(self) *self, bool use_ioctl,
		       struct vms_status *st)
{
	if (use_ioctl)
		return vms_ioctl_status(self->query_fd, getpid(), st);
	return vms_text_status(self->status_fd, getpid(), &self->buf, st);
}

static void check_self_status(struct __test_metadata *_metadata,
			      FIXTURE_DATA(self) *self, bool use_ioctl)
{
	static struct vms_status a, b, p;
	unsigned long page = sysconf(_SC_PAGESIZE);
	unsigned long long brk_now;
	struct rlimit rl;
	bool legacy;
	void *m;
	int i, ret = 0;

	for (i = 1; i <= TRIES; i++) {
		ret = read_status(self, use_ioctl, &a);
		if (ret)
			break;
		ret = vms_proc_status(getpid(), &self->buf, &p);
		if (ret)
			break;
		ret = read_status(self, use_ioctl, &b);
		if (ret)
			break;
		if (vms_status_equal(&a, &b))
			break;
	}
	ASSERT_EQ(0, ret) TH_LOG("reading status failed: %s", strerror(-ret));
	ASSERT_GE(TRIES, i) TH_LOG("the module never gave the same answer twice in a row");
	ASSERT_EQ(0, vms_status_compare(&a, &p, true));

	/* brk is what brk(2) says it is */
	brk_now = (unsigned long)sbrk(0);
	EXPECT_EQ(brk_now, a.brk);
	EXPECT_LE(a.start_brk, a.brk);

	/* task_size: the last page below it can be mapped, nothing above */
	ASSERT_EQ(0, a.task_size % page);
	ASSERT_LT(a.start_stack, a.task_size);
	m = mmap((void *)(uintptr_t)(a.task_size - page), page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_TRUE(m != MAP_FAILED || errno == EEXIST)
		TH_LOG("cannot map the page below task_size %#llx: %s",
		       a.task_size, strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, page);
	m = mmap((void *)(uintptr_t)a.task_size, page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("mapped a page at task_size %#llx", a.task_size);
	if (m != MAP_FAILED)
		munmap(m, page);

	/* mmap_base: new mappings go below it (top-down) or above (legacy) */
	ASSERT_EQ(0, a.mmap_base % page);
	ASSERT_LT(a.mmap_base, a.task_size);
	legacy = !getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur == RLIM_INFINITY;
	m = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	if (legacy) {
		EXPECT_LE(a.mmap_base, (uintptr_t)m);
	} else {
		EXPECT_GE(a.mmap_base, (uintptr_t)m + page)
			TH_LOG("mmap(NULL) gave %p above mmap_base %#llx", m, a.mmap_base);
	}
	munmap(m, page);
	TH_LOG("stable after %d round(s): %llu mappings, rss %llu kB, brk %#llx, mmap_base %#llx, task_size %#llx",
	       i, a.vmas, a.rss, a.brk, a.mmap_base, a.task_size);
}

TEST_F(self, status_text)
{
	if (self->skip)
		return;
	check_self_status(_metadata, self, false);
}

TEST_F(self, status_ioctl)
{
	if (self->skip)
		return;
	check_self_status(_metadata, self, true);
}

/* The text and ioctl listings of one stable moment are the same. */
TEST_F(self, text_equals_ioctl)
{
	int i;

	if (self->skip)
		return;
	for (i = 0; i < TRIES; i++) {
		ASSERT_EQ(0, vms_text_maps(self->maps_fd, getpid(), &self->buf, &self->a));
		ASSERT_EQ(0, vms_ioctl_maps(self->query_fd, getpid(), &self->b, 1U << 20,
					    sizeof(struct vmastat_vma), false, 0));
		ASSERT_EQ(0, vms_text_maps(self->maps_fd, getpid(), &self->buf, &self->p));
		if (vms_snap_equal(&self->a, &self->p))
			break;
	}
	ASSERT_GT(TRIES, i);
	/* the text snapshot has no flags; the ioctl one has no text head */
	for (size_t k = 0; k < self->b.nr; k++)
		self->b.v[k].flags = 0;
	ASSERT_EQ(self->a.nr, self->b.nr);
	for (size_t k = 0; k < self->a.nr; k++) {
		struct vms_vma *x = &self->a.v[k], *y = &self->b.v[k];

		EXPECT_STREQ(x->head, y->head);
		EXPECT_EQ(x->rss, y->rss);
		EXPECT_EQ(x->anon, y->anon);
		EXPECT_EQ(x->file, y->file);
		EXPECT_EQ(x->shmem, y->shmem);
		EXPECT_EQ(x->swap, y->swap);
		EXPECT_EQ(x->thp, y->thp);
		EXPECT_EQ(x->kind, y->kind);
	}
}

VMS_HARNESS_MAIN
