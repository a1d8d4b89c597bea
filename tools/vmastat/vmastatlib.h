/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: access to the vmastat module's debugfs files, for every command.
 *
 * Functions that can fail return a negative errno and leave a one-line,
 * human-readable explanation (no "vmastat: " prefix, no newline) in
 * vms->err; they print nothing.  The errno lets a caller treat some
 * failures specially (e.g. -ESRCH: the process exited).
 */
#ifndef VMASTAT_VMASTATLIB_H
#define VMASTAT_VMASTATLIB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vmastat.h>

/* Overrides the debugfs mount point (for tests; normally found in /proc/self/mounts). */
#define VMASTAT_ENV_DEBUGFS	"VMASTAT_DEBUGFS"

struct vms {
	int query_fd;			/* "query", opened on first use; -1 before */
	/* vms_events(): a tracked process's rings, mapped */
	int ring_fd;			/* -1: none */
	pid_t ring_pid;
	bool ring_ioctl;		/* the module refused to map: VMASTAT_IOC_EVENTS */
	char *ring_base;
	struct vmastat_events_map ring;
	bool located;
	bool debugfs_mounted;
	char dir[PATH_MAX];		/* <debugfs>/vmastat */
	char err[PATH_MAX + 256];	/* why the last call failed */
};

/* One mapping: the module's record (zero past what the module filled) and its name. */
struct vms_vma {
	struct vmastat_vma v;
	const char *name;	/* NUL-terminated, "" if none; owned by the vms_maps */
	size_t name_len;
	size_t name_off;	/* private */
};

struct vms_maps {
	struct vms_vma *vma;
	size_t count;
	bool faults;		/* asked with VMASTAT_MAPS_FAULTS and the module filled them */
	/* private */
	size_t cap;
	char *names;
	size_t names_len, names_cap;
};

void vms_init(struct vms *v);
void vms_close(struct vms *v);

/* Open the module's debugfs file @name (e.g. "version") with open(2) @flags. */
int vms_open_file(struct vms *v, const char *name, int flags);

/* The module's version line ("vmastat 0.1.0 abi 0"), read from its "version" file. */
int vms_module_version(struct vms *v, char *buf, size_t size);

/* Every mapping of @pid, in address order, into @m (zeroed first; free with vms_maps_free). */
int vms_maps(struct vms *v, pid_t pid, struct vms_maps *m);
void vms_maps_free(struct vms_maps *m);

/*
 * The same with VMASTAT_MAPS_* @flags.  With VMASTAT_MAPS_FAULTS the module
 * answers -ENODATA when @pid is not tracked; a module from before page-fault
 * accounting rejects the flag (-EINVAL).
 */
int vms_maps_flags(struct vms *v, pid_t pid, uint64_t flags, struct vms_maps *m);

/* @pid's address space in numbers; comm is always NUL-terminated. */
int vms_status(struct vms *v, pid_t pid, struct vmastat_status *st);

/* Open the query file now (the other calls open it on first use). */
int vms_query_open(struct vms *v);

/* The module's global counters (VMASTAT_IOC_SUMMARY). */
int vms_summary(struct vms *v, struct vmastat_summary *s);

/*
 * A boolean module parameter (/sys/module/vmastat/parameters/@name):
 * 1 or 0, or -errno when it cannot be read (a module without it: -ENOENT).
 */
int vms_param_bool(const char *name);

/* Process entries (VMASTAT_IOC_PROCS); comm always NUL-terminated. */
struct vms_procs {
	struct vmastat_proc *proc;
	size_t count;
	size_t cap;		/* private */
};

/* Every entry (@flags: VMASTAT_PROCS_*), in the module's order, into @p (free with vms_procs_free). */
int vms_procs(struct vms *v, uint64_t flags, struct vms_procs *p);
void vms_procs_free(struct vms_procs *p);
/* One process's entry: the live one, else its most recent exited one (-ESRCH: none). */
int vms_proc(struct vms *v, pid_t pid, struct vmastat_proc *rec);

/* Start tracking @pid (@flags: VMASTAT_TRACK_*, @granule_shift 0: default). */
int vms_track(struct vms *v, pid_t pid, uint64_t flags, unsigned int granule_shift);
/* Stop tracking @pid, 0: every tracked process. */
int vms_untrack(struct vms *v, pid_t pid);
/* Zero @pid's counters, 0: every counter of the module. */
int vms_reset(struct vms *v, pid_t pid);

/* The latency histograms of tracked process @pid; h->nr_buckets is at most VMASTAT_HIST_BUCKETS. */
int vms_hist(struct vms *v, pid_t pid, struct vmastat_hist_query *h);

/*
 * Take up to @cap events of tracked process @pid into @ev (*@n: how many,
 * *@drops: the module's count of lost events).  With @wait, block until
 * there is one.  Unlike the other calls this one is not restarted after a
 * signal: it returns -EINTR (v->err set) so that the caller can look at
 * what the signal meant.  -ESRCH after events were taken: untracked.
 * The events are read from the process's rings mapped into memory
 * (VMASTAT_IOC_EVENTS_MAP, kept until vms_close() or a call for another
 * process), or with VMASTAT_IOC_EVENTS where the module does not map them
 * (a caller outside the initial PID namespace, an older module).
 */
int vms_events(struct vms *v, pid_t pid, bool wait, struct vmastat_event *ev,
	       size_t cap, size_t *n, uint64_t *drops);

/* "anon", "heap", ... (enum vmastat_vma_kind), or "unknown" for a kind newer than this tool. */
const char *vms_kind_name(uint32_t kind);
/* "r-xp": read, write, exec, then s(hared) or p(rivate), as /proc/PID/maps. */
void vms_perms(uint32_t flags, char out[5]);
/*
 * Name of one VMASTAT_VMA_* flag bit other than read/write/exec/shared
 * ("growsdown", "locked", "hugepage", "nohugepage", "deleted"), NULL for
 * those four; unknown bits get "bitN" written into @buf (at least 8 bytes).
 */
const char *vms_flag_name(unsigned int bit, char *buf, size_t size);

/* "anon", "file", "shmem", "other" (enum vmastat_fault_kind), "unknown" beyond. */
const char *vms_fault_kind_name(uint32_t kind);
/* The kinds in a bitmask of (1 << enum vmastat_fault_kind), "anon,file", "" if none, into @buf. */
const char *vms_fault_kinds(uint32_t mask, char *buf, size_t size);
/* VMASTAT_ACCESS_*: "read", "write", "exec"; VMASTAT_OUTCOME_*: "minor", "major", "retry",
 * "segv", "sigbus", "oom"; "unknown" beyond. */
const char *vms_access_name(uint32_t access);
const char *vms_outcome_name(uint32_t outcome);
/* Name of VMASTAT_EV_* bit @bit ("gup", "remote", "cow", "swapin", "thp"), else "bitN" in @buf. */
const char *vms_event_flag_name(unsigned int bit, char *buf, size_t size);
/* Name of VMASTAT_PROC_* bit @bit ("exited", "tracked", "children"), else "bitN" in @buf. */
const char *vms_proc_flag_name(unsigned int bit, char *buf, size_t size);

/* The fields of struct vmastat_fault_counts (all but pad), by their uapi names, in order. */
struct vms_field {
	const char *name;
	size_t off;
};
extern const struct vms_field vms_count_fields[];
extern const size_t vms_nr_count_fields;
uint64_t vms_count(const struct vmastat_fault_counts *c, size_t off);
/* The same for struct vmastat_vma_faults (all but kinds and pad). */
extern const struct vms_field vms_vma_fault_fields[];
extern const size_t vms_nr_vma_fault_fields;
uint64_t vms_vma_fault(const struct vmastat_vma_faults *f, size_t off);

#endif /* VMASTAT_VMASTATLIB_H */
