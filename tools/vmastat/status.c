// SPDX-License-Identifier: GPL-2.0
/* vmastat status PID [--json]: a process's address space in numbers. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "util.h"
#include "vmastatlib.h"

/* The layout addresses, in the order of struct mm_struct and of the output. */
static const struct {
	const char *name;
	size_t off;
} layout[] = {
#define F(x) { #x, offsetof(struct vmastat_status, x) }
	F(start_code), F(end_code), F(start_data), F(end_data),
	F(start_brk), F(brk), F(start_stack), F(mmap_base), F(task_size),
#undef F
};

static uint64_t field(const struct vmastat_status *st, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

static uint64_t kb(uint64_t bytes)
{
	return bytes >> 10;
}

static void format_text(struct sbuf *out, const struct vmastat_status *st)
{
	uint64_t rss = st->rss_anon + st->rss_file + st->rss_shmem;
	size_t i;

	sb_printf(out, "PID:      %d\n", (int)st->pid);
	sb_adds(out, "Command:  ");
	sb_add_printable(out, st->comm, strlen(st->comm));
	sb_printf(out, "\nMappings: %" PRIu32 "\n", st->nr_vmas);
	sb_printf(out, "VSZ:      %10" PRIu64 " kB\n", kb(st->vsz));
	sb_printf(out, "RSS:      %10" PRIu64 " kB\n", kb(rss));
	sb_printf(out, "  anon:   %10" PRIu64 " kB\n", kb(st->rss_anon));
	sb_printf(out, "  file:   %10" PRIu64 " kB\n", kb(st->rss_file));
	sb_printf(out, "  shmem:  %10" PRIu64 " kB\n", kb(st->rss_shmem));
	sb_printf(out, "Swap:     %10" PRIu64 " kB\n", kb(st->swap));
	sb_adds(out, "Layout:\n");
	for (i = 0; i < ARRAY_SIZE(layout); i++) {
		uint64_t v = field(st, layout[i].off);
		char hex[24];

		snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
		sb_printf(out, "  %-12s %18s", layout[i].name, hex);
		if (!strcmp(layout[i].name, "end_code") && v >= st->start_code)
			sb_printf(out, "  (text %" PRIu64 " kB)", kb(v - st->start_code));
		else if (!strcmp(layout[i].name, "end_data") && v >= st->start_data)
			sb_printf(out, "  (data %" PRIu64 " kB)", kb(v - st->start_data));
		else if (!strcmp(layout[i].name, "brk") && v >= st->start_brk)
			sb_printf(out, "  (heap %" PRIu64 " kB)", kb(v - st->start_brk));
		sb_addc(out, '\n');
	}
}

static void format_json(struct sbuf *out, const struct vmastat_status *st)
{
	struct json j;
	size_t i;

	json_init(&j, out, 1);
	json_begin_object(&j);
	json_key(&j, "pid");		json_i64(&j, st->pid);
	json_key(&j, "comm");		json_string(&j, st->comm);
	json_key(&j, "vmas");		json_u64(&j, st->nr_vmas);
	json_key(&j, "vsz_kb");		json_u64(&j, kb(st->vsz));
	json_key(&j, "rss_kb");		json_u64(&j, kb(st->rss_anon + st->rss_file + st->rss_shmem));
	json_key(&j, "rss_anon_kb");	json_u64(&j, kb(st->rss_anon));
	json_key(&j, "rss_file_kb");	json_u64(&j, kb(st->rss_file));
	json_key(&j, "rss_shmem_kb");	json_u64(&j, kb(st->rss_shmem));
	json_key(&j, "swap_kb");	json_u64(&j, kb(st->swap));
	for (i = 0; i < ARRAY_SIZE(layout); i++) {
		json_key(&j, layout[i].name);
		json_hex(&j, field(st, layout[i].off));
	}
	json_end_object(&j);
	json_finish(&j);
}

static int status_run(const struct command *cmd, int argc, char **argv)
{
	struct vmastat_status st;
	struct sbuf out = { 0 };
	struct pid_args a;
	struct vms v;
	int r;

	r = parse_pid_args(cmd, argc, argv, &a);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (vms_status(&v, a.pid, &st) < 0)
		return command_fail(&v);
	vms_close(&v);
	if (a.json)
		format_json(&out, &st);
	else
		format_text(&out, &st);
	return command_output(&out);
}

const struct command cmd_status = {
	.name = "status",
	.run = status_run,
	.args = "PID [--json]",
	.summary = "the sizes and layout of PID's address space",
	.help =
	"Show process PID's address space in numbers: its number of mappings, virtual\n"
	"size, resident memory by type and swap (as in /proc/PID/status), and where\n"
	"its code, data, heap, stack and mmap area lie.\n"
	"\n"
	"Options:\n"
	"  -j, --json    print a JSON object\n"
	"  -h, --help    show this help and exit\n"
	"\n"
	"Fields (sizes in kB):\n"
	"  PID, Command  the process and its command name (comm)\n"
	"  Mappings      number of VMAs\n"
	"  VSZ           virtual size (VmSize)\n"
	"  RSS           resident memory: anon + file + shmem (RssAnon, RssFile, RssShmem)\n"
	"  Swap          swapped out (VmSwap)\n"
	"  Layout        start_code, end_code, start_data, end_data, start_brk, brk,\n"
	"                start_stack, mmap_base, task_size (addresses)\n"
	"\n"
	"JSON keys: pid, comm, vmas, vsz_kb, rss_kb, rss_anon_kb, rss_file_kb,\n"
	"rss_shmem_kb, swap_kb, then the layout names above (hex strings).\n",
};
