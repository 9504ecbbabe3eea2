/*
 * fuzz-netspec.c: libFuzzer target for the address grammars every side
 * shares (common/inet.h) and the oci_ports spec (common/port_spec.h), line
 * by line.  Whatever is accepted must survive a round trip: an address
 * through inet_ntop() parses to the same bytes, a port spec formatted
 * parses to the same port.  The whole input (no NUL, any length) also goes
 * to xo_inet_parse_cidrn(), which reads `len` bytes and nothing more.
 * Built without libFuzzer, main() replays corpus files.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inet.h"
#include "common/port_spec.h"
#include "replay.h"

static void check_inet(int family, const char *s)
{
    unsigned char a[16], b[16];
    char text[INET6_ADDRSTRLEN];
    xo_err err = XO_ERR_INIT;
    if (xo_inet_parse(a, family, s, &err) == 0) {
        if (!inet_ntop(family, a, text, sizeof(text)) ||
            xo_inet_parse(b, family, text, NULL) < 0 ||
            memcmp(a, b, family == AF_INET ? 4 : 16) != 0 ||
            !xo_inet_valid(family, s))
            __builtin_trap();
    } else if (!err.msg || xo_inet_valid(family, s)) {
        __builtin_trap();
    }
    xo_err_clear(&err);

    unsigned prefix;
    if (xo_inet_parse_cidr(a, &prefix, family, s, 1, &err) == 0) {
        if (prefix < 1 || prefix > (family == AF_INET ? 32u : 128u) ||
            strlen(s) > XO_INET_CIDR_MAX)
            __builtin_trap();
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
}

static void check_port(const char *s)
{
    struct xo_port_spec p, q;
    char out[XO_PORT_SPEC_TEXT];
    xo_err err = XO_ERR_INIT;
    if (xo_port_spec_parse(&p, s, &err) == 0) {
        xo_port_spec_format(out, &p);
        if (xo_port_spec_parse(&q, out, NULL) < 0 ||
            strcmp(q.host_ip, p.host_ip) != 0 || q.family != p.family ||
            q.host_port != p.host_port ||
            q.container_port != p.container_port || q.udp != p.udp ||
            p.host_port < 1 || p.host_port > 65535 || p.container_port < 1 ||
            p.container_port > 65535 || !xo_port_spec_clash(&p, &q))
            __builtin_trap();
        (void)xo_port_spec_host_addr(&p);
        (void)xo_port_spec_proto(&p);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char a[16];
    unsigned prefix;
    xo_err err = XO_ERR_INIT;
    /* Raw bytes, no NUL after them: ASan catches a read past `size`. */
    uint8_t *raw = malloc(size ? size : 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    if (xo_inet_parse_cidrn(a, &prefix, AF_INET6, (const char *)raw, size, 0,
                            &err) < 0 &&
        !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    if (xo_inet_parse_cidrn(a, &prefix, AF_INET, (const char *)raw, size, 0,
                            &err) < 0 &&
        !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    free(raw);

    char line[512];
    size_t i = 0;
    while (i < size) {
        size_t n = 0;
        while (i < size && data[i] != '\n' && n < sizeof(line) - 1)
            line[n++] = (char)data[i++];
        line[n] = '\0';
        i++;
        check_inet(AF_INET, line);
        check_inet(AF_INET6, line);
        check_port(line);
    }
    return 0;
}
