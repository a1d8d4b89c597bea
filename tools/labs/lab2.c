// SPDX-License-Identifier: GPL-2.0
/*
 * lab2 - malloc below and above the mmap threshold: which requests grow
 * the brk heap and which get a mapping of their own, what mallopt()
 * changes, and how glibc moves the threshold by itself.
 *
 *   malloc(100 KiB)            from the heap: brk moves, no new mapping
 *   malloc(200 KiB)            from a free chunk in the heap, if one fits
 *   malloc(200 KiB)            else its own anonymous mapping (204 KiB)
 *   free it, malloc(200 KiB)   from the heap now: glibc raised the
 *                              threshold to the size of the freed chunk
 *   mallopt(M_MMAP_THRESHOLD, 1 MiB)   300 KiB from the heap, 1 MiB mmap'd
 *   mallopt(M_MMAP_MAX, 0)     even 8 MiB from the heap
 *
 * For every request the lab records the faults malloc() itself takes
 * (only the chunk headers it writes) and then the faults of writing the
 * block (one per page not yet resident, in the mapping the block is in).
 * The program's own output goes through a static stdio buffer and /proc
 * files are read with read(2), so that nothing but the experiment uses
 * the heap while it is measured.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lablib.h"

#define MIB		(1024 * KIB)
#define TOP_PAD		(128 * KIB)	/* glibc's M_TOP_PAD default */
#define SIZE_SZ		sizeof(size_t)
#define MINSIZE		(4 * SIZE_SZ)
#define IS_MMAPPED	2UL		/* bit 1 of a chunk's size word */

static char outbuf[16 * KIB];
static struct vmastat_event ev[256];
static unsigned int nev;

/* glibc's chunk size for a request of @n bytes */
static unsigned long chunk_size(size_t n)
{
	unsigned long c = (n + SIZE_SZ + 15) & ~15UL;

	return c < MINSIZE ? MINSIZE : c;
}

/* Pages of [p, p + len) that are not resident (mincore). */
static unsigned long pages_absent(const void *p, size_t len)
{
	static unsigned char vec[4096];
	unsigned long a = (unsigned long)p & ~(LAB_PAGE - 1);
	unsigned long n = (lab_page_up((unsigned long)p + len) - a) / LAB_PAGE;
	unsigned long i, absent = 0;

	if (n > sizeof(vec) || mincore((void *)a, n * LAB_PAGE, vec))
		lab_fail("mincore");
	for (i = 0; i < n; i++)
		absent += !(vec[i] & 1);
	return absent;
}

static void drain(void)
{
	while (lab_events(ev, 256) == 256)
		;
}

/* What one malloc() did to the address space. */
struct alloc {
	char *p;
	size_t size;
	unsigned long brk0, brk1;
	unsigned int maps0, maps1;
	long vsz0, vsz1;
	unsigned long top0;		/* glibc's free top chunk before */
	unsigned long faults;		/* accounted faults inside malloc() */
	bool headers_only;		/* ... all writes near the chunk's ends */
	struct vmastat_vma v;		/* the mapping it landed in */
};

static void do_malloc(struct alloc *a, size_t size)
{
	struct vmastat_fault_counts c0, c1;
	unsigned long lo, hi;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->size = size;
	a->top0 = mallinfo2().keepcost;
	a->maps0 = lab_count_maps();
	a->vsz0 = lab_status_kb("VmSize");
	a->brk0 = lab_brk();
	drain();
	lab_counts(&c0);
	a->p = malloc(size);
	lab_counts(&c1);
	nev = lab_events(ev, 256);
	if (!a->p)
		lab_fail("malloc");
	a->brk1 = lab_brk();
	a->vsz1 = lab_status_kb("VmSize");
	a->maps1 = lab_count_maps();
	a->faults = c1.minor + c1.major - c0.minor - c0.major;
	/* the chunk's own header, or the one malloc writes right after it */
	lo = (unsigned long)a->p - 2 * SIZE_SZ;
	hi = (unsigned long)a->p + chunk_size(size) + 2 * SIZE_SZ;
	a->headers_only = nev == a->faults && nev <= 2;
	for (i = 0; i < nev; i++)
		if (ev[i].address < (lo & ~(LAB_PAGE - 1)) || ev[i].address >= hi ||
		    ev[i].access != VMASTAT_ACCESS_WRITE)
			a->headers_only = false;
	lab_vma(a->p, &a->v);
}

static void report(const char *label, const struct alloc *a)
{
	lab_say("   %s = malloc(%zu KiB) = %p: brk %+ld KiB, VmSize %+ld KiB, %+d mapping(s), %lu fault(s) in malloc()",
		label, a->size / KIB, (void *)a->p,
		(long)(a->brk1 - a->brk0) / (long)KIB, a->vsz1 - a->vsz0,
		(int)(a->maps1 - a->maps0), a->faults);
	if (nev)
		lab_say(" at %#llx", (unsigned long long)ev[0].address);
	if (nev > 1)
		lab_say(", %#llx", (unsigned long long)ev[1].address);
	lab_say("\n");
	lab_show((const char *[]){ label, NULL },
		 (const void *[]){ a->p, NULL });
}

/* Checks for a request that should have come from the brk heap. */
static void check_heap(const char *label, const struct alloc *a)
{
	unsigned long nb = chunk_size(a->size);
	bool must_grow = a->top0 < nb + MINSIZE;
	unsigned long grow = must_grow ?
		lab_page_up(nb + MINSIZE + TOP_PAD - a->top0) : 0;

	lab_check(a->v.kind == VMASTAT_KIND_HEAP && a->maps1 == a->maps0,
		  "%s is in [heap], no new mapping", label);
	lab_check(a->brk1 - a->brk0 == grow,
		  "%s: the free top of the heap was %lu KiB, so brk moved by %lu KiB (%s)",
		  label, a->top0 / KIB, grow / KIB,
		  must_grow ? "request + 128 KiB M_TOP_PAD - free top, in pages" :
			      "it fitted");
	lab_check(a->vsz1 - a->vsz0 == (long)((a->brk1 - a->brk0) / KIB) &&
		  lab_page_up(a->brk1) == a->v.end,
		  "%s: VmSize grew by what brk moved, and [heap] ends at brk", label);
	lab_check(a->headers_only,
		  "%s: malloc() itself took %lu fault(s), only writes of chunk headers",
		  label, a->faults);
}

/* Checks for a request that should have got a mapping of its own. */
static void check_mmap(const char *label, const struct alloc *a)
{
	unsigned long len = lab_page_up(chunk_size(a->size) + SIZE_SZ);
	size_t word = ((size_t *)a->p)[-1];

	lab_say("   its size word (just below %s) is %#zx: %zu KiB with the IS_MMAPPED bit\n",
		label, word, (word & ~7UL) / KIB);
	if (a->v.end - a->v.start > len)
		lab_say("   The kernel merged %s's %lu KiB with the anonymous mapping above it\n"
			"   (same permissions, adjacent): /proc/self/maps shows one line of %llu KiB.\n",
			label, len / KIB,
			(unsigned long long)(a->v.end - a->v.start) / KIB);
	if (a->v.faults.minor > a->faults)
		lab_say("   vmastat counts faults by address: this mapping reuses addresses an\n"
			"   earlier, unmapped one faulted on, so its row shows those faults too.\n");
	lab_check(a->v.kind == VMASTAT_KIND_ANON && a->brk1 == a->brk0 &&
		  a->v.start == (unsigned long)a->p - 2 * SIZE_SZ &&
		  (unsigned long)a->p + a->size <= a->v.end,
		  "%s is in an anonymous mapping that starts with its chunk, brk did not move",
		  label);
	lab_check(a->vsz1 - a->vsz0 == (long)(len / KIB) &&
		  ((unsigned long)a->p & (LAB_PAGE - 1)) == 2 * SIZE_SZ &&
		  word == (len | IS_MMAPPED),
		  "%s: the mapping is %lu KiB (request + header, in pages), the block 16 bytes into it",
		  label, len / KIB);
	lab_check(a->faults == 1 && nev == 1 &&
		  ev[0].address / LAB_PAGE == ((unsigned long)a->p - 1) / LAB_PAGE,
		  "%s: malloc() took exactly one fault: the header in the mapping's first page",
		  label);
}

/* Write the whole block; one fault per page that was not resident. */
static void touch_check(const char *label, const struct alloc *a)
{
	struct vmastat_vma v0, v1;
	unsigned long want = pages_absent(a->p, a->size);
	long rss;

	lab_vma(a->p, &v0);
	memset(a->p, 0x5a, a->size);
	lab_vma(a->p, &v1);
	rss = lab_smaps_rss_kb(a->p);
	lab_say("   writing all of %s: %llu faults in its mapping, rss %llu -> %llu KiB (smaps Rss %ld KiB)\n",
		label, (unsigned long long)(v1.faults.minor - v0.faults.minor),
		(unsigned long long)(v0.rss_anon / KIB),
		(unsigned long long)(v1.rss_anon / KIB), rss);
	lab_check(v1.faults.minor - v0.faults.minor == want &&
		  v1.faults.write - v0.faults.write == want &&
		  v1.rss_anon - v0.rss_anon == want * LAB_PAGE,
		  "writing %s took one write fault per page not yet resident (%lu) and made them resident",
		  label, want);
	lab_check(rss >= 0 && (unsigned long)rss == (v1.rss_anon + v1.rss_file) / KIB,
		  "vmastat's rss of %s's mapping equals smaps Rss (%ld KiB)", label, rss);
}

int main(int argc, char **argv)
{
	struct alloc a1, a2, h, b, b2, c, d, e, f;
	uintptr_t a1_addr;
	char *g;
	struct vmastat_vma heap, gone;
	struct mallinfo2 mi;
	char *keep;

	lab_init(argc, argv, "malloc: brk heap below M_MMAP_THRESHOLD, mmap above");
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	memset(ev, 0, sizeof(ev));
	/* one fault = one 4 KiB page: no transparent huge pages here */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);

	lab_step("the heap before: glibc made it with its first allocation");
	keep = malloc(16);
	if (!keep)
		lab_fail("malloc");
	lab_vma(keep, &heap);
	mi = mallinfo2();
	lab_show((const char *[]){ "[heap]", NULL },
		 (const void *[]){ keep, NULL });
	lab_say("   [heap] %#llx-%#llx, brk %#lx; glibc: arena %zu KiB, free top %zu KiB\n",
		(unsigned long long)heap.start, (unsigned long long)heap.end,
		lab_brk(), mi.arena / KIB, mi.keepcost / KIB);
	lab_say("   (this process has transparent huge pages switched off, so that one\n"
		"   fault maps one 4 KiB page)\n");
	lab_check(heap.kind == VMASTAT_KIND_HEAP &&
		  heap.end == lab_page_up(lab_brk()),
		  "[heap] ends at the program break");
	lab_check(mi.arena == heap.end - heap.start,
		  "glibc's arena size (mallinfo2) is the size of [heap] (%zu KiB)",
		  mi.arena / KIB);

	lab_step("malloc(100 KiB), twice: below the 128 KiB threshold, so from the heap");
	do_malloc(&a1, 100 * KIB);
	a1_addr = (uintptr_t)a1.p;
	report("a1", &a1);
	check_heap("a1", &a1);
	do_malloc(&a2, 100 * KIB);
	report("a2", &a2);
	check_heap("a2", &a2);
	lab_check(a2.brk1 > a1.brk0, "brk moved for at least one of them");
	touch_check("a2", &a2);

	lab_step("above the threshold, yet from the heap: free space that is already there is used first");
	/* a live block after a2: no trimming below it */
	g = lab_xmalloc(4 * KIB);
	free(a1.p);
	free(a2.p);
	lab_say("   g = malloc(4 KiB) = %p after a2; free(a1), free(a2): a free chunk of %lu KiB\n"
		"   inside the heap\n", (void *)g, (a2.size + a1.size) / KIB);
	do_malloc(&h, 200 * KIB);
	report("h", &h);
	lab_check(h.v.kind == VMASTAT_KIND_HEAP && h.brk1 == h.brk0 &&
		  h.vsz1 == h.vsz0 && h.maps1 == h.maps0 && h.faults == 0,
		  "h = malloc(200 KiB) came from the heap's free chunk: no brk, no mmap, no fault");
	lab_check(h.top0 < chunk_size(h.size) && (uintptr_t)h.p == a1_addr,
		  "the top of the heap was too small (%lu KiB): h reuses a1's address",
		  h.top0 / KIB);
	lab_say("   The threshold only decides how glibc asks the kernel for more memory;\n"
		"   a request that free space in the heap can serve never gets that far.\n");

	lab_step("malloc(200 KiB) again, with no room for it in the heap: a mapping of its own");
	do_malloc(&b, 200 * KIB);
	report("b", &b);
	check_mmap("b", &b);
	touch_check("b", &b);

	lab_step("free(b), then malloc(200 KiB) again: glibc has raised the threshold");
	{
		/* the address as a number: it is not a pointer to use any more */
		uintptr_t ba = (uintptr_t)b.p;
		const void *bp;
		long v0 = lab_status_kb("VmSize");

		free(b.p);
		bp = (const void *)ba;
		lab_vma(bp, &gone);
		lab_say("   free(b): VmSize %ld -> %ld KiB\n", v0,
			lab_status_kb("VmSize"));
		lab_show((const char *[]){ "b", NULL },
			 (const void *[]){ bp, NULL });
		lab_check((gone.flags & VMASTAT_VMA_UNMAPPED) &&
			  v0 - lab_status_kb("VmSize") ==
			  (long)(lab_page_up(chunk_size(b.size) + SIZE_SZ) / KIB),
			  "free(b) unmapped its 204 KiB at once (vmastat keeps its %llu faults as an unmapped range)",
			  (unsigned long long)gone.faults.minor);
	}
	lab_say("   Freeing an mmap'd chunk tells glibc such sizes are short-lived:\n"
		"   the threshold becomes that chunk's size (204 KiB) and the trim\n"
		"   threshold twice that.\n");
	do_malloc(&b2, 200 * KIB);
	report("b2", &b2);
	check_heap("b2", &b2);
	do_malloc(&c, 300 * KIB);
	report("c", &c);
	check_mmap("c", &c);

	lab_step("mallopt(M_MMAP_THRESHOLD, 1 MiB): 300 KiB from the heap, 1 MiB still mmap'd");
	if (!lab_check(mallopt(M_MMAP_THRESHOLD, 1 * MIB) == 1,
		       "mallopt(M_MMAP_THRESHOLD, 1 MiB) accepted"))
		return lab_done();
	do_malloc(&d, 300 * KIB);
	report("d", &d);
	check_heap("d", &d);
	do_malloc(&e, 1 * MIB);
	report("e", &e);
	check_mmap("e", &e);
	touch_check("d", &d);

	lab_step("mallopt(M_MMAP_MAX, 0): no mmap at all, even 8 MiB comes from brk");
	if (!lab_check(mallopt(M_MMAP_MAX, 0) == 1, "mallopt(M_MMAP_MAX, 0) accepted"))
		return lab_done();
	do_malloc(&f, 8 * MIB);
	report("f", &f);
	check_heap("f", &f);
	touch_check("f", &f);

	lab_step_totals();

	free(f.p);
	free(e.p);
	free(d.p);
	free(c.p);
	free(b2.p);
	free(h.p);
	free(g);
	free(keep);
	return lab_done();
}
