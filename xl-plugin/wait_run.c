/* wait_run.c: the run `xl-oci wait` follows (see wait_run.h). */
#include "wait_run.h"

bool wait_run_in_backoff(const struct domain_status *st)
{
    return st->state == DOMAIN_STATE_RESTARTING && st->next_restart[0];
}

long wait_run_begin(const struct domain_status *st)
{
    return st->restarts + (wait_run_in_backoff(st) ? 1 : 0);
}

bool wait_run_ended(const struct domain_status *st, long run)
{
    return wait_run_in_backoff(st) && st->restarts >= run;
}
