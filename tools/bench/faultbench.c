// SPDX-License-Identifier: GPL-2.0
/*
 * faultbench - page-fault workloads for `make bench` (see
 * Documentation/bench.rst).
 *
 *   faultbench [-p PAGES] [-r REPS] [-f FILE] [-A FILE] [-T|-I|-N] WORKLOAD
 *
 * WORKLOAD is one of
 *   anon   first-touch write of PAGES anonymous pages (MADV_NOHUGEPAGE)
 *   file   read one byte of each of PAGES pages of FILE, mapped MAP_SHARED
 *          read-only, the file being in the page cache (minor faults; how
 *          many pages one fault maps is /sys/kernel/debug/fault_around_bytes)
 *   cow    fork, then the parent writes each of PAGES anonymous pages it
 *          had written before (copy-on-write faults; the child holds the
 *          old pages until the loop is over)
 *   storm  two threads first-touch PAGES/2 anonymous pages each, in one
 *          mapping, at the same time
 *
 * Only the faulting loop is timed, with CLOCK_MONOTONIC; the faults it took
 * are counted with getrusage() (ru_minflt + ru_majflt of the process).
 * Each of REPS runs prints one line:
 *
 *   run wl=anon rep=0 ns=123456789 faults=16384 pages=16384
 *
 * -A FILE alternates: before each run it writes 0 or 1 to FILE (meant for
 * /proc/sys/kernel/ftrace_enabled, which disarms and re-arms every ftrace
 * call site: vmastat's direct call and the kprobes on function entries),
 * in pairs ordered 01 10 01 ..., so that each run with the probes
 * armed has a run without them right next to it; the lines then carry
 * arm=0 or arm=1 and REPS is the number of pairs.
 *
 * -T tracks the process itself (VMASTAT_IOC_TRACK) before the first run
 * and forks an event reader, a child that maps the process's rings
 * (VMASTAT_IOC_EVENTS_MAP), sleeps in poll() and reads each event (it
 * sums their latencies) until the process is untracked; after the last
 * run the process untracks itself and prints "track events=N drops=N
 * wakeups=N unattributed=N missed=N" (wakeups: the reader's polls that
 * found events).  -I is -T with the other reader, one that takes the
 * events with VMASTAT_IOC_EVENTS and VMASTAT_EVENTS_WAIT in batches of 256
 * (wakeups: its ioctls that returned events).  -N tracks the same way
 * without a reader (events then only fill the rings and drop).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmastat.h>

#define QUERY	"/sys/kernel/debug/vmastat/query"
#define EVBATCH	256

static long pgsz;

static void die(const char *what)
{
	fprintf(stderr, "faultbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static long faults_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

static char *map_anon(size_t pages)
{
	char *p = mmap(NULL, pages * pgsz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* EINVAL: no THP in this kernel (Debian's PREEMPT_RT): nothing to do */
	if (madvise(p, pages * pgsz, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise(MADV_NOHUGEPAGE)");
	return p;
}

static void touch_write(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * pgsz] = 1;
}

static unsigned long touch_read(const char *p, size_t pages)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < pages; i++)
		sum += ((const volatile char *)p)[i * pgsz];
	return sum;
}

static int cur_arm = -1;

static void report(const char *wl, int rep, uint64_t ns, long faults,
		   size_t pages)
{
	printf("run wl=%s rep=%d arm=%d ns=%" PRIu64 " faults=%ld pages=%zu\n",
	       wl, rep, cur_arm, ns, faults, pages);
	fflush(stdout);
}

/* ---- workloads ----------------------------------------------------------- */

static void run_anon(int rep, size_t pages)
{
	char *p = map_anon(pages);
	long f0 = faults_now();
	uint64_t t0 = now_ns();

	touch_write(p, pages);
	uint64_t t1 = now_ns();

	report("anon", rep, t1 - t0, faults_now() - f0, pages);
	munmap(p, pages * pgsz);
}

static void run_file(int rep, size_t pages, const char *path)
{
	static char buf[1 << 16];
	struct stat st;
	int fd = open(path, O_RDONLY);
	char *p;

	if (fd < 0)
		die(path);
	if (fstat(fd, &st))
		die("fstat");
	if ((size_t)st.st_size < pages * pgsz) {
		errno = EINVAL;
		die("file smaller than PAGES");
	}
	/* in the page cache before the loop: every fault is minor */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	p = mmap(NULL, pages * pgsz, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap file");
	long f0 = faults_now();
	uint64_t t0 = now_ns();

	touch_read(p, pages);
	uint64_t t1 = now_ns();

	report("file", rep, t1 - t0, faults_now() - f0, pages);
	munmap(p, pages * pgsz);
	close(fd);
}

static void run_cow(int rep, size_t pages)
{
	char *p = map_anon(pages);
	int pp[2];
	pid_t child;
	char c;

	touch_write(p, pages);
	if (pipe(pp))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		close(pp[1]);
		/* holds the pages until the parent is done */
		if (read(pp[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pp[0]);
	long f0 = faults_now();
	uint64_t t0 = now_ns();

	touch_write(p, pages);
	uint64_t t1 = now_ns();
	long f = faults_now() - f0;

	close(pp[1]);
	waitpid(child, NULL, 0);
	report("cow", rep, t1 - t0, f, pages);
	munmap(p, pages * pgsz);
}

struct storm_arg {
	char *p;
	size_t pages;
	pthread_barrier_t *bar;
};

static void *storm_thread(void *a)
{
	struct storm_arg *s = a;

	pthread_barrier_wait(s->bar);
	touch_write(s->p, s->pages);
	return NULL;
}

static void run_storm(int rep, size_t pages)
{
	size_t half = pages / 2;
	char *p = map_anon(2 * half);
	pthread_barrier_t bar;
	struct storm_arg a[2];
	pthread_t t[2];

	pthread_barrier_init(&bar, NULL, 3);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct storm_arg){ p + i * half * pgsz, half, &bar };
		if (pthread_create(&t[i], NULL, storm_thread, &a[i]))
			die("pthread_create");
	}
	long f0 = faults_now();
	uint64_t t0 = now_ns();

	pthread_barrier_wait(&bar);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	uint64_t t1 = now_ns();

	report("storm", rep, t1 - t0, faults_now() - f0, 2 * half);
	pthread_barrier_destroy(&bar);
	munmap(p, 2 * half * pgsz);
}

/* ---- config 3: tracked, with an event reader ----------------------------- */

static int track_ioctl(int fd, unsigned long cmd, pid_t pid)
{
	struct vmastat_track t = { .size = sizeof(t), .pid = pid };

	return ioctl(fd, cmd, &t);
}

/* The reader: take events until the process is untracked (ESRCH). */
static void reader(pid_t pid, int out)
{
	static struct vmastat_event ev[EVBATCH];
	uint64_t total = 0, drops = 0, wakeups = 0;
	int fd = open(QUERY, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		_exit(2);
	for (;;) {
		struct vmastat_events_query q = {
			.size = sizeof(q),
			.flags = VMASTAT_EVENTS_WAIT,
			.pid = pid,
			.event_size = sizeof(ev[0]),
			.events = (uintptr_t)ev,
			.count = EVBATCH,
		};

		if (ioctl(fd, VMASTAT_IOC_EVENTS, &q)) {
			if (errno == EINTR)
				continue;
			break;		/* ESRCH: untracked */
		}
		total += q.count;
		wakeups += q.count > 0;
		drops = q.drops;
	}
	dprintf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", total, drops,
		wakeups);
	_exit(0);
}

/*
 * The mapped reader: poll until a ring has events, read each one, give
 * the slots back; after POLLHUP (untracked) one last pass, then report.
 */
static void reader_map(pid_t pid, int out)
{
	struct vmastat_events_map m = { .size = sizeof(m), .pid = pid };
	uint64_t total = 0, drops = 0, wakeups = 0, lat = 0;
	int fd = open(QUERY, O_RDONLY | O_CLOEXEC);
	char *base;
	int hup = 0;

	if (fd < 0 || ioctl(fd, VMASTAT_IOC_EVENTS_MAP, &m))
		_exit(2);
	base = mmap(NULL, m.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    m.fd, 0);
	if (base == MAP_FAILED)
		_exit(2);
	while (!hup) {
		struct pollfd p = { .fd = m.fd, .events = POLLIN };
		uint64_t got = 0;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		hup = !!(p.revents & POLLHUP);
		for (uint32_t i = 0; i < m.nr_rings; i++) {
			struct vmastat_ring_header *h =
				(void *)(base + i * m.ring_size);
			const struct vmastat_event *ev =
				(const void *)((char *)h + m.events_offset);
			uint64_t head = __atomic_load_n(&h->head,
							__ATOMIC_ACQUIRE);
			uint64_t tail = h->tail;

			for (; tail != head; tail++, got++)
				lat += ev[tail & (m.ring_entries - 1)].latency_ns;
			__atomic_store_n(&h->tail, tail, __ATOMIC_RELEASE);
		}
		total += got;
		wakeups += got > 0;
	}
	for (uint32_t i = 0; i < m.nr_rings; i++)
		drops += ((struct vmastat_ring_header *)
			  (base + i * m.ring_size))->drops;
	dprintf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		total, drops, wakeups, lat);
	_exit(0);
}

static int qfd = -1, rpipe = -1;
static pid_t rpid;

static int no_reader, ioctl_reader;

static void track_start(void)
{
	int pp[2];

	qfd = open(QUERY, O_RDONLY | O_CLOEXEC);
	if (qfd < 0)
		die(QUERY);
	if (track_ioctl(qfd, VMASTAT_IOC_TRACK, getpid()))
		die("VMASTAT_IOC_TRACK");
	if (no_reader)
		return;
	if (pipe(pp))
		die("pipe");
	rpid = fork();
	if (rpid < 0)
		die("fork");
	if (!rpid) {
		close(pp[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ioctl_reader)
			reader(getppid(), pp[1]);
		else
			reader_map(getppid(), pp[1]);
	}
	close(pp[1]);
	rpipe = pp[0];
	usleep(100000);		/* let the reader block in the ioctl or poll */
}

static void track_stop(void)
{
	struct vmastat_summary sum = { .size = sizeof(sum) };
	char buf[128] = "";
	unsigned long long ev = 0, drops = 0, wakeups = 0;
	ssize_t n;

	if (ioctl(qfd, VMASTAT_IOC_SUMMARY, &sum))
		memset(&sum, 0, sizeof(sum));
	if (track_ioctl(qfd, VMASTAT_IOC_UNTRACK, getpid()))
		die("VMASTAT_IOC_UNTRACK");
	n = no_reader ? 0 : read(rpipe, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		sscanf(buf, "%llu %llu %llu", &ev, &drops, &wakeups);
	}
	if (no_reader)
		drops = sum.event_drops;
	else
		waitpid(rpid, NULL, 0);
	printf("track events=%llu drops=%llu wakeups=%llu unattributed=%llu missed=%llu\n",
	       ev, drops, wakeups, (unsigned long long)sum.unattributed,
	       (unsigned long long)sum.missed);
}

static void set_arm(const char *path, int on)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, on ? "1\n" : "0\n", 2) != 2)
		die(path);
	close(fd);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: faultbench [-p PAGES] [-r REPS] [-f FILE] [-A FILE] [-T|-I|-N] anon|file|cow|storm\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t pages = 16384;
	const char *file = NULL, *alt = NULL, *wl;
	int reps = 3, track = 0, opt;

	pgsz = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "p:r:f:A:TIN")) != -1) {
		switch (opt) {
		case 'p': pages = strtoul(optarg, NULL, 0); break;
		case 'r': reps = atoi(optarg); break;
		case 'f': file = optarg; break;
		case 'A': alt = optarg; break;
		case 'T': track = 1; break;
		case 'I': track = 1; ioctl_reader = 1; break;
		case 'N': track = 1; no_reader = 1; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || !pages || reps < 1)
		usage();
	wl = argv[optind];
	if (!strcmp(wl, "file") && !file)
		usage();
	if (strcmp(wl, "anon") && strcmp(wl, "file") && strcmp(wl, "cow") &&
	    strcmp(wl, "storm"))
		usage();

	if (track)
		track_start();
	for (int r = 0; r < reps * (alt ? 2 : 1); r++) {
		if (alt) {
			/* pairs 01 10 01 ...: the armed run first every other pair */
			cur_arm = (r & 1) ^ ((r >> 1) & 1);
			set_arm(alt, cur_arm);
		}
		if (!strcmp(wl, "anon"))
			run_anon(r, pages);
		else if (!strcmp(wl, "file"))
			run_file(r, pages, file);
		else if (!strcmp(wl, "cow"))
			run_cow(r, pages);
		else
			run_storm(r, pages);
	}
	if (alt)
		set_arm(alt, 1);
	if (track)
		track_stop();
	return 0;
}
