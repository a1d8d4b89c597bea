/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vmastat selftests: read the module's files and
 * ioctls, read the kernel's own account in /proc/PID/{smaps,status,stat},
 * compare the two, and run target processes that stop themselves.
 *
 * Nothing here allocates with malloc while measuring: snapshots and read
 * buffers are mmap()ed and pre-faulted once, so a test can measure its own
 * address space without disturbing it.
 */
#ifndef VMASTAT_UTIL_H
#define VMASTAT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/vmastat.h>

#define VMS_DIR_DEFAULT		"/sys/kernel/debug/" VMASTAT_DEBUGFS_DIR
#define VMS_MAX_VMA_SIZE	256	/* largest record stride the tests use */
#define VMS_NAME_MAX		4352	/* PATH_MAX + " (deleted)" + slack */

/* Where a snapshot came from. */
enum vms_src {
	VMS_SRC_PROC,	/* /proc/PID/smaps: the truth */
	VMS_SRC_TEXT,	/* the module's maps file */
	VMS_SRC_IOCTL,	/* the module's VMASTAT_IOC_MAPS */
};

/* VmFlags of smaps that decide a mapping's kind */
#define VMS_VMF_HT	(1U << 0)	/* hugetlb */
#define VMS_VMF_PF	(1U << 1)	/* VM_PFNMAP */
#define VMS_VMF_IO	(1U << 2)	/* VM_IO */

#define VMS_VMA_KNOWN_FLAGS	(VMASTAT_VMA_READ | VMASTAT_VMA_WRITE |	\
				 VMASTAT_VMA_EXEC | VMASTAT_VMA_SHARED |	\
				 VMASTAT_VMA_GROWSDOWN | VMASTAT_VMA_LOCKED |	\
				 VMASTAT_VMA_HUGEPAGE |			\
				 VMASTAT_VMA_NOHUGEPAGE | VMASTAT_VMA_DELETED)

/* One mapping; sizes in kB. */
struct vms_vma {
	unsigned long long start, end, offset, inode;
	unsigned int major, minor;
	unsigned long long rss, anon, file, shmem, swap, thp;
	unsigned int flags;		/* VMASTAT_VMA_* */
	unsigned int flags_any;		/* /proc: flags that may be either */
	int kind;			/* enum vmastat_vma_kind; -1: unknown */
	int kind_alt;			/* also acceptable; -1: none */
	unsigned int vmf;		/* /proc only: VMS_VMF_* from VmFlags */
	char perms[5];
	char head[112];			/* the first six fields, as printed */
	unsigned int name_off;		/* into vms_snap.names */
	unsigned int name_len;
};

struct vms_snap {
	enum vms_src src;
	struct vms_vma *v;
	size_t nr, cap;
	char *names;
	size_t names_len, names_cap;
	void *raw;			/* ioctl record scratch: cap records */
	bool skipped_vsyscall;		/* /proc only: a [vsyscall] was left out */
	bool kinds;			/* /proc only: kinds (and DELETED) known */
	bool no_names;			/* ioctl with names == 0 */
};

/* A read buffer. */
struct vms_buf {
	char *p;
	size_t len, cap;
};

/* Status; sizes in kB.  For /proc, layout fields come from /proc/PID/stat. */
struct vms_status {
	long long pid;
	char comm[64];
	unsigned long long vmas, vsz, rss, anon, file, shmem, swap;
	unsigned long long start_code, end_code, start_data, end_data;
	unsigned long long start_brk, brk, start_stack, mmap_base, task_size;
	unsigned int have;		/* text: VMS_ST_* keys seen */
};

#define VMS_ST_ALL_KEYS		((1U << 18) - 1)

/* Logging in TAP style ("# ..." on stderr); usable outside a TEST(). */
void vms_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The module's debugfs directory ($VMASTAT_DIR overrides it). */
const char *vms_dir(void);
/* NULL when the tests can run, else why not (not root, module missing). */
const char *vms_unavailable(void);
/* open(2) of a file in the module's directory; -errno on failure. */
int vms_open(const char *name, int flags);

/* Memory that is mmap()ed and pre-faulted; exits on failure. */
void *vms_alloc(size_t size);
void vms_free(void *p, size_t size);
void vms_buf_init(struct vms_buf *b, size_t cap);
void vms_buf_free(struct vms_buf *b);
void vms_snap_init(struct vms_snap *s, size_t cap, size_t names_cap);
void vms_snap_free(struct vms_snap *s);
/* Touch @bytes of stack so that later deep calls do not fault it in. */
void vms_prefault_stack(size_t bytes);

/* Read @fd (from the current offset) to EOF into @b; 0 or -errno. */
int vms_read_fd(int fd, struct vms_buf *b);
int vms_read_path(const char *path, struct vms_buf *b);
/* Read to EOF in reads of at most @chunk bytes. */
int vms_read_fd_chunked(int fd, struct vms_buf *b, size_t chunk);
/* Write a string to @fd in one write(2); 0 or -errno. */
int vms_write_str(int fd, const char *s);
/*
 * Set the module parameter @name (writable ones) to @val, after reading
 * its value into @old (@size bytes, newline dropped) unless NULL.
 * 0 or -errno.
 */
int vms_param_set(const char *name, const char *val, char *old, size_t size);

/*
 * The kernel's own account: /proc/PID/smaps (every field of the maps line,
 * Rss, Anonymous, Swap, AnonHugePages, VmFlags).  With @kinds, also the kind
 * each mapping must have (opens /proc/PID/map_files/ for file mappings).
 * A [vsyscall] line is left out (and noted).  0 or -errno.
 */
int vms_proc_snap(pid_t pid, struct vms_buf *b, struct vms_snap *s,
		  bool kinds);
/* Fill in kinds of an existing /proc snapshot. */
void vms_proc_kinds(pid_t pid, struct vms_snap *s);

/* The module's maps file: write @pid to @fd (O_RDWR), read, parse. */
int vms_text_maps(int fd, pid_t pid, struct vms_buf *b, struct vms_snap *s);
/* Parse text already read: 0 or -EBADMSG (and a log line). */
int vms_parse_text_maps(const char *text, size_t len, struct vms_snap *s);

/*
 * VMASTAT_IOC_MAPS on @fd for @pid, in batches of at most @batch records of
 * @vma_size bytes, until next == VMASTAT_MAPS_END; names unless @no_names.
 * @names_size limits the names buffer per call (0: as big as the snapshot's).
 * 0 or -errno of the failing ioctl (or -EBADMSG for an inconsistent answer).
 */
int vms_ioctl_maps(int fd, pid_t pid, struct vms_snap *s, unsigned int batch,
		   unsigned int vma_size, bool no_names, unsigned int names_size);

/*
 * Compare a module snapshot with the /proc one: same mappings in the same
 * order, every field.  Returns the number of differences; with @verbose,
 * logs each (up to a limit) with expected and actual values.
 */
int vms_compare(const struct vms_snap *mod, const struct vms_snap *proc,
		bool verbose);
/*
 * Read the module (@read), then /proc (kinds included), then the module
 * again, until the two module reads agree (at most @tries rounds); then
 * compare them with /proc into @a and @p.  Returns the number of
 * differences, -errno if a read failed, or -EAGAIN if the module never gave
 * the same answer twice in a row.  *@rounds: rounds taken.
 */
typedef int (*vms_read_maps_fn)(void *ctx, pid_t pid, struct vms_snap *s);
int vms_stable_compare(pid_t pid, vms_read_maps_fn read, void *ctx,
		       struct vms_buf *buf, struct vms_snap *a,
		       struct vms_snap *b, struct vms_snap *p, int tries,
		       int *rounds);

/* Readers for vms_stable_compare(): @ctx is a struct vms_reader. */
struct vms_reader {
	int maps_fd;			/* for vms_read_text */
	int query_fd;			/* for vms_read_ioctl */
	struct vms_buf *buf;		/* for vms_read_text */
	size_t chunk;			/* text: read(2) size; 0: all at once */
	unsigned int batch;		/* ioctl: records per call; 0: all */
	unsigned int vma_size;		/* ioctl: 0: sizeof(struct vmastat_vma) */
	unsigned int names_size;	/* ioctl: names per call; 0: all */
	bool no_names;			/* ioctl: names == 0 */
};

int vms_read_text(void *ctx, pid_t pid, struct vms_snap *s);
int vms_read_ioctl(void *ctx, pid_t pid, struct vms_snap *s);

/* Are two module snapshots identical (every field and name)? */
bool vms_snap_equal(const struct vms_snap *a, const struct vms_snap *b);
/* The name of mapping @i, NUL-terminated. */
const char *vms_name(const struct vms_snap *s, size_t i);
/* The kind's name in the text interface, or NULL. */
const char *vms_kind_name(int kind);
/* Sum of a field over a snapshot. */
#define VMS_SUM(s, field) ({					\
	unsigned long long __sum = 0;				\
	for (size_t __i = 0; __i < (s)->nr; __i++)		\
		__sum += (s)->v[__i].field;			\
	__sum; })

/* The module's status file / ioctl, and the kernel's own account. */
int vms_text_status(int fd, pid_t pid, struct vms_buf *b,
		    struct vms_status *st);
int vms_parse_text_status(const char *text, size_t len, struct vms_status *st);
int vms_ioctl_status(int fd, pid_t pid, struct vms_status *st);
int vms_proc_status(pid_t pid, struct vms_buf *b, struct vms_status *st);
/*
 * Compare module status with /proc: pid, comm, vmas, the counters, and the
 * layout fields /proc/PID/stat shows.  brk, mmap_base and task_size are the
 * caller's business.  Returns the number of differences.
 */
int vms_status_compare(const struct vms_status *mod,
		       const struct vms_status *proc, bool verbose);
bool vms_status_equal(const struct vms_status *a, const struct vms_status *b);

/*
 * fork() after flushing stdio; the child dies with its parent (and exits
 * at once if the parent is already gone).  Returns as fork() does, -1 with
 * a log line.
 */
pid_t vms_fork_child(void);
/*
 * Fork a child that runs @fn(@arg) and then stops itself with SIGSTOP (it
 * dies with its parent).  Returns its pid once it is stopped, or -1 (with a
 * log line) if @fn failed (non-zero) or the child did not stop.
 */
pid_t vms_spawn_stopped(int (*fn)(void *arg), void *arg);
/* SIGKILL and reap a child; safe with pid <= 0. */
void vms_kill(pid_t pid);

/* Swap for the tests. */
enum vms_swap_state {
	VMS_SWAP_NONE,		/* no swap, could not set any up */
	VMS_SWAP_ACTIVE,	/* swap was already active: leave it alone */
	VMS_SWAP_OURS,		/* we set up zram0: tear it down */
};

enum vms_swap_state vms_swap_setup(void);
void vms_swap_teardown(enum vms_swap_state state);

/* /sys/kernel/mm/transparent_hugepage/enabled: 0 never, 1 madvise, 2 always, -1 none */
int vms_thp_mode(void);

/*
 * $VMASTAT_TIMEOUT_SCALE=N (N > 1) multiplies the time limit of every test
 * of a kselftest harness: make check-debug sets it, for a kernel where
 * KASAN and lockdep make everything several times slower.  Call before
 * test_harness_run().
 */
#define vms_scale_timeouts(list) do {					\
	const char *__s = getenv("VMASTAT_TIMEOUT_SCALE");		\
	long __k = __s ? strtol(__s, NULL, 10) : 1;			\
	struct __fixture_metadata *__f;					\
	struct __test_metadata *__t;					\
									\
	for (__f = (list); __k > 1 && __f; __f = __f->next)		\
		for (__t = __f->tests; __t; __t = __t->next)		\
			__t->timeout *= __k;				\
} while (0)

/* The harness's TEST_HARNESS_MAIN, with vms_scale_timeouts() first. */
#define VMS_HARNESS_MAIN						\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		vms_scale_timeouts(__fixture_list);			\
		return test_harness_run(argc, argv);			\
	}

#endif /* VMASTAT_UTIL_H */
