// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * What one VMA is (kind, flags, name) and what is resident in it.  Both the
 * text files and the ioctls describe a VMA with vmastat_vma_fill(), so the
 * two always agree.
 *
 * The residency walk reads the page tables the way /proc/PID/smaps does,
 * but by hand: walk_page_vma() and vm_normal_page() are not exported.  The
 * caller holds the mmap lock for reading, which keeps the VMA and the upper
 * page-table levels in place.  PTE tables can still be replaced under it
 * (THP splits and collapses; newer kernels retract the tables of collapsed
 * file THPs without the mmap lock), so each PTE table is read under its
 * page-table lock after checking that the PMD still points to it, inside
 * an RCU read-side section that keeps a table freed by RCU from being
 * reused while we look.  A THP mapped by a PMD is read under the PMD lock.
 * The counts for one VMA are therefore exact per page table, and a
 * snapshot of the whole VMA only if nothing faults or unmaps in it
 * meanwhile (e.g. the process is stopped).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/kernel.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "compat.h"
#include "vmastat.h"

static const char * const vmastat_kind_names[VMASTAT_KIND_MAX] = {
	[VMASTAT_KIND_ANON]		= "anon",
	[VMASTAT_KIND_HEAP]		= "heap",
	[VMASTAT_KIND_STACK]		= "stack",
	[VMASTAT_KIND_VDSO]		= "vdso",
	[VMASTAT_KIND_VVAR]		= "vvar",
	[VMASTAT_KIND_VSYSCALL]		= "vsyscall",
	[VMASTAT_KIND_ANON_NAMED]	= "anon_named",
	[VMASTAT_KIND_FILE]		= "file",
	[VMASTAT_KIND_SHMEM]		= "shmem",
	[VMASTAT_KIND_SPECIAL]		= "special",
	[VMASTAT_KIND_HUGETLB]		= "hugetlb",
	[VMASTAT_KIND_UNMAPPED]		= "unmapped",
};

/**
 * vmastat_kind_name() - the word the text files use for a VMA kind
 * @kind:	enum vmastat_vma_kind
 *
 * Return: a lowercase name, or "unknown" for a value out of range.
 */
const char *vmastat_kind_name(u32 kind)
{
	if (kind >= VMASTAT_KIND_MAX)
		return "unknown";
	return vmastat_kind_names[kind];
}

/* Add @size bytes of @folio to the counter smaps would add them to. */
static void vmastat_account(struct vmastat_vma *rec, struct folio *folio,
			    u64 size)
{
	if (folio_test_anon(folio))
		rec->rss_anon += size;
	else if (folio_test_swapbacked(folio))
		rec->rss_shmem += size;
	else
		rec->rss_file += size;
}

/*
 * One PTE, read under its table's lock.  Present entries count unless they
 * map no struct page (pte_special: PFN maps, the zero page, DAX) or the
 * zero page, as vm_normal_page() would decide; swap entries count as swap;
 * migration and device entries count as resident in the page they stand
 * for, as smaps does.  Other non-present entries (markers) count nothing.
 */
static void vmastat_pte_entry(struct vmastat_vma *rec, pte_t pte)
{
	struct page *page;

	if (pte_none(pte))
		return;

	if (pte_present(pte)) {
		unsigned long pfn = pte_pfn(pte);

		if (pte_special(pte) || is_zero_pfn(pfn) || !pfn_valid(pfn))
			return;
		page = pfn_to_page(pfn);
	} else {
		swp_entry_t entry = pte_to_swp_entry(pte);

		if (!non_swap_entry(entry)) {
			rec->swap += PAGE_SIZE;
			return;
		}
		if (!is_pfn_swap_entry(entry))
			return;
		page = pfn_swap_entry_to_page(entry);
	}

	vmastat_account(rec, page_folio(page), PAGE_SIZE);
}

/*
 * A PMD that maps memory itself rather than a PTE table: a transparent
 * huge page, a THP under migration, or a device (DAX) mapping.  Called with
 * the PMD lock held and @pmdval read under it.
 *
 * Return: false if @pmdval points to a PTE table, true otherwise (it has
 * been accounted, or there was nothing to account).
 */
static bool vmastat_pmd_leaf(struct vmastat_vma *rec, pmd_t pmdval)
{
	struct folio *folio;

	if (pmd_none(pmdval))
		return true;

	if (pmd_trans_huge(pmdval)) {
		folio = page_folio(pmd_page(pmdval));
		if (vmastat_is_huge_zero_folio(folio))
			return true;
	} else if (is_swap_pmd(pmdval)) {
		swp_entry_t entry = pmd_to_swp_entry(pmdval);

		if (!thp_migration_supported() || !is_pfn_swap_entry(entry))
			return true;
		folio = page_folio(pfn_swap_entry_to_page(entry));
	} else {
		/* A PTE table: false; DAX (devmap) or unknown: skip it. */
		return !pmd_present(pmdval) || pmd_devmap(pmdval) ||
		       pmd_bad(pmdval);
	}

	vmastat_account(rec, folio, PMD_SIZE);
	if (folio_test_anon(folio))
		rec->anon_thp += PMD_SIZE;
	return true;
}

/*
 * One PMD entry covering [@addr, @end).
 *
 * Return: 0 when done, -EAGAIN when the entry changed between the lockless
 * read and taking its lock and must be looked at again.
 */
static int vmastat_pmd_entry(struct vmastat_vma *rec, struct mm_struct *mm,
			     pmd_t *pmd, unsigned long addr, unsigned long end)
{
	spinlock_t *ptl;	/* the PMD's or the PTE table's lock */
	pmd_t pmdval;
	pte_t *pte;
	int ret = 0;

	rcu_read_lock();
	pmdval = vmastat_pmdp_get_lockless(pmd);
	if (pmd_none(pmdval))
		goto out_rcu_unlock;

	if (!pmd_present(pmdval) || pmd_trans_huge(pmdval) ||
	    pmd_devmap(pmdval)) {
		ptl = pmd_lock(mm, pmd);
		if (!vmastat_pmd_leaf(rec, vmastat_pmdp_get(pmd)))
			ret = -EAGAIN;	/* split into a PTE table meanwhile */
		spin_unlock(ptl);
		goto out_rcu_unlock;
	}

	if (unlikely(pmd_bad(pmdval)))
		goto out_rcu_unlock;

	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	if (unlikely(!pmd_same(pmdval, vmastat_pmdp_get(pmd)))) {
		ret = -EAGAIN;
		goto out_ptl_unlock;
	}
	pte = pte_offset_kernel(&pmdval, addr);
	for (; addr < end; addr += PAGE_SIZE, pte++)
		vmastat_pte_entry(rec, ptep_get(pte));
out_ptl_unlock:
	spin_unlock(ptl);
out_rcu_unlock:
	rcu_read_unlock();
	return ret;
}

static void vmastat_pmd_range(struct vmastat_vma *rec, struct mm_struct *mm,
			      pud_t *pud, unsigned long addr, unsigned long end)
{
	unsigned long next;
	pmd_t *pmd;

	pmd = pmd_offset(pud, addr);
	do {
		next = pmd_addr_end(addr, end);
		while (vmastat_pmd_entry(rec, mm, pmd, addr, next) == -EAGAIN)
			cond_resched();
		cond_resched();
	} while (pmd++, addr = next, addr != end);
}

static void vmastat_pud_range(struct vmastat_vma *rec, struct mm_struct *mm,
			      p4d_t *p4d, unsigned long addr, unsigned long end)
{
	unsigned long next;
	pud_t *pud;

	pud = pud_offset(p4d, addr);
	do {
		pud_t pudval = READ_ONCE(*pud);

		next = pud_addr_end(addr, end);
		/*
		 * A PUD leaf (1G hugetlb or DAX page) reads as pud_bad(); both
		 * are in VMAs smaps does not count either.
		 */
		if (pud_none(pudval) || !pud_present(pudval) ||
		    pud_bad(pudval))
			continue;
		vmastat_pmd_range(rec, mm, pud, addr, next);
	} while (pud++, addr = next, addr != end);
}

static void vmastat_p4d_range(struct vmastat_vma *rec, struct mm_struct *mm,
			      pgd_t *pgd, unsigned long addr, unsigned long end)
{
	unsigned long next;
	p4d_t *p4d;

	p4d = p4d_offset(pgd, addr);
	do {
		p4d_t p4dval = READ_ONCE(*p4d);

		next = p4d_addr_end(addr, end);
		if (p4d_none(p4dval) || p4d_bad(p4dval))
			continue;
		vmastat_pud_range(rec, mm, p4d, addr, next);
	} while (p4d++, addr = next, addr != end);
}

/* Add up what is resident in @vma, as smaps does; mmap lock held. */
static void vmastat_walk_vma(struct vm_area_struct *vma,
			     struct vmastat_vma *rec)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = vma->vm_start;
	unsigned long end = vma->vm_end;
	unsigned long next;
	pgd_t *pgd;

	/*
	 * smaps reports no Rss for these: hugetlb pages are counted in its
	 * *_Hugetlb lines, and PFN maps have no struct pages to classify.
	 */
	if (is_vm_hugetlb_page(vma) || (vma->vm_flags & VM_PFNMAP))
		return;

	pgd = pgd_offset(mm, addr);
	do {
		pgd_t pgdval = READ_ONCE(*pgd);

		next = pgd_addr_end(addr, end);
		if (pgd_none(pgdval) || pgd_bad(pgdval))
			continue;
		vmastat_p4d_range(rec, mm, pgd, addr, next);
	} while (pgd++, addr = next, addr != end);
}

static u32 vmastat_vma_flags(struct vm_area_struct *vma)
{
	vm_flags_t vm_flags = vma->vm_flags;
	u32 flags = 0;

	if (vm_flags & VM_READ)
		flags |= VMASTAT_VMA_READ;
	if (vm_flags & VM_WRITE)
		flags |= VMASTAT_VMA_WRITE;
	if (vm_flags & VM_EXEC)
		flags |= VMASTAT_VMA_EXEC;
	if (vm_flags & VM_MAYSHARE)
		flags |= VMASTAT_VMA_SHARED;
	if (vm_flags & VM_GROWSDOWN)
		flags |= VMASTAT_VMA_GROWSDOWN;
	if (vm_flags & VM_LOCKED)
		flags |= VMASTAT_VMA_LOCKED;
	if (vm_flags & VM_HUGEPAGE)
		flags |= VMASTAT_VMA_HUGEPAGE;
	if (vm_flags & VM_NOHUGEPAGE)
		flags |= VMASTAT_VMA_NOHUGEPAGE;
	/* The same test that makes d_path() append " (deleted)". */
	if (vma->vm_file &&
	    d_unlinked(vmastat_file_path(vma->vm_file)->dentry))
		flags |= VMASTAT_VMA_DELETED;
	return flags;
}

/*
 * The kind follows the decisions /proc/PID/maps makes for the name, in
 * the same order, with tmpfs files and PFN/IO maps told apart.
 */
static u32 vmastat_vma_kind(struct vm_area_struct *vma)
{
	const char *name;

	if (is_vm_hugetlb_page(vma))
		return VMASTAT_KIND_HUGETLB;

	if (vma->vm_file) {
		/*
		 * The real file, not an overlayfs view of it, holds the pages.
		 * Device nodes on devtmpfs (a tmpfs too) are not shmem: a
		 * private /dev/zero map is anonymous memory behind a file.
		 */
		const struct inode *inode = file_inode(vma->vm_file);

		if (inode->i_sb->s_magic == TMPFS_MAGIC &&
		    S_ISREG(inode->i_mode))
			return VMASTAT_KIND_SHMEM;
		if (vma->vm_flags & (VM_PFNMAP | VM_IO))
			return VMASTAT_KIND_SPECIAL;
		return VMASTAT_KIND_FILE;
	}

	if (vma->vm_ops && vma->vm_ops->name) {
		name = vma->vm_ops->name(vma);
		if (name) {
			if (!strcmp(name, "[vdso]"))
				return VMASTAT_KIND_VDSO;
			if (!strncmp(name, "[vvar", 5))
				return VMASTAT_KIND_VVAR;
			return VMASTAT_KIND_SPECIAL;
		}
	}

	if (vmastat_vma_is_heap(vma))
		return VMASTAT_KIND_HEAP;
	if (vmastat_vma_is_stack(vma))
		return VMASTAT_KIND_STACK;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO))
		return VMASTAT_KIND_SPECIAL;
	if (vmastat_vma_anon_name(vma))
		return VMASTAT_KIND_ANON_NAMED;
	return VMASTAT_KIND_ANON;
}

/**
 * vmastat_vma_name() - find what /proc/PID/maps names a VMA
 * @vma:	the VMA; its mmap lock held for reading
 * @name:	filled in; all NULL when the VMA has no name
 *
 * Follows get_vma_name() (6.12) / show_map_vma() (6.1).  x86's
 * arch_vma_name() always returns NULL, and the gate VMA ([vsyscall]) is
 * never looked at, so neither is consulted.
 */
void vmastat_vma_name(struct vm_area_struct *vma,
		      struct vmastat_vma_name *name)
{
	const char *anon_name = vmastat_vma_anon_name(vma);

	memset(name, 0, sizeof(*name));

	if (vma->vm_file) {
		/* Only 6.2+ lets shared anonymous memory be named. */
		if (anon_name) {
			name->prefix = "[anon_shmem:";
			name->str = anon_name;
		} else {
			name->path = vmastat_file_path(vma->vm_file);
		}
		return;
	}

	if (vma->vm_ops && vma->vm_ops->name) {
		name->str = vma->vm_ops->name(vma);
		if (name->str)
			return;
	}

	if (vmastat_vma_is_heap(vma)) {
		name->str = "[heap]";
	} else if (vmastat_vma_is_stack(vma)) {
		name->str = "[stack]";
	} else if (anon_name) {
		name->prefix = "[anon:";
		name->str = anon_name;
	}
}

/**
 * vmastat_vma_name_render() - write a VMA's name out as a plain string
 * @name:	from vmastat_vma_name(), mmap lock still held
 * @buf:	scratch buffer
 * @size:	its size, at most PATH_MAX is useful
 * @out:	set to the start of the NUL-terminated name inside @buf
 *
 * Paths are not escaped (unlike in the maps text) and carry " (deleted)"
 * when the file was unlinked, as d_path() writes them.
 *
 * Return: the length of the name without its NUL (0 for none, with @out
 * set to NULL), or -ENAMETOOLONG if it does not fit in @buf.
 */
int vmastat_vma_name_render(const struct vmastat_vma_name *name,
			    char *buf, size_t size, const char **out)
{
	const char *p;
	int len;

	*out = NULL;
	if (name->path) {
		p = d_path(name->path, buf, size);
		if (IS_ERR(p))
			return PTR_ERR(p);
		*out = p;
		return buf + size - 1 - p;
	}
	if (!name->str)
		return 0;

	len = snprintf(buf, size, "%s%s%s", name->prefix ?: "", name->str,
		       name->prefix ? "]" : "");
	if (len >= size)
		return -ENAMETOOLONG;
	*out = buf;
	return len;
}

/**
 * vmastat_vma_fill() - describe one VMA and what is resident in it
 * @vma:	the VMA; its mmap lock held for reading
 * @rec:	filled in completely except for @name_off and @name_len (0)
 *
 * The one place that turns a VMA into a record, for the text files and the
 * ioctls alike.  Walks the VMA's page tables, so it takes time in
 * proportion to the VMA's populated size and may sleep (cond_resched()
 * between page tables).
 *
 * Context: process context, mmap lock held for reading, no spinlocks.
 */
void vmastat_vma_fill(struct vm_area_struct *vma, struct vmastat_vma *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->start = vma->vm_start;
	rec->end = vma->vm_end;
	if (vma->vm_file) {
		const struct inode *inode = vmastat_file_inode(vma->vm_file);

		rec->offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
		rec->inode = inode->i_ino;
		rec->dev_major = MAJOR(inode->i_sb->s_dev);
		rec->dev_minor = MINOR(inode->i_sb->s_dev);
	}
	rec->flags = vmastat_vma_flags(vma);
	rec->kind = vmastat_vma_kind(vma);
	vmastat_walk_vma(vma, rec);
}
