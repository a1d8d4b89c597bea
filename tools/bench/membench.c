// SPDX-License-Identifier: GPL-2.0
/*
 * membench - the memory vmastat holds (see Documentation/bench.rst).
 *
 *   membench snap LABEL         one "mem" line: the counters now
 *   membench procs N            N live processes (children blocked on a
 *                               pipe): a "mem" line before and one with
 *                               them running
 *   membench track MIB [SHIFT]  a tracked child that faults in MIB MiB:
 *                               "mem" lines before tracking, tracked,
 *                               after the faults, after untracking
 *
 * A "mem" line:
 *
 *   mem label=L slab_kb=N vmalloc_kb=N percpu_kb=N mem_bytes=N nr_live=N
 *       nr_tracked=N unattributed=N
 *
 * Slab, VmallocUsed and Percpu from /proc/meminfo (after dropping the
 * reclaimable caches, to cut the noise), and the module's own count
 * (struct vmastat_summary.mem_bytes, VMASTAT_IOC_SUMMARY, size
 * VMASTAT_SUMMARY_SIZE_VER1); -1 when the module is not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmastat.h>

#define QUERY	"/sys/kernel/debug/vmastat/query"

static void die(const char *what)
{
	fprintf(stderr, "membench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long meminfo(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void snap(const char *label)
{
	struct vmastat_summary s;
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3\n", 2) != 2)
			perror("drop_caches");
		close(fd);
	}
	usleep(200000);
	memset(&s, 0, sizeof(s));
	s.size = VMASTAT_SUMMARY_SIZE_VER1;
	fd = open(QUERY, O_RDONLY);
	if (fd < 0 || ioctl(fd, VMASTAT_IOC_SUMMARY, &s)) {
		memset(&s, 0, sizeof(s));
		s.mem_bytes = -1;
	}
	if (fd >= 0)
		close(fd);
	printf("mem label=%s slab_kb=%ld vmalloc_kb=%ld percpu_kb=%ld mem_bytes=%lld nr_live=%u nr_tracked=%u unattributed=%llu\n",
	       label, meminfo("Slab"), meminfo("VmallocUsed"), meminfo("Percpu"),
	       (long long)s.mem_bytes, s.nr_live, s.nr_tracked,
	       (unsigned long long)s.unattributed);
	fflush(stdout);
}

static int procs(int n)
{
	pid_t *kids = calloc(n, sizeof(*kids));
	int pp[2];
	char c;

	if (!kids || pipe(pp))
		die("set-up");
	snap("procs-before");
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			die("fork");
		if (!kids[i]) {
			close(pp[1]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (read(pp[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
	}
	snap("procs-running");
	close(pp[1]);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	snap("procs-exited");
	return 0;
}

static int track_ioctl(int fd, unsigned long cmd, pid_t pid, unsigned int shift)
{
	struct vmastat_track t = { .size = sizeof(t), .pid = pid,
				   .granule_shift = shift };

	return ioctl(fd, cmd, &t);
}

static int track(long mib, unsigned int shift)
{
	int go[2], done[2], fd;
	pid_t pid;
	char c;

	fd = open(QUERY, O_RDONLY);
	if (fd < 0)
		die(QUERY);
	if (pipe(go) || pipe(done))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		size_t len = (size_t)mib << 20;
		char *p;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(done[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		madvise(p, len, MADV_NOHUGEPAGE);
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		if (write(done[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	snap("track-before");
	if (track_ioctl(fd, VMASTAT_IOC_TRACK, pid, shift))
		die("VMASTAT_IOC_TRACK");
	snap("track-tracked");
	if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
		die("child");
	snap("track-faulted");
	if (track_ioctl(fd, VMASTAT_IOC_UNTRACK, pid, 0))
		die("VMASTAT_IOC_UNTRACK");
	snap("track-untracked");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "snap")) {
		snap(argv[2]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "procs"))
		return procs(atoi(argv[2]));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "track"))
		return track(atol(argv[2]), argc == 4 ? atoi(argv[3]) : 0);
	fprintf(stderr, "usage: membench snap LABEL | procs N | track MIB [SHIFT]\n");
	return 2;
}
