/*
 * port.c: published port specs, the oci_ports syntax shared with docker's
 * -p: "HOSTPORT:CONTAINERPORT[/tcp|/udp]" or
 * "HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]" (tcp when no protocol).
 */
#include "netback/netback.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netback/addr.h"

/* A spec is short; this bounds what is copied and echoed back. */
#define PORT_SPEC_MAX 64

static int parse_port(unsigned *port_r, const char *s)
{
    if (!isdigit((unsigned char)s[0]) || strlen(s) > 5)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    unsigned long v = strtoul(s, NULL, 10);
    if (v < 1 || v > 65535)
        return -1;
    *port_r = (unsigned)v;
    return 0;
}

int netback_port_parse(struct netback_port *port_r, const char *spec,
                       const char *key, xo_err *err)
{
    char buf[PORT_SPEC_MAX + 1];
    if (!spec || strlen(spec) > PORT_SPEC_MAX)
        return xo_err_set(err, EINVAL, "%s: entry longer than %d bytes", key,
                          PORT_SPEC_MAX);
    /* cannot truncate: the length was checked just above */
    snprintf(buf, sizeof(buf), "%s", spec);
    struct netback_port p = {.udp = false};

    char *proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "udp") == 0)
            p.udp = true;
        else if (strcmp(proto, "tcp") != 0)
            return xo_err_set(err, EINVAL,
                              "%s \"%s\": protocol \"%s\" is not tcp or udp",
                              key, spec, proto);
    }
    char *fields[4];
    int n = 0;
    for (char *s = buf, *c; n < 4; s = c + 1) {
        fields[n++] = s;
        c = strchr(s, ':');
        if (!c)
            break;
        *c = '\0';
    }
    if (n < 2 || n > 3)
        return xo_err_set(
            err, EINVAL,
            "%s \"%s\" is not HOSTPORT:CONTAINERPORT[/tcp|/udp] or HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]",
            key, spec);
    if (n == 3) {
        uint32_t a;
        if (nb_parse_ipv4(&a, fields[0]) < 0)
            return xo_err_set(
                err, EINVAL,
                "%s \"%s\": host address \"%s\" is not an IPv4 address", key,
                spec, fields[0]);
        nb_format_ipv4(p.host_ip, a);
    }
    if (parse_port(&p.host_port, fields[n - 2]) < 0)
        return xo_err_set(
            err, EINVAL,
            "%s \"%s\": host port \"%s\" is not a number from 1 to 65535", key,
            spec, fields[n - 2]);
    if (parse_port(&p.container_port, fields[n - 1]) < 0)
        return xo_err_set(
            err, EINVAL,
            "%s \"%s\": container port \"%s\" is not a number from 1 to 65535",
            key, spec, fields[n - 1]);
    *port_r = p;
    return 0;
}

void netback_port_format(char *buf, size_t len, const struct netback_port *port)
{
    /* cannot truncate: at most 31 bytes, callers give 64 */
    snprintf(buf, len, "%s%s%u:%u/%s", port->host_ip,
             port->host_ip[0] ? ":" : "", port->host_port, port->container_port,
             port->udp ? "udp" : "tcp");
}
