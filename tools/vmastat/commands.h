/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: the command table.  Each command is one struct command, defined
 * in its own file and listed in main.c's commands[]; adding one is adding a
 * file, an entry there, a line in the Makefile and a section in vmastat.1.
 * The helpers below (cmdutil.c) are every command's prologue: parse the
 * command line, name a PID, open the module, report a failure.
 */
#ifndef VMASTAT_COMMANDS_H
#define VMASTAT_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"
#include "vmastatlib.h"

struct command {
	const char *name;
	/* argv[0] is the command's name; returns the exit status */
	int (*run)(const struct command *cmd, int argc, char **argv);
	const char *args;	/* synopsis after "vmastat NAME " */
	const char *summary;	/* one line for "vmastat --help" */
	const char *help;	/* the rest of "vmastat NAME --help" */
};

extern const struct command cmd_maps;
extern const struct command cmd_status;
extern const struct command cmd_faults;
extern const struct command cmd_summary;
extern const struct command cmd_top;
extern const struct command cmd_track;
extern const struct command cmd_untrack;
extern const struct command cmd_reset;
extern const struct command cmd_trace;
extern const struct command cmd_hist;
extern const struct command cmd_run;

/* "Usage: vmastat NAME ARGS", a blank line and the help text, on @f. */
void command_help(const struct command *cmd, FILE *f);
/* After a usage error was printed: the usage line and a hint on stderr; returns EXIT_USAGE. */
int command_usage_error(const struct command *cmd);

/* What the helpers below return when the command should go on. */
#define CMD_CONTINUE	(-1)

/*
 * Parse @cmd's command line: the options @opts (a zeroed entry ends them;
 * -h/--help is added here) go to @opt(@ctx, key, value), which returns 0,
 * or -1 after printing why the value is bad; positional arguments are
 * stored in @pos, at most @max_pos of them (*@npos: how many).  Returns
 * CMD_CONTINUE, or the exit status to leave with (help printed: EXIT_OK;
 * usage error printed: EXIT_USAGE).
 */
int command_parse(const struct command *cmd, int argc, char **argv,
		  const struct optdef *opts, int (*opt)(void *ctx, int key, const char *val),
		  void *ctx, const char **pos, int max_pos, int *npos);

/* Parse PID argument @s (NULL: missing): CMD_CONTINUE or EXIT_USAGE (message printed). */
int command_pid(const struct command *cmd, const char *s, pid_t *pid);
/* The same, accepting "all" for 0. */
int command_pid_or_all(const struct command *cmd, const char *s, pid_t *pid);

/*
 * Parse an unsigned decimal option value in [@min, @max] into *@out.
 * Returns 0, or -1 after printing "vmastat: CMD: invalid VALUE for OPTION".
 */
int command_uint(const struct command *cmd, const char *option, const char *s,
		 uint64_t min, uint64_t max, uint64_t *out);
/* A duration in seconds ("2", "0.5") in [@min, @max]: 0 or -1 (message printed). */
int command_seconds(const struct command *cmd, const char *option, const char *s,
		    double min, double max, double *out);

/* vms_init() and open the query file: CMD_CONTINUE, or EXIT_RUNTIME after printing why. */
int command_open(struct vms *v);
/* Print v->err, close @v: returns EXIT_RUNTIME. */
int command_fail(struct vms *v);
/* Write @out to stdout and free it: EXIT_OK or EXIT_RUNTIME (message printed). */
int command_output(struct sbuf *out);

/* The arguments of commands taking "PID [--json]". */
struct pid_args {
	pid_t pid;
	bool json;
};

/*
 * Parse "PID [--json] [--help]" for @cmd.  Returns CMD_CONTINUE when the
 * command should run, otherwise the exit status to leave with.
 */
int parse_pid_args(const struct command *cmd, int argc, char **argv, struct pid_args *a);

#endif /* VMASTAT_COMMANDS_H */
