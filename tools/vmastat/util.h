/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: small helpers shared by every command: a growable string buffer,
 * error messages, command-line parsing and PID arguments.
 */
#ifndef VMASTAT_UTIL_H
#define VMASTAT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define VMASTAT_TOOL_VERSION	"0.1.0"

/* Exit statuses (see vmastat(1), EXIT STATUS). */
#define EXIT_OK		0
#define EXIT_RUNTIME	1	/* the module, the process or the system said no */
#define EXIT_USAGE	2	/* bad command line */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PRINTF(f, a)	__attribute__((format(printf, f, a)))

extern const char *progname;	/* "vmastat" */

/* Print "vmastat: MESSAGE" on stderr. */
void errmsg(const char *fmt, ...) PRINTF(1, 2);
/* Out of memory is not worth handling one call at a time. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow *p (holding *cap elements of @size) to hold at least @need. */
void xgrow(void **p, size_t *cap, size_t need, size_t size);

/* A growable, always NUL-terminated byte buffer.  Zero-initialise to use. */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_reserve(struct sbuf *sb, size_t extra);
void sb_add(struct sbuf *sb, const void *data, size_t n);
void sb_addc(struct sbuf *sb, char c);
void sb_adds(struct sbuf *sb, const char *s);
void sb_addpad(struct sbuf *sb, char c, size_t n);
void sb_printf(struct sbuf *sb, const char *fmt, ...) PRINTF(2, 3);
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap) PRINTF(2, 0);
void sb_reset(struct sbuf *sb);
void sb_free(struct sbuf *sb);
/* Write the whole buffer to @f and flush; on failure print why, return -1. */
int sb_flush_to(struct sbuf *sb, FILE *f);

/*
 * Length of the well-formed UTF-8 sequence at @s (at most @n bytes), or 0
 * if @s does not start one (stray continuation byte, overlong form,
 * surrogate, beyond U+10FFFF, truncated).  *@cp gets the code point.
 */
size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Append @s (@n bytes) for a terminal: printable ASCII and well-formed
 * UTF-8 (except C1 controls) as they are; other bytes, and the backslash,
 * as \ooo octal escapes, the way /proc/PID/maps escapes a newline.
 */
void sb_add_printable(struct sbuf *sb, const char *s, size_t n);

/*
 * Command-line options of one command.  @key is the short option letter or
 * a value >= 256 for long-only options; @name the long name without "--".
 */
struct optdef {
	const char *name;
	int key;
	bool has_arg;
};

struct argparser {
	int argc;
	char **argv;		/* argv[0] is the command's name */
	const char *cmd;	/* for messages: "vmastat maps" */
	const struct optdef *opts;	/* ends with a zeroed entry */
	int idx;		/* next argv element */
	const char *shortp;	/* inside a cluster of short options */
	bool only_args;		/* after "--" */
};

#define ARG_END		(-1)	/* no more arguments */
#define ARG_POSITIONAL	0	/* a non-option argument: in *@value */
#define ARG_ERROR	(-2)	/* bad option: message printed on stderr */

void args_init(struct argparser *p, int argc, char **argv, const char *cmd,
	       const struct optdef *opts);
/*
 * Next option (returns its key, *@value its argument or NULL), positional
 * argument, ARG_END or ARG_ERROR.  Options and arguments may be mixed;
 * "--" ends options; "-5" is taken as a (bad) positional argument, so that
 * "vmastat maps -5" complains about the PID.
 */
int args_next(struct argparser *p, const char **value);

/*
 * Parse a PID argument: decimal, 1..PID_MAX_LIMIT.  On error, print why
 * (naming @cmd) and return -1.
 */
#define VMASTAT_PID_MAX	4194304		/* PID_MAX_LIMIT on 64-bit kernels */
int parse_pid(const char *cmd, const char *s, pid_t *pid);

#endif /* VMASTAT_UTIL_H */
