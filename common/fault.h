/*
 * fault.h: named kill points for fault-injection tests.
 *
 * A process that dies at any point must leave state that `list`, `status`
 * and `images` describe truthfully and that the next ordinary command (or
 * `destroy`, `prune`, `network up`) repairs.  To prove it, code marks the
 * points between its steps with XO_FAULT_POINT("group.step"), and the
 * fault tier (tests/tiers/57-faults.sh, and the lab for Xen-side points)
 * kills the process at each of them in turn.
 *
 * The hook exists only in a build with -DXO_FAULT_INJECTION (the tier
 * builds such a copy under build/fault/); in every other build the macro
 * expands to nothing, so shipped binaries carry no kill switch.
 *
 * In a fault build:
 *   XL_OCI_FAULT=NAME[@N]   SIGKILL this process the Nth time (default: the
 *                           first) it reaches point NAME.
 *   XL_OCI_FAULT_LOG=FILE   append "NAME\n" to FILE at every point reached,
 *                           so a test can list the points a command passes
 *                           instead of keeping a second copy of the list.
 *   XL_OCI_FAULT_PAUSE=NAME SIGSTOP this process at point NAME, so that a
 *                           test can run another command in that gap (a
 *                           race made certain) and then SIGCONT it.
 * Names are "group.step": lower case, digits, '-' and '.'.
 */
#ifndef XL_OCI_COMMON_FAULT_H
#define XL_OCI_COMMON_FAULT_H

#ifdef XO_FAULT_INJECTION
void xo_fault_point(const char *name);
#define XO_FAULT_POINT(name) xo_fault_point(name)
#else
#define XO_FAULT_POINT(name) ((void)0)
#endif

#endif
