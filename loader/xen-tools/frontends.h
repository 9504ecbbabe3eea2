/*
 * frontends.h: making this kernel look again at devices it may have
 * missed.
 *
 * At boot Linux lists the devices in xenstore first and sets its watch
 * for new ones after (6.1, drivers/xen/xenbus/xenbus_probe_frontend.c,
 * frontend_probe_and_watch()): a device dom0 adds between the two (a
 * pod member's root, a late network's vif, added while this guest boots)
 * is never probed, and what waits for it waits in vain.  Writing a node
 * of its frontend directory fires that watch, and the kernel probes a
 * device it does not have (one it has is left alone).
 */
#ifndef XL_OCI_LOADER_FRONTENDS_H
#define XL_OCI_LOADER_FRONTENDS_H

/* How long a wait for a device goes before it asks once (a probed
 * device shows up well within it, unloaded). */
#define FRONTENDS_NUDGE_AFTER_MS 1000

/*
 * For each device of `type` ("vbd", "vif") under this domain's
 * device/TYPE/ whose frontend is still XenbusStateInitialising (no
 * driver has looked at it), writes its `backend-id` again with its own
 * value (only the toolstack writes that node).  Returns how many were
 * written; 0 without xenstore (the host test mode) or with nothing to
 * do.  Best effort: what waits for the device says what is missing.
 */
int frontends_nudge(const char *type);

#endif
