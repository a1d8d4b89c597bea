/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: the command table.  Each command is one struct command, defined
 * in its own file and listed in main.c's commands[]; adding one is adding a
 * file, an entry there, a line in the Makefile and a section in vmastat.1.
 */
#ifndef VMASTAT_COMMANDS_H
#define VMASTAT_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

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

/* "Usage: vmastat NAME ARGS", a blank line and the help text, on @f. */
void command_help(const struct command *cmd, FILE *f);
/* After a usage error was printed: the usage line and a hint on stderr; returns EXIT_USAGE. */
int command_usage_error(const struct command *cmd);

/* The arguments of commands taking "PID [--json]". */
struct pid_args {
	pid_t pid;
	bool json;
};

/*
 * Parse "PID [--json] [--help]" for @cmd.  Returns -1 when the command
 * should run, otherwise the exit status to leave with (help printed:
 * EXIT_OK; usage error printed: EXIT_USAGE).
 */
int parse_pid_args(const struct command *cmd, int argc, char **argv, struct pid_args *a);

#endif /* VMASTAT_COMMANDS_H */
