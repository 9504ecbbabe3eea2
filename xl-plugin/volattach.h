/*
 * volattach.h: a container's managed volumes at create and destroy, the
 * command layer between domcfg (which parses oci_volumes and
 * oci_writable, volumes.h) and the volume store (image/volstore.h), as
 * netattach.h is for networks.
 */
#ifndef XL_OCI_XL_PLUGIN_VOLATTACH_H
#define XL_OCI_XL_PLUGIN_VOLATTACH_H

#include <stdbool.h>

#include "common/error.h"

struct domain_config;

/* The size of an anonymous volume (the image's Volumes): sparse, so it
 * costs what the container writes. */
#define VOLATTACH_ANON_SIZE (1ULL << 30)

/*
 * Attaches dc's managed volumes from the store under `root`: a named
 * volume's record gives its disk image, format and file system; a blank
 * one (--fs none) is formatted ext4 when its entry says ":mkfs" and
 * refused otherwise; anonymous volumes are created ("<container>.anonN",
 * ext4, VOLATTACH_ANON_SIZE, owned by the container).  Unless `dry_run`,
 * dc->name is recorded as each volume's user (read-only or not), so rm
 * refuses them while it lives.  With `dry_run` nothing changes: blank and
 * anonymous volumes are shown as they would be made.  On failure what
 * was done is undone (volattach_release).  Shares: each source must be a
 * directory (made canonical); unless `dry_run`, a read-only one is then
 * served through a read-only view (share_views.h), its source pointing
 * there.
 */
int volattach_resolve(struct domain_config *dc, const char *root, bool dry_run,
                      xo_err *err);

/* The shares' checks alone (each source a directory, made canonical):
 * for a NOHYPER container, which runc binds them into. */
int volattach_check_shares(struct domain_config *dc, xo_err *err);

/*
 * Warns on stderr, once per file system, when the writable disk images of
 * dc (its writable layer's, its volumes', as attached) are sparse and may
 * grow past the space free under them (volattach_space.c): past it the
 * container's writes are lost at writeback with no error.
 */
void volattach_warn_overcommit(const struct domain_config *dc);

/* Undoes volattach_resolve for `container` (destroy, a failed create):
 * the read-only views of its shares (share_views.h), then
 * volstore_release, printing what it removed or kept. */
int volattach_release(const char *root, const char *container, bool keep,
                      xo_err *err);

#endif
