// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat top [-d SECS] [-n ITERATIONS] [-b]: fault rates per process,
 * refreshed like top(1): the difference of two VMASTAT_IOC_PROCS snapshots
 * divided by the time between them.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

struct snapshot {
	struct vms_procs p;
	struct vmastat_summary s;
	double t;		/* CLOCK_MONOTONIC seconds */
};

struct row {
	const struct vmastat_proc *p;
	struct vmastat_fault_counts d;	/* faults in the interval */
	double rate;			/* minor + major per second */
};

static volatile sig_atomic_t stop_signal, winch, tstp;

static void on_stop(int sig) { stop_signal = sig; }
static void on_winch(int sig) { (void)sig; winch = 1; }
static void on_tstp(int sig) { (void)sig; tstp = 1; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int take(struct vms *v, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	if (vms_procs(v, 0, &s->p) < 0)
		return -1;
	if (vms_summary(v, &s->s) < 0) {
		vms_procs_free(&s->p);
		return -1;
	}
	s->t = now();
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct vmastat_proc *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

static int cmp_rate(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	return x->p->pid < y->p->pid ? -1 : x->p->pid > y->p->pid;
}

/* cur - prev field by field; a counter that went down was reset: cur. */
static void delta(const struct vmastat_fault_counts *cur, const struct vmastat_fault_counts *prev,
		  struct vmastat_fault_counts *d)
{
	const __u64 *c = (const __u64 *)cur, *p = (const __u64 *)prev;
	__u64 *o = (__u64 *)d;
	size_t i;

	for (i = 0; i < sizeof(*d) / sizeof(__u64); i++)
		o[i] = prev && c[i] >= p[i] ? c[i] - p[i] : c[i];
}

/* The rows with faults in the interval, fastest first; *@n rows. */
static struct row *rows_of(struct snapshot *prev, const struct snapshot *cur, size_t *n)
{
	double dt = cur->t - prev->t > 1e-6 ? cur->t - prev->t : 1e-6;
	struct row *rows = xcalloc(cur->p.count, sizeof(*rows));
	size_t i, k = 0;

	/* prev sorted by (pid, start_ns) for the lookups */
	if (prev->p.count > 1)
		qsort(prev->p.proc, prev->p.count, sizeof(*prev->p.proc), cmp_key);
	for (i = 0; i < cur->p.count; i++) {
		const struct vmastat_proc *c = &cur->p.proc[i], *p;
		struct row *r = &rows[k];

		p = prev->p.count ? bsearch(c, prev->p.proc, prev->p.count, sizeof(*c), cmp_key) : NULL;
		delta(&c->counts, p ? &p->counts : NULL, &r->d);
		if (!r->d.minor && !r->d.major && !counts_errors(&r->d) && !r->d.retry)
			continue;
		r->p = c;
		r->rate = (double)(r->d.minor + r->d.major) / dt;
		k++;
	}
	if (k > 1)
		qsort(rows, k, sizeof(*rows), cmp_rate);
	*n = k;
	return rows;
}

static void format_frame(struct sbuf *out, struct snapshot *prev, const struct snapshot *cur,
			 size_t max_rows)
{
	double dt = cur->t - prev->t > 1e-6 ? cur->t - prev->t : 1e-6;
	struct vmastat_fault_counts tot;
	char clock[16] = "";
	struct row *rows;
	size_t n, i;
	time_t wall = time(NULL);
	struct tm tm;

	if (localtime_r(&wall, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	delta(&cur->s.total, &prev->s.total, &tot);
	sb_printf(out, "vmastat top - %s, %.2f s interval; processes: %u live, %u exited, "
		  "%u tracked\n", clock, dt, cur->s.nr_live, cur->s.nr_exited, cur->s.nr_tracked);
	sb_printf(out, "faults/s: %.1f minor, %.1f major, %.1f cow, %.1f swapin, %.1f errors "
		  "(every process)", tot.minor / dt, tot.major / dt, tot.cow / dt,
		  tot.swapin / dt, counts_errors(&tot) / dt);
	if (cur->s.missed > prev->s.missed)
		sb_printf(out, "; MISSED by the probe: %" PRIu64,
			  (uint64_t)(cur->s.missed - prev->s.missed));
	sb_adds(out, "\n\n");
	sb_printf(out, "%7s %-15s %-7s %10s %10s %10s %8s %8s %8s %8s %8s %6s\n", "PID", "COMM",
		  "STATE", "FLT/s", "MINOR/s", "MAJOR/s", "ANON/s", "FILE/s", "SHMEM/s", "COW/s",
		  "SWAPIN/s", "ERR/s");
	rows = rows_of(prev, cur, &n);
	for (i = 0; i < n && i < max_rows; i++) {
		const struct row *r = &rows[i];
		const struct vmastat_fault_counts *d = &r->d;
		struct sbuf comm = { 0 };

		sb_add_printable(&comm, r->p->comm, strnlen(r->p->comm, sizeof(r->p->comm)));
		if (r->p->pid)
			sb_printf(out, "%7d", (int)r->p->pid);
		else
			sb_printf(out, "%7s", "-");
		sb_printf(out, " %-15s %-7s %10.1f %10.1f %10.1f %8.1f %8.1f %8.1f %8.1f %8.1f %6.1f\n",
			  comm.buf ? comm.buf : "",
			  r->p->flags & VMASTAT_PROC_EXITED ? "exited" : "live", r->rate,
			  d->minor / dt, d->major / dt, (d->anon_minor + d->anon_major) / dt,
			  (d->file_minor + d->file_major) / dt,
			  (d->shmem_minor + d->shmem_major) / dt, d->cow / dt, d->swapin / dt,
			  counts_errors(d) / dt);
		sb_free(&comm);
	}
	if (!n)
		sb_adds(out, "(no faults in this interval)\n");
	free(rows);
}

/* ---- the terminal ------------------------------------------------------------ */

static struct termios saved_tio;
static bool tty_raw;

static void tty_restore(void)
{
	if (!tty_raw)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	fputs("\033[?25h", stdout);	/* show the cursor */
	fflush(stdout);
	tty_raw = false;
}

static int tty_setup(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -1;
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);	/* ISIG stays: Ctrl-C, Ctrl-Z */
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		return -1;
	tty_raw = true;
	fputs("\033[?25l", stdout);	/* hide the cursor */
	fflush(stdout);
	return 0;
}

static size_t tty_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 5)
		return ws.ws_row;
	return 24;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);	/* no SA_RESTART: poll() returns EINTR */
}

/*
 * Wait until @deadline (CLOCK_MONOTONIC seconds); in interactive mode read
 * keys meanwhile.  Returns true to quit.
 */
static bool wait_until(double deadline, bool interactive)
{
	for (;;) {
		double left = deadline - now();
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int r;

		if (stop_signal)
			return true;
		if (tstp && interactive) {
			tstp = 0;
			tty_restore();
			signal(SIGTSTP, SIG_DFL);
			raise(SIGTSTP);		/* stopped here until SIGCONT */
			handle(SIGTSTP, on_tstp);
			tty_setup();
			return false;		/* redraw now */
		}
		if (winch && interactive) {
			winch = 0;
			return false;
		}
		if (left <= 0)
			return false;
		r = poll(&pfd, interactive ? 1 : 0, (int)(left * 1000) + 1);
		if (r > 0 && (pfd.revents & POLLIN)) {
			char c;

			if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
				return true;
		} else if (r > 0) {
			return true;	/* the terminal went away */
		}
	}
}

struct top_args {
	const struct command *cmd;
	double delay;
	uint64_t iterations;
	bool batch;
};

static int top_opt(void *ctx, int key, const char *val)
{
	struct top_args *a = ctx;

	switch (key) {
	case 'd':
		return command_seconds(a->cmd, "-d", val, 0.01, 86400, &a->delay);
	case 'n':
		return command_uint(a->cmd, "-n", val, 1, UINT32_MAX, &a->iterations);
	case 'b':
		a->batch = true;
		return 0;
	}
	return -1;
}

static int top_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "delay", 'd', true },
		{ "iterations", 'n', true },
		{ "batch", 'b', false },
		{ NULL, 0, false },
	};
	struct top_args a = { .cmd = cmd, .delay = 1.0 };
	struct snapshot prev, cur;
	struct sbuf out = { 0 };
	const char *pos[1];
	bool interactive;
	uint64_t done = 0;
	double next;
	struct vms v;
	int npos, r, status = EXIT_OK;

	r = command_parse(cmd, argc, argv, opts, top_opt, &a, pos, 0, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (take(&v, &prev) < 0)
		return command_fail(&v);

	stop_signal = winch = tstp = 0;
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	handle(SIGHUP, on_stop);
	interactive = !a.batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (interactive) {
		handle(SIGWINCH, on_winch);
		handle(SIGTSTP, on_tstp);
		atexit(tty_restore);
		if (tty_setup() < 0)
			interactive = false;
	}
	if (interactive) {
		fputs("\033[H\033[2Jvmastat top: measuring... (q quits)\n", stdout);
		fflush(stdout);
	}
	next = prev.t + a.delay;
	while (!a.iterations || done < a.iterations) {
		if (wait_until(next, interactive))
			break;
		if (take(&v, &cur) < 0) {
			tty_restore();
			errmsg("%s", v.err);
			status = EXIT_RUNTIME;
			break;
		}
		sb_reset(&out);
		if (interactive)
			sb_adds(&out, "\033[H\033[2J");
		else if (done)
			sb_addc(&out, '\n');
		format_frame(&out, &prev, &cur, interactive ? tty_rows() - 5 : (size_t)-1);
		if (interactive) {
			/* no newline after the last row: the screen must not scroll */
			if (out.len && out.buf[out.len - 1] == '\n')
				out.buf[--out.len] = '\0';
		}
		if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) == EOF) {
			tty_restore();
			if (errno != EPIPE)
				errmsg("cannot write output: %s", strerror(errno));
			status = EXIT_RUNTIME;
			vms_procs_free(&cur.p);
			break;
		}
		vms_procs_free(&prev.p);
		prev = cur;
		done++;
		next = prev.t + a.delay;
	}
	if (interactive) {
		tty_restore();
		fputc('\n', stdout);
		fflush(stdout);
	}
	vms_procs_free(&prev.p);
	sb_free(&out);
	vms_close(&v);
	return status;
}

const struct command cmd_top = {
	.name = "top",
	.run = top_run,
	.args = "[-d SECS] [-n ITERATIONS] [-b]",
	.summary = "fault rates per process, refreshed like top",
	.help =
	"Show the processes that take page faults, fastest first, refreshed every\n"
	"SECS seconds: the faults each took since the last refresh divided by the\n"
	"time between them.  Quit with q (or Ctrl-C).  Without a terminal on both\n"
	"standard input and output, or with -b, prints one table after another.\n"
	"\n"
	"Options:\n"
	"  -d, --delay=SECS          seconds between refreshes (default 1; 0.01 up)\n"
	"  -n, --iterations=N        stop after N tables (default: until quit)\n"
	"  -b, --batch               no terminal control: print each table\n"
	"                            after the previous one (for pipes and files)\n"
	"  -h, --help                show this help and exit\n"
	"\n"
	"Each table: a line with the time, the interval and the number of live,\n"
	"exited and tracked processes; the fault rates of every process (and the\n"
	"faults the module's probe missed in the interval, if any); then\n"
	"  PID, COMM, STATE   the process, live or exited\n"
	"  FLT/s              minor + major faults per second, the sort key\n"
	"  MINOR/s, MAJOR/s   minor and major faults per second\n"
	"  ANON/s, FILE/s, SHMEM/s   faults per second in mappings of that kind\n"
	"  COW/s, SWAPIN/s    copy-on-write faults, faults on swapped-out pages\n"
	"  ERR/s              faults that ended in SIGSEGV, SIGBUS or out of memory\n"
	"Processes without faults in the interval are left out.\n",
};
