/*
 * port_spec.h: one published port, the oci_ports syntax of app.cfg (and
 * docker's -p): "HOSTPORT:CONTAINERPORT[/tcp|/udp]" or
 * "HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]".  The one parser of it:
 * domcfg checks app.cfg with it, netback reads its lease files and the
 * command layer hands the parsed ports on unchanged.
 *
 * HOSTIP is an IPv4 address (common/inet.h); ports are 1..65535 in plain
 * decimal (no sign, no leading zero); the protocol is tcp when not given.
 */
#ifndef XL_OCI_COMMON_PORT_SPEC_H
#define XL_OCI_COMMON_PORT_SPEC_H

#include <netinet/in.h>
#include <stdbool.h>

#include "common/error.h"

/* Longest entry taken, in bytes. */
#define XO_PORT_SPEC_MAX 64
/* Room for the formatted text: "255.255.255.255:65535:65535/tcp" and NUL. */
#define XO_PORT_SPEC_TEXT 32

struct xo_port_spec {
    char host_ip[INET_ADDRSTRLEN]; /* dotted quad, "" = every host address */
    unsigned host_port;            /* 1..65535 */
    unsigned container_port;       /* 1..65535 */
    bool udp;                      /* false: tcp */
};

/*
 * Parses one entry into *p_r (untouched on failure).  Errors (EINVAL) name
 * the entry and the part at fault: "\"70000:80\": host port \"70000\" is
 * not a number from 1 to 65535".
 */
int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err);

/* The entry as text, "[HOSTIP:]HOSTPORT:CONTAINERPORT/PROTO". */
void xo_port_spec_format(char out[XO_PORT_SPEC_TEXT],
                         const struct xo_port_spec *p);

/* "tcp" or "udp". */
const char *xo_port_spec_proto(const struct xo_port_spec *p);

#endif
