// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of json.c, util.c and the pure helpers of the commands
 * (report.h, vmastatlib.h's names, cmdutil.c's value parsers): make check
 * runs them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

static int failures, checks;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
	checks++;
	if (!ok) {
		failures++;
		printf("%s:%d: FAILED: %s\n", file, line, what);
	}
}

static void check_str(const char *got, const char *want, const char *file, int line)
{
	checks++;
	if (strcmp(got, want)) {
		failures++;
		printf("%s:%d: FAILED\n  got:  %s\n  want: %s\n", file, line, got, want);
	}
}

#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__)

static const char *quote(const char *s, size_t n)
{
	static struct sbuf sb;

	sb_reset(&sb);
	json_quote(&sb, s, n);
	return sb.buf;
}

#define Q(lit) quote(lit, sizeof(lit) - 1)

static void test_quote(void)
{
	CHECK_STR(Q(""), "\"\"");
	CHECK_STR(Q("/usr/bin/sleep"), "\"/usr/bin/sleep\"");
	CHECK_STR(Q("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
	CHECK_STR(Q("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	CHECK_STR(Q("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	CHECK_STR(Q("nul\0byte"), "\"nul\\u0000byte\"");
	/* well-formed UTF-8: 2, 3 and 4 bytes, U+0080, U+FFFF, U+10FFFF */
	CHECK_STR(Q("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(Q("\xc2\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf"), "\"\xc2\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
	/* ill-formed: lone continuation, bad lead bytes, overlong, surrogate, > U+10FFFF, truncated */
	CHECK_STR(Q("\x80"), "\"\\u0080\"");
	CHECK_STR(Q("\xff\xfe"), "\"\\u00ff\\u00fe\"");
	CHECK_STR(Q("\xc0\xaf"), "\"\\u00c0\\u00af\"");
	CHECK_STR(Q("\xc1\xbf"), "\"\\u00c1\\u00bf\"");
	CHECK_STR(Q("\xe0\x80\xaf"), "\"\\u00e0\\u0080\\u00af\"");
	CHECK_STR(Q("\xf0\x80\x80\xaf"), "\"\\u00f0\\u0080\\u0080\\u00af\"");
	CHECK_STR(Q("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");
	CHECK_STR(Q("\xf4\x90\x80\x80"), "\"\\u00f4\\u0090\\u0080\\u0080\"");
	CHECK_STR(Q("\xc3"), "\"\\u00c3\"");
	CHECK_STR(Q("\xe2\x82"), "\"\\u00e2\\u0082\"");
	CHECK_STR(Q("\xc3("), "\"\\u00c3(\"");
	CHECK_STR(Q("x\xe2\x82\xac\xe2\x82y"), "\"x\xe2\x82\xac\\u00e2\\u0082y\"");
}

static void test_writer(void)
{
	struct sbuf sb = { 0 };
	struct json j;

	json_init(&j, &sb, 0);
	json_begin_object(&j);
	json_key(&j, "a");
	json_u64(&j, 18446744073709551615ULL);
	json_key(&j, "b");
	json_i64(&j, -5);
	json_key(&j, "c");
	json_begin_array(&j);
	json_bool(&j, true);
	json_bool(&j, false);
	json_null(&j);
	json_hex(&j, 0x7fff0000);
	json_hex(&j, 0);
	json_double(&j, 0.5);
	json_double(&j, 1.0 / 0.0);
	json_end_array(&j);
	json_key(&j, "d");
	json_begin_object(&j);
	json_end_object(&j);
	json_key(&j, "e\n");
	json_begin_array(&j);
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
	CHECK_STR(sb.buf, "{\"a\": 18446744073709551615, \"b\": -5, \"c\": [true, false, null, "
		  "\"0x7fff0000\", \"0x0\", 0.5, null], \"d\": {}, \"e\\n\": []}\n");

	sb_reset(&sb);
	json_init(&j, &sb, 1);
	json_begin_array(&j);
	json_begin_object(&j);
	json_key(&j, "x");
	json_string(&j, "1");
	json_key(&j, "y");
	json_begin_array(&j);
	json_u64(&j, 2);
	json_end_array(&j);
	json_end_object(&j);
	json_begin_object(&j);
	json_end_object(&j);
	json_end_array(&j);
	json_finish(&j);
	CHECK_STR(sb.buf, "[\n  {\"x\": \"1\", \"y\": [2]},\n  {}\n]\n");

	sb_reset(&sb);
	json_init(&j, &sb, 1);
	json_begin_array(&j);
	json_end_array(&j);
	json_finish(&j);
	CHECK_STR(sb.buf, "[]\n");

	sb_reset(&sb);
	json_init(&j, &sb, 8);
	json_begin_object(&j);
	json_key(&j, "k");
	json_begin_object(&j);
	json_key(&j, "l");
	json_u64(&j, 1);
	json_end_object(&j);
	json_key(&j, "m");
	json_u64(&j, 2);
	json_end_object(&j);
	json_finish(&j);
	CHECK_STR(sb.buf, "{\n  \"k\": {\n    \"l\": 1\n  },\n  \"m\": 2\n}\n");
	sb_free(&sb);
}

static void test_printable(void)
{
	struct sbuf sb = { 0 };

#define P(lit, want) do { sb_reset(&sb); sb_add_printable(&sb, lit, sizeof(lit) - 1); \
			  CHECK_STR(sb.buf ? sb.buf : "", want); } while (0)
	P("/usr/lib/libc.so.6", "/usr/lib/libc.so.6");
	P("a\nb", "a\\012b");
	P("back\\slash", "back\\134slash");
	P("\x1b[31m\x7f", "\\033[31m\\177");
	P("\xc3\xa9\xc2\x9b", "\xc3\xa9\\302\\233");
	P("\xff", "\\377");
#undef P
	sb_free(&sb);
}

static void test_pid(void)
{
	pid_t pid = 0;

	/* errors print on stderr: silence them */
	CHECK(parse_pid("t", "1", &pid) == 0 && pid == 1);
	CHECK(parse_pid("t", "4194304", &pid) == 0 && pid == 4194304);
	CHECK(parse_pid("t", "007", &pid) == 0 && pid == 7);
	CHECK(parse_pid("t", "0", &pid) < 0);
	CHECK(parse_pid("t", "4194305", &pid) < 0);
	CHECK(parse_pid("t", "99999999999999999999999", &pid) < 0);
	CHECK(parse_pid("t", "-3", &pid) < 0);
	CHECK(parse_pid("t", "+3", &pid) < 0);
	CHECK(parse_pid("t", " 3", &pid) < 0);
	CHECK(parse_pid("t", "3 ", &pid) < 0);
	CHECK(parse_pid("t", "abc", &pid) < 0);
	CHECK(parse_pid("t", "0x10", &pid) < 0);
	CHECK(parse_pid("t", "", &pid) < 0);
}

static void test_args(void)
{
	static const struct optdef opts[] = {
		{ "json", 'j', false },
		{ "count", 'n', true },
		{ "long-only", 300, false },
		{ NULL, 0, false },
	};
	char *argv[] = { "cmd", "-jn5", "12", "--count=7", "--long-only", "-9",
			 "--count", "8", "--", "--json", NULL };
	struct argparser p;
	const char *v;

	args_init(&p, 10, argv, "cmd", opts);
	CHECK(args_next(&p, &v) == 'j');
	CHECK(args_next(&p, &v) == 'n' && !strcmp(v, "5"));
	CHECK(args_next(&p, &v) == ARG_POSITIONAL && !strcmp(v, "12"));
	CHECK(args_next(&p, &v) == 'n' && !strcmp(v, "7"));
	CHECK(args_next(&p, &v) == 300);
	CHECK(args_next(&p, &v) == ARG_POSITIONAL && !strcmp(v, "-9"));
	CHECK(args_next(&p, &v) == 'n' && !strcmp(v, "8"));
	CHECK(args_next(&p, &v) == ARG_POSITIONAL && !strcmp(v, "--json"));
	CHECK(args_next(&p, &v) == ARG_END);

	{
		char *bad[] = { "cmd", "--nope", NULL };

		args_init(&p, 2, bad, "cmd", opts);
		CHECK(args_next(&p, &v) == ARG_ERROR);
	}
	{
		char *bad[] = { "cmd", "-n", NULL };

		args_init(&p, 2, bad, "cmd", opts);
		CHECK(args_next(&p, &v) == ARG_ERROR);
	}
	{
		char *bad[] = { "cmd", "--json=1", NULL };

		args_init(&p, 2, bad, "cmd", opts);
		CHECK(args_next(&p, &v) == ARG_ERROR);
	}
	{
		char *bad[] = { "cmd", "-x", NULL };

		args_init(&p, 2, bad, "cmd", opts);
		CHECK(args_next(&p, &v) == ARG_ERROR);
	}
}

static void test_stat(void)
{
	uint64_t mn = 0, mj = 0;

	/* pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt ... */
	CHECK(parse_stat_faults("42 (true) R 1 42 42 0 -1 4194304 81 0 1 0 0 0\n", &mn, &mj) == 0 &&
	      mn == 81 && mj == 1);
	/* a comm with spaces and parentheses: fields count from the last ')' */
	CHECK(parse_stat_faults("7 (a) b (c) S 1 7 7 0 -1 0 123 9 45 0 1 2", &mn, &mj) == 0 &&
	      mn == 123 && mj == 45);
	CHECK(parse_stat_faults("7 (x) S 1 7 7 0 -1 0 18446744073709551615 0 3", &mn, &mj) == 0 &&
	      mn == UINT64_MAX && mj == 3);
	CHECK(parse_stat_faults("7 (x) S 1 7 7 0 -1 0 5 0", &mn, &mj) < 0);	/* cut short */
	CHECK(parse_stat_faults("7 (x) S 1 7 7 0 -1 0 5x 0 3", &mn, &mj) < 0);
	CHECK(parse_stat_faults("7 x S 1 7 7 0 -1 0 5 0 3", &mn, &mj) < 0);
	CHECK(parse_stat_faults("", &mn, &mj) < 0);
}

static void test_hist(void)
{
	struct sbuf sb = { 0 };
	__u64 b[VMASTAT_HIST_BUCKETS] = { 0 };
	struct vmastat_hist_query h;
	struct json j;

	hist_format_buckets(&sb, b, VMASTAT_HIST_BUCKETS);
	CHECK_STR(sb.buf ? sb.buf : "", "");		/* empty: nothing */
	b[0] = 1;
	b[2] = 4;
	b[31] = 2;
	hist_format_buckets(&sb, b, VMASTAT_HIST_BUCKETS);
	CHECK(strstr(sb.buf, "           0 -> 1            : 1        |**********                              |\n") != NULL);
	CHECK(strstr(sb.buf, "           2 -> 3            : 0        |                                        |\n") != NULL);
	CHECK(strstr(sb.buf, "           4 -> 7            : 4        |****************************************|\n") != NULL);
	CHECK(strstr(sb.buf, "  2147483648 -> 4294967295   : 2        |********************                    |\n") != NULL);
	CHECK(strstr(sb.buf, "count    distribution") != NULL);
	/* from the first to the last non-empty bucket: 32 rows and the header */
	{
		size_t lines = 0;
		const char *p;

		for (p = sb.buf; *p; p++)
			lines += *p == '\n';
		CHECK(lines == 33);
	}

	memset(&h, 0, sizeof(h));
	h.nr_buckets = VMASTAT_HIST_BUCKETS;
	sb_reset(&sb);
	hist_format_text(&sb, &h);
	CHECK_STR(sb.buf, "no completed faults recorded since tracking began\n");
	h.hist[VMASTAT_FK_FILE][1][20] = 3;
	h.hist[VMASTAT_FK_ANON][0][9] = 5;
	sb_reset(&sb);
	hist_format_text(&sb, &h);
	CHECK(!strncmp(sb.buf, "anon minor faults (5), latency in ns\n", 37));
	CHECK(strstr(sb.buf, "\n\nfile major faults (3), latency in ns\n") != NULL);
	CHECK(strstr(sb.buf, "     1048576 -> 2097151      : 3 ") != NULL);

	sb_reset(&sb);
	h.nr_buckets = 2;
	json_init(&j, &sb, 0);
	hist_format_json(&j, &h);
	json_finish(&j);
	CHECK_STR(sb.buf, "{\"nr_buckets\": 2, \"anon\": {\"minor\": [0, 0], \"major\": [0, 0]}, "
		  "\"file\": {\"minor\": [0, 0], \"major\": [0, 0]}, \"shmem\": {\"minor\": [0, 0], "
		  "\"major\": [0, 0]}, \"other\": {\"minor\": [0, 0], \"major\": [0, 0]}}\n");
	sb_free(&sb);
}

static void test_names(void)
{
	char buf[64];

	CHECK_STR(vms_kind_name(VMASTAT_KIND_UNMAPPED), "unmapped");
	CHECK_STR(vms_kind_name(VMASTAT_KIND_MAX), "unknown");
	CHECK_STR(vms_fault_kind_name(VMASTAT_FK_SHMEM), "shmem");
	CHECK_STR(vms_fault_kind_name(VMASTAT_FK_MAX), "unknown");
	CHECK_STR(vms_fault_kinds(0, buf, sizeof(buf)), "");
	CHECK_STR(vms_fault_kinds(1U << VMASTAT_FK_ANON, buf, sizeof(buf)), "anon");
	CHECK_STR(vms_fault_kinds(0xf | 1U << 9, buf, sizeof(buf)), "anon,file,shmem,other,bit9");
	CHECK_STR(vms_fault_kinds(0xf, buf, 10), "anon,file");	/* cut at a name */
	CHECK_STR(maps_unmapped_name(1U << VMASTAT_FK_ANON, buf, sizeof(buf)), "[unmapped anon]");
	CHECK_STR(maps_unmapped_name(3, buf, sizeof(buf)), "[unmapped anon,file]");
	CHECK_STR(maps_unmapped_name(0, buf, sizeof(buf)), "[unmapped]");
	CHECK_STR(vms_access_name(VMASTAT_ACCESS_EXEC), "exec");
	CHECK_STR(vms_access_name(3), "unknown");
	CHECK_STR(vms_outcome_name(VMASTAT_OUTCOME_OOM), "oom");
	CHECK_STR(vms_outcome_name(6), "unknown");
	CHECK_STR(vms_event_flag_name(4, buf, sizeof(buf)), "thp");
	CHECK_STR(vms_event_flag_name(5, buf, sizeof(buf)), "bit5");
	CHECK_STR(vms_proc_flag_name(1, buf, sizeof(buf)), "tracked");
	CHECK_STR(vms_proc_flag_name(31, buf, sizeof(buf)), "bit31");
	CHECK(vms_flag_name(9, buf, sizeof(buf)) == NULL);	/* unmapped: a key of its own */
	CHECK(vms_flag_name(10, buf, sizeof(buf)) == NULL);	/* faults: a key of its own */
	CHECK(vms_nr_count_fields == 23);
	CHECK_STR(vms_count_fields[0].name, "minor");
	CHECK_STR(vms_count_fields[vms_nr_count_fields - 1].name, "thp");
	CHECK(vms_nr_vma_fault_fields == 13);
}

static void test_sort(void)
{
	struct vmastat_proc p[4];
	struct sbuf sb = { 0 };
	int k;

	memset(p, 0, sizeof(p));
	p[0].pid = 30; p[0].counts.minor = 10; p[0].counts.major = 5; p[0].counts.cow = 1;
	p[1].pid = 10; p[1].counts.minor = 20; p[1].counts.segv = 2;
	p[2].pid = 20; p[2].counts.minor = 15; p[2].counts.cow = 9; p[2].counts.sigbus = 1;
	p[3].pid = 5;  p[3].counts.minor = 15; p[3].counts.file_major = 4;

	CHECK(proc_sort_key("nope") < 0);
	CHECK(proc_sort_key("") < 0);
	k = proc_sort_key("faults");
	CHECK(k >= 0 && proc_key_value(&p[0], k) == 15);
	procs_sort(p, 4, k);		/* 20, then 15 x3 by pid: 5, 20, 30 */
	CHECK(p[0].pid == 10 && p[1].pid == 5 && p[2].pid == 20 && p[3].pid == 30);
	procs_sort(p, 4, proc_sort_key("cow"));
	CHECK(p[0].pid == 20 && p[1].pid == 30 && p[2].pid == 5 && p[3].pid == 10);
	procs_sort(p, 4, proc_sort_key("pid"));
	CHECK(p[0].pid == 5 && p[3].pid == 30);
	procs_sort(p, 4, proc_sort_key("errors"));
	CHECK(p[0].pid == 10 && p[1].pid == 20);
	k = proc_sort_key("file");
	CHECK(k >= 0 && proc_key_value(&p[0], k) == 0);
	procs_sort(p, 4, k);
	CHECK(p[0].pid == 5);
	CHECK(proc_key_value(&p[0], proc_sort_key("file_major")) == 4);
	procs_sort(p, 0, k);	/* nothing to do */
	proc_sort_keys_list(&sb);
	CHECK(strstr(sb.buf, "faults, anon,") == sb.buf && strstr(sb.buf, ", thp") != NULL);
	sb_free(&sb);
}

static void test_events(void)
{
	struct vmastat_event e;
	struct sbuf sb = { 0 };

	memset(&e, 0, sizeof(e));
	e.time_ns = 3001234567ULL;
	e.address = 0x7f00deadb000ULL;
	e.ip = 0x55555555a123ULL;
	e.latency_ns = 1234;
	e.tid = 77;
	e.cpu = 1;
	e.kind = VMASTAT_FK_FILE;
	e.access = VMASTAT_ACCESS_WRITE;
	e.outcome = VMASTAT_OUTCOME_MAJOR;
	e.flags = VMASTAT_EV_COW | VMASTAT_EV_THP;
	event_format_text(&sb, &e, 1000000000ULL);
	CHECK_STR(sb.buf, "       2.001234      77   1 0x7f00deadb000 0x55555555a123 file  write "
		  "major        1234 cow,thp");
	sb_reset(&sb);
	event_format_text(&sb, &e, 3001234568ULL);	/* before the first: negative */
	CHECK(!strncmp(sb.buf, "      -0.000000 ", 16));
	sb_reset(&sb);
	e.ip = 0;
	e.flags = 0;
	event_format_text(&sb, &e, 0);
	CHECK(strstr(sb.buf, "       3.001234 ") == sb.buf && strstr(sb.buf, " -  ") != NULL &&
	      sb.buf[sb.len - 1] == '-');
	sb_reset(&sb);
	e.flags = VMASTAT_EV_GUP | 1U << 9;
	e.kind = 9;
	event_format_json(&sb, &e);
	CHECK_STR(sb.buf, "{\"time_ns\": 3001234567, \"tid\": 77, \"cpu\": 1, \"address\": "
		  "\"0x7f00deadb000\", \"ip\": \"0x0\", \"latency_ns\": 1234, \"kind\": \"unknown\", "
		  "\"access\": \"write\", \"outcome\": \"major\", \"flags\": [\"gup\", \"bit9\"]}\n");
	sb_free(&sb);
}

static void test_counts_json(void)
{
	struct vmastat_proc p;
	struct sbuf sb = { 0 };
	struct json j;

	memset(&p, 0, sizeof(p));
	p.pid = 12;
	p.flags = VMASTAT_PROC_EXITED | VMASTAT_PROC_TRACKED;
	p.start_ns = 5;
	strcpy(p.comm, "a\"b");
	p.counts.minor = 3;
	p.counts.thp = 9;
	json_init(&j, &sb, 0);
	proc_format_json(&j, &p);
	json_finish(&j);
	CHECK(!strncmp(sb.buf, "{\"pid\": 12, \"comm\": \"a\\\"b\", \"flags\": [\"exited\", "
		       "\"tracked\"], \"start_ns\": 5, \"exit_ns\": 0, \"counts\": {\"minor\": 3, ", 106));
	CHECK(strstr(sb.buf, "\"remote\": 0, \"cow\": 0, \"swapin\": 0, \"thp\": 9}}\n") != NULL);
	/* a comm filling all 16 bytes (no NUL) stops at the array's end */
	memset(p.comm, 'x', sizeof(p.comm));
	sb_reset(&sb);
	json_init(&j, &sb, 0);
	proc_format_json(&j, &p);
	json_finish(&j);
	CHECK(strstr(sb.buf, "\"comm\": \"xxxxxxxxxxxxxxxx\",") != NULL);
	sb_free(&sb);
}

static void test_values(void)
{
	static const struct command c = { .name = "t" };
	uint64_t u = 0;
	double d = 0;

	CHECK(command_uint(&c, "-n", "5", 1, 10, &u) == 0 && u == 5);
	CHECK(command_uint(&c, "-n", "0", 1, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "11", 1, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "", 1, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "-1", 0, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "+1", 0, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "3x", 0, 10, &u) < 0);
	CHECK(command_uint(&c, "-n", "99999999999999999999999", 0, UINT64_MAX, &u) < 0);
	CHECK(command_seconds(&c, "-d", "0.5", 0.01, 100, &d) == 0 && d == 0.5);
	CHECK(command_seconds(&c, "-d", "2", 0.01, 100, &d) == 0 && d == 2);
	CHECK(command_seconds(&c, "-d", ".25", 0.01, 100, &d) == 0 && d == 0.25);
	CHECK(command_seconds(&c, "-d", "0", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "nan", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "inf", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "1e3", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "-1", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "1s", 0.01, 100, &d) < 0);
	CHECK(command_seconds(&c, "-d", "", 0.01, 100, &d) < 0);
}

/* The error paths of parse_pid() and args_next() print on stderr: hide that. */
static int quiet_begin(void)
{
	int saved, devnull;

	fflush(stderr);
	saved = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	if (saved < 0 || devnull < 0 || dup2(devnull, 2) < 0)
		abort();
	close(devnull);
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stderr);
	if (dup2(saved, 2) < 0)
		abort();
	close(saved);
}

int main(void)
{
	int saved;

	test_quote();
	test_writer();
	test_printable();
	test_stat();
	test_hist();
	test_names();
	test_sort();
	test_events();
	test_counts_json();
	saved = quiet_begin();
	test_pid();
	test_args();
	test_values();
	quiet_end(saved);
	fprintf(stdout, "unit_test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
