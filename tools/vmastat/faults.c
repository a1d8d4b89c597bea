// SPDX-License-Identifier: GPL-2.0
/*
 * vmastat faults [-n N] [--sort=FIELD] [--live] [--json]: every process's
 * page faults by class.  vmastat summary [--json]: the module's global
 * counters.  Also the JSON and sorting helpers of process entries.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

/* ---- helpers shared with top and run ----------------------------------- */

void counts_format_json(struct json *j, const struct vmastat_fault_counts *c)
{
	size_t i;

	json_begin_object(j);
	for (i = 0; i < vms_nr_count_fields; i++) {
		json_key(j, vms_count_fields[i].name);
		json_u64(j, vms_count(c, vms_count_fields[i].off));
	}
	json_end_object(j);
}

void proc_flags_json(struct json *j, uint32_t flags)
{
	char buf[16];
	unsigned int bit;

	json_begin_array(j);
	for (bit = 0; bit < 32; bit++)
		if (flags & (1U << bit))
			json_string(j, vms_proc_flag_name(bit, buf, sizeof(buf)));
	json_end_array(j);
}

void proc_format_json(struct json *j, const struct vmastat_proc *p)
{
	json_begin_object(j);
	json_key(j, "pid");		json_i64(j, p->pid);
	json_key(j, "comm");		json_stringn(j, p->comm, strnlen(p->comm, sizeof(p->comm)));
	json_key(j, "flags");		proc_flags_json(j, p->flags);
	json_key(j, "start_ns");	json_u64(j, p->start_ns);
	json_key(j, "exit_ns");		json_u64(j, p->exit_ns);
	json_key(j, "counts");		counts_format_json(j, &p->counts);
	json_end_object(j);
}

uint64_t counts_errors(const struct vmastat_fault_counts *c)
{
	return c->segv + c->sigbus + c->oom;
}

/* Sort keys past the count fields (which are 0 .. vms_nr_count_fields - 1). */
enum {
	K_FAULTS = 1000, K_ANON, K_FILE, K_SHMEM, K_OTHER, K_GUP, K_ERRORS,
	K_PID, K_START, K_EXIT,
};

static const struct { const char *name; int key; } extra_keys[] = {
	{ "faults", K_FAULTS }, { "anon", K_ANON }, { "file", K_FILE },
	{ "shmem", K_SHMEM }, { "other", K_OTHER }, { "gup", K_GUP },
	{ "errors", K_ERRORS }, { "pid", K_PID }, { "start_ns", K_START },
	{ "exit_ns", K_EXIT },
};

int proc_sort_key(const char *name)
{
	size_t i;

	for (i = 0; i < vms_nr_count_fields; i++)
		if (!strcmp(name, vms_count_fields[i].name))
			return (int)i;
	for (i = 0; i < ARRAY_SIZE(extra_keys); i++)
		if (!strcmp(name, extra_keys[i].name))
			return extra_keys[i].key;
	return -1;
}

void proc_sort_keys_list(struct sbuf *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(extra_keys); i++)
		sb_printf(out, "%s%s", i ? ", " : "", extra_keys[i].name);
	for (i = 0; i < vms_nr_count_fields; i++)
		sb_printf(out, ", %s", vms_count_fields[i].name);
}

uint64_t counts_key_value(const struct vmastat_fault_counts *c, int key)
{
	if (key >= 0 && (size_t)key < vms_nr_count_fields)
		return vms_count(c, vms_count_fields[key].off);
	switch (key) {
	case K_FAULTS:	return c->minor + c->major;
	case K_ANON:	return c->anon_minor + c->anon_major;
	case K_FILE:	return c->file_minor + c->file_major;
	case K_SHMEM:	return c->shmem_minor + c->shmem_major;
	case K_OTHER:	return c->other_minor + c->other_major;
	case K_GUP:	return c->gup_minor + c->gup_major;
	case K_ERRORS:	return counts_errors(c);
	}
	return 0;
}

uint64_t proc_key_value(const struct vmastat_proc *p, int key)
{
	switch (key) {
	case K_PID:	return (uint64_t)(uint32_t)p->pid;
	case K_START:	return p->start_ns;
	case K_EXIT:	return p->exit_ns;
	}
	return counts_key_value(&p->counts, key);
}

static int sort_key_for_qsort;

static int cmp_procs(const void *a, const void *b)
{
	const struct vmastat_proc *x = a, *y = b;
	int key = sort_key_for_qsort;
	uint64_t vx = proc_key_value(x, key), vy = proc_key_value(y, key);

	if (vx != vy) {
		if (key == K_PID)
			return vx < vy ? -1 : 1;
		return vx > vy ? -1 : 1;
	}
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

void procs_sort(struct vmastat_proc *p, size_t n, int key)
{
	sort_key_for_qsort = key;
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_procs);
}

/* "note: ..." about what the counters may lack, "" if nothing. */
static void losses_note(struct sbuf *out, const struct vmastat_summary *s)
{
	const char *sep = "";

	/* a module without the parameter classifies every fault */
	if (vms_param_bool("classify_all") == 0)
		sb_adds(out, "note: classify_all=N: COW, SWAPIN and THP count tracked processes only\n");
	if (!s->missed && !s->unlisted && !s->table_full && !s->evicted)
		return;
	sb_adds(out, "note:");
	if (s->missed) {
		sb_printf(out, " %" PRIu64 " faults missed by the probe (maxactive %u)",
			  (uint64_t)s->missed, s->maxactive);
		sep = ",";
	}
	if (s->unlisted) {
		sb_printf(out, "%s %" PRIu64 " faults of unlisted processes", sep,
			  (uint64_t)s->unlisted);
		sep = ",";
	}
	if (s->table_full) {
		sb_printf(out, "%s %" PRIu64 " processes found the table full (max_procs %u)",
			  sep, (uint64_t)s->table_full, s->max_procs);
		sep = ",";
	}
	if (s->evicted)
		sb_printf(out, "%s %" PRIu64 " exited processes evicted", sep, (uint64_t)s->evicted);
	sb_addc(out, '\n');
}

/* ---- vmastat faults ------------------------------------------------------ */

enum {
	FC_MINOR, FC_MAJOR, FC_ANON, FC_FILE, FC_SHMEM, FC_OTHER, FC_READ, FC_WRITE,
	FC_EXEC, FC_GUP, FC_COW, FC_SWAPIN, FC_THP, FC_ERR, NR_FC
};

static const char *const fc_title[NR_FC] = {
	"MINOR", "MAJOR", "ANON", "FILE", "SHMEM", "OTHER", "READ", "WRITE",
	"EXEC", "GUP", "COW", "SWAPIN", "THP", "ERR",
};

static void fc_values(const struct vmastat_fault_counts *c, uint64_t v[NR_FC])
{
	v[FC_MINOR] = c->minor;
	v[FC_MAJOR] = c->major;
	v[FC_ANON] = c->anon_minor + c->anon_major;
	v[FC_FILE] = c->file_minor + c->file_major;
	v[FC_SHMEM] = c->shmem_minor + c->shmem_major;
	v[FC_OTHER] = c->other_minor + c->other_major;
	v[FC_READ] = c->read;
	v[FC_WRITE] = c->write;
	v[FC_EXEC] = c->exec;
	v[FC_GUP] = c->gup_minor + c->gup_major;
	v[FC_COW] = c->cow;
	v[FC_SWAPIN] = c->swapin;
	v[FC_THP] = c->thp;
	v[FC_ERR] = counts_errors(c);
}

static int ndigits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static const char *proc_state(const struct vmastat_proc *p)
{
	bool exited = p->flags & VMASTAT_PROC_EXITED;

	if (p->flags & VMASTAT_PROC_CHILDREN)
		return exited ? "exited+" : "live+";
	if (p->flags & VMASTAT_PROC_TRACKED)
		return exited ? "exited*" : "live*";
	return exited ? "exited" : "live";
}

static void faults_table(struct sbuf *out, const struct vmastat_proc *p, size_t n)
{
	int w[NR_FC], c, pw = 3;
	uint64_t v[NR_FC];
	bool tracked = false;
	size_t i;

	for (c = 0; c < NR_FC; c++)
		w[c] = (int)strlen(fc_title[c]);
	for (i = 0; i < n; i++) {
		fc_values(&p[i].counts, v);
		for (c = 0; c < NR_FC; c++)
			if (ndigits(v[c]) > w[c])
				w[c] = ndigits(v[c]);
		if (ndigits((uint64_t)(uint32_t)p[i].pid) > pw)
			pw = ndigits((uint64_t)(uint32_t)p[i].pid);
		tracked |= p[i].flags & VMASTAT_PROC_TRACKED;
	}
	sb_printf(out, "%*s %-15s %-7s", pw, "PID", "COMM", "STATE");
	for (c = 0; c < NR_FC; c++)
		sb_printf(out, " %*s", w[c], fc_title[c]);
	sb_addc(out, '\n');
	for (i = 0; i < n; i++) {
		struct sbuf comm = { 0 };
		size_t len = strnlen(p[i].comm, sizeof(p[i].comm));

		sb_add_printable(&comm, p[i].comm, len);
		if (p[i].pid)
			sb_printf(out, "%*d", pw, (int)p[i].pid);
		else
			sb_printf(out, "%*s", pw, "-");
		sb_printf(out, " %-15s %-7s", comm.buf ? comm.buf : "", proc_state(&p[i]));
		sb_free(&comm);
		fc_values(&p[i].counts, v);
		for (c = 0; c < NR_FC; c++)
			sb_printf(out, " %*" PRIu64, w[c], v[c]);
		sb_addc(out, '\n');
	}
	if (tracked)
		sb_adds(out, "*: tracked, +: tracked with the children it forks\n");
}

struct faults_args {
	const struct command *cmd;
	uint64_t limit;
	int key;
	bool live, json;
};

static int faults_opt(void *ctx, int key, const char *val)
{
	struct faults_args *a = ctx;

	switch (key) {
	case 'n':
		return command_uint(a->cmd, "-n", val, 1, UINT32_MAX, &a->limit);
	case 's':
		a->key = proc_sort_key(val);
		if (a->key < 0) {
			struct sbuf keys = { 0 };

			proc_sort_keys_list(&keys);
			errmsg("%s: unknown sort field '%s': expected one of %s", a->cmd->name,
			       val, keys.buf);
			sb_free(&keys);
			return -1;
		}
		return 0;
	case 'l':
		a->live = true;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	}
	return -1;
}

static int faults_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "limit", 'n', true },
		{ "sort", 's', true },
		{ "live", 'l', false },
		{ "json", 'j', false },
		{ NULL, 0, false },
	};
	struct faults_args a = { .cmd = cmd, .key = K_FAULTS };
	struct vmastat_summary sum;
	struct sbuf out = { 0 }, note = { 0 };
	struct vms_procs p;
	const char *pos[1];
	struct vms v;
	size_t n, i;
	int npos, r;

	r = command_parse(cmd, argc, argv, opts, faults_opt, &a, pos, 0, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (vms_procs(&v, a.live ? VMASTAT_PROCS_LIVE : 0, &p) < 0 || vms_summary(&v, &sum) < 0)
		return command_fail(&v);
	vms_close(&v);
	procs_sort(p.proc, p.count, a.key);
	n = a.limit && a.limit < p.count ? (size_t)a.limit : p.count;
	losses_note(&note, &sum);
	if (a.json) {
		struct json j;

		json_init(&j, &out, 1);
		json_begin_array(&j);
		for (i = 0; i < n; i++)
			proc_format_json(&j, &p.proc[i]);
		json_end_array(&j);
		json_finish(&j);
	} else {
		faults_table(&out, p.proc, n);
		if (note.len)
			sb_adds(&out, note.buf);
	}
	vms_procs_free(&p);
	r = command_output(&out);
	if (a.json && note.len)
		errmsg("%.*s", (int)note.len - 1, note.buf);
	sb_free(&note);
	return r;
}

const struct command cmd_faults = {
	.name = "faults",
	.run = faults_run,
	.args = "[-n N] [--sort=FIELD] [--live] [--json]",
	.summary = "every process's page faults by class",
	.help =
	"List the processes the module has counters for (every process that started\n"
	"since it was loaded, exited ones until room is needed) with their page\n"
	"faults by class, most faults first.\n"
	"\n"
	"Options:\n"
	"  -n, --limit=N     show the first N processes only\n"
	"  -s, --sort=FIELD  sort by FIELD, largest first (pid: smallest first):\n"
	"                    faults (minor + major, the default), anon, file, shmem,\n"
	"                    other (minor + major of that kind), gup (gup_minor +\n"
	"                    gup_major), errors (segv + sigbus + oom), pid, start_ns,\n"
	"                    exit_ns, or any count by its JSON name (minor, cow, ...)\n"
	"  -l, --live        leave exited processes out\n"
	"  -j, --json        print a JSON array with one object per process\n"
	"  -h, --help        show this help and exit\n"
	"\n"
	"Columns (numbers of faults):\n"
	"  PID, COMM   the process and its command name; PID - if not in your namespace\n"
	"  STATE       live or exited; * tracked, + tracked with its future children\n"
	"  MINOR       minor faults, as the kernel's min_flt (ps -o min_flt) counts them\n"
	"  MAJOR       major faults, as maj_flt counts them\n"
	"  ANON, FILE, SHMEM, OTHER   minor + major faults in mappings of that kind\n"
	"  READ, WRITE, EXEC          faults by access\n"
	"  GUP         faults the kernel took for the process (get_user_pages)\n"
	"  COW         copy-on-write faults\n"
	"  SWAPIN      faults on swapped-out pages\n"
	"  THP         faults that mapped a transparent huge page\n"
	"  ERR         faults that ended in SIGSEGV, SIGBUS or out of memory\n"
	"A note follows when the module missed faults (missed, unlisted, table_full,\n"
	"evicted in 'vmastat summary'), and when it counts COW, SWAPIN and THP for\n"
	"tracked processes only (module parameter classify_all=N); with --json it\n"
	"goes to standard error.\n"
	"\n"
	"JSON keys: pid, comm, flags (an array of exited, tracked, children),\n"
	"start_ns, exit_ns (CLOCK_BOOTTIME nanoseconds, 0 while live) and counts:\n"
	"minor, major, retry, segv, sigbus, oom, anon_minor, anon_major, file_minor,\n"
	"file_major, shmem_minor, shmem_major, other_minor, other_major, read, write,\n"
	"exec, gup_minor, gup_major, remote, cow, swapin, thp.\n",
};

/* ---- vmastat summary ----------------------------------------------------- */

static const struct {
	const char *name;
	size_t off;
	bool is32;
	const char *what;
} sum_fields[] = {
#define S(x, what) { #x, offsetof(struct vmastat_summary, x), \
		     sizeof(((struct vmastat_summary *)0)->x) == 4, what }
	S(hits, "handle_mm_fault() returns the probe saw"),
	S(missed, "faults the probe could not see (raise maxactive)"),
	S(maxactive, "kretprobe instances (module parameter; 0 with the direct call)"),
	S(max_procs, "capacity of the process table (module parameter)"),
	S(nr_live, "live processes in the table"),
	S(nr_exited, "exited processes still in the table"),
	S(nr_tracked, "tracked processes"),
	S(max_tracked, "capacity for tracked processes (module parameter)"),
	S(unlisted, "faults of processes without an entry (in total only)"),
	S(evicted, "exited entries dropped to make room"),
	S(table_full, "new processes that found no room in the table"),
	S(event_drops, "events lost because a ring was full"),
	S(unattributed, "faults of tracked processes not attributed to an address"),
	S(reset_ns, "when the counters were last reset (CLOCK_BOOTTIME ns)"),
#undef S
};

static uint64_t sum_field(const struct vmastat_summary *s, size_t i)
{
	const char *p = (const char *)s + sum_fields[i].off;

	if (sum_fields[i].is32) {
		uint32_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	{
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
}

static void summary_text(struct sbuf *out, const struct vmastat_summary *s)
{
	struct timespec ts;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sum_fields); i++) {
		uint64_t v = sum_field(s, i);

		sb_printf(out, "%-13s %14" PRIu64 "  %s", sum_fields[i].name, v, sum_fields[i].what);
		if (!strcmp(sum_fields[i].name, "reset_ns")) {
			if (!v)
				sb_adds(out, ": never");
			else if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0 &&
				 (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec >= v)
				sb_printf(out, ": %.1f s ago",
					  ((double)ts.tv_sec + ts.tv_nsec / 1e9) - v / 1e9);
		}
		sb_addc(out, '\n');
	}
	sb_adds(out, "total: the faults of every process\n");
	for (i = 0; i < vms_nr_count_fields; i++)
		sb_printf(out, "  %-11s %14" PRIu64 "\n", vms_count_fields[i].name,
			  vms_count(&s->total, vms_count_fields[i].off));
}

static int summary_opt(void *ctx, int key, const char *val)
{
	(void)val;
	if (key != 'j')
		return -1;
	*(bool *)ctx = true;
	return 0;
}

static int summary_run(const struct command *cmd, int argc, char **argv)
{
	static const struct optdef opts[] = {
		{ "json", 'j', false },
		{ NULL, 0, false },
	};
	struct vmastat_summary s;
	struct sbuf out = { 0 };
	const char *pos[1];
	bool json = false;
	struct vms v;
	int npos, r;
	size_t i;

	r = command_parse(cmd, argc, argv, opts, summary_opt, &json, pos, 0, &npos);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (vms_summary(&v, &s) < 0)
		return command_fail(&v);
	vms_close(&v);
	if (json) {
		struct json j;

		json_init(&j, &out, 1);
		json_begin_object(&j);
		for (i = 0; i < ARRAY_SIZE(sum_fields); i++) {
			json_key(&j, sum_fields[i].name);
			json_u64(&j, sum_field(&s, i));
		}
		json_key(&j, "total");
		counts_format_json(&j, &s.total);
		json_end_object(&j);
		json_finish(&j);
	} else {
		summary_text(&out, &s);
	}
	return command_output(&out);
}

const struct command cmd_summary = {
	.name = "summary",
	.run = summary_run,
	.args = "[--json]",
	.summary = "the module's global fault counters",
	.help =
	"Show the module's global counters: how many faults its probe saw and\n"
	"missed, how full its process table is, what it could not account, and the\n"
	"faults of every process by class.\n"
	"\n"
	"Options:\n"
	"  -j, --json    print a JSON object\n"
	"  -h, --help    show this help and exit\n"
	"\n"
	"Fields (the names of struct vmastat_summary, and the JSON keys):\n"
	"  hits, missed, maxactive, max_procs, nr_live, nr_exited, nr_tracked,\n"
	"  max_tracked, unlisted, evicted, table_full, event_drops, unattributed,\n"
	"  reset_ns, and total: the counts of every process, with the keys of\n"
	"  'vmastat faults --json'.  missed is never assumed to be 0: faults the\n"
	"  probe did not see are in no counter.\n",
};
