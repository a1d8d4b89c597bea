// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * From a PID to the process's address space, with the errors the module
 * documents: EINVAL for a bad PID, ESRCH for no process or no address space
 * (any more), EOPNOTSUPP for kernel threads.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vmastat.h"

/* Longest PID write accepted: digits plus some whitespace. */
#define VMASTAT_PID_MAX_WRITE	32

/**
 * vmastat_may_open() - check that the caller may open a vmastat file
 *
 * The files show any process's memory layout, as /proc/PID/maps would to
 * a tracer, so opening them needs CAP_SYS_PTRACE on top of the root-only
 * file modes.
 *
 * Return: 0 if allowed, -EPERM if not.
 */
int vmastat_may_open(void)
{
	return capable(CAP_SYS_PTRACE) ? 0 : -EPERM;
}

/**
 * vmastat_parse_pid() - parse a PID written to a vmastat file
 * @ubuf:	user buffer holding the PID in decimal
 * @count:	its length
 * @nr:	where to store the PID
 *
 * Leading and trailing whitespace (a newline from echo) is ignored.
 *
 * Return: 0 on success, -EINVAL for anything that is not a positive
 * decimal number of at most %VMASTAT_PID_MAX_WRITE bytes, -EFAULT if
 * @ubuf cannot be read.
 */
int vmastat_parse_pid(const char __user *ubuf, size_t count, pid_t *nr)
{
	char buf[VMASTAT_PID_MAX_WRITE + 1];
	int val;

	if (!count || count > VMASTAT_PID_MAX_WRITE)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	if (kstrtoint(strim(buf), 10, &val) || val <= 0)
		return -EINVAL;
	*nr = val;
	return 0;
}

/**
 * vmastat_target_select() - look a process up by PID and pin its mm
 * @t:	target to fill; untouched on failure
 * @nr:	PID (or thread ID) in the caller's PID namespace
 *
 * Like proc_mem_open(), this keeps the mm_struct itself (mmgrab()) but not
 * the address space: a process that exits or execs after this is reported
 * as gone by vmastat_target_get_mm().  Release with
 * vmastat_target_release().
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL (@nr <= 0), -ESRCH (no such process, or it has no
 * address space any more) or -EOPNOTSUPP (a kernel thread).
 */
int vmastat_target_select(struct vmastat_target *t, pid_t nr)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	int err;

	if (nr <= 0)
		return -EINVAL;

	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;

	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		err = -ESRCH;
		goto err_put_pid;
	}
	if (task->flags & PF_KTHREAD) {
		err = -EOPNOTSUPP;
		goto err_put_task;
	}
	mm = get_task_mm(task);
	if (!mm) {
		err = -ESRCH;
		goto err_put_task;
	}
	mmgrab(mm);
	mmput(mm);
	put_task_struct(task);

	t->nr = nr;
	t->pid = pid;
	t->mm = mm;
	return 0;

err_put_task:
	put_task_struct(task);
err_put_pid:
	put_pid(pid);
	return err;
}

/**
 * vmastat_target_release() - drop what vmastat_target_select() took
 * @t:	target; may be one that was never selected (all zero)
 *
 * Leaves @t empty.
 */
void vmastat_target_release(struct vmastat_target *t)
{
	if (t->mm)
		mmdrop(t->mm);
	put_pid(t->pid);
	memset(t, 0, sizeof(*t));
}

/**
 * vmastat_target_get_mm() - get a usable reference on the target's mm
 * @t:	a selected target
 *
 * Return: the mm with its user count raised (drop it with mmput()),
 * ERR_PTR(-EINVAL) if no target was selected, or ERR_PTR(-ESRCH) if the
 * address space is gone (the process exited or exec'd).
 */
struct mm_struct *vmastat_target_get_mm(const struct vmastat_target *t)
{
	if (!t->mm)
		return ERR_PTR(-EINVAL);
	if (!mmget_not_zero(t->mm))
		return ERR_PTR(-ESRCH);
	return t->mm;
}

/**
 * vmastat_status_fill() - the process-wide numbers of a target
 * @t:	a selected target
 * @st:	filled from @nr_vmas on (the caller's @size, @flags and @pid stay)
 *
 * The counters are the ones /proc/PID/status prints, read the same way;
 * the layout fields are read under the mmap lock so that they agree with
 * each other.
 *
 * Context: process context; takes the target's mmap lock for reading.
 * Return: 0, -EINVAL (no target), -ESRCH (process or address space gone)
 * or -EINTR (fatal signal while waiting for the mmap lock).
 */
int vmastat_status_fill(const struct vmastat_target *t,
			struct vmastat_status *st)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int err;

	mm = vmastat_target_get_mm(t);
	if (IS_ERR(mm))
		return PTR_ERR(mm);

	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task) {
		err = -ESRCH;
		goto err_put_mm;
	}
	memset(st->comm, 0, sizeof(st->comm));
	__get_task_comm(st->comm, sizeof(st->comm), task);
	put_task_struct(task);

	err = mmap_read_lock_killable(mm);
	if (err)
		goto err_put_mm;

	st->nr_vmas = mm->map_count;
	st->vsz = (u64)mm->total_vm << PAGE_SHIFT;
	st->rss_anon = (u64)vmastat_mm_counter(mm, MM_ANONPAGES) << PAGE_SHIFT;
	st->rss_file = (u64)vmastat_mm_counter(mm, MM_FILEPAGES) << PAGE_SHIFT;
	st->rss_shmem = (u64)vmastat_mm_counter(mm, MM_SHMEMPAGES) << PAGE_SHIFT;
	st->swap = (u64)vmastat_mm_counter(mm, MM_SWAPENTS) << PAGE_SHIFT;
	st->start_code = mm->start_code;
	st->end_code = mm->end_code;
	st->start_data = mm->start_data;
	st->end_data = mm->end_data;
	st->start_brk = mm->start_brk;
	st->brk = mm->brk;
	st->start_stack = mm->start_stack;
	st->mmap_base = mm->mmap_base;
	st->task_size = mm->task_size;

	mmap_read_unlock(mm);
	mmput(mm);
	return 0;

err_put_mm:
	mmput(mm);
	return err;
}
