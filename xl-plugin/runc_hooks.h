/*
 * runc_hooks.h: a runtime spec's hooks run as runc runs them
 * (runtime-spec config.md "POSIX-platform Hooks", runtime.md
 * "Lifecycle"), in the runtime's namespaces: prestart and createRuntime
 * during `create`, once the placeholder (the container's pid) exists;
 * poststart after `start`; poststop after `delete` removed the domain.
 * createContainer and startContainer run in the container's namespaces,
 * which are a domain's with a kernel of its own: a spec with them is
 * refused.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_HOOKS_H
#define XL_OCI_XL_PLUGIN_RUNC_HOOKS_H

#include <stdbool.h>

#include "common/error.h"
#include "domcfg/runtime_spec.h"
#include "runc.h"

/* The copy of config.json kept in the container's state directory when
 * its spec has poststart or poststop hooks (start and delete read it:
 * the bundle is the caller's and may change). */
#define RUNC_HOOKS_SPEC "config.json"

/* ENOTSUP naming `spec_path` and the kind when the spec has hooks a
 * domain cannot run (createContainer, startContainer). */
int runc_hooks_check(const struct runtime_spec *rs, const char *spec_path,
                     xo_err *err);

/* Whether the spec has poststart or poststop hooks (then create keeps
 * RUNC_HOOKS_SPEC). */
bool runc_hooks_later(const struct runtime_spec *rs);

/*
 * Runs the hooks of `kind` in order, each as runc does: PATH executed
 * with ARGS (or PATH alone) and ENV (our own environment when the hook
 * gives none, as runc's), the container's OCI state
 * (ociVersion, id, status, pid, bundle, the spec's annotations) on its
 * stdin, its stdout and stderr captured (never the runtime's own, which
 * the shim reads to EOF), killed when its timeout passes.  Stops at the
 * first failure: an error naming "hooks.KIND[N]", its path, how it ended
 * (exit code, signal, timeout) and the start of what it printed.
 */
int runc_hooks_run(const struct runtime_spec *rs,
                   enum runtime_spec_hook_kind kind, const struct runc_state *s,
                   const char *status, xo_err *err);

/* Runs the hooks of `kind` from `rs` as runc_hooks_run() does, each
 * failure a warning in --log and the next hook run all the same. */
void runc_hooks_warn(const struct runtime_spec *rs,
                     enum runtime_spec_hook_kind kind,
                     const struct runc_state *s, const char *status);

/*
 * poststart and poststop: failures do not fail the verb (the runtime
 * spec: the runtime logs a warning and goes on); each is logged as a
 * warning to --log.  `dir` is the container's state directory; nothing
 * runs when it holds no RUNC_HOOKS_SPEC.
 */
void runc_hooks_run_later(const char *dir, enum runtime_spec_hook_kind kind,
                          const struct runc_state *s, const char *status);

#endif
