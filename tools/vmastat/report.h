/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat: output pieces more than one command prints ("run" prints most
 * of them), and the small pure helpers behind them (unit-tested).
 */
#ifndef VMASTAT_REPORT_H
#define VMASTAT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "util.h"
#include "vmastatlib.h"

/* maps.c */
/*
 * @pid's mappings, with their faults and the unmapped ranges that took
 * faults when @pid is tracked (VMASTAT_MAPS_FAULTS|VMASTAT_MAPS_UNMAPPED),
 * else without (m->faults false).
 */
int maps_get(struct vms *v, pid_t pid, struct vms_maps *m);
/* The table of "vmastat maps", titled "PID:   COMM". */
void maps_format_table(struct sbuf *out, const struct vms_maps *m, pid_t pid, const char *comm);
/* The JSON array of "vmastat maps --json". */
void maps_format_json(struct json *j, const struct vms_maps *m);
/* "[unmapped anon]", "[unmapped anon,file]", "[unmapped]" into @buf. */
const char *maps_unmapped_name(uint32_t kinds, char *buf, size_t size);

/* hist.c */
/* bcc-style log2 histograms, one for each kind and minor/major that has faults. */
void hist_format_text(struct sbuf *out, const struct vmastat_hist_query *h);
/* {"nr_buckets": 32, "anon": {"minor": [...], "major": [...]}, "file": ...} */
void hist_format_json(struct json *j, const struct vmastat_hist_query *h);
/* "  lo -> hi : count |****  |" lines of one histogram (buckets from the first to the last non-empty). */
void hist_format_buckets(struct sbuf *out, const __u64 *b, unsigned int n);

/* faults.c */
/* A JSON object with every field of struct vmastat_fault_counts by its uapi name. */
void counts_format_json(struct json *j, const struct vmastat_fault_counts *c);
/* A JSON object with every field of struct vmastat_proc (counts nested as "counts"). */
void proc_format_json(struct json *j, const struct vmastat_proc *p);
/* JSON array of the names of VMASTAT_PROC_* @flags. */
void proc_flags_json(struct json *j, uint32_t flags);

/*
 * Sort keys of "faults --sort" and "top": a field of struct
 * vmastat_fault_counts by name, or one of the sums "faults" (minor +
 * major), "anon", "file", "shmem", "other" (minor + major of a kind), "gup"
 * (gup_minor + gup_major), "errors" (segv + sigbus + oom), or "pid",
 * "start_ns", "exit_ns".  Returns the key (>= 0) or -1 for an unknown name.
 */
int proc_sort_key(const char *name);
uint64_t proc_key_value(const struct vmastat_proc *p, int key);
uint64_t counts_key_value(const struct vmastat_fault_counts *c, int key);
/* The names proc_sort_key() knows, comma-separated, for messages. */
void proc_sort_keys_list(struct sbuf *out);
/* Sort @n entries by @key, largest first (pid: smallest first); ties by pid. */
void procs_sort(struct vmastat_proc *p, size_t n, int key);
/* The value of segv + sigbus + oom. */
uint64_t counts_errors(const struct vmastat_fault_counts *c);

/* run.c */
/* min_flt (field 10) and maj_flt (field 12) of a /proc/PID/stat line: 0 or -1 if malformed. */
int parse_stat_faults(const char *line, uint64_t *min_flt, uint64_t *maj_flt);

/* trace.c */
/* One event as a text line (no newline); @base_ns: subtracted from the time (0: absolute). */
void event_format_text(struct sbuf *out, const struct vmastat_event *e, uint64_t base_ns);
void event_format_json(struct sbuf *out, const struct vmastat_event *e);

#endif /* VMASTAT_REPORT_H */
