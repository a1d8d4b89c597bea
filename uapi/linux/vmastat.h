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
	VMASTAT_KIND_UNMAPPED	= 11,	/* not mapped any more (see below) */
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
/* not a mapping: a range that took faults and is no longer mapped */
#define VMASTAT_VMA_UNMAPPED	_BITUL(9)
#define VMASTAT_VMA_FAULTS	_BITUL(10)	/* @faults is filled in */

/* enum vmastat_fault_kind - the kind of the VMA a fault hit */
enum vmastat_fault_kind {
	VMASTAT_FK_ANON		= 0,	/* anonymous (private or brk/stack) */
	VMASTAT_FK_FILE		= 1,	/* a regular file (also private COW) */
	VMASTAT_FK_SHMEM	= 2,	/* tmpfs/shmem: memfd, shared anon, SysV */
	VMASTAT_FK_OTHER	= 3,	/* hugetlbfs, device, special mappings */
	VMASTAT_FK_MAX
};

/**
 * struct vmastat_vma_faults - the faults that hit one address range
 * @minor:	accounted minor faults (as min_flt counts them)
 * @major:	accounted major faults (as maj_flt counts them)
 * @read:	accounted faults that were reads
 * @write:	accounted faults that were writes
 * @exec:	accounted faults that were instruction fetches
 * @gup:	accounted faults the kernel took for the process (GUP)
 * @cow:	write faults on a present read-only page of a private mapping
 * @swapin:	faults on a swapped-out page (swap entry in the page table)
 * @thp:	faults that mapped a transparent huge page
 * @retry:	handle_mm_fault() returns of VM_FAULT_RETRY (not accounted)
 * @segv:	faults that ended in SIGSEGV
 * @sigbus:	faults that ended in SIGBUS (VM_FAULT_SIGBUS/HWPOISON)
 * @oom:	faults that ended in VM_FAULT_OOM
 * @kinds:	bit (1 << enum vmastat_fault_kind) for each kind of VMA that
 *		took faults in the range (telling what an unmapped range was)
 * @pad:	zero
 */
struct vmastat_vma_faults {
	__u64 minor;
	__u64 major;
	__u64 read;
	__u64 write;
	__u64 exec;
	__u64 gup;
	__u64 cow;
	__u64 swapin;
	__u64 thp;
	__u64 retry;
	__u64 segv;
	__u64 sigbus;
	__u64 oom;
	__u32 kinds;
	__u32 pad;
};

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
 * @faults:	(size >= VMASTAT_VMA_SIZE_VER1) faults at addresses inside
 *		the mapping while the process was tracked; filled when the
 *		query asked for VMASTAT_MAPS_FAULTS (flag VMASTAT_VMA_FAULTS)
 *
 * @rss_anon + @rss_file + @rss_shmem is smaps' Rss, @rss_anon its Anonymous,
 * @swap its Swap and @anon_thp its AnonHugePages.  The name is what
 * /proc/PID/maps prints in its last column, without escaping.
 *
 * A record with VMASTAT_VMA_UNMAPPED is no mapping: it is a run of
 * attribution granules that took faults and that no mapping covers any
 * more; @kind is VMASTAT_KIND_UNMAPPED and only @start, @end, @flags and
 * @faults mean something.
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
	struct vmastat_vma_faults faults;
};

#define VMASTAT_VMA_SIZE_VER0	96	/* first published sizeof(struct vmastat_vma) */
#define VMASTAT_VMA_SIZE_VER1	208	/* added @faults */

/* struct vmastat_maps_query.flags */
/* fill @faults; the target must be tracked, else ENODATA */
#define VMASTAT_MAPS_FAULTS	_BITULL(0)
/* with VMASTAT_MAPS_FAULTS: also list unmapped ranges that took faults */
#define VMASTAT_MAPS_UNMAPPED	_BITULL(1)
#define VMASTAT_MAPS_FLAGS_ALL	(VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED)

/* value of @next when the listing is complete */
#define VMASTAT_MAPS_END	(~0ULL)

/**
 * struct vmastat_maps_query - list a process's mappings in batches
 * @size:	in: sizeof(struct vmastat_maps_query)
 * @flags:	in: VMASTAT_MAPS_*
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

/**
 * struct vmastat_fault_counts - a process's faults by class
 * @minor:	accounted minor faults: equals the min_flt the kernel counts
 * @major:	accounted major faults: equals maj_flt.  The kernel's rule
 *		(mm_account_fault()): retries and errors are not counted, a
 *		fault that completes after a retry counts as major.
 * @retry:	handle_mm_fault() returned VM_FAULT_RETRY (the fault is taken
 *		again and counted when it completes)
 * @segv:	faults that ended in SIGSEGV: bad address or access (these
 *		never reach handle_mm_fault()) or VM_FAULT_SIGSEGV
 * @sigbus:	VM_FAULT_SIGBUS or a hardware-poisoned page
 * @oom:	VM_FAULT_OOM
 * @anon_minor:	accounted minor faults in anonymous VMAs
 * @anon_major:	accounted major faults in anonymous VMAs (swap-in from disk)
 * @file_minor:	... in regular file VMAs
 * @file_major:	... in regular file VMAs (read from the file)
 * @shmem_minor: ... in shmem/tmpfs VMAs
 * @shmem_major: ... in shmem/tmpfs VMAs
 * @other_minor: ... in other VMAs (hugetlbfs, devices, special mappings)
 * @other_major: ... in other VMAs
 * @read:	accounted faults that were reads
 * @write:	accounted faults that were writes
 * @exec:	accounted faults that were instruction fetches
 * @gup_minor:	accounted minor faults the kernel took on the process's
 *		behalf (get_user_pages(): process_vm_readv, /proc/PID/mem,
 *		futexes, MADV_POPULATE_*); @minor - @gup_minor is what perf's
 *		PERF_COUNT_SW_PAGE_FAULTS_MIN counts
 * @gup_major:	the same for major faults
 * @remote:	accounted faults taken in another process's address space
 *		(counted to the caller, as the kernel does)
 * @cow:	write faults on a present, read-only page of a private
 *		mapping (copy-on-write, including the zero page and pages
 *		the kernel could reuse without copying)
 * @swapin:	faults on a page table entry that held a swap entry
 * @thp:	faults that mapped a transparent huge page (PMD)
 * @pad:	zero
 */
struct vmastat_fault_counts {
	__u64 minor;
	__u64 major;
	__u64 retry;
	__u64 segv;
	__u64 sigbus;
	__u64 oom;
	__u64 anon_minor;
	__u64 anon_major;
	__u64 file_minor;
	__u64 file_major;
	__u64 shmem_minor;
	__u64 shmem_major;
	__u64 other_minor;
	__u64 other_major;
	__u64 read;
	__u64 write;
	__u64 exec;
	__u64 gup_minor;
	__u64 gup_major;
	__u64 remote;
	__u64 cow;
	__u64 swapin;
	__u64 thp;
	__u64 pad;
};

/* struct vmastat_proc.flags */
#define VMASTAT_PROC_EXITED	_BITUL(0)	/* the process has exited */
#define VMASTAT_PROC_TRACKED	_BITUL(1)	/* per-VMA, histograms, events */
#define VMASTAT_PROC_CHILDREN	_BITUL(2)	/* its new children get tracked */

/**
 * struct vmastat_proc - one process's fault counters
 * @pid:	the process (thread group) ID, in the caller's PID namespace
 *		(processes the caller cannot name are not listed)
 * @flags:	VMASTAT_PROC_*
 * @start_ns:	when the process started, ns since boot (CLOCK_BOOTTIME),
 *		as /proc/PID/stat's starttime
 * @exit_ns:	when its last thread exited (CLOCK_BOOTTIME), 0 while alive
 * @comm:	its command name (after its last exec), NUL-terminated
 * @counts:	its faults since the module saw it start (or was loaded, or
 *		the counters were reset)
 */
struct vmastat_proc {
	__s32 pid;
	__u32 flags;
	__u64 start_ns;
	__u64 exit_ns;
	char comm[16];
	struct vmastat_fault_counts counts;
};

#define VMASTAT_PROC_SIZE_VER0	232

/* struct vmastat_procs_query.flags */
#define VMASTAT_PROCS_LIVE	_BITULL(0)	/* leave exited processes out */
#define VMASTAT_PROCS_FLAGS_ALL	VMASTAT_PROCS_LIVE

/**
 * struct vmastat_procs_query - list the per-process counters in batches
 * @size:	in: sizeof(struct vmastat_procs_query)
 * @flags:	in: VMASTAT_PROCS_*
 * @pid:	in: 0 for every process, or just this one (live first, else
 *		its most recent exited entry); ESRCH when there is none
 * @proc_size:	in: sizeof(struct vmastat_proc) as the caller knows it
 * @start:	in: cursor, 0 to begin
 * @next:	out: pass as @start to continue; VMASTAT_MAPS_END when done
 * @procs:	in: user pointer to an array of @count records of @proc_size
 * @count:	in: capacity of @procs; out: records filled
 * @pad:	zero
 */
struct vmastat_procs_query {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 proc_size;
	__u64 start;
	__u64 next;
	__u64 procs;
	__u32 count;
	__u32 pad;
};

#define VMASTAT_PROCS_QUERY_SIZE_VER0	56

/**
 * struct vmastat_summary - the module's global view
 * @size:	in: sizeof(struct vmastat_summary)
 * @flags:	in: none defined yet: 0
 * @hits:	out: handle_mm_fault() returns the probe saw
 * @missed:	out: faults the probe could not see: the kretprobe found
 *		no free instance, or the kprobe could not run.  Tools must
 *		show it when it is not 0.
 * @maxactive:	out: kretprobe instances (module parameter maxactive)
 * @max_procs:	out: capacity of the process table (parameter max_procs)
 * @nr_live:	out: live processes in the table
 * @nr_exited:	out: exited processes still in the table
 * @nr_tracked:	out: tracked processes (live or exited)
 * @max_tracked: out: capacity (parameter max_tracked)
 * @unlisted:	out: accounted faults of processes that had no table entry
 *		(table full, kernel threads, or exiting): in @total only
 * @evicted:	out: exited entries dropped to make room for new processes
 * @table_full:	out: new processes that found no room in the table
 * @event_drops: out: events dropped because a ring was full
 * @unattributed: out: faults of tracked processes that found no room in
 *		the per-address table (in the totals, not per VMA)
 * @reset_ns:	out: when the counters were last reset (CLOCK_BOOTTIME ns),
 *		0 if never
 * @total:	out: all faults the probe saw, of every process
 * @children_late: out: (size >= VMASTAT_SUMMARY_SIZE_VER1) children of
 *		processes tracked with VMASTAT_TRACK_CHILDREN that found no
 *		tracking data ready at fork: tracked from a little later (their
 *		first faults are in their totals only), or not at all when
 *		max_tracked was reached
 * @mem_bytes:	out: (VER1) memory the module holds for its tables and
 *		tracking data, in bytes
 */
struct vmastat_summary {
	__u64 size;
	__u64 flags;
	__u64 hits;
	__u64 missed;
	__u32 maxactive;
	__u32 max_procs;
	__u32 nr_live;
	__u32 nr_exited;
	__u32 nr_tracked;
	__u32 max_tracked;
	__u64 unlisted;
	__u64 evicted;
	__u64 table_full;
	__u64 event_drops;
	__u64 unattributed;
	__u64 reset_ns;
	struct vmastat_fault_counts total;
	__u64 children_late;
	__u64 mem_bytes;
};

#define VMASTAT_SUMMARY_SIZE_VER0	296
#define VMASTAT_SUMMARY_SIZE_VER1	312	/* added @children_late, @mem_bytes */

/* struct vmastat_track.flags */
#define VMASTAT_TRACK_CHILDREN	_BITULL(0)	/* also children forked from now on */
#define VMASTAT_TRACK_FLAGS_ALL	VMASTAT_TRACK_CHILDREN

/**
 * struct vmastat_track - start or stop tracking, or reset counters
 * @size:	in: sizeof(struct vmastat_track)
 * @flags:	in: VMASTAT_TRACK_* (VMASTAT_IOC_TRACK only, else 0)
 * @pid:	in: the process; 0 with UNTRACK: every tracked process; 0
 *		with RESET: every counter of the module
 * @granule_shift: in (TRACK): log2 of the per-address attribution granule,
 *		PAGE_SHIFT (12) to 21; 0: the module's default (parameter)
 *
 * TRACK allocates the per-address table, histograms and event rings (EBUSY:
 * already tracked, ENOSPC: max_tracked reached).  A tracked process that
 * exits keeps its data until UNTRACK.  RESET zeroes a process's counters,
 * and its per-address table, histograms and events when it is tracked.
 */
struct vmastat_track {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 granule_shift;
};

#define VMASTAT_TRACK_SIZE_VER0	24

/* log2 latency buckets: bucket 0 is [0, 2) ns, bucket i is [2^i, 2^(i+1)) */
#define VMASTAT_HIST_BUCKETS	32

/**
 * struct vmastat_hist_query - latency histograms of a tracked process
 * @size:	in: sizeof(struct vmastat_hist_query)
 * @flags:	in: none defined yet: 0
 * @pid:	in: a tracked process
 * @nr_buckets:	out: VMASTAT_HIST_BUCKETS
 * @hist:	out: completed (accounted) faults by enum vmastat_fault_kind,
 *		minor (0) / major (1), and log2 of handle_mm_fault()'s run time
 *		in nanoseconds
 */
struct vmastat_hist_query {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 nr_buckets;
	__u64 hist[VMASTAT_FK_MAX][2][VMASTAT_HIST_BUCKETS];
};

#define VMASTAT_HIST_QUERY_SIZE_VER0	2072

/* struct vmastat_event.access */
#define VMASTAT_ACCESS_READ	0
#define VMASTAT_ACCESS_WRITE	1
#define VMASTAT_ACCESS_EXEC	2

/* struct vmastat_event.outcome */
#define VMASTAT_OUTCOME_MINOR	0
#define VMASTAT_OUTCOME_MAJOR	1
#define VMASTAT_OUTCOME_RETRY	2
#define VMASTAT_OUTCOME_SEGV	3
#define VMASTAT_OUTCOME_SIGBUS	4
#define VMASTAT_OUTCOME_OOM	5

/* struct vmastat_event.flags */
#define VMASTAT_EV_GUP		_BITUL(0)	/* taken by the kernel (GUP) */
#define VMASTAT_EV_REMOTE	_BITUL(1)	/* in another process's memory */
#define VMASTAT_EV_COW		_BITUL(2)
#define VMASTAT_EV_SWAPIN	_BITUL(3)
#define VMASTAT_EV_THP		_BITUL(4)

/**
 * struct vmastat_event - one fault of a tracked process
 * @time_ns:	when it completed, CLOCK_MONOTONIC nanoseconds (by default
 *		carried forward from a reading at most a millisecond old:
 *		module parameter clock_interp)
 * @address:	the faulting address
 * @ip:		the user instruction pointer; 0 when the fault was taken
 *		in the kernel (GUP, or copy_to/from_user)
 * @latency_ns:	time spent in handle_mm_fault(); 0 for SIGSEGV without it
 * @tid:	the thread, in the caller's PID namespace (0: not visible)
 * @cpu:	the CPU it completed on
 * @kind:	enum vmastat_fault_kind
 * @access:	VMASTAT_ACCESS_*
 * @outcome:	VMASTAT_OUTCOME_*
 * @pad:	zero
 * @flags:	VMASTAT_EV_*
 */
struct vmastat_event {
	__u64 time_ns;
	__u64 address;
	__u64 ip;
	__u64 latency_ns;
	__s32 tid;
	__u32 cpu;
	__u8 kind;
	__u8 access;
	__u8 outcome;
	__u8 pad;
	__u32 flags;
};

#define VMASTAT_EVENT_SIZE_VER0	48

/* struct vmastat_events_query.flags */
#define VMASTAT_EVENTS_WAIT	_BITULL(0)	/* block until there is one */
#define VMASTAT_EVENTS_FLAGS_ALL VMASTAT_EVENTS_WAIT

/**
 * struct vmastat_events_query - take events from a tracked process's rings
 * @size:	in: sizeof(struct vmastat_events_query)
 * @flags:	in: VMASTAT_EVENTS_*
 * @pid:	in: a tracked process
 * @event_size:	in: sizeof(struct vmastat_event) as the caller knows it
 * @events:	in: user pointer to an array of @count records
 * @count:	in: capacity; out: events taken (in time order per CPU; the
 *		batch as a whole is sorted by @time_ns)
 * @pad:	zero
 * @drops:	out: events lost so far because a ring was full
 *
 * Events are consumed: each is returned once.  Without VMASTAT_EVENTS_WAIT
 * an empty ring gives @count 0; with it the call sleeps until an event
 * arrives, the process is untracked (ESRCH) or a signal comes (EINTR).
 */
struct vmastat_events_query {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__u32 event_size;
	__u64 events;
	__u32 count;
	__u32 pad;
	__u64 drops;
};

#define VMASTAT_EVENTS_QUERY_SIZE_VER0	48

/**
 * struct vmastat_events_map - map a tracked process's rings into memory
 * @size:	in: sizeof(struct vmastat_events_map)
 * @flags:	in: zero
 * @pid:	in: a tracked process
 * @fd:		out: a new file (close-on-exec) to mmap() and poll()
 * @nr_rings:	out: rings in the mapping, one per CPU number; ring i holds
 *		the events of the faults that completed on CPU i
 * @ring_entries: out: events a ring holds (a power of two)
 * @event_size:	out: sizeof(struct vmastat_event) as the module fills it
 * @events_offset: out: bytes from a ring's start (its struct
 *		vmastat_ring_header) to its first event
 * @ring_size:	out: bytes from one ring's start to the next's
 * @map_size:	out: @nr_rings * @ring_size: the length to mmap() at offset 0
 *
 * The events are then read without a system call: see struct
 * vmastat_ring_header.  One consumer at a time: while the file is open,
 * VMASTAT_IOC_EVENTS, the "events" file and a second VMASTAT_IOC_EVENTS_MAP
 * on the process fail with EBUSY.  poll() on the file reports EPOLLIN when
 * a ring holds events (readers are woken at most every wake_us, like
 * VMASTAT_EVENTS_WAIT) and EPOLLHUP once the process is untracked; the
 * mapping stays readable until it is unmapped and the file closed.  The
 * event's @tid is as the initial PID namespace numbers it, so a caller in
 * another PID namespace gets EOPNOTSUPP.
 */
struct vmastat_events_map {
	__u64 size;
	__u64 flags;
	__s32 pid;
	__s32 fd;
	__u32 nr_rings;
	__u32 ring_entries;
	__u32 event_size;
	__u32 events_offset;
	__u64 ring_size;
	__u64 map_size;
};

#define VMASTAT_EVENTS_MAP_SIZE_VER0	56

/**
 * struct vmastat_ring_header - the start of each ring in a mapping
 * @head:	events this ring was given, ever (the module writes it): the
 *		next one goes to index @head % ring_entries
 * @tail:	events consumed (the reader writes it): indexes @tail to
 *		@head - 1, modulo ring_entries, hold events not read yet
 * @drops:	events this ring lost because it was full (the module adds
 *		to it; VMASTAT_IOC_RESET zeroes it)
 * @pad:	reserved
 *
 * To read: load @head with acquire semantics, read the events from @tail
 * up to it, then store the new @tail with release semantics (the module
 * reuses a slot only once @tail has passed it).  A ring is in time order;
 * merging the rings by @time_ns gives the process's order.  The mapping is
 * writable so that the reader can advance @tail: what else it writes there
 * only spoils its own stream.
 */
struct vmastat_ring_header {
	__u64 head;
	__u64 tail;
	__u64 drops;
	__u64 pad[5];
};

/* The ioctl numbers carry the version-0 sizes forever; @size says the rest. */
#define VMASTAT_IOC_MAPS	_IOWR(VMASTAT_IOC_MAGIC, 1, struct vmastat_maps_query)
#define VMASTAT_IOC_STATUS	_IOWR(VMASTAT_IOC_MAGIC, 2, struct vmastat_status)
#define VMASTAT_IOC_SUMMARY	_IOWR(VMASTAT_IOC_MAGIC, 3, char[VMASTAT_SUMMARY_SIZE_VER0])
#define VMASTAT_IOC_PROCS	_IOWR(VMASTAT_IOC_MAGIC, 4, struct vmastat_procs_query)
#define VMASTAT_IOC_TRACK	_IOW(VMASTAT_IOC_MAGIC, 5, struct vmastat_track)
#define VMASTAT_IOC_UNTRACK	_IOW(VMASTAT_IOC_MAGIC, 6, struct vmastat_track)
#define VMASTAT_IOC_RESET	_IOW(VMASTAT_IOC_MAGIC, 7, struct vmastat_track)
#define VMASTAT_IOC_HIST	_IOWR(VMASTAT_IOC_MAGIC, 8, struct vmastat_hist_query)
#define VMASTAT_IOC_EVENTS	_IOWR(VMASTAT_IOC_MAGIC, 9, struct vmastat_events_query)
#define VMASTAT_IOC_EVENTS_MAP	_IOWR(VMASTAT_IOC_MAGIC, 10, struct vmastat_events_map)

#endif /* _UAPI_LINUX_VMASTAT_H */
