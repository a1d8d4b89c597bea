// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * Page-fault accounting.  A hook on handle_mm_fault() (an ftrace direct call
 * to fault_tramp.S where the kernel has them, else a kretprobe) sees every
 * fault that reaches the generic fault handler: user faults, faults under the
 * per-VMA lock (6.4+), retried faults and the faults the kernel takes on a
 * process's behalf (get_user_pages(): regs == NULL).  Faults that never get
 * there (no VMA, or an access the VMA does not allow) end in SIGSEGV; the
 * signal_generate tracepoint counts those.
 *
 * Two levels:
 *
 * - Every process has a slot in a fixed table, created at module load for
 *   the processes that exist and on fork (sched_process_fork) for new ones,
 *   marked exited on sched_process_exit of its last thread and kept until
 *   room is needed (oldest exited first).  The slot's counters live in
 *   per-CPU arrays: the fault path finds the slot by hashing the TGID
 *   (lock-free, bounded probe) and bumps plain u64s on its own CPU.
 *
 * - A tracked process also has a struct vmastat_tracked: a per-address
 *   table (open addressing, lock-free insert by cmpxchg) counting the
 *   faults per granule, latency histograms (per CPU), and per-CPU event
 *   rings (single producer: the CPU; single consumer: a reader under
 *   ->read_mutex).  Per-VMA numbers are computed at read time from the
 *   addresses, so they stay right when VMAs are split, merged or moved.
 *
 * The fault path takes no lock, allocates nothing and does not sleep: the
 * hook's entry and return handlers and the tracepoint probes run with
 * preemption disabled, also on PREEMPT_RT.  Slots change under vmastat_table_lock, a
 * raw spinlock, which only the fork/exit/exec tracepoints and readers
 * take.  Tracking data is freed after synchronize_rcu() (which waits for
 * preemption-disabled handlers) and after the last reader's reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/clocksource.h>
#include <linux/delay.h>
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kprobes.h>
#include <linux/hugetlb.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/jump_label.h>
#include <linux/magic.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#ifdef CONFIG_X86
#include <asm/trap_pf.h>
#endif

#include "compat.h"
#include "fault.h"
#include "fault_hook.h"
#include "vmastat.h"

static unsigned int max_procs = 2048;
module_param(max_procs, uint, 0444);
MODULE_PARM_DESC(max_procs, "processes (live and exited) in the fault table (default 2048)");

static unsigned int max_tracked = 8;
module_param(max_tracked, uint, 0444);
MODULE_PARM_DESC(max_tracked, "processes tracked per VMA at once (default 8)");

static unsigned int attr_entries = 65536;
module_param(attr_entries, uint, 0444);
MODULE_PARM_DESC(attr_entries, "per-address granules per tracked process (default 65536)");

static unsigned int ring_entries = 4096;
module_param(ring_entries, uint, 0444);
MODULE_PARM_DESC(ring_entries, "events per CPU per tracked process (default 4096)");

static unsigned int granule_shift = PAGE_SHIFT;
module_param(granule_shift, uint, 0444);
MODULE_PARM_DESC(granule_shift, "default log2 of the attribution granule (default 12: a page)");

static unsigned int wake_us = 10000;
module_param(wake_us, uint, 0444);
MODULE_PARM_DESC(wake_us, "event readers are woken at most this often, in microseconds (default 10000; 0: on every event)");

static int clock_interp = -1;
module_param(clock_interp, int, 0444);
MODULE_PARM_DESC(clock_interp, "fault times: 1 carry CLOCK_MONOTONIC forward with the TSC (where its rate is known) or sched_clock(), 0 read it every time, -1 (default) 1 where the TSC's rate is known, else choose by how long CLOCK_MONOTONIC takes to read; reads back as the choice");

static int direct = -1;
module_param(direct, int, 0444);
MODULE_PARM_DESC(direct, "the hook on handle_mm_fault(): 1 an ftrace direct call, 0 a kretprobe, -1 (default) the direct call where the kernel allows it; reads back as the choice");

static bool classify_all = true;
module_param(classify_all, bool, 0644);
MODULE_PARM_DESC(classify_all, "Y (default): COW, swap-in and THP faults are counted for every process; N: for tracked processes only, which with classify_hooks=N spares the others a page-table read, some 70 instructions per fault");

static bool classify_hooks = true;
module_param(classify_hooks, bool, 0444);
MODULE_PARM_DESC(classify_hooks, "Y (default): tell COW, swap-in and THP faults by ftrace callbacks on the kernel functions that handle them, where the kernel allows; N: by reading each fault's page-table entry when it begins; reads back as the choice");

static unsigned int maxactive;
module_param(maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive, "kretprobe instances when the hook is a kretprobe (default 0: 64 per possible CPU, at least 128)");

/* Slots probed by a lookup or an insert before giving up. */
#define VMASTAT_PROBE_MAX	32
/* Same for the per-address table of a tracked process. */
#define VMASTAT_ATTR_PROBE	32
/* Child trackings waiting for the work item. */
#define VMASTAT_PENDING_MAX	16
/* Tracking data kept ready for children forked by a tracked process. */
#define VMASTAT_SPARES		4

#define VMASTAT_FC(field) \
	(offsetof(struct vmastat_fault_counts, field) / sizeof(u64))
#define VMASTAT_FC_NR	(sizeof(struct vmastat_fault_counts) / sizeof(u64))

enum vmastat_slot_state {
	VMASTAT_SLOT_EMPTY,	/* never used: ends a probe */
	VMASTAT_SLOT_LIVE,
	VMASTAT_SLOT_EXITED,
	VMASTAT_SLOT_FREE,	/* evicted: reusable, probes go on */
};

/**
 * struct vmastat_slot - one process in the fault table
 * @state:	enum vmastat_slot_state, published with release semantics
 * @tgid:	its TGID in the initial PID namespace
 * @key:	@state and @tgid in one word, as the fault path reads them
 * @start_ns:	the group leader's start time (CLOCK_BOOTTIME)
 * @exit_ns:	when it exited, 0 while live
 * @comm:	command name at fork, exec and exit
 * @trk:	tracking data, RCU-protected, NULL when not tracked
 * @exited:	on vmastat_exited_list while exited
 */
struct vmastat_slot {
	union {
		struct {
			u32 state;
			pid_t tgid;
		};
		u64 key;
	};
	u64 start_ns;
	u64 exit_ns;
	char comm[TASK_COMM_LEN];
	struct vmastat_tracked __rcu *trk;
	struct list_head exited;
};

/**
 * struct vmastat_pcpu - a CPU's share of the counters
 * @total:	every fault seen on this CPU
 * @hits:	handle_mm_fault() returns seen
 * @unlisted:	accounted faults of processes without a slot
 * @unattributed: faults of tracked processes that found no granule
 * @procs:	per-slot counters, max_procs-sized array
 */
struct vmastat_pcpu {
	struct vmastat_fault_counts total;
	u64 hits;
	u64 unlisted;
	u64 unattributed;
	struct vmastat_fault_counts *procs;
};

static DEFINE_PER_CPU(struct vmastat_pcpu, vmastat_pcpu);

static struct vmastat_slot *vmastat_slots;
static unsigned int vmastat_nslots;
static unsigned int vmastat_slot_shift;	/* 32 - log2(vmastat_nslots) */
static DEFINE_RAW_SPINLOCK(vmastat_table_lock);
static LIST_HEAD(vmastat_exited_list);
static unsigned int vmastat_nr_live;
static unsigned int vmastat_nr_exited;
static unsigned int vmastat_nr_tracked;
static u64 vmastat_evicted;
static u64 vmastat_table_full;
static u64 vmastat_reset_ns;
/* bytes held by the tables and tracking data: back to 0 after unload */
static atomic64_t vmastat_mem = ATOMIC64_INIT(0);

/* Serialises tracking changes that allocate or free (process context). */
static DEFINE_MUTEX(vmastat_track_mutex);
static LIST_HEAD(vmastat_spares);
static unsigned int vmastat_nr_spares;
static unsigned int vmastat_nr_children;	/* trackings with children */
static struct {
	pid_t tgid;
	u64 start_ns;
	unsigned int shift;
} vmastat_pending[VMASTAT_PENDING_MAX];
static unsigned int vmastat_nr_pending;
static u64 vmastat_children_late;
static void vmastat_track_work_fn(struct work_struct *work);
static DECLARE_WORK(vmastat_track_work, vmastat_track_work_fn);
static bool vmastat_stopping;

/* ---- small helpers ---------------------------------------------------- */

static __always_inline u32 vmastat_fault_kind(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;

	if (vma_is_anonymous(vma))
		return VMASTAT_FK_ANON;
	if (!file || is_vm_hugetlb_page(vma))
		return VMASTAT_FK_OTHER;
	if (!S_ISREG(file_inode(file)->i_mode))
		return VMASTAT_FK_OTHER;
	if (file_inode(file)->i_sb->s_magic == TMPFS_MAGIC)
		return VMASTAT_FK_SHMEM;
	return VMASTAT_FK_FILE;
}

/* Where @tgid's probe starts: hash_32(tgid, log2(vmastat_nslots)). */
static __always_inline unsigned int vmastat_slot_hash(pid_t tgid)
{
	return (u32)(tgid * GOLDEN_RATIO_32) >> vmastat_slot_shift;
}

/* struct vmastat_slot.key of a slot in @state for @tgid */
static __always_inline u64 vmastat_slot_key(u32 state, pid_t tgid)
{
	BUILD_BUG_ON(offsetof(struct vmastat_slot, key) !=
		     offsetof(struct vmastat_slot, state));
#ifdef __LITTLE_ENDIAN
	return (u64)(u32)tgid << 32 | state;
#else
	return (u64)state << 32 | (u32)tgid;
#endif
}

/* the state in a struct vmastat_slot.key */
static __always_inline u32 vmastat_key_state(u64 key)
{
#ifdef __LITTLE_ENDIAN
	return (u32)key;
#else
	return key >> 32;
#endif
}

static __always_inline int vmastat_slot_find(pid_t tgid)
{
	unsigned int i = vmastat_slot_hash(tgid);
	u64 want = vmastat_slot_key(VMASTAT_SLOT_LIVE, tgid);
	unsigned int n;

	for (n = 0; n < VMASTAT_PROBE_MAX; n++) {
		struct vmastat_slot *s = &vmastat_slots[i];
		/*
		 * State and TGID in one load, acquiring what the release in
		 * vmastat_slot_insert() published with the state.
		 */
		u64 key = smp_load_acquire(&s->key);

		if (key == want)
			return i;
		if (vmastat_key_state(key) == VMASTAT_SLOT_EMPTY)
			return -1;
		i = (i + 1) & (vmastat_nslots - 1);
	}
	return -1;
}

static void vmastat_slot_zero(unsigned int i)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(&per_cpu(vmastat_pcpu, cpu).procs[i], 0,
		       sizeof(struct vmastat_fault_counts));
}

/* Drop an exited, untracked slot.  Table lock held. */
static void vmastat_slot_evict(struct vmastat_slot *s)
{
	list_del_init(&s->exited);
	vmastat_nr_exited--;
	vmastat_evicted++;
	WRITE_ONCE(s->state, VMASTAT_SLOT_FREE);
}

static bool vmastat_evict_oldest(void)
{
	struct vmastat_slot *s;

	list_for_each_entry(s, &vmastat_exited_list, exited) {
		if (!rcu_access_pointer(s->trk)) {
			vmastat_slot_evict(s);
			return true;
		}
	}
	return false;
}

/*
 * A reusable slot in @tgid's probe window: an empty or evicted one, else
 * the window's oldest exited untracked slot (evicted now).  Table lock
 * held.  Returns -1U when the window holds only live or tracked slots.
 */
static unsigned int vmastat_slot_free_near(pid_t tgid)
{
	unsigned int i = vmastat_slot_hash(tgid);
	unsigned int n, oldest = -1U;

	for (n = 0; n < VMASTAT_PROBE_MAX; n++) {
		struct vmastat_slot *s = &vmastat_slots[i];

		if (s->state == VMASTAT_SLOT_EMPTY ||
		    s->state == VMASTAT_SLOT_FREE)
			return i;
		if (s->state == VMASTAT_SLOT_EXITED &&
		    !rcu_access_pointer(s->trk) &&
		    (oldest == -1U ||
		     s->exit_ns < vmastat_slots[oldest].exit_ns))
			oldest = i;
		i = (i + 1) & (vmastat_nslots - 1);
	}
	if (oldest != -1U)
		vmastat_slot_evict(&vmastat_slots[oldest]);
	return oldest;
}

/*
 * Give process @p (a thread group leader) a slot.  Table lock held.
 * Returns the slot, or -1 when the table has no room.
 */
static int vmastat_slot_insert(struct task_struct *p)
{
	pid_t tgid = task_tgid_nr(p);
	unsigned int i;
	int found;

	found = vmastat_slot_find(tgid);
	if (found >= 0)
		return found;

	if (vmastat_nr_live + vmastat_nr_exited >= max_procs &&
	    !vmastat_evict_oldest()) {
		vmastat_table_full++;
		return -1;
	}

	i = vmastat_slot_free_near(tgid);
	if (i != -1U) {
		struct vmastat_slot *s = &vmastat_slots[i];

		WRITE_ONCE(s->tgid, tgid);
		s->start_ns = p->group_leader->start_boottime;
		s->exit_ns = 0;
		memcpy(s->comm, p->comm, sizeof(s->comm));
		s->comm[sizeof(s->comm) - 1] = '\0';
		RCU_INIT_POINTER(s->trk, NULL);
		vmastat_slot_zero(i);
		vmastat_nr_live++;
		/* publish the fields above to lock-free lookups */
		smp_store_release(&s->state, VMASTAT_SLOT_LIVE);
		return i;
	}
	vmastat_table_full++;
	return -1;
}

/* ---- tracking data ----------------------------------------------------- */

/* Counters of one granule; one cache line with its key. */
enum {
	VMASTAT_AC_MINOR,
	VMASTAT_AC_MAJOR,
	VMASTAT_AC_READ,
	VMASTAT_AC_WRITE,
	VMASTAT_AC_EXEC,
	VMASTAT_AC_GUP,
	VMASTAT_AC_COW,
	VMASTAT_AC_SWAPIN,
	VMASTAT_AC_THP,
	VMASTAT_AC_RETRY,
	VMASTAT_AC_SEGV,
	VMASTAT_AC_SIGBUS,
	VMASTAT_AC_OOM,
	VMASTAT_AC_KINDS,
	VMASTAT_AC_NR
};

struct vmastat_attr {
	u64 key;			/* granule number + 1; 0: free */
	atomic_t c[VMASTAT_AC_NR];
};

/*
 * A CPU's ring: its header (head written by the CPU's fault path, tail by
 * the reader) and, VMASTAT_RING_EVENTS bytes after it, ring_entries events.
 * The rings of a process are one vmalloc_user() area, which
 * VMASTAT_IOC_EVENTS_MAP lets its reader map: whatever the reader writes
 * there, the fault path indexes the ring with head modulo ring_entries.
 */
#define VMASTAT_RING_EVENTS	PAGE_SIZE

struct vmastat_ring {
	struct vmastat_ring_header *hdr;
};

static __always_inline struct vmastat_event *
vmastat_ring_ev(struct vmastat_ring_header *h, u64 i)
{
	return (struct vmastat_event *)((char *)h + VMASTAT_RING_EVENTS) +
	       (i & (ring_entries - 1));
}

#define VMASTAT_HIST_NR	(VMASTAT_FK_MAX * 2 * VMASTAT_HIST_BUCKETS)

/**
 * struct vmastat_tracked - what is kept for a tracked process
 * @ref:	readers' references, plus one for the slot
 * @node:	on vmastat_spares while a spare
 * @tgid:	the process (initial PID namespace)
 * @start_ns:	its start time, to tell it from a later process of that TGID
 * @children:	children forked from now on are tracked too
 * @dead:	untracked: blocked readers leave
 * @shift:	log2 of the attribution granule
 * @attr_mask:	entries in @attr minus one
 * @attr:	the per-address table
 * @hist:	per-CPU latency histograms, VMASTAT_HIST_NR counters
 * @ring:	per-CPU event rings, pointing into @rings
 * @rings:	the rings' memory: nr_cpu_ids rings of vmastat_ring_size()
 * @mapped:	a VMASTAT_IOC_EVENTS_MAP file is open: it alone consumes
 * @waiters:	readers sleeping in @wait
 * @wait:	where readers of the event stream sleep
 * @wake:	wakes @wait from the fault path (which cannot take its lock),
 *		when wake_us is 0
 * @timer:	wakes @wait every wake_us while there are @waiters
 * @read_mutex:	one consumer of the rings at a time; guards @mapped
 * @counted:	added to the module's memory counter
 */
struct vmastat_tracked {
	struct kref ref;
	struct list_head node;
	pid_t tgid;
	u64 start_ns;
	bool children;
	bool dead;
	unsigned int shift;
	unsigned int attr_mask;
	struct vmastat_attr *attr;
	u64 __percpu *hist;
	struct vmastat_ring __percpu *ring;
	void *rings;
	bool mapped;
	atomic_t waiters;
	wait_queue_head_t wait;
	struct irq_work wake;
	struct hrtimer timer;
	struct mutex read_mutex;	/* see above */
	bool counted;
};

static void vmastat_wake_fn(struct irq_work *work)
{
	struct vmastat_tracked *t = container_of(work, struct vmastat_tracked,
						 wake);

	wake_up_all(&t->wait);
}

static bool vmastat_events_pending(struct vmastat_tracked *t);

static ktime_t vmastat_wake_interval(void)
{
	return ns_to_ktime((u64)wake_us * NSEC_PER_USEC);
}

/*
 * Readers are woken in batches: the fault path only writes its event, and
 * while someone waits this timer looks every wake_us.  Waking a reader on
 * every event costs an interrupt and two context switches per fault.
 * Runs in hard interrupt context, or in softirq context on PREEMPT_RT,
 * where wake_up_all() may take its sleeping lock.
 */
static enum hrtimer_restart vmastat_timer_fn(struct hrtimer *timer)
{
	struct vmastat_tracked *t = container_of(timer, struct vmastat_tracked,
						 timer);

	if (vmastat_events_pending(t))
		wake_up_all(&t->wait);
	if (!atomic_read(&t->waiters))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, vmastat_wake_interval());
	return HRTIMER_RESTART;
}

/* A reader is about to wait, or to poll: make sure it will be woken. */
static void vmastat_waiter_add(struct vmastat_tracked *t)
{
	atomic_inc(&t->waiters);
	/*
	 * Always (re)start: a callback that saw no waiters may be returning
	 * HRTIMER_NORESTART right now; a timer started meanwhile stays queued.
	 */
	if (wake_us)
		hrtimer_start(&t->timer, vmastat_wake_interval(),
			      HRTIMER_MODE_REL);
}

/* Bytes from one CPU's ring to the next in vmastat_tracked.rings. */
static size_t vmastat_ring_size(void)
{
	return VMASTAT_RING_EVENTS +
	       PAGE_ALIGN((size_t)ring_entries * sizeof(struct vmastat_event));
}

/* All of a process's rings: one per CPU number, in vmastat_tracked.rings. */
static size_t vmastat_rings_size(void)
{
	return (size_t)nr_cpu_ids * vmastat_ring_size();
}

/* What vmastat_tracked_alloc() takes, for the module's memory counter. */
static size_t vmastat_tracked_size(void)
{
	return sizeof(struct vmastat_tracked) +
	       (size_t)attr_entries * sizeof(struct vmastat_attr) +
	       (size_t)num_possible_cpus() *
	       (VMASTAT_HIST_NR * sizeof(u64) + sizeof(struct vmastat_ring)) +
	       vmastat_rings_size();
}

static void vmastat_tracked_free(struct vmastat_tracked *t)
{
	if (!t)
		return;
	if (t->counted)
		atomic64_sub(vmastat_tracked_size(), &vmastat_mem);
	irq_work_sync(&t->wake);
	hrtimer_cancel(&t->timer);
	vfree(t->rings);
	free_percpu(t->ring);
	free_percpu(t->hist);
	kvfree(t->attr);
	kfree(t);
}

static void vmastat_tracked_release(struct kref *ref)
{
	vmastat_tracked_free(container_of(ref, struct vmastat_tracked, ref));
}

/**
 * vmastat_tracked_put() - drop a reference taken by vmastat_tracked_get()
 * @t: the tracking data
 */
void vmastat_tracked_put(struct vmastat_tracked *t)
{
	kref_put(&t->ref, vmastat_tracked_release);
}

static struct vmastat_tracked *vmastat_tracked_alloc(unsigned int shift)
{
	struct vmastat_tracked *t;
	int cpu;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	kref_init(&t->ref);
	INIT_LIST_HEAD(&t->node);
	init_waitqueue_head(&t->wait);
	init_irq_work(&t->wake, vmastat_wake_fn);
	hrtimer_init(&t->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->timer.function = vmastat_timer_fn;
	mutex_init(&t->read_mutex);
	t->shift = shift;
	t->attr_mask = attr_entries - 1;
	t->attr = kvcalloc(attr_entries, sizeof(*t->attr), GFP_KERNEL);
	t->hist = __alloc_percpu(VMASTAT_HIST_NR * sizeof(u64), sizeof(u64));
	t->ring = alloc_percpu(struct vmastat_ring);
	/* zeroed, and mappable by remap_vmalloc_range() */
	t->rings = vmalloc_user(vmastat_rings_size());
	if (!t->attr || !t->hist || !t->ring || !t->rings)
		goto err_free;
	for_each_possible_cpu(cpu)
		per_cpu_ptr(t->ring, cpu)->hdr =
			t->rings + cpu * vmastat_ring_size();
	t->counted = true;
	atomic64_add(vmastat_tracked_size(), &vmastat_mem);
	return t;

err_free:
	vmastat_tracked_free(t);
	return NULL;
}

/* Table lock held: slot @i's tracking data. */
static struct vmastat_tracked *vmastat_trk_locked(unsigned int i)
{
	return rcu_dereference_protected(vmastat_slots[i].trk,
					 lockdep_is_held(&vmastat_table_lock));
}

/* Table lock held: attach @t to slot @i. */
static void vmastat_attach(unsigned int i, struct vmastat_tracked *t)
{
	struct vmastat_slot *s = &vmastat_slots[i];

	t->tgid = s->tgid;
	t->start_ns = s->start_ns;
	rcu_assign_pointer(s->trk, t);
	vmastat_nr_tracked++;
	if (t->children)
		vmastat_nr_children++;
}

/* ---- the fault path ------------------------------------------------------ */

/* struct vmastat_fault_data.pte */
#define VMASTAT_PTE_COW		BIT(0)
#define VMASTAT_PTE_SWAP	BIT(1)
#define VMASTAT_PTE_PMD_NONE	BIT(2)
#define VMASTAT_PTE_THP_OK	BIT(3)	/* with PMD_NONE: the VMA may get a THP */

/*
 * How long vmastat_now() carries a CPU's CLOCK_MONOTONIC reading forward
 * before it reads the clocksource again.
 */
#define VMASTAT_CLOCK_ANCHOR_NS	NSEC_PER_MSEC

/**
 * struct vmastat_clock - a CPU's anchor for vmastat_now()
 * @mono:	CLOCK_MONOTONIC when the anchor was taken (ns)
 * @raw:	vmastat_clock_raw() at the same moment
 * @last:	the last time vmastat_now() returned on this CPU
 */
struct vmastat_clock {
	u64 mono;
	u64 raw;
	u64 last;
};

static DEFINE_PER_CPU(struct vmastat_clock, vmastat_clock);

/* clock_interp is 1 */
static DEFINE_STATIC_KEY_FALSE(vmastat_interp);
/* ... and the raw clock is the TSC, read directly */
static DEFINE_STATIC_KEY_FALSE(vmastat_interp_tsc);
/* VMASTAT_CLOCK_ANCHOR_NS in units of the raw clock */
static u64 vmastat_anchor_raw __read_mostly;
/* TSC cycles to nanoseconds: (cycles * mult) >> shift */
static u32 vmastat_tsc_mult __read_mostly;
static u32 vmastat_tsc_shift __read_mostly;

static __always_inline u64 vmastat_clock_raw(void)
{
	if (static_branch_likely(&vmastat_interp_tsc))
		return vmastat_tsc();
	return sched_clock();
}

/*
 * A difference of vmastat_clock_raw() values in nanoseconds, less than
 * vmastat_anchor_raw: the multiplication cannot overflow (the scale was
 * made for a second of cycles).
 */
static __always_inline u64 vmastat_raw_ns(u64 delta)
{
	if (static_branch_likely(&vmastat_interp_tsc))
		return (delta * vmastat_tsc_mult) >> vmastat_tsc_shift;
	return delta;
}

/* vmastat_now()'s rare part: a new anchor for this CPU. */
static noinline u64 vmastat_clock_anchor(struct vmastat_clock *c, u64 raw)
{
	u64 t = ktime_get_mono_fast_ns();

	c->mono = t;
	c->raw = raw;
	if (t < c->last)
		t = c->last;
	c->last = t;
	return t;
}

/*
 * CLOCK_MONOTONIC in nanoseconds, for the fault path.  Reading the
 * clocksource twice per fault is a large part of what tracking costs: a
 * call, a sequence count, an indirect call to the clocksource's read and
 * a scaling where the clocksource is the TSC, and far more wherever it is
 * slow (the HPET: a TCG guest marks its TSC unstable and uses the HPET,
 * 1.1-1.6 us a read).  So (clock_interp 1, see vmastat_clock_choose())
 * each CPU reads CLOCK_MONOTONIC at most once per VMASTAT_CLOCK_ANCHOR_NS
 * and carries it forward with a raw clock: the TSC read directly where
 * vmastat_tsc_khz() knows its rate, else sched_clock().  Not
 * local_clock(): where the TSC is unstable that one is held within a tick
 * of the last tick's CLOCK_MONOTONIC, and stands still when a tick comes
 * late.  The result is off from CLOCK_MONOTONIC by what the two clocks
 * drift apart in that time, and never goes backward on a CPU.  Times taken
 * on two CPUs can be compared: each is close to CLOCK_MONOTONIC, which is
 * global, whatever the offset between the CPUs' TSCs.
 *
 * Call with preemption disabled, and only from the fault path's probes
 * and the SIGSEGV probe: they run in the faulting task, so they do not
 * nest on a CPU.
 */
static __always_inline u64 vmastat_now(void)
{
	struct vmastat_clock *c;
	u64 raw, t;

	if (!static_branch_likely(&vmastat_interp))
		return ktime_get_mono_fast_ns();
	c = this_cpu_ptr(&vmastat_clock);
	raw = vmastat_clock_raw();
	/* also when the raw clock is behind the anchor (a wrap) */
	if (unlikely(raw - c->raw >= vmastat_anchor_raw))
		return vmastat_clock_anchor(c, raw);
	t = c->mono + vmastat_raw_ns(raw - c->raw);
	if (unlikely(t < c->last))
		t = c->last;
	c->last = t;
	return t;
}

/* Reads of CLOCK_MONOTONIC slower than this make vmastat_now() interpolate. */
#define VMASTAT_CLOCK_SLOW_NS	200
#define VMASTAT_CLOCK_SAMPLES	16

/*
 * clock_interp -1: interpolate with the TSC where its rate is known: that
 * is cheaper than any clocksource read.  Elsewhere time a few reads of
 * CLOCK_MONOTONIC with sched_clock() and interpolate if one takes longer
 * than VMASTAT_CLOCK_SLOW_NS (a TSC clocksource takes some 20 ns, the HPET
 * 0.5 us or more).
 */
static int vmastat_clock_choose(void)
{
	unsigned int khz = vmastat_tsc_khz();
	unsigned long irqflags;
	u64 t0, t1;
	int i;

	if (clock_interp < -1 || clock_interp > 1) {
		pr_err("clock_interp must be -1, 0 or 1\n");
		return -EINVAL;
	}
	if (clock_interp < 0 && khz) {
		clock_interp = 1;
	} else if (clock_interp < 0) {
		local_irq_save(irqflags);
		t0 = sched_clock();
		for (i = 0; i < VMASTAT_CLOCK_SAMPLES; i++)
			ktime_get_mono_fast_ns();
		t1 = sched_clock();
		local_irq_restore(irqflags);
		clock_interp = t1 - t0 >
			       VMASTAT_CLOCK_SAMPLES * VMASTAT_CLOCK_SLOW_NS;
		pr_info("CLOCK_MONOTONIC takes %llu ns to read\n",
			(t1 - t0) / VMASTAT_CLOCK_SAMPLES);
	}
	if (!clock_interp) {
		pr_info("fault times: CLOCK_MONOTONIC read for every fault\n");
		return 0;
	}
	if (khz) {
		/* cycles per millisecond to nanoseconds per millisecond */
		clocks_calc_mult_shift(&vmastat_tsc_mult, &vmastat_tsc_shift,
				       khz, NSEC_PER_MSEC, 1000);
		vmastat_anchor_raw = (u64)khz * VMASTAT_CLOCK_ANCHOR_NS /
				     NSEC_PER_MSEC;
		static_branch_enable(&vmastat_interp_tsc);
	} else {
		vmastat_anchor_raw = VMASTAT_CLOCK_ANCHOR_NS;
	}
	static_branch_enable(&vmastat_interp);
	if (khz)
		pr_info("fault times: CLOCK_MONOTONIC carried forward with the TSC (%u kHz)\n",
			khz);
	else
		pr_info("fault times: CLOCK_MONOTONIC carried forward with sched_clock()\n");
	return 0;
}

/**
 * struct vmastat_fault_data - what the entry handler saw, for the return
 * @t0:		vmastat_now() at entry, when the process is tracked (a
 *		fault that sleeps may return on another CPU: the CPUs'
 *		sched_clock() values may differ, vmastat_now()'s do not)
 * @address:	the faulting address
 * @uregs:	the user registers, NULL for get_user_pages(): they stay on
 *		the task's stack until the fault returns
 * @mm:		the address space that faulted (not the current process's
 *		for a remote get_user_pages())
 * @flags:	FAULT_FLAG_*
 * @slot:	the current process's slot, -1 if none
 * @kind:	enum vmastat_fault_kind
 * @pte:	VMASTAT_PTE_*: what the page table held at entry (the peek);
 *		with the marks 0, their class being taken at return
 * @timed:	the process was tracked at entry: @t0 is valid
 * @small:	@kind, @pte and @timed, to set them in one store
 */
struct vmastat_fault_data {
	u64 t0;
	unsigned long address;
	struct pt_regs *uregs;
	struct mm_struct *mm;
	unsigned int flags;
	int slot;
	/* set in one store at entry */
	union {
		struct {
			u8 kind;
			u8 pte;
			u8 timed;
		};
		u32 small;
	};
};

/* @kind, @pte and @timed of struct vmastat_fault_data as its @small */
static __always_inline u32 vmastat_fd_small(u8 kind, u8 pte, u8 timed)
{
	BUILD_BUG_ON(offsetof(struct vmastat_fault_data, pte) !=
		     offsetof(struct vmastat_fault_data, kind) + 1 ||
		     offsetof(struct vmastat_fault_data, timed) !=
		     offsetof(struct vmastat_fault_data, kind) + 2);
#ifdef __LITTLE_ENDIAN
	return kind | pte << 8 | timed << 16;
#else
	return kind << 24 | pte << 16 | timed << 8;
#endif
}

/* Taken by the kernel for get_user_pages() rather than by a user access. */
static __always_inline bool vmastat_fd_gup(const struct vmastat_fault_data *d)
{
	return !d->uregs;
}

/* In another process's address space (a remote get_user_pages()). */
static __always_inline bool
vmastat_fd_remote(const struct vmastat_fault_data *d)
{
	return d->mm != current->mm;
}

/*
 * Walk down to the PMD of @addr without locks.  The caller is inside the
 * fault (the VMA or mmap lock is held), so upper tables stay.  PTE tables
 * can be freed by RCU on newer kernels: the callers are the fault probes,
 * which run with preemption disabled, and since RCU's flavours were
 * consolidated (4.20) a grace period waits for every such section, so
 * that is an RCU read-side critical section already.  rcu_read_lock() is
 * a function call with PREEMPT_RCU, on every fault.
 */
static __always_inline pmd_t *vmastat_pmdp_generic(struct mm_struct *mm,
						   unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;
	pud_t pudval;

	if (pgd_none(READ_ONCE(*pgd)))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)))
		return NULL;
	pud = pud_offset(p4d, addr);
	pudval = READ_ONCE(*pud);
	if (pud_none(pudval) || !pud_present(pudval) || pud_leaf(pudval))
		return NULL;
	return pmd_offset(pud, addr);
}

#ifdef CONFIG_X86_64
/*
 * The same walk on x86-64 when the kernel is not a Xen PV guest: the
 * entries then hold physical addresses, and are read without the
 * paravirt accessors (pgd_val(), pud_val(), pmd_val(): a call each with
 * CONFIG_PARAVIRT).  With the PMD checks below, this took vmastat's cost
 * per first-touch fault from about 293 to 232 instructions (6.1, counted
 * under QEMU -icount); the peek is now some 75 of them.
 */
static __always_inline bool vmastat_native_pt(void)
{
	return !cpu_feature_enabled(X86_FEATURE_XENPV);
}

static __always_inline unsigned long vmastat_next_table(unsigned long entry)
{
	return (unsigned long)__va(entry & PTE_PFN_MASK);
}

static __always_inline pmd_t *vmastat_pmdp_native(struct mm_struct *mm,
						  unsigned long addr)
{
	unsigned long v = native_pgd_val(READ_ONCE(*pgd_offset(mm, addr)));
	pud_t *pud;

	if (pgtable_l5_enabled()) {
		p4d_t *p4d;

		if (!(v & _PAGE_PRESENT))
			return NULL;
		p4d = (p4d_t *)vmastat_next_table(v) + p4d_index(addr);
		v = native_p4d_val(READ_ONCE(*p4d));
	}
	if (!(v & _PAGE_PRESENT))
		return NULL;
	pud = (pud_t *)vmastat_next_table(v) + pud_index(addr);
	v = native_pud_val(READ_ONCE(*pud));
	if (!(v & _PAGE_PRESENT) || (v & _PAGE_PSE))
		return NULL;
	return (pmd_t *)vmastat_next_table(v) + pmd_index(addr);
}

#define vmastat_pmd_bits(pmd)	native_pmd_val(pmd)

/* The PTE of @addr in the table that @pmdval, a PTE table's entry, points to. */
static __always_inline pte_t *vmastat_ptep(pmd_t pmdval, unsigned long addr)
{
	if (vmastat_native_pt())
		return (pte_t *)vmastat_next_table(native_pmd_val(pmdval)) +
		       pte_index(addr);
	return pte_offset_kernel(&pmdval, addr);
}
#else
#define vmastat_pmd_bits(pmd)	pmd_val(pmd)

static __always_inline bool vmastat_native_pt(void)
{
	return false;
}

static __always_inline pmd_t *vmastat_pmdp_native(struct mm_struct *mm,
						  unsigned long addr)
{
	return NULL;
}

static __always_inline pte_t *vmastat_ptep(pmd_t pmdval, unsigned long addr)
{
	return pte_offset_kernel(&pmdval, addr);
}
#endif

static __always_inline pmd_t *vmastat_pmdp(struct mm_struct *mm,
					   unsigned long addr)
{
	if (vmastat_native_pt())
		return vmastat_pmdp_native(mm, addr);
	return vmastat_pmdp_generic(mm, addr);
}

/* What a PTE read at the fault's entry says about the fault: VMASTAT_PTE_*. */
static __always_inline u8 vmastat_pte_kind(struct vm_area_struct *vma,
					   pte_t pte, unsigned int flags)
{
	if (pte_present(pte)) {
		if ((flags & FAULT_FLAG_WRITE) && !pte_write(pte) &&
		    !(vma->vm_flags & VM_SHARED))
			return VMASTAT_PTE_COW;
	} else if (!pte_none(pte)) {
		if (!non_swap_entry(pte_to_swp_entry(pte)))
			return VMASTAT_PTE_SWAP;
	}
	return 0;
}

/* No PMD yet: the fault may map a transparent huge page. */
static __always_inline u8 vmastat_pmd_none(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_NOHUGEPAGE)
		return VMASTAT_PTE_PMD_NONE;
	return VMASTAT_PTE_PMD_NONE | VMASTAT_PTE_THP_OK;
}

static __always_inline u8 vmastat_peek(struct vm_area_struct *vma,
				       unsigned long addr, unsigned int flags)
{
	pmd_t *pmdp;
	pmd_t pmdval;
	pte_t pte;

	if (is_vm_hugetlb_page(vma))
		return 0;
	pmdp = vmastat_pmdp(vma->vm_mm, addr);
	if (!pmdp)
		return vmastat_pmd_none(vma);
	pmdval = vmastat_pmdp_get_lockless(pmdp);
	if (pmd_none(pmdval))
		return vmastat_pmd_none(vma);
	if (vmastat_native_pt()) {
		/*
		 * Present and not a leaf: a PTE table (pmd_present() also
		 * takes a THP that is being split, and pmd_trans_huge()
		 * reads the entry through the paravirt accessor).
		 */
		if ((vmastat_pmd_bits(pmdval) & (_PAGE_PRESENT | _PAGE_PSE)) !=
		    _PAGE_PRESENT)
			return 0;
	} else if (!pmd_present(pmdval) || pmd_trans_huge(pmdval) ||
		   pmd_bad(pmdval)) {
		return 0;
	}
	pte = ptep_get(vmastat_ptep(pmdval, addr));
	return vmastat_pte_kind(vma, pte, flags);
}

static bool vmastat_thp_mapped(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmdp;
	bool ret = false;

	pmdp = vmastat_pmdp(mm, addr);
	if (pmdp)
		ret = pmd_trans_huge(vmastat_pmdp_get_lockless(pmdp));
	return ret;
}

static struct vmastat_tracked *vmastat_slot_trk(int slot)
{
	if (slot < 0)
		return NULL;
	return rcu_dereference_sched(vmastat_slots[slot].trk);
}

/* ---- marks: the rare classes, told by the functions that handle them ---- */

/*
 * Reading each fault's page-table entry at entry (vmastat_peek()) costs a
 * first-touch fault some 70 instructions, to tell the few faults that are
 * COW, swap-in or THP.  Where ftrace can call the module at the start of the
 * kernel functions that handle those, do_wp_page() (a write to a present
 * read-only entry), do_swap_page() (a swap entry), do_huge_pmd_anonymous_page()
 * and do_set_pmd() (a huge page may be mapped), a callback there leaves a
 * mark for the faulting task, and handle_mm_fault()'s return takes it.  The
 * fault path then reads no page table, and pays a load and a branch while no
 * mark is held.
 *
 * A mark is for one fault: the task, the address and the flags the fault
 * began with.  The return takes the task's mark whatever it holds, so that
 * a mark left by a fault that did not return through vmastat (one that began
 * while the module loaded) lasts until the task's next fault or exit.
 */
#define VMASTAT_MARKS		512
#define VMASTAT_MARK_PROBE	16
/* The flags a mark compares: the kernel adds others on the way down. */
#define VMASTAT_MARK_FLAGS	(FAULT_FLAG_WRITE | FAULT_FLAG_TRIED | \
				 FAULT_FLAG_INSTRUCTION | FAULT_FLAG_UNSHARE)

/**
 * struct vmastat_mark - the rare class of one fault in progress
 * @task:	the faulting task, NULL when the entry is free
 * @address:	the address the fault began with
 * @flags:	its FAULT_FLAG_*, those in VMASTAT_MARK_FLAGS
 * @bits:	VMASTAT_PTE_*
 */
struct vmastat_mark {
	struct task_struct *task;
	unsigned long address;
	unsigned int flags;
	u8 bits;
};

static struct vmastat_mark vmastat_marks[VMASTAT_MARKS];
/*
 * Marks held: the return looks for one only when this is not 0.  Every
 * fault reads it and every COW or swap-in fault writes it: a cache line
 * of its own, so that those writes do not evict what the fault path
 * only reads.
 */
static atomic_t vmastat_nr_marks ____cacheline_aligned_in_smp;
/* Marks that found no free entry: their faults lost their class. */
static atomic_long_t vmastat_marks_lost;
/* On when the marks' callbacks are not in place: the entry reads the PTE. */
static DEFINE_STATIC_KEY_TRUE(vmastat_peek_on);

static __always_inline unsigned int vmastat_mark_hash(struct task_struct *t)
{
	return hash_ptr(t, ilog2(VMASTAT_MARKS));
}

/**
 * vmastat_marks_lost_read() - faults whose class found no room for a mark
 *
 * Such a fault is counted, but not as COW, swap-in or THP.
 *
 * Return: how many since the module loaded.
 */
unsigned long vmastat_marks_lost_read(void)
{
	return atomic_long_read(&vmastat_marks_lost);
}

/* Take the mark of the fault @d of current, if it left one. */
static noinline u8 vmastat_mark_take(const struct vmastat_fault_data *d)
{
	unsigned int i = vmastat_mark_hash(current);
	unsigned int n;

	for (n = 0; n < VMASTAT_MARK_PROBE; n++) {
		struct vmastat_mark *m = &vmastat_marks[i];

		if (READ_ONCE(m->task) == current) {
			u8 bits = 0;

			if (m->address == d->address &&
			    m->flags == (d->flags & VMASTAT_MARK_FLAGS))
				bits = m->bits;
			/* the fields are read before the entry is free */
			smp_store_release(&m->task, NULL);
			atomic_dec(&vmastat_nr_marks);
			return bits;
		}
		i = (i + 1) & (VMASTAT_MARKS - 1);
	}
	return 0;
}

/* A task that exits in a fault that did not return through vmastat. */
static void vmastat_mark_drop(struct task_struct *p)
{
	unsigned int i = vmastat_mark_hash(p);
	unsigned int n;

	for (n = 0; n < VMASTAT_MARK_PROBE; n++) {
		struct vmastat_mark *m = &vmastat_marks[i];

		if (READ_ONCE(m->task) == p) {
			WRITE_ONCE(m->task, NULL);
			atomic_dec(&vmastat_nr_marks);
			return;
		}
		i = (i + 1) & (VMASTAT_MARKS - 1);
	}
}

#ifdef VMASTAT_MARKS_HOOKS
/*
 * Whether current's faults get their rare classes: all processes', or with
 * classify_all=N the tracked ones' only (as vmastat_enter() decides it).
 */
static bool vmastat_mark_wanted(void)
{
	int slot;

	if (READ_ONCE(classify_all))
		return true;
	slot = vmastat_slot_find(current->tgid);
	return !!vmastat_slot_trk(slot);
}

/*
 * Leave @bits for the fault @vmf of current.  A swap-in that then copies
 * the page (do_swap_page() calls do_wp_page()) stays a swap-in, as the
 * entry's PTE said.  Runs with preemption disabled.
 */
static void vmastat_mark(const struct vm_fault *vmf, u8 bits)
{
	unsigned int i = vmastat_mark_hash(current);
	unsigned int n;

	for (n = 0; n < VMASTAT_MARK_PROBE; n++) {
		struct vmastat_mark *m = &vmastat_marks[i];
		struct task_struct *t = READ_ONCE(m->task);

		if (t == current) {
			if (m->address != vmf->real_address ||
			    m->flags != (vmf->flags & VMASTAT_MARK_FLAGS)) {
				/* left by a fault that did not return here */
				m->address = vmf->real_address;
				m->flags = vmf->flags & VMASTAT_MARK_FLAGS;
				m->bits = bits;
			} else if (!(m->bits & VMASTAT_PTE_SWAP)) {
				m->bits |= bits;
			}
			return;
		}
		if (!t && !cmpxchg(&m->task, NULL, current)) {
			m->address = vmf->real_address;
			m->flags = vmf->flags & VMASTAT_MARK_FLAGS;
			m->bits = bits;
			atomic_inc(&vmastat_nr_marks);
			return;
		}
		i = (i + 1) & (VMASTAT_MARKS - 1);
	}
	atomic_long_inc(&vmastat_marks_lost);
}

/* do_wp_page(): a write fault on a present entry that is not writable. */
static void notrace vmastat_wp_fn(unsigned long ip, unsigned long pip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	const struct vm_fault *vmf = (void *)vmastat_fregs_arg0(fregs);

	/* not FAULT_FLAG_UNSHARE, not a shared mapping's write notification */
	if (!(vmf->flags & FAULT_FLAG_WRITE) ||
	    (vmf->vma->vm_flags & VM_SHARED) || !vmastat_mark_wanted())
		return;
	vmastat_mark(vmf, VMASTAT_PTE_COW);
}

/* do_swap_page(): any entry that is not present and not none. */
static void notrace vmastat_swap_fn(unsigned long ip, unsigned long pip,
				    struct ftrace_ops *op,
				    struct ftrace_regs *fregs)
{
	const struct vm_fault *vmf = (void *)vmastat_fregs_arg0(fregs);

	/* a swap entry: not a migration, device or marker entry */
	if (non_swap_entry(pte_to_swp_entry(vmf->orig_pte)) ||
	    !vmastat_mark_wanted())
		return;
	vmastat_mark(vmf, VMASTAT_PTE_SWAP);
}

/*
 * do_huge_pmd_anonymous_page(), do_set_pmd(): the fault may map a huge
 * page; vmastat_count_more() looks at the PMD when the fault is done.
 */
static void notrace vmastat_thp_fn(unsigned long ip, unsigned long pip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	const struct vm_fault *vmf = (void *)vmastat_fregs_arg0(fregs);

	if (!vmastat_mark_wanted())
		return;
	vmastat_mark(vmf, VMASTAT_PTE_PMD_NONE | VMASTAT_PTE_THP_OK);
}

/**
 * struct vmastat_mark_hook - an ftrace callback that leaves marks
 * @func:	the kernel function
 * @thp:	one that only a kernel with THP has
 * @ops:	its ftrace_ops
 * @filtered:	@ops has a filter to free
 * @on:		registered
 */
struct vmastat_mark_hook {
	const char *func;
	bool thp;
	struct ftrace_ops ops;
	bool filtered;
	bool on;
};

static struct vmastat_mark_hook vmastat_mark_hooks[] = {
	{ .func = "do_wp_page", .ops.func = vmastat_wp_fn },
	{ .func = "do_swap_page", .ops.func = vmastat_swap_fn },
	{ .func = "do_huge_pmd_anonymous_page", .thp = true,
	  .ops.func = vmastat_thp_fn },
	{ .func = "do_set_pmd", .thp = true, .ops.func = vmastat_thp_fn },
};

static void vmastat_marks_stop(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmastat_mark_hooks); i++) {
		struct vmastat_mark_hook *h = &vmastat_mark_hooks[i];

		if (h->on)
			unregister_ftrace_function(&h->ops);
		/* it frees the hashes without forgetting them: once only */
		if (h->filtered)
			ftrace_free_filter(&h->ops);
		h->on = false;
		h->filtered = false;
	}
}

static int vmastat_marks_start(void)
{
	char buf[32];
	int err = 0, i;

	for (i = 0; i < ARRAY_SIZE(vmastat_mark_hooks); i++) {
		struct vmastat_mark_hook *h = &vmastat_mark_hooks[i];

		/* without THP no fault maps a huge page */
		if (h->thp && !IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
			continue;
		/* the filter's parser may write into its argument */
		strscpy(buf, h->func, sizeof(buf));
		h->filtered = true;
		err = ftrace_set_filter(&h->ops, (unsigned char *)buf,
					strlen(buf), 1);
		if (!err)
			err = register_ftrace_function(&h->ops);
		if (err) {
			pr_info("no ftrace callback on %s (%d): reading each fault's PTE instead\n",
				h->func, err);
			vmastat_marks_stop();
			return err;
		}
		h->on = true;
	}
	return 0;
}
#else
static int vmastat_marks_start(void)
{
	return -EOPNOTSUPP;
}

static void vmastat_marks_stop(void)
{
}
#endif

static struct vmastat_attr *vmastat_attr_get(struct vmastat_tracked *t,
					     unsigned long addr)
{
	u64 key = (addr >> t->shift) + 1;
	unsigned int i = hash_64(key, 32) & t->attr_mask;
	unsigned int n;

	for (n = 0; n < VMASTAT_ATTR_PROBE; n++) {
		struct vmastat_attr *a = &t->attr[i];
		u64 k = READ_ONCE(a->key);

		if (!k) {
			k = cmpxchg(&a->key, 0, key);
			if (!k)
				return a;
		}
		if (k == key)
			return a;
		i = (i + 1) & t->attr_mask;
	}
	return NULL;
}

/* The per-tracked-process part of one fault: granule, histogram, event. */
static __always_inline void
vmastat_track_fault(struct vmastat_tracked *t,
		    const struct vmastat_fault_data *d, u32 outcome,
		    u32 evflags, u32 access)
{
	u64 now = vmastat_now();
	u64 latency = 0;
	struct vmastat_ring_header *h;
	struct vmastat_event *ev;
	u64 head, used;

	if (d->timed && now > d->t0)
		latency = now - d->t0;

	if (!vmastat_fd_remote(d)) {
		struct vmastat_attr *a = vmastat_attr_get(t, d->address);

		if (!a) {
			this_cpu_inc(vmastat_pcpu.unattributed);
		} else {
			static const u8 oc[] = {
				[VMASTAT_OUTCOME_MINOR] = VMASTAT_AC_MINOR,
				[VMASTAT_OUTCOME_MAJOR] = VMASTAT_AC_MAJOR,
				[VMASTAT_OUTCOME_RETRY] = VMASTAT_AC_RETRY,
				[VMASTAT_OUTCOME_SEGV] = VMASTAT_AC_SEGV,
				[VMASTAT_OUTCOME_SIGBUS] = VMASTAT_AC_SIGBUS,
				[VMASTAT_OUTCOME_OOM] = VMASTAT_AC_OOM,
			};

			atomic_inc(&a->c[oc[outcome]]);
			if (outcome <= VMASTAT_OUTCOME_MAJOR) {
				atomic_inc(&a->c[VMASTAT_AC_READ + access]);
				if (evflags & VMASTAT_EV_GUP)
					atomic_inc(&a->c[VMASTAT_AC_GUP]);
				if (evflags & VMASTAT_EV_COW)
					atomic_inc(&a->c[VMASTAT_AC_COW]);
				if (evflags & VMASTAT_EV_SWAPIN)
					atomic_inc(&a->c[VMASTAT_AC_SWAPIN]);
				if (evflags & VMASTAT_EV_THP)
					atomic_inc(&a->c[VMASTAT_AC_THP]);
			}
			/* seldom new: spare the locked instruction */
			if (!(atomic_read(&a->c[VMASTAT_AC_KINDS]) &
			      BIT(d->kind)))
				atomic_or(BIT(d->kind),
					  &a->c[VMASTAT_AC_KINDS]);
		}
	}

	if (outcome <= VMASTAT_OUTCOME_MAJOR && d->timed) {
		u64 *h = this_cpu_ptr(t->hist);
		unsigned int b = latency < 2 ? 0 :
			min_t(unsigned int, ilog2(latency),
			      VMASTAT_HIST_BUCKETS - 1);

		h[(d->kind * 2 + outcome) * VMASTAT_HIST_BUCKETS + b]++;
	}

	h = this_cpu_read(t->ring->hdr);
	head = h->head;
	/* the reader is done with the slots below tail: pairs with its release */
	used = head - smp_load_acquire(&h->tail);
	if (used >= ring_entries) {
		h->drops++;
		return;
	}
	ev = vmastat_ring_ev(h, head);
	ev->time_ns = now;
	ev->address = d->address;
	ev->ip = d->uregs && user_mode(d->uregs) ?
		 instruction_pointer(d->uregs) : 0;
	ev->latency_ns = latency;
	ev->tid = task_pid_nr(current);
	ev->cpu = smp_processor_id();
	ev->kind = d->kind;
	ev->access = access;
	ev->outcome = outcome;
	ev->pad = 0;
	ev->flags = evflags;
	/* publish the event: pairs with the reader's acquire of head */
	smp_store_release(&h->head, head + 1);
	if (wake_us) {
		/*
		 * vmastat_timer_fn() wakes the readers, or a ring that gets
		 * half full: faults can come faster than a ring per wake_us.
		 */
		if (unlikely(used == ring_entries / 2) &&
		    atomic_read(&t->waiters))
			irq_work_queue(&t->wake);
		return;
	}
	/* Pairs with the barrier in set_current_state() of a reader. */
	smp_mb();
	if (atomic_read(&t->waiters))
		irq_work_queue(&t->wake);
}

/*
 * What the fault's entry records for its return.  The kretprobe's handler
 * runs with preemption disabled; the direct call's does not, and disables
 * it only around what needs it: the page-table read (under RCU) and the
 * clock (per CPU).  The slot table lives as long as the module, and a
 * slot's tracking data is only tested for NULL here.
 */
static __always_inline void vmastat_enter(struct vmastat_fault_data *d,
					  struct vm_area_struct *vma,
					  unsigned long address,
					  unsigned int flags,
					  struct pt_regs *uregs)
{
	bool timed;

	d->address = address;
	d->flags = flags;
	d->mm = vma->vm_mm;
	d->slot = vmastat_slot_find(current->tgid);
	d->uregs = uregs;
	timed = d->slot >= 0 && rcu_access_pointer(vmastat_slots[d->slot].trk);
	d->small = vmastat_fd_small(vmastat_fault_kind(vma), 0, timed);
	if (static_branch_unlikely(&vmastat_peek_on) &&
	    (d->timed || READ_ONCE(classify_all))) {
		preempt_disable_notrace();
		d->pte = vmastat_peek(vma, address, flags);
		preempt_enable_notrace();
	}
	if (d->timed) {
		preempt_disable_notrace();
		d->t0 = vmastat_now();
		preempt_enable_notrace();
	}
}

static __always_inline void vmastat_count(u64 *tot, u64 *proc, unsigned int i)
{
	tot[i]++;
	if (proc)
		proc[i]++;
}

/*
 * The rarer parts of a completed fault: taken by the kernel, in another
 * process, COW, swap-in, a new THP.  Returns the event's VMASTAT_EV_* bits.
 */
static noinline u32 vmastat_count_more(const struct vmastat_fault_data *d,
				       vm_fault_t ret, bool major,
				       u64 *tot, u64 *proc)
{
	u32 evflags = 0;

	if (vmastat_fd_gup(d)) {
		vmastat_count(tot, proc, major ? VMASTAT_FC(gup_major) :
						 VMASTAT_FC(gup_minor));
		evflags |= VMASTAT_EV_GUP;
	}
	if (vmastat_fd_remote(d)) {
		vmastat_count(tot, proc, VMASTAT_FC(remote));
		evflags |= VMASTAT_EV_REMOTE;
	}
	if (d->pte & VMASTAT_PTE_COW) {
		vmastat_count(tot, proc, VMASTAT_FC(cow));
		evflags |= VMASTAT_EV_COW;
	}
	if (d->pte & VMASTAT_PTE_SWAP) {
		vmastat_count(tot, proc, VMASTAT_FC(swapin));
		evflags |= VMASTAT_EV_SWAPIN;
	}
	if ((d->pte & VMASTAT_PTE_THP_OK) && !(ret & VM_FAULT_COMPLETED) &&
	    vmastat_thp_mapped(d->mm, d->address)) {
		vmastat_count(tot, proc, VMASTAT_FC(thp));
		evflags |= VMASTAT_EV_THP;
	}
	return evflags;
}

/* A fault that did not complete: retried, or an error. */
static noinline u32 vmastat_count_failed(const struct vmastat_fault_data *d,
					 vm_fault_t ret, u64 *tot, u64 *proc)
{
	if (ret & VM_FAULT_RETRY) {
		vmastat_count(tot, proc, VMASTAT_FC(retry));
		return VMASTAT_OUTCOME_RETRY;
	}
	if (ret & VM_FAULT_OOM) {
		vmastat_count(tot, proc, VMASTAT_FC(oom));
		return VMASTAT_OUTCOME_OOM;
	}
	if (ret & VM_FAULT_SIGSEGV) {
		/* A user fault's SIGSEGV is counted as the signal. */
		if (vmastat_fd_gup(d))
			vmastat_count(tot, proc, VMASTAT_FC(segv));
		return VMASTAT_OUTCOME_SEGV;
	}
	vmastat_count(tot, proc, VMASTAT_FC(sigbus));
	return VMASTAT_OUTCOME_SIGBUS;
}

/*
 * Account the fault that vmastat_enter() saw begin and that returned @ret.
 * Inlined into both hooks' return handlers: the common case, a completed
 * fault of an untracked process, takes three counter increments per array
 * and no calls.
 */
static __always_inline void vmastat_leave(struct vmastat_fault_data *d,
					  vm_fault_t ret)
{
	struct vmastat_pcpu *pc = this_cpu_ptr(&vmastat_pcpu);
	u64 *tot = (u64 *)&pc->total;
	u64 *proc = d->slot >= 0 ? (u64 *)&pc->procs[d->slot] : NULL;
	struct vmastat_tracked *t;
	u32 outcome, access, evflags = 0;

	/* the indexes below add an outcome or access to the first counter */
	BUILD_BUG_ON(VMASTAT_FC(minor) + 1 != VMASTAT_FC(major));
	BUILD_BUG_ON(VMASTAT_FC(read) + VMASTAT_ACCESS_WRITE != VMASTAT_FC(write));
	BUILD_BUG_ON(VMASTAT_FC(read) + VMASTAT_ACCESS_EXEC != VMASTAT_FC(exec));
	BUILD_BUG_ON(VMASTAT_OUTCOME_MINOR + 1 != VMASTAT_OUTCOME_MAJOR);
	if (unlikely(atomic_read(&vmastat_nr_marks)))
		d->pte |= vmastat_mark_take(d);
	pc->hits++;
	if (d->flags & FAULT_FLAG_INSTRUCTION)
		access = VMASTAT_ACCESS_EXEC;
	else if (d->flags & FAULT_FLAG_WRITE)
		access = VMASTAT_ACCESS_WRITE;
	else
		access = VMASTAT_ACCESS_READ;

	if (likely(!(ret & (VM_FAULT_RETRY | VM_FAULT_ERROR)))) {
		/* mm_account_fault(): a retried fault that completes is major */
		bool major = (ret & VM_FAULT_MAJOR) ||
			     (d->flags & FAULT_FLAG_TRIED);

		outcome = VMASTAT_OUTCOME_MINOR + major;
		vmastat_count(tot, proc, VMASTAT_FC(minor) + major);
		vmastat_count(tot, proc,
			      VMASTAT_FC(anon_minor) + d->kind * 2 + major);
		vmastat_count(tot, proc, VMASTAT_FC(read) + access);
		if (unlikely(vmastat_fd_gup(d) | vmastat_fd_remote(d) | d->pte))
			evflags = vmastat_count_more(d, ret, major, tot, proc);
		if (!proc)
			pc->unlisted++;
	} else {
		outcome = vmastat_count_failed(d, ret, tot, proc);
		if (vmastat_fd_gup(d))
			evflags |= VMASTAT_EV_GUP;
		if (vmastat_fd_remote(d))
			evflags |= VMASTAT_EV_REMOTE;
	}

	/*
	 * Only a fault that began tracked is recorded (one that began just
	 * before tracking started has no start time), if still tracked.
	 */
	t = d->timed ? vmastat_slot_trk(d->slot) : NULL;
	/* a user fault's SIGSEGV is recorded by vmastat_signal_probe() */
	if (unlikely(t) &&
	    !(outcome == VMASTAT_OUTCOME_SEGV && !vmastat_fd_gup(d)))
		vmastat_track_fault(t, d, outcome, evflags, access);
}

/* ---- the hook: a kretprobe, or an ftrace direct call -------------------- */

static int vmastat_fault_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	vmastat_enter((void *)ri->data,
		      (void *)regs_get_kernel_argument(regs, 0),
		      regs_get_kernel_argument(regs, 1),
		      regs_get_kernel_argument(regs, 2),
		      (void *)regs_get_kernel_argument(regs, 3));
	return 0;
}

static int vmastat_fault_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	vmastat_leave((void *)ri->data,
		      (__force vm_fault_t)regs_return_value(regs));
	return 0;
}

static struct kretprobe vmastat_krp = {
	.kp.symbol_name	= "handle_mm_fault",
	.entry_handler	= vmastat_fault_entry,
	.handler	= vmastat_fault_return,
	.data_size	= sizeof(struct vmastat_fault_data),
};

#ifdef VMASTAT_DIRECT
/*
 * Tasks inside vmastat_direct_fault(), summed over the CPUs (a task that
 * sleeps in the fault may leave on another CPU, so one CPU's count can go
 * below zero).  Unloading waits for 0: they return through module text.
 */
static DEFINE_PER_CPU(unsigned long, vmastat_in_fault);
static struct ftrace_ops vmastat_direct_ops;

/**
 * vmastat_direct_fault() - handle_mm_fault() with vmastat's accounting
 * @vma:	its first argument
 * @address:	its second
 * @flags:	its third, FAULT_FLAG_*
 * @regs:	its fourth, the user registers, NULL for get_user_pages()
 *
 * Reached from handle_mm_fault()'s ftrace call site through
 * vmastat_fault_tramp (fault_tramp.S) only, in its place: the entry's
 * record stays in this frame, and the function's body runs in between.
 *
 * Return: what handle_mm_fault() returned.
 */
vm_fault_t notrace vmastat_no_stack_protector
vmastat_direct_fault(struct vm_area_struct *vma, unsigned long address,
		     unsigned int flags, struct pt_regs *regs)
{
	/* vmastat_enter() sets what vmastat_leave() reads; no arrays here */
	struct vmastat_fault_data d vmastat_uninitialized;
	vm_fault_t ret;

	this_cpu_inc(vmastat_in_fault);
	vmastat_enter(&d, vma, address, flags, regs);
	ret = vmastat_hmf_body(vma, address, flags, regs);
	preempt_disable_notrace();
	vmastat_leave(&d, ret);
	preempt_enable_notrace();
	this_cpu_dec(vmastat_in_fault);
	return ret;
}

/*
 * vmastat_hmf_body jumps into handle_mm_fault()'s body at a fixed offset from
 * the symbol: check that the ftrace call site is there (a 5-byte NOP, or a
 * call when ftrace already uses it).
 */
static bool vmastat_direct_site_ok(void)
{
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	const u8 *site = (const u8 *)handle_mm_fault + VMASTAT_HMF_SITE;

	return site[0] == 0xe8 || !memcmp(site, nop5, sizeof(nop5));
}

static int vmastat_direct_start(void)
{
	unsigned long site = (unsigned long)handle_mm_fault + VMASTAT_HMF_SITE;
	int err;

	if (!vmastat_direct_site_ok())
		return -EOPNOTSUPP;
	err = ftrace_set_filter_ip(&vmastat_direct_ops, site, 0, 0);
	if (err)
		return err;
	err = vmastat_direct_register(&vmastat_direct_ops,
				      (unsigned long)vmastat_fault_tramp);
	if (err)
		ftrace_free_filter(&vmastat_direct_ops);
	return err;
}

static void vmastat_direct_stop(void)
{
	unsigned long n;
	int cpu, waited = 0;

	vmastat_direct_unregister(&vmastat_direct_ops,
				  (unsigned long)vmastat_fault_tramp);
	/* no task is left between the call site and its count */
	synchronize_rcu_tasks();
	for (;;) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += per_cpu(vmastat_in_fault, cpu);
		if (!n)
			break;
		if (waited && waited % 500 == 0)	/* every 10 s */
			pr_info("unload: waiting for %ld fault(s) in progress\n",
				(long)n);
		msleep(20);
		waited++;
	}
	/* ... nor after its count, in vmastat_direct_fault()'s last instructions */
	synchronize_rcu_tasks();
}
#else
static int vmastat_direct_start(void)
{
	return -EOPNOTSUPP;
}

static void vmastat_direct_stop(void)
{
}
#endif

/* ---- tracepoints --------------------------------------------------------- */

static void vmastat_fork_probe(void *data, struct task_struct *parent,
			       struct task_struct *child)
{
	struct vmastat_tracked *t;
	unsigned long irqflags;
	int pslot, slot;

	if ((child->flags & PF_KTHREAD) || !thread_group_leader(child))
		return;

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_insert(child);
	pslot = vmastat_slot_find(parent->tgid);
	t = pslot >= 0 ? vmastat_trk_locked(pslot) : NULL;
	if (slot >= 0 && t && t->children && !vmastat_stopping) {
		struct vmastat_tracked *spare;

		spare = list_first_entry_or_null(&vmastat_spares,
						 struct vmastat_tracked, node);
		if (vmastat_nr_tracked >= max_tracked) {
			/* no room: not tracked, nothing queued */
			vmastat_children_late++;
		} else if (spare) {
			list_del_init(&spare->node);
			vmastat_nr_spares--;
			spare->children = true;
			spare->shift = t->shift;
			vmastat_attach(slot, spare);
		} else if (vmastat_nr_pending < VMASTAT_PENDING_MAX) {
			vmastat_children_late++;
			vmastat_pending[vmastat_nr_pending].tgid =
				vmastat_slots[slot].tgid;
			vmastat_pending[vmastat_nr_pending].start_ns =
				vmastat_slots[slot].start_ns;
			vmastat_pending[vmastat_nr_pending].shift = t->shift;
			vmastat_nr_pending++;
		} else {
			vmastat_children_late++;
		}
		queue_work(system_wq, &vmastat_track_work);
	}
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
}

static void vmastat_exec_probe(void *data, struct task_struct *p,
			       pid_t old_pid, struct linux_binprm *bprm)
{
	unsigned long irqflags;
	int slot;

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_find(p->tgid);
	if (slot >= 0)
		memcpy(vmastat_slots[slot].comm, p->comm, TASK_COMM_LEN - 1);
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
}

static void vmastat_exit_probe(void *data, struct task_struct *p)
{
	unsigned long irqflags;
	struct vmastat_slot *s;
	int slot;

	if (unlikely(atomic_read(&vmastat_nr_marks)))
		vmastat_mark_drop(p);
	/* Only the last thread of the group: live counts threads left. */
	if (atomic_read(&p->signal->live))
		return;

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_find(p->tgid);
	if (slot >= 0) {
		s = &vmastat_slots[slot];
		s->exit_ns = ktime_get_boot_fast_ns();
		memcpy(s->comm, p->comm, TASK_COMM_LEN - 1);
		WRITE_ONCE(s->state, VMASTAT_SLOT_EXITED);
		list_add_tail(&s->exited, &vmastat_exited_list);
		vmastat_nr_live--;
		vmastat_nr_exited++;
	}
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
}

/*
 * SIGSEGV for a bad address or access: x86 sends it from the fault
 * handler without calling handle_mm_fault(), so this is where such faults
 * are seen.  It runs in the faulting task (force_sig_fault()).
 */
static void vmastat_signal_probe(void *data, int sig,
				 struct kernel_siginfo *info,
				 struct task_struct *task, int group,
				 int result)
{
	struct vmastat_fault_data d = {};
	struct vmastat_pcpu *pc;
	struct vmastat_tracked *t;

	if (sig != SIGSEGV || task != current ||
	    (unsigned long)info <= (unsigned long)SEND_SIG_PRIV)
		return;
	if (info->si_code != SEGV_MAPERR && info->si_code != SEGV_ACCERR &&
	    info->si_code != SEGV_PKUERR)
		return;

	preempt_disable_notrace();
	pc = this_cpu_ptr(&vmastat_pcpu);
	d.slot = vmastat_slot_find(current->tgid);
	pc->total.segv++;
	if (d.slot >= 0)
		pc->procs[d.slot].segv++;
	t = vmastat_slot_trk(d.slot);
	if (t) {
		struct pt_regs *regs = task_pt_regs(current);

		u32 access = VMASTAT_ACCESS_READ;

#ifdef CONFIG_X86
		/* the fault handler left its error code for the signal */
		if (current->thread.error_code & X86_PF_INSTR)
			access = VMASTAT_ACCESS_EXEC;
		else if (current->thread.error_code & X86_PF_WRITE)
			access = VMASTAT_ACCESS_WRITE;
#endif
		d.address = (unsigned long)info->si_addr;
		d.uregs = regs;
		d.mm = current->mm;
		d.kind = VMASTAT_FK_OTHER;
		vmastat_track_fault(t, &d, VMASTAT_OUTCOME_SEGV, 0, access);
	}
	preempt_enable_notrace();
}

static struct {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} vmastat_tps[] = {
	{ "sched_process_fork",	vmastat_fork_probe },
	{ "sched_process_exec",	vmastat_exec_probe },
	{ "sched_process_exit",	vmastat_exit_probe },
	{ "signal_generate",	vmastat_signal_probe },
};

static void vmastat_tp_find(struct tracepoint *tp, void *priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmastat_tps); i++)
		if (!strcmp(tp->name, vmastat_tps[i].name))
			vmastat_tps[i].tp = tp;
}

static void vmastat_tps_unregister(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmastat_tps); i++) {
		if (!vmastat_tps[i].registered)
			continue;
		tracepoint_probe_unregister(vmastat_tps[i].tp,
					    vmastat_tps[i].probe, NULL);
		vmastat_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}

static int vmastat_tps_register(void)
{
	int err, i;

	for_each_kernel_tracepoint(vmastat_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(vmastat_tps); i++) {
		if (!vmastat_tps[i].tp) {
			pr_err("tracepoint %s not found\n", vmastat_tps[i].name);
			err = -ENOENT;
			goto err_unregister;
		}
		err = tracepoint_probe_register(vmastat_tps[i].tp,
						vmastat_tps[i].probe, NULL);
		if (err)
			goto err_unregister;
		vmastat_tps[i].registered = true;
	}
	return 0;

err_unregister:
	vmastat_tps_unregister();
	return err;
}

/* ---- child tracking, spare data ------------------------------------------ */

static void vmastat_track_work_fn(struct work_struct *work)
{
	struct vmastat_tracked *t;
	unsigned long irqflags;

	unsigned int rounds = 0;

	mutex_lock(&vmastat_track_mutex);
	/* bounded: forks keep coming, TRACK/UNTRACK wait for this mutex */
	while (rounds++ < VMASTAT_PENDING_MAX) {
		pid_t tgid;
		u64 start_ns;
		unsigned int shift;
		int slot;

		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		if (vmastat_nr_pending &&
		    vmastat_nr_tracked + vmastat_nr_spares >= max_tracked) {
			/* no room for any of them */
			vmastat_children_late += vmastat_nr_pending;
			vmastat_nr_pending = 0;
		}
		if (!vmastat_nr_pending || vmastat_stopping) {
			raw_spin_unlock_irqrestore(&vmastat_table_lock,
						   irqflags);
			break;
		}
		vmastat_nr_pending--;
		tgid = vmastat_pending[vmastat_nr_pending].tgid;
		start_ns = vmastat_pending[vmastat_nr_pending].start_ns;
		shift = vmastat_pending[vmastat_nr_pending].shift;
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);

		t = vmastat_tracked_alloc(shift);
		if (!t)
			break;
		t->children = true;
		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		slot = vmastat_slot_find(tgid);
		if (slot >= 0 && vmastat_slots[slot].start_ns == start_ns &&
		    !rcu_access_pointer(vmastat_slots[slot].trk) &&
		    vmastat_nr_tracked < max_tracked) {
			vmastat_attach(slot, t);
			t = NULL;
		}
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
		if (t)
			vmastat_tracked_put(t);
	}

	for (;;) {
		bool want;

		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		want = !vmastat_stopping && vmastat_nr_children &&
		       vmastat_nr_spares < VMASTAT_SPARES &&
		       vmastat_nr_tracked + vmastat_nr_spares < max_tracked;
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
		if (!want)
			break;
		t = vmastat_tracked_alloc(granule_shift);
		if (!t)
			break;
		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		list_add_tail(&t->node, &vmastat_spares);
		vmastat_nr_spares++;
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	}
	mutex_unlock(&vmastat_track_mutex);
}

static void vmastat_spares_free(void)
{
	struct vmastat_tracked *t, *tmp;
	unsigned long irqflags;
	LIST_HEAD(list);

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	list_splice_init(&vmastat_spares, &list);
	vmastat_nr_spares = 0;
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	list_for_each_entry_safe(t, tmp, &list, node) {
		list_del(&t->node);
		vmastat_tracked_put(t);
	}
}

/* ---- control: track, untrack, reset -------------------------------------- */

/*
 * The slot of TGID @tgid (initial namespace): the live one, else, with
 * @exited, the most recent exited one.  With @tracked only slots that
 * have tracking data count.  Table lock held.
 */
static int vmastat_slot_lookup(pid_t tgid, bool exited, bool tracked)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < vmastat_nslots; i++) {
		struct vmastat_slot *s = &vmastat_slots[i];

		if (s->tgid != tgid || (tracked && !rcu_access_pointer(s->trk)))
			continue;
		if (s->state == VMASTAT_SLOT_LIVE)
			return i;
		if (exited && s->state == VMASTAT_SLOT_EXITED &&
		    (best < 0 || s->exit_ns > vmastat_slots[best].exit_ns))
			best = i;
	}
	return best;
}

/*
 * Caller's PID number -> TGID in the initial namespace, 0 if no such
 * process.  An exited process can only be named from the initial
 * namespace.  *@live says whether a task exists.
 */
static pid_t vmastat_global_tgid(pid_t nr, bool *live, bool *kthread)
{
	struct task_struct *task;
	pid_t tgid = 0;

	*live = false;
	*kthread = false;
	if (nr <= 0)
		return 0;
	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task) {
		tgid = task_tgid_nr(task);
		*live = true;
		*kthread = task->flags & PF_KTHREAD;
	}
	rcu_read_unlock();
	if (!task && task_active_pid_ns(current) == &init_pid_ns)
		tgid = nr;
	return tgid;
}

/* TGID (initial namespace) -> the caller's number, 0 if not visible. */
static pid_t vmastat_local_nr(pid_t tgid)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	pid_t nr;

	if (ns == &init_pid_ns)
		return tgid;
	rcu_read_lock();
	nr = pid_nr_ns(find_pid_ns(tgid, &init_pid_ns), ns);
	rcu_read_unlock();
	return nr;
}

/**
 * vmastat_track() - start tracking a process
 * @nr:		the process, in the caller's PID namespace
 * @children:	also track the children it forks from now on
 * @shift:	log2 of the attribution granule, 0 for the default
 *
 * Return: 0, -ESRCH, -EOPNOTSUPP (kernel thread), -EBUSY (tracked
 * already), -ENOSPC (max_tracked reached, or no room in the table),
 * -EINVAL (bad @shift), -ENOMEM.
 */
int vmastat_track(pid_t nr, bool children, unsigned int shift)
{
	struct vmastat_tracked *t;
	unsigned long irqflags;
	bool live, kthread;
	pid_t tgid;
	int err = 0;
	int slot;

	if (!shift)
		shift = granule_shift;
	if (shift < PAGE_SHIFT || shift > PMD_SHIFT)
		return -EINVAL;
	tgid = vmastat_global_tgid(nr, &live, &kthread);
	if (kthread)
		return -EOPNOTSUPP;
	if (!live)
		return -ESRCH;

	t = vmastat_tracked_alloc(shift);
	if (!t)
		return -ENOMEM;
	t->children = children;

	mutex_lock(&vmastat_track_mutex);
	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_find(tgid);
	if (slot < 0)	/* exited (a zombie), or no room in the table */
		err = vmastat_slot_lookup(tgid, true, false) >= 0 ? -ESRCH :
								    -ENOSPC;
	else if (rcu_access_pointer(vmastat_slots[slot].trk))
		err = -EBUSY;
	else if (vmastat_nr_tracked >= max_tracked)
		err = -ENOSPC;
	else
		vmastat_attach(slot, t);
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	mutex_unlock(&vmastat_track_mutex);

	if (err) {
		vmastat_tracked_put(t);
		return err;
	}
	/* Children forked from now on must find tracking data ready. */
	if (children)
		vmastat_track_work_fn(NULL);
	return 0;
}

/* Detach slot @i's tracking data.  Table lock held. */
static struct vmastat_tracked *vmastat_detach(unsigned int i)
{
	struct vmastat_slot *s = &vmastat_slots[i];
	struct vmastat_tracked *t;

	t = vmastat_trk_locked(i);
	if (!t)
		return NULL;
	RCU_INIT_POINTER(s->trk, NULL);
	vmastat_nr_tracked--;
	if (t->children)
		vmastat_nr_children--;
	return t;
}

static void vmastat_kill_tracked(struct vmastat_tracked *t)
{
	WRITE_ONCE(t->dead, true);
	wake_up_all(&t->wait);
	vmastat_tracked_put(t);
}

/**
 * vmastat_untrack() - stop tracking, free the data once no reader has it
 * @nr: the process in the caller's PID namespace, 0 for all
 *
 * Return: 0, -ESRCH (no such process), -ENODATA (not tracked).
 */
int vmastat_untrack(pid_t nr)
{
	struct vmastat_tracked *list[16];
	unsigned long irqflags;
	unsigned int i, n, total = 0;
	bool live, kthread, more, known = false;
	pid_t tgid = 0;
	int slot;

	if (nr) {
		tgid = vmastat_global_tgid(nr, &live, &kthread);
		if (!tgid)
			return -ESRCH;
	}

	mutex_lock(&vmastat_track_mutex);
	do {
		more = false;
		n = 0;
		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		if (nr) {
			slot = vmastat_slot_lookup(tgid, true, true);
			if (slot >= 0)
				list[n++] = vmastat_detach(slot);
			known = vmastat_slot_lookup(tgid, true, false) >= 0;
		} else {
			for (i = 0; i < vmastat_nslots; i++) {
				if (!rcu_access_pointer(vmastat_slots[i].trk))
					continue;
				if (n == ARRAY_SIZE(list)) {
					more = true;
					break;
				}
				list[n++] = vmastat_detach(i);
			}
		}
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
		if (n)
			synchronize_rcu();
		for (i = 0; i < n; i++)
			vmastat_kill_tracked(list[i]);
		total += n;
	} while (more);
	/* the spares only serve trackings with children */
	if (!READ_ONCE(vmastat_nr_children))
		vmastat_spares_free();
	mutex_unlock(&vmastat_track_mutex);

	if (nr && !total)
		return known || live ? -ENODATA : -ESRCH;
	return 0;
}

/**
 * vmastat_tracked_get() - the tracking data of a process, referenced
 * @nr:	the process in the caller's PID namespace (live, or exited and
 *	still tracked)
 *
 * Return: the data (drop it with vmastat_tracked_put()), ERR_PTR(-ESRCH)
 * or ERR_PTR(-ENODATA) when the process is not tracked.
 */
struct vmastat_tracked *vmastat_tracked_get(pid_t nr)
{
	struct vmastat_tracked *t = NULL;
	unsigned long irqflags;
	bool live, kthread, known;
	pid_t tgid;
	int slot;

	tgid = vmastat_global_tgid(nr, &live, &kthread);
	if (!tgid)
		return ERR_PTR(-ESRCH);
	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_lookup(tgid, true, true);
	if (slot >= 0) {
		t = vmastat_trk_locked(slot);
		kref_get(&t->ref);
	}
	known = vmastat_slot_lookup(tgid, true, false) >= 0;
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	if (t)
		return t;
	return ERR_PTR(known || live ? -ENODATA : -ESRCH);
}

static void vmastat_tracked_zero(struct vmastat_tracked *t)
{
	unsigned int i;
	int cpu;

	for (i = 0; i <= t->attr_mask; i++) {
		struct vmastat_attr *a = &t->attr[i];
		int c;

		for (c = 0; c < VMASTAT_AC_NR; c++)
			atomic_set(&a->c[c], 0);
		WRITE_ONCE(a->key, 0);
	}
	mutex_lock(&t->read_mutex);
	for_each_possible_cpu(cpu) {
		struct vmastat_ring_header *h = per_cpu_ptr(t->ring, cpu)->hdr;

		memset(per_cpu_ptr(t->hist, cpu), 0,
		       VMASTAT_HIST_NR * sizeof(u64));
		WRITE_ONCE(h->drops, 0);
		/* queued events are discarded: consume up to the head */
		smp_store_release(&h->tail, smp_load_acquire(&h->head));
	}
	mutex_unlock(&t->read_mutex);
}

/**
 * vmastat_reset() - zero counters
 * @nr: a process in the caller's PID namespace, or 0 for everything
 *
 * Faults that happen during the reset may be lost or kept: the counters
 * are not reset atomically with respect to them.
 *
 * Return: 0 or -ESRCH.
 */
int vmastat_reset(pid_t nr)
{
	struct vmastat_tracked *t = NULL;
	unsigned long irqflags;
	bool live, kthread;
	unsigned int i;
	pid_t tgid = 0;
	int slot = -1;
	int cpu;

	if (nr) {
		tgid = vmastat_global_tgid(nr, &live, &kthread);
		if (!tgid)
			return -ESRCH;
	}
	mutex_lock(&vmastat_track_mutex);
	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	if (nr) {
		slot = vmastat_slot_lookup(tgid, true, false);
		if (slot >= 0) {
			vmastat_slot_zero(slot);
			t = vmastat_trk_locked(slot);
			if (t)
				kref_get(&t->ref);
		}
	} else {
		for_each_possible_cpu(cpu) {
			struct vmastat_pcpu *pc = per_cpu_ptr(&vmastat_pcpu,
							      cpu);

			memset(&pc->total, 0, sizeof(pc->total));
			pc->hits = 0;
			pc->unlisted = 0;
			pc->unattributed = 0;
		}
		vmastat_evicted = 0;
		vmastat_table_full = 0;
		vmastat_children_late = 0;
		vmastat_reset_ns = ktime_get_boot_fast_ns();
	}
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);

	/* Zeroing every slot takes a while: not with interrupts off. */
	if (!nr)
		for (i = 0; i < vmastat_nslots; i++)
			vmastat_slot_zero(i);
	if (t) {
		vmastat_tracked_zero(t);
		vmastat_tracked_put(t);
	} else if (!nr) {
		for (i = 0; i < vmastat_nslots; i++) {
			rcu_read_lock();
			t = rcu_dereference(vmastat_slots[i].trk);
			if (t && !kref_get_unless_zero(&t->ref))
				t = NULL;
			rcu_read_unlock();
			if (t) {
				vmastat_tracked_zero(t);
				vmastat_tracked_put(t);
			}
		}
	}
	mutex_unlock(&vmastat_track_mutex);
	if (nr && slot < 0)
		return -ESRCH;
	return 0;
}

/* ---- readers ------------------------------------------------------------- */

static void vmastat_sum_counts(struct vmastat_fault_counts *out, int slot)
{
	u64 *o = (u64 *)out;
	unsigned int i;
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		struct vmastat_pcpu *pc = per_cpu_ptr(&vmastat_pcpu, cpu);
		const u64 *c = slot >= 0 ? (const u64 *)&pc->procs[slot] :
					   (const u64 *)&pc->total;

		for (i = 0; i < VMASTAT_FC_NR; i++)
			o[i] += READ_ONCE(c[i]);
	}
	out->pad = 0;
}

/**
 * vmastat_summary_fill() - the global counters
 * @sum: filled in, apart from @sum->size and @sum->flags
 */
void vmastat_summary_fill(struct vmastat_summary *sum)
{
	unsigned long irqflags;
	u64 drops = 0;
	unsigned int i;
	int cpu;

	vmastat_sum_counts(&sum->total, -1);
	sum->hits = 0;
	sum->unlisted = 0;
	sum->unattributed = 0;
	for_each_possible_cpu(cpu) {
		struct vmastat_pcpu *pc = per_cpu_ptr(&vmastat_pcpu, cpu);

		sum->hits += READ_ONCE(pc->hits);
		sum->unlisted += READ_ONCE(pc->unlisted);
		sum->unattributed += READ_ONCE(pc->unattributed);
	}
	sum->missed = READ_ONCE(vmastat_krp.nmissed) +
		      READ_ONCE(vmastat_krp.kp.nmissed);
	sum->maxactive = vmastat_krp.maxactive;
	sum->max_procs = max_procs;
	sum->max_tracked = max_tracked;

	rcu_read_lock();
	for (i = 0; i < vmastat_nslots; i++) {
		struct vmastat_tracked *t = rcu_dereference(vmastat_slots[i].trk);

		if (!t)
			continue;
		for_each_possible_cpu(cpu)
			drops += READ_ONCE(per_cpu_ptr(t->ring, cpu)->hdr->drops);
	}
	rcu_read_unlock();
	sum->event_drops = drops;

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	sum->nr_live = vmastat_nr_live;
	sum->nr_exited = vmastat_nr_exited;
	sum->nr_tracked = vmastat_nr_tracked;
	sum->evicted = vmastat_evicted;
	sum->table_full = vmastat_table_full;
	sum->reset_ns = vmastat_reset_ns;
	sum->children_late = vmastat_children_late;
	sum->mem_bytes = atomic64_read(&vmastat_mem);
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
}

/**
 * vmastat_proc_next() - the next process entry from a cursor
 * @pos:	in: first slot to look at; out: the slot after the one found
 * @tgid:	0 for any process, else only entries of this TGID (initial
 *		namespace)
 * @live_only:	leave exited processes out
 * @rec:	filled in
 *
 * Entries the caller cannot name in its PID namespace are skipped.
 *
 * Return: true when an entry was found.
 */
bool vmastat_proc_next(unsigned int *pos, pid_t tgid, bool live_only,
		       struct vmastat_proc *rec)
{
	unsigned long irqflags;
	unsigned int i;

	for (i = *pos; i < vmastat_nslots; i++) {
		struct vmastat_slot *s = &vmastat_slots[i];
		bool found = false;
		pid_t id = 0;

		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		if ((s->state == VMASTAT_SLOT_LIVE ||
		     (s->state == VMASTAT_SLOT_EXITED && !live_only)) &&
		    (!tgid || s->tgid == tgid)) {
			found = true;
			id = s->tgid;
			memset(rec, 0, sizeof(*rec));
			rec->flags = s->state == VMASTAT_SLOT_EXITED ?
				     VMASTAT_PROC_EXITED : 0;
			if (rcu_access_pointer(s->trk)) {
				struct vmastat_tracked *t;

				t = vmastat_trk_locked(i);
				rec->flags |= VMASTAT_PROC_TRACKED;
				if (t->children)
					rec->flags |= VMASTAT_PROC_CHILDREN;
			}
			rec->start_ns = s->start_ns;
			rec->exit_ns = s->exit_ns;
			memcpy(rec->comm, s->comm, sizeof(rec->comm));
		}
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
		if (!found)
			continue;
		rec->pid = vmastat_local_nr(id);
		if (!rec->pid)
			continue;
		vmastat_sum_counts(&rec->counts, i);
		*pos = i + 1;
		return true;
	}
	*pos = vmastat_nslots;
	return false;
}

/**
 * vmastat_proc_get() - one process's entry
 * @nr:		the process in the caller's PID namespace
 * @rec:	filled in: the live entry, else its most recent exited one
 *
 * Return: 0 or -ESRCH.
 */
int vmastat_proc_get(pid_t nr, struct vmastat_proc *rec)
{
	unsigned long irqflags;
	bool live, kthread;
	unsigned int pos;
	pid_t tgid;
	int slot;

	tgid = vmastat_global_tgid(nr, &live, &kthread);
	if (!tgid)
		return -ESRCH;
	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	slot = vmastat_slot_lookup(tgid, true, false);
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	if (slot < 0)
		return kthread ? -EOPNOTSUPP : -ESRCH;
	pos = slot;
	if (!vmastat_proc_next(&pos, tgid, false, rec) || pos != slot + 1)
		return -ESRCH;
	return 0;
}

/**
 * vmastat_hist_fill() - a tracked process's latency histograms
 * @t:		its tracking data
 * @hist:	VMASTAT_FK_MAX x 2 x VMASTAT_HIST_BUCKETS counters
 */
void vmastat_hist_fill(struct vmastat_tracked *t, u64 *hist)
{
	unsigned int i;
	int cpu;

	memset(hist, 0, VMASTAT_HIST_NR * sizeof(u64));
	for_each_possible_cpu(cpu) {
		const u64 *h = per_cpu_ptr(t->hist, cpu);

		for (i = 0; i < VMASTAT_HIST_NR; i++)
			hist[i] += READ_ONCE(h[i]);
	}
}

static u64 vmastat_ring_drops(struct vmastat_tracked *t)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(t->ring, cpu)->hdr->drops);
	return sum;
}

/**
 * vmastat_events_drops() - events a tracked process's rings have lost
 * @t: tracking data
 *
 * Return: the count since tracking began or the last reset.
 */
u64 vmastat_events_drops(struct vmastat_tracked *t)
{
	return vmastat_ring_drops(t);
}

static bool vmastat_events_pending(struct vmastat_tracked *t)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmastat_ring_header *h = per_cpu_ptr(t->ring, cpu)->hdr;

		/* pairs with the release in vmastat_track_fault() */
		if (smp_load_acquire(&h->head) != READ_ONCE(h->tail))
			return true;
	}
	return false;
}

/**
 * vmastat_events_take() - consume events from a tracked process's rings
 * @t:		its tracking data
 * @ev:		where to put them, in time order
 * @max:	room in @ev
 * @wait:	sleep until there is at least one
 * @drops:	out: events lost so far
 *
 * Return: the number of events, -EINTR, -ESRCH when @t got untracked, or
 * -EBUSY while its rings are mapped.
 */
int vmastat_events_take(struct vmastat_tracked *t, struct vmastat_event *ev,
			unsigned int max, bool wait, u64 *drops)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	unsigned int n = 0;
	int cpu, err;

	if (wait) {
		vmastat_waiter_add(t);
		err = wait_event_interruptible(t->wait,
					       vmastat_events_pending(t) ||
					       READ_ONCE(t->dead));
		atomic_dec(&t->waiters);
		if (err)
			return -EINTR;
		if (READ_ONCE(t->dead) && !vmastat_events_pending(t))
			return -ESRCH;
	}

	if (mutex_lock_interruptible(&t->read_mutex))
		return -EINTR;
	if (t->mapped) {
		mutex_unlock(&t->read_mutex);
		return -EBUSY;
	}
	/*
	 * Merge the CPUs' rings by time: take the ring whose oldest event is
	 * the oldest of all (the first CPU's on a tie), and from it every
	 * event older than the oldest of the other rings, in one go.  With
	 * one CPU producing, a call scans the rings once.
	 */
	while (n < max) {
		struct vmastat_ring_header *best = NULL;
		u64 best_time = 0, best_head = 0, next_time = U64_MAX;
		u64 tail;

		for_each_possible_cpu(cpu) {
			struct vmastat_ring_header *h =
				per_cpu_ptr(t->ring, cpu)->hdr;
			/* the events below head are complete: see producer */
			u64 head = smp_load_acquire(&h->head);
			u64 time;

			if (head == h->tail)
				continue;
			time = vmastat_ring_ev(h, h->tail)->time_ns;
			if (!best || time < best_time) {
				if (best)
					next_time = min(next_time, best_time);
				best = h;
				best_time = time;
				best_head = head;
			} else {
				next_time = min(next_time, time);
			}
		}
		if (!best)
			break;
		tail = best->tail;
		do {
			ev[n++] = *vmastat_ring_ev(best, tail);
			tail++;
		} while (n < max && tail != best_head &&
			 vmastat_ring_ev(best, tail)->time_ns < next_time);
		/* the copies are done before the producer may reuse the slots */
		smp_store_release(&best->tail, tail);
	}
	mutex_unlock(&t->read_mutex);
	if (!n && READ_ONCE(t->dead))
		return -ESRCH;

	if (ns != &init_pid_ns) {
		unsigned int i;

		rcu_read_lock();
		for (i = 0; i < n; i++)
			ev[i].tid = pid_nr_ns(find_pid_ns(ev[i].tid,
							  &init_pid_ns), ns);
		rcu_read_unlock();
	}
	*drops = vmastat_ring_drops(t);
	return n;
}

/**
 * vmastat_events_poll() - poll support for the event stream
 * @t:		tracking data
 * @file:	the file polled
 * @pt:		poll table
 *
 * Return: EPOLLIN when events are waiting, EPOLLHUP once untracked.
 */
__poll_t vmastat_events_poll(struct vmastat_tracked *t, struct file *file,
			     poll_table *pt)
{
	__poll_t mask = 0;

	poll_wait(file, &t->wait, pt);
	if (vmastat_events_pending(t))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(t->dead))
		mask |= EPOLLHUP;
	return mask;
}

/**
 * vmastat_events_watch() - ask for wake-ups of pollers, or stop asking
 * @t:	tracking data
 * @on:	true to start (once per file that polls), false to stop
 *
 * A poller sleeps outside of vmastat_events_take(), so the fault path must
 * be told to wake the queue for as long as the file may be polled.
 */
void vmastat_events_watch(struct vmastat_tracked *t, bool on)
{
	if (on)
		vmastat_waiter_add(t);
	else
		atomic_dec(&t->waiters);
}

/**
 * vmastat_rings_claim() - make a mapping of the rings their one consumer
 * @t:		tracking data
 * @geo:	out: where the rings are in the mapping (nr_rings,
 *		ring_entries, event_size, events_offset, ring_size, map_size)
 *
 * Until vmastat_rings_unclaim(), the rings are read only through the
 * mapping, and readers are woken as for VMASTAT_EVENTS_WAIT.
 *
 * Return: 0, or -EBUSY when they already have one.
 */
int vmastat_rings_claim(struct vmastat_tracked *t,
			struct vmastat_events_map *geo)
{
	mutex_lock(&t->read_mutex);
	if (t->mapped) {
		mutex_unlock(&t->read_mutex);
		return -EBUSY;
	}
	t->mapped = true;
	mutex_unlock(&t->read_mutex);
	vmastat_waiter_add(t);

	geo->nr_rings = nr_cpu_ids;
	geo->ring_entries = ring_entries;
	geo->event_size = sizeof(struct vmastat_event);
	geo->events_offset = VMASTAT_RING_EVENTS;
	geo->ring_size = vmastat_ring_size();
	geo->map_size = vmastat_rings_size();
	return 0;
}

/**
 * vmastat_rings_unclaim() - the mapping's file is closed
 * @t:	tracking data, claimed
 *
 * The reader may have left any tail: one out of reach of the head would
 * make the fault path drop every event, so it is put back at the head.
 */
void vmastat_rings_unclaim(struct vmastat_tracked *t)
{
	int cpu;

	atomic_dec(&t->waiters);
	mutex_lock(&t->read_mutex);
	for_each_possible_cpu(cpu) {
		struct vmastat_ring_header *h = per_cpu_ptr(t->ring, cpu)->hdr;
		/* pairs with the producer's release of head */
		u64 head = smp_load_acquire(&h->head);

		if (head - READ_ONCE(h->tail) > ring_entries)
			/* pairs with the producer's acquire of tail */
			smp_store_release(&h->tail, head);
	}
	t->mapped = false;
	mutex_unlock(&t->read_mutex);
}

/**
 * vmastat_rings_mmap() - map the rings of a claimed @t
 * @t:		tracking data
 * @vma:	the whole of a shared mapping at offset 0
 *
 * Return: 0, or -EINVAL for any other offset, length or a private mapping.
 */
int vmastat_rings_mmap(struct vmastat_tracked *t, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start != vmastat_rings_size() ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, t->rings, 0);
}

/* ---- per-address attribution, read side --------------------------------- */

struct vmastat_granule {
	u64 addr;
	u32 c[VMASTAT_AC_NR];
};

static int vmastat_granule_cmp(const void *a, const void *b)
{
	const struct vmastat_granule *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/**
 * vmastat_attr_snapshot() - the granules of a tracked process, sorted
 * @t:	its tracking data
 * @snap: out: the snapshot (free with vmastat_attr_snapshot_free())
 *
 * Return: 0 or -ENOMEM.
 */
int vmastat_attr_snapshot(struct vmastat_tracked *t,
			  struct vmastat_attr_snap *snap)
{
	unsigned int i, n = 0, cap = 0;

	for (i = 0; i <= t->attr_mask; i++)
		if (READ_ONCE(t->attr[i].key))
			cap++;
	snap->shift = t->shift;
	snap->nr = 0;
	snap->g = kvmalloc_array(max(cap, 1U), sizeof(*snap->g), GFP_KERNEL);
	if (!snap->g)
		return -ENOMEM;
	for (i = 0; i <= t->attr_mask && n < cap; i++) {
		struct vmastat_attr *a = &t->attr[i];
		u64 key = READ_ONCE(a->key);
		int c;

		if (!key)
			continue;
		snap->g[n].addr = (key - 1) << t->shift;
		for (c = 0; c < VMASTAT_AC_NR; c++)
			snap->g[n].c[c] = atomic_read(&a->c[c]);
		n++;
	}
	sort(snap->g, n, sizeof(*snap->g), vmastat_granule_cmp, NULL);
	snap->nr = n;
	return 0;
}

/**
 * vmastat_attr_snapshot_free() - free a snapshot's memory
 * @snap: the snapshot
 */
void vmastat_attr_snapshot_free(struct vmastat_attr_snap *snap)
{
	kvfree(snap->g);
	snap->g = NULL;
	snap->nr = 0;
}

/* First granule at or above @addr. */
static unsigned int vmastat_snap_seek(const struct vmastat_attr_snap *snap,
				      u64 addr)
{
	unsigned int lo = 0, hi = snap->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (snap->g[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void vmastat_faults_add(struct vmastat_vma_faults *f,
			       const struct vmastat_granule *g)
{
	f->minor += g->c[VMASTAT_AC_MINOR];
	f->major += g->c[VMASTAT_AC_MAJOR];
	f->read += g->c[VMASTAT_AC_READ];
	f->write += g->c[VMASTAT_AC_WRITE];
	f->exec += g->c[VMASTAT_AC_EXEC];
	f->gup += g->c[VMASTAT_AC_GUP];
	f->cow += g->c[VMASTAT_AC_COW];
	f->swapin += g->c[VMASTAT_AC_SWAPIN];
	f->thp += g->c[VMASTAT_AC_THP];
	f->retry += g->c[VMASTAT_AC_RETRY];
	f->segv += g->c[VMASTAT_AC_SEGV];
	f->sigbus += g->c[VMASTAT_AC_SIGBUS];
	f->oom += g->c[VMASTAT_AC_OOM];
	f->kinds |= g->c[VMASTAT_AC_KINDS];
}

/**
 * vmastat_attr_sum() - the faults of granules starting in [@start, @end)
 * @snap:	a snapshot
 * @start:	first address
 * @end:	first address past the range
 * @f:		filled in
 */
void vmastat_attr_sum(const struct vmastat_attr_snap *snap, u64 start,
		      u64 end, struct vmastat_vma_faults *f)
{
	unsigned int i = vmastat_snap_seek(snap, start);

	memset(f, 0, sizeof(*f));
	for (; i < snap->nr && snap->g[i].addr < end; i++)
		vmastat_faults_add(f, &snap->g[i]);
}

/**
 * vmastat_attr_unmapped() - the first run of granules in [@start, @end)
 * @snap:	a snapshot
 * @start:	where to look from
 * @end:	where to stop looking (the next mapping's start)
 * @rec:	out: an unmapped record for the run
 *
 * A run is a sequence of granules with no gap between them.
 *
 * Return: true when a run was found.
 */
bool vmastat_attr_unmapped(const struct vmastat_attr_snap *snap, u64 start,
			   u64 end, struct vmastat_vma *rec)
{
	unsigned int i = vmastat_snap_seek(snap, start);
	u64 gsize = 1ULL << snap->shift;
	u64 last;

	if (i >= snap->nr || snap->g[i].addr >= end)
		return false;
	memset(rec, 0, sizeof(*rec));
	rec->start = snap->g[i].addr;
	rec->kind = VMASTAT_KIND_UNMAPPED;
	rec->flags = VMASTAT_VMA_UNMAPPED | VMASTAT_VMA_FAULTS;
	last = snap->g[i].addr;
	for (; i < snap->nr && snap->g[i].addr < end; i++) {
		if (snap->g[i].addr > last + gsize)
			break;
		vmastat_faults_add(&rec->faults, &snap->g[i]);
		last = snap->g[i].addr;
	}
	rec->end = min(last + gsize, end);
	return true;
}

/* ---- load and unload ------------------------------------------------------ */

static size_t vmastat_tables_size(void)
{
	return (size_t)vmastat_nslots * (sizeof(*vmastat_slots) +
		num_possible_cpus() * sizeof(struct vmastat_fault_counts));
}

static void vmastat_tables_free(void)
{
	int cpu;

	if (vmastat_slots)
		atomic64_sub(vmastat_tables_size(), &vmastat_mem);
	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(vmastat_pcpu, cpu).procs);
		per_cpu(vmastat_pcpu, cpu).procs = NULL;
	}
	kvfree(vmastat_slots);
	vmastat_slots = NULL;
}

static int vmastat_tables_alloc(void)
{
	int cpu;

	max_procs = clamp(max_procs, 16U, 1U << 20);
	max_tracked = clamp(max_tracked, 1U, 1024U);
	attr_entries = roundup_pow_of_two(clamp(attr_entries, 256U, 1U << 24));
	ring_entries = roundup_pow_of_two(clamp(ring_entries, 16U, 1U << 20));
	granule_shift = clamp_t(unsigned int, granule_shift, PAGE_SHIFT,
				PMD_SHIFT);

	/* at most half full, so that probes stay short */
	vmastat_nslots = roundup_pow_of_two(max_procs * 2);
	vmastat_slot_shift = 32 - ilog2(vmastat_nslots);
	vmastat_slots = kvcalloc(vmastat_nslots, sizeof(*vmastat_slots),
				 GFP_KERNEL);
	if (!vmastat_slots)
		return -ENOMEM;
	/* counted whole from here: vmastat_tables_free() takes it back */
	atomic64_add(vmastat_tables_size(), &vmastat_mem);
	for_each_possible_cpu(cpu) {
		struct vmastat_pcpu *pc = per_cpu_ptr(&vmastat_pcpu, cpu);

		pc->procs = kvzalloc_node(array_size(vmastat_nslots,
						     sizeof(*pc->procs)),
					  GFP_KERNEL, cpu_to_node(cpu));
		if (!pc->procs) {
			vmastat_tables_free();
			return -ENOMEM;
		}
	}
	return 0;
}

/* Give every process that exists now a slot. */
static void vmastat_slots_populate(void)
{
	unsigned long irqflags;
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		if (p->flags & PF_KTHREAD)
			continue;
		raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
		/* exit_probe runs after ->live drops: no stale live slot */
		if (atomic_read(&p->signal->live))
			vmastat_slot_insert(p);
		raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);
	}
	rcu_read_unlock();
}

/**
 * vmastat_fault_init() - allocate the tables, hook the fault path
 *
 * Return: 0 or a negative errno.
 */
int vmastat_fault_init(void)
{
	int err;

	if (direct < -1 || direct > 1) {
		pr_err("direct must be -1, 0 or 1\n");
		return -EINVAL;
	}
	err = vmastat_clock_choose();
	if (err)
		return err;
	err = vmastat_tables_alloc();
	if (err)
		return err;
	err = vmastat_tps_register();
	if (err)
		goto err_free_tables;
	vmastat_slots_populate();

	/*
	 * The marks' callbacks go in before the hook, so that every fault the
	 * hook sees began with them in place; and the static key is flipped
	 * before vmastat_direct_fault() can run.
	 */
	if (classify_hooks && !vmastat_marks_start())
		static_branch_disable(&vmastat_peek_on);
	else
		classify_hooks = false;

	if (direct) {
		err = vmastat_direct_start();
		if (!err) {
			direct = 1;
			pr_info("handle_mm_fault hooked with an ftrace direct call\n");
			return 0;
		}
		if (direct == 1) {
			pr_err("cannot hook handle_mm_fault with a direct call: %d\n",
			       err);
			goto err_stop_marks;
		}
		pr_info("no direct call on handle_mm_fault (%d): using a kretprobe\n",
			err);
		direct = 0;
	}
	vmastat_krp.maxactive = maxactive ?: max(64U * num_possible_cpus(),
						 128U);
	err = register_kretprobe(&vmastat_krp);
	if (err) {
		pr_err("cannot probe handle_mm_fault: %d\n", err);
		goto err_stop_marks;
	}
	return 0;

err_stop_marks:
	vmastat_marks_stop();
	vmastat_tps_unregister();
err_free_tables:
	vmastat_tables_free();
	return err;
}

/**
 * vmastat_fault_exit() - unhook, free everything
 */
void vmastat_fault_exit(void)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&vmastat_table_lock, irqflags);
	vmastat_stopping = true;
	raw_spin_unlock_irqrestore(&vmastat_table_lock, irqflags);

	/* the marks' callbacks first: no mark is left after the hook's end */
	vmastat_marks_stop();
	if (direct)
		vmastat_direct_stop();
	else
		unregister_kretprobe(&vmastat_krp);
	vmastat_tps_unregister();
	cancel_work_sync(&vmastat_track_work);
	vmastat_untrack(0);
	vmastat_spares_free();
	vmastat_tables_free();
	if (atomic_long_read(&vmastat_marks_lost))
		pr_warn("%ld faults lost their COW, swap-in or THP class: no room for a mark\n",
			atomic_long_read(&vmastat_marks_lost));
	if (atomic64_read(&vmastat_mem))
		pr_err("%lld bytes not freed at unload\n",
		       (long long)atomic64_read(&vmastat_mem));
}
