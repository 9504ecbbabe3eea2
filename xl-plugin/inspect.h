/*
 * inspect.h: the record `xl-oci inspect` shows, as one JSON object:
 *   name
 *   config       {file, oci_image, oci_root, root_volume, hostname,
 *                 process: {args, env, cwd, uid, gid, additional_gids,
 *                 terminal}}: the state dir's app.cfg and runtime spec
 *   labels       {KEY: VALUE}, read-only (metastore.h)
 *   annotations  {KEY: VALUE}, writable (xl-oci annotate)
 *   status       DomainStatus (status_json.h), null when there is none
 *   leases       [{network, interface, mac, ipv4, ipv6, static, vif,
 *                 ports}]: what netback gave it
 *   volumes      [{destination, source, type, read_only}]
 */
#ifndef XL_OCI_XL_PLUGIN_INSPECT_H
#define XL_OCI_XL_PLUGIN_INSPECT_H

#include <json-c/json.h>

#include "common/error.h"

struct xo_xs;

/* The record of container `name` (*out_r, a new reference); ENOENT when
 * it has no state dir, else an error naming the file at fault. */
int inspect_collect(json_object **out_r, struct xo_xs *xs, const char *root,
                    const char *name, xo_err *err);

/* The record on stdout as JSON, or as text; -1 when stdout fails. */
int inspect_print_json(json_object *rec);
int inspect_print_text(json_object *rec);

#endif
