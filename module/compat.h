/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * Every difference between the kernels the module builds against lives
 * here.  Where a header shows whether a feature is there, Kbuild greps for
 * it and passes -DVMASTAT_HAVE_<FEATURE>, so that a distribution kernel with
 * a backport gets the right code.  No version numbers are compared.
 */
#ifndef _VMASTAT_COMPAT_H
#define _VMASTAT_COMPAT_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>

/*
 * pmdp_get_lockless() (6.5+) reads a PMD that may change under us in one
 * go; x86-64 PMDs are a single word, so READ_ONCE() does the same earlier.
 */
#ifdef VMASTAT_HAVE_PMDP_GET_LOCKLESS
#define vmastat_pmdp_get_lockless(pmdp)	pmdp_get_lockless(pmdp)
#else
#define vmastat_pmdp_get_lockless(pmdp)	READ_ONCE(*(pmdp))
#endif

/* pmdp_get() (6.4+): read a PMD whose lock is held. */
#ifdef VMASTAT_HAVE_PMDP_GET
#define vmastat_pmdp_get(pmdp)		pmdp_get(pmdp)
#else
#define vmastat_pmdp_get(pmdp)		READ_ONCE(*(pmdp))
#endif

/*
 * file_user_path()/file_user_inode() (6.8+): for a file opened through
 * overlayfs, the path and inode the user sees rather than the backing
 * ones.  /proc/PID/maps prints those; before them it printed f_path.
 */
#ifdef VMASTAT_HAVE_FILE_USER_PATH
static inline const struct path *vmastat_file_path(const struct file *file)
{
	return file_user_path(file);
}

static inline const struct inode *vmastat_file_inode(const struct file *file)
{
	return file_user_inode(file);
}
#else
static inline const struct path *vmastat_file_path(const struct file *file)
{
	return &file->f_path;
}

static inline const struct inode *vmastat_file_inode(const struct file *file)
{
	return file_inode(file);
}
#endif

/*
 * [heap] and [stack] as /proc/PID/maps decides them.  6.7 moved the tests
 * into mm.h (and made the heap one strict); 6.1 open-codes them in
 * fs/proc/task_mmu.c show_map_vma() and is_stack().
 */
#ifdef VMASTAT_HAVE_VMA_IS_INITIAL_HEAP
static inline bool vmastat_vma_is_heap(const struct vm_area_struct *vma)
{
	return vma_is_initial_heap(vma);
}

static inline bool vmastat_vma_is_stack(const struct vm_area_struct *vma)
{
	return vma_is_initial_stack(vma);
}
#else
static inline bool vmastat_vma_is_heap(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->brk &&
	       vma->vm_end >= vma->vm_mm->start_brk;
}

static inline bool vmastat_vma_is_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
	       vma->vm_end >= vma->vm_mm->start_stack;
}
#endif

/*
 * The name given with prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME).  The
 * anon_vma_name() accessor is not exported; the field is stable under the
 * mmap lock, which every caller holds.
 */
#ifdef CONFIG_ANON_VMA_NAME
static inline const char *vmastat_vma_anon_name(struct vm_area_struct *vma)
{
#ifdef VMASTAT_HAVE_ANON_NAME_IN_UNION
	/*
	 * Before 6.2 the pointer shares a union with the i_mmap tree links
	 * of file VMAs: it means something only when there is no file.
	 */
	if (vma->vm_file)
		return NULL;
#endif
	return vma->anon_name ? vma->anon_name->name : NULL;
}
#else
static inline const char *vmastat_vma_anon_name(struct vm_area_struct *vma)
{
	return NULL;
}
#endif

/*
 * The RSS counters as /proc/PID/status reads them.  Kernels whose status
 * file sums the per-CPU counters have get_mm_counter_sum() (6.16, and in
 * stable backports such as Debian's 6.12); the others read the counter
 * with get_mm_counter() (on 6.1 a plain atomic).
 */
#ifdef VMASTAT_HAVE_GET_MM_COUNTER_SUM
#define vmastat_mm_counter(mm, member)	get_mm_counter_sum(mm, member)
#else
#define vmastat_mm_counter(mm, member)	get_mm_counter(mm, member)
#endif

/*
 * The huge zero page: is_huge_zero_pmd() reads huge_zero_pfn, which is not
 * exported.  It is the only PMD-mapped folio that is neither anonymous nor
 * in a page cache (a file folio is unmapped before truncation clears its
 * mapping, and the caller holds the PMD lock), which is how we know it.
 * The same test catches DAX's use of it for holes.
 */
static inline bool vmastat_is_huge_zero_folio(struct folio *folio)
{
	return !folio_test_anon(folio) && !READ_ONCE(folio->mapping);
}

/*
 * For a hot function's local that it fills itself: no zeroing by
 * CONFIG_INIT_STACK_ALL_ZERO (GCC 12+ and Clang know the attribute; the
 * kernel's own __uninitialized came later than 6.1).
 */
#if __has_attribute(__uninitialized__)
#define vmastat_uninitialized	__attribute__((__uninitialized__))
#else
#define vmastat_uninitialized
#endif

/*
 * No stack canary for a hot function whose locals hold no array (GCC 11+,
 * Clang 7+; the kernel's __no_stack_protector came in 6.3).
 */
#if __has_attribute(__no_stack_protector__)
#define vmastat_no_stack_protector	__attribute__((__no_stack_protector__))
#else
#define vmastat_no_stack_protector
#endif

#ifdef VMASTAT_DIRECT
#include <linux/ftrace.h>

/*
 * Direct calls for an ftrace_ops with a filter: register_ftrace_direct_multi()
 * (5.16) was renamed register_ftrace_direct() in 6.5, whose unregister
 * frees the filter when asked to; the older one leaves it to the caller.
 */
#ifdef VMASTAT_HAVE_FTRACE_DIRECT_MULTI
static inline int vmastat_direct_register(struct ftrace_ops *ops,
					  unsigned long addr)
{
	return register_ftrace_direct_multi(ops, addr);
}

static inline int vmastat_direct_unregister(struct ftrace_ops *ops,
					    unsigned long addr)
{
	int err = unregister_ftrace_direct_multi(ops, addr);

	ftrace_free_filter(ops);
	return err;
}
#else
static inline int vmastat_direct_register(struct ftrace_ops *ops,
					  unsigned long addr)
{
	return register_ftrace_direct(ops, addr);
}

static inline int vmastat_direct_unregister(struct ftrace_ops *ops,
					    unsigned long addr)
{
	return unregister_ftrace_direct(ops, addr, true);
}
#endif
#endif /* VMASTAT_DIRECT */

/*
 * The callbacks on the functions that handle COW, swap-in and THP faults
 * (module/fault.c, "Marks") read their first argument from the registers
 * ftrace saved: ftrace_regs_get_argument() (6.6+); before it, x86-64's
 * struct ftrace_regs is a struct pt_regs with the arguments filled in.
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#include <linux/ftrace.h>

#if defined(ftrace_regs_get_argument)
#define VMASTAT_MARKS_HOOKS
#define vmastat_fregs_arg0(fregs)	ftrace_regs_get_argument(fregs, 0)
#elif defined(CONFIG_X86_64)
#define VMASTAT_MARKS_HOOKS
#define vmastat_fregs_arg0(fregs) \
	regs_get_kernel_argument(&(fregs)->regs, 0)
#endif
#endif

/*
 * The fault path's clock between two CLOCK_MONOTONIC readings (module
 * parameter clock_interp): the x86 time-stamp counter read directly, where
 * its rate is fixed (constant_tsc, or any guest: it cannot change the
 * host's P-states) and known (tsc_khz).  sched_clock() reads the same
 * counter behind a call and a per-CPU scale.
 */
#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#include <asm/tsc.h>

static inline unsigned int vmastat_tsc_khz(void)
{
	if (!boot_cpu_has(X86_FEATURE_TSC) ||
	    !(boot_cpu_has(X86_FEATURE_CONSTANT_TSC) ||
	      boot_cpu_has(X86_FEATURE_HYPERVISOR)))
		return 0;
	return tsc_khz;
}

static __always_inline u64 vmastat_tsc(void)
{
	return rdtsc();
}
#else
static inline unsigned int vmastat_tsc_khz(void)
{
	return 0;
}

static __always_inline u64 vmastat_tsc(void)
{
	return 0;
}
#endif

#endif /* _VMASTAT_COMPAT_H */
