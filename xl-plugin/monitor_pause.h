/*
 * monitor_pause.h: when the monitor takes a plain `xl pause`/`xl unpause`
 * into DomainStatus.  Xen sends no event for a pause, so the monitor looks
 * every few seconds and compares Xen's paused flag with DomainStatus's
 * state.  A disagreement is acted on only once it has lasted
 * PAUSE_SETTLE_MS: `xl-oci pause` writes the state just before it asks
 * libxl, so for a moment the two disagree with nobody's pause behind it
 * (lab 17 journaled "unpaused paused" around one `xl-oci pause`), while a
 * real `xl pause` keeps disagreeing.  Comparing with the state rather than
 * with the last look still catches `xl-oci unpause` followed at once by
 * `xl pause` (CI's lab 17 once missed it).
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_PAUSE_H
#define XL_OCI_XL_PLUGIN_MONITOR_PAUSE_H

#include <stdbool.h>

#include "common/abi/domain_status.h"

/* How long Xen and DomainStatus must disagree, dom0 monotonic ms. */
#define PAUSE_SETTLE_MS 1500

struct pause_tracker {
    bool ran;             /* Xen was seen running it unpaused once */
    bool disagreeing;     /* the last look disagreed ... */
    bool disagree_paused; /* ... with Xen's flag this value ... */
    long long since_ms;   /* ... since this time */
};

/* What a look at (Xen's `paused`, DomainStatus's `state`) at `now_ms`
 * decides: 1 to write `paused` (or back running/booting, as `paused`
 * says) and journal it, 0 to leave DomainStatus alone.  A domain is born
 * paused (create unpauses it), so nothing is decided before Xen has run
 * it once; only running/booting and paused change into each other. */
int monitor_pause_decide(struct pause_tracker *t, bool paused,
                         enum domain_state state, long long now_ms);

#endif
