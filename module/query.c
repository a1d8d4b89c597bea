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

#include <linux/compat.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vmastat.h"

/* VMAs described per mmap lock hold */
#define VMASTAT_BATCH		64
/* Kernel staging for one batch's names; at least one PATH_MAX name fits. */
#define VMASTAT_NAMES_STAGE	(16 * 1024)

static_assert(sizeof(struct vmastat_vma) == VMASTAT_VMA_SIZE_VER0);
static_assert(sizeof(struct vmastat_maps_query) == VMASTAT_MAPS_QUERY_SIZE_VER0);
static_assert(sizeof(struct vmastat_status) == VMASTAT_STATUS_SIZE_VER0);
static_assert(VMASTAT_NAMES_STAGE >= PATH_MAX);

/**
 * struct vmastat_maps_batch - kernel-side buffers of one VMASTAT_IOC_MAPS
 * @recs:	records of the current batch
 * @stage:	their names, NUL-terminated, back to back
 * @stage_size:	size of @stage (0, @stage NULL: no room for names)
 * @scratch:	where one name is rendered (PATH_MAX bytes); NULL when the
 *		caller asked for no names
 */
struct vmastat_maps_batch {
	struct vmastat_vma *recs;
	char *stage;
	size_t stage_size;
	char *scratch;
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
		    !find_vma(mm, addr))
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
	if (q.pid <= 0 || q.vma_size < VMASTAT_VMA_SIZE_VER0 ||
	    q.vma_size > PAGE_SIZE)
		return -EINVAL;
	if (!q.names)
		q.names_size = 0;

	err = vmastat_target_select(&target, q.pid);
	if (err)
		return err;

	b.recs = kmalloc_array(VMASTAT_BATCH, sizeof(*b.recs), GFP_KERNEL);
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

static long vmastat_query_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VMASTAT_IOC_MAPS:
		return vmastat_ioctl_maps(uarg);
	case VMASTAT_IOC_STATUS:
		return vmastat_ioctl_status(uarg);
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
