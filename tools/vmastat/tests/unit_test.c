// SPDX-License-Identifier: GPL-2.0
/* Unit tests of json.c and util.c: make check runs them. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

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
	saved = quiet_begin();
	test_pid();
	test_args();
	quiet_end(saved);
	fprintf(stdout, "unit_test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
