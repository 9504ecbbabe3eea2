/*
 * runc_entrypoint.h: the checks runc makes of a container's process
 * before `runc create` returns, made by xl-oci-runc on the bundle's rootfs
 * in dom0 before a domain is built.
 *
 * runc's init looks the entrypoint up (Go's exec.LookPath, with the
 * spec's PATH) and changes to its cwd before it waits for `start`, so a
 * misspelt command fails `runc create`: containerd reports it at once
 * ("OCI runtime create failed: ... executable file not found in $PATH")
 * and Kubernetes shows CreateContainerError.  A domain's loader execs the
 * entrypoint only after `start`, where the same fault is an exit code
 * (127, 126), which Kubernetes shows as a crash loop.
 *
 * The root volume is the rootfs as create sees it, so the lookup is made
 * there, with chroot semantics (image/fsat.h), as the loader will make it
 * (loader/xen-tools/run.c: the spec's last PATH, or XO_EXEC_DEFAULT_PATH).  It
 * refuses only what is certain to fail in the domain; where it cannot be
 * sure it says nothing and leaves the answer to the loader:
 *   - a spec mount whose destination holds, or is, a candidate file or
 *     the cwd, or any step of the walk to it, a symlink's target included
 *     (binds, volumes and tmpfs may bring or hide files, and hide the
 *     root's own symlinks), compared as resolved in the root (symlinks
 *     followed); a destination reached through an earlier bind's (or
 *     image's, or proc's) tree, whose symlinks may lead anywhere, makes
 *     every path unsure;
 *   - a path it cannot resolve (a dangling or looping symlink on the way,
 *     which the loader may follow when it makes a mount point);
 *   - a PATH with an empty or relative entry, or one with a ".." (Go's
 *     LookPath joins it lexically, the loader's execve does not);
 *   - a spec with prestart, createRuntime or createContainer hooks, which
 *     runc runs before its lookup and which may bring the file;
 *   - any error other than "no such file" or "not a directory".
 * tests/runc/entrypoint-diff.py checks this against runc on random
 * bundles (tier 30).
 * What it refuses: no candidate is an executable file (missing, a
 * directory, or a file with no execute bit: execve(2) fails for every
 * user), or the cwd is not a directory.
 */
#ifndef XL_OCI_XL_PLUGIN_RUNC_ENTRYPOINT_H
#define XL_OCI_XL_PLUGIN_RUNC_ENTRYPOINT_H

#include "common/error.h"
#include "domcfg/runtime_spec.h"

/*
 * Checks rs's process.args[0] and process.cwd against the directory
 * `rootfs` (the bundle's root, absolute), as above.  `where` (the
 * config.json path) opens the message.  Returns 0 (found, or not sure) or
 * -1 with err: ENOENT (no such file: "executable file not found in
 * $PATH" for a name looked up in PATH, as runc says it), EACCES (a
 * directory or a file nobody may run), ENOTDIR (the cwd).  A rootfs that
 * cannot be opened is not its error (0): the root volume's build names
 * it.
 */
int runc_entrypoint_check(const struct runtime_spec *rs, const char *rootfs,
                          const char *where, xo_err *err);

#endif
