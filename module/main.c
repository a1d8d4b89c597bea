// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * Module entry points and the debugfs directory:
 *
 *   /sys/kernel/debug/vmastat/version	module and ABI version
 *   /sys/kernel/debug/vmastat/maps	write a PID, read its VMAs
 *   /sys/kernel/debug/vmastat/status	write a PID, read its totals
 *   /sys/kernel/debug/vmastat/query	ioctls (uapi/linux/vmastat.h)
 *   /sys/kernel/debug/vmastat/faults	per-process fault counters
 *   /sys/kernel/debug/vmastat/summary	global counters, missed probe hits
 *   /sys/kernel/debug/vmastat/track	choose the processes tracked per VMA
 *   /sys/kernel/debug/vmastat/reset	zero counters
 *   /sys/kernel/debug/vmastat/events	a tracked process's faults, live
 *   /sys/kernel/debug/vmastat/hist	its latency histograms
 *
 * All files are root-only and opening them needs CAP_SYS_PTRACE as well.
 * They are created with debugfs_create_file_unsafe(): the files keep no
 * per-file data in the inode, every open pins the module through
 * fops->owner, and the real file_operations (compat_ioctl included) are
 * used directly instead of debugfs's proxy, which has no compat_ioctl.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "fault.h"
#include "vmastat.h"

static struct dentry *vmastat_dir;

static int vmastat_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "vmastat %s abi %d\n", VMASTAT_VERSION,
		   VMASTAT_ABI_VERSION);
	return 0;
}

static int vmastat_version_open(struct inode *inode, struct file *file)
{
	int err;

	err = vmastat_may_open();
	if (err)
		return err;
	return single_open(file, vmastat_version_show, NULL);
}

/* Read-only and without ioctls, so still readable under lockdown. */
static const struct file_operations vmastat_version_fops = {
	.owner		= THIS_MODULE,
	.open		= vmastat_version_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} vmastat_files[] = {
	{ "version",	0400,	&vmastat_version_fops },
	{ "maps",	0600,	&vmastat_maps_fops },
	{ "status",	0600,	&vmastat_status_fops },
	{ "query",	0400,	&vmastat_query_fops },
	{ "faults",	0400,	&vmastat_faults_fops },
	{ "summary",	0400,	&vmastat_summary_fops },
	{ "track",	0600,	&vmastat_track_fops },
	{ "reset",	0200,	&vmastat_reset_fops },
	{ "events",	0600,	&vmastat_events_fops },
	{ "hist",	0600,	&vmastat_hist_fops },
};

static int __init vmastat_init(void)
{
	struct dentry *file;
	int err;
	int i;

	err = vmastat_fault_init();
	if (err)
		return err;

	vmastat_dir = debugfs_create_dir(VMASTAT_DEBUGFS_DIR, NULL);
	if (IS_ERR(vmastat_dir)) {
		err = PTR_ERR(vmastat_dir);
		goto err_fault_exit;
	}

	for (i = 0; i < ARRAY_SIZE(vmastat_files); i++) {
		file = debugfs_create_file_unsafe(vmastat_files[i].name,
						  vmastat_files[i].mode,
						  vmastat_dir, NULL,
						  vmastat_files[i].fops);
		if (IS_ERR(file)) {
			err = PTR_ERR(file);
			goto err_remove_dir;
		}
	}

	pr_info("version %s loaded\n", VMASTAT_VERSION);
	return 0;

err_remove_dir:
	debugfs_remove(vmastat_dir);
err_fault_exit:
	vmastat_fault_exit();
	return err;
}

static void __exit vmastat_exit(void)
{
	debugfs_remove(vmastat_dir);
	vmastat_fault_exit();
}

module_init(vmastat_init);
module_exit(vmastat_exit);

MODULE_DESCRIPTION("Per-VMA residency and page-fault accounting, via debugfs");
MODULE_AUTHOR("The vmastat authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMASTAT_VERSION);
