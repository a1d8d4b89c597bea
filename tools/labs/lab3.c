// SPDX-License-Identifier: GPL-2.0
/*
 * lab3 - VSZ vs RSS: allocating memory costs no page faults; the first
 * touch of each 4 KiB page costs exactly one.
 *
 * The experiment maps 1 MiB of anonymous memory, then writes 1 KiB, 5 KiB
 * and 7 KiB from its start, reads a page that was never written, and
 * writes that page.  After each step it compares what vmastat counted in
 * the mapping with the resident size the kernel reports (/proc/self/smaps
 * and status).  Last, malloc(1 MiB) shows the one fault malloc itself
 * takes: the chunk header it writes in front of the memory it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "lablib.h"

#define SIZE	(1024 * KIB)

int main(int argc, char **argv)
{
	static struct vmastat_event ev[64];
	struct vmastat_fault_counts c0, c;
	struct vmastat_vma before, v;
	long vsz0, vsz1, rss_kb;
	volatile char sink;
	unsigned int n;
	char *p, *m;

	lab_init(argc, argv, "VSZ vs RSS: first touch faults one page at a time");
	memset(ev, 0, sizeof(ev));

	lab_step("mmap 1 MiB of anonymous memory: address space grows, nothing is resident");
	vsz0 = lab_status_kb("VmSize");
	p = lab_map_anon(SIZE);
	vsz1 = lab_status_kb("VmSize");
	lab_vma(p, &v);
	lab_say("   VmSize %ld -> %ld KiB (1 MiB and a guard page); p = %p\n",
		vsz0, vsz1, (void *)p);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(vsz1 - vsz0 >= (long)(SIZE / KIB),
		  "VmSize grew by at least 1024 KiB (%ld)", vsz1 - vsz0);
	lab_check(v.faults.minor + v.faults.major == 0 && v.rss_anon == 0,
		  "no fault and nothing resident in the new mapping (%llu faults, %llu KiB)",
		  (unsigned long long)(v.faults.minor + v.faults.major),
		  (unsigned long long)v.rss_anon / KIB);
	before = v;

	lab_step("write 1 KiB at p: one page, one fault");
	memset(p, 1, 1 * KIB);
	lab_vma(p, &v);
	rss_kb = lab_smaps_rss_kb(p);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor == 1 && v.faults.write == 1,
		  "1 write fault for 1 KiB (%llu)",
		  (unsigned long long)v.faults.minor);
	lab_check(v.rss_anon / KIB == 4 && rss_kb == 4,
		  "4 KiB resident (vmastat %llu KiB, smaps Rss %ld KiB)",
		  (unsigned long long)v.rss_anon / KIB, rss_kb);

	lab_step("write 5 KiB at p: the second page faults, the first does not");
	memset(p, 2, 5 * KIB);
	lab_vma(p, &v);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor == 2,
		  "2 faults in total after 5 KiB (%llu)",
		  (unsigned long long)v.faults.minor);

	lab_step("write 7 KiB at p: still inside two pages, no new fault");
	memset(p, 3, 7 * KIB);
	lab_vma(p, &v);
	rss_kb = lab_smaps_rss_kb(p);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor == 2,
		  "still 2 faults after 7 KiB (%llu)",
		  (unsigned long long)v.faults.minor);
	lab_check(v.rss_anon / KIB == 8 && rss_kb == 8,
		  "8 KiB resident (vmastat %llu KiB, smaps Rss %ld KiB)",
		  (unsigned long long)v.rss_anon / KIB, rss_kb);
	before = v;

	lab_step("read a page never written (p + 512 KiB): a read fault maps the shared zero page");
	sink = p[512 * KIB];
	(void)sink;
	lab_vma(p, &v);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.minor - before.faults.minor == 1 &&
		  v.faults.read - before.faults.read == 1,
		  "1 read fault (%llu)",
		  (unsigned long long)(v.faults.read - before.faults.read));
	lab_check(v.rss_anon == before.rss_anon,
		  "the zero page is not counted as resident (still %llu KiB)",
		  (unsigned long long)v.rss_anon / KIB);
	before = v;

	lab_step("now write that page: copy-on-write of the zero page");
	p[512 * KIB] = 4;
	lab_vma(p, &v);
	lab_show((const char *[]){ "p", NULL }, (const void *[]){ p, NULL });
	lab_check(v.faults.cow - before.faults.cow == 1 &&
		  v.faults.write - before.faults.write == 1,
		  "1 write fault, counted as COW (%llu)",
		  (unsigned long long)(v.faults.cow - before.faults.cow));
	lab_check((v.rss_anon - before.rss_anon) / KIB == 4,
		  "and now 4 KiB more resident (%llu KiB)",
		  (unsigned long long)(v.rss_anon - before.rss_anon) / KIB);

	lab_step("malloc(1 MiB) is not quite free: glibc writes a chunk header");
	lab_events(ev, 64);
	lab_counts(&c0);
	m = malloc(SIZE);
	if (!m)
		return 1;
	lab_counts(&c);
	n = lab_events(ev, 64);
	lab_say("   m = %p; faults during malloc(): %llu", (void *)m,
		(unsigned long long)(c.minor - c0.minor));
	if (n)
		lab_say(", the first at %#llx (%s)",
			(unsigned long long)ev[0].address,
			ev[0].access == VMASTAT_ACCESS_WRITE ? "write" : "read");
	lab_say("\n");
	lab_show((const char *[]){ "m", NULL }, (const void *[]){ m, NULL });
	lab_check(c.minor - c0.minor == 1 && n == 1 &&
		  ev[0].address / LAB_PAGE == ((unsigned long)m - 1) / LAB_PAGE &&
		  ev[0].access == VMASTAT_ACCESS_WRITE,
		  "exactly one write fault, in the page just below m (the header)");

	lab_step_totals();

	free(m);
	return lab_done();
}
