// SPDX-License-Identifier: GPL-2.0
/* vmastat hist PID [--json]: the fault latency histograms of a tracked process. */
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "vmastatlib.h"

#define BAR_WIDTH	40

static const char *const minmaj[2] = { "minor", "major" };

void hist_format_buckets(struct sbuf *out, const __u64 *b, unsigned int n)
{
	unsigned int i, first = n, last = 0;
	uint64_t max = 0;

	for (i = 0; i < n; i++) {
		if (!b[i])
			continue;
		if (first == n)
			first = i;
		last = i;
		if (b[i] > max)
			max = b[i];
	}
	if (first == n)
		return;
	sb_printf(out, "%16s%12s : count    distribution\n", "ns", "");
	for (i = first; i <= last; i++) {
		uint64_t lo = i ? 1ULL << i : 0, hi = (2ULL << i) - 1;
		size_t stars = (size_t)((double)b[i] / (double)max * BAR_WIDTH);

		if (stars > BAR_WIDTH)
			stars = BAR_WIDTH;

		sb_printf(out, "%12" PRIu64 " -> %-12" PRIu64 " : %-8" PRIu64 " |", lo, hi, (uint64_t)b[i]);
		sb_addpad(out, '*', stars);
		sb_addpad(out, ' ', BAR_WIDTH - stars);
		sb_adds(out, "|\n");
	}
}

static uint64_t hist_sum(const __u64 *b, unsigned int n)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		s += b[i];
	return s;
}

void hist_format_text(struct sbuf *out, const struct vmastat_hist_query *h)
{
	unsigned int k, m;
	bool any = false;

	for (k = 0; k < VMASTAT_FK_MAX; k++) {
		for (m = 0; m < 2; m++) {
			uint64_t total = hist_sum(h->hist[k][m], h->nr_buckets);

			if (!total)
				continue;
			if (any)
				sb_addc(out, '\n');
			any = true;
			sb_printf(out, "%s %s faults (%" PRIu64 "), latency in ns\n",
				  vms_fault_kind_name(k), minmaj[m], total);
			hist_format_buckets(out, h->hist[k][m], h->nr_buckets);
		}
	}
	if (!any)
		sb_adds(out, "no completed faults recorded since tracking began\n");
}

void hist_format_json(struct json *j, const struct vmastat_hist_query *h)
{
	unsigned int k, m, i;

	json_begin_object(j);
	json_key(j, "nr_buckets");
	json_u64(j, h->nr_buckets);
	for (k = 0; k < VMASTAT_FK_MAX; k++) {
		json_key(j, vms_fault_kind_name(k));
		json_begin_object(j);
		for (m = 0; m < 2; m++) {
			json_key(j, minmaj[m]);
			json_begin_array(j);
			for (i = 0; i < h->nr_buckets; i++)
				json_u64(j, h->hist[k][m][i]);
			json_end_array(j);
		}
		json_end_object(j);
	}
	json_end_object(j);
}

static int hist_run(const struct command *cmd, int argc, char **argv)
{
	struct vmastat_hist_query h;
	struct sbuf out = { 0 };
	struct pid_args a;
	struct vms v;
	int r;

	r = parse_pid_args(cmd, argc, argv, &a);
	if (r != CMD_CONTINUE)
		return r;
	r = command_open(&v);
	if (r != CMD_CONTINUE)
		return r;
	if (vms_hist(&v, a.pid, &h) < 0)
		return command_fail(&v);
	vms_close(&v);
	if (a.json) {
		struct json j;

		json_init(&j, &out, 2);
		json_begin_object(&j);
		json_key(&j, "pid");
		json_i64(&j, a.pid);
		json_key(&j, "hist");
		hist_format_json(&j, &h);
		json_end_object(&j);
		json_finish(&j);
	} else {
		hist_format_text(&out, &h);
	}
	return command_output(&out);
}

const struct command cmd_hist = {
	.name = "hist",
	.run = hist_run,
	.args = "PID [--json]",
	.summary = "fault latency histograms of tracked process PID",
	.help =
	"Show how long the faults of tracked process PID took in the kernel's fault\n"
	"handler (handle_mm_fault()), as log2 histograms in the style of bcc's tools:\n"
	"one for each kind of mapping (anon, file, shmem, other) and minor or major\n"
	"fault that has faults.  Only completed (counted) faults are in them.\n"
	"\n"
	"Options:\n"
	"  -j, --json    print a JSON object with the raw buckets\n"
	"  -h, --help    show this help and exit\n"
	"\n"
	"Each line is a bucket: 'lo -> hi : count |bar|', lo and hi in nanoseconds;\n"
	"bucket 0 holds 0 and 1 ns, bucket i from 2^i to 2^(i+1) - 1 ns.\n"
	"\n"
	"JSON: {\"pid\": PID, \"hist\": {\"nr_buckets\": 32, \"anon\": {\"minor\": [32\n"
	"counts], \"major\": [...]}, \"file\": ..., \"shmem\": ..., \"other\": ...}}.\n",
};
