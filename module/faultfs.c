// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The text files of the fault accounting:
 *
 *   faults	one line per process in the table (0400)
 *   summary	the global counters, "key value" lines (0400)
 *   track	write "PID", "PID children" or "-PID"; read the tracked (0600)
 *   reset	write a PID or "all" (0200)
 *   events	write a PID, then read its faults as they come, like
 *		trace_pipe: blocking (unless O_NONBLOCK), pollable (0600)
 *   hist	write a PID, then read its latency histograms (0600)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fault.h"
#include "vmastat.h"

/* longest line written to track/reset, newline included */
#define VMASTAT_CMD_MAX		32
/* events formatted per read() */
#define VMASTAT_EVENTS_PER_READ	16
/* room for one formatted event line */
#define VMASTAT_EVENT_LINE	192

static const char * const vmastat_fk_names[VMASTAT_FK_MAX] = {
	"anon", "file", "shmem", "other"
};

static const char * const vmastat_access_names[] = {
	"read", "write", "exec"
};

static const char * const vmastat_outcome_names[] = {
	"minor", "major", "retry", "segv", "sigbus", "oom"
};

/* struct vmastat_fault_counts, in order, as the text files name it */
static const char * const vmastat_count_names[] = {
	"minor", "major", "retry", "segv", "sigbus", "oom",
	"anon_minor", "anon_major", "file_minor", "file_major",
	"shmem_minor", "shmem_major", "other_minor", "other_major",
	"read", "write", "exec", "gup_minor", "gup_major", "remote",
	"cow", "swapin", "thp",
};

static_assert(ARRAY_SIZE(vmastat_count_names) ==
	      offsetof(struct vmastat_fault_counts, pad) / sizeof(u64));

static u64 vmastat_count(const struct vmastat_fault_counts *c, unsigned int i)
{
	return ((const u64 *)c)[i];
}

static int vmastat_faults_show(struct seq_file *m, void *v)
{
	struct vmastat_proc *rec;
	unsigned int pos = 0, i;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	seq_puts(m, "pid state track minor major retry segv sigbus oom anon_min anon_maj file_min file_maj shmem_min shmem_maj other_min other_maj read write exec gup_min gup_maj remote cow swapin thp comm\n");
	while (vmastat_proc_next(&pos, 0, false, rec)) {
		const struct vmastat_fault_counts *c = &rec->counts;

		seq_printf(m, "%d %s %s", rec->pid,
			   rec->flags & VMASTAT_PROC_EXITED ? "exited" : "live",
			   !(rec->flags & VMASTAT_PROC_TRACKED) ? "no" :
			   rec->flags & VMASTAT_PROC_CHILDREN ? "children" :
			   "yes");
		for (i = 0; i < ARRAY_SIZE(vmastat_count_names); i++)
			seq_printf(m, " %llu", vmastat_count(c, i));
		seq_printf(m, " %s\n", rec->comm);
		if (seq_has_overflowed(m))
			break;
	}
	kfree(rec);
	return 0;
}

static int vmastat_summary_show(struct seq_file *m, void *v)
{
	struct vmastat_summary sum;
	const struct vmastat_fault_counts *c = &sum.total;
	unsigned int i;

	vmastat_summary_fill(&sum);
	seq_printf(m, "hits %llu\n", sum.hits);
	seq_printf(m, "missed %llu\n", sum.missed);
	seq_printf(m, "maxactive %u\n", sum.maxactive);
	seq_printf(m, "max_procs %u\n", sum.max_procs);
	seq_printf(m, "nr_live %u\n", sum.nr_live);
	seq_printf(m, "nr_exited %u\n", sum.nr_exited);
	seq_printf(m, "nr_tracked %u\n", sum.nr_tracked);
	seq_printf(m, "max_tracked %u\n", sum.max_tracked);
	seq_printf(m, "unlisted %llu\n", sum.unlisted);
	seq_printf(m, "evicted %llu\n", sum.evicted);
	seq_printf(m, "table_full %llu\n", sum.table_full);
	seq_printf(m, "event_drops %llu\n", sum.event_drops);
	seq_printf(m, "unattributed %llu\n", sum.unattributed);
	seq_printf(m, "reset_ns %llu\n", sum.reset_ns);
	seq_printf(m, "children_late %llu\n", sum.children_late);
	seq_printf(m, "mem_bytes %llu\n", sum.mem_bytes);
	seq_printf(m, "marks_lost %lu\n", vmastat_marks_lost_read());
	for (i = 0; i < ARRAY_SIZE(vmastat_count_names); i++)
		seq_printf(m, "total_%s %llu\n", vmastat_count_names[i],
			   vmastat_count(c, i));
	return 0;
}

static int vmastat_track_show(struct seq_file *m, void *v)
{
	struct vmastat_proc *rec;
	unsigned int pos = 0;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	while (vmastat_proc_next(&pos, 0, false, rec)) {
		if (!(rec->flags & VMASTAT_PROC_TRACKED))
			continue;
		seq_printf(m, "%d %s%s %s\n", rec->pid,
			   rec->flags & VMASTAT_PROC_EXITED ? "exited" : "live",
			   rec->flags & VMASTAT_PROC_CHILDREN ? " children" : "",
			   rec->comm);
	}
	kfree(rec);
	return 0;
}

#define VMASTAT_SINGLE_OPEN(name)					\
static int vmastat_##name##_open(struct inode *inode, struct file *file) \
{									\
	int err = vmastat_may_open();					\
									\
	if (err)							\
		return err;						\
	return single_open(file, vmastat_##name##_show, NULL);		\
}

VMASTAT_SINGLE_OPEN(faults)
VMASTAT_SINGLE_OPEN(summary)
VMASTAT_SINGLE_OPEN(track)

/* Copy a short command written to track or reset, trimmed. */
static int vmastat_get_cmd(char *buf, const char __user *ubuf, size_t count)
{
	if (!count || count >= VMASTAT_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return 0;
}

static int vmastat_parse_nr(const char *s, pid_t *nr)
{
	int val;

	if (kstrtoint(s, 10, &val) || val <= 0)
		return -EINVAL;
	*nr = val;
	return 0;
}

static ssize_t vmastat_track_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[VMASTAT_CMD_MAX], *cmd, *word;
	bool children = false;
	pid_t nr;
	int err;

	err = vmastat_get_cmd(buf, ubuf, count);
	if (err)
		return err;
	cmd = strim(buf);
	if (*cmd == '-') {
		if (!strcmp(cmd + 1, "all"))
			err = vmastat_untrack(0);
		else
			err = vmastat_parse_nr(cmd + 1, &nr) ?:
			      vmastat_untrack(nr);
		return err ?: count;
	}
	word = strsep(&cmd, " \t");
	err = vmastat_parse_nr(word, &nr);
	if (err)
		return err;
	if (cmd) {
		cmd = skip_spaces(cmd);
		if (strcmp(cmd, "children"))
			return -EINVAL;
		children = true;
	}
	err = vmastat_track(nr, children, 0);
	return err ?: count;
}

static ssize_t vmastat_reset_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[VMASTAT_CMD_MAX], *cmd;
	pid_t nr = 0;
	int err;

	err = vmastat_get_cmd(buf, ubuf, count);
	if (err)
		return err;
	cmd = strim(buf);
	if (strcmp(cmd, "all")) {
		err = vmastat_parse_nr(cmd, &nr);
		if (err)
			return err;
	}
	err = vmastat_reset(nr);
	return err ?: count;
}

static int vmastat_reset_open(struct inode *inode, struct file *file)
{
	int err = vmastat_may_open();

	if (err)
		return err;
	return nonseekable_open(inode, file);
}

/* ---- events and hist: per-open target ----------------------------------- */

/**
 * struct vmastat_stream - an open events or hist file
 * @lock:	serialises read, write and poll on this file
 * @t:		the selected tracked process, NULL before a PID was written
 * @nr:		its PID as written
 * @ev:		events taken, being formatted
 * @buf:	formatted text not yet read
 * @len:	bytes in @buf
 * @off:	bytes of @buf already read
 * @drops:	drops reported so far
 * @watching:	poll() asked @t for wake-ups
 */
struct vmastat_stream {
	struct mutex lock;	/* see above */
	struct vmastat_tracked *t;
	pid_t nr;
	struct vmastat_event ev[VMASTAT_EVENTS_PER_READ];
	char buf[VMASTAT_EVENTS_PER_READ * VMASTAT_EVENT_LINE];
	size_t len;
	size_t off;
	u64 drops;
	bool watching;
};

/* Drop the selected process.  Called with st->lock held, or at release. */
static struct vmastat_tracked *vmastat_stream_unselect(struct vmastat_stream *st)
{
	struct vmastat_tracked *t = st->t;

	if (t && st->watching)
		vmastat_events_watch(t, false);
	st->watching = false;
	st->t = NULL;
	return t;
}

static int vmastat_stream_open(struct inode *inode, struct file *file)
{
	struct vmastat_stream *st;
	int err;

	err = vmastat_may_open();
	if (err)
		return err;
	st = kvzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	mutex_init(&st->lock);
	file->private_data = st;
	return nonseekable_open(inode, file);
}

static int vmastat_stream_release(struct inode *inode, struct file *file)
{
	struct vmastat_stream *st = file->private_data;
	struct vmastat_tracked *t = vmastat_stream_unselect(st);

	if (t)
		vmastat_tracked_put(t);
	kvfree(st);
	return 0;
}

static ssize_t vmastat_stream_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	struct vmastat_stream *st = file->private_data;
	struct vmastat_tracked *t = NULL, *old;
	pid_t nr;
	int err;

	err = vmastat_parse_pid(ubuf, count, &nr);
	if (!err) {
		t = vmastat_tracked_get(nr);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			t = NULL;
		}
	}
	/* A failed write leaves nothing selected: reads then fail. */
	mutex_lock(&st->lock);
	old = vmastat_stream_unselect(st);
	st->t = t;
	st->nr = t ? nr : 0;
	st->len = 0;
	st->off = 0;
	st->drops = 0;
	mutex_unlock(&st->lock);
	if (old)
		vmastat_tracked_put(old);
	return err ?: count;
}

static size_t vmastat_format_event(char *buf, size_t size,
				   const struct vmastat_event *e)
{
	size_t n;

	n = scnprintf(buf, size, "%llu %d %u 0x%llx 0x%llx %s %s %s %llu",
		      e->time_ns, e->tid, e->cpu, e->address, e->ip,
		      e->kind < VMASTAT_FK_MAX ? vmastat_fk_names[e->kind] : "?",
		      e->access < ARRAY_SIZE(vmastat_access_names) ?
		      vmastat_access_names[e->access] : "?",
		      e->outcome < ARRAY_SIZE(vmastat_outcome_names) ?
		      vmastat_outcome_names[e->outcome] : "?",
		      e->latency_ns);
	if (!e->flags)
		n += scnprintf(buf + n, size - n, " -");
	if (e->flags & VMASTAT_EV_GUP)
		n += scnprintf(buf + n, size - n, " gup");
	if (e->flags & VMASTAT_EV_REMOTE)
		n += scnprintf(buf + n, size - n, " remote");
	if (e->flags & VMASTAT_EV_COW)
		n += scnprintf(buf + n, size - n, " cow");
	if (e->flags & VMASTAT_EV_SWAPIN)
		n += scnprintf(buf + n, size - n, " swapin");
	if (e->flags & VMASTAT_EV_THP)
		n += scnprintf(buf + n, size - n, " thp");
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

static ssize_t vmastat_events_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct vmastat_stream *st = file->private_data;
	ssize_t ret;
	u64 drops;
	int n, i;

	if (mutex_lock_interruptible(&st->lock))
		return -EINTR;
	if (!st->t) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (st->off == st->len) {
		st->off = 0;
		st->len = 0;
		n = vmastat_events_take(st->t, st->ev, VMASTAT_EVENTS_PER_READ,
					!(file->f_flags & O_NONBLOCK), &drops);
		if (n < 0) {
			ret = n == -ESRCH ? 0 : n;	/* untracked: EOF */
			goto out_unlock;
		}
		if (!n) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		if (drops < st->drops)		/* counters were reset */
			st->drops = 0;
		if (drops != st->drops) {
			st->len += scnprintf(st->buf, sizeof(st->buf),
					     "# %llu events dropped\n",
					     drops - st->drops);
			st->drops = drops;
		}
		for (i = 0; i < n; i++)
			st->len += vmastat_format_event(st->buf + st->len,
							sizeof(st->buf) - st->len,
							&st->ev[i]);
	}
	ret = min(count, st->len - st->off);
	if (copy_to_user(ubuf, st->buf + st->off, ret)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	st->off += ret;
out_unlock:
	mutex_unlock(&st->lock);
	return ret;
}

static __poll_t vmastat_events_poll_file(struct file *file, poll_table *pt)
{
	struct vmastat_stream *st = file->private_data;
	struct vmastat_tracked *t;
	__poll_t mask;

	mutex_lock(&st->lock);
	t = st->t;
	if (!t) {
		mutex_unlock(&st->lock);
		return EPOLLERR;
	}
	if (st->off < st->len) {
		mutex_unlock(&st->lock);
		return EPOLLIN | EPOLLRDNORM;
	}
	if (!st->watching) {
		vmastat_events_watch(t, true);
		st->watching = true;
	}
	mask = vmastat_events_poll(t, file, pt);
	mutex_unlock(&st->lock);
	return mask;
}

static ssize_t vmastat_hist_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct vmastat_stream *st = file->private_data;
	u64 *hist = NULL;
	ssize_t ret;
	char *text;
	size_t len = 0, size = PAGE_SIZE * 4;
	int k, mj, b;

	text = kvmalloc(size, GFP_KERNEL);
	hist = kmalloc_array(VMASTAT_FK_MAX * 2 * VMASTAT_HIST_BUCKETS,
			     sizeof(*hist), GFP_KERNEL);
	if (!text || !hist) {
		ret = -ENOMEM;
		goto out_free;
	}
	mutex_lock(&st->lock);
	if (!st->t) {
		mutex_unlock(&st->lock);
		ret = -EINVAL;
		goto out_free;
	}
	vmastat_hist_fill(st->t, hist);
	mutex_unlock(&st->lock);

	for (k = 0; k < VMASTAT_FK_MAX; k++) {
		for (mj = 0; mj < 2; mj++) {
			const u64 *h = hist + (k * 2 + mj) * VMASTAT_HIST_BUCKETS;
			u64 total = 0;

			for (b = 0; b < VMASTAT_HIST_BUCKETS; b++)
				total += h[b];
			if (!total)
				continue;
			len += scnprintf(text + len, size - len,
					 "%s %s %llu\n", vmastat_fk_names[k],
					 mj ? "major" : "minor", total);
			for (b = 0; b < VMASTAT_HIST_BUCKETS; b++) {
				if (!h[b])
					continue;
				len += scnprintf(text + len, size - len,
						 "  %llu %llu %llu\n",
						 b ? 1ULL << b : 0ULL,
						 (2ULL << b) - 1, h[b]);
			}
		}
	}
	ret = simple_read_from_buffer(ubuf, count, ppos, text, len);
out_free:
	kfree(hist);
	kvfree(text);
	return ret;
}

static ssize_t vmastat_hist_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	ssize_t ret = vmastat_stream_write(file, ubuf, count, ppos);

	*ppos = 0;
	return ret;
}

const struct file_operations vmastat_faults_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_faults_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

const struct file_operations vmastat_summary_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_summary_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

const struct file_operations vmastat_track_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_track_open,
	.read		= seq_read,
	.write		= vmastat_track_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

const struct file_operations vmastat_reset_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_reset_open,
	.write		= vmastat_reset_write,
};

const struct file_operations vmastat_events_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_stream_open,
	.read		= vmastat_events_read,
	.write		= vmastat_stream_write,
	.poll		= vmastat_events_poll_file,
	.release	= vmastat_stream_release,
};

const struct file_operations vmastat_hist_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_stream_open,
	.read		= vmastat_hist_read,
	.write		= vmastat_hist_write,
	.llseek		= default_llseek,
	.release	= vmastat_stream_release,
};
