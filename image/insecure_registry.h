/*
 * insecure_registry.h: the registries an admin told Docker to reach
 * without a verified certificate, and over plain HTTP when they talk no
 * TLS: "insecure-registries" in Docker's /etc/docker/daemon.json (moby's
 * registry.ServiceOptions), honoured by every pull, so `create` reaches a
 * plain-HTTP registry on the LAN as docker does without a flag.
 *
 * Podman's and skopeo's registries.conf says the same in TOML, which no
 * C library of Debian 12 reads: it is not looked at.
 */
#ifndef XL_OCI_IMAGE_INSECURE_REGISTRY_H
#define XL_OCI_IMAGE_INSECURE_REGISTRY_H

#include <stdbool.h>

#include "common/error.h"

/* Longest daemon.json read, bytes. */
#define DAEMON_JSON_MAX (1 << 20)

/*
 * Whether registry `host` ("HOST[:PORT]", a bracketed IPv6 literal
 * allowed) is listed in the insecure-registries of the daemon.json at
 * XL_OCI_DOCKER_DAEMON_JSON, else /etc/docker/daemon.json: an entry equal
 * to HOST[:PORT] (case aside; an "http://" or "https://" before it is
 * dropped, as Docker drops it), or a CIDR ("10.0.0.0/8") holding HOST
 * when HOST is an address literal (names are not resolved for this).
 * A file that does not exist lists nothing; one that cannot be read or
 * parsed, or whose list is not an array of strings, is an error naming
 * the file.
 */
int registry_insecure(bool *insecure_r, const char *host, xo_err *err);

#endif
