// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the fault-accounting selftests; see vmastat_fault_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "vmastat_fault_util.h"

#define FC(f)	{ #f, offsetof(struct vmastat_fault_counts, f) }
const struct vms_fc_field vms_fc_fields[] = {
	FC(minor), FC(major), FC(retry), FC(segv), FC(sigbus), FC(oom),
	FC(anon_minor), FC(anon_major), FC(file_minor), FC(file_major),
	FC(shmem_minor), FC(shmem_major), FC(other_minor), FC(other_major),
	FC(read), FC(write), FC(exec), FC(gup_minor), FC(gup_major),
	FC(remote), FC(cow), FC(swapin), FC(thp),
};
const size_t vms_fc_nr = sizeof(vms_fc_fields) / sizeof(vms_fc_fields[0]);

void vms_fc_delta(const struct vmastat_fault_counts *a,
		  const struct vmastat_fault_counts *b,
		  struct vmastat_fault_counts *d)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	uint64_t *z = (uint64_t *)d;

	for (size_t i = 0; i < sizeof(*d) / sizeof(uint64_t); i++)
		z[i] = y[i] - x[i];
}

/* ---- the kernel's account ------------------------------------------------ */

static int read_stat(pid_t pid, char *buf, size_t size, char **after)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	*after = strrchr(buf, ')');
	if (!*after || (*after)[1] != ' ')
		return -EBADMSG;
	*after += 2;		/* at field 3 */
	return 0;
}

int vms_proc_faults(pid_t pid, struct vms_kfaults *k)
{
	unsigned long long v[11];
	char buf[1024], *p, *end;
	int ret, i;

	ret = read_stat(pid, buf, sizeof(buf), &p);
	if (ret)
		return ret;
	/* field 3 is the state; fields 4..12 are numbers */
	p += 2;
	for (i = 4; i <= 12; i++) {
		errno = 0;
		v[i - 4] = strtoull(p, &end, 10);
		if (end == p || errno)
			return -EBADMSG;
		p = end;
	}
	k->min = v[10 - 4];
	k->maj = v[12 - 4];
	return 0;
}

char vms_proc_state(pid_t pid)
{
	char buf[1024], *p;

	if (read_stat(pid, buf, sizeof(buf), &p))
		return 0;
	return *p;
}

/* ---- the module's account ------------------------------------------------ */

int vms_get_proc(int fd, pid_t pid, struct vmastat_proc *p)
{
	struct vmastat_procs_query q = {
		.size = sizeof(q),
		.pid = pid,
		.proc_size = sizeof(*p),
		.procs = (uintptr_t)p,
		.count = 1,
	};

	memset(p, 0, sizeof(*p));
	if (ioctl(fd, VMASTAT_IOC_PROCS, &q))
		return -errno;
	if (q.count != 1) {
		vms_log("VMASTAT_IOC_PROCS pid %d: %u records", pid, q.count);
		return -EBADMSG;
	}
	return 0;
}

int vms_get_summary(int fd, struct vmastat_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return ioctl(fd, VMASTAT_IOC_SUMMARY, s) ? -errno : 0;
}

static int track_ioctl(int fd, unsigned long cmd, pid_t pid, uint64_t flags,
		       unsigned int shift)
{
	struct vmastat_track t = {
		.size = sizeof(t),
		.flags = flags,
		.pid = pid,
		.granule_shift = shift,
	};

	return ioctl(fd, cmd, &t) ? -errno : 0;
}

int vms_track(int fd, pid_t pid, uint64_t flags, unsigned int shift)
{
	return track_ioctl(fd, VMASTAT_IOC_TRACK, pid, flags, shift);
}

int vms_untrack(int fd, pid_t pid)
{
	return track_ioctl(fd, VMASTAT_IOC_UNTRACK, pid, 0, 0);
}

int vms_reset(int fd, pid_t pid)
{
	return track_ioctl(fd, VMASTAT_IOC_RESET, pid, 0, 0);
}

int vms_get_hist(int fd, pid_t pid, struct vmastat_hist_query *h)
{
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->pid = pid;
	return ioctl(fd, VMASTAT_IOC_HIST, h) ? -errno : 0;
}

int vms_maps_faults(int fd, pid_t pid, uint64_t flags, struct vmastat_vma *v,
		    size_t cap, size_t *nr)
{
	unsigned long long start = 0;

	*nr = 0;
	for (;;) {
		struct vmastat_maps_query q = {
			.size = sizeof(q),
			.flags = flags,
			.pid = pid,
			.vma_size = sizeof(*v),
			.start = start,
			.vmas = (uintptr_t)(v + *nr),
			.vma_count = cap - *nr,
		};

		if (!q.vma_count)
			return -ENOSPC;
		if (ioctl(fd, VMASTAT_IOC_MAPS, &q))
			return -errno;
		*nr += q.vma_count;
		if (q.next == VMASTAT_MAPS_END)
			return 0;
		if (!q.vma_count || q.next <= start) {
			vms_log("VMASTAT_IOC_MAPS: no progress at %#llx", start);
			return -EBADMSG;
		}
		start = q.next;
	}
}

const struct vmastat_vma *vms_find_vma(const struct vmastat_vma *v, size_t nr,
				       unsigned long addr)
{
	for (size_t i = 0; i < nr; i++)
		if (!(v[i].flags & VMASTAT_VMA_UNMAPPED) &&
		    v[i].start <= addr && addr < v[i].end)
			return &v[i];
	return NULL;
}

static void add_faults(struct vmastat_vma_faults *s,
		       const struct vmastat_vma_faults *f)
{
	s->minor += f->minor;
	s->major += f->major;
	s->read += f->read;
	s->write += f->write;
	s->exec += f->exec;
	s->gup += f->gup;
	s->cow += f->cow;
	s->swapin += f->swapin;
	s->thp += f->thp;
	s->retry += f->retry;
	s->segv += f->segv;
	s->sigbus += f->sigbus;
	s->oom += f->oom;
	s->kinds |= f->kinds;
}

void vms_sum_faults(const struct vmastat_vma *v, size_t nr,
		    struct vmastat_vma_faults *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < nr; i++)
		add_faults(sum, &v[i].faults);
}

void vms_sum_unmapped(const struct vmastat_vma *v, size_t nr,
		      unsigned long start, unsigned long end,
		      struct vmastat_vma_faults *sum, bool *partial)
{
	memset(sum, 0, sizeof(*sum));
	*partial = false;
	for (size_t i = 0; i < nr; i++) {
		if (!(v[i].flags & VMASTAT_VMA_UNMAPPED))
			continue;
		if (v[i].end <= start || v[i].start >= end)
			continue;
		if (v[i].start < start || v[i].end > end)
			*partial = true;
		add_faults(sum, &v[i].faults);
	}
}

long vms_drain_events(int fd, pid_t pid, struct vmastat_event *ev, size_t cap,
		      uint64_t *drops)
{
	size_t n = 0;

	for (;;) {
		struct vmastat_events_query q = {
			.size = sizeof(q),
			.pid = pid,
			.event_size = sizeof(*ev),
			.events = (uintptr_t)(ev + n),
			.count = cap - n > 4096 ? 4096 : cap - n,
		};

		if (!q.count)
			return n;
		if (ioctl(fd, VMASTAT_IOC_EVENTS, &q))
			return -errno;
		if (drops)
			*drops = q.drops;
		if (!q.count)
			return n;
		n += q.count;
	}
}

/* ---- target processes ---------------------------------------------------- */

void vms_stop(void)
{
	raise(SIGSTOP);
}

void vms_exit_now(int code)
{
#if defined(__x86_64__)
	__asm__ __volatile__("syscall" : : "a"(SYS_exit_group), "D"(code)
			     : "rcx", "r11", "memory");
#endif
	syscall(SYS_exit_group, code);
	_exit(code);
}

pid_t vms_spawn_steps(int (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status;

	pid = vms_fork_child();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		raise(SIGSTOP);
		vms_exit_now(fn(arg));
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		vms_log("target child did not stop");
		vms_kill(pid);
		return -1;
	}
	return pid;
}

int vms_cont(pid_t pid, int *status, bool nowait)
{
	siginfo_t si;
	int st;

	if (kill(pid, SIGCONT))
		return -1;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WNOWAIT))
		return -1;
	if (si.si_code == CLD_STOPPED || si.si_code == CLD_TRAPPED) {
		if (waitpid(pid, &st, WUNTRACED) != pid)
			return -1;
		return 0;
	}
	if (si.si_code == CLD_EXITED)
		st = (si.si_status & 0xff) << 8;
	else
		st = si.si_status & 0x7f;
	if (status)
		*status = st;
	if (!nowait)
		waitpid(pid, NULL, 0);
	return 1;
}

int vms_perf_open(pid_t pid, unsigned long long config)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = config;
	attr.inherit = 1;
	fd = syscall(SYS_perf_event_open, &attr, pid, -1, -1,
		     PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

long long vms_perf_read(int fd)
{
	unsigned long long v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return v;
}

/* ---- system set-up ------------------------------------------------------- */

static int read_long(const char *path, long long *v)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*v = strtoll(buf, NULL, 10);
	return 0;
}

static int write_str_path(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = vms_write_str(fd, s);
	close(fd);
	return ret;
}

long long vms_module_param(const char *name)
{
	char path[256];
	long long v;

	snprintf(path, sizeof(path), "/sys/module/vmastat/parameters/%s", name);
	return read_long(path, &v) ? -1 : v;
}

#define FAULT_AROUND "/sys/kernel/debug/fault_around_bytes"

int vms_fault_around_set(long bytes, long *old)
{
	long long v;
	char buf[32];
	int ret;

	if (old) {
		ret = read_long(FAULT_AROUND, &v);
		if (ret)
			return ret;
		*old = v;
	}
	snprintf(buf, sizeof(buf), "%ld", bytes);
	ret = write_str_path(FAULT_AROUND, buf);
	if (ret)
		return ret;
	ret = read_long(FAULT_AROUND, &v);
	if (ret)
		return ret;
	return v == bytes ? 0 : -EINVAL;
}

int vms_pagemap_count(pid_t pid, unsigned long start, size_t pages,
		      size_t *present, size_t *swapped)
{
	long page = sysconf(_SC_PAGESIZE);
	char path[64];
	uint64_t e;
	int fd;

	*present = *swapped = 0;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < pages; i++) {
		off_t off = (start / page + i) * sizeof(e);

		if (pread(fd, &e, sizeof(e), off) != sizeof(e)) {
			close(fd);
			return -EIO;
		}
		if (e & (1ULL << 63))
			(*present)++;
		if (e & (1ULL << 62))
			(*swapped)++;
	}
	close(fd);
	return 0;
}

long long vms_smaps_thp_kb(pid_t pid, unsigned long addr)
{
	char path[64], line[4096];
	bool in = false;
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		long long v;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = s <= addr && addr < e;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %lld kB", &v) == 1) {
			kb = v;
			break;
		}
	}
	fclose(f);
	return kb;
}

/* ---- scratch filesystem ------------------------------------------------- */

static char scratch_dir[64];
static char scratch_dev[64];
static bool scratch_brd_loaded;

static int run(const char *const argv[])
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin",
					    "/bin" };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char path[256];
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], argv[0]);
			execv(path, (char *const *)argv);
		}
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *vms_scratch_fs_setup(const char **why)
{
	static const char *const brd[] = { "modprobe", "brd", "rd_nr=1",
					   "rd_size=32768", "max_part=0", NULL };
	static const char *const ext4[] = { "modprobe", "ext4", NULL };
	static char reason[256];
	const char *mkfs[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-O",
			       "^has_journal", scratch_dev, NULL };
	unsigned int maj, min;
	char buf[64];
	struct stat st;
	int fd, ret;
	ssize_t n;

	if (scratch_dir[0])
		return scratch_dir;
	*why = reason;
	if (!access("/sys/block/ram0", F_OK)) {
		snprintf(reason, sizeof(reason), "brd already loaded by someone else");
		return NULL;
	}
	if (run(brd) || access("/sys/block/ram0", F_OK)) {
		snprintf(reason, sizeof(reason), "modprobe brd failed");
		return NULL;
	}
	scratch_brd_loaded = true;
	snprintf(scratch_dev, sizeof(scratch_dev), "/dev/ram0");
	if (stat(scratch_dev, &st)) {
		fd = open("/sys/block/ram0/dev", O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if (sscanf(buf, "%u:%u", &maj, &min) == 2)
				mknod(scratch_dev, S_IFBLK | 0600,
				      makedev(maj, min));
		}
	}
	ret = run(mkfs);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "mke2fs -t ext4 %s failed (%d): no e2fsprogs?",
			 scratch_dev, ret);
		vms_scratch_fs_teardown();
		return NULL;
	}
	run(ext4);
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/vmastat-scratch.XXXXXX");
	if (!mkdtemp(scratch_dir)) {
		snprintf(reason, sizeof(reason), "mkdtemp: %s", strerror(errno));
		scratch_dir[0] = '\0';
		vms_scratch_fs_teardown();
		return NULL;
	}
	if (mount(scratch_dev, scratch_dir, "ext4", 0, NULL)) {
		snprintf(reason, sizeof(reason), "mount ext4: %s",
			 strerror(errno));
		rmdir(scratch_dir);
		scratch_dir[0] = '\0';
		vms_scratch_fs_teardown();
		return NULL;
	}
	return scratch_dir;
}

void vms_scratch_fs_teardown(void)
{
	if (scratch_dir[0]) {
		if (umount(scratch_dir))
			vms_log("umount %s: %s", scratch_dir, strerror(errno));
		rmdir(scratch_dir);
		scratch_dir[0] = '\0';
	}
	if (scratch_brd_loaded) {
		if (syscall(SYS_delete_module, "brd", O_NONBLOCK))
			vms_log("rmmod brd: %s", strerror(errno));
		scratch_brd_loaded = false;
	}
}

bool vms_name_selected(const char *list, const char *name)
{
	char buf[1024], *w, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strstr(name, w))
			return true;
	return false;
}
