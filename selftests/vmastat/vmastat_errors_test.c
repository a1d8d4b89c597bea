// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: bad targets, bad input, permissions and the ioctl ABI rules.
 *
 * Bad PIDs (syntax, <= 0, too big, gone, zombie, kernel thread), reading
 * before writing, opening without CAP_SYS_PTRACE, and for the ioctls:
 * size versioning of the argument structs and of the records, unknown
 * flags, bad pointers, names buffers that are too small or absent, and
 * batches that must add up to the same listing as one call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "vmastat_util.h"

#define NOBODY		65534

#define REQUIRE_MODULE() do {						\
	const char *__why = vms_unavailable();				\
	if (__why)							\
		SKIP(return, "%s", __why);				\
} while (0)

/* Errors of the text files: where they happened. */
enum { AT_NONE, AT_OPEN, AT_WRITE, AT_READ };
static const char * const at_names[] = { "nowhere", "open", "write", "read" };

struct text_result {
	int err;	/* 0 or -errno */
	int at;
};

/* Open @file, write @str (as is), read all of it. */
static struct text_result text_try(const char *file, const char *str,
				   size_t len)
{
	struct text_result r = { 0, AT_NONE };
	static char buf[1 << 20];
	ssize_t n;
	int fd;

	fd = vms_open(file, O_RDWR);
	if (fd < 0)
		return (struct text_result){ fd, AT_OPEN };
	n = write(fd, str, len);
	if (n < 0) {
		r = (struct text_result){ -errno, AT_WRITE };
		goto out;
	}
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0);
	if (n < 0)
		r = (struct text_result){ -errno, AT_READ };
out:
	close(fd);
	return r;
}

static int ioctl_maps(int fd, pid_t pid)
{
	static struct vmastat_vma recs[16];
	static char names[8192];
	struct vmastat_maps_query q = {
		.size = sizeof(q),
		.pid = pid,
		.vma_size = sizeof(recs[0]),
		.vmas = (uintptr_t)recs,
		.vma_count = 16,
		.names = (uintptr_t)names,
		.names_size = sizeof(names),
	};

	return ioctl(fd, VMASTAT_IOC_MAPS, &q) ? -errno : 0;
}

static int ioctl_status(int fd, pid_t pid)
{
	struct vmastat_status s = { .size = sizeof(s), .pid = pid };

	return ioctl(fd, VMASTAT_IOC_STATUS, &s) ? -errno : 0;
}

/*
 * A target that is bad for every interface: the text files fail with @err
 * at the write or the read (@write_only: at the write), the ioctls with @err.
 */
static void expect_bad_target(struct __test_metadata *_metadata,
			      const char *str, pid_t pid, int err,
			      bool write_only)
{
	static const char * const files[] = { "maps", "status" };
	int fd;

	for (size_t i = 0; i < 2; i++) {
		struct text_result r = text_try(files[i], str, strlen(str));

		EXPECT_EQ(err, r.err)
			TH_LOG("%s: writing '%s': %s at %s, expected %s",
			       files[i], str, strerror(-r.err), at_names[r.at],
			       strerror(-err));
		if (write_only && r.err) {
			EXPECT_EQ(AT_WRITE, r.at)
				TH_LOG("%s: '%s' fails only at %s", files[i],
				       str, at_names[r.at]);
		}
	}
	if (pid == (pid_t)-2)	/* not representable as a pid_t */
		return;
	fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(err, ioctl_maps(fd, pid)) TH_LOG("VMASTAT_IOC_MAPS pid %d", pid);
	EXPECT_EQ(err, ioctl_status(fd, pid)) TH_LOG("VMASTAT_IOC_STATUS pid %d", pid);
	close(fd);
}

TEST(files)
{
	static const struct { const char *name; mode_t mode; } f[] = {
		{ "version", 0400 }, { "maps", 0600 },
		{ "status", 0600 }, { "query", 0400 },
	};
	char path[512], buf[256], ver[64];
	unsigned int abi;
	struct stat st;
	int fd, n, end = 0;

	REQUIRE_MODULE();
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		snprintf(path, sizeof(path), "%s/%s", vms_dir(), f[i].name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(f[i].mode, st.st_mode & 07777)
			TH_LOG("%s: mode %o", path, st.st_mode & 07777);
		EXPECT_EQ(0, st.st_uid);
	}
	fd = vms_open("version", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	ASSERT_EQ(2, sscanf(buf, "vmastat %63s abi %u%n", ver, &abi, &end))
		TH_LOG("version: '%s'", buf);
	EXPECT_STREQ("\n", buf + end) TH_LOG("version: '%s'", buf);
	TH_LOG("module %s, abi %u", ver, abi);
}

TEST(pid_syntax)
{
	static const char * const bad[] = {
		"-2147483648", "abc", "12abc", "0x10", "1 2", " ",
		"2147483648", "99999999999999999999",
		"123456789012345678901234567890123456789",
	};

	REQUIRE_MODULE();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_bad_target(_metadata, bad[i], -2, -EINVAL, true);
	expect_bad_target(_metadata, "0", 0, -EINVAL, true);
	expect_bad_target(_metadata, "-1", -1, -EINVAL, true);
	expect_bad_target(_metadata, "-5", -5, -EINVAL, true);
}

TEST(read_before_write)
{
	static const char * const files[] = { "maps", "status" };
	char buf[64];

	REQUIRE_MODULE();
	for (size_t i = 0; i < 2; i++) {
		int fd = vms_open(files[i], O_RDWR);

		ASSERT_LE(0, fd);
		EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", files[i], strerror(errno));
		/* a bad write selects nothing either */
		EXPECT_EQ(-1, write(fd, "abc", 3));
		EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s: %s", files[i], strerror(errno));
		close(fd);
	}
}

static pid_t exited_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

TEST(no_such_process)
{
	char str[32];
	pid_t pid;

	REQUIRE_MODULE();
	pid = exited_pid();
	ASSERT_LT(0, pid);
	snprintf(str, sizeof(str), "%d", pid);
	expect_bad_target(_metadata, str, pid, -ESRCH, false);
	expect_bad_target(_metadata, "2147483647", INT32_MAX, -ESRCH, false);
	expect_bad_target(_metadata, "4194305", 4194305, -ESRCH, false);
}

TEST(zombie)
{
	siginfo_t info;
	char str[32];
	pid_t pid;

	REQUIRE_MODULE();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	/* wait until it is a zombie, but do not reap it */
	ASSERT_EQ(0, waitid(P_PID, pid, &info, WEXITED | WNOWAIT));
	snprintf(str, sizeof(str), "%d", pid);
	expect_bad_target(_metadata, str, pid, -ESRCH, false);
	waitpid(pid, NULL, 0);
}

static int stop_only(void *arg)
{
	return 0;
}

/* Selected while alive, gone by the time it is read. */
TEST(target_exits)
{
	static const char * const files[] = { "maps", "status" };
	char str[32], buf[256];
	int fd[2], qfd;
	pid_t pid;

	REQUIRE_MODULE();
	pid = vms_spawn_stopped(stop_only, NULL);
	ASSERT_LT(0, pid);
	snprintf(str, sizeof(str), "%d", pid);
	for (size_t i = 0; i < 2; i++) {
		fd[i] = vms_open(files[i], O_RDWR);
		ASSERT_LE(0, fd[i]);
		ASSERT_EQ(0, vms_write_str(fd[i], str));
	}
	qfd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, qfd);
	/* a zombie first, then reaped */
	kill(pid, SIGKILL);
	for (int round = 0; round < 2; round++) {
		siginfo_t info;

		if (round == 0) {
			ASSERT_EQ(0, waitid(P_PID, pid, &info, WEXITED | WNOWAIT));
		} else {
			ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		}
		for (size_t i = 0; i < 2; i++) {
			EXPECT_EQ(-1, read(fd[i], buf, sizeof(buf)))
				TH_LOG("%s: read of an exited target succeeded", files[i]);
			EXPECT_EQ(ESRCH, errno);
		}
		EXPECT_EQ(-ESRCH, ioctl_maps(qfd, pid));
		EXPECT_EQ(-ESRCH, ioctl_status(qfd, pid));
	}
	close(fd[0]);
	close(fd[1]);
	close(qfd);
}

TEST(kernel_thread)
{
	char comm[64] = "";
	int fd, n;

	REQUIRE_MODULE();
	fd = open("/proc/2/comm", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (strcmp(comm, "kthreadd\n"))
		SKIP(return, "PID 2 is not kthreadd here");
	expect_bad_target(_metadata, "2", 2, -EOPNOTSUPP, false);
}

/* The same PID again: a text target stays selected until replaced. */
TEST(write_after_error)
{
	static char buf[1 << 20];
	char str[32];
	ssize_t n;
	int fd;

	REQUIRE_MODULE();
	fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, fd);
	snprintf(str, sizeof(str), "%d", getpid());
	ASSERT_EQ(0, vms_write_str(fd, str));
	EXPECT_EQ(-EINVAL, vms_write_str(fd, "abc"));
	ASSERT_EQ(0, vms_write_str(fd, str));
	n = read(fd, buf, sizeof(buf));
	EXPECT_LT(0, n);
	EXPECT_EQ('#', buf[0]);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Permissions */

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	data[cap / 32].permitted &= ~(1U << (cap % 32));
	data[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static const struct { const char *name; int flags; } perm_files[] = {
	{ "version", O_RDONLY }, { "maps", O_RDWR },
	{ "status", O_RDWR }, { "query", O_RDONLY },
};

#define NR_PERM_FILES	(ARRAY_SIZE(perm_files))

/* This test runs in a process of its own: dropping the cap is local. */
TEST(eperm_without_cap_sys_ptrace)
{
	int fd;

	REQUIRE_MODULE();
	for (size_t i = 0; i < NR_PERM_FILES; i++) {
		fd = vms_open(perm_files[i].name, perm_files[i].flags);
		ASSERT_LE(0, fd) TH_LOG("%s as root: %s", perm_files[i].name, strerror(-fd));
		close(fd);
	}
	ASSERT_EQ(0, drop_cap(CAP_SYS_PTRACE));
	for (size_t i = 0; i < NR_PERM_FILES; i++) {
		fd = vms_open(perm_files[i].name, perm_files[i].flags);
		EXPECT_EQ(-EPERM, fd)
			TH_LOG("%s without CAP_SYS_PTRACE: %s", perm_files[i].name,
			       fd >= 0 ? "opened" : strerror(-fd));
		if (fd >= 0)
			close(fd);
	}
}

/*
 * As nobody, with the files' modes opened up: the file modes no longer
 * stop the open, the capability check must.  The debugfs root is 0700, so
 * the child keeps an O_PATH handle on the module's directory from before
 * it dropped root.
 */
TEST(eperm_nobody_widened_modes)
{
	mode_t modes[NR_PERM_FILES];
	int *res, status, dirfd;
	char path[512];
	struct stat st;
	bool chmod_ok = true;
	pid_t pid;
	size_t i;

	REQUIRE_MODULE();
	res = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	dirfd = open(vms_dir(), O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dirfd);

	for (int widened = 0; widened < 2; widened++) {
		if (widened) {
			for (i = 0; i < NR_PERM_FILES; i++) {
				snprintf(path, sizeof(path), "%s/%s", vms_dir(),
					 perm_files[i].name);
				ASSERT_EQ(0, stat(path, &st));
				modes[i] = st.st_mode & 07777;
				if (chmod(path, 0666))
					chmod_ok = false;
			}
		}
		pid = fork();
		if (pid == 0) {
			if (setgroups(0, NULL) || setgid(NOBODY) ||
			    setuid(NOBODY))
				_exit(1);
			for (i = 0; i < NR_PERM_FILES; i++) {
				int fd = openat(dirfd, perm_files[i].name,
						perm_files[i].flags);

				res[widened * 8 + i] = fd >= 0 ? 0 : errno;
			}
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (widened) {
			/* put the modes back before anything can fail */
			for (i = 0; i < NR_PERM_FILES; i++) {
				snprintf(path, sizeof(path), "%s/%s", vms_dir(),
					 perm_files[i].name);
				chmod(path, modes[i]);
			}
		}
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("cannot become uid %d", NOBODY);
	}
	close(dirfd);
	for (i = 0; i < NR_PERM_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", vms_dir(), perm_files[i].name);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(modes[i], st.st_mode & 07777) TH_LOG("%s mode not restored", path);
		EXPECT_EQ(EACCES, res[i])
			TH_LOG("%s as nobody: %s", perm_files[i].name, strerror(res[i]));
	}
	if (!chmod_ok)
		SKIP(return, "cannot chmod debugfs files: widened modes not tested");
	for (i = 0; i < NR_PERM_FILES; i++) {
		const char *what = res[8 + i] ? strerror(res[8 + i]) : "opened";

		EXPECT_EQ(EPERM, res[8 + i])
			TH_LOG("%s as nobody with mode 0666: %s",
			       perm_files[i].name, what);
	}
}

/* ------------------------------------------------------------------ */
/* The ioctls */

static int build_target(void *arg)
{
	long page = sysconf(_SC_PAGESIZE);

	/* a few more mappings, with and without names */
	for (int i = 0; i < 10; i++) {
		char *p = mmap(NULL, 3 * page, PROT_READ | (i & 1 ? PROT_WRITE : 0),
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		if (i & 1)
			p[page] = 1;
	}
	return 0;
}

FIXTURE(query) {
	bool skip;
	int fd;
	pid_t child;
	struct vms_buf buf;
	struct vms_snap one, p;
	char *page;	/* 4 pages: rw, PROT_NONE, read-only, rw */
	long psize;
};

FIXTURE_SETUP(query)
{
	const char *why = vms_unavailable();
	struct vms_reader rd = { .batch = 0 };

	self->fd = -1;
	self->child = -1;
	if (why) {
		self->skip = true;
		SKIP(return, "%s", why);
	}
	self->psize = sysconf(_SC_PAGESIZE);
	self->child = vms_spawn_stopped(build_target, NULL);
	ASSERT_LT(0, self->child);
	self->fd = vms_open("query", O_RDONLY);
	ASSERT_LE(0, self->fd);
	vms_buf_init(&self->buf, 4 << 20);
	vms_snap_init(&self->one, 1024, 1 << 20);
	vms_snap_init(&self->p, 1024, 1 << 20);
	rd.query_fd = self->fd;
	ASSERT_EQ(0, vms_read_ioctl(&rd, self->child, &self->one));
	ASSERT_EQ(0, vms_proc_snap(self->child, &self->buf, &self->p, true));
	if (vms_compare(&self->one, &self->p, true))
		TH_LOG("the listing is wrong (see vmastat_maps_test)");
	ASSERT_LE(8, self->one.nr);
	self->page = mmap(NULL, 4 * self->psize, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->page);
	memset(self->page, 0, 4 * self->psize);
	ASSERT_EQ(0, mprotect(self->page + self->psize, self->psize, PROT_NONE));
	ASSERT_EQ(0, mprotect(self->page + 2 * self->psize, self->psize, PROT_READ));
}

FIXTURE_TEARDOWN(query)
{
	vms_kill(self->child);
	if (self->fd >= 0)
		close(self->fd);
}

static unsigned char arg_recs[64 * VMS_MAX_VMA_SIZE];
static char arg_names[8192];

/* A maps query at the end of a page of its own, 0xa5 after it. */
static struct vmastat_maps_query *maps_arg(FIXTURE_DATA(query) *self,
					   size_t size)
{
	char *page = self->page + 3 * self->psize;
	struct vmastat_maps_query *q;

	memset(page, 0xa5, self->psize);
	q = (void *)(page + self->psize - size - 64);
	memset(q, 0, size);
	q->size = size;
	q->pid = self->child;
	q->vma_size = sizeof(struct vmastat_vma);
	q->vmas = (uintptr_t)arg_recs;
	q->vma_count = 4;
	q->names = (uintptr_t)arg_names;
	q->names_size = sizeof(arg_names);
	return q;
}

static bool all_bytes(const void *p, int c, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != (unsigned char)c)
			return false;
	return true;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

TEST_F(query, maps_arg_size)
{
	struct vmastat_maps_query *q;
	size_t sizes[] = { 0, 8, VMASTAT_MAPS_QUERY_SIZE_VER0 - 8,
			   VMASTAT_MAPS_QUERY_SIZE_VER0 - 1 };
	size_t i;

	if (self->skip)
		return;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		q = maps_arg(self, VMASTAT_MAPS_QUERY_SIZE_VER0);
		q->size = sizes[i];
		EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q))
			TH_LOG("size %zu", sizes[i]);
	}
	/* exactly version 0: nothing written past it */
	q = maps_arg(self, VMASTAT_MAPS_QUERY_SIZE_VER0);
	ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	EXPECT_EQ(4, q->vma_count);
	EXPECT_TRUE(all_bytes((char *)q + VMASTAT_MAPS_QUERY_SIZE_VER0, 0xa5, 64));
	/* larger, zero tail: fine, and the tail stays zero */
	for (size_t big = VMASTAT_MAPS_QUERY_SIZE_VER0 + 8; big <= 512; big *= 2) {
		q = maps_arg(self, big);
		ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q)) TH_LOG("size %zu", big);
		EXPECT_EQ(4, q->vma_count);
		/* continuing from next neither repeats nor skips a mapping */
		EXPECT_LE(self->one.v[3].end, q->next);
		EXPECT_GT(self->one.v[4].end, q->next);
		EXPECT_TRUE(all_bytes((char *)q + VMASTAT_MAPS_QUERY_SIZE_VER0, 0,
				      big - VMASTAT_MAPS_QUERY_SIZE_VER0));
		EXPECT_TRUE(all_bytes((char *)q + big, 0xa5, 64));
		/* a non-zero byte anywhere in the tail */
		for (size_t off = VMASTAT_MAPS_QUERY_SIZE_VER0; off < big; off += 13) {
			q = maps_arg(self, big);
			((char *)q)[off] = 1;
			EXPECT_EQ(-E2BIG, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q))
				TH_LOG("size %zu, byte %zu set", big, off);
		}
	}
}

TEST_F(query, status_arg_size)
{
	size_t v0 = VMASTAT_STATUS_SIZE_VER0;
	struct vmastat_status *s;
	char *page = self->page + 3 * self->psize;
	size_t sizes[] = { 0, 8, 64, VMASTAT_STATUS_SIZE_VER0 - 1 };
	struct vms_status ref, got;

	if (self->skip)
		return;
	ASSERT_EQ(0, vms_ioctl_status(self->fd, self->child, &ref));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		s = (void *)page;
		memset(s, 0, 512);
		s->size = sizes[i];
		s->pid = self->child;
		EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_STATUS, s))
			TH_LOG("size %zu", sizes[i]);
	}
	for (size_t big = v0; big <= 1024; big = big == v0 ? v0 + 8 : big * 2) {
		memset(page, 0xa5, self->psize);
		s = (void *)(page + self->psize - big - 64);
		memset(s, 0, big);
		s->size = big;
		s->pid = self->child;
		ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_STATUS, s)) TH_LOG("size %zu", big);
		EXPECT_TRUE(all_bytes((char *)s + v0, 0, big - v0));
		EXPECT_TRUE(all_bytes((char *)s + big, 0xa5, 64)) TH_LOG("size %zu", big);
		EXPECT_EQ(ref.vmas, s->nr_vmas);
		EXPECT_EQ(ref.vsz << 10, s->vsz);
		EXPECT_EQ(ref.start_stack, s->start_stack);
		EXPECT_STREQ(ref.comm, s->comm);
		if (big == v0)
			continue;
		for (size_t off = v0; off < big; off += 29) {
			memset(s, 0, big);
			s->size = big;
			s->pid = self->child;
			((char *)s)[off] = 0x80;
			EXPECT_EQ(-E2BIG, do_ioctl(self->fd, VMASTAT_IOC_STATUS, s))
				TH_LOG("size %zu, byte %zu set", big, off);
		}
	}
	ASSERT_EQ(0, vms_ioctl_status(self->fd, self->child, &got));
	EXPECT_TRUE(vms_status_equal(&ref, &got));
}

TEST_F(query, record_size)
{
	static const unsigned int small[] = { 0, 1, 8, VMASTAT_VMA_SIZE_VER0 - 8,
					      VMASTAT_VMA_SIZE_VER0 - 1 };
	const unsigned int v0 = VMASTAT_VMA_SIZE_VER0;
	struct vmastat_maps_query *q;
	static unsigned char recs[16 * 256];
	static struct vmastat_vma ref[16];
	static char names[8192];

	if (self->skip)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(small); i++) {
		q = maps_arg(self, sizeof(*q));
		q->vma_size = small[i];
		EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q))
			TH_LOG("vma_size %u", small[i]);
	}
	/* the reference: version-0 records */
	q = maps_arg(self, sizeof(*q));
	q->vmas = (uintptr_t)ref;
	q->vma_count = 6;
	q->names = 0;
	q->names_size = 0;
	ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	ASSERT_EQ(6, q->vma_count);
	for (unsigned int size = v0 + 8; size <= 256; size += 40) {
		memset(recs, 0xff, sizeof(recs));
		memset(names, 0xff, sizeof(names));
		q = maps_arg(self, sizeof(*q));
		q->vma_size = size;
		q->vmas = (uintptr_t)recs;
		q->vma_count = 6;
		q->names = 0;
		q->names_size = 0;
		ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q)) TH_LOG("vma_size %u", size);
		ASSERT_EQ(6, q->vma_count);
		for (unsigned int r = 0; r < 6; r++) {
			EXPECT_EQ(0, memcmp(recs + r * size, &ref[r], v0))
				TH_LOG("vma_size %u: record %u differs", size, r);
			EXPECT_TRUE(all_bytes(recs + r * size + v0, 0, size - v0))
				TH_LOG("vma_size %u: record %u tail not zeroed", size, r);
		}
		/* nothing written past the caller's records */
		EXPECT_TRUE(all_bytes(recs + 6 * size, 0xff, sizeof(recs) - 6 * size))
			TH_LOG("vma_size %u: written past record 6", size);
	}
	/* names are written only up to names_size */
	memset(names, 0xff, sizeof(names));
	q = maps_arg(self, sizeof(*q));
	q->vmas = (uintptr_t)recs;
	q->vma_count = 16;
	q->names = (uintptr_t)names;
	q->names_size = sizeof(names) / 2;
	ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	EXPECT_LE(q->names_size, sizeof(names) / 2);
	EXPECT_TRUE(all_bytes(names + q->names_size, 0xff, sizeof(names) - q->names_size));
}

TEST_F(query, unknown_flags)
{
	struct vmastat_maps_query *q;
	struct vmastat_status s;

	if (self->skip)
		return;
	for (int bit = 0; bit < 64; bit += 9) {
		q = maps_arg(self, sizeof(*q));
		/* defined flags are tested with the fault accounting */
		q->flags = 1ULL << bit;
		if (q->flags & VMASTAT_MAPS_FLAGS_ALL)
			q->flags <<= 2;
		EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q))
			TH_LOG("maps flags %#llx", q->flags);
		memset(&s, 0, sizeof(s));
		s.size = sizeof(s);
		s.pid = self->child;
		s.flags = 1ULL << bit;
		EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_STATUS, &s))
			TH_LOG("status flags %#llx", 1ULL << bit);
	}
	q = maps_arg(self, sizeof(*q));
	q->flags = ~0ULL;
	EXPECT_EQ(-EINVAL, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
}

TEST_F(query, bad_pointers)
{
	char *none = self->page + self->psize, *ro = self->page + 2 * self->psize;
	struct vmastat_maps_query *q;
	struct vmastat_status *s;

	if (self->skip)
		return;
	/* the argument itself */
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, NULL));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_STATUS, NULL));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, none));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_STATUS, none));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, (void *)-4096L));
	/* readable but not writable: results cannot be written back */
	q = maps_arg(self, sizeof(*q));
	ASSERT_EQ(0, mprotect(ro, self->psize, PROT_READ | PROT_WRITE));
	memcpy(ro, q, sizeof(*q));
	ASSERT_EQ(0, mprotect(ro, self->psize, PROT_READ));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, ro));
	ASSERT_EQ(0, mprotect(ro, self->psize, PROT_READ | PROT_WRITE));
	s = (void *)ro;
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	s->pid = self->child;
	ASSERT_EQ(0, mprotect(ro, self->psize, PROT_READ));
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_STATUS, s));
	/* an argument that runs into a PROT_NONE page */
	q = (void *)(none - 8);
	*(__u64 *)q = 512;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	/* bad record and names buffers */
	q = maps_arg(self, sizeof(*q));
	q->vmas = 0;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->vmas = (uintptr_t)ro;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->vmas = (uintptr_t)none;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->vmas = (uintptr_t)(none - sizeof(struct vmastat_vma));	/* 2nd record faults */
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->vmas = -4096ULL;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	/* names: the child's first mapping has one (its program) */
	q = maps_arg(self, sizeof(*q));
	q->names = 16;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->names = (uintptr_t)ro;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	q = maps_arg(self, sizeof(*q));
	q->names = (uintptr_t)none;
	EXPECT_EQ(-EFAULT, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
}

TEST_F(query, bad_pointers_text)
{
	char str[32], *none = self->page + self->psize;
	char *ro = self->page + 2 * self->psize;
	int fd;

	if (self->skip)
		return;
	fd = vms_open("maps", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, none, 4));
	EXPECT_EQ(EFAULT, errno);
	snprintf(str, sizeof(str), "%d", self->child);
	ASSERT_EQ(0, vms_write_str(fd, str));
	EXPECT_EQ(-1, read(fd, none, 100));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, vms_write_str(fd, str));
	EXPECT_EQ(-1, read(fd, ro, 100));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/* The first name that does not fit an empty buffer: ENAMETOOLONG. */
TEST_F(query, names_too_small)
{
	static struct vmastat_vma recs[16];
	struct vmastat_maps_query *q;
	const char *name = NULL;

	unsigned long long start = 0;
	size_t len;

	if (self->skip)
		return;
	for (size_t i = 0; i < self->p.nr; i++) {
		if (self->p.v[i].name_len && !strstr(vms_name(&self->p, i), "\\012")) {
			name = vms_name(&self->p, i);
			start = self->p.v[i].start;
			break;
		}
	}
	ASSERT_NE(NULL, name);
	len = strlen(name);
	ASSERT_LT(2, len);
	for (int k = 0; k < 5; k++) {
		unsigned int sizes[] = { 1, len / 2, len - 1, len, len + 1 };
		unsigned int size = sizes[k];

		q = maps_arg(self, sizeof(*q));
		q->start = start;
		q->vmas = (uintptr_t)recs;
		q->vma_count = 16;
		q->names_size = size;
		if (size <= len) {
			EXPECT_EQ(-ENAMETOOLONG, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q))
				TH_LOG("'%s' (%zu bytes) in %u bytes", name, len, size);
			continue;
		}
		/* just fits, NUL included */
		ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
		ASSERT_LE(1, q->vma_count);
		EXPECT_EQ(start, recs[0].start);
		EXPECT_EQ(len, recs[0].name_len);
		EXPECT_EQ(0, recs[0].name_off);
		EXPECT_EQ(len + 1, q->names_size);
		EXPECT_EQ(0, memcmp(arg_names, name, len + 1));
		EXPECT_NE(VMASTAT_MAPS_END, q->next);
	}
	/* no names buffer at all: fine */
	q = maps_arg(self, sizeof(*q));
	q->start = start;
	q->vmas = (uintptr_t)recs;
	q->vma_count = 16;
	q->names = 0;
	q->names_size = 0;
	ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	EXPECT_LE(1, q->vma_count);
	EXPECT_EQ(start, recs[0].start);
}

/* Batches of one add up to the listing of one call; start semantics. */
TEST_F(query, batches)
{
	static struct vms_snap b;
	struct vms_reader rd = { .query_fd = self->fd, .batch = 1 };
	struct vmastat_maps_query *q;
	const struct vms_vma *last;
	static struct vmastat_vma recs[4];
	unsigned int longest = 0;
	size_t i;

	if (self->skip)
		return;
	vms_snap_init(&b, 1024, 1 << 20);
	ASSERT_EQ(0, vms_read_ioctl(&rd, self->child, &b));
	ASSERT_TRUE(vms_snap_equal(&self->one, &b));
	/* names buffers just big enough for the longest name */
	for (i = 0; i < self->one.nr; i++)
		if (self->one.v[i].name_len > longest)
			longest = self->one.v[i].name_len;
	rd.batch = 3;
	rd.names_size = longest + 1;
	ASSERT_EQ(0, vms_read_ioctl(&rd, self->child, &b));
	ASSERT_TRUE(vms_snap_equal(&self->one, &b));
	/* names == 0 still lists everything */
	rd.batch = 5;
	rd.names_size = 0;
	rd.no_names = true;
	ASSERT_EQ(0, vms_read_ioctl(&rd, self->child, &b));
	ASSERT_EQ(0, vms_compare(&b, &self->p, true));

	/* a start inside a mapping lists that mapping first */
	for (i = 0; i < self->one.nr; i++) {
		const struct vms_vma *v = &self->one.v[i];

		q = maps_arg(self, sizeof(*q));
		q->start = v->end - 1;
		q->vmas = (uintptr_t)recs;
		q->vma_count = 1;
		q->names = 0;
		q->names_size = 0;
		ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
		ASSERT_EQ(1, q->vma_count);
		EXPECT_EQ(v->start, recs[0].start);
		if (i + 1 < self->one.nr) {
			EXPECT_NE(VMASTAT_MAPS_END, q->next);
		} else {
			EXPECT_EQ(VMASTAT_MAPS_END, q->next);
		}
	}
	/* past the last mapping: nothing, and done */
	last = &self->one.v[self->one.nr - 1];
	q = maps_arg(self, sizeof(*q));
	q->start = last->end;
	q->vmas = (uintptr_t)recs;
	q->vma_count = 4;
	ASSERT_EQ(0, do_ioctl(self->fd, VMASTAT_IOC_MAPS, q));
	EXPECT_EQ(0, q->vma_count);
	EXPECT_EQ(VMASTAT_MAPS_END, q->next);
	vms_snap_free(&b);
}

VMS_HARNESS_MAIN
