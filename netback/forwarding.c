/* forwarding.c: host-wide forwarding for nat networks (forwarding.h). */
#include "netback/forwarding.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netback/link.h"
#include "netback/nft.h"

#define IP4_FORWARD "/proc/sys/net/ipv4/ip_forward"
#define IP6_FORWARD "/proc/sys/net/ipv6/conf/all/forwarding"
#define IP6_CONF "/proc/sys/net/ipv6/conf"

/* accept_ra 1 -> 2 on every interface, so that turning all.forwarding on
 * does not make dom0 drop the router advertisements it lives on. */
static int keep_router_advertisements(xo_err *err)
{
    DIR *d = opendir(IP6_CONF);
    if (!d)
        return xo_err_sys(err, "cannot open %s", IP6_CONF);
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "all") == 0 ||
            strcmp(e->d_name, "lo") == 0)
            continue;
        char path[256], c = 0;
        if (nb_sysctl_dev_path(path, sizeof(path), "ipv6", e->d_name,
                               "accept_ra", err) < 0)
            rc = -1;
        else if (nb_sysctl_read1(path, &c, err) < 0) {
            /* The device went away while we looked: nothing to keep. */
            if (err->errnum == ENOENT) {
                xo_err_clear(err);
                continue;
            }
            rc = -1;
        } else if (c == '1') {
            rc = nb_sysctl_write(path, "2", err);
        }
    }
    closedir(d);
    return rc;
}

/* Forwarding on through sysctl `path`, with guard `bit` when it was off. */
static int turn_on(const char *path, unsigned bit, xo_err *err)
{
    char c = 0;
    if (nb_sysctl_read1(path, &c, err) < 0)
        return -1;
    if (c != '0')
        return 0; /* on already: the admin's, or ours with its guard */
    if (nb_nft_guard_add(bit, err) < 0)
        return -1;
    if (bit == NB_GUARD6 && keep_router_advertisements(err) < 0)
        return -1;
    return nb_sysctl_write(path, "1", err);
}

int nb_forwarding_on(bool ipv6, xo_err *err)
{
    if (turn_on(IP4_FORWARD, NB_GUARD4, err) < 0 ||
        (ipv6 && turn_on(IP6_FORWARD, NB_GUARD6, err) < 0))
        return xo_err_wrap(err, "turning on forwarding for nat networks");
    return 0;
}

int nb_forwarding_off(unsigned guards, xo_err *err)
{
    if (((guards & NB_GUARD4) && nb_sysctl_write(IP4_FORWARD, "0", err) < 0) ||
        ((guards & NB_GUARD6) && nb_sysctl_write(IP6_FORWARD, "0", err) < 0))
        return xo_err_wrap(err, "turning off the forwarding xl-oci turned on");
    return 0;
}
