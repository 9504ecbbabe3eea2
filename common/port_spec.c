/* port_spec.c: oci_ports entries (see port_spec.h). */
#include "common/port_spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/inet.h"

/* 1..65535, decimal digits only, no leading zero; 0 otherwise. */
static unsigned parse_port(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || s[0] == '0')
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v <= 65535 ? v : 0;
}

int xo_port_spec_parse(struct xo_port_spec *p_r, const char *spec, xo_err *err)
{
    size_t len = spec ? strnlen(spec, XO_PORT_SPEC_MAX + 1) : 0;
    if (!spec || len > XO_PORT_SPEC_MAX)
        return xo_err_set(err, EINVAL, "\"%.*s...\": longer than %d bytes",
                          XO_PORT_SPEC_MAX, spec ? spec : "", XO_PORT_SPEC_MAX);
    char buf[XO_PORT_SPEC_MAX + 1];
    memcpy(buf, spec, len + 1);
    struct xo_port_spec p = {.udp = false};

    char *proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "udp") == 0)
            p.udp = true;
        else if (strcmp(proto, "tcp") != 0)
            return xo_err_set(err, EINVAL,
                              "\"%s\": protocol \"%s\" is not tcp or udp", spec,
                              proto);
    }
    /* Split at ':' into at most four fields (four is already too many). */
    char *fields[4];
    int n = 0;
    for (char *s = buf;;) {
        fields[n++] = s;
        char *c = strchr(s, ':');
        if (!c || n == 4)
            break;
        *c = '\0';
        s = c + 1;
    }
    if (n < 2 || n > 3)
        return xo_err_set(
            err, EINVAL,
            "\"%s\" is not HOSTPORT:CONTAINERPORT[/tcp|/udp] or HOSTIP:HOSTPORT:CONTAINERPORT[/tcp|/udp]",
            spec);
    if (n == 3) {
        struct in_addr a;
        if (xo_inet_parse(&a, AF_INET, fields[0], NULL) < 0)
            return xo_err_set(
                err, EINVAL,
                "\"%s\": host address \"%s\" is not an IPv4 address", spec,
                fields[0]);
        inet_ntop(AF_INET, &a, p.host_ip, sizeof(p.host_ip));
    }
    if (!(p.host_port = parse_port(fields[n - 2])))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": host port \"%s\" is not a number from 1 to 65535", spec,
            fields[n - 2]);
    if (!(p.container_port = parse_port(fields[n - 1])))
        return xo_err_set(
            err, EINVAL,
            "\"%s\": container port \"%s\" is not a number from 1 to 65535",
            spec, fields[n - 1]);
    *p_r = p;
    return 0;
}

const char *xo_port_spec_proto(const struct xo_port_spec *p)
{
    return p->udp ? "udp" : "tcp";
}

void xo_port_spec_format(char out[XO_PORT_SPEC_TEXT],
                         const struct xo_port_spec *p)
{
    /* cannot truncate: 15 + 1 + 5 + 1 + 5 + 4 bytes and the NUL */
    snprintf(out, XO_PORT_SPEC_TEXT, "%s%s%u:%u/%s", p->host_ip,
             p->host_ip[0] ? ":" : "", p->host_port, p->container_port,
             xo_port_spec_proto(p));
}
