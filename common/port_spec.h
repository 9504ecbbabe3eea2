/*
 * port_spec.h: published ports, the oci_ports syntax of app.cfg (and
 * docker's -p): "[HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]", an IPv6
 * HOSTIP in brackets as Docker and Podman write it
 * ("[2001:db8::1]:8080:80").  The one parser of it: domcfg checks app.cfg
 * with it, netback reads its lease files and the command layer hands the
 * parsed ports on unchanged.
 *
 * Ports, as Docker reads them (its nat.ParsePortSpec): HOSTPORT and
 * CONTAINERPORT are 1..65535 in plain decimal (no sign, no leading zero)
 * or ranges LOW-HIGH of them.  Ranges of one size map port to port
 * ("8000-8002:80-82" is three entries); a host range for one container
 * port ("8000-8010:80") is where one free host port is chosen; no HOSTPORT
 * ("80", "127.0.0.1::80") means a free port of the kernel's ephemeral
 * range (net.ipv4.ip_local_port_range).  Chosen ports are chosen when
 * netback publishes them (netback_publish()), free of other containers'
 * ports and of host services, and kept in the lease.  The protocol is tcp
 * when not given.
 *
 * Where a port is published, as Docker does it: without HOSTIP on every
 * host address, IPv4 and (when the container's network has IPv6) IPv6;
 * with 0.0.0.0 or [::] on every host address of that family only; with
 * any other HOSTIP on that address only.  HOSTIP is inet_pton()'s grammar
 * (common/inet.h); an IPv6 one must not be ::1 (Linux routes no packet
 * between ::1 and another device, so DNAT from it cannot work) nor an
 * IPv4-mapped address (write it as IPv4).
 */
#ifndef XL_OCI_COMMON_PORT_SPEC_H
#define XL_OCI_COMMON_PORT_SPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/error.h"

/* Longest entry taken, in bytes: the longest valid one is 75, "[" and
 * 45 bytes of address "]:65535-65535:65535-65535/tcp". */
#define XO_PORT_SPEC_MAX 80
/* Room for the formatted text: "[" 45 "]:65535-65535:65535/tcp" and NUL. */
#define XO_PORT_SPEC_TEXT 80
/* Ports one container publishes, ranges counted port by port. */
#define XO_PORT_SPEC_MAX_PORTS 64

struct xo_port_spec {
    /* inet_ntop()'s text of HOSTIP, without brackets; "" when not given */
    char host_ip[INET6_ADDRSTRLEN];
    int family; /* AF_INET, AF_INET6; AF_UNSPEC without HOSTIP */
    /* 1..65535; 0 while still to be chosen, from host_first..host_last
     * or (both 0) the kernel's ephemeral range */
    unsigned host_port;
    unsigned host_first, host_last;
    unsigned container_port; /* 1..65535 */
    bool udp;                /* false: tcp */
};

/*
 * Parses one entry of one port into *p_r (untouched on failure): a range
 * of container ports is refused.  Errors (EINVAL) name the entry and the
 * part at fault: "\"70000:80\": host port \"70000\" is not a number
 * from 1 to 65535 or a range LOW-HIGH of them".
 */
int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err);

/*
 * Parses one oci_ports entry into out[0..*n_r), a port each (a range of
 * container ports is several), at most `room`.  Errors as
 * xo_port_spec_parse(), and E2BIG when the entry has more than `room`.
 */
int xo_port_spec_expand(struct xo_port_spec *out, size_t room, size_t *n_r,
                        const char *spec, xo_err *err);

/* The entry as text, "[HOSTIP:]HOSTPORT:CONTAINERPORT/PROTO", an IPv6
 * HOSTIP in brackets; a port still to choose as the range it comes from
 * ("8000-8010:80/tcp") or none ("80/tcp", "10.0.0.1::80/tcp");
 * xo_port_spec_parse() reads it back unchanged. */
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
 * port, and a host address in common.  A port still to choose clashes
 * with nothing yet. */
bool xo_port_spec_clash(const struct xo_port_spec *a,
                        const struct xo_port_spec *b);

#endif
