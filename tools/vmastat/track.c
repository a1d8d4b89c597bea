// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat track PID [--children] [--granule=SHIFT], vmastat untrack PID|all,
 * vmastat reset PID|all: start and stop the per-address accounting,
 * histograms and event stream of a process, or zero counters.
 */
#include <string.h>

#include "commands.h"
#include "util.h"
#include "vmastatlib.h"

/* the module's range: PAGE_SHIFT (4 KiB pages) to PMD_SHIFT */
#define GRANULE_MIN	12
#define GRANULE_MAX	21

struct track_args {
	const struct command *cmd;
	bool children;
	uint64_t shift;
};

static int track_opt(void *ctx, int key, const char *val)
{
	struct track_args *a = ctx;

	switch (key) {
	case 'c':
		a->children = true;
		return 0;
	case 'g':
		return command_uint(a->cmd, "--granule", val, GRANULE_MIN, GRANULE_MAX, &a->shift);
	}
	return -1;
}

static int track_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "children", 'c', false },
		{ "granule", 'g', true },
		{ NULL, 0, false },
	};
	struct track_args a = { .cmd = cmd };
	const char *pos[1];
	struct vms v;
	pid_t pid;
	int npos, r;

	r = command_parse(cmd, argc, argv, opts, track_opt, &a, pos, 1, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_pid(cmd, npos ? pos[0] : NULL, &pid);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (vms_track(&v, pid, a.children ? VMASTAT_TRACK_CHILDREN : 0, (unsigned int)a.shift) < 0)
		return command_fail(&v);
	vms_close(&v);
	return EXIT_OK;
}

/* untrack and reset: "PID|all" and no option */
static int pid_or_all_run(const struct command *cmd, int argc, char **argv,
			  int (*fn)(struct vms *v, pid_t pid))
{
	const char *pos[1];
	struct vms v;
	pid_t pid;
	int npos, r;

	r = command_parse(cmd, argc, argv, NULL, NULL, NULL, pos, 1, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_pid_or_all(cmd, npos ? pos[0] : NULL, &pid);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (fn(&v, pid) < 0)
		return command_fail(&v);
	vms_close(&v);
	return EXIT_OK;
}

static int untrack_run(const struct command *cmd, int argc, char **argv)
{
	return pid_or_all_run(cmd, argc, argv, vms_untrack);
}

static int reset_run(const struct command *cmd, int argc, char **argv)
{
	return pid_or_all_run(cmd, argc, argv, vms_reset);
}

const struct command cmd_track = {
	.name = "track",
	.run = track_run,
	.args = "PID [--children] [--granule=SHIFT]",
	.summary = "count PID's faults per address, time them, record events",
	.help =
	"Start tracking process PID: from now on the module also counts its faults\n"
	"per address (vmastat maps PID), times them (vmastat hist PID) and records\n"
	"each one (vmastat trace PID).  Its counters by class (vmastat faults) run\n"
	"for every process anyway.  A tracked process that exits keeps its data\n"
	"until 'vmastat untrack'.  Prints nothing on success.\n"
	"\n"
	"Options:\n"
	"  -c, --children       also track the children PID forks from now on\n"
	"  -g, --granule=SHIFT  count faults per 2^SHIFT bytes, 12 (4 KiB) to 21\n"
	"                       (2 MiB); default: the module's parameter granule_shift\n"
	"  -h, --help           show this help and exit\n"
	"\n"
	"Fails when PID is tracked already, or when the module tracks as many\n"
	"processes as it can (its parameter max_tracked).\n",
};

const struct command cmd_untrack = {
	.name = "untrack",
	.run = untrack_run,
	.args = "PID|all",
	.summary = "stop tracking PID, or every process",
	.help =
	"Stop tracking process PID (or, with 'all', every tracked process) and free\n"
	"its per-address counters, histograms and events.  Its counters by class\n"
	"stay.  A 'vmastat trace' of it stops.  Prints nothing on success.\n"
	"\n"
	"Options:\n"
	"  -h, --help    show this help and exit\n",
};

const struct command cmd_reset = {
	.name = "reset",
	.run = reset_run,
	.args = "PID|all",
	.summary = "zero PID's fault counters, or every counter",
	.help =
	"Zero the fault counters of process PID, and when it is tracked its\n"
	"per-address counters, histograms and pending events; with 'all', every\n"
	"counter of the module (vmastat summary shows when: reset_ns).\n"
	"Prints nothing on success.\n"
	"\n"
	"Options:\n"
	"  -h, --help    show this help and exit\n",
};
