/* exec_size.c: execve()'s limits applied to args and env (exec_size.h). */
#include "exec_size.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

/* fs/exec.c's bounds around the stack limit's quarter: _STK_LIM and
 * ARG_MAX (include/uapi/linux/limits.h, 32 pages). */
#define EXEC_STK_LIM (8 * 1024 * 1024)
#define EXEC_ARG_MAX (32 * 4096)

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

/*
 * What execve() takes under the stack limit `soft` (fs/exec.c): a quarter
 * of it, at most three quarters of _STK_LIM (8 MiB), at least ARG_MAX
 * (32 pages).
 */
static uint64_t kernel_limit(uint64_t soft)
{
    uint64_t limit = (uint64_t)EXEC_STK_LIM / 4 * 3;
    if (soft != OCI_RLIM_INFINITY && soft / 4 < limit)
        limit = soft / 4;
    return limit < EXEC_ARG_MAX ? EXEC_ARG_MAX : limit;
}

/* args and env as execve() counts them, each string checked. */
static int exec_total(const struct domain_config *dc, size_t *total_r,
                      xo_err *err)
{
    *total_r = 0;
    if (one_list(total_r, dc->args, dc->n_args, "args", err) < 0 ||
        one_list(total_r, dc->env, dc->n_env, "env", err) < 0)
        return -1;
    return 0;
}

/* oci_rlimits' stack limit, the one the program is started under (runc
 * and the loader set it before execve()); NULL when it sets none. */
static const struct dc_rlimit *stack_rlimit(const struct domain_config *dc)
{
    const struct dc_rlimit *stack = NULL;
    for (size_t i = 0; i < dc->n_rlimits; i++)
        if (dc->rlimits[i].resource == RLIMIT_STACK)
            stack = &dc->rlimits[i];
    return stack;
}

/* `total` against what the kernel takes under the stack limit `soft`,
 * which `limit_name` names in the error; `home_by` adds HOME. */
static int check_under(const struct domain_config *dc, size_t total,
                       uint64_t soft, const char *limit_name,
                       const char *home_by, xo_err *err)
{
    uint64_t kernel = kernel_limit(soft);
    if (kernel >= BOOT_SPEC_EXEC_LIMIT ||
        total <= kernel - BOOT_SPEC_EXEC_RESERVE)
        return 0;
    return xo_err_set(
        err, E2BIG,
        "args and env take %zu bytes as execve() counts them (%zu strings, each with its NUL and a %d-byte pointer); at most %llu fit: the kernel's %llu under %s (a quarter of %llu, at least %d) less %d kept for %s HOME",
        total, dc->n_args + dc->n_env, BOOT_SPEC_EXEC_PTR,
        (unsigned long long)(kernel - BOOT_SPEC_EXEC_RESERVE),
        (unsigned long long)kernel, limit_name, (unsigned long long)soft,
        EXEC_ARG_MAX, BOOT_SPEC_EXEC_RESERVE, home_by);
}

int exec_size_check(const struct domain_config *dc, xo_err *err)
{
    size_t total;
    if (exec_total(dc, &total, err) < 0)
        return -1;
    const struct dc_rlimit *stack = stack_rlimit(dc);
    uint64_t kernel = stack ? kernel_limit(stack->soft) : BOOT_SPEC_EXEC_LIMIT;
    if (kernel < BOOT_SPEC_EXEC_LIMIT)
        return check_under(dc, total, stack->soft, "oci_rlimits' stack limit",
                           "the loader's", err);
    if (total > DC_MAX_EXEC_BYTES && !stack)
        return xo_err_set(
            err, E2BIG,
            "args and env take %zu bytes as execve() counts them (%zu strings, each with its NUL and a %d-byte pointer); at most %d fit: the kernel's %d (a quarter of the default 8 MiB stack limit) less %d kept for the loader's HOME",
            total, dc->n_args + dc->n_env, BOOT_SPEC_EXEC_PTR,
            DC_MAX_EXEC_BYTES, BOOT_SPEC_EXEC_LIMIT, BOOT_SPEC_EXEC_RESERVE);
    if (total > DC_MAX_EXEC_BYTES)
        return xo_err_set(
            err, E2BIG,
            "args and env take %zu bytes as execve() counts them (%zu strings, each with its NUL and a %d-byte pointer); at most %d fit: the boot spec carries %d (the kernel would take %llu under oci_rlimits' stack limit) less %d kept for the loader's HOME",
            total, dc->n_args + dc->n_env, BOOT_SPEC_EXEC_PTR,
            DC_MAX_EXEC_BYTES, BOOT_SPEC_EXEC_LIMIT, (unsigned long long)kernel,
            BOOT_SPEC_EXEC_RESERVE);
    return 0;
}

int exec_size_check_inherited(const struct domain_config *dc,
                              uint64_t inherited_soft, const char *limit_name,
                              const char *home_by, xo_err *err)
{
    size_t total;
    if (exec_total(dc, &total, err) < 0)
        return -1;
    if (stack_rlimit(dc))
        return exec_size_check(dc, err);
    return check_under(dc, total, inherited_soft, limit_name, home_by, err);
}
