/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The ftrace direct-call hook on handle_mm_fault(): what the trampoline
 * stubs (fault_tramp.S, x86-64) and fault.c share.
 */
#ifndef _VMASTAT_FAULT_HOOK_H
#define _VMASTAT_FAULT_HOOK_H

/*
 * Where handle_mm_fault()'s ftrace call site is, from the symbol: after
 * the ENDBR64 with IBT, at the start without.  The function's own code
 * follows the 5-byte call.  fault.c checks the bytes there before use.
 */
#ifdef CONFIG_X86_KERNEL_IBT
#define VMASTAT_HMF_SITE	4
#else
#define VMASTAT_HMF_SITE	0
#endif
#define VMASTAT_HMF_BODY	(VMASTAT_HMF_SITE + 5)

#ifndef __ASSEMBLY__
#include <linux/mm_types.h>

struct pt_regs;

void vmastat_fault_tramp(void);
vm_fault_t vmastat_hmf_body(struct vm_area_struct *vma, unsigned long address,
			    unsigned int flags, struct pt_regs *regs);
vm_fault_t vmastat_direct_fault(struct vm_area_struct *vma,
				unsigned long address, unsigned int flags,
				struct pt_regs *regs);
#endif

#endif /* _VMASTAT_FAULT_HOOK_H */
