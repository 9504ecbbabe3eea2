/*
 * common/abi/restart_policy.h: the restart policy, app.cfg's oci_restart
 * (domcfg parses it), carried to the monitors in DomainStatus's
 * DOMAIN_STATUS_KEY_RESTART_POLICY and applied by them (the Xen monitor
 * xl-oci-monitor and the NOHYPER monitor alike).  One grammar and one
 * backoff for all of them.
 *
 * Text: "no" | "on-failure" | "on-failure:MAX" | "always" |
 * "unless-stopped".  MAX (1..RESTART_MAX_LIMIT) bounds the container's
 * restarts since create (DomainStatus `restarts`), as Docker's
 * on-failure:MAX does; without it there is no bound.  `always` and
 * `unless-stopped` restart whatever the exit code; they differ only at
 * host boot (a container stopped by `xl-oci stop` stays stopped under
 * unless-stopped).  `xl-oci stop` and `destroy` end any policy.
 *
 * Backoff, as Kubernetes' CrashLoopBackOff: the first restart of a crash
 * loop waits RESTART_BACKOFF_FIRST_MS, each next one twice the one
 * before, at most RESTART_BACKOFF_MAX_MS; a container that ran
 * RESTART_RESET_MS or longer before it exited starts a new loop.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_RESTART_POLICY_H
#define XL_OCI_COMMON_ABI_RESTART_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#define RESTART_BACKOFF_FIRST_MS 1000LL
#define RESTART_BACKOFF_MAX_MS (5 * 60 * 1000LL)
#define RESTART_RESET_MS (10 * 60 * 1000LL)
#define RESTART_MAX_LIMIT 1000000L
/* Bytes of the policy's text, NUL excluded ("on-failure:1000000"). */
#define RESTART_POLICY_TEXT_MAX 32

enum restart_mode {
    RESTART_NO = 0,
    RESTART_ON_FAILURE,
    RESTART_ALWAYS,
    RESTART_UNLESS_STOPPED,
};

struct restart_policy {
    enum restart_mode mode;
    long max; /* on-failure's MAX; 0: no bound */
};

/* Parses the text above; 0, or -1 when the mode is unknown, -2 when
 * MAX is not a number in 1..RESTART_MAX_LIMIT (or given to another
 * mode).  *p_r is set only on success. */
int restart_policy_parse(const char *text, struct restart_policy *p_r);

/* The canonical text into buf[len] (RESTART_POLICY_TEXT_MAX + 1 fits). */
void restart_policy_format(char *buf, size_t len,
                           const struct restart_policy *p);

/* Whether a container that exited with `exit_code` (-1: unknown, which
 * counts as a failure) after `restarts` restarts is started again. */
bool restart_policy_wants(const struct restart_policy *p, int exit_code,
                          long restarts);

/*
 * The backoff: `streak` is the number of restarts of the current crash
 * loop so far and `ran_ms` how long the container ran before it exited.
 * Returns the delay before the next restart in ms and sets *streak_r to
 * the loop's count once that restart is done.
 */
long long restart_backoff_ms(long streak, long long ran_ms, long *streak_r);

#endif
