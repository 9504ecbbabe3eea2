/* port_choose.c: host ports chosen for published ports (port_choose.h). */
#include "netback/port_choose.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "netback/port_probe.h"

/* The kernel's default net.ipv4.ip_local_port_range. */
#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999

void nb_ephemeral_range(unsigned *lo_r, unsigned *hi_r)
{
    *lo_r = EPHEMERAL_LO;
    *hi_r = EPHEMERAL_HI;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
    if (!f)
        return;
    unsigned lo, hi;
    if (fscanf(f, "%u %u", &lo, &hi) == 2 && lo >= 1 && lo <= hi &&
        hi <= 65535) {
        *lo_r = lo;
        *hi_r = hi;
    }
    fclose(f);
}

static bool clashes(const struct xo_port_spec *q,
                    const struct xo_port_spec *set, size_t n, size_t skip)
{
    for (size_t i = 0; i < n; i++)
        if (i != skip && xo_port_spec_clash(q, &set[i]))
            return true;
    return false;
}

/* The lowest free port of p's range into p->host_port; 0, 1 when the
 * range has none, -1 on an error of the probe. */
static int choose_one(struct xo_port_spec *ports, size_t n, size_t i,
                      const struct xo_port_spec *taken, size_t n_taken,
                      unsigned lo, unsigned hi, xo_err *err)
{
    for (unsigned port = lo; port <= hi; port++) {
        struct xo_port_spec q = ports[i];
        q.host_port = port;
        if (clashes(&q, taken, n_taken, (size_t)-1) || clashes(&q, ports, n, i))
            continue;
        enum nb_port_probe probe;
        if (nb_port_probe(&q, &probe, err) < 0)
            return -1;
        if (probe != NB_PORT_IN_USE) { /* not local: refused when checked */
            ports[i].host_port = port;
            return 0;
        }
    }
    return 1;
}

int nb_ports_choose(struct xo_port_spec *ports, size_t n,
                    const struct xo_port_spec *taken, size_t n_taken,
                    xo_err *err)
{
    unsigned eph_lo, eph_hi;
    nb_ephemeral_range(&eph_lo, &eph_hi);
    size_t i;
    int r = 0;
    for (i = 0; i < n && r == 0; i++) {
        if (ports[i].host_port)
            continue;
        unsigned lo = ports[i].host_first ? ports[i].host_first : eph_lo;
        unsigned hi = ports[i].host_first ? ports[i].host_last : eph_hi;
        r = choose_one(ports, n, i, taken, n_taken, lo, hi, err);
        if (r > 0) {
            char text[XO_PORT_SPEC_TEXT];
            xo_port_spec_format(text, &ports[i]);
            xo_err_set(
                err, EADDRINUSE,
                "oci_ports \"%s\": no free host port from %u to %u (all taken by other containers or host services)",
                text, lo, hi);
        }
    }
    return r == 0 ? 0 : -1;
}
