// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat trace PID [-c COUNT] [--absolute] [--json]: every fault of a
 * tracked process as it happens, one line each.  Tracks PID for the
 * duration when it is not tracked yet.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "commands.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

#define EVENTS_BATCH	256

static volatile sig_atomic_t stop_signal, tick;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_tick(int sig)
{
	(void)sig;
	tick = 1;
}

static void event_flags(struct sbuf *out, uint32_t flags, const char *none)
{
	char buf[16];
	unsigned int bit;
	bool any = false;

	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1U << bit)))
			continue;
		sb_printf(out, "%s%s", any ? "," : "", vms_event_flag_name(bit, buf, sizeof(buf)));
		any = true;
	}
	if (!any)
		sb_adds(out, none);
}

void event_format_text(struct sbuf *out, const struct vmastat_event *e, uint64_t base_ns)
{
	uint64_t t = e->time_ns - base_ns;
	const char *sign = "";
	char ts[40], ip[24];

	if (base_ns && e->time_ns < base_ns) {	/* another CPU's event from before the first */
		t = base_ns - e->time_ns;
		sign = "-";
	}
	snprintf(ts, sizeof(ts), "%s%" PRIu64 ".%06" PRIu64, sign, t / UINT64_C(1000000000),
		 t % UINT64_C(1000000000) / 1000);
	if (e->ip)
		snprintf(ip, sizeof(ip), "0x%012" PRIx64, (uint64_t)e->ip);
	else
		snprintf(ip, sizeof(ip), "-");
	sb_printf(out, "%15s %7d %3u 0x%012" PRIx64 " %-14s %-5s %-5s %-6s %10" PRIu64 " ",
		  ts, (int)e->tid, e->cpu, (uint64_t)e->address, ip, vms_fault_kind_name(e->kind),
		  vms_access_name(e->access), vms_outcome_name(e->outcome),
		  (uint64_t)e->latency_ns);
	event_flags(out, e->flags, "-");
}

void event_format_json(struct sbuf *out, const struct vmastat_event *e)
{
	char buf[16];
	unsigned int bit;
	struct json j;

	json_init(&j, out, 0);
	json_begin_object(&j);
	json_key(&j, "time_ns");	json_u64(&j, e->time_ns);
	json_key(&j, "tid");		json_i64(&j, e->tid);
	json_key(&j, "cpu");		json_u64(&j, e->cpu);
	json_key(&j, "address");	json_hex(&j, e->address);
	json_key(&j, "ip");		json_hex(&j, e->ip);
	json_key(&j, "latency_ns");	json_u64(&j, e->latency_ns);
	json_key(&j, "kind");		json_string(&j, vms_fault_kind_name(e->kind));
	json_key(&j, "access");		json_string(&j, vms_access_name(e->access));
	json_key(&j, "outcome");	json_string(&j, vms_outcome_name(e->outcome));
	json_key(&j, "flags");
	json_begin_array(&j);
	for (bit = 0; bit < 32; bit++)
		if (e->flags & (1U << bit))
			json_string(&j, vms_event_flag_name(bit, buf, sizeof(buf)));
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

struct trace_args {
	const struct command *cmd;
	uint64_t count;
	bool json, absolute;
};

static int trace_opt(void *ctx, int key, const char *val)
{
	struct trace_args *a = ctx;

	switch (key) {
	case 'c':
		return command_uint(a->cmd, "-c", val, 1, UINT64_MAX, &a->count);
	case 'j':
		a->json = true;
		return 0;
	case 'a':
		a->absolute = true;
		return 0;
	}
	return -1;
}

static bool write_failed;

/*
 * Write @out to stdout; false when output is gone: a closed pipe ends the
 * trace quietly, another error with a message (and exit status 1).
 */
static bool emit(struct sbuf *out)
{
	bool ok = true;

	if ((out->len && fwrite(out->buf, 1, out->len, stdout) != out->len) ||
	    fflush(stdout) == EOF) {
		if (errno != EPIPE) {
			errmsg("cannot write output: %s", strerror(errno));
			write_failed = true;
		}
		ok = false;
	}
	sb_reset(out);
	return ok;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read must return EINTR */
	sigaction(sig, &sa, NULL);
}

/* Whether @pid has exited (or is gone) as far as the module knows. */
static bool has_exited(struct vms *v, pid_t pid)
{
	struct vmastat_proc p;
	int r = vms_proc(v, pid, &p);

	return r == -ESRCH || (r == 0 && (p.flags & VMASTAT_PROC_EXITED));
}

static int trace_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "count", 'c', true },
		{ "json", 'j', false },
		{ "absolute", 'a', false },
		{ NULL, 0, false },
	};
	struct trace_args a = { .cmd = cmd };
	struct vmastat_event *ev;
	struct itimerval it = { { 1, 0 }, { 1, 0 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sbuf out = { 0 };
	uint64_t seen = 0, drops = 0, last_drops = 0, base = 0;
	bool owned = false, started = false, draining = false, ok = true;
	const char *pos[1];
	struct vms v;
	pid_t pid;
	int npos, r, status = EXIT_OK;

	r = command_parse(cmd, argc, argv, opts, trace_opt, &a, pos, 1, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_pid(cmd, npos ? pos[0] : NULL, &pid);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;

	stop_signal = tick = 0;
	write_failed = false;
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	handle(SIGHUP, on_stop);
	handle(SIGALRM, on_tick);
	signal(SIGPIPE, SIG_IGN);
	/* a periodic wake-up, to notice that the process exited */
	setitimer(ITIMER_REAL, &it, NULL);

	ev = xcalloc(EVENTS_BATCH, sizeof(*ev));
	while (ok && !stop_signal && (!a.count || seen < a.count)) {
		size_t want = EVENTS_BATCH, n, i;

		if (a.count && a.count - seen < want)
			want = (size_t)(a.count - seen);
		/* the first call does not wait: it says at once whether the request works */
		r = vms_events(&v, pid, started && !draining, ev, want, &n, &drops);
		if (r == -ENODATA && !started && !owned) {
			/* not tracked: track it for as long as the trace runs */
			r = vms_track(&v, pid, 0, 0);
			if (r == 0) {
				owned = true;
				errmsg("trace: process %d was not tracked: tracking it until the "
				       "trace ends", (int)pid);
			} else if (r != -EBUSY) {
				status = command_fail(&v);
				goto out;
			}
			continue;
		}
		if (r == -EINTR) {
			if (tick && !stop_signal) {
				tick = 0;
				draining = has_exited(&v, pid);
			}
			continue;
		}
		if (r == -ESRCH && started) {
			if (!emit(&out))
				break;
			errmsg("trace: process %d is not tracked any more", (int)pid);
			break;
		}
		if (r < 0) {
			emit(&out);
			errmsg("%s", v.err);
			status = EXIT_RUNTIME;
			break;
		}
		if (!started && !a.json)
			sb_printf(&out, "%15s %7s %3s %-14s %-14s %-5s %-5s %-6s %10s %s\n",
				  "TIME(s)", "TID", "CPU", "ADDRESS", "IP", "KIND",
				  "ACCESS", "RESULT", "LAT(ns)", "FLAGS");
		started = true;
		if (drops > last_drops) {
			emit(&out);
			errmsg("trace: %" PRIu64 " events dropped (ring full; %" PRIu64 " in all)",
			       drops - last_drops, drops);
			last_drops = drops;
		}
		for (i = 0; i < n; i++) {
			if (!base && !a.absolute)
				base = ev[i].time_ns ? ev[i].time_ns : 1;
			if (a.json) {
				event_format_json(&out, &ev[i]);
			} else {
				event_format_text(&out, &ev[i], a.absolute ? 0 : base);
				sb_addc(&out, '\n');
			}
		}
		seen += n;
		ok = emit(&out);
		if (draining && !n) {
			errmsg("trace: process %d exited", (int)pid);
			break;
		}
	}
	if (out.len)
		emit(&out);
	if (write_failed)
		status = EXIT_RUNTIME;
out:
	setitimer(ITIMER_REAL, &off, NULL);
	if (owned && vms_untrack(&v, pid) < 0 && !stop_signal)
		errmsg("%s", v.err);
	vms_close(&v);
	free(ev);
	sb_free(&out);
	return status;
}

const struct command cmd_trace = {
	.name = "trace",
	.run = trace_run,
	.args = "PID [-c COUNT] [--absolute] [--json]",
	.summary = "every fault of PID as it happens",
	.help =
	"Print the page faults of process PID as they happen, one line each, until\n"
	"COUNT faults were printed, PID exits or is untracked, or vmastat is\n"
	"interrupted (Ctrl-C, SIGTERM, SIGHUP: it stops cleanly and exits 0).  If\n"
	"PID is not tracked, vmastat tracks it for as long as the trace runs.\n"
	"Events lost because the module's ring was full are reported on standard\n"
	"error (\"N events dropped\").  One trace of a process at a time.\n"
	"\n"
	"Options:\n"
	"  -c, --count=COUNT  stop after COUNT faults\n"
	"  -a, --absolute     TIME is CLOCK_MONOTONIC; default: since the first fault\n"
	"  -j, --json         print one JSON object per line (JSON Lines)\n"
	"  -h, --help         show this help and exit\n"
	"\n"
	"Columns:\n"
	"  TIME(s)   when the fault completed, seconds.microseconds\n"
	"  TID       the thread that faulted (0: not in your PID namespace)\n"
	"  CPU       the CPU it completed on\n"
	"  ADDRESS   the faulting address\n"
	"  IP        the instruction that faulted; - when the kernel took the fault\n"
	"  KIND      anon, file, shmem or other: the kind of mapping\n"
	"  ACCESS    read, write or exec\n"
	"  RESULT    minor, major, retry, segv, sigbus or oom\n"
	"  LAT(ns)   time spent in the kernel's fault handler\n"
	"  FLAGS     gup (taken by the kernel), remote (in another process's memory),\n"
	"            cow, swapin, thp; - if none\n"
	"\n"
	"JSON keys: time_ns (CLOCK_MONOTONIC), tid, cpu, address, ip (hex strings),\n"
	"latency_ns, kind, access, outcome, flags (an array of the names above).\n",
};
