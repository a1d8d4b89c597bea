/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The binary interface of the vmastat module: ioctls on the debugfs file
 * /sys/kernel/debug/vmastat/query.  See Documentation/vmastat/uapi.rst.
 *
 * Versioning: every argument struct starts with a __u64 @size that the
 * caller sets to sizeof() of the struct as it was compiled.  The module
 * accepts any size from the first published one (VMASTAT_*_SIZE_VER0) up;
 * a caller's struct larger than the module's must be zero past the end the
 * module knows (else E2BIG), a smaller one is zero-extended.  Results are
 * written back only up to the caller's size.  Record arrays are strided by
 * the caller's record size, so old programs keep working when records grow.
 * All fields are naturally aligned with explicit padding: no holes.
 */
#ifndef _UAPI_LINUX_VMASTAT_H
#define _UAPI_LINUX_VMASTAT_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define VMASTAT_IOC_MAGIC	0xDA

/* Bumped only for an incompatible change (never so far); see "version". */
#define VMASTAT_ABI_VERSION	0

/* Where the module's files live, relative to the debugfs mount point. */
#define VMASTAT_DEBUGFS_DIR	"vmastat"

/* enum vmastat_vma_kind - what a mapping is, as /proc/PID/maps names it */
enum vmastat_vma_kind {
	VMASTAT_KIND_ANON	= 0,	/* private or shared anonymous memory */
	VMASTAT_KIND_HEAP	= 1,	/* [heap]: the brk area */
	VMASTAT_KIND_STACK	= 2,	/* [stack]: the main thread's stack */
	VMASTAT_KIND_VDSO	= 3,	/* [vdso] */
	VMASTAT_KIND_VVAR	= 4,	/* [vvar] and other vvar pages */
	VMASTAT_KIND_VSYSCALL	= 5,	/* [vsyscall] (gate area) */
	VMASTAT_KIND_ANON_NAMED	= 6,	/* [anon:NAME] (PR_SET_VMA_ANON_NAME) */
	VMASTAT_KIND_FILE	= 7,	/* a regular file mapping */
	VMASTAT_KIND_SHMEM	= 8,	/* tmpfs/shmem: memfd, SysV shm, shared anon */
	VMASTAT_KIND_SPECIAL	= 9,	/* VM_PFNMAP/VM_IO or another special mapping */
	VMASTAT_KIND_HUGETLB	= 10,	/* hugetlbfs */
	VMASTAT_KIND_MAX
};

/* struct vmastat_vma.flags */
#define VMASTAT_VMA_READ	_BITUL(0)	/* VM_READ */
#define VMASTAT_VMA_WRITE	_BITUL(1)	/* VM_WRITE */
#define VMASTAT_VMA_EXEC	_BITUL(2)	/* VM_EXEC */
#define VMASTAT_VMA_SHARED	_BITUL(3)	/* VM_MAYSHARE: 's' in maps */
#define VMASTAT_VMA_GROWSDOWN	_BITUL(4)	/* VM_GROWSDOWN */
#define VMASTAT_VMA_LOCKED	_BITUL(5)	/* VM_LOCKED */
#define VMASTAT_VMA_HUGEPAGE	_BITUL(6)	/* VM_HUGEPAGE (MADV_HUGEPAGE) */
#define VMASTAT_VMA_NOHUGEPAGE	_BITUL(7)	/* VM_NOHUGEPAGE */
#define VMASTAT_VMA_DELETED	_BITUL(8)	/* file on a mounted fs, unlinked */

/**
 * struct vmastat_vma - one mapping and what is resident in it
 * @start:	first address of the mapping
 * @end:	first address past the mapping
 * @offset:	file offset in bytes (0 for anonymous mappings)
 * @inode:	inode number of the backing file, 0 if none
 * @dev_major:	major number of the backing file's device
 * @dev_minor:	minor number of the backing file's device
 * @flags:	VMASTAT_VMA_*
 * @kind:	enum vmastat_vma_kind
 * @name_off:	offset of the name in the caller's names buffer
 * @name_len:	length of the name, without its terminating NUL; 0: no name
 * @rss_anon:	bytes resident in anonymous pages (incl. COW copies of file pages)
 * @rss_file:	bytes resident in page-cache pages of regular files
 * @rss_shmem:	bytes resident in shmem/tmpfs pages
 * @swap:	bytes in swap entries of the page table
 * @anon_thp:	bytes of @rss_anon mapped by transparent huge page PMDs
 *
 * @rss_anon + @rss_file + @rss_shmem is smaps' Rss, @rss_anon its Anonymous,
 * @swap its Swap and @anon_thp its AnonHugePages.  The name is what
 * /proc/PID/maps prints in its last column, without escaping.
 */
struct vmastat_vma {
	__u64 start;
	__u64 end;
	__u64 offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 flags;
	__u32 kind;
	__u32 name_off;
	__u32 name_len;
	__u64 rss_anon;
	__u64 rss_file;
	__u64 rss_shmem;
	__u64 swap;
	__u64 anon_thp;
};

#define VMASTAT_VMA_SIZE_VER0	96	/* first published sizeof(struct vmastat_vma) */

/* struct vmastat_maps_query.flags: none defined yet; must be 0 */
#define VMASTAT_MAPS_FLAGS_ALL	0ULL

/* value of @next when the listing is complete */
#define VMASTAT_MAPS_END	(~0ULL)

/**
 * struct vmastat_maps_query - list a process's mappings in batches
 * @size:	in: sizeof(struct vmastat_maps_query)
 * @flags:	in: VMASTAT_MAPS_* (none yet: 0)
 * @pid:	in: target process, in the caller's PID namespace
 * @vma_size:	in: sizeof(struct vmastat_vma) as the caller knows it
 * @start:	in: report mappings that end above this address (0: from the start)
 * @next:	out: pass as @start to continue; VMASTAT_MAPS_END when done
 * @vmas:	in: user pointer to an array of @vma_count records of @vma_size bytes
 * @vma_count:	in: capacity of @vmas; out: records filled
 * @names_size:	in: bytes in @names; out: bytes used (names are NUL-terminated)
 * @names:	in: user pointer to a buffer for the names, or 0 for no names
 *
 * Fills up to @vma_count records, stopping early when the next name does
 * not fit in @names.  Each batch is read under the target's mmap lock, which
 * is released before anything is copied out; a listing taken in several
 * calls (or one long call) is consistent per mapping, not as a whole.
 */
struct vmastat_maps_query {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 vma_size;
	__u64 start;
	__u64 next;
	__u64 vmas;
	__u32 vma_count;
	__u32 names_size;
	__u64 names;
};

#define VMASTAT_MAPS_QUERY_SIZE_VER0	64

/**
 * struct vmastat_status - one process's address space in numbers
 * @size:	in: sizeof(struct vmastat_status)
 * @flags:	in: none defined yet: 0
 * @pid:	in: target process, in the caller's PID namespace
 * @nr_vmas:	out: number of mappings (map_count)
 * @vsz:	out: virtual size in bytes (VmSize)
 * @rss_anon:	out: bytes, as RssAnon in /proc/PID/status
 * @rss_file:	out: bytes, as RssFile
 * @rss_shmem:	out: bytes, as RssShmem
 * @swap:	out: bytes, as VmSwap
 * @start_code: out: start of the program's text
 * @end_code:	out: end of the program's text
 * @start_data: out: start of its initialised data
 * @end_data:	out: end of its initialised data
 * @start_brk:	out: start of the heap (where brk began)
 * @brk:	out: current program break
 * @start_stack: out: where the main stack began (top of argv/envp)
 * @mmap_base:	out: base of the mmap area (mappings grow down from here)
 * @task_size:	out: top of the user address space
 * @comm:	out: the task's command name, NUL-terminated
 *
 * The counters are the same ones /proc/PID/status reads: on kernels with
 * per-CPU RSS counters they may lag the page tables by a few pages.
 */
struct vmastat_status {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 nr_vmas;
	__u64 vsz;
	__u64 rss_anon;
	__u64 rss_file;
	__u64 rss_shmem;
	__u64 swap;
	__u64 start_code;
	__u64 end_code;
	__u64 start_data;
	__u64 end_data;
	__u64 start_brk;
	__u64 brk;
	__u64 start_stack;
	__u64 mmap_base;
	__u64 task_size;
	char comm[16];
};

#define VMASTAT_STATUS_SIZE_VER0	152

/* The ioctl numbers carry the version-0 sizes forever; @size says the rest. */
#define VMASTAT_IOC_MAPS	_IOWR(VMASTAT_IOC_MAGIC, 1, struct vmastat_maps_query)
#define VMASTAT_IOC_STATUS	_IOWR(VMASTAT_IOC_MAGIC, 2, struct vmastat_status)

#endif /* _UAPI_LINUX_VMASTAT_H */
