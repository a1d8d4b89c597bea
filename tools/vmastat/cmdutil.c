// SPDX-License-Identifier: GPL-2.0
/* vmastat: what every command does first.  See commands.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

void command_help(const struct command *cmd, FILE *f)
{
	fprintf(f, "Usage: vmastat %s %s\n\n%s", cmd->name, cmd->args, cmd->help);
}

int command_usage_error(const struct command *cmd)
{
	fprintf(stderr, "Usage: vmastat %s %s\nTry 'vmastat %s --help' for more information.\n",
		cmd->name, cmd->args, cmd->name);
	return EXIT_USAGE;
}

#define MAX_OPTS	16

int command_parse(const struct command *cmd, int argc, char **argv,
		  const struct optdef *opts, int (*opt)(void *ctx, int key, const char *val),
		  void *ctx, const char **pos, int max_pos, int *npos)
{
	struct optdef all[MAX_OPTS + 2];
	struct argparser p;
	const char *val;
	size_t n = 0;
	int k;

	for (; opts && opts[n].name; n++) {
		if (n == MAX_OPTS)
			abort();	/* a bug: more room needed */
		all[n] = opts[n];
	}
	all[n++] = (struct optdef){ "help", 'h', false };
	all[n] = (struct optdef){ NULL, 0, false };
	*npos = 0;
	args_init(&p, argc, argv, cmd->name, all);
	while ((k = args_next(&p, &val)) != ARG_END) {
		switch (k) {
		case 'h':
			command_help(cmd, stdout);
			return EXIT_OK;
		case ARG_POSITIONAL:
			if (*npos >= max_pos) {
				errmsg("%s: unexpected argument '%s'", cmd->name, val);
				return command_usage_error(cmd);
			}
			pos[(*npos)++] = val;
			break;
		case ARG_ERROR:
			return command_usage_error(cmd);
		default:
			if (!opt || opt(ctx, k, val) < 0)
				return command_usage_error(cmd);
		}
	}
	return CMD_CONTINUE;
}

int command_pid(const struct command *cmd, const char *s, pid_t *pid)
{
	if (!s) {
		errmsg("%s: missing PID", cmd->name);
		return command_usage_error(cmd);
	}
	if (parse_pid(cmd->name, s, pid) < 0)
		return command_usage_error(cmd);
	return CMD_CONTINUE;
}

int command_pid_or_all(const struct command *cmd, const char *s, pid_t *pid)
{
	if (s && !strcmp(s, "all")) {
		*pid = 0;
		return CMD_CONTINUE;
	}
	if (!s) {
		errmsg("%s: missing PID (or 'all')", cmd->name);
		return command_usage_error(cmd);
	}
	return command_pid(cmd, s, pid);
}

int command_uint(const struct command *cmd, const char *option, const char *s,
		 uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s < '0' || *s > '9' || *end || errno || v < min || v > max) {
		errmsg("%s: invalid value '%s' for %s: expected a number from %llu to %llu",
		       cmd->name, s, option, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int command_seconds(const struct command *cmd, const char *option, const char *s,
		    double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || !((*s >= '0' && *s <= '9') || *s == '.') || *end || errno ||
	    !isfinite(v) || v < min || v > max) {
		errmsg("%s: invalid value '%s' for %s: expected seconds from %g to %g",
		       cmd->name, s, option, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int command_open(struct vms *v)
{
	vms_init(v);
	if (vms_query_open(v) < 0)
		return command_fail(v);
	return CMD_CONTINUE;
}

int command_fail(struct vms *v)
{
	errmsg("%s", v->err);
	vms_close(v);
	return EXIT_RUNTIME;
}

int command_output(struct sbuf *out)
{
	int r = sb_flush_to(out, stdout) < 0 ? EXIT_RUNTIME : EXIT_OK;

	sb_free(out);
	return r;
}

static int pid_args_opt(void *ctx, int key, const char *val)
{
	struct pid_args *a = ctx;

	(void)val;
	if (key == 'j')
		a->json = true;
	return 0;
}

int parse_pid_args(const struct command *cmd, int argc, char **argv, struct pid_args *a)
{
	static const struct optdef opts[] = {
		{ "json", 'j', false },
		{ NULL, 0, false },
	};
	const char *pos[1];
	int npos, r;

	memset(a, 0, sizeof(*a));
	r = command_parse(cmd, argc, argv, opts, pid_args_opt, a, pos, 1, &npos);
	if (r != CMD_CONTINUE)
		return r;
	return command_pid(cmd, npos ? pos[0] : NULL, &a->pid);
}
