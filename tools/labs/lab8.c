// SPDX-License-Identifier: GPL-2.0
/*
 * lab8 - a program that frees almost everything can still hold almost
 * all of its memory: heap fragmentation.
 *
 *   1. 10,000 blocks of 1 KiB from malloc (the brk heap), each written.
 *   2. Free all but every 64th: 157 KiB stay live, yet the heap keeps
 *      every page resident: free() can only shrink the heap from the top.
 *   3. malloc_trim(0) returns the whole free pages inside the holes
 *      (MADV_DONTNEED); what stays is the pages the live blocks sit on
 *      and the pages glibc keeps its bookkeeping in.
 *   4. The same with every 4th block kept: the holes (3 KiB) contain no
 *      whole page, and malloc_trim(0) cannot return anything.
 *   5. The same blocks in mmap'd pages of their own (what malloc does
 *      above M_MMAP_THRESHOLD): a page per KiB, a fault and two system
 *      calls per block, but munmap() gives each page back at once.
 *
 * Every number is checked against the kernel: vmastat's rss against
 * smaps' Rss, residency against mincore(), VmSize against the mappings.
 * Output goes through a static stdio buffer and /proc files are read with
 * read(2): stdio's own malloc/free would otherwise disturb the heap.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lablib.h"

#define NBLOCKS		10000
#define BLOCK		1024
#define SIZE_SZ		sizeof(size_t)
#define CHUNK		((BLOCK + SIZE_SZ + 15) & ~15UL)	/* 1040 */

static char outbuf[16 * KIB];
static unsigned char resid[16384];
static struct vmastat_vma recs[256];
static char *blk[NBLOCKS];

/* Resident pages of the page-aligned [lo, hi); flags left in resid[]. */
static unsigned long resident(unsigned long lo, unsigned long hi)
{
	if (hi <= lo)
		return 0;
	return lab_resident(lo, hi, resid, sizeof(resid));
}

/* The faults vmastat lists for no-longer-mapped ranges inside [lo, hi). */
static unsigned long unmapped_faults(unsigned long lo, unsigned long hi,
				     unsigned int *nrec)
{
	struct vmastat_maps_query q;
	unsigned long sum = 0, next = lo;
	unsigned int i;

	*nrec = 0;
	do {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.flags = VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED;
		q.pid = getpid();
		q.vma_size = sizeof(struct vmastat_vma);
		q.start = next;
		q.vmas = (uintptr_t)recs;
		q.vma_count = sizeof(recs) / sizeof(recs[0]);
		if (ioctl(lab_query_fd(), VMASTAT_IOC_MAPS, &q))
			lab_fail("VMASTAT_IOC_MAPS");
		for (i = 0; i < q.vma_count; i++) {
			if (recs[i].start >= hi)
				return sum;
			if (!(recs[i].flags & VMASTAT_VMA_UNMAPPED))
				continue;
			sum += recs[i].faults.minor + recs[i].faults.major;
			(*nrec)++;
		}
		next = q.next;
	} while (q.vma_count && next != VMASTAT_MAPS_END && next < hi);
	return sum;
}

/* One line of the numbers table. */
struct numbers {
	unsigned long live_kib;		/* what the program still uses */
	unsigned long heap_kib;		/* [heap] size */
	unsigned long rss_kib;		/* [heap] resident, vmastat */
	long smaps_kib;			/* [heap] Rss, smaps */
	unsigned long in_use_kib;	/* glibc: mallinfo2().uordblks */
	unsigned long free_kib;		/* glibc: mallinfo2().fordblks */
	unsigned long long faults;	/* faults of the process so far */
	struct vmastat_vma heap;
};

static void measure(struct numbers *n, unsigned int live)
{
	struct mallinfo2 mi = mallinfo2();
	struct vmastat_fault_counts c;

	memset(n, 0, sizeof(*n));
	if (!lab_vma((void *)(lab_page_up(lab_brk()) - 1), &n->heap) ||
	    n->heap.kind != VMASTAT_KIND_HEAP)
		lab_fail("no [heap]");
	n->live_kib = (unsigned long)live * BLOCK / KIB;
	n->heap_kib = (n->heap.end - n->heap.start) / KIB;
	n->rss_kib = (n->heap.rss_anon + n->heap.rss_file) / KIB;
	n->smaps_kib = lab_smaps_rss_kb((void *)n->heap.start);
	n->in_use_kib = mi.uordblks / KIB;
	n->free_kib = mi.fordblks / KIB;
	lab_counts(&c);
	n->faults = c.minor + c.major;
}

static void print_numbers(const char *const *titles, const struct numbers *n,
			  int cols)
{
	int i;

	lab_say("   %-30s", "");
	for (i = 0; i < cols; i++)
		lab_say(" %14s", titles[i]);
	lab_say("\n");
#define ROW(label, field, fmt)						\
	do {								\
		lab_say("   %-30s", label);				\
		for (i = 0; i < cols; i++)				\
			lab_say(" %14" fmt, n[i].field);		\
		lab_say("\n");						\
	} while (0)
	ROW("live data, KiB", live_kib, "lu");
	ROW("glibc: in use, KiB", in_use_kib, "lu");
	ROW("glibc: free, KiB", free_kib, "lu");
	ROW("[heap] size, KiB", heap_kib, "lu");
	ROW("[heap] resident (vmastat), KiB", rss_kib, "lu");
	ROW("[heap] Rss (smaps), KiB", smaps_kib, "ld");
#undef ROW
}

static void alloc_all(void)
{
	int i;

	for (i = 0; i < NBLOCKS; i++) {
		blk[i] = malloc(BLOCK);
		if (!blk[i])
			lab_fail("malloc");
		memset(blk[i], (char)i, BLOCK);
	}
}

/* Free all blocks but every @keep-th; returns how many stay. */
static unsigned int free_but(int keep)
{
	unsigned int live = 0;
	int i;

	for (i = 0; i < NBLOCKS; i++) {
		if (i % keep) {
			free(blk[i]);
			blk[i] = NULL;
		} else {
			live++;
		}
	}
	return live;
}

/* The live blocks still hold what was written into them. */
static bool live_intact(void)
{
	int i, j;

	for (i = 0; i < NBLOCKS; i++) {
		if (!blk[i])
			continue;
		for (j = 0; j < BLOCK; j++)
			if (blk[i][j] != (char)i)
				return false;
	}
	return true;
}

/*
 * Distinct pages the live blocks' chunks (header included) touch, in a
 * heap starting at @base; @holes: the live blocks, one free gap after each.
 */
static unsigned long live_pages(unsigned long base, unsigned long *holes)
{
	static unsigned char mark[16384];
	unsigned long n = 0, a, b;
	int i;

	memset(mark, 0, sizeof(mark));
	*holes = 0;
	for (i = 0; i < NBLOCKS; i++) {
		if (!blk[i])
			continue;
		a = (lab_page_down((unsigned long)blk[i] - 2 * SIZE_SZ) - base) / LAB_PAGE;
		b = (lab_page_up((unsigned long)blk[i] + BLOCK) - base) /
		    LAB_PAGE;
		for (; a < b && a < sizeof(mark); a++) {
			n += !mark[a];
			mark[a] = 1;
		}
		(*holes)++;
	}
	return n;
}

/* The highest live block's address. */
static unsigned long top_live(void)
{
	unsigned long top = 0;
	int i;

	for (i = 0; i < NBLOCKS; i++)
		if (blk[i] && (unsigned long)blk[i] > top)
			top = (unsigned long)blk[i];
	return top;
}

static void heap_experiment(int keep, struct numbers *n)
{
	static const char *const titles[3] = {
		"allocated", "freed", "malloc_trim(0)",
	};
	unsigned long below, below_res, lp, holes, r;
	bool all_in_heap = true;
	unsigned int live;
	int i;

	lab_step("10,000 x malloc(1 KiB), each written; then free all but every %d%s",
		 keep, keep == 2 ? "nd" : keep == 3 ? "rd" : "th");
	measure(&n[0], 0);
	alloc_all();
	measure(&n[1], NBLOCKS);
	for (i = 0; i < NBLOCKS; i++)
		if ((unsigned long)blk[i] < n[1].heap.start ||
		    (unsigned long)blk[i] + BLOCK > n[1].heap.end)
			all_in_heap = false;
	lab_check(all_in_heap, "keep %d: all 10,000 blocks are in [heap]", keep);
	lab_say("   %llu faults while allocating and writing; [heap] resident %lu -> %lu KiB\n",
		n[1].faults - n[0].faults, n[0].rss_kib, n[1].rss_kib);
	lab_check(n[1].faults - n[0].faults ==
		  (n[1].rss_kib - n[0].rss_kib) * KIB / LAB_PAGE,
		  "keep %d: one fault per page the heap made resident (%llu), not one per block",
		  keep, n[1].faults - n[0].faults);
	lab_check(n[1].smaps_kib == (long)n[1].rss_kib &&
		  mallinfo2().arena == n[1].heap.end - n[1].heap.start,
		  "keep %d: vmastat's rss equals smaps Rss, glibc's arena equals [heap]'s size",
		  keep);

	live = free_but(keep);
	measure(&n[2], live);
	below = lab_page_down(top_live());
	below_res = resident(n[2].heap.start, below);
	lab_say("   %u blocks live (%lu KiB), %lu of the %lu pages below the highest live block resident\n",
		live, n[2].live_kib, below_res,
		(unsigned long)(below - n[2].heap.start) / LAB_PAGE);
	lab_check(below_res == (below - n[2].heap.start) / LAB_PAGE,
		  "keep %d: free() released no page below the highest live block", keep);
	/* the freed chunks, but for the 7 the tcache holds (counted in use) */
	lab_check(n[2].free_kib >= (NBLOCKS - live - 7) * CHUNK / KIB &&
		  n[2].smaps_kib == (long)n[2].rss_kib,
		  "keep %d: glibc counts %lu KiB as free, the kernel still counts the heap resident (%lu KiB)",
		  keep, n[2].free_kib, n[2].rss_kib);

	r = malloc_trim(0);
	measure(&n[3], live);
	lp = live_pages(n[3].heap.start, &holes);
	below_res = resident(n[3].heap.start, below);
	lab_say("   malloc_trim(0) = %lu; the live blocks touch %lu pages\n", r, lp);
	print_numbers(titles, n + 1, 3);
	lab_check(live_intact() && n[3].smaps_kib == (long)n[3].rss_kib,
		  "keep %d: after malloc_trim(0) every live block still holds its data; vmastat equals smaps",
		  keep);
	if (keep == 64) {
		lab_check(r == 1 && n[3].rss_kib * KIB / LAB_PAGE <= lp + holes + 16,
			  "keep 64: malloc_trim(0) kept resident only the live blocks' pages and at most one more per hole (%lu pages; the live blocks touch %lu)",
			  n[3].rss_kib * KIB / LAB_PAGE, lp);
		lab_check(n[3].rss_kib * 4 < n[2].rss_kib,
			  "keep 64: [heap] rss fell from %lu to %lu KiB",
			  n[2].rss_kib, n[3].rss_kib);
	} else {
		lab_check(below_res == (below - n[3].heap.start) / LAB_PAGE,
			  "keep %d: malloc_trim(0) could not return one page below the highest live block (no hole holds a whole page)",
			  keep);
	}
	lab_say("   %lu KiB resident for %lu KiB of live data: %.1f times as much\n",
		n[3].rss_kib, n[3].live_kib,
		(double)n[3].rss_kib / (n[3].live_kib ? n[3].live_kib : 1));

	/* clean up for the next experiment */
	for (i = 0; i < NBLOCKS; i++) {
		free(blk[i]);
		blk[i] = NULL;
	}
}

static void mmap_experiment(const struct numbers *heap64)
{
	struct vmastat_fault_counts c0, c1;
	struct vmastat_vma v;
	unsigned long lo = ~0UL, hi = 0, faults, res, live = 0, vmas_rss = 0;
	unsigned int maps0, maps1, maps2, nrec, i;
	long vsz0, vsz1, vsz2;

	lab_step("the same 10,000 blocks, each in an mmap'd page of its own");
	lab_say("   (a block above M_MMAP_THRESHOLD gets exactly this from malloc: its\n"
		"   own mapping, rounded up to whole pages)\n");
	maps0 = lab_count_maps();
	vsz0 = lab_status_kb("VmSize");
	lab_counts(&c0);
	for (i = 0; i < NBLOCKS; i++) {
		blk[i] = mmap(NULL, LAB_PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (blk[i] == MAP_FAILED)
			lab_fail("mmap");
		memset(blk[i], (char)i, BLOCK);
	}
	lab_counts(&c1);
	maps1 = lab_count_maps();
	vsz1 = lab_status_kb("VmSize");
	for (i = 0; i < NBLOCKS; i++) {
		if ((unsigned long)blk[i] < lo)
			lo = (unsigned long)blk[i];
		if ((unsigned long)blk[i] + LAB_PAGE > hi)
			hi = (unsigned long)blk[i] + LAB_PAGE;
	}
	/* the mappings that hold the blocks: few, so few queries */
	for (i = 0; i < NBLOCKS; i++) {
		if (lab_vma(blk[i], &v)) {
			unsigned long s = v.start, e = v.end;

			vmas_rss += v.rss_anon;
			while (i + 1 < NBLOCKS && (unsigned long)blk[i + 1] >= s &&
			       (unsigned long)blk[i + 1] < e)
				i++;
		}
	}
	lab_show((const char *[]){ "blocks", NULL },
		 (const void *[]){ blk[NBLOCKS / 2], NULL });
	lab_say("   10,000 mmap() calls: %llu faults, VmSize %+ld KiB, %+d line(s) in /proc/self/maps\n",
		(unsigned long long)(c1.minor - c0.minor), vsz1 - vsz0,
		(int)(maps1 - maps0));
	lab_check(c1.minor - c0.minor == NBLOCKS,
		  "one fault per block: %d (the heap needed %llu for the same data)",
		  NBLOCKS, heap64[1].faults - heap64[0].faults);
	lab_check(vsz1 - vsz0 == NBLOCKS * (long)(LAB_PAGE / KIB) &&
		  vmas_rss >= NBLOCKS * LAB_PAGE,
		  "a whole 4 KiB page per 1 KiB block: VmSize +%ld KiB, all resident",
		  vsz1 - vsz0);
	lab_check(maps1 - maps0 <= 2,
		  "the kernel merged the adjacent mappings: %d new line(s) in /proc/self/maps, not 10,000",
		  (int)(maps1 - maps0));

	for (i = 0; i < NBLOCKS; i++) {
		if (i % 64) {
			munmap(blk[i], LAB_PAGE);
			blk[i] = NULL;
		} else {
			live++;
		}
	}
	maps2 = lab_count_maps();
	vsz2 = lab_status_kb("VmSize");
	res = 0;
	for (i = 0; i < NBLOCKS; i++)
		if (blk[i])
			res += resident((unsigned long)blk[i],
					(unsigned long)blk[i] + LAB_PAGE);
	faults = unmapped_faults(lo, hi, &nrec);
	lab_say("   munmap() all but every 64th: %lu blocks live, VmSize %+ld KiB from the start,\n"
		"   %lu of them resident, %+d lines in /proc/self/maps; vmastat lists %lu faults\n"
		"   in %u unmapped ranges between them\n",
		live, vsz2 - vsz0, res, (int)(maps2 - maps0), faults, nrec);
	lab_check(vsz2 - vsz0 == (long)(live * LAB_PAGE / KIB) && res == live,
		  "exactly the live blocks' pages remain: %lu KiB for %lu KiB of data",
		  live * LAB_PAGE / KIB, live * BLOCK / KIB);
	lab_check(maps2 - maps0 >= live - 1 && maps2 - maps0 <= live + 1,
		  "each live block is now a mapping of its own (%d new lines)",
		  (int)(maps2 - maps0));
	lab_check(faults == NBLOCKS - live && nrec >= live - 1,
		  "vmastat lists the %lu unmapped pages with the fault each took",
		  NBLOCKS - live);
	lab_say("   The heap kept %lu KiB resident for the same live data after malloc_trim(0),\n"
		"   and %lu KiB before it.\n", heap64[3].rss_kib, heap64[2].rss_kib);
	for (i = 0; i < NBLOCKS; i++)
		if (blk[i])
			munmap(blk[i], LAB_PAGE);
}

int main(int argc, char **argv)
{
	struct numbers n64[4], n4[4];
	void *volatile warm;

	lab_init(argc, argv, "fragmentation: free() everything but a little, keep it all");
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	memset(resid, 0, sizeof(resid));
	memset(recs, 0, sizeof(recs));
	memset(blk, 0, sizeof(blk));
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	warm = malloc(16);	/* glibc sets up its heap (volatile: not optimised away) */
	free(warm);

	heap_experiment(64, n64);
	heap_experiment(4, n4);
	mmap_experiment(n64);

	lab_step_totals();
	return lab_done();
}
