/* exec_size.c: execve()'s limits applied to args and env (exec_size.h). */
#include "exec_size.h"

#include <errno.h>
#include <string.h>

static int one_list(size_t *total, char *const *v, size_t n, const char *what,
                    xo_err *err)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        if (len > BOOT_SPEC_MAX_ARG_STRLEN)
            return xo_err_set(
                err, E2BIG,
                "%s[%zu] (%.20s...) is %zu bytes; the kernel takes at most %d per string (MAX_ARG_STRLEN, NUL included)",
                what, i, v[i], len, BOOT_SPEC_MAX_ARG_STRLEN);
        *total += len + BOOT_SPEC_EXEC_PTR;
    }
    return 0;
}

int exec_size_check(const struct domain_config *dc, xo_err *err)
{
    size_t total = 0;
    if (one_list(&total, dc->args, dc->n_args, "args", err) < 0 ||
        one_list(&total, dc->env, dc->n_env, "env", err) < 0)
        return -1;
    if (total > DC_MAX_EXEC_BYTES)
        return xo_err_set(
            err, E2BIG,
            "args and env take %zu bytes as execve() counts them (%zu strings, each with its NUL and a %d-byte pointer); at most %d fit: the kernel's %d (a quarter of the default 8 MiB stack limit) less %d kept for the loader's HOME",
            total, dc->n_args + dc->n_env, BOOT_SPEC_EXEC_PTR,
            DC_MAX_EXEC_BYTES, BOOT_SPEC_EXEC_LIMIT, BOOT_SPEC_EXEC_RESERVE);
    return 0;
}
