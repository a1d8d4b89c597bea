// SPDX-License-Identifier: GPL-2.0
/*
 * lab4 - what free() gives back to the kernel, and when.
 *
 * The classic sequence A = malloc(30 KiB), B = 40 KiB, C = 200 KiB,
 * D = 100 KiB, then free(C), free(B), free(D), run twice:
 *
 *   1. with glibc's defaults.  C is mmap'd and free(C) unmaps it at once
 *      (vmastat then lists its range as unmapped, with the faults it
 *      took); free(B) leaves a resident hole; free(D) does NOT shrink the
 *      heap although more than 128 KiB is free at its top, because
 *      freeing C raised the trim threshold to twice C's size.  Two more
 *      200 KiB blocks push the free top over that and the heap shrinks.
 *   2. with the thresholds fixed at 128 KiB (mallopt): free(D) shrinks
 *      the heap, as the old texts describe.
 *
 * Then a hole in the middle of the heap: it stays resident after free()
 * until malloc_trim(0) hands its pages back with MADV_DONTNEED (the
 * mapping stays, the resident pages go, the next use faults again), and
 * mallopt(M_TRIM_THRESHOLD, -1) switches automatic trimming off.
 *
 * Output goes through a static stdio buffer and /proc files are read with
 * read(2): stdio's own malloc/free could otherwise trim the heap.
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

#define TOP_PAD		(128 * KIB)	/* glibc's M_TOP_PAD default */
#define SIZE_SZ		sizeof(size_t)
#define MINSIZE		(4 * SIZE_SZ)

static char outbuf[16 * KIB];
static unsigned char resid[8192];	/* mincore() of the heap, a byte a page */
static struct vmastat_vma recs[64];

static unsigned long chunk_size(size_t n)
{
	return (n + SIZE_SZ + 15) & ~15UL;
}

/*
 * The faults vmastat lists for unmapped ranges inside [lo, hi): what the
 * addresses took before they were released.  @nrec: records found.
 */
static unsigned long unmapped_faults(unsigned long lo, unsigned long hi,
				     unsigned int *nrec)
{
	struct vmastat_maps_query q = {
		.size = sizeof(q),
		.flags = VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED,
		.pid = getpid(),
		.vma_size = sizeof(struct vmastat_vma),
		.start = lo,
		.vmas = (uintptr_t)recs,
		.vma_count = sizeof(recs) / sizeof(recs[0]),
	};
	unsigned long sum = 0;
	unsigned int i;

	*nrec = 0;
	if (ioctl(lab_query_fd(), VMASTAT_IOC_MAPS, &q))
		lab_fail("VMASTAT_IOC_MAPS");
	for (i = 0; i < q.vma_count && recs[i].start < hi; i++) {
		if (!(recs[i].flags & VMASTAT_VMA_UNMAPPED))
			continue;
		sum += recs[i].faults.minor + recs[i].faults.major;
		(*nrec)++;
	}
	return sum;
}

/* Resident pages of [lo, hi), page-aligned; the flags land in resid[]. */
static unsigned long resident(unsigned long lo, unsigned long hi)
{
	return lab_resident(lo, hi, resid, sizeof(resid));
}

/* Resident pages of [lo, hi) in the last resident() of [base, ...). */
static unsigned long resident_was(unsigned long base, unsigned long lo,
				  unsigned long hi)
{
	unsigned long i, r = 0;

	for (i = (lo - base) / LAB_PAGE; i < (hi - base) / LAB_PAGE; i++)
		r += resid[i] & 1;
	return r;
}

/* [heap] as vmastat sees it */
static void heap_vma(struct vmastat_vma *h)
{
	if (!lab_vma((void *)(lab_page_up(lab_brk()) - 1), h) ||
	    h->kind != VMASTAT_KIND_HEAP)
		lab_fail("no [heap]");
}

static void show4(const char *const *labels, char *const *p)
{
	lab_show((const char *[]){ labels[0], labels[1], labels[2], labels[3], NULL },
		 (const void *[]){ p[0], p[1], p[2], p[3], NULL });
}

/*
 * free(@p) and report whether the heap shrank.  Returns the brk
 * movement in bytes (positive: the heap shrank); the released range's
 * resident pages and the faults vmastat lists for it come back in
 * @was_resident and @faults.
 */
static unsigned long free_and_watch(void *p, unsigned long *was_resident,
				    unsigned long *faults, unsigned int *nrec)
{
	struct vmastat_vma h;
	unsigned long b0, b1;

	heap_vma(&h);
	b0 = lab_brk();
	resident(h.start, lab_page_up(b0));
	free(p);
	b1 = lab_brk();
	*was_resident = 0;
	*faults = 0;
	*nrec = 0;
	if (lab_page_up(b1) < lab_page_up(b0)) {
		*was_resident = resident_was(h.start, lab_page_up(b1),
					     lab_page_up(b0));
		*faults = unmapped_faults(lab_page_up(b1), lab_page_up(b0),
					  nrec);
	}
	return b0 - b1;
}

/* The checks for a free() that should have shrunk the heap. */
static void check_trim(const char *what, unsigned long moved,
		       unsigned long was_res, unsigned long faults,
		       unsigned int nrec, const struct vmastat_vma *h0)
{
	struct vmastat_vma h1;
	unsigned long keep = mallinfo2().keepcost;

	heap_vma(&h1);
	lab_say("   brk moved down %lu KiB; glibc kept %lu KiB free at the top (M_TOP_PAD);\n"
		"   the released range had %lu resident pages, vmastat lists %lu faults\n"
		"   there in %u unmapped range(s); [heap] rss %llu -> %llu KiB\n",
		moved / KIB, keep / KIB, was_res, faults, nrec,
		(unsigned long long)h0->rss_anon / KIB,
		(unsigned long long)h1.rss_anon / KIB);
	lab_check(moved > 0 && (long)moved > 0 &&
		  h1.end == lab_page_up(lab_brk()),
		  "%s: the heap shrank, brk moved down %lu KiB", what, moved / KIB);
	lab_check(keep >= TOP_PAD && keep < TOP_PAD + LAB_PAGE + MINSIZE,
		  "%s: glibc kept M_TOP_PAD (128 KiB) of the free top (%lu KiB)",
		  what, keep / KIB);
	if (faults > was_res)
		lab_say("   (vmastat counts faults by address: these addresses were in use, and\n"
			"   released, before, so the count includes faults of that earlier use)\n");
	lab_check(h0->rss_anon - h1.rss_anon == was_res * LAB_PAGE,
		  "%s: [heap] rss dropped by the %lu pages that were resident in the released range",
		  what, was_res);
	lab_check(was_res == 0 || (nrec > 0 && faults >= was_res),
		  "%s: vmastat lists the released range as unmapped, with its faults (%lu)",
		  what, faults);
}

int main(int argc, char **argv)
{
	static const char *const names[4] = { "A 30K", "B 40K", "C 200K", "D 100K" };
	static const size_t sizes[4] = { 30 * KIB, 40 * KIB, 200 * KIB, 100 * KIB };
	struct vmastat_vma v[4], h0, h1, gone, b2v0, b2v1, hole;
	unsigned long moved, was_res, faults, b0, b1, keep, c_addr, nres;
	unsigned long hole_lo, hole_hi, hole_pages, want;
	char *p[4], *b2, *e1, *e2, *hs[4], *fence, *h5;
	uintptr_t b_addr, h0_addr;
	long vsz0, vsz1, rss0, rss1;
	void *volatile warm;
	unsigned int nrec;
	int i, r;

	lab_init(argc, argv, "free(): what goes back to the kernel, and when");
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	memset(resid, 0, sizeof(resid));
	memset(recs, 0, sizeof(recs));
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	warm = lab_xmalloc(16);	/* glibc sets up its heap (volatile: not optimised away) */
	free(warm);

	/* ---- round 1: glibc's defaults ---- */
	lab_step("A = malloc(30 KiB), B = 40 KiB, C = 200 KiB, D = 100 KiB, each written");
	b0 = lab_brk();
	for (i = 0; i < 4; i++) {
		p[i] = lab_xmalloc(sizes[i]);
		memset(p[i], 0x11 * (i + 1), sizes[i]);
	}
	b1 = lab_brk();
	for (i = 0; i < 4; i++)
		lab_vma(p[i], &v[i]);
	show4(names, p);
	lab_say("   brk moved %lu KiB (D did not fit in the heap's free top)\n",
		(b1 - b0) / KIB);
	lab_check(v[0].kind == VMASTAT_KIND_HEAP && v[1].kind == VMASTAT_KIND_HEAP &&
		  v[3].kind == VMASTAT_KIND_HEAP && p[0] < p[1] && p[1] < p[3],
		  "A, B and D come from [heap], one after the other upwards");
	lab_check(v[2].kind == VMASTAT_KIND_ANON &&
		  v[2].start == (unsigned long)p[2] - 2 * SIZE_SZ,
		  "C (above the 128 KiB threshold) has an anonymous mapping of its own");

	lab_step("free(C): an mmap'd block goes back to the kernel at once");
	c_addr = (unsigned long)p[2];
	lab_vma(p[2], &v[2]);
	vsz0 = lab_status_kb("VmSize");
	b0 = lab_brk();
	free(p[2]);
	vsz1 = lab_status_kb("VmSize");
	lab_vma((void *)c_addr, &gone);
	lab_show((const char *[]){ "C 200K", NULL },
		 (const void *[]){ (void *)c_addr, NULL });
	lab_say("   VmSize %ld -> %ld KiB.  The range keeps the %llu faults C took, listed\n"
		"   by vmastat as no longer mapped.\n", vsz0, vsz1,
		(unsigned long long)gone.faults.minor);
	lab_check(vsz0 - vsz1 == (long)(lab_page_up(chunk_size(sizes[2]) + SIZE_SZ) / KIB) &&
		  lab_brk() == b0,
		  "free(C) unmapped its %lu KiB right away (brk untouched)",
		  lab_page_up(chunk_size(sizes[2]) + SIZE_SZ) / KIB);
	lab_check((gone.flags & VMASTAT_VMA_UNMAPPED) &&
		  gone.kind == VMASTAT_KIND_UNMAPPED &&
		  gone.start == c_addr - 2 * SIZE_SZ &&
		  gone.end == gone.start + lab_page_up(chunk_size(sizes[2]) + SIZE_SZ) &&
		  gone.faults.minor == v[2].faults.minor,
		  "vmastat lists C's range as unmapped with the %llu faults it took",
		  (unsigned long long)v[2].faults.minor);

	lab_step("free(B): a hole in the middle of the heap stays mapped and resident");
	heap_vma(&h0);
	rss0 = lab_smaps_rss_kb(p[0]);
	b0 = lab_brk();
	b_addr = (uintptr_t)p[1];
	free(p[1]);
	heap_vma(&h1);
	rss1 = lab_smaps_rss_kb(p[0]);
	nres = resident(lab_page_up(b_addr), lab_page_down(b_addr + sizes[1]));
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ p[0], NULL });
	lab_say("   brk %s; [heap] rss %llu -> %llu KiB (smaps Rss %ld -> %ld KiB)\n",
		lab_brk() == b0 ? "unchanged" : "MOVED",
		(unsigned long long)h0.rss_anon / KIB,
		(unsigned long long)h1.rss_anon / KIB, rss0, rss1);
	lab_check(lab_brk() == b0 && h1.end == h0.end,
		  "free(B) did not move brk: D still sits above B");
	lab_check(h1.rss_anon == h0.rss_anon && rss0 == rss1 &&
		  (unsigned long)rss1 == h1.rss_anon / KIB,
		  "[heap] rss unchanged, vmastat and smaps agree (%ld KiB)", rss1);
	lab_check(nres == (lab_page_down(b_addr + sizes[1]) - lab_page_up(b_addr)) / LAB_PAGE,
		  "every whole page of B is still resident (%lu)", nres);
	lab_vma(p[0], &b2v0);
	b2 = lab_xmalloc(sizes[1]);
	memset(b2, 0x22, sizes[1]);
	lab_vma(p[0], &b2v1);
	lab_say("   malloc(40 KiB) again = %p (B was %#lx); writing it took %llu faults\n",
		(void *)b2, (unsigned long)b_addr,
		(unsigned long long)(b2v1.faults.minor - b2v0.faults.minor));
	lab_check((uintptr_t)b2 == b_addr && b2v1.faults.minor == b2v0.faults.minor,
		  "a new 40 KiB request gets B's memory back, and writing it takes no fault");
	free(b2);

	lab_step("free(D): more than 128 KiB is now free at the top of the heap ...");
	heap_vma(&h0);
	moved = free_and_watch(p[3], &was_res, &faults, &nrec);
	keep = mallinfo2().keepcost;
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ p[0], NULL });
	lab_say("   B and D merged with the free top: %lu KiB free at the top, brk %s.\n"
		"   The old texts say the heap shrinks above 128 KiB (M_TRIM_THRESHOLD).\n"
		"   It does not: freeing the mmap'd C made glibc raise the mmap threshold\n"
		"   to C's size (%lu KiB) and the trim threshold to twice that (%lu KiB).\n",
		keep / KIB, moved ? "moved" : "unchanged",
		lab_page_up(chunk_size(sizes[2]) + SIZE_SZ) / KIB,
		2 * lab_page_up(chunk_size(sizes[2]) + SIZE_SZ) / KIB);
	lab_check(keep > 128 * KIB && moved == 0,
		  "the heap did not shrink although %lu KiB > 128 KiB is free at its top",
		  keep / KIB);

	lab_step("... two more 200 KiB blocks, e1 and e2, then free them");
	e1 = lab_xmalloc(200 * KIB);	/* fits in the free top */
	b0 = lab_brk();
	e2 = lab_xmalloc(200 * KIB);	/* does not: the heap must grow */
	b1 = lab_brk();
	memset(e1, 0x33, 200 * KIB);
	memset(e2, 0x44, 200 * KIB);
	lab_vma(e1, &v[0]);
	lab_vma(e2, &v[1]);
	lab_say("   e1 fitted in the free top; for e2 glibc had to ask the kernel, and\n"
		"   did so with brk (+%lu KiB), not mmap: 200 KiB is below the new threshold\n",
		(b1 - b0) / KIB);
	lab_check(v[0].kind == VMASTAT_KIND_HEAP && v[1].kind == VMASTAT_KIND_HEAP &&
		  b1 > b0,
		  "e2 grew [heap] with brk: 200 KiB is below the raised mmap threshold");
	moved = free_and_watch(e2, &was_res, &faults, &nrec);
	keep = mallinfo2().keepcost;
	lab_say("   free(e2): %lu KiB free at the top, brk %s\n", keep / KIB,
		moved ? "moved" : "unchanged");
	lab_check(moved == 0 && keep < 2 * lab_page_up(chunk_size(sizes[2]) + SIZE_SZ),
		  "free(e2): %lu KiB free at the top is below the new trim threshold, no shrinking",
		  keep / KIB);
	heap_vma(&h0);
	moved = free_and_watch(e1, &was_res, &faults, &nrec);
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ p[0], NULL });
	check_trim("free(e1)", moved, was_res, faults, nrec, &h0);

	/* ---- round 2: the thresholds the old texts assume ---- */
	lab_step("the same with the thresholds fixed at 128 KiB, as the old texts assume");
	lab_check(mallopt(M_TRIM_THRESHOLD, 128 * KIB) == 1 &&
		  mallopt(M_MMAP_THRESHOLD, 128 * KIB) == 1,
		  "mallopt(M_TRIM_THRESHOLD, 128 KiB), mallopt(M_MMAP_THRESHOLD, 128 KiB)");
	free(p[0]);
	for (i = 0; i < 4; i++) {
		p[i] = lab_xmalloc(sizes[i]);
		memset(p[i], 0x11 * (i + 1), sizes[i]);
		lab_vma(p[i], &v[i]);
	}
	show4(names, p);
	if ((unsigned long)p[2] == c_addr)
		lab_say("   C got the same addresses as the first C: its row adds up the faults of both.\n");
	lab_check(v[0].kind == VMASTAT_KIND_HEAP && v[1].kind == VMASTAT_KIND_HEAP &&
		  v[2].kind == VMASTAT_KIND_ANON && v[3].kind == VMASTAT_KIND_HEAP,
		  "A, B, D in [heap], C mmap'd again");
	b0 = lab_brk();
	free(p[2]);
	free(p[1]);
	lab_check(lab_brk() == b0 && lab_vma(p[3], &v[3]) &&
		  v[3].kind == VMASTAT_KIND_HEAP,
		  "free(C), free(B): brk unchanged, D still holds the top of the heap");
	heap_vma(&h0);
	moved = free_and_watch(p[3], &was_res, &faults, &nrec);
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ p[0], NULL });
	check_trim("free(D)", moved, was_res, faults, nrec, &h0);

	/* ---- a hole in the middle, and malloc_trim() ---- */
	lab_step("a 400 KiB hole under a live block: free() cannot give it back");
	for (i = 0; i < 4; i++) {
		hs[i] = lab_xmalloc(100 * KIB);
		memset(hs[i], 0x55, 100 * KIB);
	}
	fence = lab_xmalloc(4 * KIB);	/* too big for the tcache: a real chunk */
	memset(fence, 0x66, 4 * KIB);
	h0_addr = (uintptr_t)hs[0];
	hole_lo = lab_page_up((unsigned long)hs[0]);
	hole_hi = lab_page_down((unsigned long)hs[3] + 100 * KIB);
	hole_pages = (hole_hi - hole_lo) / LAB_PAGE;
	heap_vma(&h0);
	b0 = lab_brk();
	for (i = 0; i < 4; i++)
		free(hs[i]);
	heap_vma(&h1);
	nres = resident(hole_lo, hole_hi);
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ fence, NULL });
	lab_say("   4 x 100 KiB freed below a 4 KiB block: brk %s, [heap] rss %llu -> %llu KiB,\n"
		"   %lu of the hole's %lu whole pages still resident\n",
		lab_brk() == b0 ? "unchanged" : "MOVED",
		(unsigned long long)h0.rss_anon / KIB,
		(unsigned long long)h1.rss_anon / KIB, nres, hole_pages);
	lab_check(lab_brk() == b0 && h1.rss_anon == h0.rss_anon &&
		  nres == hole_pages,
		  "the freed hole stays resident: brk and [heap] rss unchanged");

	lab_step("malloc_trim(0): the hole's pages go back, the mapping stays");
	heap_vma(&h0);
	rss0 = lab_smaps_rss_kb(fence);
	r = malloc_trim(0);
	heap_vma(&h1);
	rss1 = lab_smaps_rss_kb(fence);
	nres = resident(hole_lo, hole_hi);
	lab_vma((void *)hole_lo, &hole);
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ fence, NULL });
	lab_say("   malloc_trim(0) = %d; [heap] rss %llu -> %llu KiB (smaps Rss %ld -> %ld KiB);\n"
		"   %lu of the hole's %lu pages still resident, the hole still in %s\n",
		r, (unsigned long long)h0.rss_anon / KIB,
		(unsigned long long)h1.rss_anon / KIB, rss0, rss1, nres,
		hole_pages, hole.kind == VMASTAT_KIND_HEAP ? "[heap]" : "?");
	lab_check(r == 1 && nres <= 1,
		  "malloc_trim(0) released the hole's pages (at most the one with the free chunk's header stays)");
	lab_check(hole.kind == VMASTAT_KIND_HEAP && hole.start <= hole_lo &&
		  hole_hi <= hole.end,
		  "the hole is still part of [heap]: the pages were dropped (MADV_DONTNEED), not unmapped");
	lab_check(h0.rss_anon - h1.rss_anon >= (hole_pages - 1) * LAB_PAGE &&
		  (unsigned long)rss1 == h1.rss_anon / KIB,
		  "[heap] rss fell by at least the hole (vmastat and smaps agree: %ld KiB)",
		  rss1);
	h5 = lab_xmalloc(100 * KIB);
	want = (lab_page_up((unsigned long)h5 + 100 * KIB) -
		lab_page_down((unsigned long)h5)) / LAB_PAGE;
	want -= resident(lab_page_down((unsigned long)h5),
			 lab_page_up((unsigned long)h5 + 100 * KIB));
	lab_vma(fence, &h0);
	memset(h5, 0x77, 100 * KIB);
	lab_vma(fence, &h1);
	lab_say("   malloc(100 KiB) = %p reuses the hole; writing it took %llu faults\n",
		(void *)h5, (unsigned long long)(h1.faults.minor - h0.faults.minor));
	lab_check((uintptr_t)h5 == h0_addr && want >= hole_pages / 4 - 1 &&
		  h1.faults.minor - h0.faults.minor == want,
		  "reusing the hole (same address) faults again: one fresh zero page for each of its %lu non-resident pages",
		  want);

	lab_step("mallopt(M_TRIM_THRESHOLD, -1): free() never shrinks the heap");
	lab_check(mallopt(M_TRIM_THRESHOLD, -1) == 1,
		  "mallopt(M_TRIM_THRESHOLD, -1) accepted");
	b0 = lab_brk();
	free(h5);
	free(fence);
	keep = mallinfo2().keepcost;
	lab_say("   everything above A freed: %lu KiB free at the top, brk %s\n",
		keep / KIB, lab_brk() == b0 ? "unchanged" : "MOVED");
	lab_check(lab_brk() == b0 && keep >= 400 * KIB,
		  "%lu KiB free at the top and no trimming", keep / KIB);
	heap_vma(&h0);
	b0 = lab_brk();
	resident(h0.start, lab_page_up(b0));
	r = malloc_trim(0);
	b1 = lab_brk();
	was_res = resident_was(h0.start, lab_page_up(b1), lab_page_up(b0));
	faults = unmapped_faults(lab_page_up(b1), lab_page_up(b0), &nrec);
	lab_say("   malloc_trim(0) = %d: brk moved down %lu KiB\n", r,
		(b0 - b1) / KIB);
	lab_check(r == 1 && b1 < b0 && b0 - b1 >= 400 * KIB - LAB_PAGE,
		  "an explicit malloc_trim(0) still shrinks the heap (%lu KiB)",
		  (b0 - b1) / KIB);
	lab_check(was_res == 0 || (nrec > 0 && faults >= was_res),
		  "the released range is listed as unmapped with its faults (%lu)",
		  faults);

	lab_step_totals();
	free(p[0]);
	return lab_done();
}
