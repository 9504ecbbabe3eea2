/*
 * status_json.h: DomainStatus (status.h) as the JSON object `list --json`,
 * `status --json` and `inspect --json` print: name, state, mode, domid,
 * pid, uuid, image, created, started, started_ms, finished, exit_code,
 * error, restarts, and the addresses the guest reported (networks).
 * Apart from status.c because the static monitor links that one without
 * json-c.
 */
#ifndef XL_OCI_XL_PLUGIN_STATUS_JSON_H
#define XL_OCI_XL_PLUGIN_STATUS_JSON_H

#include <json-c/json.h>

#include "status.h"

/* A new object; never NULL (common/json_build.h). */
json_object *status_to_json(const struct domain_status *st);

#endif
