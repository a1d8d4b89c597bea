// SPDX-License-Identifier: GPL-2.0
/* placeholder: replaced by the module implementation */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
static int __init vmastat_init(void) { return 0; }
static void __exit vmastat_exit(void) { }
module_init(vmastat_init);
module_exit(vmastat_exit);
MODULE_LICENSE("GPL");
