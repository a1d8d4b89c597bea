// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat maps PID [--json]: every mapping of a process and what is
 * resident in it; with the faults that hit each one, and the unmapped
 * ranges that took faults, when the process is tracked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "report.h"
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

/* The fault columns of a tracked process, in table order. */
enum { F_MINOR, F_MAJOR, F_COW, F_SWAPIN, F_THP, F_ERR, NR_FCOLS };

static const char *const fcol_title[NR_FCOLS] = {
	"Minor", "Major", "COW", "SwapIn", "THPflt", "Err",
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

static void vma_faults(const struct vmastat_vma *v, uint64_t f[NR_FCOLS])
{
	const struct vmastat_vma_faults *x = &v->faults;

	f[F_MINOR] = x->minor;
	f[F_MAJOR] = x->major;
	f[F_COW] = x->cow;
	f[F_SWAPIN] = x->swapin;
	f[F_THP] = x->thp;
	f[F_ERR] = x->segv + x->sigbus + x->oom;
}

static bool is_unmapped(const struct vmastat_vma *v)
{
	return v->flags & VMASTAT_VMA_UNMAPPED;
}

const char *maps_unmapped_name(uint32_t kinds, char *buf, size_t size)
{
	char k[64];

	vms_fault_kinds(kinds, k, sizeof(k));
	snprintf(buf, size, "[unmapped%s%s]", *k ? " " : "", k);
	return buf;
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

void maps_format_table(struct sbuf *out, const struct vms_maps *m, pid_t pid, const char *comm)
{
	uint64_t total[NR_COLS] = { 0 }, kb[NR_COLS], ftotal[NR_FCOLS] = { 0 }, f[NR_FCOLS];
	int aw = 7, kw = 4, w[NR_COLS], fw[NR_FCOLS], c;
	size_t i, nmaps = 0, nunmapped = 0;
	char perms[5], name[80];

	for (i = 0; i < m->count; i++) {
		const struct vmastat_vma *v = &m->vma[i].v;

		vma_faults(v, f);
		for (c = 0; c < NR_FCOLS; c++)
			ftotal[c] += f[c];
		aw = max_int(aw, digits(v->start, 16));
		kw = max_int(kw, (int)strlen(vms_kind_name(v->kind)));
		if (is_unmapped(v)) {
			nunmapped++;
			continue;
		}
		nmaps++;
		vma_kb(v, kb);
		for (c = 0; c < NR_COLS; c++)
			total[c] += kb[c];
	}
	for (c = 0; c < NR_COLS; c++)
		w[c] = max_int((int)strlen(col_title[c]), digits(total[c], 10));
	for (c = 0; c < NR_FCOLS; c++)
		fw[c] = max_int((int)strlen(fcol_title[c]), digits(ftotal[c], 10));
	/* an unmapped range's size counts in no total but must fit */
	for (i = 0; i < m->count; i++)
		if (is_unmapped(&m->vma[i].v))
			w[C_SIZE] = max_int(w[C_SIZE],
				digits((m->vma[i].v.end - m->vma[i].v.start) >> 10, 10));

	sb_printf(out, "%d:   ", (int)pid);
	sb_add_printable(out, comm, strlen(comm));
	if (m->faults)
		sb_adds(out, "   (tracked: faults since tracking began)");
	sb_printf(out, "\n%*s", aw, "Address");
	sb_printf(out, " %*s %-4s %-*s", w[C_SIZE], col_title[C_SIZE], "Perm", kw, "Kind");
	for (c = C_RSS; c < NR_COLS; c++)
		sb_printf(out, " %*s", w[c], col_title[c]);
	if (m->faults)
		for (c = 0; c < NR_FCOLS; c++)
			sb_printf(out, " %*s", fw[c], fcol_title[c]);
	sb_adds(out, " Name\n");

	for (i = 0; i < m->count; i++) {
		const struct vms_vma *e = &m->vma[i];
		bool unmapped = is_unmapped(&e->v);

		vma_kb(&e->v, kb);
		vms_perms(e->v.flags, perms);
		if (unmapped)
			strcpy(perms, "----");
		sb_printf(out, "%*" PRIx64 " %*" PRIu64 " %-4s %-*s", aw, (uint64_t)e->v.start,
			  w[C_SIZE], kb[C_SIZE], perms, kw, vms_kind_name(e->v.kind));
		for (c = C_RSS; c < NR_COLS; c++) {
			if (unmapped)
				sb_printf(out, " %*s", w[c], "-");
			else
				sb_printf(out, " %*" PRIu64, w[c], kb[c]);
		}
		if (m->faults) {
			vma_faults(&e->v, f);
			for (c = 0; c < NR_FCOLS; c++)
				sb_printf(out, " %*" PRIu64, fw[c], f[c]);
		}
		if (unmapped) {
			sb_addc(out, ' ');
			sb_adds(out, maps_unmapped_name(e->v.faults.kinds, name, sizeof(name)));
		} else if (e->name_len) {
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
	if (m->faults) {
		for (c = 0; c < NR_FCOLS; c++) {
			sb_addc(out, ' ');
			sb_addpad(out, '=', (size_t)fw[c]);
		}
	}
	sb_printf(out, "\n%*s %*" PRIu64 " %-*s", aw, "total", w[C_SIZE], total[C_SIZE],
		  kw + 5, "");
	for (c = C_RSS; c < NR_COLS; c++)
		sb_printf(out, " %*" PRIu64, w[c], total[c]);
	if (m->faults)
		for (c = 0; c < NR_FCOLS; c++)
			sb_printf(out, " %*" PRIu64, fw[c], ftotal[c]);
	sb_printf(out, " kB, %zu mapping%s", nmaps, nmaps == 1 ? "" : "s");
	if (nunmapped)
		sb_printf(out, ", %zu unmapped range%s", nunmapped, nunmapped == 1 ? "" : "s");
	sb_addc(out, '\n');
}

static void vma_faults_json(struct json *j, const struct vmastat_vma_faults *f)
{
	char kinds[64], *p, *save = NULL;
	size_t i;

	json_begin_object(j);
	for (i = 0; i < vms_nr_vma_fault_fields; i++) {
		json_key(j, vms_vma_fault_fields[i].name);
		json_u64(j, vms_vma_fault(f, vms_vma_fault_fields[i].off));
	}
	json_key(j, "kinds");
	json_begin_array(j);
	vms_fault_kinds(f->kinds, kinds, sizeof(kinds));
	for (p = strtok_r(kinds, ",", &save); p; p = strtok_r(NULL, ",", &save))
		json_string(j, p);
	json_end_array(j);
	json_end_object(j);
}

void maps_format_json(struct json *j, const struct vms_maps *m)
{
	uint64_t kb[NR_COLS];
	char perms[5], dev[32], bitname[16];
	unsigned int bit;
	size_t i;
	int c;

	json_begin_array(j);
	for (i = 0; i < m->count; i++) {
		const struct vms_vma *e = &m->vma[i];
		const struct vmastat_vma *v = &e->v;
		bool unmapped = is_unmapped(v);

		vma_kb(v, kb);
		vms_perms(v->flags, perms);
		if (unmapped)
			strcpy(perms, "----");
		snprintf(dev, sizeof(dev), "%02x:%02x", v->dev_major, v->dev_minor);
		json_begin_object(j);
		json_key(j, "start");		json_hex(j, v->start);
		json_key(j, "end");		json_hex(j, v->end);
		json_key(j, "perms");		json_string(j, perms);
		json_key(j, "offset");		json_u64(j, v->offset);
		json_key(j, "dev");		json_string(j, dev);
		json_key(j, "inode");		json_u64(j, v->inode);
		json_key(j, "kind");		json_string(j, vms_kind_name(v->kind));
		json_key(j, "path");		json_stringn(j, e->name, e->name_len);
		for (c = 0; c < NR_COLS; c++) {
			json_key(j, col_json[c]);
			json_u64(j, unmapped && c != C_SIZE ? 0 : kb[c]);
		}
		json_key(j, "flags");
		json_begin_array(j);
		for (bit = 0; bit < 32; bit++) {
			const char *name;

			if (!(v->flags & (1U << bit)))
				continue;
			name = vms_flag_name(bit, bitname, sizeof(bitname));
			if (name)
				json_string(j, name);
		}
		json_end_array(j);
		json_key(j, "unmapped");	json_bool(j, unmapped);
		if (v->flags & VMASTAT_VMA_FAULTS) {
			json_key(j, "faults");
			vma_faults_json(j, &v->faults);
		}
		json_end_object(j);
	}
	json_end_array(j);
}

int maps_get(struct vms *v, pid_t pid, struct vms_maps *m)
{
	int r = vms_maps_flags(v, pid, VMASTAT_MAPS_FAULTS | VMASTAT_MAPS_UNMAPPED, m);

	/* not tracked (ENODATA), or a module from before fault accounting (EINVAL) */
	if (r == -ENODATA || r == -EINVAL)
		r = vms_maps(v, pid, m);
	return r;
}

static int maps_run(const struct command *cmd, int argc, char **argv)
{
	struct vmastat_status st;
	struct sbuf out = { 0 };
	struct vms_maps m;
	struct pid_args a;
	struct json j;
	struct vms v;
	int r;

	r = parse_pid_args(cmd, argc, argv, &a);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	/* the table's title wants the command name; JSON is the mappings alone */
	if ((!a.json && vms_status(&v, a.pid, &st) < 0) || maps_get(&v, a.pid, &m) < 0)
		return command_fail(&v);
	vms_close(&v);
	if (a.json) {
		json_init(&j, &out, 1);
		maps_format_json(&j, &m);
		json_finish(&j);
	} else {
		maps_format_table(&out, &m, a.pid, st.comm);
	}
	vms_maps_free(&m);
	return command_output(&out);
}

const struct command cmd_maps = {
	.name = "maps",
	.run = maps_run,
	.args = "PID [--json]",
	.summary = "every mapping (VMA) of PID and what is resident in it",
	.help =
	"List every mapping (VMA) of process PID in address order with what is\n"
	"resident in it, like pmap -X, and a line of totals.  When PID is tracked\n"
	"(vmastat track), also the page faults that hit each mapping since tracking\n"
	"began, and the address ranges that took faults but are not mapped any more.\n"
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
	"           shmem, special, hugetlb, or unmapped (a range no longer mapped)\n"
	"  Rss      resident: Anon + File + Shmem\n"
	"  Anon     resident anonymous pages, copies of written private file pages too\n"
	"  File     resident page-cache pages of regular files\n"
	"  Shmem    resident shmem/tmpfs pages\n"
	"  Swap     swapped out\n"
	"  THP      the part of Anon mapped by transparent huge pages\n"
	"  Name     the file, [heap], [stack], [anon:NAME]... as in /proc/PID/maps;\n"
	"           control characters, backslashes and invalid UTF-8 as \\ooo;\n"
	"           [unmapped KINDS] for an unmapped range, KINDS what it was\n"
	"When PID is tracked, before Name (counts of faults):\n"
	"  Minor    minor faults (counted as the kernel's min_flt counts them)\n"
	"  Major    major faults (maj_flt)\n"
	"  COW      copy-on-write faults\n"
	"  SwapIn   faults on swapped-out pages\n"
	"  THPflt   faults that mapped a transparent huge page\n"
	"  Err      faults that ended in SIGSEGV, SIGBUS or out of memory\n"
	"\n"
	"JSON keys: start, end (hex strings), perms, offset, dev, inode, kind, path,\n"
	"size_kb, rss_kb, anon_kb, file_kb, shmem_kb, swap_kb, thp_kb, flags (an\n"
	"array of growsdown, locked, hugepage, nohugepage, deleted), unmapped (true\n"
	"for an unmapped range) and, when tracked, faults: an object with minor,\n"
	"major, read, write, exec, gup, cow, swapin, thp, retry, segv, sigbus, oom\n"
	"and kinds (an array of anon, file, shmem, other).\n",
};
