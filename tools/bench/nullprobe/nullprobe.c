// SPDX-License-Identifier: GPL-2.0
/*
 * nullprobe - a probe on handle_mm_fault() that does nothing, for `make
 * bench` only: what the probe mechanism itself costs per fault, to tell it
 * from what vmastat's handlers do (Documentation/bench.rst).
 *
 *   insmod nullprobe.ko kind=kretprobe   empty entry and return handlers,
 *                                        as much instance data as vmastat's
 *   insmod nullprobe.ko kind=kprobe      an empty entry handler only
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static char *kind = "kretprobe";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "kretprobe (entry and return) or kprobe (entry only)");

static int np_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static int np_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static int np_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kretprobe np_krp = {
	.kp.symbol_name	= "handle_mm_fault",
	.entry_handler	= np_entry,
	.handler	= np_return,
	.data_size	= 48,	/* sizeof(struct vmastat_fault_data) */
};

static struct kprobe np_kp = {
	.symbol_name	= "handle_mm_fault",
	.pre_handler	= np_pre,
};

static bool np_is_krp;

static int __init np_init(void)
{
	np_is_krp = strcmp(kind, "kprobe") != 0;
	if (np_is_krp) {
		np_krp.maxactive = max(64U * num_possible_cpus(), 128U);
		return register_kretprobe(&np_krp);
	}
	return register_kprobe(&np_kp);
}

static void __exit np_exit(void)
{
	if (np_is_krp)
		unregister_kretprobe(&np_krp);
	else
		unregister_kprobe(&np_kp);
}

module_init(np_init);
module_exit(np_exit);
MODULE_DESCRIPTION("empty probe on handle_mm_fault, for benchmarks");
MODULE_LICENSE("GPL");
