/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The two stubs of the ftrace direct-call hook on handle_mm_fault()
 * (x86-64).
 *
 * ftrace turns the call at handle_mm_fault()'s entry into a call of
 * vmastat_fault_tramp, so on entry [rsp] returns into handle_mm_fault()'s
 * body and [rsp + 8] into its caller, with the arguments in rdi, rsi, rdx
 * and rcx.  The trampoline drops the first return address and jumps to
 * vmastat_direct_fault() (fault.c), which from then on stands in for
 * handle_mm_fault(): it has the same arguments and returns to the same
 * caller.  That C function runs the function's body through
 * vmastat_hmf_body, a jump to the code after the ftrace call site: a direct
 * jump, so IBT needs no ENDBR there.  Neither stub has a frame of its
 * own, so stack traces taken inside the fault (a major fault sleeps) show
 * handle_mm_fault(), then vmastat_direct_fault(), then its caller.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "fault_hook.h"

	.text
SYM_FUNC_START(vmastat_fault_tramp)
	addq	$8, %rsp
	UNWIND_HINT_FUNC
#ifdef VMASTAT_HAVE_CALL_DEPTH_ACCOUNT
	CALL_DEPTH_ACCOUNT
#endif
	jmp	vmastat_direct_fault
SYM_FUNC_END(vmastat_fault_tramp)

SYM_FUNC_START(vmastat_hmf_body)
	jmp	handle_mm_fault + VMASTAT_HMF_BODY
SYM_FUNC_END(vmastat_hmf_body)
