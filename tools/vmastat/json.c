// SPDX-License-Identifier: GPL-2.0
/* vmastat: a tiny JSON writer.  See json.h. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void json_bug(const char *what)
{
	fprintf(stderr, "%s: internal error: JSON writer misused: %s\n",
		progname, what);
	abort();
}

void json_init(struct json *j, struct sbuf *out, int pretty_depth)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty_depth = pretty_depth;
}

static void newline_indent(struct json *j, int level)
{
	sb_addc(j->out, '\n');
	sb_addpad(j->out, ' ', (size_t)level * 2);
}

/* Separator and checks before any value (or key). */
static void before_value(struct json *j, bool is_key)
{
	int d = j->depth;

	if (j->after_key) {
		if (is_key)
			json_bug("key after key");
		j->after_key = false;
		return;
	}
	if (d == 0) {
		if (j->nonempty[0])
			json_bug("second top-level value");
	} else if (j->is_object[d] && !is_key) {
		json_bug("object member without a key");
	} else if (!j->is_object[d] && is_key) {
		json_bug("key inside an array");
	}
	if (d > 0) {
		if (j->nonempty[d])
			sb_addc(j->out, ',');
		if (d - 1 < j->pretty_depth)
			newline_indent(j, d);
		else if (j->nonempty[d])
			sb_addc(j->out, ' ');
	}
	j->nonempty[d] = true;
}

static void begin(struct json *j, bool object)
{
	before_value(j, false);
	if (j->depth >= JSON_MAX_DEPTH)
		json_bug("nested too deep");
	j->depth++;
	j->nonempty[j->depth] = false;
	j->is_object[j->depth] = object;
	sb_addc(j->out, object ? '{' : '[');
}

static void end(struct json *j, bool object)
{
	int d = j->depth;

	if (d == 0 || j->is_object[d] != object || j->after_key)
		json_bug("unbalanced end");
	if (j->nonempty[d] && d - 1 < j->pretty_depth)
		newline_indent(j, d - 1);
	sb_addc(j->out, object ? '}' : ']');
	j->depth--;
}

void json_begin_object(struct json *j) { begin(j, true); }
void json_end_object(struct json *j) { end(j, true); }
void json_begin_array(struct json *j) { begin(j, false); }
void json_end_array(struct json *j) { end(j, false); }

void json_quote(struct sbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run;

	sb_addc(out, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t len;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			/* copy a run of plain ASCII at once */
			for (run = i + 1; run < n; run++)
				if (p[run] < 0x20 || p[run] >= 0x7f ||
				    p[run] == '"' || p[run] == '\\')
					break;
			sb_add(out, p + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"':  sb_adds(out, "\\\""); break;
		case '\\': sb_adds(out, "\\\\"); break;
		case '\b': sb_adds(out, "\\b"); break;
		case '\f': sb_adds(out, "\\f"); break;
		case '\n': sb_adds(out, "\\n"); break;
		case '\r': sb_adds(out, "\\r"); break;
		case '\t': sb_adds(out, "\\t"); break;
		default:
			len = c >= 0x80 ? utf8_seq(p + i, n - i, NULL) : 0;
			if (len) {
				sb_add(out, p + i, len);
				i += len;
				continue;
			}
			sb_printf(out, "\\u%04x", c);
		}
		i++;
	}
	sb_addc(out, '"');
}

void json_key(struct json *j, const char *key)
{
	before_value(j, true);
	json_quote(j->out, key, strlen(key));
	sb_adds(j->out, ": ");
	j->after_key = true;
}

void json_stringn(struct json *j, const char *s, size_t n)
{
	before_value(j, false);
	json_quote(j->out, s, n);
}

void json_string(struct json *j, const char *s)
{
	json_stringn(j, s, strlen(s));
}

void json_u64(struct json *j, uint64_t v)
{
	before_value(j, false);
	sb_printf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
	before_value(j, false);
	sb_printf(j->out, "%" PRId64, v);
}

void json_double(struct json *j, double v)
{
	before_value(j, false);
	if (isfinite(v))
		sb_printf(j->out, "%.17g", v);
	else
		sb_adds(j->out, "null");
}

void json_bool(struct json *j, bool v)
{
	before_value(j, false);
	sb_adds(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_value(j, false);
	sb_adds(j->out, "null");
}

void json_hex(struct json *j, uint64_t v)
{
	before_value(j, false);
	sb_printf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_finish(struct json *j)
{
	if (j->depth != 0 || j->after_key || !j->nonempty[0])
		json_bug("unfinished document");
	sb_addc(j->out, '\n');
}
