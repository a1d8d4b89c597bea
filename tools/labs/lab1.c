// SPDX-License-Identifier: GPL-2.0
/*
 * lab1 - the 64-bit address space: where each kind of memory lives, how
 * far user space reaches, and what address-space randomisation moves.
 *
 * The program names one address of each kind (its code, an initialised
 * global, a zero-initialised global, a malloc'd block, a C library
 * function, a fresh anonymous mapping, a local variable, the vDSO) and
 * asks vmastat which mapping holds each.  It compares the layout the
 * kernel keeps in its mm_struct (VMASTAT_IOC_STATUS) with /proc/self/stat
 * and the ELF segments, vmastat's whole list of mappings with
 * /proc/self/maps line by line, probes the top of user space and the
 * addresses above it, and re-executes itself to see which bases move from
 * one run to the next (and that none does under ADDR_NO_RANDOMIZE).
 *
 *   lab1 --layout    (internal) print this run's bases on one line
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lablib.h"

/* The top of the 47-bit window every x86-64 process starts with. */
#define WINDOW_TOP	((1UL << 47) - LAB_PAGE)

int lab1_data = 42;			/* .data: initialised */
static char lab1_bss[256 * KIB];	/* .bss: zero, longer than a page */

/* ELF symbols the linker defines at the end of text, data and bss. */
extern char etext[], edata[], end[];

int main(int argc, char **argv);

static char mapsbuf[256 * KIB], mapsbuf2[256 * KIB];
static char statbuf[4096];
static struct vmastat_vma vmas[512];
static char vnames[128 * KIB];

/* Field @n (1-based, as proc(5) numbers them) of /proc/self/stat. */
static unsigned long stat_field(int n)
{
	char *p;
	int i;

	lab_read_whole("/proc/self/stat", statbuf, sizeof(statbuf));
	p = strrchr(statbuf, ')');	/* field 2 may hold spaces */
	if (!p)
		return 0;
	p += 2;				/* now at field 3 */
	for (i = 3; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoul(p, NULL, 10) : 0;
}

/* One line of /proc/self/maps. */
struct maps_line {
	unsigned long start, end, offset, inode;
	unsigned int major, minor;
	char perms[5];
	const char *name;
	int name_len;
};

/* Parse the line at *@pos; false at the end of the text. */
static bool next_maps_line(char **pos, struct maps_line *m)
{
	char *p = *pos, *nl, *name;
	int n = 0;

	if (!*p)
		return false;
	nl = strchr(p, '\n');
	if (nl)
		*nl = '\0';
	memset(m, 0, sizeof(*m));
	if (sscanf(p, "%lx-%lx %4s %lx %x:%x %lu %n", &m->start, &m->end,
		   m->perms, &m->offset, &m->major, &m->minor, &m->inode,
		   &n) < 7)
		return false;
	name = p + n;
	m->name = name;
	m->name_len = strlen(name);
	*pos = nl ? nl + 1 : p + strlen(p);
	return true;
}

/* vmastat's whole list of mappings, with names; returns the count. */
static unsigned int vmastat_list(void)
{
	const unsigned int cap = sizeof(vmas) / sizeof(vmas[0]);
	struct vmastat_maps_query q;
	unsigned int total = 0, i;
	unsigned long next = 0;
	size_t used = 0;

	do {
		memset(&q, 0, sizeof(q));
		q.size = sizeof(q);
		q.pid = getpid();
		q.vma_size = sizeof(struct vmastat_vma);
		q.start = next;
		q.vmas = (uintptr_t)(vmas + total);
		q.vma_count = cap - total;
		q.names = (uintptr_t)(vnames + used);
		q.names_size = sizeof(vnames) - used;
		if (ioctl(lab_query_fd(), VMASTAT_IOC_MAPS, &q))
			lab_fail("VMASTAT_IOC_MAPS");
		/* each batch writes its names from the start of the buffer given */
		for (i = total; i < total + q.vma_count; i++)
			vmas[i].name_off += used;
		used += q.names_size;
		total += q.vma_count;
		next = q.next;
	} while (q.vma_count && next != VMASTAT_MAPS_END && total < cap &&
		 used < sizeof(vnames));
	return total;
}

static void perms_of(const struct vmastat_vma *v, char *out)
{
	out[0] = v->flags & VMASTAT_VMA_READ ? 'r' : '-';
	out[1] = v->flags & VMASTAT_VMA_WRITE ? 'w' : '-';
	out[2] = v->flags & VMASTAT_VMA_EXEC ? 'x' : '-';
	out[3] = v->flags & VMASTAT_VMA_SHARED ? 's' : 'p';
	out[4] = '\0';
}

/* The bases one run of this program starts with (see layout_child()). */
enum { B_EXE, B_HEAP, B_HEAPOFF, B_LIBC, B_MMAP, B_STACK, B_VDSO, B_NR };

static const char *const base_names[B_NR] = {
	"program (PIE)", "heap (start_brk)", "heap - program", "libc.so.6",
	"new mmap", "stack top", "vDSO",
};

/* lab1 --layout: print the bases of this run on one line. */
static int layout_child(void)
{
	unsigned long b[B_NR] = { 0 };
	struct maps_line m;
	char *pos;
	void *p;
	int i;

	p = mmap(NULL, LAB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b[B_MMAP] = p == MAP_FAILED ? 0 : (unsigned long)p;
	b[B_HEAP] = stat_field(47);		/* start_brk */
	b[B_VDSO] = getauxval(AT_SYSINFO_EHDR);
	lab_read_whole("/proc/self/maps", mapsbuf, sizeof(mapsbuf));
	pos = mapsbuf;
	for (i = 0; next_maps_line(&pos, &m); i++) {
		if (i == 0)
			b[B_EXE] = m.start;
		if (!b[B_LIBC] && strstr(m.name, "/libc.so"))
			b[B_LIBC] = m.start;
		if (!strcmp(m.name, "[stack]"))
			b[B_STACK] = m.end;
	}
	b[B_HEAPOFF] = b[B_HEAP] - b[B_EXE];
	for (i = 0; i < B_NR; i++)
		printf("%lx%c", b[i], i == B_NR - 1 ? '\n' : ' ');
	return 0;
}

/* Run `lab1 --layout` (without randomisation if @norand), read its bases. */
static bool run_layout(const char *self, bool norand, unsigned long *b)
{
	char buf[512] = "";
	int fd[2], status, i;
	ssize_t n, len = 0;
	pid_t pid;
	char *p;

	fflush(stdout);
	if (pipe(fd))
		lab_fail("pipe");
	pid = fork();
	if (pid < 0)
		lab_fail("fork");
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], 1);
		if (norand)
			personality(personality(0xffffffff) | ADDR_NO_RANDOMIZE);
		execl(self, "lab1", "--layout", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd[0]);
	buf[len] = '\0';
	waitpid(pid, &status, 0);
	p = buf;
	for (i = 0; i < B_NR; i++)
		b[i] = strtoul(p, &p, 16);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && b[B_EXE];
}

/* SIGSEGV probing. */
static sigjmp_buf segv_jmp;
static volatile int segv_code;
static void *volatile segv_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_code = si->si_code;
	segv_addr = si->si_addr;
	siglongjmp(segv_jmp, 1);
}

/* Read one byte at @addr; true if that raised SIGSEGV. */
static bool read_faults(unsigned long addr)
{
	volatile char sink;

	segv_code = 0;
	segv_addr = NULL;
	if (sigsetjmp(segv_jmp, 1))
		return true;
	sink = *(volatile char *)addr;
	(void)sink;
	return false;
}

static bool cpu_has_la57(void)
{
	static char cpuinfo[64 * KIB];
	char *flags;

	lab_read_whole("/proc/cpuinfo", cpuinfo, sizeof(cpuinfo));
	flags = strstr(cpuinfo, "\nflags");
	if (!flags)
		return false;
	*strchrnul(flags + 1, '\n') = '\0';
	return strstr(flags, " la57") != NULL;
}

static void step_regions(char *heap, void *anon, char *stackvar)
{
	void *vdso = (void *)getauxval(AT_SYSINFO_EHDR);
	void *libc_fn = (void *)&printf;
	char *bss_last = lab1_bss + sizeof(lab1_bss) - 1;
	struct vmastat_vma text, data, bss0, bss1, hp, libc, mm, stk, vd;
	char self[4096];
	ssize_t n;

	lab_step("one address of each kind, and the mapping vmastat finds it in");
	lab_say("   main()   %p   code (.text)\n", (void *)main);
	lab_say("   data     %p   an initialised global (.data)\n",
		(void *)&lab1_data);
	lab_say("   bss      %p   a 256 KiB zero-initialised global (.bss), first byte\n",
		(void *)lab1_bss);
	lab_say("   bss end  %p   ... and its last byte\n", (void *)bss_last);
	lab_say("   heap     %p   malloc(100)\n", (void *)heap);
	lab_say("   libc     %p   printf() in the C library\n", libc_fn);
	lab_say("   mmap     %p   mmap() of 64 KiB, anonymous\n", anon);
	lab_say("   stack    %p   a local variable of main()\n",
		(void *)stackvar);
	lab_say("   vdso     %p   the vDSO (getauxval(AT_SYSINFO_EHDR))\n",
		vdso);
	lab_show((const char *[]){ "main()", "data", "bss", "bss end", "heap",
				   "libc", "mmap", "stack", "vdso", NULL },
		 (const void *[]){ (void *)main, &lab1_data, lab1_bss,
				   bss_last, heap, libc_fn, anon, stackvar,
				   vdso, NULL });

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	lab_vma((void *)main, &text);
	lab_vma(&lab1_data, &data);
	lab_vma(lab1_bss, &bss0);
	lab_vma(bss_last, &bss1);
	lab_vma(heap, &hp);
	lab_vma(libc_fn, &libc);
	lab_vma(anon, &mm);
	lab_vma(stackvar, &stk);
	lab_vma(vdso, &vd);

	lab_check(text.kind == VMASTAT_KIND_FILE && text.inode &&
		  (text.flags & VMASTAT_VMA_EXEC) &&
		  !(text.flags & VMASTAT_VMA_WRITE),
		  "main() is in an executable, read-only file mapping (%s, inode %llu)",
		  lab_kind_name(text.kind), (unsigned long long)text.inode);
	lab_check(data.kind == VMASTAT_KIND_FILE && data.inode == text.inode &&
		  (data.flags & VMASTAT_VMA_WRITE) &&
		  !(data.flags & VMASTAT_VMA_SHARED),
		  "the initialised global is in a private writable mapping of the same file");
	lab_check(bss1.kind == VMASTAT_KIND_ANON || bss1.kind == VMASTAT_KIND_HEAP,
		  "the end of .bss is anonymous memory, not file (%s)",
		  lab_kind_name(bss1.kind));
	lab_check(bss0.start <= (unsigned long)lab1_bss &&
		  (bss0.flags & VMASTAT_VMA_WRITE) &&
		  !(bss0.flags & VMASTAT_VMA_EXEC),
		  "the start of .bss is private writable memory (%s)",
		  lab_kind_name(bss0.kind));
	lab_check(hp.kind == VMASTAT_KIND_HEAP,
		  "malloc(100) is in [heap] (%s)", lab_kind_name(hp.kind));
	lab_check(libc.kind == VMASTAT_KIND_FILE &&
		  (libc.flags & VMASTAT_VMA_EXEC) && libc.inode != text.inode,
		  "printf() is in another file's executable mapping (libc)");
	lab_check(mm.kind == VMASTAT_KIND_ANON, "the mmap() is anonymous (%s)",
		  lab_kind_name(mm.kind));
	lab_check(stk.kind == VMASTAT_KIND_STACK,
		  "the local variable is in [stack] (%s)",
		  lab_kind_name(stk.kind));
	lab_check(vd.kind == VMASTAT_KIND_VDSO, "the vDSO is [vdso] (%s)",
		  lab_kind_name(vd.kind));
	lab_check(text.end <= data.start && data.start <= bss0.start &&
		  bss1.end <= hp.start && hp.end < mm.start &&
		  hp.end < libc.start && libc.end < stk.start &&
		  mm.end < stk.start,
		  "low to high: code, data, bss, heap, ... mmap area ..., stack");
	if (vd.start > stk.start)
		lab_say("   This kernel put the vDSO a little above the stack (older x86-64 kernels\n"
			"   do that); newer ones map it in the mmap area, like a library.\n");
	else
		lab_say("   This kernel mapped the vDSO in the mmap area, like a library (older\n"
			"   x86-64 kernels put it a little above the stack).\n");
}

static void step_mm_struct(char *stackvar)
{
	struct vmastat_status st;
	unsigned long sc, ec, ss, sd, ed, sb;

	lab_step("the layout the kernel keeps for the process (mm_struct), against /proc/self/stat");
	lab_status(&st);
	/* proc(5): 26 startcode, 27 endcode, 28 startstack, 45 start_data,
	 * 46 end_data, 47 start_brk */
	sc = stat_field(26);
	ec = stat_field(27);
	ss = stat_field(28);
	sd = stat_field(45);
	ed = stat_field(46);
	sb = stat_field(47);
	lab_say("   %-12s %14s %14s\n", "", "vmastat", "/proc/self/stat");
	lab_say("   %-12s %#14llx %#14lx\n", "start_code", (unsigned long long)st.start_code, sc);
	lab_say("   %-12s %#14llx %#14lx\n", "end_code", (unsigned long long)st.end_code, ec);
	lab_say("   %-12s %#14llx %#14lx\n", "start_data", (unsigned long long)st.start_data, sd);
	lab_say("   %-12s %#14llx %#14lx\n", "end_data", (unsigned long long)st.end_data, ed);
	lab_say("   %-12s %#14llx %#14lx\n", "start_brk", (unsigned long long)st.start_brk, sb);
	lab_say("   %-12s %#14llx %#14lx (sbrk(0))\n", "brk", (unsigned long long)st.brk,
		(unsigned long)sbrk(0));
	lab_say("   %-12s %#14llx %#14lx\n", "start_stack", (unsigned long long)st.start_stack, ss);
	lab_say("   %-12s %#14llx\n", "mmap_base", (unsigned long long)st.mmap_base);
	lab_say("   %-12s %#14llx\n", "task_size", (unsigned long long)st.task_size);
	lab_check(st.start_code == sc && st.end_code == ec &&
		  st.start_data == sd && st.end_data == ed &&
		  st.start_brk == sb && st.start_stack == ss,
		  "code, data, start_brk and stack bounds equal /proc/self/stat's");
	lab_check(st.brk == (unsigned long)sbrk(0),
		  "brk equals sbrk(0), the C library's idea of the program break");
	lab_check(st.start_code <= (unsigned long)main &&
		  (unsigned long)main < st.end_code &&
		  st.end_code >= (unsigned long)etext,
		  "main() lies in [start_code, end_code), which reaches etext");
	lab_check(st.start_data <= (unsigned long)&lab1_data &&
		  (unsigned long)&lab1_data < st.end_data &&
		  st.end_data == (unsigned long)edata,
		  "the initialised global lies in [start_data, end_data), and end_data is edata");
	lab_check((unsigned long)lab1_bss >= st.end_data &&
		  (unsigned long)end <= st.start_brk,
		  "bss lies between end_data and start_brk (its end, `end`, is %#lx)",
		  (unsigned long)end);
	lab_check((unsigned long)stackvar < st.start_stack &&
		  st.start_stack < st.task_size,
		  "the stack grows down from start_stack, below task_size");
}

static void step_listing(void)
{
	unsigned int n, nmaps = 0, bad_addr = 0, bad_perm = 0, bad_name = 0,
		     bad_file = 0, extra = 0, tries;
	struct maps_line m;
	char perms[5];
	char *pos;

	lab_step("every mapping, as vmastat lists it and as /proc/self/maps prints it");
	lab_show_all();
	/* read maps, list, read maps again: retry until nothing moved */
	for (tries = 0; tries < 5; tries++) {
		lab_read_whole("/proc/self/maps", mapsbuf, sizeof(mapsbuf));
		n = vmastat_list();
		lab_read_whole("/proc/self/maps", mapsbuf2, sizeof(mapsbuf2));
		if (!strcmp(mapsbuf, mapsbuf2))
			break;
	}
	pos = mapsbuf;
	while (next_maps_line(&pos, &m)) {
		const struct vmastat_vma *v;
		const char *vname;

		if (!strcmp(m.name, "[vsyscall]")) {
			extra++;	/* the gate page: not a VMA of the process */
			continue;
		}
		if (nmaps >= n) {
			nmaps++;
			continue;
		}
		v = &vmas[nmaps++];
		vname = v->name_len ? vnames + v->name_off : "";
		perms_of(v, perms);
		if (v->start != m.start || v->end != m.end)
			bad_addr++;
		if (strcmp(perms, m.perms))
			bad_perm++;
		if (strcmp(vname, m.name))
			bad_name++;
		if (v->offset != m.offset || v->inode != m.inode ||
		    v->dev_major != m.major || v->dev_minor != m.minor)
			bad_file++;
		if (bad_addr + bad_perm + bad_name + bad_file == 1 &&
		    !lab_quiet())
			lab_say("   first difference: maps %lx-%lx %s %s, vmastat %llx-%llx %s %s\n",
				m.start, m.end, m.perms, m.name,
				(unsigned long long)v->start,
				(unsigned long long)v->end, perms, vname);
	}
	lab_say("   /proc/self/maps: %u lines%s; vmastat: %u mappings\n",
		nmaps + extra, extra ? " (one is [vsyscall], the gate page)" : "",
		n);
	lab_check(nmaps == n, "as many mappings as /proc/self/maps lines (%u, %u)%s",
		  n, nmaps, extra ? " not counting [vsyscall]" : "");
	lab_check(!bad_addr, "every start and end address equal (%u differ)",
		  bad_addr);
	lab_check(!bad_perm, "every rwx/p permission string equal (%u differ)",
		  bad_perm);
	lab_check(!bad_name, "every name equal ([heap], [stack], paths...) (%u differ)",
		  bad_name);
	lab_check(!bad_file, "every file offset, device and inode equal (%u differ)",
		  bad_file);
}

static void step_top(void)
{
	struct vmastat_status st;
	struct rlimit rl;
	bool la57 = cpu_has_la57();
	unsigned long want = la57 ? (1UL << 56) - LAB_PAGE : WINDOW_TOP;
	unsigned long highest = 0, top_page, hint = 1UL << 48;
	unsigned int i, n;
	void *p, *q, *h;
	int err;

	lab_step("how far user space reaches: task_size, mmap_base, the top page");
	lab_status(&st);
	n = vmastat_list();
	for (i = 0; i < n; i++)
		if (vmas[i].end > highest)
			highest = vmas[i].end;
	lab_say("   task_size = %#llx: user addresses are below it.  The kernel runs\n"
		"   with %s-level page tables (\"la57\" is %s the CPU flags it reports), so\n"
		"   user space has %s.\n",
		(unsigned long long)st.task_size, la57 ? "5" : "4",
		la57 ? "among" : "not among",
		la57 ? "56 bits of addresses (64 PiB)" :
		       "47 bits of addresses (128 TiB), less one page");
	lab_say("   Even so, mappings are placed below %#lx (47 bits) unless a program\n"
		"   asks for more: the highest mapping now ends at %#lx.\n",
		WINDOW_TOP, highest);
	lab_check(st.task_size == want,
		  "task_size is %#lx (%s paging)", want, la57 ? "5-level" : "4-level");
	lab_check(highest <= WINDOW_TOP,
		  "every mapping lies in the 47-bit default window (highest end %#lx)",
		  highest);

	getrlimit(RLIMIT_STACK, &rl);
	if (rl.rlim_cur != RLIM_INFINITY) {
		lab_say("   mmap_base = %#llx: the mmap area grows down from there.  Between it\n"
			"   and the stack top lie %llu GiB: room for the stack to grow to its limit\n"
			"   (ulimit -s: %llu KiB) plus a random offset.\n",
			(unsigned long long)st.mmap_base,
			(unsigned long long)(st.start_stack - st.mmap_base) >> 30,
			(unsigned long long)rl.rlim_cur / KIB);
		lab_check(st.start_stack - st.mmap_base >= rl.rlim_cur,
			  "the gap between the stack and mmap_base (%llu GiB) is at least RLIMIT_STACK",
			  (unsigned long long)(st.start_stack - st.mmap_base) >> 30);
	} else {
		lab_say("   The stack limit is unlimited: the kernel uses the legacy bottom-up layout.\n");
	}

	/* the last page below task_size can be mapped, the one at it not */
	top_page = st.task_size - LAB_PAGE;
	p = mmap((void *)top_page, LAB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != MAP_FAILED)
		*(volatile char *)p = 1;
	q = mmap((void *)st.task_size, LAB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	err = errno;
	lab_say("   mmap(%#lx, 4 KiB, MAP_FIXED_NOREPLACE) = %p\n", top_page, p);
	if (p != MAP_FAILED)
		lab_show((const char *[]){ "top page", NULL },
			 (const void *[]){ p, NULL });
	lab_say("   mmap(%#llx, 4 KiB, MAP_FIXED_NOREPLACE) = %p (%s)\n",
		(unsigned long long)st.task_size, q,
		q == MAP_FAILED ? strerror(err) : "mapped");
	lab_check(p == (void *)top_page,
		  "the last page below task_size can be mapped where asked");
	lab_check(q == MAP_FAILED && err == ENOMEM,
		  "a mapping at task_size is refused with ENOMEM");
	if (p != MAP_FAILED)
		munmap(p, LAB_PAGE);
	if (q != MAP_FAILED)
		munmap(q, LAB_PAGE);

	/* a hint above 47 bits: honoured only with 5-level paging */
	h = mmap((void *)hint, LAB_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lab_say("   mmap(hint %#lx, 4 KiB) = %p: %s\n", hint, h,
		h == (void *)hint ? "the hint was honoured" :
		"the hint was ignored, the mapping went where it would anyway");
	if (la57)
		lab_check(h == (void *)hint,
			  "with 5-level paging a hint above 47 bits is honoured");
	else
		lab_check(h != MAP_FAILED && (unsigned long)h < WINDOW_TOP,
			  "with 4-level paging a hint above 47 bits is ignored");
	if (h != MAP_FAILED)
		munmap(h, LAB_PAGE);
}

static void step_beyond(void)
{
	static const struct {
		unsigned long addr;
		const char *what;
		bool canonical;
	} probes[] = {
		{ 8, "page 0 (a NULL pointer's field)", true },
		{ 0xffffffff80000000UL, "the kernel's half (its text)", true },
		{ 0x8000000000000000UL, "non-canonical (the hole)", false },
	};
	static struct vmastat_event ev[64];
	struct vmastat_fault_counts c0, c1;
	struct sigaction sa, old;
	unsigned int i, n, j;
	bool hit;

	lab_step("reading outside user space: SIGSEGV, but not always a page fault");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		bool page_fault;

		while (lab_events(ev, 64) == 64)
			;	/* drain what earlier steps left */
		lab_counts(&c0);
		hit = read_faults(probes[i].addr);
		lab_counts(&c1);
		n = lab_events(ev, 64);
		page_fault = false;
		for (j = 0; j < n; j++)
			if (ev[j].outcome == VMASTAT_OUTCOME_SEGV &&
			    ev[j].address == probes[i].addr)
				page_fault = true;
		lab_say("   read %#018lx  %-32s SIGSEGV %s, si_code %d, vmastat segv +%llu\n",
			probes[i].addr, probes[i].what, hit ? "yes" : "no",
			segv_code, (unsigned long long)(c1.segv - c0.segv));
		if (!probes[i].canonical) {
			lab_check(hit && segv_code == SI_KERNEL &&
				  c1.segv == c0.segv && !page_fault,
				  "a non-canonical address raises a general protection fault, not a page fault (si_code SI_KERNEL, no vmastat event)");
		} else {
			lab_check(hit && segv_code == SEGV_MAPERR &&
				  c1.segv - c0.segv == 1 && page_fault,
				  "%s: a page fault that ends in SIGSEGV (SEGV_MAPERR), recorded at its address",
				  probes[i].what);
		}
	}
	sigaction(SIGSEGV, &old, NULL);
}

static void step_stack_growth(void)
{
	struct vmastat_vma before, after;
	size_t len = 1024 * KIB, i;
	char here;

	lab_step("the stack mapping grows when touched below its start (up to ulimit -s)");
	lab_vma(&here, &before);
	{
		char buf[len];		/* a variable-length array on the stack */

		/* from the top down, a page at a time, as the stack grows */
		for (i = len; i >= LAB_PAGE; i -= LAB_PAGE)
			((volatile char *)buf)[i - 1] = 1;
		((volatile char *)buf)[0] = 1;
		lab_vma(&here, &after);
		lab_show((const char *[]){ "stack", NULL },
			 (const void *[]){ &here, NULL });
		lab_say("   (before the array was written: %llu KiB, %llu fault(s) in [stack])\n",
			(unsigned long long)(before.end - before.start) / KIB,
			(unsigned long long)before.faults.minor);
		lab_check(after.end == before.end &&
			  after.start <= (unsigned long)buf &&
			  before.start > (unsigned long)buf,
			  "[stack] grew downwards to cover the 1 MiB array");
		lab_check(after.faults.minor - before.faults.minor >=
			  (before.start - after.start) / LAB_PAGE &&
			  after.faults.minor - before.faults.minor <= len / LAB_PAGE + 1,
			  "each new stack page took one fault in [stack] (%llu faults, %lu new pages)",
			  (unsigned long long)(after.faults.minor - before.faults.minor),
			  (unsigned long)((before.start - after.start) / LAB_PAGE));
	}
}

static void step_aslr(const char *self)
{
	unsigned long r[3][B_NR], z[2][B_NR];
	bool ok = true, moved;
	char rvs_buf[16];
	int rvs, i, k;

	lab_step("address-space layout randomisation: run this program again, five times");
	lab_read_whole("/proc/sys/kernel/randomize_va_space", rvs_buf,
		       sizeof(rvs_buf));
	rvs = atoi(rvs_buf);
	lab_say("   /proc/sys/kernel/randomize_va_space = %d (%s)\n", rvs,
		rvs == 0 ? "off" : rvs == 1 ? "stack, mmap, vDSO and PIE base" :
		"also the heap");
	for (i = 0; i < 3; i++)
		ok &= run_layout(self, false, r[i]);
	for (i = 0; i < 2; i++)
		ok &= run_layout(self, true, z[i]);
	if (!lab_check(ok, "five runs of `lab1 --layout` reported their bases"))
		return;
	lab_say("   %-17s %14s %14s %14s | %14s %14s\n", "", "run 1", "run 2",
		"run 3", "no-random 1", "no-random 2");
	for (k = 0; k < B_NR; k++)
		lab_say("   %-17s %14lx %14lx %14lx | %14lx %14lx\n",
			base_names[k], r[0][k], r[1][k], r[2][k], z[0][k],
			z[1][k]);
	for (k = 0; k < B_NR; k++) {
		bool varies = !(r[0][k] == r[1][k] && r[1][k] == r[2][k]);
		bool expect = k == B_HEAPOFF ? rvs >= 2 : rvs >= 1;

		lab_check(varies == expect, "%s %s between runs (randomize_va_space %d)",
			  base_names[k], expect ? "changes" : "stays the same",
			  rvs);
	}
	moved = false;
	for (k = 0; k < B_NR; k++)
		moved |= z[0][k] != z[1][k];
	lab_check(!moved,
		  "with personality(ADDR_NO_RANDOMIZE) every base is the same in both runs");
	lab_check(z[0][B_STACK] == WINDOW_TOP,
		  "without randomisation the stack ends at the top of the 47-bit window (%#lx)",
		  WINDOW_TOP);
	lab_check(z[0][B_EXE] == (WINDOW_TOP / 3 * 2 & ~(LAB_PAGE - 1)),
		  "without randomisation a PIE program is loaded at 2/3 of it (%#lx)",
		  WINDOW_TOP / 3 * 2 & ~(LAB_PAGE - 1));
}

int main(int argc, char **argv)
{
	char stackvar = 0;
	char self[4096];
	ssize_t n;
	char *heap;
	void *anon;

	if (argc == 2 && !strcmp(argv[1], "--layout"))
		return layout_child();

	lab_init(argc, argv, "the 64-bit address space: layout, limits and randomisation");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		lab_fail("/proc/self/exe");
	self[n] = '\0';
	memset(mapsbuf, 0, sizeof(mapsbuf));
	memset(mapsbuf2, 0, sizeof(mapsbuf2));
	memset(vmas, 0, sizeof(vmas));
	memset(vnames, 0, sizeof(vnames));
	lab1_bss[0] = lab1_bss[sizeof(lab1_bss) - 1] = 1;

	heap = malloc(100);
	anon = mmap(NULL, 64 * KIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!heap || anon == MAP_FAILED)
		lab_fail("allocation");
	heap[0] = 1;
	((char *)anon)[0] = 1;

	step_regions(heap, anon, &stackvar);
	step_mm_struct(&stackvar);
	step_listing();
	step_top();
	step_beyond();
	step_stack_growth();
	step_aslr(self);

	munmap(anon, 64 * KIB);
	free(heap);
	return lab_done();
}
