/*
 * port_spec.h: one published port, the oci_ports syntax of app.cfg (and
 * docker's -p): "HOSTPORT:CONTAINERPORT[/tcp|/udp]",
 * "HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]" or, for an IPv6 host address,
 * "[HOSTIP6]:HOSTPORT:CONTAINERPORT[/tcp|/udp]" (the brackets Docker and
 * Podman use).  The one parser of it: domcfg checks app.cfg with it,
 * netback reads its lease files and the command layer hands the parsed
 * ports on unchanged.
 *
 * Where a port is published, as Docker does it: without HOSTIP on every
 * host address, IPv4 and (when the container's network has IPv6) IPv6;
 * with 0.0.0.0 or [::] on every host address of that family only; with
 * any other HOSTIP on that address only.  HOSTIP is inet_pton()'s grammar
 * (common/inet.h); an IPv6 one must not be ::1 (Linux routes no packet
 * between ::1 and another device, so DNAT from it cannot work) nor an
 * IPv4-mapped address (write it as IPv4).  Ports are 1..65535 in plain
 * decimal (no sign, no leading zero); the protocol is tcp when not given.
 */
#ifndef XL_OCI_COMMON_PORT_SPEC_H
#define XL_OCI_COMMON_PORT_SPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "common/error.h"

/* Longest entry taken, in bytes: the longest valid one is 63,
 * "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535:65535/tcp". */
#define XO_PORT_SPEC_MAX 64
/* Room for the formatted text: "[" 45 "]:65535:65535/tcp" and NUL. */
#define XO_PORT_SPEC_TEXT 64

struct xo_port_spec {
    /* inet_ntop()'s text of HOSTIP, without brackets; "" when not given */
    char host_ip[INET6_ADDRSTRLEN];
    int family;              /* AF_INET, AF_INET6; AF_UNSPEC without HOSTIP */
    unsigned host_port;      /* 1..65535 */
    unsigned container_port; /* 1..65535 */
    bool udp;                /* false: tcp */
};

/*
 * Parses one entry into *p_r (untouched on failure).  Errors (EINVAL) name
 * the entry and the part at fault: "\"70000:80\": host port \"70000\" is
 * not a number from 1 to 65535".
 */
int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err);

/* The entry as text, "[HOSTIP:]HOSTPORT:CONTAINERPORT/PROTO", an IPv6
 * HOSTIP in brackets; xo_port_spec_parse() reads it back unchanged. */
void xo_port_spec_format(char out[XO_PORT_SPEC_TEXT],
                         const struct xo_port_spec *p);

/* "tcp" or "udp". */
const char *xo_port_spec_proto(const struct xo_port_spec *p);

/* Is p published on host addresses of `family` (AF_INET or AF_INET6)? */
bool xo_port_spec_has_family(const struct xo_port_spec *p, int family);

/* The one host address p is published on, or NULL when it is published on
 * every host address of its families (no HOSTIP, 0.0.0.0 or ::). */
const char *xo_port_spec_host_addr(const struct xo_port_spec *p);

/* True when a and b would take the same packets: same protocol and host
 * port, and a host address in common. */
bool xo_port_spec_clash(const struct xo_port_spec *a,
                        const struct xo_port_spec *b);

#endif
