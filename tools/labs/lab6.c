// SPDX-License-Identifier: GPL-2.0
/*
 * lab6 - copy-on-write after fork().
 *
 * The parent fills 1 MiB of anonymous memory and forks.  fork() copies the
 * page tables of that mapping but not the pages: both processes map the same
 * pages, read-only, and the first write on either side takes a fault that
 * copies the page -- or, when the other side no longer maps it, just makes
 * it writable again.  The child tracks itself with vmastat (it is a new
 * process: nothing of the parent's tracking carries over), reads and writes
 * half the pages and reports; the parent writes pages the child copied,
 * pages still shared, and, after the child exited, the rest.  Every claim
 * is checked against the kernel: smaps (Rss, Pss, Shared_Dirty,
 * Private_Dirty), /proc/PID/stat and /proc/self/pagemap (which physical page
 * a virtual page uses, to tell a copy from a reuse).
 *
 * A shared mapping (memfd) shows the other rule of fork(): page tables of a
 * mapping without anonymous pages are not copied at all; the child faults
 * them in again from the page cache.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lablib.h"

#define NPAGES	256
#define SIZE	(NPAGES * LAB_PAGE)
#define Q	(NPAGES / 4)

/* What the child measured, in a shared page, for the parent's checks. */
struct child_report {
	int tracked;			/* 0, or -errno of VMASTAT_IOC_TRACK */
	long rss0_kb, shm_rss0_kb;	/* smaps Rss at the child's start */
	unsigned long long read_faults;	/* reading every page of p */
	unsigned long long minor, major, write, cow;	/* writing N/2 */
	unsigned int ev_cow;		/* events with VMASTAT_EV_COW */
	long priv_dirty_kb, shared_dirty_kb;
	unsigned long long shm_faults, shm_rss;
	unsigned long long vm_minor, vm_major;	/* vmastat, whole child */
	unsigned long minflt, majflt;		/* its /proc/self/stat */
	int bad_data;			/* pages whose content was wrong */
};

static int qfd = -1;			/* our own fd on the query file */
static struct vmastat_event ev[1024];

/* Physical page frame numbers of @n pages at @p (0: not present). */
static void pfns(const char *p, unsigned long *out, unsigned int n)
{
	static uint64_t e[NPAGES];
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	unsigned int i;

	memset(out, 0, n * sizeof(*out));
	if (fd < 0)
		return;
	if (pread(fd, e, n * sizeof(e[0]),
		  (off_t)((unsigned long)p / LAB_PAGE * sizeof(e[0]))) ==
	    (ssize_t)(n * sizeof(e[0])))
		for (i = 0; i < n; i++)
			out[i] = e[i] >> 63 ? e[i] & ((1ULL << 55) - 1) : 0;
	close(fd);
}

static int track(pid_t pid, unsigned long req)
{
	struct vmastat_track t = { .size = sizeof(t), .pid = pid };

	return ioctl(qfd, req, &t) ? -errno : 0;
}

static unsigned int cow_events(const char *p, size_t len)
{
	unsigned int n, i, k = 0;

	do {
		n = lab_events(ev, 1024);
		for (i = 0; i < n; i++)
			if (ev[i].address >= (unsigned long)p &&
			    ev[i].address < (unsigned long)p + len &&
			    (ev[i].flags & VMASTAT_EV_COW))
				k++;
	} while (n == 1024);
	return k;
}

static char pattern(unsigned int i)
{
	return (char)(0x40 + i % 61);
}

/* The child: track itself, read everything, write the first half, report. */
static void child(char *p, char *s, struct child_report *r, int go, int done)
{
	struct vmastat_fault_counts c;
	struct vmastat_vma v, b;
	volatile char sink;
	unsigned int i;
	char cmd;

	r->tracked = track(getpid(), VMASTAT_IOC_TRACK);
	if (r->tracked) {
		if (write(done, "x", 1) < 0)
			_exit(1);
		_exit(1);
	}
	/* warm up lablib's buffers and our stack (they fault: COW too) */
	lab_vma(p, &b);
	lab_counts(&c);
	lab_stat_faults(&r->minflt, &r->majflt);
	lab_smaps_kb(p, "Rss");
	lab_events(ev, 1024);
	if (read(go, &cmd, 1) != 1 || cmd != 'g')
		_exit(1);

	r->rss0_kb = lab_smaps_kb(p, "Rss");
	r->shm_rss0_kb = lab_smaps_kb(s, "Rss");
	lab_say("   [child %d] tracks itself; right after fork() its copy of the\n"
		"   anonymous mapping has Rss %ld KiB, of the shared one %ld KiB\n",
		getpid(), r->rss0_kb, r->shm_rss0_kb);

	lab_vma(p, &b);
	for (i = 0; i < NPAGES; i++) {
		sink = p[i * LAB_PAGE];
		if (sink != pattern(i))
			r->bad_data++;
	}
	lab_vma(p, &v);
	r->read_faults = v.faults.minor + v.faults.major - b.faults.minor -
			 b.faults.major;

	lab_events(ev, 1024);
	b = v;
	for (i = 0; i < NPAGES / 2; i++)
		p[i * LAB_PAGE] = 'c';
	lab_vma(p, &v);
	r->ev_cow = cow_events(p, SIZE);
	r->minor = v.faults.minor - b.faults.minor;
	r->major = v.faults.major - b.faults.major;
	r->write = v.faults.write - b.faults.write;
	r->cow = v.faults.cow - b.faults.cow;
	r->priv_dirty_kb = lab_smaps_kb(p, "Private_Dirty");
	r->shared_dirty_kb = lab_smaps_kb(p, "Shared_Dirty");
	lab_say("   [child] read all %u pages, then wrote the first %u: %llu faults,\n"
		"   %llu of them copy-on-write; smaps: Private_Dirty %ld KiB, Shared_Dirty %ld KiB\n",
		NPAGES, NPAGES / 2, r->minor + r->major, r->cow,
		r->priv_dirty_kb, r->shared_dirty_kb);

	lab_vma(s, &b);
	for (i = 0; i < NPAGES; i++)
		sink = s[i * LAB_PAGE];
	(void)sink;
	lab_vma(s, &v);
	r->shm_faults = v.faults.minor + v.faults.major - b.faults.minor -
			b.faults.major;
	r->shm_rss = v.rss_shmem;
	lab_say("   [child] read the shared mapping: %llu faults to map it again\n",
		r->shm_faults);
	lab_show((const char *[]){ "child p", "child s", NULL },
		 (const void *[]){ p, s, NULL });

	lab_counts(&c);
	lab_stat_faults(&r->minflt, &r->majflt);
	r->vm_minor = c.minor;
	r->vm_major = c.major;

	/* tell the parent, wait until it lets us exit */
	if (write(done, "d", 1) == 1 && read(go, &cmd, 1) != 1)
		cmd = 'x';
	track(getpid(), VMASTAT_IOC_UNTRACK);
	_exit(0);
}

#define D(f)	((unsigned long long)(v.faults.f - b.faults.f))

/* A set-up step failed: say so as a failed check, and finish properly. */
static int give_up(const char *what)
{
	lab_check(false, "%s: %s", what, strerror(errno));
	return lab_done();
}

int main(int argc, char **argv)
{
	static unsigned long pfn0[NPAGES], pfn1[NPAGES];
	const char *dbg = getenv("VMASTAT_DEBUGFS");
	unsigned long minflt, majflt;
	struct vmastat_fault_counts c;
	struct child_report *r;
	struct vmastat_vma v, b;
	unsigned int i, same, moved;
	int go[2], done[2], status, memfd;
	long rss, pss, shd, prd;
	volatile char sink;
	char path[512], cmd;
	cpu_set_t cpus;
	pid_t pid;
	char *p, *s;
	bool data_ok;

	lab_init(argc, argv, "copy-on-write after fork()");
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s/vmastat/query",
		 dbg ? dbg : "/sys/kernel/debug");
	qfd = open(path, O_RDONLY | O_CLOEXEC);
	if (qfd < 0)
		return give_up("open query");
	/*
	 * One CPU: a page the kernel still holds in another CPU's LRU batch
	 * has an extra reference, and a write fault would copy it rather
	 * than reuse it.  On one CPU the kernel drains the batch itself.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	/* first calls fault in stack and buffers: not during a measurement */
	lab_stat_faults(&minflt, &majflt);
	lab_counts(&c);
	lab_smaps_kb(&c, "Rss");

	r = mmap(NULL, LAB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED || pipe2(go, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return give_up("set-up");
	memset(r, 0, sizeof(*r));

	lab_step("the parent fills %lu KiB of anonymous memory (p) and a shared memfd mapping (s)",
		 SIZE / KIB);
	p = lab_map_anon(SIZE);
	lab_vma(p, &b);
	for (i = 0; i < NPAGES; i++)
		p[i * LAB_PAGE] = pattern(i);
	lab_vma(p, &v);
	memfd = memfd_create("lab6", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, SIZE))
		return give_up("memfd");
	s = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (s == MAP_FAILED)
		return give_up("mmap memfd");
	lab_touch(s, SIZE, 's');
	rss = lab_smaps_kb(p, "Rss");
	prd = lab_smaps_kb(p, "Private_Dirty");
	lab_show((const char *[]){ "p", "s", NULL }, (const void *[]){ p, s, NULL });
	lab_check(D(write) == NPAGES && D(minor) == NPAGES && D(cow) == 0,
		  "%u pages written: %llu write faults, none copy-on-write",
		  NPAGES, D(write));
	lab_check(rss == (long)(SIZE / KIB) && prd == rss,
		  "all private to the parent: smaps Rss %ld KiB, Private_Dirty %ld KiB",
		  rss, prd);

	lab_step("fork(): the child gets copies of the page tables, not of the pages");
	pfns(p, pfn0, NPAGES);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return give_up("fork");
	if (pid == 0) {
		close(go[1]);
		close(done[0]);
		child(p, s, r, go[0], done[1]);
	}
	close(go[0]);
	close(done[1]);
	rss = lab_smaps_kb(p, "Rss");
	pss = lab_smaps_kb(p, "Pss");
	shd = lab_smaps_kb(p, "Shared_Dirty");
	prd = lab_smaps_kb(p, "Private_Dirty");
	lab_say("   forked child %d.  The parent's smaps for p now: Rss %ld, Pss %ld,\n"
		"   Shared_Dirty %ld, Private_Dirty %ld KiB: every page has two users\n"
		"   (the tables below count the faults since the lab started)\n",
		pid, rss, pss, shd, prd);
	lab_check(rss == (long)(SIZE / KIB) && shd == rss && prd == 0 &&
		  pss == rss / 2,
		  "the parent's pages are shared with the child (Shared_Dirty %ld, Pss %ld KiB)",
		  shd, pss);

	lab_step("the parent reads every page of p");
	lab_vma(p, &b);
	for (i = 0; i < NPAGES; i++)
		sink = p[i * LAB_PAGE];
	(void)sink;
	lab_vma(p, &v);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(D(minor) + D(major) == 0,
		  "reading after fork() takes no fault (%llu): the entries were copied, read-only",
		  D(minor) + D(major));

	lab_step("the child reads every page, then writes the first half");
	if (write(go[1], "g", 1) != 1 || read(done[0], &cmd, 1) != 1 || cmd != 'd') {
		lab_check(false, "the child ran (tracking it: %s)",
			  strerror(-r->tracked));
		waitpid(pid, &status, 0);
		return lab_done();
	}
	lab_check(r->rss0_kb == (long)(SIZE / KIB) && r->bad_data == 0,
		  "the child starts with p mapped (Rss %ld KiB), the parent's data in it",
		  r->rss0_kb);
	lab_check(r->read_faults == 0,
		  "the child's reads take no fault either (%llu)", r->read_faults);
	lab_check(r->minor == NPAGES / 2 && r->major == 0 &&
		  r->write == NPAGES / 2 && r->cow == NPAGES / 2 &&
		  r->ev_cow == NPAGES / 2,
		  "its %u writes are %llu copy-on-write faults (%u COW events)",
		  NPAGES / 2, r->cow, r->ev_cow);
	lab_check(r->priv_dirty_kb == (long)(SIZE / 2 / KIB) &&
		  r->shared_dirty_kb == (long)(SIZE / 2 / KIB),
		  "the child owns its %lu KiB of copies, still shares the rest (Private_Dirty %ld, Shared_Dirty %ld)",
		  SIZE / 2 / KIB, r->priv_dirty_kb, r->shared_dirty_kb);
	lab_check(r->vm_minor == r->minflt && r->vm_major == r->majflt,
		  "the child's vmastat counts are its /proc/self/stat (%lu minor, %lu major)",
		  r->minflt, r->majflt);
	lab_check(r->shm_rss0_kb == 0 && r->shm_faults > 0 &&
		  r->shm_rss == SIZE,
		  "fork() did not copy the shared mapping's entries: Rss %ld KiB at first, %llu faults to map it",
		  r->shm_rss0_kb, r->shm_faults);

	lab_step("the parent writes p[0..%u) (the child has copies) and p[%u..%u) (still shared)",
		 Q, 2 * Q, 3 * Q);
	shd = lab_smaps_kb(p, "Shared_Dirty");
	prd = lab_smaps_kb(p, "Private_Dirty");
	lab_say("   before writing, the parent's smaps: Private_Dirty %ld, Shared_Dirty %ld KiB:\n"
		"   the child's copies left the parent's originals with a single user\n",
		prd, shd);
	lab_check(prd == (long)(SIZE / 2 / KIB) && shd == (long)(SIZE / 2 / KIB),
		  "half of the parent's pages are private again without the parent doing anything");
	lab_vma(p, &b);
	for (i = 0; i < Q; i++)
		p[i * LAB_PAGE] = 'P';
	for (i = 2 * Q; i < 3 * Q; i++)
		p[i * LAB_PAGE] = 'P';
	lab_vma(p, &v);
	pfns(p, pfn1, NPAGES);
	for (i = same = 0; i < Q; i++)
		same += pfn1[i] && pfn1[i] == pfn0[i];
	for (i = 2 * Q, moved = 0; i < 3 * Q; i++)
		moved += pfn1[i] && pfn1[i] != pfn0[i];
	shd = lab_smaps_kb(p, "Shared_Dirty");
	prd = lab_smaps_kb(p, "Private_Dirty");
	lab_say("   /proc/self/pagemap: %u of the first %u pages kept their physical page\n"
		"   (reused), %u of the %u shared ones got a new one (copied)\n",
		same, Q, moved, Q);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(D(cow) == 2 * Q && D(minor) == 2 * Q,
		  "the parent's writes fault too: %llu copy-on-write faults for %u pages",
		  D(cow), 2 * Q);
	lab_check(same == Q,
		  "a page nobody else maps is reused in place (%u of %u kept their frame)",
		  same, Q);
	lab_check(moved == Q,
		  "a page still shared is copied (%u of %u got a new frame)", moved, Q);
	lab_check(prd == (long)(3 * Q * LAB_PAGE / KIB) &&
		  shd == (long)(Q * LAB_PAGE / KIB),
		  "smaps: Private_Dirty %ld KiB, Shared_Dirty %ld KiB", prd, shd);

	lab_step("the child exits; the parent writes the last quarter");
	if (write(go[1], "x", 1) != 1)
		perror("lab6: pipe");
	waitpid(pid, &status, 0);
	lab_vma(p, &b);
	for (i = 3 * Q; i < NPAGES; i++)
		p[i * LAB_PAGE] = 'P';
	lab_vma(p, &v);
	pfns(p, pfn1, NPAGES);
	for (i = 3 * Q, same = 0; i < NPAGES; i++)
		same += pfn1[i] && pfn1[i] == pfn0[i];
	shd = lab_smaps_kb(p, "Shared_Dirty");
	prd = lab_smaps_kb(p, "Private_Dirty");
	for (i = 0, data_ok = true; i < NPAGES; i++)
		if (p[i * LAB_PAGE] != (i < Q || i >= 2 * Q ? 'P' : pattern(i)))
			data_ok = false;
	lab_say("   the child is gone, but the parent's entries are still read-only:\n"
		"   each write still faults once; the page is only made writable\n");
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child exited cleanly");
	lab_check(D(cow) == Q && D(minor) == Q && same == Q,
		  "%llu copy-on-write faults for %u pages, every page reused in place (%u)",
		  D(cow), Q, same);
	lab_check(prd == (long)(SIZE / KIB) && shd == 0,
		  "all private again: Private_Dirty %ld KiB, Shared_Dirty %ld KiB",
		  prd, shd);
	lab_check(data_ok,
		  "the parent sees its own writes and never the child's");

	lab_step("the parent as a whole: vmastat against /proc/self/stat");
	/*
	 * lablib's buffers were write-protected by fork() as well: their
	 * first use since would take a copy-on-write fault in the middle
	 * of the comparison.  Use them once first.
	 */
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_say("   vmastat: %llu minor (%llu copy-on-write), %llu major; /proc/self/stat:\n"
		"   %lu minflt, %lu majflt.  (The zero page's copy-on-write: see lab 3.)\n",
		(unsigned long long)c.minor, (unsigned long long)c.cow,
		(unsigned long long)c.major, minflt, majflt);
	lab_check(c.minor == minflt && c.major == majflt,
		  "vmastat's accounted faults equal min_flt/maj_flt");

	close(qfd);
	return lab_done();
}
