// SPDX-License-Identifier: GPL-2.0
/*
 * lab7 - swapping anonymous pages out and back in.
 *
 * The lab sets up swap of its own (a zram device: compressed RAM, a block
 * device with synchronous I/O), fills 1 MiB of anonymous memory with
 * distinct data and asks the kernel to page it out (MADV_PAGEOUT).  It then
 * checks what vmastat shows for the mapping (the swap entries in its page
 * table) against smaps, and reads the pages back: one fault per page, each
 * on a swap entry.  Whether such a fault is major or minor is the kernel's
 * business; the lab compares with /proc/self/stat and /proc/vmstat rather
 * than assuming.  Last, it writes the pages: whether that faults again
 * depends on how the kernel mapped the page it read back.  The swap device
 * is removed at the end (swapoff, zram reset).
 *
 * No swap can be set up (no zram, not root): the lab skips (exit 4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <unistd.h>

#include "lablib.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define NPAGES		256
#define SIZE		(NPAGES * LAB_PAGE)
#define ZRAM_SIZE	"64M"
#define MAX_EV		1024

/* What the lab set up, for the clean-up (atexit and signals). */
static struct {
	struct lab_zram zram;	/* the zram device, zram.id -1: none */
	bool swapon;		/* it is in use as swap */
	char dev[32];
} st = { .zram.id = -1 };

static bool help;

static struct vmastat_event ev[MAX_EV];

/* ---- small system helpers ------------------------------------------- */

/* KiB used on our swap device as /proc/swaps says; -1 if not listed. */
static long swaps_used_kb(void)
{
	char line[512], name[256];
	long size, used = -1, u;
	FILE *f;

	f = fopen("/proc/swaps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %*s %ld %ld", name, &size, &u) == 3 &&
		    !strcmp(name, st.dev))
			used = u;
	fclose(f);
	return used;
}

/* ---- swap on zram ------------------------------------------------------- */

static void cleanup(void)
{
	if (st.swapon) {
		if (swapoff(st.dev))
			fprintf(stderr, "lab7: swapoff %s: %s\n", st.dev,
				strerror(errno));
		st.swapon = false;
	}
	lab_zram_remove(&st.zram);
}

/* A zram device of our own, swap on it at the highest priority. */
static void swap_setup(void)
{
	const char *mkswap[] = { "mkswap", st.dev, NULL };

	if (geteuid())
		lab_skip("needs root to set up swap");
	lab_zram_setup(&st.zram, ZRAM_SIZE, "cannot set the zram device's size",
		       st.dev, sizeof(st.dev));
	lab_setup_say("   # mkswap %s\n", st.dev);
	if (lab_run(mkswap))
		lab_skip("mkswap failed (no util-linux?)");
	lab_setup_say("   # swapon -p 32767 %s\n", st.dev);
	if (swapon(st.dev, SWAP_FLAG_PREFER |
		   (32767 << SWAP_FLAG_PRIO_SHIFT & SWAP_FLAG_PRIO_MASK)))
		lab_skip("swapon failed");
	st.swapon = true;
}

/* ---- measuring ---------------------------------------------------------- */

static unsigned int take_events(const char *p, size_t len,
				struct vmastat_event *out, unsigned int max)
{
	unsigned int n, i, k = 0;

	do {
		n = lab_events(ev, MAX_EV);
		for (i = 0; i < n; i++)
			if (ev[i].address >= (unsigned long)p &&
			    ev[i].address < (unsigned long)p + len && k < max)
				out[k++] = ev[i];
	} while (n == MAX_EV);
	return k;
}

/* Median latency of the events with outcome @o; also counts them. */
static unsigned long long median(const struct vmastat_event *e, unsigned int n,
				 unsigned int o, unsigned int *count)
{
	static unsigned long long lat[NPAGES * 2];
	unsigned int i, k = 0;

	for (i = 0; i < n && k < NPAGES * 2; i++)
		if (e[i].outcome == o)
			lat[k++] = e[i].latency_ns;
	*count = k;
	qsort(lat, k, sizeof(lat[0]), lab_cmp_u64);
	return k ? lat[k / 2] : 0;
}

/* Word @k of page @i: distinct everywhere, not all alike in a page. */
static unsigned long word(unsigned int i, unsigned int k)
{
	return ((unsigned long)i << 32 | k) * 0x9e3779b97f4a7c15UL;
}

#define D(f)	((unsigned long long)(v.faults.f - b.faults.f))

int main(int argc, char **argv)
{
	static struct vmastat_event fev[NPAGES * 2 + 64];
	unsigned long minflt0, majflt0, minflt, majflt;
	unsigned long pgmaj0, pgmaj, in0, in, out0, out;
	unsigned long long first_ns, swap_ns;
	struct vmastat_fault_counts c0, c;
	unsigned int i, k, n, tries, nswev, nmin, nmaj, bad;
	long rss, swp, used0, used, vmswap0, vmswap;
	struct vmastat_vma v, b;
	unsigned long *w;
	cpu_set_t cpus;
	char *p;
	int t;

	for (t = 1; t < argc; t++) {
		if (!strcmp(argv[t], "--help") || !strcmp(argv[t], "-h"))
			help = true;
	}
	lab_at_exit(cleanup);
	if (!help)
		swap_setup();
	lab_init(argc, argv, "swapping anonymous memory out and back in");

	/*
	 * One CPU: MADV_PAGEOUT can only take pages that are on the LRU
	 * lists; the newest ones may still sit in a CPU's batch, which the
	 * kernel drains only on the CPU that asks.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	/* first calls fault in stack and buffers: not during a measurement */
	lab_stat_faults(&minflt0, &majflt0);
	lab_counts(&c0);
	lab_smaps_kb(&c0, "Rss");
	lab_vmstat("pswpin");
	swaps_used_kb();

	lab_step("swap of our own: a zram device (compressed RAM)");
	lab_say("%s", lab_setup_log());
	used0 = swaps_used_kb();
	lab_say("   %s is swap now, %ld KiB of it in use\n", st.dev, used0);

	lab_step("fill %lu KiB of anonymous memory (p), every word different",
		 SIZE / KIB);
	p = lab_map_anon(SIZE);
	lab_vma(p, &b);
	take_events(p, SIZE, fev, 0);
	for (i = 0; i < NPAGES; i++) {
		w = (unsigned long *)(p + i * LAB_PAGE);
		for (k = 0; k < LAB_PAGE / sizeof(*w); k++)
			w[k] = word(i, k);
	}
	lab_vma(p, &v);
	n = take_events(p, SIZE, fev, NPAGES * 2 + 64);
	first_ns = median(fev, n, VMASTAT_OUTCOME_MINOR, &nmin);
	rss = lab_smaps_kb(p, "Rss");
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(D(minor) == NPAGES && D(write) == NPAGES && D(swapin) == 0,
		  "%u pages, %llu write faults", NPAGES, D(write));
	lab_check(rss == (long)(SIZE / KIB) && v.rss_anon == SIZE && v.swap == 0,
		  "%ld KiB resident, nothing in swap", rss);

	lab_step("madvise(p, MADV_PAGEOUT): write the pages to swap and free them");
	vmswap0 = lab_status_kb("VmSwap");
	out0 = lab_vmstat("pswpout");
	for (tries = 1; tries <= 3; tries++) {
		if (madvise(p, SIZE, MADV_PAGEOUT))
			break;
		lab_vma(p, &v);
		if (v.swap == SIZE)
			break;
	}
	out = lab_vmstat("pswpout");
	lab_vma(p, &v);
	swp = lab_smaps_kb(p, "Swap");
	rss = lab_smaps_kb(p, "Rss");
	used = swaps_used_kb();
	vmswap = lab_status_kb("VmSwap");
	lab_say("   %s; pswpout +%lu pages; /proc/swaps: %ld KiB used on %s;\n"
		"   VmSwap %ld -> %ld KiB\n",
		tries == 1 ? "done in one call" : "it took more than one call",
		out - out0, used, st.dev, vmswap0, vmswap);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.swap == SIZE && swp == (long)(SIZE / KIB),
		  "all %lu KiB are in swap: vmastat %llu KiB, smaps Swap %ld KiB",
		  SIZE / KIB, (unsigned long long)v.swap / KIB, swp);
	lab_check(v.rss_anon == 0 && rss == 0,
		  "and nothing of p is resident (vmastat %llu KiB, smaps Rss %ld KiB)",
		  (unsigned long long)v.rss_anon / KIB, rss);
	lab_check(out - out0 == NPAGES && used - used0 == (long)(SIZE / KIB),
		  "the kernel wrote %lu pages to swap; %s holds %ld KiB more",
		  out - out0, st.dev, used - used0);

	lab_step("read one word of every page: each comes back from swap");
	lab_vma(p, &b);
	take_events(p, SIZE, fev, 0);
	lab_counts(&c0);
	lab_stat_faults(&minflt0, &majflt0);
	pgmaj0 = lab_vmstat("pgmajfault");
	in0 = lab_vmstat("pswpin");
	for (i = bad = 0; i < NPAGES; i++) {
		w = (unsigned long *)(p + i * LAB_PAGE);
		bad += w[i % (LAB_PAGE / sizeof(*w))] !=
		       word(i, i % (LAB_PAGE / sizeof(*w)));
	}
	in = lab_vmstat("pswpin");
	pgmaj = lab_vmstat("pgmajfault");
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_vma(p, &v);
	n = take_events(p, SIZE, fev, NPAGES * 2 + 64);
	for (i = nswev = 0; i < n; i++)
		nswev += !!(fev[i].flags & VMASTAT_EV_SWAPIN);
	swap_ns = median(fev, n, VMASTAT_OUTCOME_MAJOR, &nmaj);
	if (!nmaj)
		swap_ns = median(fev, n, VMASTAT_OUTCOME_MINOR, &nmin);
	swp = lab_smaps_kb(p, "Swap");
	rss = lab_smaps_kb(p, "Rss");
	lab_say("   %llu faults on swap entries: %llu major, %llu minor.  maj_flt +%lu,\n"
		"   pgmajfault +%lu, pswpin +%lu pages.  Median time in handle_mm_fault():\n"
		"   %llu ns, against %llu ns for a first touch (a zeroed page)\n",
		D(swapin), D(major), D(minor), majflt - majflt0, pgmaj - pgmaj0,
		in - in0, swap_ns, first_ns);
	if (D(major) == NPAGES)
		lab_say("   zram does synchronous I/O: the kernel reads each page\n"
			"   straight into a new page, no swap readahead, and that read\n"
			"   makes the fault major (VM_FAULT_MAJOR) -- although the\n"
			"   \"disk\" is RAM\n");
	else
		lab_say("   the pages that swap readahead had already brought into the\n"
			"   swap cache were minor faults: no read was needed for them\n");
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(D(swapin) == NPAGES && nswev == NPAGES &&
		  D(minor) + D(major) == NPAGES,
		  "%u pages read, %llu faults, each on a swap entry (%u swap-in events)",
		  NPAGES, D(minor) + D(major), nswev);
	lab_check(bad == 0, "the data came back intact (%u bad pages)", bad);
	lab_check(c.major - c0.major == majflt - majflt0 &&
		  D(major) == majflt - majflt0 &&
		  c.minor - c0.minor == minflt - minflt0,
		  "major/minor as the kernel counts them: maj_flt +%lu, min_flt +%lu",
		  majflt - majflt0, minflt - minflt0);
	lab_check(in - in0 == NPAGES && pgmaj - pgmaj0 == D(major),
		  "pswpin +%lu pages, pgmajfault +%lu", in - in0, pgmaj - pgmaj0);
	lab_check(swp == 0 && v.swap == 0 && rss == (long)(SIZE / KIB),
		  "p is all resident again, nothing left in swap (Rss %ld KiB, Swap %ld KiB)",
		  rss, swp);

	lab_step("now write every page of p");
	b = v;
	lab_counts(&c0);
	lab_stat_faults(&minflt0, &majflt0);
	lab_touch(p, SIZE, 'w');
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_vma(p, &v);
	if (D(minor))
		lab_say("   %llu faults: a read fault on a swap entry mapped the page\n"
			"   read-only, so each write faulted once more to make it writable\n"
			"   (a write fault on a present read-only page: counted as COW,\n"
			"   although nothing is copied: the page is the process's alone)\n",
			D(minor));
	else
		lab_say("   no fault: this kernel mapped the pages writable already when\n"
			"   it read them back, since they belong to this process alone\n");
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(D(minor) == minflt - minflt0 && D(major) == 0 &&
		  c.minor - c0.minor == minflt - minflt0,
		  "%llu write faults, as min_flt says (+%lu)", D(minor),
		  minflt - minflt0);
	lab_check(D(cow) == D(minor) && (D(minor) == 0 || D(minor) == NPAGES),
		  "either none or every page faulted, and then as copy-on-write (%llu)",
		  D(cow));

	lab_step("take the swap away: swapoff, reset the zram device");
	if (swapoff(st.dev))
		lab_say("   swapoff: %s\n", strerror(errno));
	else
		st.swapon = false;
	lab_say("   # swapoff %s\n", st.dev);
	lab_check(!st.swapon && swaps_used_kb() < 0,
		  "%s is no longer swap", st.dev);
	cleanup();
	munmap(p, SIZE + LAB_PAGE);

	lab_step("the whole process: vmastat against /proc/self/stat");
	lab_counts(&c);
	lab_stat_faults(&minflt, &majflt);
	lab_say("   vmastat: %llu minor, %llu major (%llu on swap entries, %llu COW);\n"
		"   /proc/self/stat: %lu minflt, %lu majflt\n",
		(unsigned long long)c.minor, (unsigned long long)c.major,
		(unsigned long long)c.swapin, (unsigned long long)c.cow,
		minflt, majflt);
	lab_check(c.minor == minflt && c.major == majflt,
		  "vmastat's accounted faults equal min_flt/maj_flt");
	return lab_done();
}
