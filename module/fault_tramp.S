/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmastat - per-VMA residency and page-fault accounting
 *
 * The ftrace direct-call trampoline on handle_mm_fault() (x86-64).
 *
 * ftrace turns the call at handle_mm_fault()'s entry into a call of
 * vmastat_fault_tramp, so on entry [rsp] returns into handle_mm_fault()'s
 * body and [rsp + 8] into its caller, with the arguments in rdi, rsi, rdx
 * and rcx.  The trampoline drops the first return address and from then
 * on stands in for handle_mm_fault(): it calls vmastat_direct_enter(),
 * then the function's body (a direct call: IBT needs no ENDBR there), then
 * vmastat_direct_leave() with the result, and returns the result to the
 * caller.  struct vmastat_fault_data lives in this frame.  objtool builds
 * the ORC unwind data from the frame, so stack traces taken inside the
 * fault (a major fault sleeps) unwind through it.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "fault_hook.h"

#define ARG0	-8
#define ARG1	-16
#define ARG2	-24
#define ARG3	-32
#define DATA	-VMASTAT_TRAMP_FRAME

	.text
SYM_FUNC_START(vmastat_fault_tramp)
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	pushq	%rbp
	movq	%rsp, %rbp
#ifdef VMASTAT_HAVE_CALL_DEPTH_ACCOUNT
	CALL_DEPTH_ACCOUNT
#endif
	subq	$VMASTAT_TRAMP_FRAME, %rsp
	movq	%rdi, ARG0(%rbp)
	movq	%rsi, ARG1(%rbp)
	movq	%rdx, ARG2(%rbp)
	movq	%rcx, ARG3(%rbp)
	leaq	DATA(%rbp), %r8
	call	vmastat_direct_enter
	movq	ARG0(%rbp), %rdi
	movq	ARG1(%rbp), %rsi
	movq	ARG2(%rbp), %rdx
	movq	ARG3(%rbp), %rcx
	call	handle_mm_fault + VMASTAT_HMF_BODY
	movq	%rax, ARG0(%rbp)
	movl	%eax, %edi
	leaq	DATA(%rbp), %rsi
	call	vmastat_direct_leave
	movq	ARG0(%rbp), %rax
	leave
	RET
SYM_FUNC_END(vmastat_fault_tramp)
