/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * Declarations shared by the module's source files.
 */
#ifndef _VMASTAT_H
#define _VMASTAT_H

#include <linux/fs.h>
#include <linux/types.h>
#include <linux/vmastat.h>

struct mm_struct;
struct path;
struct pid;
struct task_struct;
struct vm_area_struct;

#define VMASTAT_VERSION		"0.1.0"

/**
 * struct vmastat_target - the process an open file is looking at
 * @nr:		the PID as the caller gave it (in the caller's PID namespace)
 * @pid:	reference on the process's struct pid; NULL when none selected
 * @mm:		its address space at selection time, pinned with mmgrab() (the
 *		struct stays, the mappings may go away when the process exits)
 */
struct vmastat_target {
	pid_t nr;
	struct pid *pid;
	struct mm_struct *mm;
};

int vmastat_may_open(void);

int vmastat_parse_pid(const char __user *ubuf, size_t count, pid_t *nr);
int vmastat_target_select(struct vmastat_target *t, pid_t nr);
void vmastat_target_release(struct vmastat_target *t);
struct mm_struct *vmastat_target_get_mm(const struct vmastat_target *t);
int vmastat_status_fill(const struct vmastat_target *t,
			struct vmastat_status *st);

/**
 * struct vmastat_vma_name - what /proc/PID/maps prints last for a VMA
 * @path:	the backing file's path, printed escaped (text) or raw (ioctl);
 *		when set, @prefix and @str are unused
 * @prefix:	NULL, or "[anon:" etc.: the name is @prefix @str "]"
 * @str:	the name, e.g. "[heap]"; NULL with @path NULL: no name
 *
 * The pointers stay valid while the caller holds the mmap lock.
 */
struct vmastat_vma_name {
	const struct path *path;
	const char *prefix;
	const char *str;
};

void vmastat_vma_fill(struct vm_area_struct *vma, struct vmastat_vma *rec);
void vmastat_vma_name(struct vm_area_struct *vma,
		      struct vmastat_vma_name *name);
int vmastat_vma_name_render(const struct vmastat_vma_name *name,
			    char *buf, size_t size, const char **out);
const char *vmastat_kind_name(u32 kind);

extern const struct file_operations vmastat_maps_fops;
extern const struct file_operations vmastat_status_fops;
extern const struct file_operations vmastat_query_fops;
extern const struct file_operations vmastat_faults_fops;
extern const struct file_operations vmastat_summary_fops;
extern const struct file_operations vmastat_track_fops;
extern const struct file_operations vmastat_reset_fops;
extern const struct file_operations vmastat_events_fops;
extern const struct file_operations vmastat_hist_fops;

#endif /* _VMASTAT_H */
