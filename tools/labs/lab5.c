// SPDX-License-Identifier: GPL-2.0
/*
 * lab5 - minor and major faults of a mapped file; fault-around; readahead.
 *
 * The classic lesson says a page fault is "major" when it has to read the
 * disk and "minor" otherwise.  This lab maps a 1 MiB file that lives on a
 * real block device and reads one byte per page, first while the file is in
 * the page cache, then after the cache was dropped, and shows fault by fault
 * what the kernel did: how many pages one fault maps (fault-around), how
 * many pages one disk read brings in (readahead), and which faults the
 * kernel counts as major (maj_flt), next to its own counters (/proc/self/stat,
 * /proc/vmstat pgmajfault and pgpgin, mincore(), smaps).
 *
 * Where the file lives matters: in the test VM / is the host's root over 9p
 * and /tmp is tmpfs (whose pages cannot be dropped: there is nothing to read
 * them back from).  So the lab makes its own disk: a zram block device with
 * an ext4 file system on it, mounted under /tmp, and removes it at the end.
 * It also sets /sys/kernel/debug/fault_around_bytes to 4096 for a while and
 * restores it, also when interrupted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lablib.h"

#define NPAGES		256			/* the file: 1 MiB */
#define FSIZE		(NPAGES * LAB_PAGE)
#define ZRAM_SIZE	"64M"
#define MAX_EV		2048

extern char **environ;

/* What the lab set up, for the clean-up (atexit and signals). */
static struct {
	struct lab_zram zram;	/* the zram device, zram.id -1: none */
	char dir[64];		/* mount point, "" when not mounted */
	long fa_saved;		/* fault_around_bytes to restore, -1: none */
	char fa_path[256];
	int fd;			/* the file, -1: not open */
	char *area;		/* where the file gets mapped */
	size_t area_len;
} st = { .zram.id = -1, .fa_saved = -1, .fd = -1 };

static struct vmastat_event ev[MAX_EV];

/* ---- small system helpers ------------------------------------------- */

static long read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Pages of [p, p + len) that are in the page cache, as mincore() says. */
static unsigned int cached_pages(const void *p, size_t len)
{
	static unsigned char vec[NPAGES];
	unsigned int i, n = 0;

	if (mincore((void *)p, len, vec))
		return 0;
	for (i = 0; i < len / LAB_PAGE; i++)
		n += vec[i] & 1;
	return n;
}

static bool page_cached(const void *p)
{
	unsigned char v = 0;

	return !mincore((void *)p, LAB_PAGE, &v) && (v & 1);
}

static long fa_get(void)
{
	return read_long(st.fa_path);
}

static bool fa_set(long bytes)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", bytes);
	return !lab_write_file(st.fa_path, buf) && fa_get() == bytes;
}

/* ---- the scratch disk: ext4 on zram ------------------------------------ */

static void cleanup(void)
{
	if (st.fa_saved >= 0) {
		fa_set(st.fa_saved);
		st.fa_saved = -1;
	}
	if (st.area) {		/* the file's mappings keep the fs busy */
		munmap(st.area, st.area_len);
		st.area = NULL;
	}
	if (st.fd >= 0) {
		close(st.fd);
		st.fd = -1;
	}
	if (st.dir[0]) {
		if (umount(st.dir))
			fprintf(stderr, "lab5: umount %s: %s\n", st.dir,
				strerror(errno));
		rmdir(st.dir);
		st.dir[0] = '\0';
	}
	lab_zram_remove(&st.zram);
}

/* A zram device of ZRAM_SIZE of our own; its /dev path in @dev. */
static void zram_setup(char *dev, size_t len)
{
	lab_zram_setup(&st.zram, ZRAM_SIZE, "cannot size the zram device",
		       dev, len);
}

/* ext4 on a new zram disk, mounted on a new directory under /tmp. */
static void disk_setup(void)
{
	static char dev[32];
	const char *mkfs[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096",
			       "-O", "^has_journal", "-E", "nodiscard", dev,
			       NULL };
	static const char *const modprobe[] = { "modprobe", "ext4", NULL };

	zram_setup(dev, sizeof(dev));
	lab_setup_say("   # mke2fs -q -t ext4 -b 4096 -O ^has_journal %s\n", dev);
	if (lab_run(mkfs))
		lab_skip("mke2fs -t ext4 failed (no e2fsprogs?)");
	lab_run(modprobe);	/* built in on some kernels: failure is fine */
	snprintf(st.dir, sizeof(st.dir), "/tmp/lab5.XXXXXX");
	if (!mkdtemp(st.dir)) {
		st.dir[0] = '\0';
		lab_skip("mkdtemp under /tmp failed");
	}
	lab_setup_say("   # mount %s %s\n", dev, st.dir);
	if (mount(dev, st.dir, "ext4", 0, NULL)) {
		rmdir(st.dir);
		st.dir[0] = '\0';
		lab_skip("cannot mount ext4 on the zram device");
	}
}

/* The file system type of the mount containing @path ("?" if unknown). */
static void fs_of(const char *path, char *type, size_t tlen, char *opts,
		  size_t olen)
{
	char buf[1024], mnt[256], t[64], o[512];
	size_t best = 0;
	FILE *f;

	snprintf(type, tlen, "?");
	opts[0] = '\0';
	f = fopen("/proc/mounts", "re");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		size_t l;

		if (sscanf(buf, "%*s %255s %63s %511s", mnt, t, o) != 3)
			continue;
		l = strlen(mnt);
		if (strncmp(path, mnt, l) ||
		    (path[l] != '/' && path[l] != '\0' && l > 1))
			continue;
		if (l >= best) {
			best = l;
			snprintf(type, tlen, "%s", t);
			snprintf(opts, olen, "%s", o);
		}
	}
	fclose(f);
}

/* ---- measuring ---------------------------------------------------------- */

/*
 * How many faults reading one byte of each page of [p, p + len), in order,
 * should take when every page is cached and fault-around maps @fa bytes:
 * the kernel maps the fa-aligned block around the fault (from the VMA's
 * start at most, and at most fa bytes from there), clamped to the VMA and
 * to the page table.
 */
static unsigned int expect_faults(const char *p, size_t len, long fa,
				  unsigned int *first_window_pages)
{
	unsigned long start = (unsigned long)p, end = start + len, a;
	unsigned long mapped_end = 0;
	unsigned long fab = fa > (long)LAB_PAGE ? (unsigned long)fa : LAB_PAGE;
	unsigned int n = 0;

	for (a = start; a < end; a += LAB_PAGE) {
		unsigned long from, to;

		if (a < mapped_end)
			continue;
		from = a & ~(fab - 1);
		if (from < start)
			from = start;
		to = from + fab;
		if (to > end)
			to = end;
		if (to > ((from >> 21) + 1) << 21)
			to = ((from >> 21) + 1) << 21;
		if (!n)
			*first_window_pages = (to - from) / LAB_PAGE;
		mapped_end = to;
		n++;
	}
	return n;
}

/* Events of the faults inside [p, p + len) since the last call. */
static unsigned int take_events(const char *p, size_t len,
				struct vmastat_event *out, unsigned int max)
{
	unsigned int n, i, k = 0;

	do {
		n = lab_events(ev, MAX_EV);
		for (i = 0; i < n; i++) {
			if (ev[i].address < (unsigned long)p ||
			    ev[i].address >= (unsigned long)p + len)
				continue;
			if (k < max)
				out[k++] = ev[i];
		}
	} while (n == MAX_EV);
	return k;
}

static const char *outcome_name(unsigned int o)
{
	static const char *const names[] = { "minor", "major", "retry",
					     "segv", "sigbus", "oom" };

	return o < 6 ? names[o] : "?";
}

static void touch_page(const char *p, unsigned long i)
{
	volatile const char *c = p + i * LAB_PAGE;

	(void)*c;
}

/*
 * Map the file read-only at slot @slot of a reserved, 2 MiB-aligned area:
 * vmastat counts faults per address, so each experiment gets addresses of
 * its own (and 64 KiB fault-around blocks line up with the mapping).
 */
static char *map_file(int fd, unsigned int slot)
{
	char *p, *area;

	if (!st.area) {
		st.area_len = 4 * FSIZE + (2UL << 20);
		st.area = mmap(NULL, st.area_len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);
		if (st.area == MAP_FAILED) {
			st.area = NULL;
			lab_check(false, "mmap: %s", strerror(errno));
			exit(lab_done());
		}
	}
	area = (char *)(((unsigned long)st.area + (2UL << 20) - 1) &
			~((2UL << 20) - 1));
	p = mmap(area + slot * FSIZE, FSIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
		 fd, 0);
	if (p == MAP_FAILED) {
		lab_check(false, "mmap of the file: %s", strerror(errno));
		exit(lab_done());
	}
	return p;
}

/* ps -o min_flt,maj_flt of this process; false if ps cannot be run. */
static bool ps_faults(unsigned long *mn, unsigned long *mj)
{
	char pid[16], buf[256];
	const char *argv[] = { "ps", "-o", "min_flt=,maj_flt=", "-p", pid,
			       NULL };
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	ssize_t n, got = 0;
	pid_t child;
	bool ok;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (pipe2(pfd, O_CLOEXEC))
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&child, "ps", &fa, NULL, (char *const *)argv,
			 environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(pfd[0]);
	buf[got] = '\0';
	ok = waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	     !WEXITSTATUS(status) && sscanf(buf, "%lu %lu", mn, mj) == 2;
	return ok;
}

/* The lab's file: 1 MiB of distinct text, written and synced. */
static int make_file(const char *path)
{
	static char buf[LAB_PAGE + 16];
	unsigned int i, k;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	st.fd = fd;
	if (fd < 0)
		lab_skip("cannot create a file on the new file system");
	for (i = 0; i < NPAGES; i++) {
		for (k = 0; k < LAB_PAGE; k += 8)
			snprintf(buf + k, 9, "%03x:%04x", i, k);
		if (write(fd, buf, LAB_PAGE) != (ssize_t)LAB_PAGE)
			lab_skip("cannot write the file");
	}
	if (fsync(fd))
		lab_skip("fsync failed");
	lab_setup_say("   wrote %s (%lu KiB of text) and fsync'ed it\n",
		      path, FSIZE / KIB);
	return fd;
}

/* ---- the lab ------------------------------------------------------------ */

#define D(f)	((unsigned long long)(v.faults.f - b.faults.f))

int main(int argc, char **argv)
{
	static struct vmastat_event fev[NPAGES * 2 + 64];
	static unsigned long long lat[NPAGES];
	static unsigned long pgin_at[NPAGES];
	static bool cached_at[NPAGES];
	static char path[128], rtype[32], ropts[512], ttype[32], topts[512];
	const char *dbg = getenv("VMASTAT_DEBUGFS");
	unsigned long minflt0, majflt0, minflt, majflt, pgmaj0, pgin0;
	unsigned long pgmaj, pgin, psmin, psmaj, before_in;
	struct vmastat_fault_counts c0, c;
	unsigned int i, n, nexp, win = 0, misses, ra, nlat, nmaj, nretry;
	unsigned int nohit, nrc, nrmaj;
	unsigned long long minor_median, miss_ns;
	long fa_default = -1, rss, fa_now;
	struct vmastat_vma v, b;
	bool ok, ps_ok, help = false;
	char *p;
	int fd = -1;

	for (i = 1; i < (unsigned int)argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			help = true;
	snprintf(st.fa_path, sizeof(st.fa_path), "%s/fault_around_bytes",
		 dbg ? dbg : "/sys/kernel/debug");
	lab_at_exit(cleanup);
	if (!help) {
		fa_default = fa_get();
		if (fa_default < 0)
			lab_skip("no fault_around_bytes in debugfs");
		disk_setup();
		snprintf(path, sizeof(path), "%s/data", st.dir);
		fd = make_file(path);
	}
	lab_init(argc, argv, "minor and major faults of a mapped file, fault-around, readahead");
	/* the first calls fault in stack and buffers: not in a measurement */
	lab_stat_faults(&minflt0, &majflt0);
	lab_counts(&c0);
	lab_smaps_rss_kb(&c0);
	lab_vmstat("pgpgin");

	lab_step("a file whose page cache can be dropped: ext4 on a zram disk");
	fs_of("/", rtype, sizeof(rtype), ropts, sizeof(ropts));
	fs_of("/tmp", ttype, sizeof(ttype), topts, sizeof(topts));
	lab_say("   / is %s and /tmp is %s here.  A tmpfs page has nowhere to be\n"
		"   read back from, so it cannot be dropped; a network file system\n"
		"   caches as its mount options say.  A disk file system has a page\n"
		"   cache in front of a block device, so the lab made one:\n%s",
		rtype, ttype, lab_setup_log());
	p = map_file(fd, 0);
	n = cached_pages(p, FSIZE);
	lab_say("   and mapped it read-only:\n");
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_vma(p, &v);
	lab_check(n == NPAGES,
		  "the file just written is all in the page cache (mincore: %u of %u pages)",
		  n, NPAGES);
	lab_check(v.kind == VMASTAT_KIND_FILE && v.faults.minor + v.faults.major == 0 &&
		  v.rss_file == 0,
		  "a new file mapping: kind file, no fault, nothing mapped yet");

	lab_step("read one byte of the first page (fault_around_bytes = %ld)",
		 fa_default);
	lab_events(ev, MAX_EV);
	lab_stat_faults(&minflt0, &majflt0);
	lab_counts(&c0);
	touch_page(p, 0);
	lab_vma(p, &v);
	rss = lab_smaps_rss_kb(p);
	nexp = expect_faults(p, FSIZE, fa_default, &win);
	lab_say("   one fault, and the kernel mapped all %u cached pages of the %ld KiB\n"
		"   block around it at once (\"fault-around\"): Rss is %ld KiB\n",
		win, fa_default / (long)KIB, rss);
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor == 1 && v.faults.major == 0,
		  "reading a cached page is one minor fault (%llu minor, %llu major)",
		  (unsigned long long)v.faults.minor,
		  (unsigned long long)v.faults.major);
	lab_check(rss == (long)(win * LAB_PAGE / KIB) &&
		  v.rss_file / KIB == (unsigned long)rss,
		  "and it mapped %u pages: smaps Rss %ld KiB, vmastat %llu KiB",
		  win, rss, (unsigned long long)v.rss_file / KIB);

	lab_step("read one byte of every page");
	for (i = 1; i < NPAGES; i++)
		touch_page(p, i);
	lab_vma(p, &v);
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	rss = lab_smaps_rss_kb(p);
	lab_say("   %u pages read with %llu faults: one per %ld KiB block.  The process:\n"
		"   vmastat +%llu minor +%llu major, /proc/self/stat min_flt +%lu maj_flt +%lu\n",
		NPAGES, (unsigned long long)v.faults.minor, fa_default / (long)KIB,
		(unsigned long long)(c.minor - c0.minor),
		(unsigned long long)(c.major - c0.major),
		minflt - minflt0, majflt - majflt0);
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor == nexp && v.faults.major == 0,
		  "%u pages read with %llu minor faults (%u expected with %ld-byte fault-around)",
		  NPAGES, (unsigned long long)v.faults.minor, nexp, fa_default);
	lab_check(rss == (long)(FSIZE / KIB) && v.rss_file == FSIZE,
		  "all %lu KiB mapped (smaps Rss %ld KiB, vmastat %llu KiB)",
		  FSIZE / KIB, rss, (unsigned long long)v.rss_file / KIB);
	lab_check(c.minor - c0.minor == minflt - minflt0 &&
		  c.major - c0.major == majflt - majflt0,
		  "vmastat's process counts moved as min_flt and maj_flt did (+%lu, +%lu)",
		  minflt - minflt0, majflt - majflt0);
	munmap(p, FSIZE);

	lab_step("fault-around off (fault_around_bytes = 4096): map the file again, read every page");
	st.fa_saved = fa_default;
	ok = fa_set(LAB_PAGE);
	lab_say("   # echo 4096 > %s   (%s; the lab puts %ld back)\n", st.fa_path,
		ok ? "done" : "FAILED", fa_default);
	p = map_file(fd, 1);
	take_events(p, FSIZE, fev, 0);
	touch_page(p, 0);
	rss = lab_smaps_rss_kb(p);
	for (i = 1; i < NPAGES; i++)
		touch_page(p, i);
	lab_vma(p, &v);
	n = take_events(p, FSIZE, fev, NPAGES * 2 + 64);
	for (i = nlat = 0; i < n; i++)
		if (fev[i].outcome == VMASTAT_OUTCOME_MINOR && nlat < NPAGES)
			lat[nlat++] = fev[i].latency_ns;
	qsort(lat, nlat, sizeof(lat[0]), lab_cmp_u64);
	minor_median = nlat ? lat[nlat / 2] : 0;
	lab_say("   after the first page Rss was %ld KiB; one fault per page now, each\n"
		"   a few microseconds in handle_mm_fault() (median %llu ns)\n",
		rss, minor_median);
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_check(ok && rss == (long)(LAB_PAGE / KIB),
		  "with fault-around off the first fault maps one page (Rss %ld KiB)",
		  rss);
	lab_check(v.faults.minor == NPAGES && v.faults.major == 0 && nlat == NPAGES,
		  "%u pages, %llu minor faults (%u minor events), no major",
		  NPAGES, (unsigned long long)v.faults.minor, nlat);
	munmap(p, FSIZE);

	lab_step("drop the file's pages from the cache: posix_fadvise(POSIX_FADV_DONTNEED)");
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	p = map_file(fd, 2);
	n = cached_pages(p, FSIZE);
	lab_say("   (after munmap: a mapped page is not dropped.)  The data is on the\n"
		"   zram disk; the page cache holds %u of the file's %u pages (mincore)\n",
		n, NPAGES);
	lab_check(n == 0, "no page of the file is cached any more (%u)", n);

	lab_step("read the first page again: it has to come from the disk");
	lab_events(ev, MAX_EV);
	lab_counts(&c0);
	lab_stat_faults(&minflt0, &majflt0);
	pgmaj0 = lab_vmstat("pgmajfault");
	pgin0 = lab_vmstat("pgpgin");
	touch_page(p, 0);
	pgmaj = lab_vmstat("pgmajfault");
	pgin = lab_vmstat("pgpgin");
	lab_stat_faults(&minflt, &majflt);
	lab_counts(&c);
	lab_vma(p, &v);
	ra = cached_pages(p, FSIZE);
	rss = lab_smaps_rss_kb(p);
	n = take_events(p, FSIZE, fev, 16);
	lab_say("   vmastat's events: the fault went through handle_mm_fault() %u times\n", n);
	miss_ns = 0;
	for (i = 0; i < n; i++) {
		lab_say("     %#llx %-5s %9llu ns\n",
			(unsigned long long)fev[i].address,
			outcome_name(fev[i].outcome),
			(unsigned long long)fev[i].latency_ns);
		miss_ns += fev[i].latency_ns;
	}
	lab_say("   The first pass found no page: it let go of the mmap lock, read\n"
		"   the disk and returned VM_FAULT_RETRY; the second pass found the page\n"
		"   in the cache and mapped it.  The fault is accounted once, when it\n"
		"   completes: as major, since it had to wait for a read.\n"
		"   That one read brought %u pages into the cache (readahead):\n"
		"   pgpgin +%lu KiB, pgmajfault +%lu, maj_flt +%lu; mapped: Rss %ld KiB.\n"
		"   %llu ns in all, against %llu ns for a cached page.\n",
		ra, pgin - pgin0, pgmaj - pgmaj0, majflt - majflt0, rss,
		miss_ns, minor_median);
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.major == 1 && v.faults.minor == 0 &&
		  majflt - majflt0 == 1 && c.major - c0.major == 1,
		  "one major fault: in vmastat's mapping and process counts and in maj_flt");
	lab_check(pgmaj - pgmaj0 == 1,
		  "the system counted one major fault too (pgmajfault +%lu)",
		  pgmaj - pgmaj0);
	lab_check(ra > 1 && pgin - pgin0 == ra * LAB_PAGE / KIB,
		  "readahead: the fault read %lu KiB, the %u pages now cached",
		  pgin - pgin0, ra);
	lab_check(rss == (long)(LAB_PAGE / KIB),
		  "but only the faulting page got mapped (Rss %ld KiB, fault-around off)",
		  rss);
	lab_check(v.faults.retry == 1 && n == 2 &&
		  fev[0].outcome == VMASTAT_OUTCOME_RETRY &&
		  fev[1].outcome == VMASTAT_OUTCOME_MAJOR,
		  "the major fault took two passes: a retry, then the accounted one");
	lab_check(miss_ns > 10 * minor_median,
		  "it took far longer than a minor fault (%llu ns vs median %llu ns)",
		  miss_ns, minor_median);

	lab_step("read the other %u pages one by one, noting which were cached", NPAGES - 1);
	b = v;
	lab_counts(&c0);
	lab_stat_faults(&minflt0, &majflt0);
	pgmaj0 = lab_vmstat("pgmajfault");
	pgin0 = lab_vmstat("pgpgin");
	misses = 0;
	for (i = 1; i < NPAGES; i++) {
		cached_at[i] = page_cached(p + i * LAB_PAGE);
		misses += !cached_at[i];
		before_in = lab_vmstat("pgpgin");
		touch_page(p, i);
		pgin_at[i] = lab_vmstat("pgpgin") - before_in;
	}
	pgmaj = lab_vmstat("pgmajfault");
	pgin = lab_vmstat("pgpgin");
	lab_stat_faults(&minflt, &majflt);
	lab_counts(&c);
	lab_vma(p, &v);
	n = take_events(p, FSIZE, fev, NPAGES * 2 + 64);
	nmaj = nretry = nohit = nrc = nrmaj = 0;
	lab_say("   the faults that were retried (time: both passes):\n"
		"     page  was cached  the fault read   time        counted as\n");
	for (i = 0; i < n; i++) {
		unsigned long pg = (fev[i].address - (unsigned long)p) / LAB_PAGE;
		unsigned long long t = fev[i].latency_ns;
		unsigned int j;

		nmaj += fev[i].outcome == VMASTAT_OUTCOME_MAJOR;
		if (fev[i].outcome != VMASTAT_OUTCOME_RETRY || pg >= NPAGES)
			continue;
		nretry++;
		nrc += cached_at[pg];
		nohit += !pgin_at[pg];
		/* the pass that completed it: the next event at that address */
		for (j = i + 1; j < n && fev[j].address != fev[i].address; j++)
			;
		if (j < n) {
			t += fev[j].latency_ns;
			nrmaj += fev[j].outcome == VMASTAT_OUTCOME_MAJOR;
		}
		lab_say("     %4lu  %-10s  %5lu KiB     %8.1f us  %s\n", pg,
			cached_at[pg] ? "yes" : "no", pgin_at[pg], t / 1000.0,
			j < n ? outcome_name(fev[j].outcome) : "?");
	}
	lab_say("   %u of the %u pages were missing when read: pgmajfault +%lu.  But\n"
		"   %u faults hit a page that readahead had marked: each started the\n"
		"   next readahead (on this synchronous disk the read happens right\n"
		"   there), let go of the lock for it and was retried; pgpgin +%lu KiB.\n",
		misses, NPAGES - 1, pgmaj - pgmaj0, nretry, pgin - pgin0);
	if (nrmaj)
		lab_say("   This kernel counts a retried fault as major (the retry carries\n"
			"   FAULT_FLAG_TRIED): %u major faults whose page was in memory%s.\n",
			nrmaj, nohit ? ", one of\n   which read nothing at all" : "");
	else
		lab_say("   This kernel counted them minor: the retry only counts as major\n"
			"   when the first pass said VM_FAULT_MAJOR (the per-VMA-lock fault\n"
			"   path), and a page found in the cache is not.\n");
	lab_say("   maj_flt +%lu, vmastat +%llu major.\n", majflt - majflt0, D(major));
	lab_show((const char *[]){ "file", NULL }, (const void *[]){ p, NULL });
	lab_check(D(minor) + D(major) == NPAGES - 1,
		  "one accounted fault per page with fault-around off (%llu); retries are not faults",
		  D(minor) + D(major));
	lab_check(cached_pages(p, FSIZE) == NPAGES &&
		  pgin - pgin0 == (NPAGES - ra) * LAB_PAGE / KIB,
		  "readahead read the rest of the file: pgpgin +%lu KiB",
		  pgin - pgin0);
	lab_check(pgmaj - pgmaj0 == misses,
		  "pgmajfault counts the faults that found no page: +%lu = %u missing",
		  pgmaj - pgmaj0, misses);
	lab_check(nretry >= 1 && nretry == D(retry) && nrc == nretry,
		  "%llu faults on cached pages were retried to read ahead",
		  D(retry));
	lab_check(majflt - majflt0 == c.major - c0.major &&
		  c.major - c0.major == D(major) && nmaj == D(major),
		  "vmastat's major faults are the kernel's maj_flt (+%lu)",
		  majflt - majflt0);
	lab_check(D(major) == misses + nrmaj,
		  "major = missing pages + retried faults this kernel counts major (%llu = %u + %u)",
		  D(major), misses, nrmaj);

	lab_step("fault_around_bytes back to %ld; the process as ps sees it", fa_default);
	ok = fa_set(fa_default);
	fa_now = fa_get();
	if (ok)
		st.fa_saved = -1;
	lab_counts(&c0);
	ps_ok = ps_faults(&psmin, &psmaj);
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	if (!ps_ok) {
		lab_say("   (ps cannot be run here: /proc/self/stat instead)\n");
		psmin = minflt;
		psmaj = majflt;
		c0 = c;
	}
	lab_say("   $ ps -o min_flt,maj_flt -p %d\n   %6s %6s\n   %6lu %6lu\n",
		getpid(), "MINFL", "MAJFL", psmin, psmaj);
	lab_say("   vmastat: minor %llu = anon %llu + file %llu + shmem %llu + other %llu\n"
		"            major %llu = anon %llu + file %llu + shmem %llu + other %llu\n",
		(unsigned long long)c.minor, (unsigned long long)c.anon_minor,
		(unsigned long long)c.file_minor, (unsigned long long)c.shmem_minor,
		(unsigned long long)c.other_minor, (unsigned long long)c.major,
		(unsigned long long)c.anon_major, (unsigned long long)c.file_major,
		(unsigned long long)c.shmem_major, (unsigned long long)c.other_major);
	lab_check(ok && fa_now == fa_default,
		  "fault_around_bytes is back to %ld", fa_now);
	lab_check(psmaj == c.major && psmin >= c0.minor && psmin <= c.minor,
		  "ps shows vmastat's counts (min_flt %lu, maj_flt %lu)", psmin, psmaj);
	lab_check(c.minor == c.anon_minor + c.file_minor + c.shmem_minor + c.other_minor &&
		  c.major == c.anon_major + c.file_major + c.shmem_major + c.other_major &&
		  c.minor == minflt && c.major == majflt,
		  "vmastat's classes add up to /proc/self/stat's min_flt %lu and maj_flt %lu",
		  minflt, majflt);

	cleanup();
	return lab_done();
}
