/* status_run.c: the run `xl-oci wait` follows (see status_run.h). */
#include "status_run.h"

bool status_in_backoff(const struct domain_status *st)
{
    return st->state == DOMAIN_STATE_RESTARTING && st->next_restart[0];
}

long status_wait_run(const struct domain_status *st)
{
    return st->restarts + (status_in_backoff(st) ? 1 : 0);
}

bool status_run_ended(const struct domain_status *st, long run)
{
    return status_in_backoff(st) && st->restarts >= run;
}
