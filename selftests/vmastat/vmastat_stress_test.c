// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat: the module loaded and unloaded many times under load.
 *
 * While a multi-threaded fault storm, fork/exit churn (thousands of short
 * processes, some of them exec'ing, some left zombies for a while) and
 * mmap/mprotect/mremap/munmap churn run, the module is loaded and unloaded
 * VMASTAT_STRESS_CYCLES times (50).  Reader threads open every file of the
 * module over and over, across the loads and unloads, and use it the way
 * the documentation says (write a PID, read; every ioctl, tracking and
 * untracking included), accepting only the errors documented for what
 * can happen under them (a target that exits, a table that is full, the
 * module being absent or going away at open).  In each cycle:
 *
 *  - an events reader is blocked in read() or poll() of a tracked idle
 *    process while the module is unloaded: delete_module() must fail with
 *    EAGAIN (rmmod: "in use"); the reader is then woken by untracking (end
 *    of file / POLLHUP), by an event, or by a signal (EINTR);
 *  - after UNTRACK of everything, summary's mem_bytes is back to what the
 *    module held right after loading (its tables only);
 *  - the unload is first tried while the readers keep opening files: the
 *    opens that race with it may fail only with ENOENT or ENXIO.
 *
 * After cycle 10 and the last one, with the load paused, SUnreclaim,
 * VmallocUsed and Percpu of /proc/meminfo must not have grown by more
 * than a small tolerance.  Then, with the module loaded: targets that
 * exec, exit or whose PID is reused in the middle of a read, a zombie,
 * kthreadd, and a process at max_map_count (65,530) mappings read whole
 * through the text file and the ioctl.  At the end the kernel log must
 * hold no error of the module (such as "N bytes not freed at unload")
 * and no warning, and the module is left loaded if it was at the start.
 *
 * The module file: $VMASTAT_KO, else the out/ /vmastat.ko of this tree whose
 * vermagic is the running kernel's release.  With VMASTAT_STRESS_ELSEWHERE
 * set it only reports a skip: make check runs it in a boot of its own.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/userfaultfd.h>

#include "../kselftest.h"
#include "vmastat_hard_util.h"

extern char **environ;

#define MOD_NAME	"vmastat"
#define RECENT		64

static long page_size;

/* ---- options ------------------------------------------------------------- */

static int opt_cycles = 50;
static int opt_busy_ms = 150;
static long opt_vmas = 65530;
static long long opt_mem_tol_kb = 2048;

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* ---- logging: one lock, a cap on repeated complaints ---------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	printf("# %s\n", line);
	fflush(stdout);
	pthread_mutex_unlock(&log_lock);
}

static void logv(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say("%s", line);
}

/* ---- the module ---------------------------------------------------------- */

static char ko_path[PATH_MAX];
static char mod_params[512];

static bool mod_loaded(void)
{
	return access("/sys/module/" MOD_NAME "/initstate", F_OK) == 0;
}

/* The module file, read once: loading from memory spares a 9p read. */
static void *ko_image;
static size_t ko_size;

static int mod_load(void)
{
	if (!ko_image) {
		struct stat st;
		int fd = open(ko_path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		if (fstat(fd, &st)) {
			close(fd);
			return -errno;
		}
		ko_image = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_POPULATE, fd, 0);
		close(fd);
		if (ko_image == MAP_FAILED) {
			ko_image = NULL;
			return -ENOMEM;
		}
		ko_size = st.st_size;
	}
	return syscall(SYS_init_module, ko_image, ko_size, mod_params) ? -errno : 0;
}

static int mod_unload(void)
{
	return syscall(SYS_delete_module, MOD_NAME, O_NONBLOCK) ? -errno : 0;
}

/* The first word of a module file's vermagic, or "" */
static void ko_vermagic(const char *path, char *out, size_t size)
{
	struct stat st;
	char *data, *p;
	int fd;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || st.st_size < 16) {
		close(fd);
		return;
	}
	data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return;
	p = memmem(data, st.st_size, "vermagic=", 9);
	if (p) {
		size_t i = 0;

		p += 9;
		while (p + i < data + st.st_size && p[i] && p[i] != ' ' &&
		       i + 1 < size) {
			out[i] = p[i];
			i++;
		}
		out[i] = '\0';
	}
	munmap(data, st.st_size);
}

/*
 * $VMASTAT_KO, else out/KVER/vmastat.ko of this tree (found from our own
 * path) with the running kernel's release as its vermagic; the kernel
 * flavours' directories (6.1, 6.12, 6.12-rt) before any other.
 */
static bool find_ko(char *why, size_t wsize)
{
	char exe[PATH_MAX], top[PATH_MAX], out[PATH_MAX + 8], vm[256];
	struct utsname u;
	const char *env = getenv("VMASTAT_KO");
	char best[PATH_MAX] = "";
	int best_rank = 99;
	struct dirent *de;
	ssize_t n;
	DIR *d;

	uname(&u);
	if (env && *env) {
		ko_vermagic(env, vm, sizeof(vm));
		if (strcmp(vm, u.release)) {
			snprintf(why, wsize, "VMASTAT_KO=%s is for '%s', running %s",
				 env, vm, u.release);
			return false;
		}
		snprintf(ko_path, sizeof(ko_path), "%s", env);
		return true;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(why, wsize, "cannot read /proc/self/exe");
		return false;
	}
	exe[n] = '\0';
	/* .../selftests/vmastat/PROG -> ... */
	snprintf(top, sizeof(top), "%s", exe);
	for (int i = 0; i < 3; i++) {
		char *s = strrchr(top, '/');

		if (s)
			*s = '\0';
	}
	snprintf(out, sizeof(out), "%s/out", top);
	d = opendir(out);
	if (!d) {
		snprintf(why, wsize, "no %.300s and no VMASTAT_KO", out);
		return false;
	}
	while ((de = readdir(d))) {
		static const char * const pref[] = { "6.1", "6.12", "6.12-rt" };
		char path[PATH_MAX * 2];
		int rank = 10;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/vmastat.ko", out, de->d_name);
		if (access(path, R_OK))
			continue;
		ko_vermagic(path, vm, sizeof(vm));
		if (strcmp(vm, u.release))
			continue;
		for (int i = 0; i < 3; i++)
			if (!strcmp(de->d_name, pref[i]))
				rank = i;
		if (rank < best_rank && strlen(path) < sizeof(best)) {
			best_rank = rank;
			snprintf(best, sizeof(best), "%s", path);
		}
	}
	closedir(d);
	if (!best[0]) {
		snprintf(why, wsize, "no %.300s/*/vmastat.ko built for %s", out,
			 u.release);
		return false;
	}
	snprintf(ko_path, sizeof(ko_path), "%s", best);
	return true;
}

/* The parameters of the loaded module, to load it again the same way. */
static void save_params(void)
{
	static const char * const names[] = {
		"max_procs", "max_tracked", "attr_entries", "ring_entries",
		"granule_shift", "maxactive", "direct", "clock_interp",
	};
	size_t len = 0;

	mod_params[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128], val[64] = "";
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "/sys/module/" MOD_NAME "/parameters/%s",
			 names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, val, sizeof(val) - 1);
		close(fd);
		if (n <= 0)
			continue;
		val[strcspn(val, "\n")] = '\0';
		if (!strcmp(val, "0"))
			continue;
		len += snprintf(mod_params + len, sizeof(mod_params) - len,
				"%s%s=%s", len ? " " : "", names[i], val);
	}
}

/* ---- the load: worker processes ------------------------------------------ */

struct shared {
	atomic_int stop;
	atomic_uint recent_idx;
	atomic_int recent[RECENT];
	atomic_ullong storm_pages;
	atomic_ullong forks;
	atomic_ullong execs;
	atomic_ullong zombies;
	atomic_ullong churn_ops;
};

static struct shared *sh;
static pid_t w_storm, w_forker, w_churn, w_idle;

static void *storm_thread(void *arg)
{
	const size_t pages = 64;
	unsigned long it = 0;

	while (!atomic_load(&sh->stop)) {
		char *p = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		volatile char sink;

		if (p == MAP_FAILED)
			continue;
		for (size_t i = 0; i < pages; i++) {
			if ((i + it) % 4 == 0)
				sink = p[i * page_size];	/* zero page */
			p[i * page_size] = 1;
		}
		if (it % 8 == 0) {
			madvise(p, pages * page_size, MADV_DONTNEED);
			for (size_t i = 0; i < pages; i += 2)
				p[i * page_size] = 2;
		}
		(void)sink;
		munmap(p, pages * page_size);
		atomic_fetch_add(&sh->storm_pages, pages);
		it++;
		if (it % 4 == 0)
			hu_sleep_ms(1);
	}
	return NULL;
}

static void worker_init(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static pid_t start_storm(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t th[3];

		worker_init();
		prctl(PR_SET_NAME, "vms-storm");
		for (int i = 0; i < 3; i++)
			pthread_create(&th[i], NULL, storm_thread, NULL);
		for (int i = 0; i < 3; i++)
			pthread_join(th[i], NULL);
		_exit(0);
	}
	return pid;
}

static pid_t start_forker(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pid_t zombie = 0;
		unsigned long n = 0;

		worker_init();
		prctl(PR_SET_NAME, "vms-forker");
		while (!atomic_load(&sh->stop)) {
			pid_t c = fork();

			if (c == 0) {
				static char buf[4 * 4096];

				memset(buf, (int)n, sizeof(buf));
				if (n % 32 == 7) {
					execl("/bin/true", "true", (char *)NULL);
					_exit(1);
				}
				_exit(0);
			}
			if (c < 0) {
				hu_sleep_ms(1);
				continue;
			}
			atomic_store(&sh->recent[atomic_fetch_add(&sh->recent_idx, 1) % RECENT], c);
			atomic_fetch_add(&sh->forks, 1);
			if (n % 32 == 7)
				atomic_fetch_add(&sh->execs, 1);
			/* every 8th child stays a zombie until the next one */
			if (n % 8 == 0) {
				if (zombie > 0)
					waitpid(zombie, NULL, 0);
				zombie = c;
				atomic_fetch_add(&sh->zombies, 1);
			} else {
				waitpid(c, NULL, 0);
			}
			n++;
		}
		_exit(0);
	}
	return pid;
}

static pid_t start_churn(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		worker_init();
		prctl(PR_SET_NAME, "vms-churn");
		while (!atomic_load(&sh->stop)) {
			size_t len = 32 * page_size;
			char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			char *q;

			if (p == MAP_FAILED)
				continue;
			for (size_t i = 0; i < len; i += page_size)
				p[i] = 1;
			mprotect(p + 8 * page_size, 8 * page_size, PROT_READ);
			mprotect(p + 12 * page_size, 2 * page_size, PROT_NONE);
			/* grow (and move) the last, unsplit part */
			q = mremap(p + 16 * page_size, 16 * page_size,
				   48 * page_size, MREMAP_MAYMOVE);
			if (q != MAP_FAILED) {
				for (size_t i = 16 * page_size; i < 48 * page_size;
				     i += page_size)
					q[i] = 2;
				/* replace a part in place, unmap a hole */
				mmap(q + 4 * page_size, 4 * page_size, PROT_READ,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
				munmap(q + 20 * page_size, 4 * page_size);
				munmap(q, 48 * page_size);
			}
			mprotect(p, 16 * page_size, PROT_READ | PROT_WRITE);
			munmap(p, len);
			if (q != MAP_FAILED)
				hu_sleep_ms(1);
			atomic_fetch_add(&sh->churn_ops, 1);
		}
		_exit(0);
	}
	return pid;
}

static void idle_fault(int sig)
{
	char *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		p[0] = 1;
		munmap(p, page_size);
	}
}

/* A process that does nothing until SIGUSR1 makes it take a fault. */
static pid_t start_idle(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = idle_fault };

		worker_init();
		prctl(PR_SET_NAME, "vms-idle");
		sigaction(SIGUSR1, &sa, NULL);
		for (;;)
			pause();
	}
	return pid;
}

static void workers_signal(int sig)
{
	pid_t w[] = { w_storm, w_forker, w_churn };

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (w[i] > 0)
			kill(w[i], sig);
}

static void workers_stop(void)
{
	pid_t w[] = { w_storm, w_forker, w_churn, w_idle };

	atomic_store(&sh->stop, 1);
	workers_signal(SIGCONT);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (w[i] <= 0)
			continue;
		if (w[i] == w_idle)
			kill(w[i], SIGKILL);
		waitpid(w[i], NULL, 0);
	}
	w_storm = w_forker = w_churn = w_idle = 0;
}

static pid_t recent_child(uint64_t *seed)
{
	return atomic_load(&sh->recent[hu_below(seed, RECENT)]);
}

/* ---- readers -------------------------------------------------------------- */

enum phase { PH_PASSIVE, PH_BUSY, PH_PAUSE, PH_EXIT };
static atomic_int phase = PH_PASSIVE;
static pthread_rwlock_t gate;

/* Wait until no reader is in the middle of a session. */
static void gate_wait(void)
{
	pthread_rwlock_wrlock(&gate);
	pthread_rwlock_unlock(&gate);
}

enum rk {
	RK_MAPS, RK_STATUS, RK_FAULTS, RK_SUMMARY, RK_TRACK, RK_EVENTS,
	RK_HIST, RK_RESET, RK_QUERY, RK_NR
};

/* What happened, by operation and errno. */
#define NSTAT	256
static struct { const char *op; int err; unsigned long n; } stats[NSTAT];
static int nstats;
static atomic_ulong ops_total, ops_bad, opens_racing;

static void stat_add(const char *op, int err)
{
	int i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < nstats; i++)
		if (stats[i].op == op && stats[i].err == err)
			break;
	if (i == nstats && nstats < NSTAT) {
		stats[i].op = op;
		stats[i].err = err;
		nstats++;
	}
	if (i < NSTAT)
		stats[i].n++;
	pthread_mutex_unlock(&log_lock);
}

#define ALLOW(...)	((const int[]){ __VA_ARGS__, 0 })
#define NONE		ALLOW(0)

/* Count an outcome (0 or -errno); complain if the error is not allowed. */
static bool check(const char *op, int r, const int *allowed, pid_t pid)
{
	int e = r < 0 ? -r : 0;

	atomic_fetch_add(&ops_total, 1);
	stat_add(op, e);
	if (!e)
		return true;
	for (const int *a = allowed; *a; a++)
		if (*a == e)
			return false;
	if (atomic_fetch_add(&ops_bad, 1) < 30)
		say("unexpected: %s (pid %d): %s", op, pid, strerror(e));
	return false;
}

/* Open a file of the module in a reader session. */
static int reader_open(const char *name, int flags, bool busy)
{
	int fd = hu_open(name, flags);

	if (fd >= 0) {
		stat_add("open", 0);
		return fd;
	}
	if (!busy && (fd == -ENOENT || fd == -ENXIO)) {
		/* the module is not there, or going away */
		atomic_fetch_add(&opens_racing, 1);
		stat_add("open", -fd);
		return fd;
	}
	check("open", fd, NONE, 0);
	return fd;
}

struct reader {
	pthread_t th;
	enum rk kind;
	uint64_t seed;
	char *buf;
	size_t cap;
	struct vmastat_vma *recs;
	char *names;
	struct vmastat_proc *procs;
	struct vmastat_event *ev;
};

#define RBUF	(1 << 20)

static pid_t pick_target(struct reader *r)
{
	switch (hu_below(&r->seed, 8)) {
	case 0: return w_storm;
	case 1: return w_forker;
	case 2: return w_churn;
	case 3: return getpid();
	case 4: return 1;
	case 5: return hu_chance(&r->seed, 50) ? 2 : w_storm;
	default: return recent_child(&r->seed) ?: w_churn;
	}
}

/* Read to EOF in random chunks; bytes or -errno. */
static ssize_t read_chunks(struct reader *r, int fd)
{
	size_t len = 0;

	for (;;) {
		size_t want = 1 + hu_below(&r->seed, 8192);
		ssize_t n;

		if (len + want >= r->cap)
			want = r->cap - len - 1;
		if (!want)
			len = 0, want = 4096;	/* keep reading, drop text */
		n = read(fd, r->buf + len, want);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
	}
	r->buf[len] = '\0';
	return len;
}

static void bad_text(const char *what, const char *text)
{
	if (atomic_fetch_add(&ops_bad, 1) < 30)
		say("malformed %s: '%.80s'", what, text);
}

static void check_maps_text(const char *t)
{
	const char *line = t;

	if (!*t)
		return;
	if (strncmp(t, "# start-end", 11)) {
		bad_text("maps header", t);
		return;
	}
	while ((line = strchr(line, '\n')) && line[1]) {
		unsigned long long s, e;

		line++;
		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || s >= e) {
			bad_text("maps line", line);
			return;
		}
	}
}

static void session_text(struct reader *r, const char *file, bool busy,
			 bool is_maps)
{
	char str[32];
	pid_t pid = pick_target(r);
	ssize_t n;
	int fd, w;

	fd = reader_open(file, O_RDWR, busy);
	if (fd < 0)
		return;
	snprintf(str, sizeof(str), "%d", pid);
	w = hu_write_str(fd, str);
	if (check(is_maps ? "maps write" : "status write", w,
		  ALLOW(ESRCH, EOPNOTSUPP), pid)) {
		n = read_chunks(r, fd);
		if (check(is_maps ? "maps read" : "status read",
			  n < 0 ? (int)n : 0, ALLOW(ESRCH), pid)) {
			if (is_maps)
				check_maps_text(r->buf);
			else if (strncmp(r->buf, "pid: ", 5))
				bad_text("status", r->buf);
		}
	}
	close(fd);
}

static void session_plain(struct reader *r, const char *file, const char *head,
			  bool busy)
{
	int fd = reader_open(file, O_RDONLY, busy);
	ssize_t n;

	if (fd < 0)
		return;
	n = read_chunks(r, fd);
	if (check(file, n < 0 ? (int)n : 0, NONE, 0) &&
	    strncmp(r->buf, head, strlen(head)))
		bad_text(file, r->buf);
	close(fd);
}

static void session_track(struct reader *r, bool busy)
{
	int fd = reader_open("track", O_RDWR, busy);
	char cmd[48];
	pid_t pid;
	ssize_t n;

	if (fd < 0)
		return;
	n = read_chunks(r, fd);
	check("track read", n < 0 ? (int)n : 0, NONE, 0);
	if (busy) {
		switch (hu_below(&r->seed, 4)) {
		case 0:
			pid = w_forker;
			snprintf(cmd, sizeof(cmd), "%d children\n", pid);
			check("track write children", hu_write_str(fd, cmd),
			      ALLOW(EBUSY, ENOSPC, ESRCH), pid);
			break;
		case 1:
			pid = pick_target(r);
			snprintf(cmd, sizeof(cmd), "%d\n", pid);
			check("track write", hu_write_str(fd, cmd),
			      ALLOW(EBUSY, ENOSPC, ESRCH, EOPNOTSUPP), pid);
			break;
		default:
			pid = hu_chance(&r->seed, 50) ? recent_child(&r->seed) :
							  pick_target(r);
			if (pid <= 0)
				break;
			snprintf(cmd, sizeof(cmd), "-%d\n", pid);
			check("track write -PID", hu_write_str(fd, cmd),
			      ALLOW(ENODATA, ESRCH), pid);
		}
	}
	close(fd);
}

static void session_events(struct reader *r, bool busy)
{
	int fd = reader_open("events", O_RDWR | O_NONBLOCK, busy);
	pid_t pid = pick_target(r);
	struct pollfd p;
	char str[32];

	if (fd < 0)
		return;
	snprintf(str, sizeof(str), "%d", pid);
	if (check("events write", hu_write_str(fd, str), ALLOW(ENODATA, ESRCH),
		  pid)) {
		for (int i = 0; i < 4; i++) {
			ssize_t n = read(fd, r->buf, 1 + hu_below(&r->seed, 4096));

			check("events read", n < 0 ? -errno : 0, ALLOW(EAGAIN), pid);
			if (n <= 0)
				break;
		}
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		check("events poll", poll(&p, 1, 0) < 0 ? -errno : 0, NONE, pid);
	}
	close(fd);
}

static void session_hist(struct reader *r, bool busy)
{
	int fd = reader_open("hist", O_RDWR, busy);
	pid_t pid = pick_target(r);
	char str[32];

	if (fd < 0)
		return;
	snprintf(str, sizeof(str), "%d", pid);
	if (check("hist write", hu_write_str(fd, str), ALLOW(ENODATA, ESRCH), pid)) {
		ssize_t n = read_chunks(r, fd);

		check("hist read", n < 0 ? (int)n : 0, NONE, pid);
	}
	close(fd);
}

static void session_reset(struct reader *r, bool busy)
{
	pid_t pid = pick_target(r);
	char str[32];
	int fd;

	if (!busy)
		return;
	fd = reader_open("reset", O_WRONLY, busy);
	if (fd < 0)
		return;
	snprintf(str, sizeof(str), "%d\n", pid);
	check("reset write", hu_write_str(fd, str), ALLOW(ESRCH), pid);
	close(fd);
}

#define QRECS	64
#define QNAMES	(64 << 10)

static void q_maps(struct reader *r, int fd, pid_t pid)
{
	static const uint64_t fl[] = {
		0, VMASTAT_MAPS_FAULTS, VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED,
	};
	struct vmastat_maps_query q = {
		.size = sizeof(q), .pid = pid, .vma_size = sizeof(struct vmastat_vma),
		.flags = fl[hu_below(&r->seed, 3)],
	};

	for (int i = 0; i < 4096; i++) {
		int e;

		q.vmas = (uintptr_t)r->recs;
		q.vma_count = QRECS;
		q.names = (uintptr_t)r->names;
		q.names_size = QNAMES;
		e = hu_ioctl(fd, VMASTAT_IOC_MAPS, &q);
		if (!check(q.flags ? "ioctl MAPS faults" : "ioctl MAPS", e,
			   ALLOW(ESRCH, EOPNOTSUPP, ENODATA), pid))
			return;
		for (unsigned int k = 0; k < q.vma_count; k++) {
			if (r->recs[k].start >= r->recs[k].end) {
				bad_text("MAPS record", "start >= end");
				return;
			}
		}
		if (q.next == VMASTAT_MAPS_END)
			return;
		q.start = q.next;
	}
}

static void q_procs(struct reader *r, int fd)
{
	struct vmastat_procs_query q = {
		.size = sizeof(q), .proc_size = sizeof(struct vmastat_proc),
		.flags = hu_chance(&r->seed, 50) ? VMASTAT_PROCS_LIVE : 0,
	};

	for (int i = 0; i < 1024; i++) {
		q.procs = (uintptr_t)r->procs;
		q.count = 32;
		if (!check("ioctl PROCS", hu_ioctl(fd, VMASTAT_IOC_PROCS, &q), NONE, 0))
			return;
		for (unsigned int k = 0; k < q.count; k++) {
			if (r->procs[k].pid <= 0) {
				bad_text("PROCS record", "pid <= 0");
				return;
			}
		}
		if (q.next == VMASTAT_MAPS_END)
			return;
		q.start = q.next;
	}
}

static void session_query(struct reader *r, bool busy)
{
	int fd = reader_open("query", O_RDONLY, busy);

	if (fd < 0)
		return;
	for (int i = 0; i < 6; i++) {
		pid_t pid = pick_target(r);
		int op = hu_below(&r->seed, busy ? 11 : 8);

		switch (op) {
		case 0:
			q_maps(r, fd, pid);
			break;
		case 1: {
			struct vmastat_status s = { .size = sizeof(s), .pid = pid };

			check("ioctl STATUS", hu_ioctl(fd, VMASTAT_IOC_STATUS, &s),
			      ALLOW(ESRCH, EOPNOTSUPP), pid);
			break;
		}
		case 2: {
			struct vmastat_summary s;

			check("ioctl SUMMARY", hu_summary(fd, &s), NONE, 0);
			break;
		}
		case 3:
			q_procs(r, fd);
			break;
		case 4: {
			struct vmastat_proc p;

			check("ioctl PROCS pid", hu_proc(fd, pid, &p),
			      ALLOW(ESRCH, EOPNOTSUPP), pid);
			break;
		}
		case 5: {
			static __thread struct vmastat_hist_query h;

			memset(&h, 0, sizeof(h));
			h.size = sizeof(h);
			h.pid = pid;
			if (check("ioctl HIST", hu_ioctl(fd, VMASTAT_IOC_HIST, &h),
				  ALLOW(ESRCH, ENODATA), pid) &&
			    h.nr_buckets != VMASTAT_HIST_BUCKETS)
				bad_text("HIST", "nr_buckets");
			break;
		}
		case 6:
		case 7: {
			struct vmastat_events_query q = {
				.size = sizeof(q), .pid = pid,
				.event_size = sizeof(struct vmastat_event),
				.events = (uintptr_t)r->ev, .count = 64,
			};

			check("ioctl EVENTS", hu_ioctl(fd, VMASTAT_IOC_EVENTS, &q),
			      ALLOW(ESRCH, ENODATA), pid);
			break;
		}
		case 8:
			if (pid == w_forker)
				check("ioctl TRACK children",
				      hu_track_cmd(fd, VMASTAT_IOC_TRACK, pid,
						   VMASTAT_TRACK_CHILDREN, 0),
				      ALLOW(EBUSY, ENOSPC, ESRCH), pid);
			else
				check("ioctl TRACK",
				      hu_track_cmd(fd, VMASTAT_IOC_TRACK, pid, 0,
						   hu_chance(&r->seed, 50) ? 0 : 16),
				      ALLOW(EBUSY, ENOSPC, ESRCH, EOPNOTSUPP), pid);
			break;
		case 9:
			if (hu_chance(&r->seed, 50))
				pid = recent_child(&r->seed) ?: pid;
			check("ioctl UNTRACK",
			      hu_track_cmd(fd, VMASTAT_IOC_UNTRACK, pid, 0, 0),
			      ALLOW(ENODATA, ESRCH), pid);
			break;
		case 10:
			check("ioctl RESET",
			      hu_track_cmd(fd, VMASTAT_IOC_RESET,
					   hu_chance(&r->seed, 10) ? 0 : pid, 0, 0),
			      ALLOW(ESRCH), pid);
			break;
		}
	}
	close(fd);
}

static void *reader_fn(void *arg)
{
	struct reader *r = arg;

	while (atomic_load(&phase) != PH_EXIT) {
		int ph = atomic_load(&phase);
		bool busy;

		if (ph == PH_PAUSE) {
			hu_sleep_ms(2);
			continue;
		}
		pthread_rwlock_rdlock(&gate);
		ph = atomic_load(&phase);
		busy = ph == PH_BUSY;
		if (ph == PH_PASSIVE || ph == PH_BUSY) {
			switch (r->kind) {
			case RK_MAPS: session_text(r, "maps", busy, true); break;
			case RK_STATUS: session_text(r, "status", busy, false); break;
			case RK_FAULTS: session_plain(r, "faults", "pid state", busy); break;
			case RK_SUMMARY: session_plain(r, "summary", "hits ", busy); break;
			case RK_TRACK: session_track(r, busy); break;
			case RK_EVENTS: session_events(r, busy); break;
			case RK_HIST: session_hist(r, busy); break;
			case RK_RESET: session_reset(r, busy); break;
			case RK_QUERY: session_query(r, busy); break;
			default: break;
			}
		}
		pthread_rwlock_unlock(&gate);
		/* passive: long gaps, so that all files are closed at times */
		hu_sleep_ms(busy ? hu_below(&r->seed, 3) : hu_below(&r->seed, 25));
	}
	return NULL;
}

static struct reader readers[RK_NR];

static void readers_start(void)
{
	for (int i = 0; i < RK_NR; i++) {
		struct reader *r = &readers[i];

		r->kind = i;
		r->seed = 0x9e3779b97f4a7c15ULL * (i + 1);
		r->cap = RBUF;
		r->buf = vms_alloc(RBUF);
		r->recs = vms_alloc(QRECS * sizeof(*r->recs));
		r->names = vms_alloc(QNAMES);
		r->procs = vms_alloc(32 * sizeof(*r->procs));
		r->ev = vms_alloc(64 * sizeof(*r->ev));
		pthread_create(&r->th, NULL, reader_fn, r);
	}
}

static void readers_stop(void)
{
	atomic_store(&phase, PH_EXIT);
	for (int i = 0; i < RK_NR; i++)
		pthread_join(readers[i].th, NULL);
}

/* ---- the events reader blocked while the module is unloaded --------------- */

struct blocked {
	pthread_t th;
	atomic_int tid;
	atomic_int ready;
	atomic_int done;
	bool use_poll;
	int fd;
	ssize_t ret;
	int err;
	short revents;
	char buf[1024];
};

static void nop_handler(int sig)
{
}

static void *blocked_fn(void *arg)
{
	struct blocked *b = arg;
	char str[32];

	atomic_store(&b->tid, gettid());
	b->fd = hu_open("events", O_RDWR);
	if (b->fd < 0) {
		b->ret = -2;
		b->err = -b->fd;
		atomic_store(&b->done, 1);
		return NULL;
	}
	snprintf(str, sizeof(str), "%d", w_idle);
	if (hu_write_str(b->fd, str)) {
		b->ret = -3;
		b->err = errno;
		atomic_store(&b->done, 1);
		return NULL;
	}
	atomic_store(&b->ready, 1);
	if (b->use_poll) {
		struct pollfd p = { .fd = b->fd, .events = POLLIN };

		b->ret = poll(&p, 1, 20000);
		b->err = errno;
		b->revents = p.revents;
	} else {
		b->ret = read(b->fd, b->buf, sizeof(b->buf) - 1);
		b->err = errno;
		if (b->ret > 0)
			b->buf[b->ret] = '\0';
	}
	atomic_store(&b->done, 1);
	return NULL;
}

/* Is thread @tid asleep in read/poll? */
static bool thread_blocked(pid_t tid)
{
	char path[96], buf[256];
	long nr = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	nr = strtol(buf, NULL, 10);
	if (nr != SYS_read && nr != SYS_poll && nr != SYS_ppoll)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, ") S ") != NULL;
}

/* Run rmmod; true if it failed saying the module is in use. */
static bool rmmod_says_in_use(char *msg, size_t size)
{
	char *argv[] = { "rmmod", MOD_NAME, NULL };
	posix_spawn_file_actions_t fa;
	int p[2], status = 0;
	size_t len = 0;
	pid_t pid;
	ssize_t n;

	msg[0] = '\0';
	if (pipe2(p, O_CLOEXEC))
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	if (posix_spawnp(&pid, "rmmod", &fa, NULL, argv, environ)) {
		snprintf(msg, size, "cannot run rmmod");
		close(p[0]);
		close(p[1]);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while (len + 1 < size && (n = read(p[0], msg + len, size - 1 - len)) > 0)
		len += n;
	msg[len] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	       strstr(msg, "in use");
}

static int blocked_fail, blocked_tried, rmmod_checked, rmmod_ok;
static int wake_ok[3];
static const char * const wake_names[3] = { "untrack", "event", "signal" };

static void blocked_scenario(int cycle, int qfd)
{
	struct blocked *b = calloc(1, sizeof(*b));
	int method = cycle % 3, r;
	double t0;
	bool ok = true;

	blocked_tried++;
	b->use_poll = (cycle / 3) % 2;
	r = hu_track_cmd(qfd, VMASTAT_IOC_TRACK, w_idle, 0, 0);
	if (r) {
		say("cycle %d: TRACK of the idle process: %s", cycle, strerror(-r));
		blocked_fail++;
		free(b);
		return;
	}
	pthread_create(&b->th, NULL, blocked_fn, b);
	t0 = hu_now();
	while (!atomic_load(&b->done) &&
	       !(atomic_load(&b->ready) && thread_blocked(atomic_load(&b->tid))) &&
	       hu_now() - t0 < 5)
		hu_sleep_ms(2);
	if (atomic_load(&b->done) || hu_now() - t0 >= 5) {
		say("cycle %d: events reader did not block (ret %zd, %s)", cycle,
		     b->ret, strerror(b->err));
		ok = false;
	}

	/* the unload must be refused, and rmmod say why */
	r = mod_unload();
	if (r != -EAGAIN) {
		say("cycle %d: delete_module with a blocked %s(): %s", cycle,
		     b->use_poll ? "poll" : "read", r ? strerror(-r) : "succeeded");
		ok = false;
		if (!r) {	/* gone: nothing more to do in this cycle */
			blocked_fail++;
			pthread_join(b->th, NULL);
			free(b);
			return;
		}
	}
	if (cycle <= 2) {
		char msg[256];

		rmmod_checked++;
		if (rmmod_says_in_use(msg, sizeof(msg)))
			rmmod_ok++;
		else
			say("cycle %d: rmmod with a blocked reader: '%s'", cycle, msg);
	}

	switch (method) {
	case 0:
		r = hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, w_idle, 0, 0);
		if (r)
			say("cycle %d: UNTRACK idle: %s", cycle, strerror(-r));
		break;
	case 1:
		kill(w_idle, SIGUSR1);
		break;
	default:
		pthread_kill(b->th, SIGUSR2);
		break;
	}
	t0 = hu_now();
	while (!atomic_load(&b->done) && hu_now() - t0 < 10)
		hu_sleep_ms(2);
	if (!atomic_load(&b->done)) {
		say("cycle %d: the blocked reader was not woken by %s", cycle,
		     wake_names[method]);
		ok = false;
		hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, w_idle, 0, 0);
		while (!atomic_load(&b->done)) {
			pthread_kill(b->th, SIGUSR2);
			hu_sleep_ms(10);
		}
	} else {
		bool good;

		if (b->use_poll) {
			good = method == 0 ? b->ret == 1 && (b->revents & POLLHUP) :
			       method == 1 ? b->ret == 1 && (b->revents & POLLIN) :
			       b->ret == -1 && b->err == EINTR;
		} else {
			good = method == 0 ? b->ret == 0 :
			       method == 1 ? b->ret > 0 && strchr(b->buf, '\n') :
			       b->ret == -1 && b->err == EINTR;
		}
		if (good) {
			wake_ok[method]++;
		} else {
			say("cycle %d: %s() woken by %s: ret %zd (%s), revents %#x",
			     cycle, b->use_poll ? "poll" : "read", wake_names[method],
			     b->ret, b->ret < 0 ? strerror(b->err) : "-",
			     b->revents);
			ok = false;
		}
	}
	pthread_join(b->th, NULL);
	if (b->fd >= 0)
		close(b->fd);
	r = hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, w_idle, 0, 0);
	if (r && r != -ENODATA) {
		say("cycle %d: UNTRACK idle after: %s", cycle, strerror(-r));
		ok = false;
	}
	if (!ok)
		blocked_fail++;
	free(b);
}

/* ---- unload with a fault in progress (direct-call hook) ------------------ */

struct midfault {
	volatile char *page;
	atomic_int tid;
	atomic_int done;
	char seen;
};

static void *midfault_fn(void *arg)
{
	struct midfault *m = arg;

	atomic_store(&m->tid, gettid());
	m->seen = m->page[0];	/* blocks in the fault until resolved */
	atomic_store(&m->done, 1);
	return NULL;
}

struct unloader {
	atomic_int done;
	int r;
};

static void *unload_fn(void *arg)
{
	struct unloader *u = arg;

	u->r = mod_unload();
	atomic_store(&u->done, 1);
	return NULL;
}

/* A whole small file into @buf (NUL-terminated); its length or -errno. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = hu_read_all(fd, buf, size);
	close(fd);
	return n;
}

/*
 * With the direct-call hook, a task inside handle_mm_fault() returns
 * through the module (vmastat_direct_fault()), so unloading must wait
 * for it.  A userfaultfd keeps a fault in progress for as long as the
 * test wants.  Checks: the blocked task's kernel stack unwinds through
 * vmastat_direct_fault() to the page-fault entry; delete_module() waits
 * while the fault is in progress and completes once it is resolved; the
 * fault's result is right.
 * 1 pass, 0 fail, -1 skip (@why says why).
 */
static int test_unload_mid_fault(char *why, size_t wsize)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zp = { 0 };
	struct midfault m = { 0 };
	struct unloader u = { 0 };
	long pg = sysconf(_SC_PAGESIZE);
	char path[96], stack[4096], val[16] = "";
	ssize_t n = 0;
	bool ok = true, waited;
	struct pollfd pfd;
	struct uffd_msg msg;
	pthread_t th, uth;
	const char *tramp;
	int uffd;
	double t;

	if (read_text("/sys/module/" MOD_NAME "/parameters/direct", val,
		      sizeof(val)) <= 0 || val[0] != '1') {
		snprintf(why, wsize, "the hook is a kretprobe (direct=%.4s)", val);
		return -1;
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		snprintf(why, wsize, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	m.page = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)m.page;
	reg.range.len = pg;
	if (m.page == MAP_FAILED || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		snprintf(why, wsize, "userfaultfd setup: %s", strerror(errno));
		close(uffd);
		return -1;
	}
	pthread_create(&th, NULL, midfault_fn, &m);

	/* the fault has reached handle_userfault() */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&pfd, 1, 10000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		say("mid-fault unload: no userfaultfd event for the read");
		ok = false;
	}
	/*
	 * Its stack goes through vmastat_direct_fault() to the page-fault
	 * entry.  The task shows state S from set_current_state() on, while
	 * it still runs on its way to schedule(); a running task's stack
	 * reads empty (or stale), so read until it has left the CPU.
	 */
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", atomic_load(&m.tid));
	for (t = hu_now(); hu_now() - t < 5; hu_sleep_ms(5)) {
		n = read_text(path, stack, sizeof(stack));
		if (n > 0 && strstr(stack, "handle_userfault"))
			break;
	}
	if (n <= 0) {
		say("mid-fault unload: cannot read %s: %s", path,
		    n ? strerror(-n) : "empty");
		ok = false;
	} else {
		tramp = strstr(stack, "vmastat_direct_fault");
		if (!strstr(stack, "handle_userfault") || !tramp ||
		    !strstr(tramp, "exc_page_fault")) {
			say("mid-fault unload: the blocked fault's stack does not unwind through vmastat_direct_fault():\n%s",
			    stack);
			ok = false;
		}
	}

	/* delete_module() waits for the fault ... */
	pthread_create(&uth, NULL, unload_fn, &u);
	hu_sleep_ms(500);
	waited = !atomic_load(&u.done);
	if (!waited) {
		say("mid-fault unload: delete_module() returned %s with a fault in progress",
		    u.r ? strerror(-u.r) : "0");
		ok = false;
	}
	if (read_text("/sys/module/" MOD_NAME "/initstate", val, sizeof(val)) > 0 &&
	    strncmp(val, "going", 5)) {
		say("mid-fault unload: initstate '%.8s' while unloading", val);
		ok = false;
	}

	/* ... and ends when the fault is resolved */
	zp.range = reg.range;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zp)) {
		say("mid-fault unload: UFFDIO_ZEROPAGE: %s", strerror(errno));
		ok = false;
	}
	for (t = hu_now(); hu_now() - t < 30; hu_sleep_ms(10))
		if (atomic_load(&u.done) && atomic_load(&m.done))
			break;
	if (!atomic_load(&u.done) || !atomic_load(&m.done)) {
		say("mid-fault unload: after the fault was resolved: unload %s, fault %s",
		    atomic_load(&u.done) ? "done" : "still waiting",
		    atomic_load(&m.done) ? "done" : "still blocked");
		return 0;	/* threads left running: nothing is freed */
	}
	pthread_join(uth, NULL);
	pthread_join(th, NULL);
	if (u.r) {
		say("mid-fault unload: delete_module(): %s", strerror(-u.r));
		ok = false;
	}
	if (m.seen != 0) {
		say("mid-fault unload: the page read %d, not 0", m.seen);
		ok = false;
	}
	munmap((void *)m.page, pg);
	close(uffd);
	return ok;
}

/* ---- memory ---------------------------------------------------------------- */

struct meminfo {
	long long slab, sunreclaim, vmalloc, percpu;
};

static void read_meminfo(struct meminfo *m)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	memset(m, 0, sizeof(*m));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Slab: %lld", &m->slab);
		sscanf(line, "SUnreclaim: %lld", &m->sunreclaim);
		sscanf(line, "VmallocUsed: %lld", &m->vmalloc);
		sscanf(line, "Percpu: %lld", &m->percpu);
	}
	fclose(f);
}

/* Measure with the load paused and the caches dropped. */
static void measure(struct meminfo *m)
{
	int fd;

	atomic_store(&phase, PH_PAUSE);
	gate_wait();
	workers_signal(SIGSTOP);
	hu_sleep_ms(100);
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			say("drop_caches: %s", strerror(errno));
		close(fd);
	}
	hu_sleep_ms(400);	/* RCU-deferred frees */
	read_meminfo(m);
	workers_signal(SIGCONT);
	atomic_store(&phase, PH_PASSIVE);
}

/* ---- targets for the phase-B tests ------------------------------------------ */

/* About 2 * @arg more mappings, or as many as max_map_count allows. */
static int build_vmas(void *arg)
{
	long n = (long)arg;
	char *p = mmap(NULL, (2 * n + 1) * page_size, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	for (long i = 0; i < n; i++)
		if (mprotect(p + (2 * i + 1) * page_size, page_size, PROT_NONE))
			return errno == ENOMEM ? 0 : 1;
	return 0;
}

/* Read a text file of the module to its end, in @chunk-byte reads. */
static ssize_t read_file_chunked(int fd, char *buf, size_t cap, size_t chunk)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, len + chunk < cap ? chunk : cap - len - 1);

		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
		if (len + 1 >= cap)
			return -ENOSPC;
	}
	buf[len] = '\0';
	return len;
}

static long count_lines(const char *t)
{
	long n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* ---- phase B: exec ---------------------------------------------------------- */

static void exec_chain(char **argv)
{
	long n = atol(argv[2]);
	char num[32];
	static char buf[8 * 4096];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(buf, (int)n, sizeof(buf));
	hu_sleep_ms(3);
	snprintf(num, sizeof(num), "%ld", n + 1);
	execl("/proc/self/exe", argv[0], "--exec-chain", num, (char *)NULL);
	_exit(1);
}

static bool test_exec_mid_read(char *buf, size_t cap)
{
	char str[32], exe[PATH_MAX];
	int esrch_text = 0, esrch_ioctl = 0, reads = 0, bad = 0;
	int mfd, sfd, qfd;
	double t0;
	pid_t pid;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(exe, exe, "--exec-chain", "0", (char *)NULL);
		_exit(1);
	}
	mfd = hu_open("maps", O_RDWR);
	sfd = hu_open("status", O_RDWR);
	qfd = hu_open("query", O_RDONLY);
	if (mfd < 0 || sfd < 0 || qfd < 0) {
		say("exec: open: %s", strerror(errno));
		vms_kill(pid);
		return false;
	}
	snprintf(str, sizeof(str), "%d", pid);
	t0 = hu_now();
	while (hu_now() - t0 < 3) {
		struct vmastat_status st = { .size = sizeof(st), .pid = pid };
		int r;

		r = hu_write_str(mfd, str);
		if (r == 0) {
			n = read_file_chunked(mfd, buf, cap, 256);
			reads++;
			if (n == -ESRCH)
				esrch_text++;
			else if (n < 0) {
				bad++;
				say("exec: maps read: %s", strerror(-n));
			} else if (strncmp(buf, "# start-end", 11) ||
				   count_lines(buf) < 2) {
				bad++;
				say("exec: maps text: '%.60s'", buf);
			}
		} else if (r != -ESRCH) {
			bad++;
			say("exec: maps write: %s", strerror(-r));
		}
		r = hu_write_str(sfd, str);
		if (!r) {
			n = read_file_chunked(sfd, buf, cap, 64);
			if (n == -ESRCH)
				esrch_text++;
			else if (n < 0 || strncmp(buf, "pid: ", 5)) {
				bad++;
				say("exec: status read: %zd '%.40s'", n, buf);
			}
		}
		r = hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st);
		if (r == -ESRCH)
			esrch_ioctl++;
		else if (r) {
			bad++;
			say("exec: STATUS: %s", strerror(-r));
		}
	}
	close(mfd);
	close(sfd);
	close(qfd);
	vms_kill(pid);
	say("exec: %d listings, %d text reads and %d ioctls hit an exec (ESRCH)",
	     reads, esrch_text, esrch_ioctl);
	return !bad && reads > 0;
}

/* ---- phase B: exit and PID reuse ----------------------------------------- */

/* After a partial read, the rest of the listing must fail with ESRCH. */
static bool rest_fails_esrch(int fd, char *buf, const char *what)
{
	for (int i = 0; i < 100000; i++) {
		ssize_t n = read(fd, buf, 4096);

		if (n < 0) {
			if (errno == ESRCH)
				return true;
			say("%s: %s", what, strerror(errno));
			return false;
		}
		if (n == 0) {
			say("%s: end of file instead of ESRCH", what);
			return false;
		}
	}
	return false;
}

static bool test_exit_mid_read(char *buf)
{
	struct vmastat_maps_query q;
	static struct vmastat_vma recs[8];
	char str[32];
	bool ok = true;
	int mfd, sfd, qfd;
	siginfo_t si;
	pid_t pid;

	pid = vms_spawn_stopped(build_vmas, (void *)3000L);
	if (pid < 0)
		return false;
	mfd = hu_open("maps", O_RDWR);
	sfd = hu_open("status", O_RDWR);
	qfd = hu_open("query", O_RDONLY);
	snprintf(str, sizeof(str), "%d", pid);
	if (mfd < 0 || sfd < 0 || qfd < 0 || hu_write_str(mfd, str) ||
	    hu_write_str(sfd, str) || read(mfd, buf, 4096) <= 0) {
		say("exit: cannot start reading: %s", strerror(errno));
		vms_kill(pid);
		return false;
	}
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.pid = pid;
	q.vma_size = sizeof(recs[0]);
	q.vmas = (uintptr_t)recs;
	q.vma_count = 8;
	if (hu_ioctl(qfd, VMASTAT_IOC_MAPS, &q) || q.next == VMASTAT_MAPS_END) {
		say("exit: first MAPS batch failed");
		ok = false;
	}
	kill(pid, SIGKILL);
	/* a zombie first */
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	ok &= rest_fails_esrch(mfd, buf, "exit: maps read of a zombie");
	if (read(sfd, buf, 4096) != -1 || errno != ESRCH) {
		say("exit: status read of a zombie: %s", strerror(errno));
		ok = false;
	}
	q.start = q.next;
	q.vma_count = 8;
	if (hu_ioctl(qfd, VMASTAT_IOC_MAPS, &q) != -ESRCH) {
		say("exit: MAPS continued on a zombie did not fail with ESRCH");
		ok = false;
	}
	waitpid(pid, NULL, 0);
	/* and reaped: the same again */
	if (read(mfd, buf, 4096) != -1 || errno != ESRCH) {
		say("exit: maps read after reaping: %s", strerror(errno));
		ok = false;
	}
	if (hu_ioctl(qfd, VMASTAT_IOC_MAPS, &q) != -ESRCH) {
		say("exit: MAPS continued after reaping did not fail with ESRCH");
		ok = false;
	}
	close(mfd);
	close(sfd);
	close(qfd);
	return ok;
}

static int set_last_pid(pid_t last)
{
	char s[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	snprintf(s, sizeof(s), "%d", last);
	r = hu_write_str(fd, s);
	close(fd);
	return r;
}

static int build_few(void *arg)
{
	for (int i = 0; i < 12; i++)
		if (mmap(NULL, page_size * (1 + i % 3),
			 i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
			return 1;
	return 0;
}

/* Returns 1 pass, 0 fail, -1 skip. */
static int test_pid_reuse(char *buf, size_t cap, char *why, size_t wsize)
{
	struct vmastat_summary sum;
	unsigned int base = 0;
	struct vmastat_status st;
	struct vmastat_proc p;
	static struct vmastat_hist_query h;
	unsigned long long a_start;
	pid_t a, b = -1;
	char str[32];
	bool ok = true;
	int mfd, sfd, qfd, r;
	long lines;
	ssize_t n;

	if (access("/proc/sys/kernel/ns_last_pid", W_OK)) {
		snprintf(why, wsize, "no /proc/sys/kernel/ns_last_pid");
		return -1;
	}
	a = vms_spawn_stopped(build_vmas, (void *)2000L);
	if (a < 0)
		return 0;
	a_start = hu_proc_starttime(a);
	mfd = hu_open("maps", O_RDWR);
	sfd = hu_open("status", O_RDWR);
	qfd = hu_open("query", O_RDONLY);
	snprintf(str, sizeof(str), "%d", a);
	if (mfd < 0 || sfd < 0 || qfd < 0 || hu_write_str(mfd, str) ||
	    hu_write_str(sfd, str) || read(mfd, buf, 4096) <= 0 ||
	    hu_track_cmd(qfd, VMASTAT_IOC_TRACK, a, 0, 0)) {
		say("reuse: cannot start: %s", strerror(errno));
		vms_kill(a);
		return 0;
	}
	vms_kill(a);
	for (int tries = 0; tries < 20 && b != a; tries++) {
		if (b > 0)
			vms_kill(b);
		r = set_last_pid(a - 1);
		if (r) {
			snprintf(why, wsize, "ns_last_pid: %s", strerror(-r));
			hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, a, 0, 0);
			close(mfd);
			close(sfd);
			close(qfd);
			return -1;
		}
		b = vms_spawn_stopped(build_few, NULL);
	}
	if (b != a) {
		say("reuse: could not get PID %d again", a);
		vms_kill(b);
		hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, a, 0, 0);
		close(mfd);
		close(sfd);
		close(qfd);
		return 0;
	}
	say("reuse: PID %d is a new process (starttime %llu, was %llu)", b,
	     hu_proc_starttime(b), a_start);
	/* the open files still point at the old process */
	ok &= rest_fails_esrch(mfd, buf, "reuse: maps read of the old process");
	if (read(sfd, buf, 4096) != -1 || errno != ESRCH) {
		say("reuse: status read of the old process: %s", strerror(errno));
		ok = false;
	}
	/* choosing the PID again gives the new one */
	if (hu_write_str(mfd, str)) {
		say("reuse: write of the new PID failed");
		ok = false;
	} else {
		n = read_file_chunked(mfd, buf, cap, 4096);
		lines = hu_proc_maps_lines(b);
		if (n < 0 || count_lines(buf) - 1 != lines) {
			say("reuse: new process: %ld lines, /proc has %ld (%s)",
			     n < 0 ? -1 : count_lines(buf) - 1, lines,
			     n < 0 ? strerror(-n) : "read ok");
			ok = false;
		}
	}
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.pid = b;
	r = hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st);
	if (r || (long)st.nr_vmas != hu_proc_maps_lines(b)) {
		say("reuse: STATUS: %s, nr_vmas %u vs /proc %ld", strerror(-r),
		     st.nr_vmas, hu_proc_maps_lines(b));
		ok = false;
	}
	r = hu_proc(qfd, b, &p);
	if (r || (p.flags & VMASTAT_PROC_EXITED) || (p.flags & VMASTAT_PROC_TRACKED)) {
		say("reuse: PROCS of the new process: %s, flags %#x",
		     strerror(-r), r ? 0 : p.flags);
		ok = false;
	}
	/* the old process's tracking data is still there, by that PID */
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.pid = b;
	r = hu_ioctl(qfd, VMASTAT_IOC_HIST, &h);
	say("reuse: HIST of the reused PID (old process tracked, exited): %s",
	     r ? strerror(-r) : "its data");
	/* other tests may have left exited processes tracked: count from here */
	if (hu_summary(qfd, &sum)) {
		say("reuse: SUMMARY failed");
		ok = false;
	}
	base = sum.nr_tracked;	/* includes the old, exited process */
	r = hu_track_cmd(qfd, VMASTAT_IOC_TRACK, b, 0, 0);
	if (r) {
		say("reuse: TRACK of the new process: %s", strerror(-r));
		ok = false;
	}
	/* two trackings by one PID: the live one first, then the exited one */
	for (int i = 0; i < 3; i++) {
		r = hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, b, 0, 0);
		if (r != (i < 2 ? 0 : -ENODATA)) {
			say("reuse: UNTRACK #%d: %s", i + 1, r ? strerror(-r) : "ok");
			ok = false;
		}
	}
	if (hu_summary(qfd, &sum) || sum.nr_tracked + 1 != base) {
		say("reuse: %u processes tracked, %u before the two", sum.nr_tracked,
		    base);
		ok = false;
	}
	vms_kill(b);
	close(mfd);
	close(sfd);
	close(qfd);
	return ok;
}

/* ---- phase B: zombie, kernel thread --------------------------------------- */

static int text_write(const char *file, pid_t pid)
{
	char str[32];
	int fd = hu_open(file, O_RDWR), r;

	if (fd < 0)
		return fd;
	snprintf(str, sizeof(str), "%d", pid);
	r = hu_write_str(fd, str);
	close(fd);
	return r;
}

static int ioctl_maps_one(int qfd, pid_t pid)
{
	static struct vmastat_vma recs[4];
	struct vmastat_maps_query q = {
		.size = sizeof(q), .pid = pid, .vma_size = sizeof(recs[0]),
		.vmas = (uintptr_t)recs, .vma_count = 4,
	};

	return hu_ioctl(qfd, VMASTAT_IOC_MAPS, &q);
}

static int ioctl_status_one(int qfd, pid_t pid)
{
	struct vmastat_status s = { .size = sizeof(s), .pid = pid };

	return hu_ioctl(qfd, VMASTAT_IOC_STATUS, &s);
}

#define EXPECT_ERR(what, got, ...) do {					\
	int __g = (got);						\
	const int *__a = ALLOW(__VA_ARGS__);				\
	bool __m = false;						\
	for (; *__a; __a++)						\
		__m |= (__g == -*__a);					\
	if (!__m) {							\
		say("%s: %s", what, __g ? strerror(-__g) : "succeeded");	\
		ok = false;						\
	}								\
} while (0)

static bool test_zombie(void)
{
	struct vmastat_proc p;
	bool ok = true;
	siginfo_t si;
	int qfd, r;
	pid_t pid;

	qfd = hu_open("query", O_RDONLY);
	if (qfd < 0)
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	EXPECT_ERR("zombie: maps write", text_write("maps", pid), ESRCH);
	EXPECT_ERR("zombie: status write", text_write("status", pid), ESRCH);
	EXPECT_ERR("zombie: MAPS", ioctl_maps_one(qfd, pid), ESRCH);
	EXPECT_ERR("zombie: STATUS", ioctl_status_one(qfd, pid), ESRCH);
	/* documented: ENOSPC "in this release" (no live entry), ESRCH better */
	EXPECT_ERR("zombie: TRACK", hu_track_cmd(qfd, VMASTAT_IOC_TRACK, pid, 0, 0),
		   ENOSPC, ESRCH);
	EXPECT_ERR("zombie: events write", text_write("events", pid), ENODATA);
	EXPECT_ERR("zombie: hist write", text_write("hist", pid), ENODATA);
	r = hu_proc(qfd, pid, &p);
	if (r || !(p.flags & VMASTAT_PROC_EXITED) || p.pid != pid) {
		say("zombie: PROCS: %s, flags %#x", strerror(-r), r ? 0 : p.flags);
		ok = false;
	}
	waitpid(pid, NULL, 0);
	close(qfd);
	return ok;
}

static int test_kthread(void)
{
	char comm[64] = "";
	struct vmastat_proc p;
	bool ok = true;
	int fd, n, qfd;

	fd = open("/proc/2/comm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (strcmp(comm, "kthreadd\n"))
		return -1;
	qfd = hu_open("query", O_RDONLY);
	if (qfd < 0)
		return 0;
	EXPECT_ERR("kthreadd: maps write", text_write("maps", 2), EOPNOTSUPP);
	EXPECT_ERR("kthreadd: status write", text_write("status", 2), EOPNOTSUPP);
	EXPECT_ERR("kthreadd: MAPS", ioctl_maps_one(qfd, 2), EOPNOTSUPP);
	EXPECT_ERR("kthreadd: STATUS", ioctl_status_one(qfd, 2), EOPNOTSUPP);
	EXPECT_ERR("kthreadd: TRACK", hu_track_cmd(qfd, VMASTAT_IOC_TRACK, 2, 0, 0),
		   EOPNOTSUPP);
	EXPECT_ERR("kthreadd: track file", text_write("track", 2), EOPNOTSUPP);
	EXPECT_ERR("kthreadd: PROCS", hu_proc(qfd, 2, &p), EOPNOTSUPP);
	close(qfd);
	return ok;
}

/* ---- phase B: max_map_count mappings ------------------------------------- */

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return atol(buf);
}

/* Start addresses of /proc/PID/maps, [vsyscall] left out. */
static long proc_starts(pid_t pid, unsigned long long *v, long cap)
{
	char path[64];
	char line[512];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vsyscall]"))
			continue;
		if (n < cap)
			v[n] = strtoull(line, NULL, 16);
		n++;
	}
	fclose(f);
	return n;
}

static void test_many(char *why, size_t wsize, int *text_res, int *ioctl_res)
{
	long max = read_long("/proc/sys/vm/max_map_count");
	long target = max > 0 && max < opt_vmas ? max : opt_vmas;
	unsigned long long *ref = NULL;
	struct vmastat_status st;
	struct vmastat_vma *recs = NULL;
	size_t tsize = 16 << 20, rcap;
	char *text = NULL, str[32];
	long nproc, nt = 0, diff;
	double t0, t1, t2, t3;
	int mfd = -1, qfd = -1, r;
	pid_t pid;

	*text_res = *ioctl_res = 0;
	t0 = hu_now();
	pid = vms_spawn_stopped(build_vmas, (void *)(target / 2 + 16));
	if (pid < 0) {
		snprintf(why, wsize, "could not build the target");
		return;
	}
	t1 = hu_now();
	rcap = target + 64;
	ref = calloc(rcap, sizeof(*ref));
	recs = vms_alloc(rcap * sizeof(*recs));
	nproc = proc_starts(pid, ref, rcap);
	qfd = hu_open("query", O_RDONLY);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.pid = pid;
	r = hu_ioctl(qfd, VMASTAT_IOC_STATUS, &st);
	say("max_map_count %ld: target has %u mappings (/proc: %ld), built in %.1f s",
	     max, st.nr_vmas, nproc, t1 - t0);
	if (r || nproc <= 0 || (long)st.nr_vmas != nproc ||
	    (max > 0 && max <= opt_vmas && st.nr_vmas + 2 < max)) {
		say("status: %s; nr_vmas %u, /proc %ld, limit %ld", strerror(-r),
		     st.nr_vmas, nproc, max);
		goto out;
	}

	/* the text file, in 64 KiB reads */
	text = vms_alloc(tsize);
	mfd = hu_open("maps", O_RDWR);
	snprintf(str, sizeof(str), "%d", pid);
	if (mfd >= 0 && !hu_write_str(mfd, str)) {
		ssize_t n = read_file_chunked(mfd, text, tsize, 65536);
		char *line = text;
		long bad = 0;

		if (n < 0) {
			say("maps read: %s", strerror(-n));
		} else {
			line = strchr(text, '\n');
			while (line && line[1]) {
				line++;
				if (nt < nproc && strtoull(line, NULL, 16) != ref[nt])
					bad++;
				nt++;
				line = strchr(line, '\n');
			}
			if (nt == nproc && !bad)
				*text_res = 1;
			else
				say("text maps: %ld lines (/proc %ld), %ld starts differ",
				     nt, nproc, bad);
		}
	}
	t2 = hu_now();

	/* the ioctl, in one call */
	{
		struct vmastat_maps_query q = {
			.size = sizeof(q), .pid = pid, .vma_size = sizeof(*recs),
			.vmas = (uintptr_t)recs, .vma_count = rcap,
		};

		r = hu_ioctl(qfd, VMASTAT_IOC_MAPS, &q);
		diff = 0;
		for (long i = 0; !r && i < (long)q.vma_count && i < nproc; i++)
			diff += recs[i].start != ref[i];
		if (!r && q.vma_count == nproc && !diff &&
		    q.next == VMASTAT_MAPS_END)
			*ioctl_res = 1;
		else
			say("ioctl MAPS: %s, %u records (/proc %ld), %ld starts differ, next %#llx",
			     r ? strerror(-r) : "ok", q.vma_count, nproc, diff,
			     (unsigned long long)q.next);
	}
	t3 = hu_now();
	say("read %ld mappings: text %.1f s, ioctl %.1f s", nproc, t2 - t1, t3 - t2);
out:
	if (mfd >= 0)
		close(mfd);
	if (qfd >= 0)
		close(qfd);
	vms_kill(pid);
	free(ref);
	if (recs)
		vms_free(recs, rcap * sizeof(*recs));
	if (text)
		vms_free(text, tsize);
}

/* ---- watchdog: a stuck module call ends the test with a task dump -------- */

static atomic_int wd_cycle, wd_step;
static atomic_long wd_beat;
static int opt_stall_s = 90;

static void beat(int cycle, int step)
{
	atomic_store(&wd_cycle, cycle);
	atomic_store(&wd_step, step);
	atomic_fetch_add(&wd_beat, 1);
}

static void *watchdog_fn(void *arg)
{
	long last = -1;
	double since = hu_now();

	for (;;) {
		long b = atomic_load(&wd_beat);

		if (b != last) {
			last = b;
			since = hu_now();
		} else if (hu_now() - since > opt_stall_s) {
			int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

			printf("not ok 99 stalled for %d s in cycle %d, step %d: every task's stack is in the kernel log (sysrq t)\n",
			       opt_stall_s, atomic_load(&wd_cycle), atomic_load(&wd_step));
			fflush(stdout);
			if (fd >= 0) {
				if (write(fd, "t", 1) < 0)
					perror("sysrq");
				close(fd);
			}
			hu_sleep_ms(2000);
			_exit(1);
		}
		hu_sleep_ms(1000);
	}
	return NULL;
}

/* ---- main ------------------------------------------------------------------ */

static int kmsg_fd = -1;

int main(int argc, char **argv)
{
	struct meminfo m10 = {}, mlast = {};
	int cycles_done = 0, under_fire = 0, mem_ok = 0, mem_checked = 0;
	int unload_fail = 0;
	char why[512];
	bool was_loaded, have_ko, cycles_ok = false;
	double t_start = hu_now(), t_load = 0, t_unload = 0, t_cycles = 0;
	unsigned long taint0;
	pthread_rwlockattr_t ra;
	struct sigaction sa = { .sa_handler = nop_handler };
	int r;

	if (argc >= 3 && !strcmp(argv[1], "--exec-chain"))
		exec_chain(argv);

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	opt_cycles = env_long("VMASTAT_STRESS_CYCLES", opt_cycles);
	opt_busy_ms = env_long("VMASTAT_STRESS_BUSY_MS", opt_busy_ms);
	opt_vmas = env_long("VMASTAT_STRESS_VMAS", opt_vmas);
	opt_mem_tol_kb = env_long("VMASTAT_STRESS_MEM_TOL_KB", opt_mem_tol_kb);
	opt_stall_s = env_long("VMASTAT_STRESS_STALL", opt_stall_s);
	/*
	 * 0: no load/unload cycles (make check: see Documentation).  Else
	 * at least 3: the blocked reader's three wake-ups (untrack, event,
	 * signal) take turns, one per cycle.
	 */
	if (opt_cycles < 3 && opt_cycles != 0)
		opt_cycles = 3;

	ksft_print_header();
	if (getenv("VMASTAT_STRESS_ELSEWHERE"))
		ksft_exit_skip("runs in a boot of its own (VMASTAT_STRESS_ELSEWHERE: make check's stress boot)\n");
	if (geteuid())
		ksft_exit_skip("must be run as root\n");
	ksft_set_plan(18);
	sigaction(SIGUSR2, &sa, NULL);	/* no SA_RESTART: EINTR */
	signal(SIGPIPE, SIG_IGN);
	kmsg_fd = hu_kmsg_open();
	taint0 = hu_tainted();
	{
		pthread_t wd;

		pthread_create(&wd, NULL, watchdog_fn, NULL);
		pthread_detach(wd);
	}

	was_loaded = mod_loaded();
	if (was_loaded)
		save_params();
	have_ko = find_ko(why, sizeof(why));
	if (have_ko)
		ksft_test_result_pass("module file %s%s%s\n", ko_path,
				      mod_params[0] ? ", parameters " : "",
				      mod_params);
	else
		ksft_test_result_skip("module file: %s\n", why);
	if (!have_ko && !was_loaded)
		ksft_exit_skip("the module is not loaded and cannot be: %s\n", why);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(sh, 0, sizeof(*sh));

	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&gate, &ra);

	/* ---- phase A: load and unload under load ---- */
	if (have_ko && !opt_cycles) {
		for (int i = 0; i < 8; i++)
			ksft_test_result_skip("load/unload cycles not run (VMASTAT_STRESS_CYCLES=0; make stress runs them)\n");
		goto phase_b;
	}
	if (have_ko) {
		double t0;

		if (was_loaded) {
			r = mod_unload();
			if (r) {
				for (int i = 0; i < 8; i++)
					ksft_test_result_fail("the module is loaded and cannot be unloaded: %s\n",
							      strerror(-r));
				goto phase_b;
			}
		}
		fflush(stdout);
		w_storm = start_storm();
		w_forker = start_forker();
		w_churn = start_churn();
		w_idle = start_idle();
		readers_start();
		t0 = hu_now();
		cycles_ok = true;
		for (int c = 1; c <= opt_cycles; c++) {
			struct vmastat_summary sum;
			unsigned long long table_mem;
			double t;
			int qfd, i, same;

			beat(c, 1);
			t = hu_now();
			r = mod_load();
			t_load += hu_now() - t;
			beat(c, 2);
			if (r) {
				say("cycle %d: load: %s", c, strerror(-r));
				cycles_ok = false;
				break;
			}
			qfd = hu_open("query", O_RDONLY);
			if (qfd < 0 || hu_summary(qfd, &sum)) {
				say("cycle %d: query/SUMMARY: %s", c, strerror(errno));
				cycles_ok = false;
				if (qfd >= 0)
					close(qfd);
				break;
			}
			table_mem = sum.mem_bytes;
			if (sum.nr_tracked)
				say("cycle %d: %u tracked right after loading", c,
				     sum.nr_tracked);

			blocked_scenario(c, qfd);
			beat(c, 3);

			atomic_store(&phase, PH_BUSY);
			hu_sleep_ms(opt_busy_ms);
			atomic_store(&phase, PH_PASSIVE);
			gate_wait();

			beat(c, 4);
			/* untrack everything: back to the tables' memory */
			for (i = 0, same = 0; i < 50 && same < 3; i++) {
				unsigned long long last = sum.mem_bytes;

				hu_track_cmd(qfd, VMASTAT_IOC_UNTRACK, 0, 0, 0);
				if (hu_summary(qfd, &sum))
					break;
				if (!sum.nr_tracked && sum.mem_bytes == table_mem)
					break;
				/* settled: nothing tracked, nothing changing */
				same = !sum.nr_tracked && sum.mem_bytes == last ? same + 1 : 0;
				hu_sleep_ms(20);
				beat(c, 5);
			}
			mem_checked++;
			if (!sum.nr_tracked && sum.mem_bytes == table_mem)
				mem_ok++;
			else if (mem_checked - mem_ok <= 3)
				say("cycle %d: after UNTRACK all: mem_bytes %llu, tables alone %llu, %u tracked",
				     c, (unsigned long long)sum.mem_bytes,
				     table_mem, sum.nr_tracked);
			close(qfd);

			/* unload while the readers go on opening files */
			beat(c, 6);
			t = hu_now();
			do {
				r = mod_unload();
				if (r != -EAGAIN)
					break;
				hu_sleep_ms(1);
			} while (hu_now() - t < 2);
			if (!r) {
				under_fire++;
			} else {
				if (r != -EAGAIN)
					say("cycle %d: unload: %s", c, strerror(-r));
				atomic_store(&phase, PH_PAUSE);
				gate_wait();
				for (i = 0; i < 50; i++) {
					r = mod_unload();
					if (r != -EAGAIN)
						break;
					hu_sleep_ms(100);
				}
				atomic_store(&phase, PH_PASSIVE);
			}
			t_unload += hu_now() - t;
			if (r) {
				say("cycle %d: unload failed: %s", c, strerror(-r));
				unload_fail++;
				cycles_ok = false;
				break;
			}
			cycles_done = c;
			beat(c, 7);
			if (c == 10)
				measure(&m10);
			if (c == opt_cycles)
				measure(&mlast);
		}
		t_cycles = hu_now() - t0;
		readers_stop();
		say("%d cycles in %.1f s: load %.2f s, unload %.2f s per cycle (avg)",
		     cycles_done, t_cycles, t_load / (cycles_done ?: 1),
		     t_unload / (cycles_done ?: 1));
		say("load: %llu pages touched by the storm, %llu forks (%llu exec, %llu zombies), %llu churn rounds",
		     (unsigned long long)atomic_load(&sh->storm_pages),
		     (unsigned long long)atomic_load(&sh->forks),
		     (unsigned long long)atomic_load(&sh->execs),
		     (unsigned long long)atomic_load(&sh->zombies),
		     (unsigned long long)atomic_load(&sh->churn_ops));
		workers_stop();

		ksft_test_result(cycles_ok && cycles_done == opt_cycles,
				 "load/unload %d of %d cycles under load\n",
				 cycles_done, opt_cycles);
		ksft_test_result(blocked_tried && rmmod_checked && !blocked_fail &&
				 rmmod_ok == rmmod_checked,
				 "unload refused (EAGAIN, rmmod \"in use\") with an events reader blocked in read/poll: %d cycles, %d failed\n",
				 blocked_tried, blocked_fail);
		ksft_test_result(!blocked_fail && wake_ok[0] && wake_ok[1] && wake_ok[2],
				 "blocked events reader woken by untrack %d, event %d, signal %d\n",
				 wake_ok[0], wake_ok[1], wake_ok[2]);
		pthread_mutex_lock(&log_lock);
		for (int i = 0; i < nstats; i++)
			printf("#   %-24s %-16s %lu\n", stats[i].op,
			       stats[i].err ? strerror(stats[i].err) : "ok",
			       stats[i].n);
		pthread_mutex_unlock(&log_lock);
		ksft_test_result(!atomic_load(&ops_bad) && atomic_load(&ops_total) > 0,
				 "concurrent readers of every file and ioctl: %lu operations, %lu unexpected results\n",
				 atomic_load(&ops_total), atomic_load(&ops_bad));
		ksft_test_result(!unload_fail,
				 "unload raced with opening files: %d of %d unloads under fire, %lu opens found the module absent or going\n",
				 under_fire, cycles_done, atomic_load(&opens_racing));
		ksft_test_result(mem_checked && mem_ok == mem_checked,
				 "mem_bytes back to the tables alone after UNTRACK all: %d of %d cycles\n",
				 mem_ok, mem_checked);
		if (cycles_done >= 10 && cycles_done == opt_cycles && opt_cycles > 10) {
			long long ds = mlast.sunreclaim - m10.sunreclaim;
			long long dv = mlast.vmalloc - m10.vmalloc;
			long long dp = mlast.percpu - m10.percpu;

			say("after cycle 10: Slab %lld SUnreclaim %lld VmallocUsed %lld Percpu %lld kB",
			     m10.slab, m10.sunreclaim, m10.vmalloc, m10.percpu);
			say("after cycle %d: Slab %lld SUnreclaim %lld VmallocUsed %lld Percpu %lld kB",
			     opt_cycles, mlast.slab, mlast.sunreclaim,
			     mlast.vmalloc, mlast.percpu);
			ksft_test_result(ds <= opt_mem_tol_kb && dv <= opt_mem_tol_kb &&
					 dp <= opt_mem_tol_kb / 4,
					 "no growth from cycle 10 to %d: SUnreclaim %+lld, VmallocUsed %+lld, Percpu %+lld kB (tolerance %lld kB)\n",
					 opt_cycles, ds, dv, dp, opt_mem_tol_kb);
		} else {
			ksft_test_result_skip("memory growth: fewer than 11 cycles\n");
		}
		if (!mod_loaded()) {
			r = mod_load();
			if (r)
				say("final load: %s", strerror(-r));
		}
		if (!mod_loaded()) {
			ksft_test_result_skip("unload with a fault in progress: module not loaded\n");
		} else {
			r = test_unload_mid_fault(why, sizeof(why));
			if (r < 0)
				ksft_test_result_skip("unload with a fault in progress: %s\n", why);
			else
				ksft_test_result(r, "unload with a fault in progress: waits for it, stack unwinds through vmastat_direct_fault\n");
			if (!mod_loaded()) {
				r = mod_load();
				if (r)
					say("load after the mid-fault unload: %s", strerror(-r));
			}
		}
	} else {
		for (int i = 0; i < 8; i++)
			ksft_test_result_skip("load/unload: %s\n", why);
	}

phase_b:
	/* ---- phase B: hostile targets, with the module loaded ---- */
	if (!mod_loaded() || vms_unavailable()) {
		for (int i = 0; i < 7; i++)
			ksft_test_result_skip("module not loaded\n");
	} else {
		size_t cap = 8 << 20;
		char *buf = vms_alloc(cap);
		int tr, ir;

		beat(-1, 10);
		ksft_test_result(test_exec_mid_read(buf, cap),
				 "target that keeps exec'ing, read meanwhile\n");
		beat(-1, 11);
		ksft_test_result(test_exit_mid_read(buf),
				 "target that exits in the middle of a listing: ESRCH\n");
		beat(-1, 12);
		r = test_pid_reuse(buf, cap, why, sizeof(why));
		if (r < 0)
			ksft_test_result_skip("PID reused in the middle of a listing: %s\n", why);
		else
			ksft_test_result(r, "PID reused in the middle of a listing: ESRCH, then the new process\n");
		beat(-1, 13);
		ksft_test_result(test_zombie(), "zombie target\n");
		r = test_kthread();
		if (r < 0)
			ksft_test_result_skip("kthreadd: PID 2 is not kthreadd\n");
		else
			ksft_test_result(r, "kthreadd (PID 2): EOPNOTSUPP\n");
		beat(-1, 14);
		test_many(why, sizeof(why), &tr, &ir);
		beat(-1, 15);
		ksft_test_result(tr, "max_map_count mappings: text maps equals /proc\n");
		ksft_test_result(ir, "max_map_count mappings: VMASTAT_IOC_MAPS equals /proc\n");
		vms_free(buf, cap);
	}

	/* ---- the end: one more unload, the kernel log, the module as found ---- */
	{
		unsigned long taint = hu_tainted();
		int bad;

		if (have_ko && mod_loaded()) {
			r = mod_unload();
			if (r)
				say("final unload: %s", strerror(-r));
			else
				hu_sleep_ms(100);
		}
		bad = hu_kmsg_check(kmsg_fd, logv, 20);
		taint = hu_tainted() & ~taint0 & ~HU_TAINT_OK;
		ksft_test_result(!bad && !taint,
				 "kernel log: %d bad lines (module errors, warnings), new taint %#lx\n",
				 bad, taint);
		if (was_loaded && !mod_loaded())
			r = mod_load();
		else
			r = 0;
		ksft_test_result(!r && mod_loaded() == was_loaded,
				 "module left %s, as found\n",
				 was_loaded ? "loaded" : "unloaded");
	}
	say("total %.1f s", hu_now() - t_start);
	ksft_finished();
}
