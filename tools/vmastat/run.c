// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat run [-o FILE] [--json] [--children] -- CMD [ARGS...]: run CMD
 * tracked from its first instruction and report its faults when it exits.
 *
 * The child asks to be traced (PTRACE_TRACEME) and stops itself; the parent
 * tracks it (VMASTAT_IOC_TRACK), asks for PTRACE_EVENT_EXEC and
 * PTRACE_EVENT_EXIT stops and lets it exec CMD.  At the exit stop of the
 * main thread the process still has its mappings: that is when the report's
 * data is read.  Signals for CMD are passed on; a group-stop (SIGSTOP,
 * Ctrl-Z) is kept until CMD gets SIGCONT.  Only the main thread is traced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

#define EXIT_NOEXEC	127

int parse_stat_faults(const char *line, uint64_t *min_flt, uint64_t *maj_flt)
{
	const char *p = strrchr(line, ')');
	uint64_t f[13] = { 0 };
	int k;

	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	/* field 3 (state) starts here; fields 10 and 12 are wanted */
	for (k = 3; k <= 12; k++) {
		char *end;

		if (!*p)
			return -1;
		if (k == 3) {
			p += strcspn(p, " ");
		} else {
			errno = 0;
			f[k] = strtoull(p, &end, 10);
			if (end == p || errno || (*end != ' ' && *end != '\0' && *end != '\n'))
				return -1;
			p = end;
		}
		if (*p == ' ')
			p++;
		else if (k < 12)
			return -1;
	}
	*min_flt = f[10];
	*maj_flt = f[12];
	return 0;
}

static int read_stat_faults(pid_t pid, uint64_t *min_flt, uint64_t *maj_flt)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	return parse_stat_faults(buf, min_flt, maj_flt) < 0 ? -EPROTO : 0;
}

/* Whether SIGCONT is pending for @pid (which sits in a group-stop). */
static bool sigcont_pending(pid_t pid)
{
	char path[64], line[256];
	bool pending = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "SigPnd:", 7) || !strncmp(line, "ShdPnd:", 7)) {
			unsigned long long mask = strtoull(line + 7, NULL, 16);

			if (mask & (1ULL << (SIGCONT - 1)))
				pending = true;
		}
	}
	fclose(f);
	return pending;
}

/* ---- the report ------------------------------------------------------------ */

struct report {
	pid_t pid;
	char **argv;
	bool taken;			/* at the exit stop (else after the exit) */
	bool have_proc, have_stat, have_hist, have_maps, have_sum;
	struct vmastat_proc proc;
	uint64_t min_flt, maj_flt;
	struct vmastat_hist_query hist;
	struct vms_maps maps;
	struct vmastat_summary sum;
	struct vms_procs children;	/* with --children: tracked children still tracked */
	struct sbuf notes;		/* why something is missing, one line each */
	int status;			/* wait status */
};

static void note(struct report *r, const char *fmt, ...) PRINTF(2, 3);
static void note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&r->notes, fmt, ap);
	va_end(ap);
	sb_addc(&r->notes, '\n');
}

static void collect(struct report *r, struct vms *v, bool at_exit, bool children)
{
	int e;

	r->taken = at_exit;
	if (vms_proc(v, r->pid, &r->proc) == 0)
		r->have_proc = true;
	else
		note(r, "counters: %s", v->err);
	e = read_stat_faults(r->pid, &r->min_flt, &r->maj_flt);
	if (e == 0)
		r->have_stat = true;
	else
		note(r, "/proc/%d/stat: %s", (int)r->pid, strerror(-e));
	if (vms_summary(v, &r->sum) == 0)
		r->have_sum = true;
	if (vms_hist(v, r->pid, &r->hist) == 0)
		r->have_hist = true;
	else
		note(r, "histograms: %s", v->err);
	if (at_exit) {
		if (maps_get(v, r->pid, &r->maps) == 0)
			r->have_maps = true;
		else
			note(r, "mappings: %s", v->err);
	} else {
		note(r, "mappings: the process exited without an exit stop (killed by SIGKILL?): "
		     "no per-mapping table");
	}
	if (children && r->have_proc) {
		struct vms_procs all;
		size_t i;

		if (vms_procs(v, 0, &all) == 0) {
			for (i = 0; i < all.count; i++) {
				struct vmastat_proc *p = &all.proc[i];
				void *a = r->children.proc;

				if (!(p->flags & VMASTAT_PROC_CHILDREN) || p->pid == r->pid ||
				    p->start_ns < r->proc.start_ns)
					continue;
				xgrow(&a, &r->children.cap, r->children.count + 1,
				      sizeof(*p));
				r->children.proc = a;
				r->children.proc[r->children.count++] = *p;
			}
			vms_procs_free(&all);
		}
	}
}

static const char *signame(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

static void exit_text(struct sbuf *out, int status)
{
	char buf[32];

	if (WIFEXITED(status))
		sb_printf(out, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		sb_printf(out, "was killed by %s%s", signame(WTERMSIG(status), buf, sizeof(buf)),
			  WCOREDUMP(status) ? " (core dumped)" : "");
	else
		sb_printf(out, "ended with wait status %#x", status);
}

static void report_text(struct sbuf *out, const struct report *r)
{
	const struct vmastat_fault_counts *c = &r->proc.counts;
	const char *comm = r->have_proc ? r->proc.comm : "?";
	int i;

	sb_printf(out, "vmastat run: process %d (", (int)r->pid);
	sb_add_printable(out, comm, strlen(comm));
	sb_adds(out, ") ");
	exit_text(out, r->status);
	sb_adds(out, r->taken ? "; numbers taken when its main thread exited\n"
			      : "; numbers taken after it exited\n");
	if (r->have_proc || r->have_stat) {
		sb_printf(out, "\n%-14s %12s %12s\n", "faults", "vmastat", "kernel");
		sb_printf(out, "%-14s", "  minor");
		r->have_proc ? sb_printf(out, " %12" PRIu64, (uint64_t)c->minor) : sb_printf(out, " %12s", "?");
		r->have_stat ? sb_printf(out, " %12" PRIu64, r->min_flt) : sb_printf(out, " %12s", "?");
		sb_printf(out, "   min_flt, field 10 of /proc/%d/stat\n", (int)r->pid);
		sb_printf(out, "%-14s", "  major");
		r->have_proc ? sb_printf(out, " %12" PRIu64, (uint64_t)c->major) : sb_printf(out, " %12s", "?");
		r->have_stat ? sb_printf(out, " %12" PRIu64, r->maj_flt) : sb_printf(out, " %12s", "?");
		sb_adds(out, "   maj_flt, field 12\n");
		if (r->have_proc && r->have_stat) {
			if (c->minor == r->min_flt && c->major == r->maj_flt)
				sb_adds(out, "vmastat and the kernel agree.\n");
			else
				sb_printf(out, "vmastat and the kernel differ: minor %+" PRId64
					  ", major %+" PRId64 " (faults missed by the probe so far: %s%"
					  PRIu64 ")\n", (int64_t)(c->minor - r->min_flt),
					  (int64_t)(c->major - r->maj_flt), r->have_sum ? "" : "?",
					  r->have_sum ? (uint64_t)r->sum.missed : 0);
		}
	}
	if (r->have_proc) {
		static const char *const kinds[] = { "anon", "file", "shmem", "other" };
		const uint64_t km[4][2] = {
			{ c->anon_minor, c->anon_major }, { c->file_minor, c->file_major },
			{ c->shmem_minor, c->shmem_major }, { c->other_minor, c->other_major },
		};

		sb_printf(out, "\n%-14s %12s %12s\n", "by kind", "minor", "major");
		for (i = 0; i < 4; i++)
			sb_printf(out, "  %-12s %12" PRIu64 " %12" PRIu64 "\n", kinds[i],
				  km[i][0], km[i][1]);
		sb_printf(out, "%-14s %12" PRIu64 " %12" PRIu64 "   taken by the kernel (GUP)\n",
			  "  gup", (uint64_t)c->gup_minor, (uint64_t)c->gup_major);
		sb_printf(out, "by access:     read %" PRIu64 ", write %" PRIu64 ", exec %" PRIu64 "\n",
			  (uint64_t)c->read, (uint64_t)c->write, (uint64_t)c->exec);
		sb_printf(out, "also:          cow %" PRIu64 ", swapin %" PRIu64 ", thp %" PRIu64
			  ", remote %" PRIu64 ", retry %" PRIu64 "\n", (uint64_t)c->cow,
			  (uint64_t)c->swapin, (uint64_t)c->thp, (uint64_t)c->remote,
			  (uint64_t)c->retry);
		sb_printf(out, "errors:        segv %" PRIu64 ", sigbus %" PRIu64 ", oom %" PRIu64 "\n",
			  (uint64_t)c->segv, (uint64_t)c->sigbus, (uint64_t)c->oom);
	}
	if (r->have_hist) {
		sb_addc(out, '\n');
		hist_format_text(out, &r->hist);
	}
	if (r->have_maps) {
		sb_addc(out, '\n');
		maps_format_table(out, &r->maps, r->pid, comm);
	}
	if (r->children.count) {
		size_t k;

		sb_adds(out, "\nchildren still tracked (vmastat untrack PID frees them):");
		for (k = 0; k < r->children.count; k++) {
			sb_printf(out, " %d (", (int)r->children.proc[k].pid);
			sb_add_printable(out, r->children.proc[k].comm,
					 strlen(r->children.proc[k].comm));
			sb_addc(out, ')');
		}
		sb_addc(out, '\n');
	}
	if (r->have_sum && r->sum.missed)
		sb_printf(out, "\nnote: the module's probe missed %" PRIu64 " faults so far (of every "
			  "process; maxactive %u): they are in no counter\n", (uint64_t)r->sum.missed,
			  r->sum.maxactive);
	if (r->notes.len) {
		sb_adds(out, "\nnot available:\n");
		sb_adds(out, r->notes.buf);
	}
}

static void report_json(struct sbuf *out, const struct report *r)
{
	struct json j;
	char buf[32], *p, *save = NULL;
	size_t k;
	int i;

	json_init(&j, out, 1);
	json_begin_object(&j);
	json_key(&j, "command");
	json_begin_array(&j);
	for (i = 0; r->argv[i]; i++)
		json_string(&j, r->argv[i]);
	json_end_array(&j);
	json_key(&j, "pid");		json_i64(&j, r->pid);
	json_key(&j, "exit_code");
	if (WIFEXITED(r->status))
		json_i64(&j, WEXITSTATUS(r->status));
	else
		json_null(&j);
	json_key(&j, "signal");
	if (WIFSIGNALED(r->status))
		json_string(&j, signame(WTERMSIG(r->status), buf, sizeof(buf)));
	else
		json_null(&j);
	json_key(&j, "taken_at");	json_string(&j, r->taken ? "exit" : "after_exit");
	json_key(&j, "proc");
	r->have_proc ? proc_format_json(&j, &r->proc) : json_null(&j);
	json_key(&j, "stat");
	if (r->have_stat) {
		json_begin_object(&j);
		json_key(&j, "min_flt");	json_u64(&j, r->min_flt);
		json_key(&j, "maj_flt");	json_u64(&j, r->maj_flt);
		json_end_object(&j);
	} else {
		json_null(&j);
	}
	json_key(&j, "agree");
	if (r->have_proc && r->have_stat)
		json_bool(&j, r->proc.counts.minor == r->min_flt &&
			  r->proc.counts.major == r->maj_flt);
	else
		json_null(&j);
	json_key(&j, "missed");
	r->have_sum ? json_u64(&j, r->sum.missed) : json_null(&j);
	json_key(&j, "hist");
	r->have_hist ? hist_format_json(&j, &r->hist) : json_null(&j);
	json_key(&j, "maps");
	r->have_maps ? maps_format_json(&j, &r->maps) : json_null(&j);
	json_key(&j, "tracked_children");
	json_begin_array(&j);
	for (k = 0; k < r->children.count; k++)
		json_i64(&j, r->children.proc[k].pid);
	json_end_array(&j);
	json_key(&j, "notes");
	json_begin_array(&j);
	if (r->notes.len) {
		struct sbuf copy = { 0 };

		sb_add(&copy, r->notes.buf, r->notes.len);
		for (p = strtok_r(copy.buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			json_string(&j, p);
		sb_free(&copy);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

/* ---- running the command ---------------------------------------------------- */

struct run_args {
	const struct command *cmd;
	const char *output;
	bool json, children;
};

static int run_opt(void *ctx, int key, const char *val)
{
	struct run_args *a = ctx;

	switch (key) {
	case 'o':
		if (!*val) {
			errmsg("%s: empty file name for -o", a->cmd->name);
			return -1;
		}
		a->output = val;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case 'c':
		a->children = true;
		return 0;
	}
	return -1;
}

/* What the child tells the parent through the CLOEXEC pipe when it fails. */
struct child_error {
	int stage;		/* 1: ptrace(PTRACE_TRACEME), 2: execvp */
	int err;
};

static volatile sig_atomic_t fwd_sig, tick;

static void on_fwd(int sig)
{
	fwd_sig = sig;
}

static void on_tick(int sig)
{
	(void)sig;
	tick = 1;
}

static const int saved_sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGALRM, SIGCHLD };

static void set_handler(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waiting must return EINTR */
	sigaction(sig, &sa, old);
}

static void set_timer(long usec)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = usec;
	it.it_interval.tv_usec = usec;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void child(int fd, char **argv, const struct sigaction *old)
{
	struct child_error ce = { 0, 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(saved_sigs); i++)
		sigaction(saved_sigs[i], &old[i], NULL);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		ce.stage = 1;
		ce.err = errno;
	} else {
		raise(SIGSTOP);
		execvp(argv[0], argv);
		ce.stage = 2;
		ce.err = errno;
	}
	if (write(fd, &ce, sizeof(ce)) != (ssize_t)sizeof(ce))
		_exit(EXIT_NOEXEC);
	_exit(EXIT_NOEXEC);
}

static int wait_status(pid_t pid, int *status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, status, flags);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* Kill and reap @pid after a failure before it ran CMD. */
static void abandon(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	wait_status(pid, &st, 0);
}

static int run_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "output", 'o', true },
		{ "json", 'j', false },
		{ "children", 'c', false },
		{ "help", 'h', false },
		{ NULL, 0, false },
	};
	struct run_args a = { .cmd = cmd };
	struct sigaction old[ARRAY_SIZE(saved_sigs)];
	struct report rep;
	struct child_error ce = { 0, 0 };
	struct argparser p;
	struct sbuf out = { 0 };
	bool exec_done = false, group_stopped = false;
	const char *val;
	char **cargv = NULL;
	FILE *rf = stderr;
	struct vms v;
	int pfd[2], k, r, st, status = EXIT_RUNTIME;
	size_t i;
	pid_t pid;

	args_init(&p, argc, argv, cmd->name, opts);
	while (!cargv && (k = args_next(&p, &val)) != ARG_END) {
		switch (k) {
		case 'h':
			command_help(cmd, stdout);
			return EXIT_OK;
		case ARG_POSITIONAL:
			cargv = &argv[p.idx - 1];	/* CMD and its arguments, as they are */
			break;
		case ARG_ERROR:
			return command_usage_error(cmd);
		default:
			if (run_opt(&a, k, val) < 0)
				return command_usage_error(cmd);
		}
	}
	if (!cargv || !*cargv[0]) {
		errmsg("%s: %s", cmd->name, cargv ? "empty command name" : "missing command");
		return command_usage_error(cmd);
	}

	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (a.output) {
		rf = fopen(a.output, "we");
		if (!rf) {
			errmsg("%s: cannot open %s: %s", cmd->name, a.output, strerror(errno));
			vms_close(&v);
			return EXIT_RUNTIME;
		}
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		errmsg("%s: pipe: %s", cmd->name, strerror(errno));
		goto out_close;
	}

	/* as system(3) does: Ctrl-C and Ctrl-\ are for CMD; SIGTERM and SIGHUP are passed to it */
	set_handler(SIGINT, SIG_IGN, &old[0]);
	set_handler(SIGQUIT, SIG_IGN, &old[1]);
	set_handler(SIGTERM, on_fwd, &old[2]);
	set_handler(SIGHUP, on_fwd, &old[3]);
	set_handler(SIGALRM, on_tick, &old[4]);
	set_handler(SIGCHLD, SIG_DFL, &old[5]);
	fflush(NULL);

	pid = fork();
	if (pid < 0) {
		errmsg("%s: fork: %s", cmd->name, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto out_signals;
	}
	if (pid == 0) {
		close(pfd[0]);
		child(pfd[1], cargv, old);
	}
	close(pfd[1]);

	memset(&rep, 0, sizeof(rep));
	rep.pid = pid;
	rep.argv = cargv;

	/* the child's SIGSTOP, or its exit when PTRACE_TRACEME failed */
	r = wait_status(pid, &st, 0);
	if (r < 0 || !WIFSTOPPED(st)) {
		if (read(pfd[0], &ce, sizeof(ce)) == (ssize_t)sizeof(ce) && ce.stage == 1)
			errmsg("%s: cannot trace the command: ptrace(PTRACE_TRACEME): %s "
			       "(is vmastat running under a debugger?)", cmd->name, strerror(ce.err));
		else
			errmsg("%s: the child did not stop as expected", cmd->name);
		close(pfd[0]);
		goto out_signals;
	}
	if (vms_track(&v, pid, a.children ? VMASTAT_TRACK_CHILDREN : 0, 0) < 0) {
		errmsg("%s", v.err);
		abandon(pid);
		close(pfd[0]);
		goto out_signals;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0) {
		errmsg("%s: ptrace: %s", cmd->name, strerror(errno));
		abandon(pid);
		vms_untrack(&v, pid);
		close(pfd[0]);
		goto out_signals;
	}

	for (;;) {
		siginfo_t si;
		int sig, event;

		if (fwd_sig) {
			kill(pid, fwd_sig);
			fwd_sig = 0;
		}
		if (tick) {
			tick = 0;
			if (group_stopped && sigcont_pending(pid)) {
				group_stopped = false;
				set_timer(0);
				ptrace(PTRACE_CONT, pid, NULL, NULL);
			}
		}
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WSTOPPED | WNOWAIT) < 0) {
			if (errno == EINTR)
				continue;
			errmsg("%s: waitid: %s", cmd->name, strerror(errno));
			break;
		}
		if (si.si_code == CLD_EXITED || si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED)
			break;	/* a zombie now: still there to be asked about */
		if (wait_status(pid, &st, 0) < 0 || !WIFSTOPPED(st))
			break;
		sig = WSTOPSIG(st);
		event = (st >> 16) & 0xff;
		if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
			exec_done = true;
			sig = 0;
		} else if (sig == SIGTRAP && event == PTRACE_EVENT_EXIT) {
			if (exec_done && !rep.taken)
				collect(&rep, &v, true, a.children);
			sig = 0;
		} else if (event) {
			sig = 0;
		} else {
			siginfo_t info;

			if (ptrace(PTRACE_GETSIGINFO, pid, NULL, &info) < 0 && errno == EINVAL) {
				/* a group-stop: CMD stays stopped until it gets SIGCONT */
				group_stopped = true;
				set_timer(100000);
				continue;
			}
			/* a signal-delivery stop: deliver it */
		}
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH) {
			errmsg("%s: ptrace(PTRACE_CONT): %s", cmd->name, strerror(errno));
			break;
		}
	}
	set_timer(0);

	if (read(pfd[0], &ce, sizeof(ce)) != (ssize_t)sizeof(ce))
		ce.stage = 0;
	close(pfd[0]);
	if (exec_done && !rep.taken)
		collect(&rep, &v, false, a.children);	/* no exit stop: killed by SIGKILL */
	if (vms_untrack(&v, pid) < 0 && exec_done)
		note(&rep, "untrack: %s", v.err);
	if (wait_status(pid, &st, 0) < 0) {
		errmsg("%s: waitpid: %s", cmd->name, strerror(errno));
		goto out_report;
	}
	rep.status = st;
	if (ce.stage == 2 && !exec_done) {
		errmsg("%s: cannot execute '%s': %s", cmd->name, cargv[0], strerror(ce.err));
		status = EXIT_NOEXEC;
		goto out_report;
	}
	status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : EXIT_RUNTIME;
	if (a.json)
		report_json(&out, &rep);
	else
		report_text(&out, &rep);
	if (sb_flush_to(&out, rf) < 0 && status == EXIT_OK)
		status = EXIT_RUNTIME;
out_report:
	sb_free(&out);
	sb_free(&rep.notes);
	vms_maps_free(&rep.maps);
	vms_procs_free(&rep.children);
out_signals:
	for (i = 0; i < ARRAY_SIZE(saved_sigs); i++)
		sigaction(saved_sigs[i], &old[i], NULL);
out_close:
	if (rf != stderr && fclose(rf) == EOF && status == EXIT_OK) {
		errmsg("%s: %s: %s", cmd->name, a.output, strerror(errno));
		status = EXIT_RUNTIME;
	}
	vms_close(&v);
	return status;
}

const struct command cmd_run = {
	.name = "run",
	.run = run_run,
	.args = "[-o FILE] [--json] [--children] [--] CMD [ARGS...]",
	.summary = "run CMD tracked, report its faults when it exits",
	.help =
	"Run CMD with its arguments, tracked by the module from its first\n"
	"instruction, and when it exits report its page faults: its counters by\n"
	"class next to min_flt and maj_flt of /proc/PID/stat (they should be equal),\n"
	"its fault latency histograms, and its mappings with the faults that hit\n"
	"each one and the ranges that took faults and were unmapped.  The numbers\n"
	"are taken when CMD's main thread exits, while it still has its mappings\n"
	"(other threads of a multi-threaded CMD may still run for a moment); if it\n"
	"is killed by SIGKILL there is no such moment and the mappings are missing.\n"
	"\n"
	"CMD is traced with ptrace (its main thread only): signals sent to it are\n"
	"passed on, a stop (SIGSTOP, Ctrl-Z) lasts until it gets SIGCONT.  vmastat\n"
	"ignores Ctrl-C and Ctrl-\\ while CMD runs (CMD gets them) and passes\n"
	"SIGTERM and SIGHUP on to CMD.  Options end at CMD: 'vmastat run ls -l'.\n"
	"\n"
	"Options:\n"
	"  -o, --output=FILE  write the report to FILE instead of standard error\n"
	"  -j, --json         write the report as one JSON object\n"
	"  -c, --children     also track the children CMD forks (they stay tracked\n"
	"                     after CMD exits: vmastat untrack PID)\n"
	"  -h, --help         show this help and exit\n"
	"\n"
	"Exit status: CMD's, or 128 + N if a signal N killed it; 127 if CMD could\n"
	"not be executed; 1 if vmastat failed before CMD started; 2 usage error.\n"
	"\n"
	"JSON keys: command, pid, exit_code, signal, taken_at (exit or after_exit),\n"
	"proc (as an element of 'vmastat faults --json'), stat (min_flt, maj_flt),\n"
	"agree, missed, hist (as in 'vmastat hist --json'), maps (as 'vmastat maps\n"
	"--json'), tracked_children, notes (what is missing and why).\n",
};
