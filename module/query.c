// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The binary interface: ioctls on "query".  Argument structs are versioned
 * by size like PROCMAP_QUERY's (see uapi/linux/vmastat.h).
 *
 * VMASTAT_IOC_MAPS works in batches: take the target's mmap lock, describe
 * up to VMASTAT_BATCH VMAs (and render their names) into kernel buffers,
 * drop the lock, copy the batch out, repeat.  Nothing is copied to or from
 * user memory with the mmap lock held (a fault on the caller's buffer could
 * need that very lock when the caller is the target), and the lock is let
 * go early when a writer waits for it.  Each record is consistent in
 * itself; the listing as a whole is not a snapshot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "fault.h"
#include "vmastat.h"

/* VMAs described per mmap lock hold */
#define VMASTAT_BATCH		64
/* Kernel staging for one batch's names; at least one PATH_MAX name fits. */
#define VMASTAT_NAMES_STAGE	(16 * 1024)

static_assert(sizeof(struct vmastat_vma) == VMASTAT_VMA_SIZE_VER1);
static_assert(sizeof(struct vmastat_maps_query) == VMASTAT_MAPS_QUERY_SIZE_VER0);
static_assert(sizeof(struct vmastat_status) == VMASTAT_STATUS_SIZE_VER0);
static_assert(sizeof(struct vmastat_proc) == VMASTAT_PROC_SIZE_VER0);
static_assert(sizeof(struct vmastat_procs_query) == VMASTAT_PROCS_QUERY_SIZE_VER0);
static_assert(sizeof(struct vmastat_summary) == VMASTAT_SUMMARY_SIZE_VER1);
static_assert(sizeof(struct vmastat_track) == VMASTAT_TRACK_SIZE_VER0);
static_assert(sizeof(struct vmastat_hist_query) == VMASTAT_HIST_QUERY_SIZE_VER0);
static_assert(sizeof(struct vmastat_event) == VMASTAT_EVENT_SIZE_VER0);
static_assert(sizeof(struct vmastat_events_query) == VMASTAT_EVENTS_QUERY_SIZE_VER0);
static_assert(sizeof(struct vmastat_events_map) == VMASTAT_EVENTS_MAP_SIZE_VER0);
static_assert(sizeof(struct vmastat_ring_header) == 64);
static_assert(VMASTAT_NAMES_STAGE >= PATH_MAX);
/* ioctl numbers keep the first published size */
static_assert(_IOC_SIZE(VMASTAT_IOC_SUMMARY) == VMASTAT_SUMMARY_SIZE_VER0);

/* Events copied out per VMASTAT_IOC_EVENTS chunk */
#define VMASTAT_EVENTS_CHUNK	256
/* Process records per VMASTAT_IOC_PROCS chunk */
#define VMASTAT_PROCS_CHUNK	64

/**
 * struct vmastat_maps_batch - kernel-side buffers of one VMASTAT_IOC_MAPS
 * @recs:	records of the current batch
 * @stage:	their names, NUL-terminated, back to back
 * @stage_size:	size of @stage (0, @stage NULL: no room for names)
 * @scratch:	where one name is rendered (PATH_MAX bytes); NULL when the
 *		caller asked for no names
 * @snap:	the target's fault granules (VMASTAT_MAPS_FAULTS), or NULL
 * @unmapped:	list unmapped ranges that took faults too
 */
struct vmastat_maps_batch {
	struct vmastat_vma *recs;
	char *stage;
	size_t stage_size;
	char *scratch;
	struct vmastat_attr_snap *snap;
	bool unmapped;
};

/*
 * Copy the caller's argument struct in: @ksize bytes known to the kernel,
 * @ver0 the smallest size ever published.  Returns the caller's size.
 */
static long vmastat_copy_arg(void *karg, size_t ksize, size_t ver0,
			     const void __user *uarg)
{
	u64 usize;
	int err;

	if (get_user(usize, (const u64 __user *)uarg))
		return -EFAULT;
	if (usize < ver0)
		return -EINVAL;
	/* no version of these structs will ever be that large */
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(karg, ksize, uarg, usize);
	if (err)
		return err;
	return usize;
}

/* Write a batch out: records strided by the caller's size, then names. */
static int vmastat_maps_copy_out(const struct vmastat_maps_query *q,
				 const struct vmastat_maps_batch *b,
				 u32 done, u32 n, u32 names_used, size_t staged)
{
	size_t ksize = min_t(size_t, q->vma_size, sizeof(struct vmastat_vma));
	size_t tail = q->vma_size - ksize;
	u32 i;

	for (i = 0; i < n; i++) {
		u64 off = (u64)(done + i) * q->vma_size;
		void __user *urec = u64_to_user_ptr(q->vmas + off);

		if (copy_to_user(urec, &b->recs[i], ksize))
			return -EFAULT;
		if (tail && clear_user(urec + ksize, tail))
			return -EFAULT;
	}
	if (staged && copy_to_user(u64_to_user_ptr(q->names + names_used),
				   b->stage, staged))
		return -EFAULT;
	return 0;
}

/*
 * Describe one VMA into the batch.  Returns 0 when added, 1 when it must
 * wait for the next batch (stage full), -ENOSPC when its name does not fit
 * in what is left of the caller's buffer, or -ENAMETOOLONG when no name
 * could fit at all (no record returned yet in this call).
 */
static int vmastat_maps_add(const struct vmastat_maps_query *q,
			    struct vmastat_maps_batch *b,
			    struct vm_area_struct *vma, struct vmastat_vma *rec,
			    u32 names_used, size_t *staged, bool first)
{
	struct vmastat_vma_name name;
	const char *str = NULL;
	size_t room;
	int len = 0;

	if (b->scratch) {
		vmastat_vma_name(vma, &name);
		len = vmastat_vma_name_render(&name, b->scratch, PATH_MAX,
					      &str);
		room = q->names_size - names_used - *staged;
		if (len < 0 || (len && (size_t)len + 1 > room))
			return first ? -ENAMETOOLONG : -ENOSPC;
		if (len && (size_t)len + 1 > b->stage_size - *staged)
			return 1;
	}

	vmastat_vma_fill(vma, rec);
	if (b->snap) {
		vmastat_attr_sum(b->snap, vma->vm_start, vma->vm_end,
				 &rec->faults);
		rec->flags |= VMASTAT_VMA_FAULTS;
	}
	if (len) {
		memcpy(b->stage + *staged, str, len + 1);
		rec->name_off = names_used + *staged;
		rec->name_len = len;
		*staged += len + 1;
	}
	return 0;
}

/*
 * Fill the caller's buffers batch by batch.  On return q->vma_count,
 * q->names_size and q->next hold the results.
 */
static int vmastat_maps_run(struct mm_struct *mm,
			    struct vmastat_maps_query *q,
			    struct vmastat_maps_batch *b)
{
	unsigned long addr = q->start;
	u32 done = 0, names_used = 0;
	bool end = false, stop = false;
	int err;

	while (done < q->vma_count && !end && !stop) {
		struct vm_area_struct *vma;
		size_t staged = 0;
		u32 n = 0;

		err = mmap_read_lock_killable(mm);
		if (err)
			return err;

		while (n < VMASTAT_BATCH && done + n < q->vma_count) {
			vma = find_vma(mm, addr);
			if (b->unmapped && (!vma || vma->vm_start > addr) &&
			    vmastat_attr_unmapped(b->snap, addr,
						  vma ? vma->vm_start : ~0ULL,
						  &b->recs[n])) {
				addr = b->recs[n].end;
				n++;
				continue;
			}
			if (!vma) {
				end = true;
				break;
			}
			err = vmastat_maps_add(q, b, vma, &b->recs[n],
					       names_used, &staged,
					       !done && !n);
			if (err == -ENOSPC) {
				stop = true;
				break;
			}
			if (err < 0) {
				mmap_read_unlock(mm);
				return err;
			}
			if (err)
				break;
			addr = vma->vm_end;
			n++;
			if (mmap_lock_is_contended(mm))
				break;
		}
		/* Say "complete" right away when nothing follows. */
		if (!end && !stop && done + n == q->vma_count &&
		    !find_vma(mm, addr) &&
		    !(b->unmapped && vmastat_attr_unmapped(b->snap, addr, ~0ULL,
							   &b->recs[n])))
			end = true;
		mmap_read_unlock(mm);

		err = vmastat_maps_copy_out(q, b, done, n, names_used, staged);
		if (err)
			return err;
		done += n;
		names_used += staged;
		cond_resched();
	}

	q->next = end ? VMASTAT_MAPS_END : addr;
	q->vma_count = done;
	q->names_size = names_used;
	return 0;
}

static long vmastat_ioctl_maps(void __user *uarg)
{
	struct vmastat_target target = {};
	struct vmastat_attr_snap snap = {};
	struct vmastat_maps_batch b = {};
	struct vmastat_maps_query q;
	struct mm_struct *mm;
	long usize;
	int err;

	usize = vmastat_copy_arg(&q, sizeof(q), VMASTAT_MAPS_QUERY_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (q.flags & ~VMASTAT_MAPS_FLAGS_ALL)
		return -EINVAL;
	if ((q.flags & VMASTAT_MAPS_UNMAPPED) && !(q.flags & VMASTAT_MAPS_FAULTS))
		return -EINVAL;
	/* fault counts asked for but no room for them in the records */
	if ((q.flags & VMASTAT_MAPS_FAULTS) && q.vma_size < VMASTAT_VMA_SIZE_VER1)
		return -EINVAL;
	if (q.pid <= 0 || q.vma_size < VMASTAT_VMA_SIZE_VER0 ||
	    q.vma_size > PAGE_SIZE)
		return -EINVAL;
	if (!q.names)
		q.names_size = 0;

	err = vmastat_target_select(&target, q.pid);
	if (err)
		return err;

	if (q.flags & VMASTAT_MAPS_FAULTS) {
		struct vmastat_tracked *t = vmastat_tracked_get(q.pid);

		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			goto out_release_target;
		}
		err = vmastat_attr_snapshot(t, &snap);
		vmastat_tracked_put(t);
		if (err)
			goto out_release_target;
		b.snap = &snap;
		b.unmapped = q.flags & VMASTAT_MAPS_UNMAPPED;
	}

	/* one more than a batch: room for the "anything left?" look-ahead */
	b.recs = kmalloc_array(VMASTAT_BATCH + 1, sizeof(*b.recs), GFP_KERNEL);
	if (!b.recs) {
		err = -ENOMEM;
		goto out_release_target;
	}
	if (q.names) {
		b.scratch = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!b.scratch) {
			err = -ENOMEM;
			goto out_free_bufs;
		}
		b.stage_size = min_t(size_t, q.names_size, VMASTAT_NAMES_STAGE);
		if (b.stage_size) {
			b.stage = kvmalloc(b.stage_size, GFP_KERNEL);
			if (!b.stage) {
				err = -ENOMEM;
				goto out_free_bufs;
			}
		}
	}

	mm = vmastat_target_get_mm(&target);
	if (IS_ERR(mm)) {
		err = PTR_ERR(mm);
		goto out_free_bufs;
	}
	err = vmastat_maps_run(mm, &q, &b);
	mmput(mm);

	if (!err && copy_to_user(uarg, &q, min_t(size_t, usize, sizeof(q))))
		err = -EFAULT;

out_free_bufs:
	kvfree(b.stage);
	kfree(b.scratch);
	kfree(b.recs);
	vmastat_attr_snapshot_free(&snap);
out_release_target:
	vmastat_target_release(&target);
	return err;
}

static long vmastat_ioctl_status(void __user *uarg)
{
	struct vmastat_target target = {};
	struct vmastat_status st;
	long usize;
	int err;

	usize = vmastat_copy_arg(&st, sizeof(st), VMASTAT_STATUS_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (st.flags)
		return -EINVAL;

	err = vmastat_target_select(&target, st.pid);
	if (err)
		return err;
	err = vmastat_status_fill(&target, &st);
	vmastat_target_release(&target);
	if (err)
		return err;

	if (copy_to_user(uarg, &st, min_t(size_t, usize, sizeof(st))))
		return -EFAULT;
	return 0;
}

static long vmastat_ioctl_summary(void __user *uarg)
{
	struct vmastat_summary sum;
	long usize;

	usize = vmastat_copy_arg(&sum, sizeof(sum), VMASTAT_SUMMARY_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (sum.flags)
		return -EINVAL;
	vmastat_summary_fill(&sum);
	if (copy_to_user(uarg, &sum, min_t(size_t, usize, sizeof(sum))))
		return -EFAULT;
	return 0;
}

/* Copy one record out, zero-filling a caller's larger record. */
static int vmastat_put_rec(u64 base, u32 index, u32 usize, const void *rec,
			   size_t ksize)
{
	void __user *u = u64_to_user_ptr(base + (u64)index * usize);

	ksize = min_t(size_t, ksize, usize);
	if (copy_to_user(u, rec, ksize) || clear_user(u + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

/*
 * @n records of @ksize bytes to the user array at @base, from @index:
 * with one copy when the caller's record size is ours (the usual case: a
 * copy_to_user() per record costs more than the record, with
 * HARDENED_USERCOPY's checks), else record by record.
 */
static int vmastat_put_recs(u64 base, u32 index, u32 usize, const void *recs,
			    unsigned int n, size_t ksize)
{
	unsigned int i;
	int err = 0;

	if (usize == ksize) {
		if (copy_to_user(u64_to_user_ptr(base + (u64)index * usize),
				 recs, (size_t)n * ksize))
			return -EFAULT;
		return 0;
	}
	for (i = 0; i < n && !err; i++)
		err = vmastat_put_rec(base, index + i, usize,
				      recs + (size_t)i * ksize, ksize);
	return err;
}

static long vmastat_ioctl_procs(void __user *uarg)
{
	struct vmastat_procs_query q;
	struct vmastat_proc *recs;
	unsigned int pos, done = 0;
	bool live;
	long usize;
	int err = 0;

	usize = vmastat_copy_arg(&q, sizeof(q), VMASTAT_PROCS_QUERY_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if ((q.flags & ~VMASTAT_PROCS_FLAGS_ALL) || q.pad || q.pid < 0 ||
	    q.proc_size < VMASTAT_PROC_SIZE_VER0 || q.proc_size > PAGE_SIZE)
		return -EINVAL;
	live = q.flags & VMASTAT_PROCS_LIVE;

	if (q.pid) {
		struct vmastat_proc rec;

		if (q.start == VMASTAT_MAPS_END) {
			q.count = 0;
		} else {
			err = vmastat_proc_get(q.pid, &rec);
			if (!err && live && (rec.flags & VMASTAT_PROC_EXITED))
				err = -ESRCH;
			if (err)
				return err;
			if (q.count) {
				err = vmastat_put_rec(q.procs, 0, q.proc_size,
						      &rec, sizeof(rec));
				if (err)
					return err;
				q.count = 1;
			}
		}
		q.next = q.count ? VMASTAT_MAPS_END : q.start;
		goto out_copy;
	}

	if (q.start >= U32_MAX) {
		q.count = 0;
		q.next = VMASTAT_MAPS_END;
		goto out_copy;
	}
	recs = kmalloc_array(VMASTAT_PROCS_CHUNK, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	pos = q.start;
	while (done < q.count) {
		unsigned int n = 0;

		while (n < VMASTAT_PROCS_CHUNK && done + n < q.count &&
		       vmastat_proc_next(&pos, 0, live, &recs[n]))
			n++;
		err = vmastat_put_recs(q.procs, done, q.proc_size, recs, n,
				       sizeof(*recs));
		done += n;
		if (err || n < VMASTAT_PROCS_CHUNK)
			break;
		cond_resched();
	}
	if (!err) {
		/* Look ahead so that a complete listing says so. */
		unsigned int p = pos;

		q.count = done;
		q.next = vmastat_proc_next(&p, 0, live, recs) ? pos :
			 VMASTAT_MAPS_END;
	}
	kfree(recs);
	if (err)
		return err;

out_copy:
	if (copy_to_user(uarg, &q, min_t(size_t, usize, sizeof(q))))
		return -EFAULT;
	return 0;
}

static long vmastat_ioctl_track(unsigned int cmd, void __user *uarg)
{
	struct vmastat_track tr;
	long usize;

	usize = vmastat_copy_arg(&tr, sizeof(tr), VMASTAT_TRACK_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (tr.pid < 0)
		return -EINVAL;

	switch (cmd) {
	case VMASTAT_IOC_TRACK:
		if ((tr.flags & ~VMASTAT_TRACK_FLAGS_ALL) || !tr.pid)
			return -EINVAL;
		if (tr.granule_shift && (tr.granule_shift < PAGE_SHIFT ||
					 tr.granule_shift > PMD_SHIFT))
			return -EINVAL;
		return vmastat_track(tr.pid, tr.flags & VMASTAT_TRACK_CHILDREN,
				     tr.granule_shift);
	case VMASTAT_IOC_UNTRACK:
		if (tr.flags || tr.granule_shift)
			return -EINVAL;
		return vmastat_untrack(tr.pid);
	default:
		if (tr.flags || tr.granule_shift)
			return -EINVAL;
		return vmastat_reset(tr.pid);
	}
}

static long vmastat_ioctl_hist(void __user *uarg)
{
	struct vmastat_hist_query *q;
	struct vmastat_tracked *t;
	long usize;
	int err = 0;

	q = kmalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	usize = vmastat_copy_arg(q, sizeof(*q), VMASTAT_HIST_QUERY_SIZE_VER0,
				 uarg);
	if (usize < 0) {
		err = usize;
		goto out_free;
	}
	if (q->flags || q->pid <= 0) {
		err = -EINVAL;
		goto out_free;
	}
	t = vmastat_tracked_get(q->pid);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out_free;
	}
	vmastat_hist_fill(t, &q->hist[0][0][0]);
	vmastat_tracked_put(t);
	q->nr_buckets = VMASTAT_HIST_BUCKETS;
	if (copy_to_user(uarg, q, min_t(size_t, usize, sizeof(*q))))
		err = -EFAULT;
out_free:
	kfree(q);
	return err;
}

static long vmastat_ioctl_events(void __user *uarg)
{
	struct vmastat_events_query q;
	struct vmastat_tracked *t;
	struct vmastat_event *ev;
	unsigned int done = 0;
	long usize;
	int err = 0;

	usize = vmastat_copy_arg(&q, sizeof(q), VMASTAT_EVENTS_QUERY_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if ((q.flags & ~VMASTAT_EVENTS_FLAGS_ALL) || q.pad || q.pid <= 0 ||
	    q.event_size < VMASTAT_EVENT_SIZE_VER0 || q.event_size > PAGE_SIZE)
		return -EINVAL;

	t = vmastat_tracked_get(q.pid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	ev = kmalloc_array(VMASTAT_EVENTS_CHUNK, sizeof(*ev), GFP_KERNEL);
	if (!ev) {
		err = -ENOMEM;
		goto out_put;
	}
	while (done < q.count) {
		bool wait = !done && (q.flags & VMASTAT_EVENTS_WAIT);
		int n;

		n = vmastat_events_take(t, ev, min_t(u32, q.count - done,
						     VMASTAT_EVENTS_CHUNK),
					wait, &q.drops);
		if (n < 0) {
			if (!done)
				err = n;
			break;
		}
		/*
		 * Events taken are gone: a caller that passes a bad buffer
		 * loses them, and only it.
		 */
		err = vmastat_put_recs(q.events, done, q.event_size, ev, n,
				       sizeof(*ev));
		done += n;
		if (err || n < VMASTAT_EVENTS_CHUNK)
			break;
	}
	kfree(ev);
	if (!err && !q.count)
		q.drops = vmastat_events_drops(t);
	if (!err) {
		q.count = done;
		if (copy_to_user(uarg, &q, min_t(size_t, usize, sizeof(q))))
			err = -EFAULT;
	}
out_put:
	vmastat_tracked_put(t);
	return err;
}

/* ---- VMASTAT_IOC_EVENTS_MAP: the rings, mapped ---------------------------- */

static int vmastat_rings_file_mmap(struct file *file,
				   struct vm_area_struct *vma)
{
	return vmastat_rings_mmap(file->private_data, vma);
}

static __poll_t vmastat_rings_file_poll(struct file *file, poll_table *pt)
{
	return vmastat_events_poll(file->private_data, file, pt);
}

static int vmastat_rings_file_release(struct inode *inode, struct file *file)
{
	struct vmastat_tracked *t = file->private_data;

	vmastat_rings_unclaim(t);
	vmastat_tracked_put(t);
	return 0;
}

static const struct file_operations vmastat_rings_fops = {
	.owner		= THIS_MODULE,
	.mmap		= vmastat_rings_file_mmap,
	.poll		= vmastat_rings_file_poll,
	.release	= vmastat_rings_file_release,
	.llseek		= noop_llseek,
};

static long vmastat_ioctl_events_map(void __user *uarg)
{
	struct vmastat_events_map q;
	struct vmastat_tracked *t;
	struct file *file;
	long usize;
	int fd, err;

	usize = vmastat_copy_arg(&q, sizeof(q), VMASTAT_EVENTS_MAP_SIZE_VER0,
				 uarg);
	if (usize < 0)
		return usize;
	if (q.flags || q.pid <= 0)
		return -EINVAL;
	/* the rings hold TIDs as the initial namespace numbers them */
	if (task_active_pid_ns(current) != &init_pid_ns)
		return -EOPNOTSUPP;

	t = vmastat_tracked_get(q.pid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	err = vmastat_rings_claim(t, &q);
	if (err)
		goto out_put;
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_unclaim;
	}
	/* the file owns the claim and the reference from here on */
	file = anon_inode_getfile("[vmastat-events]", &vmastat_rings_fops, t,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_put_fd;
	}
	q.fd = fd;
	if (copy_to_user(uarg, &q, min_t(size_t, usize, sizeof(q)))) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;

out_put_fd:
	put_unused_fd(fd);
out_unclaim:
	vmastat_rings_unclaim(t);
out_put:
	vmastat_tracked_put(t);
	return err;
}

static long vmastat_query_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VMASTAT_IOC_MAPS:
		return vmastat_ioctl_maps(uarg);
	case VMASTAT_IOC_STATUS:
		return vmastat_ioctl_status(uarg);
	case VMASTAT_IOC_SUMMARY:
		return vmastat_ioctl_summary(uarg);
	case VMASTAT_IOC_PROCS:
		return vmastat_ioctl_procs(uarg);
	case VMASTAT_IOC_TRACK:
	case VMASTAT_IOC_UNTRACK:
	case VMASTAT_IOC_RESET:
		return vmastat_ioctl_track(cmd, uarg);
	case VMASTAT_IOC_HIST:
		return vmastat_ioctl_hist(uarg);
	case VMASTAT_IOC_EVENTS:
		return vmastat_ioctl_events(uarg);
	case VMASTAT_IOC_EVENTS_MAP:
		return vmastat_ioctl_events_map(uarg);
	default:
		return -ENOTTY;
	}
}

static int vmastat_query_open(struct inode *inode, struct file *file)
{
	int err;

	err = vmastat_may_open();
	if (err)
		return err;
	return nonseekable_open(inode, file);
}

const struct file_operations vmastat_query_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_query_open,
	.unlocked_ioctl	= vmastat_query_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
