/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The fault accounting (fault.c) as the rest of the module sees it.
 */
#ifndef _VMASTAT_FAULT_H
#define _VMASTAT_FAULT_H

#include <linux/err.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/vmastat.h>

struct file;
struct vm_area_struct;
struct vmastat_tracked;
struct vmastat_granule;

/**
 * struct vmastat_attr_snap - a tracked process's granules, sorted
 * @g:		the granules by address
 * @nr:		how many
 * @shift:	log2 of the granule size
 */
struct vmastat_attr_snap {
	struct vmastat_granule *g;
	unsigned int nr;
	unsigned int shift;
};

int vmastat_fault_init(void);
void vmastat_fault_exit(void);

int vmastat_track(pid_t nr, bool children, unsigned int shift);
int vmastat_untrack(pid_t nr);
int vmastat_reset(pid_t nr);

void vmastat_summary_fill(struct vmastat_summary *sum);
unsigned long vmastat_marks_lost_read(void);
bool vmastat_proc_next(unsigned int *pos, pid_t tgid, bool live_only,
		       struct vmastat_proc *rec);
int vmastat_proc_get(pid_t nr, struct vmastat_proc *rec);

struct vmastat_tracked *vmastat_tracked_get(pid_t nr);
void vmastat_tracked_put(struct vmastat_tracked *t);
void vmastat_hist_fill(struct vmastat_tracked *t, u64 *hist);
int vmastat_events_take(struct vmastat_tracked *t, struct vmastat_event *ev,
			unsigned int max, bool wait, u64 *drops);
u64 vmastat_events_drops(struct vmastat_tracked *t);
void vmastat_events_watch(struct vmastat_tracked *t, bool on);
__poll_t vmastat_events_poll(struct vmastat_tracked *t, struct file *file,
			     poll_table *pt);
int vmastat_rings_claim(struct vmastat_tracked *t,
			struct vmastat_events_map *geo);
void vmastat_rings_unclaim(struct vmastat_tracked *t);
int vmastat_rings_mmap(struct vmastat_tracked *t, struct vm_area_struct *vma);

int vmastat_attr_snapshot(struct vmastat_tracked *t,
			  struct vmastat_attr_snap *snap);
void vmastat_attr_snapshot_free(struct vmastat_attr_snap *snap);
void vmastat_attr_sum(const struct vmastat_attr_snap *snap, u64 start,
		      u64 end, struct vmastat_vma_faults *f);
bool vmastat_attr_unmapped(const struct vmastat_attr_snap *snap, u64 start,
			   u64 end, struct vmastat_vma *rec);

#endif /* _VMASTAT_FAULT_H */
