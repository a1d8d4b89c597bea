// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: who may open the module's files, and what they give away.
 *
 * - every file has the mode module/main.c gives it, owned by root;
 * - as uid nobody the file modes refuse the open (EACCES), and with the
 *   modes widened to 0666 on purpose the module's own CAP_SYS_PTRACE check
 *   still does (EPERM); the modes are put back;
 * - root without CAP_SYS_PTRACE (capset in a child, and setpriv with the
 *   capability out of the bounding set when setpriv is there), and root
 *   of a user namespace, get EPERM for every file;
 * - a process of another uid can be read only with CAP_SYS_PTRACE:
 *   nobody holding the capability (and the widened modes) reads init's
 *   mappings, nobody without it cannot even open the files;
 * - PIDs are those of the caller's PID namespace: inside a new one, PID 1
 *   is that namespace's init and the process list holds only processes
 *   visible there;
 * - no kernel address in any output: every text file and every field of
 *   every ioctl answer is scanned for values at or above
 *   0xffff800000000000, and the events' ip is 0 for faults taken in
 *   kernel mode (copy_to_user, GUP), never a kernel address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "vmastat_hard_util.h"

#define NOBODY		65534
#define USER_TOP	0x0000800000000000ULL

static const struct {
	const char *name;
	mode_t mode;
	int flags;		/* how a user of the file opens it */
} files[] = {
	{ "version", 0400, O_RDONLY },	{ "maps", 0600, O_RDWR },
	{ "status", 0600, O_RDWR },	{ "query", 0400, O_RDONLY },
	{ "faults", 0400, O_RDONLY },	{ "summary", 0400, O_RDONLY },
	{ "track", 0600, O_RDWR },	{ "reset", 0200, O_WRONLY },
	{ "events", 0600, O_RDWR },	{ "hist", 0600, O_RDWR },
};
#define NF	(sizeof(files) / sizeof(files[0]))

static mode_t saved_modes[NF];
static bool modes_saved;

static void path_of(size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", vms_dir(), files[i].name);
}

static void restore_modes(void)
{
	char path[512];

	if (!modes_saved)
		return;
	for (size_t i = 0; i < NF; i++) {
		path_of(i, path, sizeof(path));
		chmod(path, saved_modes[i]);
	}
}

static void on_signal(int sig)
{
	restore_modes();
	_exit(128 + sig);
}

/* results of a child's opens: 0 opened, else errno */
static int *res;
static int dirfd_vms = -1;

static void try_opens(int base)
{
	for (size_t i = 0; i < NF; i++) {
		int fd = openat(dirfd_vms, files[i].name, files[i].flags | O_CLOEXEC);

		res[base + i] = fd >= 0 ? 0 : errno;
		if (fd >= 0)
			close(fd);
	}
}

static int drop_cap(int cap, bool keep_others)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	d[cap / 32].permitted &= ~(1U << (cap % 32));
	d[cap / 32].inheritable &= ~(1U << (cap % 32));
	(void)keep_others;
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

/* only @cap, effective and permitted */
static int only_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	d[cap / 32].effective = d[cap / 32].permitted = 1U << (cap % 32);
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

static int become_nobody(bool keep_ptrace)
{
	if (keep_ptrace && prctl(PR_SET_KEEPCAPS, 1))
		return -errno;
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -errno;
	if (keep_ptrace)
		return only_cap(CAP_SYS_PTRACE);
	return 0;
}

/* Run @fn in a child; its exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool all_are(int base, int err, const char *what)
{
	bool ok = true;

	for (size_t i = 0; i < NF; i++) {
		if (res[base + i] != err) {
			ksft_print_msg("%s: %s: %s, expected %s\n", what, files[i].name,
				       res[base + i] ? strerror(res[base + i]) : "opened",
				       strerror(err));
			ok = false;
		}
	}
	return ok;
}

/* ---- the children ------------------------------------------------------ */

static int c_nobody(void *arg)
{
	if (become_nobody(false))
		return 1;
	try_opens((long)arg);
	return 0;
}

static int c_no_ptrace(void *arg)
{
	if (drop_cap(CAP_SYS_PTRACE, true))
		return 1;
	try_opens((long)arg);
	return 0;
}

static int c_userns(void *arg)
{
	/* root of a new user namespace: all capabilities, but only there */
	int p[2], fd;
	char c;
	pid_t parent = getpid(), helper;

	if (pipe(p))
		return 1;
	helper = fork();
	if (helper < 0)
		return 1;
	if (helper == 0) {
		char path[64];

		/* EOF, not a hang, if the parent gives up */
		close(p[1]);
		/* the parent namespace's root maps uid 0 -> 0 */
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", parent);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0 0 1", 5) != 5)
			_exit(1);
		close(fd);
		snprintf(path, sizeof(path), "/proc/%d/setgroups", parent);
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "deny", 4) != 4)
				_exit(1);
			close(fd);
		}
		snprintf(path, sizeof(path), "/proc/%d/gid_map", parent);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "0 0 1", 5) != 5)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	/*
	 * Without user namespaces the helper must still go: it holds the
	 * kselftest runner's output pipe, which would wait for it forever.
	 */
	if (unshare(CLONE_NEWUSER)) {
		close(p[1]);
		waitpid(helper, NULL, 0);
		return 2;
	}
	if (write(p[1], "x", 1) != 1) {
		close(p[1]);
		waitpid(helper, NULL, 0);
		return 1;
	}
	close(p[1]);
	waitpid(helper, NULL, 0);
	try_opens((long)arg);
	return 0;
}

/* nobody with CAP_SYS_PTRACE (and the widened modes): reads init */
static int c_nobody_ptrace(void *arg)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if (become_nobody(true))
		return 1;
	fd = openat(dirfd_vms, "maps", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 2;
	if (write(fd, "1", 1) != 1)
		return 3;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && !strncmp(buf, "# start-end", 11) ? 0 : 4;
}

static int c_nobody_own(void *arg)
{
	int fd;

	if (become_nobody(false))
		return 1;
	fd = openat(dirfd_vms, "maps", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return 2;
	return errno == EPERM ? 0 : 3;
}

/*
 * In a new PID namespace: "1" is our own init, PROCS sees only us, and
 * the rings cannot be mapped (their TIDs are the initial namespace's).
 */
static int c_pidns(void *arg)
{
	static struct vmastat_proc recs[256];
	struct vmastat_status st = { .size = sizeof(st), .pid = 1 };
	struct vmastat_procs_query q = {
		.size = sizeof(q), .proc_size = sizeof(recs[0]),
		.procs = (uintptr_t)recs, .count = 256,
	};
	struct vmastat_track t = { .size = sizeof(t), .pid = 1 };
	struct vmastat_events_map m = { .size = sizeof(m), .pid = 1 };
	int qfd, status, r;
	pid_t pid;

	if (unshare(CLONE_NEWPID))
		return 10;
	pid = fork();
	if (pid == 0) {
		char comm[16];

		/* we are 1 here */
		prctl(PR_SET_NAME, "vms-nsinit");
		prctl(PR_GET_NAME, comm);
		qfd = openat(dirfd_vms, "query", O_RDONLY | O_CLOEXEC);
		if (qfd < 0)
			_exit(11);
		if (hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st) || strcmp(st.comm, comm))
			_exit(12);
		if (hu_ioctl(qfd, VMASTAT_IOC_PROCS, &q))
			_exit(13);
		for (unsigned int i = 0; i < q.count; i++)
			if (recs[i].pid != 1)	/* nothing else is visible */
				_exit(14);
		if (q.count < 1)
			_exit(15);
		/* the outer init is not reachable by any number */
		st.pid = 2;
		if (hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st) != -ESRCH)
			_exit(16);
		/* the mapped rings hold the initial namespace's TIDs: refused */
		if (hu_ioctl(qfd, VMASTAT_IOC_TRACK, &t))
			_exit(17);
		r = hu_ioctl(qfd, VMASTAT_IOC_EVENTS_MAP, &m);
		if (hu_ioctl(qfd, VMASTAT_IOC_UNTRACK, &t))
			_exit(18);
		if (r != -EOPNOTSUPP)
			_exit(19);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 20;
}

/* ---- kernel pointers ------------------------------------------------------ */

static unsigned long scanned_values;

/* 8-byte fields of a binary answer; @skip: byte offsets of fields exempt */
static int scan_bin(const void *p, size_t len, const char *what, long skip)
{
	const uint64_t *v = p;
	int bad = 0;

	for (size_t i = 0; i < len / 8; i++) {
		scanned_values++;
		if ((long)(i * 8) == skip)
			continue;
		if (v[i] >= HU_KERNEL_MIN) {
			if (bad++ < 3)
				ksft_print_msg("%s: word %zu is %#llx\n", what, i,
					       (unsigned long long)v[i]);
		}
	}
	return bad;
}

/* Every number in a text, decimal or hex (with or without 0x). */
static int scan_text(const char *t, const char *what)
{
	int bad = 0;

	while (*t) {
		const char *s = t;
		unsigned long long v;
		char *end;

		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f'))) {
			t++;
			continue;
		}
		/* the token: hex digits (also catches decimal) */
		while ((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f') || *t == 'x')
			t++;
		if (t - s >= 12 && t - s <= 20) {
			char tok[32];

			memcpy(tok, s, t - s);
			tok[t - s] = '\0';
			scanned_values++;
			/* as hex and as decimal: either reading must be harmless */
			v = strtoull(tok, &end, 16);
			if (*end == '\0' && v >= HU_KERNEL_MIN && t - s >= 16) {
				if (bad++ < 3)
					ksft_print_msg("%s: %s\n", what, tok);
			}
			v = strtoull(tok, &end, 10);
			if (*end == '\0' && v >= HU_KERNEL_MIN) {
				if (bad++ < 3)
					ksft_print_msg("%s: %s\n", what, tok);
			}
		}
	}
	return bad;
}

static int read_text(const char *file, const char *pid, char *buf, size_t size)
{
	int fd = hu_open(file, pid ? O_RDWR | O_NONBLOCK : O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	if (pid && hu_write_str(fd, pid)) {
		close(fd);
		return -errno;
	}
	n = hu_read_all(fd, buf, size);
	if (n == -EAGAIN)
		n = 0;
	close(fd);
	return n < 0 ? (int)n : 0;
}

static bool no_kernel_pointers(int *events_kernel_mode, int *events_total)
{
	static struct vmastat_vma vmas[2048];
	static struct vmastat_proc procs[512];
	static struct vmastat_event ev[8192];
	static struct vmastat_hist_query h;
	static char names[1 << 20], text[4 << 20];
	struct vmastat_maps_query mq;
	struct vmastat_procs_query pq;
	struct vmastat_events_query eq;
	struct vmastat_summary sum;
	struct vmastat_status st;
	char pidstr[32];
	int qfd, bad = 0, fd, r;
	pid_t self = getpid();
	char *fresh;
	struct iovec l, rmt;
	long ps = sysconf(_SC_PAGESIZE);

	qfd = hu_open("query", O_RDONLY);
	if (qfd < 0)
		return false;
	r = hu_track_cmd(qfd, VMASTAT_IOC_TRACK, self, 0, 0);
	if (r) {
		ksft_print_msg("TRACK self: %s\n", strerror(-r));
		close(qfd);
		return false;
	}
	/* faults of every sort, kernel-mode ones included */
	fresh = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open("/proc/self/stat", O_RDONLY);
	if (read(fd, fresh, 512) < 0)		/* copy_to_user faults */
		ksft_print_msg("read: %s\n", strerror(errno));
	close(fd);
	madvise(fresh + 8 * ps, 8 * ps, 22 /* MADV_POPULATE_READ */);	/* GUP */
	l = (struct iovec){ fresh + 20 * ps, 4 * ps };
	rmt = (struct iovec){ fresh + 30 * ps, 4 * ps };
	fresh[30 * ps] = 1;
	process_vm_readv(self, &l, 1, &rmt, 1, 0);	/* GUP into our own */
	for (int i = 40; i < 64; i++)
		fresh[i * ps] = 2;			/* user faults */
	munmap(fresh + 48 * ps, 8 * ps);		/* an unmapped range */
	snprintf(pidstr, sizeof(pidstr), "%d", self);

	/* binary answers, every field */
	memset(&mq, 0, sizeof(mq));
	mq.size = sizeof(mq);
	mq.pid = self;
	mq.flags = VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED;
	mq.vma_size = sizeof(vmas[0]);
	mq.vmas = (uintptr_t)vmas;
	mq.vma_count = 2048;
	mq.names = (uintptr_t)names;
	mq.names_size = sizeof(names);
	r = hu_ioctl(qfd, VMASTAT_IOC_MAPS, &mq);
	if (r) {
		ksft_print_msg("MAPS: %s\n", strerror(-r));
		bad++;
	} else {
		bad += scan_bin(&mq, sizeof(mq), "MAPS query",
				mq.next == VMASTAT_MAPS_END ?
				(long)offsetof(struct vmastat_maps_query, next) : -1);
		bad += scan_bin(vmas, mq.vma_count * sizeof(vmas[0]), "MAPS records", -1);
		bad += scan_text(names, "MAPS names");
	}
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.pid = self;
	if (!hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st))
		bad += scan_bin(&st, sizeof(st) - sizeof(st.comm), "STATUS", -1);
	if (!hu_summary(qfd, &sum))
		bad += scan_bin(&sum, sizeof(sum), "SUMMARY", -1);
	memset(&pq, 0, sizeof(pq));
	pq.size = sizeof(pq);
	pq.proc_size = sizeof(procs[0]);
	pq.procs = (uintptr_t)procs;
	pq.count = 512;
	if (!hu_ioctl(qfd, VMASTAT_IOC_PROCS, &pq)) {
		bad += scan_bin(&pq, sizeof(pq), "PROCS query",
				pq.next == VMASTAT_MAPS_END ?
				(long)offsetof(struct vmastat_procs_query, next) : -1);
		for (unsigned int i = 0; i < pq.count; i++)
			bad += scan_bin(&procs[i].start_ns,
					sizeof(procs[i]) - offsetof(struct vmastat_proc, start_ns),
					"PROCS record", offsetof(struct vmastat_proc, comm) -
					offsetof(struct vmastat_proc, start_ns)) ;
	}
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.pid = self;
	if (!hu_ioctl(qfd, VMASTAT_IOC_HIST, &h))
		bad += scan_bin(&h, sizeof(h), "HIST", -1);

	/* the text files (before the events are taken) */
	if (!read_text("maps", pidstr, text, sizeof(text)))
		bad += scan_text(text, "maps");
	if (!read_text("status", pidstr, text, sizeof(text)))
		bad += scan_text(text, "status");
	if (!read_text("hist", pidstr, text, sizeof(text)))
		bad += scan_text(text, "hist");
	for (const char *const *f = (const char *const[]){ "version", "faults",
			"summary", "track", NULL }; *f; f++)
		if (!read_text(*f, NULL, text, sizeof(text)))
			bad += scan_text(text, *f);
	/* events as text: half of them; the other half by ioctl */
	fd = hu_open("events", O_RDWR | O_NONBLOCK);
	if (fd >= 0 && !hu_write_str(fd, pidstr)) {
		ssize_t n = read(fd, text, 4096);

		if (n > 0) {
			text[n] = '\0';
			bad += scan_text(text, "events");
		}
	}
	if (fd >= 0)
		close(fd);

	memset(&eq, 0, sizeof(eq));
	eq.size = sizeof(eq);
	eq.pid = self;
	eq.event_size = sizeof(ev[0]);
	eq.events = (uintptr_t)ev;
	eq.count = 8192;
	*events_kernel_mode = *events_total = 0;
	if (!hu_ioctl(qfd, VMASTAT_IOC_EVENTS, &eq)) {
		bad += scan_bin(&eq, sizeof(eq), "EVENTS query", -1);
		for (unsigned int i = 0; i < eq.count; i++) {
			struct vmastat_event *e = &ev[i];

			bad += scan_bin(e, sizeof(*e), "event", -1);
			if (e->ip >= USER_TOP || e->address >= USER_TOP ||
			    ((e->flags & VMASTAT_EV_GUP) && e->ip)) {
				if (bad++ < 5)
					ksft_print_msg("event: address %#llx ip %#llx flags %#x\n",
						       (unsigned long long)e->address,
						       (unsigned long long)e->ip, e->flags);
			}
			*events_kernel_mode += !e->ip;
		}
		*events_total = eq.count;
	}
	hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, self, 0, 0);
	close(qfd);
	ksft_print_msg("scanned %lu values, %d events (%d taken in kernel mode, ip 0)\n",
		       scanned_values, *events_total, *events_kernel_mode);
	return !bad;
}

/* ---- main ------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	char path[512];
	struct stat st;
	bool ok, chmod_ok = true;
	int kfd, r, ek, et;
	unsigned long taint0;

	/* setpriv's child: try the opens, report through the exit status */
	if (argc == 2 && !strcmp(argv[1], "--try-open")) {
		int n = 0;

		for (size_t i = 0; i < NF; i++) {
			int fd = vms_open(files[i].name, files[i].flags);

			if (fd != -EPERM)
				n++;
			if (fd >= 0)
				close(fd);
		}
		return n;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	if (vms_unavailable())
		ksft_exit_skip("%s\n", vms_unavailable());
	ksft_set_plan(11);
	kfd = hu_kmsg_open();
	taint0 = hu_tainted();
	res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dirfd_vms = open(vms_dir(), O_PATH | O_DIRECTORY | O_CLOEXEC);

	/* 1: modes */
	ok = true;
	for (size_t i = 0; i < NF; i++) {
		path_of(i, path, sizeof(path));
		if (stat(path, &st)) {
			ksft_print_msg("%s: %s\n", path, strerror(errno));
			ok = false;
			continue;
		}
		saved_modes[i] = st.st_mode & 07777;
		if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != files[i].mode ||
		    st.st_uid || st.st_gid) {
			ksft_print_msg("%s: mode %o uid %d gid %d, expected %o root\n",
				       files[i].name, st.st_mode & 07777, st.st_uid,
				       st.st_gid, files[i].mode);
			ok = false;
		}
	}
	modes_saved = true;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	atexit(restore_modes);
	ksft_test_result(ok, "every file root-only with its documented mode\n");

	/* 2, 3: nobody, then with the modes widened */
	r = in_child(c_nobody, (void *)0L);
	ksft_test_result(!r && all_are(0, EACCES, "nobody"),
			 "uid nobody: the file modes refuse every file (EACCES)\n");
	for (size_t i = 0; i < NF; i++) {
		path_of(i, path, sizeof(path));
		if (chmod(path, 0666))
			chmod_ok = false;
	}
	r = in_child(c_nobody, (void *)16L);
	{
		int r2 = in_child(c_nobody_ptrace, NULL);
		int r3 = in_child(c_nobody_own, NULL);

		restore_modes();
		ok = true;
		for (size_t i = 0; i < NF; i++) {
			path_of(i, path, sizeof(path));
			if (stat(path, &st) || (st.st_mode & 07777) != saved_modes[i]) {
				ksft_print_msg("%s: mode not restored\n", files[i].name);
				ok = false;
			}
		}
		if (!chmod_ok) {
			ksft_test_result_skip("modes widened: debugfs refuses chmod here\n");
			ksft_test_result_skip("other uid: needs chmod\n");
		} else {
			ksft_test_result(!r && ok && all_are(16, EPERM, "nobody, mode 0666"),
					 "uid nobody with the modes widened to 0666: EPERM for every file (modes restored)\n");
			ksft_test_result(!r2 && !r3,
					 "another uid's process: readable with CAP_SYS_PTRACE (%d), not without (%d)\n",
					 r2, r3);
		}
	}

	/* 4: root without CAP_SYS_PTRACE */
	r = in_child(c_no_ptrace, (void *)32L);
	ksft_test_result(!r && all_are(32, EPERM, "root without CAP_SYS_PTRACE"),
			 "root without CAP_SYS_PTRACE (capset): EPERM for every file\n");

	/* 5: the same with setpriv, if there is one */
	if (access("/usr/bin/setpriv", X_OK)) {
		ksft_test_result_skip("setpriv not installed\n");
	} else {
		char exe[512], cmd[1200];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = '\0';
		snprintf(cmd, sizeof(cmd),
			 "/usr/bin/setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace %s --try-open",
			 exe);
		r = system(cmd);
		ksft_test_result(WIFEXITED(r) && WEXITSTATUS(r) == 0,
				 "root without CAP_SYS_PTRACE in its bounding set (setpriv): EPERM for every file (%d not)\n",
				 WIFEXITED(r) ? WEXITSTATUS(r) : -1);
	}

	/* 6: root of a user namespace */
	r = in_child(c_userns, (void *)48L);
	if (r == 2)
		ksft_test_result_skip("no user namespaces\n");
	else
		ksft_test_result(!r && all_are(48, EPERM, "root of a user namespace"),
				 "root of a user namespace: EPERM for every file\n");

	/* 7: PID namespace */
	r = in_child(c_pidns, NULL);
	if (r == 10)
		ksft_test_result_skip("no PID namespaces\n");
	else
		ksft_test_result(!r, "in a new PID namespace PIDs are that namespace's, PROCS lists only what is visible, EVENTS_MAP is refused (%d)\n", r);

	/* 8: kernel pointers */
	ok = no_kernel_pointers(&ek, &et);
	ksft_test_result(ok && et > 0 && ek > 0,
			 "no kernel address in any file or ioctl answer; events' ip 0 in kernel mode\n");

	/* 9: modes as found, 10: kernel log */
	ok = true;
	for (size_t i = 0; i < NF; i++) {
		path_of(i, path, sizeof(path));
		if (stat(path, &st) || (st.st_mode & 07777) != files[i].mode)
			ok = false;
	}
	ksft_test_result(ok, "file modes as they were\n");
	{
		int bad = hu_kmsg_check(kfd, vms_log, 20);
		unsigned long taint = hu_tainted() & ~taint0 & ~HU_TAINT_OK;

		ksft_test_result(!bad && !taint, "kernel log: %d bad lines, new taint %#lx\n",
				 bad, taint);
	}
	ksft_finished();
}
