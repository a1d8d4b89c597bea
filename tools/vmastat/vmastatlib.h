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

/* @pid's address space in numbers; comm is always NUL-terminated. */
int vms_status(struct vms *v, pid_t pid, struct vmastat_status *st);

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

#endif /* VMASTAT_VMASTATLIB_H */
