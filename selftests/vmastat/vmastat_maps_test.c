// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: a stopped child with a few hundred mappings of every sort.
 *
 * The child builds anonymous private and shared memory, private and shared
 * mappings of a file in /tmp and of a read-only system file, memfd and SysV
 * shared memory, mprotect() splits, mremap() moves and grows, PROT_NONE
 * guard pages, a partial munmap(), a mapping of a deleted file, a
 * MADV_HUGEPAGE region (THP), a named anonymous region where the kernel
 * supports it, mlock()ed, MAP_GROWSDOWN and MADV_NOHUGEPAGE regions, the
 * heap, and anonymous memory pushed out to a zram swap device with
 * MADV_PAGEOUT; then it stops itself.  Every answer of the module, through
 * the maps and status files and through the ioctls, is compared with
 * /proc/PID/smaps and /proc/PID/status of the stopped child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "vmastat_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

#define ROUNDS		36	/* each round adds about ten mappings */
#define FILE_PAGES	64
#define SWAP_PAGES	256
#define THP_SIZE	(2UL << 20)
#define TRIES		10

/* What the child tells its parent, in a shared page. */
struct child_info {
	int anon_name;			/* 0, or -errno of PR_SET_VMA_ANON_NAME */
	int collapse;			/* -1: not tried, else MADV_COLLAPSE result */
	int pageout;			/* 0, or -errno of MADV_PAGEOUT */
	unsigned long thp_start;
	unsigned long swap_start;
	unsigned long long brk;
	char file[128];			/* kept: parent unlinks it */
	char nl_file[128];		/* a name with a newline */
	char deleted[128];		/* unlinked while mapped */
	char err[256];
};

static long page;

#define CHILD_FAIL(info, ...) do {					\
	snprintf((info)->err, sizeof((info)->err), __VA_ARGS__);	\
	return 1;							\
} while (0)

static void touch(char *p, size_t pages, unsigned int pattern, bool write)
{
	volatile char *q = p;
	size_t i;

	for (i = 0; i < pages; i++) {
		if (!((pattern >> (i % 8)) & 1))
			continue;
		if (write)
			q[i * page] = (char)(i + 1);
		else
			(void)q[i * page];
	}
}

static int make_file(struct child_info *info, char *path, size_t size,
		     const char *template)
{
	char *buf;
	int fd;

	snprintf(path, size, "%s", template);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	buf = calloc(FILE_PAGES, page);
	if (!buf)
		return -1;
	for (size_t i = 0; i < FILE_PAGES; i++)
		buf[i * page] = 'a' + i % 26;
	if (write(fd, buf, FILE_PAGES * page) != FILE_PAGES * page) {
		free(buf);
		close(fd);
		return -1;
	}
	free(buf);
	return fd;
}

static void *map(void *addr, size_t pages, int prot, int flags, int fd,
		 size_t off_pages)
{
	return mmap(addr, pages * page, prot, flags, fd, off_pages * page);
}

static int build_mixed(void *arg)
{
	struct child_info *info = arg;
	int fd, nl_fd, sys_fd, mem_fd, shm_id;
	size_t sys_pages;
	struct stat st;
	char *p, *q;
	int r;

	info->collapse = -1;

	fd = make_file(info, info->file, sizeof(info->file),
		       "/tmp/vmastat map test.XXXXXX");
	if (fd < 0)
		CHILD_FAIL(info, "temp file: %s", strerror(errno));
	nl_fd = make_file(info, info->nl_file, sizeof(info->nl_file),
			  "/tmp/vmastat\nnewline.XXXXXX");
	if (nl_fd < 0)
		CHILD_FAIL(info, "temp file: %s", strerror(errno));

	/* a read-only system file: this very program */
	sys_fd = open("/proc/self/exe", O_RDONLY);
	if (sys_fd < 0 || fstat(sys_fd, &st))
		CHILD_FAIL(info, "/proc/self/exe: %s", strerror(errno));
	sys_pages = (st.st_size + page - 1) / page;

	mem_fd = memfd_create("vmastat test", 0);
	if (mem_fd < 0 || ftruncate(mem_fd, FILE_PAGES * page))
		CHILD_FAIL(info, "memfd: %s", strerror(errno));

	for (r = 0; r < ROUNDS; r++) {
		unsigned int pat = 0x55 << (r % 3) | r;

		/* anonymous private, a guard page, anonymous shared */
		p = map(NULL, 8, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "anon: %s", strerror(errno));
		touch(p, 8, pat, true);
		touch(p, 8, ~pat, false);	/* the zero page is not RSS */
		if (mprotect(p + 7 * page, page, PROT_NONE))
			CHILD_FAIL(info, "mprotect: %s", strerror(errno));
		p = map(NULL, 4, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "shared anon: %s", strerror(errno));
		touch(p, 4, pat, true);

		/* the /tmp file, private (read, then COW) and shared */
		p = map(NULL, 16, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			r % 2 ? fd : nl_fd, r % 4);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "file private: %s", strerror(errno));
		touch(p, 16, pat, false);
		touch(p, 16, pat >> 2, true);
		p = map(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			r % 8);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "file shared: %s", strerror(errno));
		touch(p, 8, pat, r % 2);

		/* the system file, private and shared, read only */
		p = map(NULL, sys_pages, PROT_READ | (r % 3 ? 0 : PROT_EXEC),
			MAP_PRIVATE, sys_fd, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "system file: %s", strerror(errno));
		touch(p, sys_pages, pat, false);
		p = map(NULL, sys_pages, PROT_READ, MAP_SHARED, sys_fd, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "system file shared: %s", strerror(errno));
		touch(p, sys_pages, ~pat, false);

		/* memfd, shared and private (COW) */
		p = map(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, mem_fd,
			r % 8);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "memfd: %s", strerror(errno));
		touch(p, 8, pat, true);
		p = map(NULL, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE, mem_fd,
			0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "memfd private: %s", strerror(errno));
		touch(p, 8, pat, false);
		touch(p, 8, pat >> 1, true);

		/* populated read-only anonymous, and one that is untouched */
		p = map(NULL, 2, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "populate: %s", strerror(errno));
		p = map(NULL, 3, PROT_READ | PROT_EXEC,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			CHILD_FAIL(info, "anon: %s", strerror(errno));
	}

	/* mprotect splits one region into five */
	p = map(NULL, 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	touch(p, 20, 0xff, true);
	if (mprotect(p + 4 * page, 4 * page, PROT_READ) ||
	    mprotect(p + 12 * page, 4 * page, PROT_NONE))
		CHILD_FAIL(info, "mprotect: %s", strerror(errno));

	/* partial munmap punches a hole */
	p = map(NULL, 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	touch(p, 16, 0x33, true);
	if (munmap(p + 5 * page, 3 * page))
		CHILD_FAIL(info, "munmap: %s", strerror(errno));

	/* mremap: move to a fixed place, and grow (maybe moving) */
	p = map(NULL, 6, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	q = map(NULL, 12, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || q == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	touch(p, 6, 0x2d, true);
	p = mremap(p, 6 * page, 6 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   q + 3 * page);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "mremap move: %s", strerror(errno));
	p = map(NULL, 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "file shared: %s", strerror(errno));
	touch(p, 4, 0xff, true);
	p = mremap(p, 4 * page, 12 * page, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "mremap grow: %s", strerror(errno));
	touch(p, 12, 0x81, false);
	p = map(NULL, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	touch(p, 4, 0xff, true);
	p = mremap(p, 4 * page, 40 * page, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "mremap grow: %s", strerror(errno));
	touch(p, 40, 0x0f, true);

	/* a deleted file, still mapped */
	close(make_file(info, info->deleted, sizeof(info->deleted),
			"/tmp/vmastat-deleted.XXXXXX"));
	r = open(info->deleted, O_RDWR);
	if (r < 0)
		CHILD_FAIL(info, "%s: %s", info->deleted, strerror(errno));
	p = map(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "deleted file: %s", strerror(errno));
	touch(p, 8, 0x5a, true);
	q = map(NULL, 8, PROT_READ, MAP_PRIVATE, r, 0);
	if (q == MAP_FAILED)
		CHILD_FAIL(info, "deleted file: %s", strerror(errno));
	touch(q, 8, 0xa5, false);
	close(r);
	if (unlink(info->deleted))
		CHILD_FAIL(info, "unlink: %s", strerror(errno));
	info->deleted[0] = '\0';

	/* SysV shared memory, already removed (goes when detached) */
	shm_id = shmget(IPC_PRIVATE, 8 * page, IPC_CREAT | 0600);
	if (shm_id >= 0) {
		p = shmat(shm_id, NULL, 0);
		shmctl(shm_id, IPC_RMID, NULL);
		if (p != (void *)-1)
			touch(p, 8, 0x77, true);
	}

	/* THP: a 2 MiB aligned MADV_HUGEPAGE region, touched */
	p = map(NULL, 2 * THP_SIZE / page, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	q = (char *)(((uintptr_t)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
	info->thp_start = (uintptr_t)q;
	if (madvise(q, THP_SIZE, MADV_HUGEPAGE) == 0) {
		touch(q, THP_SIZE / page, 0xff, true);
		/* if the fault got no huge page, ask for a collapse */
		info->collapse = madvise(q, THP_SIZE, MADV_COLLAPSE) ? -errno : 0;
	}

	/* MADV_NOHUGEPAGE, mlock, MAP_GROWSDOWN */
	p = map(NULL, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	madvise(p, 8 * page, MADV_NOHUGEPAGE);	/* EINVAL without THP */
	touch(p, 8, 0x11, true);
	p = map(NULL, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED || mlock(p, 4 * page))
		CHILD_FAIL(info, "mlock: %s", strerror(errno));
	p = map(NULL, 8, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "growsdown: %s", strerror(errno));
	touch(p, 8, 0xc0, true);

	/* a named anonymous region, where the kernel has names */
	p = map(NULL, 6, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	touch(p, 6, 0x0f, true);
	info->anon_name = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p + page,
				3 * page, "vmastat test") ? -errno : 0;

	/* the heap */
	p = sbrk(64 * page);
	if (p == (void *)-1)
		CHILD_FAIL(info, "sbrk: %s", strerror(errno));
	touch(p, 64, 0x99, true);
	info->brk = (uintptr_t)sbrk(0);

	/* anonymous memory, partly paged out to swap */
	p = map(NULL, SWAP_PAGES, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		CHILD_FAIL(info, "anon: %s", strerror(errno));
	madvise(p, SWAP_PAGES * page, MADV_NOHUGEPAGE);
	info->swap_start = (uintptr_t)p;
	touch(p, SWAP_PAGES, 0xff, true);
	info->pageout = madvise(p, SWAP_PAGES / 2 * page, MADV_PAGEOUT) ?
			-errno : 0;
	return 0;
}

FIXTURE(mixed) {
	bool skip;
	enum vms_swap_state swap;
	struct child_info *info;
	pid_t child;
	struct vms_buf buf;
	struct vms_snap a, b, p;
	struct vms_reader rd;
};

static void mixed_cleanup(FIXTURE_DATA(mixed) *self)
{
	vms_kill(self->child);
	self->child = -1;
	if (self->info && self->info != MAP_FAILED) {
		if (self->info->file[0])
			unlink(self->info->file);
		if (self->info->nl_file[0])
			unlink(self->info->nl_file);
		if (self->info->deleted[0])
			unlink(self->info->deleted);
		self->info->file[0] = '\0';
		self->info->nl_file[0] = '\0';
		self->info->deleted[0] = '\0';
	}
	vms_swap_teardown(self->swap);
	self->swap = VMS_SWAP_NONE;
}

FIXTURE_SETUP(mixed)
{
	const char *why = vms_unavailable();

	self->child = -1;
	self->rd.maps_fd = -1;
	self->rd.query_fd = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	page = sysconf(_SC_PAGESIZE);
	self->rd.maps_fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, self->rd.maps_fd);
	self->rd.query_fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->rd.query_fd);
	self->info = mmap(NULL, sizeof(*self->info), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->info);

	/* from here on, a failure must clean up before it asserts */
	self->swap = vms_swap_setup();
	/* first the child, so that it does not inherit the buffers */
	self->child = vms_spawn_stopped(build_mixed, self->info);
	if (self->child <= 0) {
		TH_LOG("target child failed: %s", self->info->err);
		mixed_cleanup(self);
		ASSERT_LT(0, self->child);
	}
	if (self->info->pageout)
		TH_LOG("MADV_PAGEOUT: %s", strerror(-self->info->pageout));

	vms_buf_init(&self->buf, 32 << 20);
	vms_snap_init(&self->a, 4096, 1 << 20);
	vms_snap_init(&self->b, 4096, 1 << 20);
	vms_snap_init(&self->p, 4096, 1 << 20);
	self->rd.buf = &self->buf;
}

FIXTURE_TEARDOWN(mixed)
{
	mixed_cleanup(self);
	if (self->rd.maps_fd >= 0)
		close(self->rd.maps_fd);
	if (self->rd.query_fd >= 0)
		close(self->rd.query_fd);
}

static const struct vms_vma *find_vma(const struct vms_snap *s,
				      unsigned long addr)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i].start <= addr && addr < s->v[i].end)
			return &s->v[i];
	return NULL;
}

/* The listing agrees with /proc, and the child's set-up is all in it. */
static void check_listing(struct __test_metadata *_metadata,
			  FIXTURE_DATA(mixed) *self, vms_read_maps_fn read)
{
	const struct vms_snap *a = &self->a, *p = &self->p;
	unsigned int kinds = 0;
	bool deleted = false;
	int rounds, ret;
	size_t i;

	ret = vms_stable_compare(self->child, read, &self->rd, &self->buf,
				 &self->a, &self->b, &self->p, TRIES, &rounds);
	ASSERT_EQ(0, ret) TH_LOG("%s", ret < 0 ? strerror(-ret) : "differences: see above");
	TH_LOG("%zu mappings agree (%d round(s))", a->nr, rounds);

	/* make sure the child built what it meant to */
	ASSERT_LE(ROUNDS * 10, a->nr);
	for (i = 0; i < p->nr; i++) {
		if (p->v[i].kind >= 0)
			kinds |= 1U << p->v[i].kind;
		if (strstr(vms_name(p, i), "vmastat-deleted") &&
		    strstr(vms_name(p, i), " (deleted)"))
			deleted = true;
	}
	EXPECT_TRUE(deleted);
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_ANON));
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_FILE));
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_SHMEM));
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_HEAP));
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_STACK));
	EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_VDSO));
	EXPECT_TRUE(VMS_SUM(a, file) > 0);
	EXPECT_TRUE(VMS_SUM(a, shmem) > 0);

	if (self->info->anon_name) {
		TH_LOG("PR_SET_VMA_ANON_NAME: %s: named anonymous memory not tested",
		       strerror(-self->info->anon_name));
	} else {
		EXPECT_TRUE(kinds & (1U << VMASTAT_KIND_ANON_NAMED));
	}

	if (vms_thp_mode() <= 0) {
		TH_LOG("THP not enabled: huge pages not tested");
	} else {
		const struct vms_vma *v = find_vma(a, self->info->thp_start);

		ASSERT_NE(NULL, v);
		EXPECT_LT(0, VMS_SUM(p, thp))
			TH_LOG("the kernel gave no huge page (MADV_COLLAPSE: %d)",
			       self->info->collapse);
		EXPECT_LT(0, v->thp);
		TH_LOG("%llu kB in transparent huge pages", VMS_SUM(a, thp));
	}

	if (self->swap == VMS_SWAP_NONE) {
		TH_LOG("no swap: swap not tested");
	} else {
		const struct vms_vma *v = find_vma(a, self->info->swap_start);

		ASSERT_NE(NULL, v);
		/* the module found swap entries where the kernel put them */
		ASSERT_LT(0, VMS_SUM(a, swap));
		EXPECT_LT(0, v->swap);
		TH_LOG("%llu kB swapped out", VMS_SUM(a, swap));
	}
}

TEST_F_TIMEOUT(mixed, maps_text, 120)
{
	if (self->skip)
		return;
	check_listing(_metadata, self, vms_read_text);
}

TEST_F_TIMEOUT(mixed, maps_ioctl, 120)
{
	if (self->skip)
		return;
	check_listing(_metadata, self, vms_read_ioctl);
}

/* seq_file: small reads give the same listing as one big one */
TEST_F_TIMEOUT(mixed, maps_text_small_reads, 120)
{
	static const size_t chunks[] = { 1, 7, 80, 4095 };
	int rounds;

	if (self->skip)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(chunks); i++) {
		self->rd.chunk = chunks[i];
		ASSERT_EQ(0, vms_stable_compare(self->child, vms_read_text,
						&self->rd, &self->buf, &self->a,
						&self->b, &self->p, TRIES, &rounds))
			TH_LOG("reads of %zu bytes", chunks[i]);
	}
}

/* Batches of every size and records larger than the module's. */
TEST_F_TIMEOUT(mixed, maps_ioctl_batches, 120)
{
	static const struct { unsigned int batch, vma_size, names_size; } t[] = {
		{ 1, 0, 0 },
		{ 7, 0, 0 },
		{ 64, VMASTAT_VMA_SIZE_VER0 + 8, 0 },
		{ 0, VMS_MAX_VMA_SIZE, 0 },
		{ 0, 0, 100 },		/* a few names per call */
	};
	int rounds;

	if (self->skip)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		self->rd.batch = t[i].batch;
		self->rd.vma_size = t[i].vma_size;
		self->rd.names_size = t[i].names_size;
		ASSERT_EQ(0, vms_stable_compare(self->child, vms_read_ioctl,
						&self->rd, &self->buf, &self->a,
						&self->b, &self->p, TRIES, &rounds))
			TH_LOG("batch %u vma_size %u names_size %u", t[i].batch,
			       t[i].vma_size, t[i].names_size);
	}
	/* no names: everything else still there */
	self->rd.batch = 0;
	self->rd.vma_size = 0;
	self->rd.names_size = 0;
	self->rd.no_names = true;
	ASSERT_EQ(0, vms_stable_compare(self->child, vms_read_ioctl, &self->rd,
					&self->buf, &self->a, &self->b,
					&self->p, TRIES, &rounds));
}

/* A new PID rewinds; the same fd can switch targets. */
TEST_F_TIMEOUT(mixed, maps_text_rewind, 120)
{
	char num[32];
	char small[100];
	int rounds;

	if (self->skip)
		return;
	snprintf(num, sizeof(num), "%d", self->child);
	ASSERT_EQ(0, vms_write_str(self->rd.maps_fd, num));
	ASSERT_EQ(sizeof(small), read(self->rd.maps_fd, small, sizeof(small)));
	/* switch to ourselves half way, then back to the child */
	snprintf(num, sizeof(num), "%d", getpid());
	ASSERT_EQ(0, vms_write_str(self->rd.maps_fd, num));
	ASSERT_EQ(sizeof(small), read(self->rd.maps_fd, small, sizeof(small)));
	ASSERT_EQ(0, vms_stable_compare(self->child, vms_read_text, &self->rd,
					&self->buf, &self->a, &self->b,
					&self->p, TRIES, &rounds));
	/* and with a newline, as echo(1) writes it */
	snprintf(num, sizeof(num), "%d\n", self->child);
	ASSERT_EQ(0, vms_write_str(self->rd.maps_fd, num));
	ASSERT_EQ(0, vms_read_fd(self->rd.maps_fd, &self->buf));
	ASSERT_EQ(0, vms_parse_text_maps(self->buf.p, self->buf.len, &self->b));
	ASSERT_TRUE(vms_snap_equal(&self->a, &self->b));
}

static void check_status(struct __test_metadata *_metadata,
			 FIXTURE_DATA(mixed) *self, bool use_ioctl)
{
	struct vms_status a, b, p;
	int fd = -1, ret = 0, i;

	if (!use_ioctl) {
		fd = vms_open("status", O_RDWR);
		ASSERT_LE(0, fd);
	}
	for (i = 1; i <= TRIES; i++) {
		ret = use_ioctl ?
		      vms_ioctl_status(self->rd.query_fd, self->child, &a) :
		      vms_text_status(fd, self->child, &self->buf, &a);
		if (ret)
			break;
		ret = vms_proc_status(self->child, &self->buf, &p);
		if (ret)
			break;
		ret = use_ioctl ?
		      vms_ioctl_status(self->rd.query_fd, self->child, &b) :
		      vms_text_status(fd, self->child, &self->buf, &b);
		if (ret || vms_status_equal(&a, &b))
			break;
	}
	if (fd >= 0)
		close(fd);
	ASSERT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	ASSERT_GE(TRIES, i);
	ASSERT_EQ(0, vms_status_compare(&a, &p, true));
	EXPECT_EQ(self->info->brk, a.brk);
	EXPECT_LE(a.start_brk, a.brk);
	EXPECT_LE(a.start_code, a.end_code);
	EXPECT_LE(a.start_data, a.end_data);
	EXPECT_LT(a.start_stack, a.task_size);
	EXPECT_LT(a.mmap_base, a.task_size);
	EXPECT_LT(ROUNDS * 10, a.vmas);
	if (self->swap != VMS_SWAP_NONE)
		EXPECT_LT(0, a.swap);
	TH_LOG("%llu mappings, vsz %llu kB, rss %llu kB (anon %llu file %llu shmem %llu), swap %llu kB",
	       a.vmas, a.vsz, a.rss, a.anon, a.file, a.shmem, a.swap);
}

TEST_F_TIMEOUT(mixed, status_text, 120)
{
	if (self->skip)
		return;
	check_status(_metadata, self, false);
}

TEST_F_TIMEOUT(mixed, status_ioctl, 120)
{
	if (self->skip)
		return;
	check_status(_metadata, self, true);
}

VMS_HARNESS_MAIN
