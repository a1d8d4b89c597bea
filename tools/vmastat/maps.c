// SPDX-License-Identifier: GPL-2.0
/* vmastat maps PID [--json]: every mapping of a process and what is resident in it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "util.h"
#include "vmastatlib.h"

/* The numeric columns, in kB, in table order. */
enum { C_SIZE, C_RSS, C_ANON, C_FILE, C_SHMEM, C_SWAP, C_THP, NR_COLS };

static const char *const col_title[NR_COLS] = {
	"Size", "Rss", "Anon", "File", "Shmem", "Swap", "THP",
};
static const char *const col_json[NR_COLS] = {
	"size_kb", "rss_kb", "anon_kb", "file_kb", "shmem_kb", "swap_kb", "thp_kb",
};

static void vma_kb(const struct vmastat_vma *v, uint64_t kb[NR_COLS])
{
	kb[C_SIZE] = (v->end - v->start) >> 10;
	kb[C_RSS] = (v->rss_anon + v->rss_file + v->rss_shmem) >> 10;
	kb[C_ANON] = v->rss_anon >> 10;
	kb[C_FILE] = v->rss_file >> 10;
	kb[C_SHMEM] = v->rss_shmem >> 10;
	kb[C_SWAP] = v->swap >> 10;
	kb[C_THP] = v->anon_thp >> 10;
}

static int digits(uint64_t v, unsigned int base)
{
	int n = 1;

	while (v >= base) {
		v /= base;
		n++;
	}
	return n;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void format_table(struct sbuf *out, const struct vms_maps *m,
			 const struct vmastat_status *st)
{
	uint64_t total[NR_COLS] = { 0 }, kb[NR_COLS];
	int aw = 7, kw = 4, w[NR_COLS], c;
	char perms[5];
	size_t i;

	for (i = 0; i < m->count; i++) {
		const struct vmastat_vma *v = &m->vma[i].v;

		vma_kb(v, kb);
		for (c = 0; c < NR_COLS; c++)
			total[c] += kb[c];
		aw = max_int(aw, digits(v->start, 16));
		kw = max_int(kw, (int)strlen(vms_kind_name(v->kind)));
	}
	for (c = 0; c < NR_COLS; c++)
		w[c] = max_int((int)strlen(col_title[c]), digits(total[c], 10));

	sb_printf(out, "%d:   ", (int)st->pid);
	sb_add_printable(out, st->comm, strlen(st->comm));
	sb_printf(out, "\n%*s", aw, "Address");
	sb_printf(out, " %*s %-4s %-*s", w[C_SIZE], col_title[C_SIZE], "Perm", kw, "Kind");
	for (c = C_RSS; c < NR_COLS; c++)
		sb_printf(out, " %*s", w[c], col_title[c]);
	sb_adds(out, " Name\n");

	for (i = 0; i < m->count; i++) {
		const struct vms_vma *e = &m->vma[i];

		vma_kb(&e->v, kb);
		vms_perms(e->v.flags, perms);
		sb_printf(out, "%*" PRIx64 " %*" PRIu64 " %-4s %-*s", aw, (uint64_t)e->v.start,
			  w[C_SIZE], kb[C_SIZE], perms, kw, vms_kind_name(e->v.kind));
		for (c = C_RSS; c < NR_COLS; c++)
			sb_printf(out, " %*" PRIu64, w[c], kb[c]);
		if (e->name_len) {
			sb_addc(out, ' ');
			sb_add_printable(out, e->name, e->name_len);
		}
		sb_addc(out, '\n');
	}

	sb_addpad(out, ' ', (size_t)aw + 1);
	sb_addpad(out, '=', (size_t)w[C_SIZE]);
	sb_addpad(out, ' ', (size_t)kw + 6);
	for (c = C_RSS; c < NR_COLS; c++) {
		sb_addc(out, ' ');
		sb_addpad(out, '=', (size_t)w[c]);
	}
	sb_printf(out, "\n%*s %*" PRIu64 " %-*s", aw, "total", w[C_SIZE], total[C_SIZE],
		  kw + 5, "");
	for (c = C_RSS; c < NR_COLS; c++)
		sb_printf(out, " %*" PRIu64, w[c], total[c]);
	sb_printf(out, " kB, %zu mapping%s\n", m->count, m->count == 1 ? "" : "s");
}

static void format_json(struct sbuf *out, const struct vms_maps *m)
{
	struct json j;
	uint64_t kb[NR_COLS];
	char perms[5], dev[32], bitname[16];
	unsigned int bit;
	size_t i;
	int c;

	json_init(&j, out, 1);
	json_begin_array(&j);
	for (i = 0; i < m->count; i++) {
		const struct vms_vma *e = &m->vma[i];
		const struct vmastat_vma *v = &e->v;

		vma_kb(v, kb);
		vms_perms(v->flags, perms);
		snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
		json_begin_object(&j);
		json_key(&j, "start");		json_hex(&j, v->start);
		json_key(&j, "end");		json_hex(&j, v->end);
		json_key(&j, "perms");		json_string(&j, perms);
		json_key(&j, "offset");		json_u64(&j, v->offset);
		json_key(&j, "dev");		json_string(&j, dev);
		json_key(&j, "inode");		json_u64(&j, v->inode);
		json_key(&j, "kind");		json_string(&j, vms_kind_name(v->kind));
		json_key(&j, "path");		json_stringn(&j, e->name, e->name_len);
		for (c = 0; c < NR_COLS; c++) {
			json_key(&j, col_json[c]);
			json_u64(&j, kb[c]);
		}
		json_key(&j, "flags");
		json_begin_array(&j);
		for (bit = 0; bit < 32; bit++) {
			const char *name;

			if (!(v->flags & (1U << bit)))
				continue;
			name = vms_flag_name(bit, bitname, sizeof(bitname));
			if (name)
				json_string(&j, name);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_finish(&j);
}

static int maps_run(const struct command *cmd, int argc, char **argv)
{
	struct vmastat_status st;
	struct sbuf out = { 0 };
	struct vms_maps m;
	struct pid_args a;
	struct vms v;
	int r;

	r = parse_pid_args(cmd, argc, argv, &a);
	if (r >= 0)
		return r;
	vms_init(&v);
	/* the table's title wants the command name; JSON is the mappings alone */
	if ((!a.json && vms_status(&v, a.pid, &st) < 0) || vms_maps(&v, a.pid, &m) < 0) {
		errmsg("%s", v.err);
		vms_close(&v);
		return EXIT_RUNTIME;
	}
	vms_close(&v);
	if (a.json)
		format_json(&out, &m);
	else
		format_table(&out, &m, &st);
	r = sb_flush_to(&out, stdout) < 0 ? EXIT_RUNTIME : EXIT_OK;
	sb_free(&out);
	vms_maps_free(&m);
	return r;
}

const struct command cmd_maps = {
	.name = "maps",
	.run = maps_run,
	.args = "PID [--json]",
	.summary = "every mapping (VMA) of PID and what is resident in it",
	.help =
	"List every mapping (VMA) of process PID in address order with what is\n"
	"resident in it, like pmap -X, and a line of totals.\n"
	"\n"
	"Options:\n"
	"  -j, --json    print a JSON array with one object per mapping\n"
	"  -h, --help    show this help and exit\n"
	"\n"
	"Columns (sizes in kB):\n"
	"  Address  start of the mapping (hex)\n"
	"  Size     length of the mapping\n"
	"  Perm     r, w, x, then s (shared) or p (private), as in /proc/PID/maps\n"
	"  Kind     anon, heap, stack, vdso, vvar, vsyscall, anon_named, file,\n"
	"           shmem, special or hugetlb\n"
	"  Rss      resident: Anon + File + Shmem\n"
	"  Anon     resident anonymous pages, copies of written private file pages too\n"
	"  File     resident page-cache pages of regular files\n"
	"  Shmem    resident shmem/tmpfs pages\n"
	"  Swap     swapped out\n"
	"  THP      the part of Anon mapped by transparent huge pages\n"
	"  Name     the file, [heap], [stack], [anon:NAME]... as in /proc/PID/maps;\n"
	"           control characters, backslashes and invalid UTF-8 as \\ooo\n"
	"\n"
	"JSON keys: start, end (hex strings), perms, offset, dev, inode, kind, path,\n"
	"size_kb, rss_kb, anon_kb, file_kb, shmem_kb, swap_kb, thp_kb and flags (an\n"
	"array of growsdown, locked, hugepage, nohugepage, deleted).\n",
};
