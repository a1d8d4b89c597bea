// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The text files "maps" and "status".  Each open file has its own target:
 * writing a PID selects it and rewinds the file, reading prints it.
 *
 * maps is a seq_file whose position is a cursor into the address space,
 * much like 6.1's /proc/PID/maps: 0 before the header line, then 1 + the
 * end of the last VMA listed (the next line is find_vma() of that), and
 * VMASTAT_POS_END once no VMA is left.  The mmap lock is held from
 * ->start() to ->stop(), which seq_file calls around each read() and which
 * covers at most one buffer (a page) of lines; when a writer waits for the
 * lock, ->next() ends the read() early so that it gets in, and the next
 * read() resumes from the cursor.  Each line is consistent in itself (its
 * VMA did not change while it was described), but a listing taken in
 * several read() calls is not a snapshot: VMAs can appear, vanish or
 * change between the calls, and one that now spans the cursor (it grew, or
 * replaced others) is listed from its start, overlapping the line before
 * it, just as VMASTAT_IOC_MAPS reports it when given that cursor.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "fault.h"
#include "vmastat.h"

/* seq_file position when the listing is complete */
#define VMASTAT_POS_END		LLONG_MAX
/* record after the last VMA: unmapped ranges above it that took faults */
#define VMASTAT_MAPS_TAIL	((void *)2)

/**
 * struct vmastat_seq - per-open-file state of maps and status
 * @target:	the selected process (changed under the seq_file's lock)
 * @mm:		maps only: the mm held and read-locked from ->start() to
 *		->stop(), NULL otherwise
 * @snap:	maps of a tracked process: its fault granules, taken when the
 *		listing starts
 * @faults:	@snap is valid: print fault columns and unmapped ranges
 * @gap:	where the gap before the next VMA starts (end of the last)
 */
struct vmastat_seq {
	struct vmastat_target target;
	struct mm_struct *mm;
	struct vmastat_attr_snap snap;
	bool faults;
	u64 gap;
};

/* Take (or drop) the fault snapshot at the start of a listing. */
static void vmastat_maps_snapshot(struct vmastat_seq *s)
{
	struct vmastat_tracked *t;

	vmastat_attr_snapshot_free(&s->snap);
	s->faults = false;
	t = vmastat_tracked_get(s->target.nr);
	if (IS_ERR(t))
		return;
	s->faults = !vmastat_attr_snapshot(t, &s->snap);
	vmastat_tracked_put(t);
}

/* The VMA at or after @addr, else the tail token or NULL. */
static void *vmastat_maps_find(struct vmastat_seq *s, u64 addr, loff_t *pos)
{
	struct vm_area_struct *vma = find_vma(s->mm, addr);
	struct vmastat_vma rec;

	s->gap = addr;
	if (vma)
		return vma;
	if (s->faults && vmastat_attr_unmapped(&s->snap, addr, ~0ULL, &rec))
		return VMASTAT_MAPS_TAIL;
	*pos = VMASTAT_POS_END;
	return NULL;
}

static void *vmastat_maps_start(struct seq_file *m, loff_t *pos)
{
	struct vmastat_seq *s = m->private;
	struct mm_struct *mm;

	if (*pos == VMASTAT_POS_END)
		return NULL;

	if (!*pos && s->target.pid)
		vmastat_maps_snapshot(s);
	mm = vmastat_target_get_mm(&s->target);
	if (IS_ERR(mm))
		return mm;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return ERR_PTR(-EINTR);
	}
	s->mm = mm;

	if (!*pos)
		return SEQ_START_TOKEN;
	return vmastat_maps_find(s, *pos - 1, pos);
}

static void *vmastat_maps_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct vmastat_seq *s = m->private;
	unsigned long addr = 0;

	if (v == VMASTAT_MAPS_TAIL) {
		*pos = VMASTAT_POS_END;
		return NULL;
	}
	if (v != SEQ_START_TOKEN)
		addr = ((struct vm_area_struct *)v)->vm_end;
	*pos = (loff_t)addr + 1;

	/* Let a waiting writer in: end this read(), the next resumes here. */
	if (mmap_lock_is_contended(s->mm))
		return NULL;

	return vmastat_maps_find(s, addr, pos);
}

static void vmastat_maps_stop(struct seq_file *m, void *v)
{
	struct vmastat_seq *s = m->private;

	if (!s->mm)
		return;
	mmap_read_unlock(s->mm);
	mmput(s->mm);
	s->mm = NULL;
}

static void vmastat_maps_show_faults(struct seq_file *m,
				     const struct vmastat_vma_faults *f)
{
	seq_printf(m, " %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   f->minor, f->major, f->read, f->write, f->exec, f->gup,
		   f->cow, f->swapin, f->thp, f->retry, f->segv, f->sigbus,
		   f->oom);
}

/* Unmapped ranges that took faults, from s->gap up to @end. */
static void vmastat_maps_show_gap(struct seq_file *m, struct vmastat_seq *s,
				  u64 end)
{
	static const char * const kinds[] = { "anon", "file", "shmem",
					      "other" };
	struct vmastat_vma rec;
	u64 addr = s->gap;

	while (addr < end &&
	       vmastat_attr_unmapped(&s->snap, addr, end, &rec)) {
		const char *sep = "";
		int k;

		seq_printf(m, "%08llx-%08llx ---- 00000000 00:00 0 %s 0 0 0 0 0 0",
			   rec.start, rec.end,
			   vmastat_kind_name(VMASTAT_KIND_UNMAPPED));
		vmastat_maps_show_faults(m, &rec.faults);
		seq_puts(m, " [unmapped:");
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (rec.faults.kinds & BIT(k)) {
				seq_printf(m, "%s%s", sep, kinds[k]);
				sep = ",";
			}
		}
		seq_puts(m, "]\n");
		addr = rec.end;
	}
}

static int vmastat_maps_show(struct seq_file *m, void *v)
{
	struct vmastat_seq *s = m->private;
	struct vm_area_struct *vma = v;
	struct vmastat_vma_name name;
	struct vmastat_vma rec;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# start-end perms offset dev inode kind rss anon file shmem swap thp");
		if (s->faults)
			seq_puts(m, " f_minor f_major f_read f_write f_exec f_gup f_cow f_swapin f_thp f_retry f_segv f_sigbus f_oom");
		seq_puts(m, " name\n");
		return 0;
	}
	if (v == VMASTAT_MAPS_TAIL) {
		vmastat_maps_show_gap(m, s, ~0ULL);
		return 0;
	}
	if (s->faults && vma->vm_start > s->gap)
		vmastat_maps_show_gap(m, s, vma->vm_start);

	vmastat_vma_fill(vma, &rec);
	vmastat_vma_name(vma, &name);

	seq_printf(m, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu %s",
		   rec.start, rec.end,
		   rec.flags & VMASTAT_VMA_READ ? 'r' : '-',
		   rec.flags & VMASTAT_VMA_WRITE ? 'w' : '-',
		   rec.flags & VMASTAT_VMA_EXEC ? 'x' : '-',
		   rec.flags & VMASTAT_VMA_SHARED ? 's' : 'p',
		   rec.offset, rec.dev_major, rec.dev_minor, rec.inode,
		   vmastat_kind_name(rec.kind));
	seq_printf(m, " %llu %llu %llu %llu %llu %llu",
		   (rec.rss_anon + rec.rss_file + rec.rss_shmem) >> 10,
		   rec.rss_anon >> 10, rec.rss_file >> 10, rec.rss_shmem >> 10,
		   rec.swap >> 10, rec.anon_thp >> 10);
	if (s->faults) {
		vmastat_attr_sum(&s->snap, rec.start, rec.end, &rec.faults);
		vmastat_maps_show_faults(m, &rec.faults);
	}

	if (name.path) {
		seq_putc(m, ' ');
		seq_path(m, name.path, "\n");
	} else if (name.str) {
		seq_printf(m, " %s%s%s", name.prefix ?: "", name.str,
			   name.prefix ? "]" : "");
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations vmastat_maps_seq_ops = {
	.start	= vmastat_maps_start,
	.next	= vmastat_maps_next,
	.stop	= vmastat_maps_stop,
	.show	= vmastat_maps_show,
};

/* status is one record, computed whole in ->show(). */
static void *vmastat_status_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *vmastat_status_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void vmastat_status_stop(struct seq_file *m, void *v)
{
}

static int vmastat_status_show(struct seq_file *m, void *v)
{
	struct vmastat_seq *s = m->private;
	struct vmastat_status st;
	int err;

	err = vmastat_status_fill(&s->target, &st);
	if (err)
		return err;

	seq_printf(m, "pid: %d\n", s->target.nr);
	seq_printf(m, "comm: %s\n", st.comm);
	seq_printf(m, "vmas: %u\n", st.nr_vmas);
	seq_printf(m, "vsz_kb: %llu\n", st.vsz >> 10);
	seq_printf(m, "rss_kb: %llu\n",
		   (st.rss_anon + st.rss_file + st.rss_shmem) >> 10);
	seq_printf(m, "rss_anon_kb: %llu\n", st.rss_anon >> 10);
	seq_printf(m, "rss_file_kb: %llu\n", st.rss_file >> 10);
	seq_printf(m, "rss_shmem_kb: %llu\n", st.rss_shmem >> 10);
	seq_printf(m, "swap_kb: %llu\n", st.swap >> 10);
	seq_printf(m, "start_code: 0x%llx\n", st.start_code);
	seq_printf(m, "end_code: 0x%llx\n", st.end_code);
	seq_printf(m, "start_data: 0x%llx\n", st.start_data);
	seq_printf(m, "end_data: 0x%llx\n", st.end_data);
	seq_printf(m, "start_brk: 0x%llx\n", st.start_brk);
	seq_printf(m, "brk: 0x%llx\n", st.brk);
	seq_printf(m, "start_stack: 0x%llx\n", st.start_stack);
	seq_printf(m, "mmap_base: 0x%llx\n", st.mmap_base);
	seq_printf(m, "task_size: 0x%llx\n", st.task_size);
	return 0;
}

static const struct seq_operations vmastat_status_seq_ops = {
	.start	= vmastat_status_start,
	.next	= vmastat_status_next,
	.stop	= vmastat_status_stop,
	.show	= vmastat_status_show,
};

static int vmastat_seq_open(struct file *file,
			    const struct seq_operations *ops)
{
	int err;

	err = vmastat_may_open();
	if (err)
		return err;
	return seq_open_private(file, ops, sizeof(struct vmastat_seq));
}

static int vmastat_maps_open(struct inode *inode, struct file *file)
{
	return vmastat_seq_open(file, &vmastat_maps_seq_ops);
}

static int vmastat_status_open(struct inode *inode, struct file *file)
{
	return vmastat_seq_open(file, &vmastat_status_seq_ops);
}

static int vmastat_seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct vmastat_seq *s = m->private;

	vmastat_target_release(&s->target);
	vmastat_attr_snapshot_free(&s->snap);
	return seq_release_private(inode, file);
}

/*
 * Select the target from a PID written to the file.  A failed write leaves
 * no target selected, so that a following read fails (EINVAL) instead of
 * silently showing the previous process.  Either way the file is rewound.
 */
static ssize_t vmastat_seq_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct vmastat_seq *s = m->private;
	struct vmastat_target new = {}, old;
	pid_t nr;
	int err;

	err = vmastat_parse_pid(ubuf, count, &nr);
	if (!err)
		err = vmastat_target_select(&new, nr);

	/* m->lock keeps a read() on this file out while we switch. */
	mutex_lock(&m->lock);
	old = s->target;
	s->target = new;
	m->index = 0;
	m->count = 0;
	m->from = 0;
	m->read_pos = 0;
	mutex_unlock(&m->lock);
	*ppos = 0;

	vmastat_target_release(&old);
	return err ? err : count;
}

const struct file_operations vmastat_maps_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_maps_open,
	.read		= seq_read,
	.write		= vmastat_seq_write,
	.llseek		= seq_lseek,
	.release	= vmastat_seq_release,
};

const struct file_operations vmastat_status_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_status_open,
	.read		= seq_read,
	.write		= vmastat_seq_write,
	.llseek		= seq_lseek,
	.release	= vmastat_seq_release,
};
