/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: a tiny JSON writer into a struct sbuf.
 *
 *	struct sbuf out = {0};
 *	struct json j;
 *
 *	json_init(&j, &out, 1);
 *	json_begin_array(&j);
 *	json_begin_object(&j);
 *	json_key(&j, "start"); json_hex(&j, 0x1000);
 *	json_key(&j, "path");  json_string(&j, "/bin/sh");
 *	json_end_object(&j);
 *	json_end_array(&j);
 *	json_finish(&j);	-> [\n  {"start": "0x1000", "path": "/bin/sh"}\n]\n
 *
 * Strings are bytes, not necessarily UTF-8 (paths are not): well-formed
 * UTF-8 is copied as it is, '"' '\\' and control characters are escaped
 * (\n \t ... or \u00XX), DEL as \u007f, and every byte that is not part of
 * well-formed UTF-8 becomes \u00XX, XX its value.  As well-formed UTF-8 is
 * never escaped, an escape \u0080..\u00ff in the output always stands for
 * one such raw byte: a reader wanting the exact bytes back maps those code
 * points to single bytes.
 *
 * Misuse (a value where a key is due, unbalanced ends, nesting deeper than
 * JSON_MAX_DEPTH) is a bug in the caller and aborts.
 */
#ifndef VMASTAT_JSON_H
#define VMASTAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define JSON_MAX_DEPTH	32

struct json {
	struct sbuf *out;
	int depth;
	int pretty_depth;	/* containers opened above this depth: one element a line */
	bool after_key;
	bool nonempty[JSON_MAX_DEPTH + 1];
	bool is_object[JSON_MAX_DEPTH + 1];
};

/*
 * Containers at nesting level < @pretty_depth (the outermost is level 0)
 * put each element on its own line, indented by two spaces a level; deeper
 * ones are written on one line.  0: everything on one line.
 */
void json_init(struct json *j, struct sbuf *out, int pretty_depth);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_stringn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v);	/* NaN, infinities: null */
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* An address or a mask: the string "0x..." (JSON numbers lose bits past 2^53). */
void json_hex(struct json *j, uint64_t v);
/* Ends the document with a newline; aborts if containers are still open. */
void json_finish(struct json *j);

/* Append @s (@n bytes) as a quoted JSON string, escaped as above. */
void json_quote(struct sbuf *out, const char *s, size_t n);

#endif /* VMASTAT_JSON_H */
