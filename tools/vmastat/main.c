// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat - show how a process uses its virtual memory, as the vmastat
 * kernel module sees it.  This file: global options and the command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "util.h"
#include "vmastatlib.h"

static int help_run(const struct command *cmd, int argc, char **argv);

static const struct command cmd_help = {
	.name = "help",
	.run = help_run,
	.args = "[COMMAND]",
	.summary = "show this help, or COMMAND's",
	.help =
	"Show vmastat's help, or COMMAND's (the same as 'vmastat COMMAND --help').\n",
};

static const struct command *const commands[] = {
	&cmd_maps,
	&cmd_status,
	&cmd_faults,
	&cmd_summary,
	&cmd_top,
	&cmd_track,
	&cmd_untrack,
	&cmd_reset,
	&cmd_trace,
	&cmd_hist,
	&cmd_run,
	&cmd_help,
};

static const char usage_line[] = "Usage: vmastat [--help] [--version] COMMAND [ARGS]\n";

static void print_commands(FILE *f)
{
	size_t i;

	fputs("\nCommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		char syn[80];

		snprintf(syn, sizeof(syn), "%s %s", commands[i]->name, commands[i]->args);
		if (strlen(syn) > 24)
			fprintf(f, "  %s\n  %-24s %s\n", syn, "", commands[i]->summary);
		else
			fprintf(f, "  %-24s %s\n", syn, commands[i]->summary);
	}
}

static void main_help(FILE *f)
{
	fputs(usage_line, f);
	fputs("\nShow how a process uses its virtual memory: every mapping (VMA), what is\n"
	      "resident in it and the page faults it takes, as the vmastat kernel module\n"
	      "reports them.\n", f);
	print_commands(f);
	fputs("\nOptions:\n"
	      "  -h, --help       show this help and exit\n"
	      "  -V, --version    show the version of vmastat and of the loaded module, and exit\n"
	      "\nRun 'vmastat COMMAND --help' for a command's options and output.\n"
	      "vmastat needs root (CAP_SYS_PTRACE), debugfs and the vmastat module loaded.\n"
	      "See vmastat(1).\n", f);
}

static int main_usage_error(void)
{
	fputs(usage_line, stderr);
	print_commands(stderr);
	fputs("\nTry 'vmastat --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int help_run(const struct command *cmd, int argc, char **argv)
{
	const struct command *c;

	if (argc > 2) {
		errmsg("help: too many arguments");
		return command_usage_error(cmd);
	}
	if (argc < 2) {
		main_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		command_help(cmd, stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		errmsg("help: unknown command '%s'", argv[1]);
		return main_usage_error();
	}
	command_help(c, stdout);
	return EXIT_OK;
}

static int print_version(void)
{
	struct vms v;
	char line[128];

	printf("vmastat %s\n", VMASTAT_TOOL_VERSION);
	vms_init(&v);
	if (vms_module_version(&v, line, sizeof(line)) == 0 && line[0])
		printf("module: %s\n", line);
	vms_close(&v);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		errmsg("cannot write output");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			main_help(stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version"))
			return print_version();
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		errmsg("unknown option '%s'", a);
		return main_usage_error();
	}
	if (i >= argc) {
		errmsg("no command given");
		return main_usage_error();
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		errmsg("unknown command '%s'", argv[i]);
		return main_usage_error();
	}
	return cmd->run(cmd, argc - i, argv + i);
}
