// SPDX-License-Identifier: GPL-2.0
/* vmastat: small helpers shared by every command. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *progname = "vmastat";

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void oom(void)
{
	errmsg("out of memory");
	exit(EXIT_RUNTIME);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void xgrow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			oom();
		c *= 2;
	}
	if (size && c > SIZE_MAX / size)
		oom();
	*p = xrealloc(*p, c * size);
	*cap = c;
}

void sb_reserve(struct sbuf *sb, size_t extra)
{
	void *p = sb->buf;

	if (extra > SIZE_MAX - sb->len - 1)
		oom();
	xgrow(&p, &sb->cap, sb->len + extra + 1, 1);
	sb->buf = p;
}

void sb_add(struct sbuf *sb, const void *data, size_t n)
{
	sb_reserve(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_addc(struct sbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

void sb_adds(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addpad(struct sbuf *sb, char c, size_t n)
{
	sb_reserve(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_free(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

int sb_flush_to(struct sbuf *sb, FILE *f)
{
	if ((sb->len && fwrite(sb->buf, 1, sb->len, f) != sb->len) ||
	    fflush(f) == EOF || ferror(f)) {
		errmsg("cannot write output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len, i;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80) {
		len = 1;
		min = 0;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;	/* continuation byte, C0/C1 lead, F5..FF */
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp)
		*cp = c;
	return len;
}

void sb_add_printable(struct sbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_seq(p + i, n - i, &cp);

		if (len && cp >= 0x20 && cp != 0x7f && cp != '\\' &&
		    !(cp >= 0x80 && cp < 0xa0)) {
			sb_add(sb, p + i, len);
			i += len;
		} else {
			sb_printf(sb, "\\%03o", p[i]);
			i++;
		}
	}
}

void args_init(struct argparser *p, int argc, char **argv, const char *cmd,
	       const struct optdef *opts)
{
	memset(p, 0, sizeof(*p));
	p->argc = argc;
	p->argv = argv;
	p->cmd = cmd;
	p->opts = opts;
	p->idx = 1;
}

static bool is_negative_number(const char *s)
{
	if (s[0] != '-' || !s[1])
		return false;
	for (s++; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int args_next(struct argparser *p, const char **value)
{
	const struct optdef *o;
	const char *a;

	*value = NULL;
	if (p->shortp && *p->shortp) {
		char c = *p->shortp++;

		for (o = p->opts; o->name; o++)
			if (o->key == (unsigned char)c)
				break;
		if (!o->name) {
			errmsg("%s: unknown option '-%c'", p->cmd, c);
			return ARG_ERROR;
		}
		if (o->has_arg) {
			if (*p->shortp) {
				*value = p->shortp;
			} else if (p->idx < p->argc) {
				*value = p->argv[p->idx++];
			} else {
				errmsg("%s: option '-%c' needs a value", p->cmd, c);
				return ARG_ERROR;
			}
			p->shortp = NULL;
		}
		return o->key;
	}
	p->shortp = NULL;
	if (p->idx >= p->argc)
		return ARG_END;
	a = p->argv[p->idx++];
	if (p->only_args || a[0] != '-' || !a[1] || is_negative_number(a)) {
		*value = a;
		return ARG_POSITIONAL;
	}
	if (!strcmp(a, "--")) {
		p->only_args = true;
		return args_next(p, value);
	}
	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		for (o = p->opts; o->name; o++)
			if (strlen(o->name) == len && !strncmp(o->name, name, len))
				break;
		if (!o->name) {
			errmsg("%s: unknown option '%.*s'", p->cmd, (int)(len + 2), a);
			return ARG_ERROR;
		}
		if (o->has_arg) {
			if (eq) {
				*value = eq + 1;
			} else if (p->idx < p->argc) {
				*value = p->argv[p->idx++];
			} else {
				errmsg("%s: option '--%s' needs a value", p->cmd, o->name);
				return ARG_ERROR;
			}
		} else if (eq) {
			errmsg("%s: option '--%s' takes no value", p->cmd, o->name);
			return ARG_ERROR;
		}
		return o->key;
	}
	p->shortp = a + 1;
	return args_next(p, value);
}

int parse_pid(const char *cmd, const char *s, pid_t *pid)
{
	unsigned long v = 0;
	const char *c;

	if (!*s) {
		errmsg("%s: empty PID: expected a process ID (1 to %d)", cmd,
		       VMASTAT_PID_MAX);
		return -1;
	}
	for (c = s; *c; c++) {
		if (*c < '0' || *c > '9') {
			errmsg("%s: invalid PID '%s': expected a process ID (1 to %d)",
			       cmd, s, VMASTAT_PID_MAX);
			return -1;
		}
		if (v <= VMASTAT_PID_MAX)
			v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < 1 || v > VMASTAT_PID_MAX) {
		errmsg("%s: PID '%s' out of range: expected a process ID (1 to %d)",
		       cmd, s, VMASTAT_PID_MAX);
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}
