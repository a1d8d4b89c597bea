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
#include "vmastat.h"

/* seq_file position when the listing is complete */
#define VMASTAT_POS_END		LLONG_MAX

/**
 * struct vmastat_seq - per-open-file state of maps and status
 * @target:	the selected process (changed under the seq_file's lock)
 * @mm:		maps only: the mm held and read-locked from ->start() to
 *		->stop(), NULL otherwise
 */
struct vmastat_seq {
	struct vmastat_target target;
	struct mm_struct *mm;
};

static void *vmastat_maps_start(struct seq_file *m, loff_t *pos)
{
	struct vmastat_seq *s = m->private;
	struct vm_area_struct *vma;
	struct mm_struct *mm;

	if (*pos == VMASTAT_POS_END)
		return NULL;

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
	vma = find_vma(mm, *pos - 1);
	if (!vma)
		*pos = VMASTAT_POS_END;
	return vma;
}

static void *vmastat_maps_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct vmastat_seq *s = m->private;
	struct vm_area_struct *vma;
	unsigned long addr = 0;

	if (v != SEQ_START_TOKEN)
		addr = ((struct vm_area_struct *)v)->vm_end;
	*pos = (loff_t)addr + 1;

	/* Let a waiting writer in: end this read(), the next resumes here. */
	if (mmap_lock_is_contended(s->mm))
		return NULL;

	vma = find_vma(s->mm, addr);
	if (!vma)
		*pos = VMASTAT_POS_END;
	return vma;
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

static int vmastat_maps_show(struct seq_file *m, void *v)
{
	struct vm_area_struct *vma = v;
	struct vmastat_vma_name name;
	struct vmastat_vma rec;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# start-end perms offset dev inode kind rss anon file shmem swap thp name\n");
		return 0;
	}

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
