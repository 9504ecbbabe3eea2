/* nohyper_net.c: a NOHYPER container's network namespace and its veth
 * pairs (see nohyper_net.h). */
#include "nohyper_net.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/pathfmt.h"
#include "netback/netback.h"

int nohyper_netns_path(char *buf, size_t len, const char *dir, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/netns", dir);
}

/*
 * A new network namespace kept by a bind mount on `path` (an empty file
 * made first): a child unshares and mounts its own /proc/self/ns/net
 * there, so this process never leaves its namespace.
 */
static int netns_make(const char *path, xo_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0)
        return xo_err_sys(err, "cannot create %s", path);
    close(fd);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        unlink(path);
        return xo_err_sys(err, "cannot fork for a network namespace");
    }
    if (pid == 0) {
        if (unshare(CLONE_NEWNET) < 0)
            _exit(1);
        if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
            _exit(2);
        _exit(0);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        return 0;
    unlink(path);
    return xo_err_set(err, EPERM, "cannot make the network namespace %s (%s)",
                      path,
                      WIFEXITED(ws) && WEXITSTATUS(ws) == 1
                          ? "unshare(CLONE_NEWNET)"
                          : "bind mount of /proc/self/ns/net");
}

static int netns_remove(const char *path, xo_err *err)
{
    /* EINVAL: not a mount point (any more); ENOENT: never made. */
    if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
        errno != ENOENT)
        return xo_err_sys(err, "cannot unmount %s", path);
    if (unlink(path) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", path);
    return 0;
}

int nohyper_net_up(const char *root, const char *dir,
                   const struct domain_config *dc, xo_err *err)
{
    char path[4096];
    if (!dc->netns_path)
        return 0;
    if (nohyper_netns_path(path, sizeof(path), dir, err) < 0 ||
        netns_make(path, err) < 0)
        return -1;
    unsigned eth = 0;
    long gw4, gw6;
    domcfg_default_routes(dc, &gw4, &gw6);
    for (size_t i = 0; i < dc->n_vifs; i++) {
        const struct dc_vif *v = &dc->vifs[i];
        char host[IFNAMSIZ], ifname[IFNAMSIZ];
        if (!v->network)
            continue;
        /* cannot truncate: "eth" and at most 3 digits (DC_MAX_VIFS) */
        snprintf(ifname, sizeof(ifname), "eth%u", eth);
        if (netback_veth_name(host, dc->name, (unsigned)i, err) < 0 ||
            netback_veth_attach(root, v->network, dc->name, host, path, ifname,
                                (long)i == gw4, dc->gateway, (long)i == gw6,
                                err) < 0) {
            xo_err ignore = XO_ERR_INIT;
            nohyper_net_down(root, dc->name, dir, &ignore);
            xo_err_clear(&ignore);
            return xo_err_wrap(err, "oci_network \"%s\"", v->network);
        }
        eth++;
    }
    return 0;
}

int nohyper_net_down(const char *root, const char *name, const char *dir,
                     xo_err *err)
{
    char path[4096];
    if (netback_veth_detach(root, name, err) < 0 ||
        nohyper_netns_path(path, sizeof(path), dir, err) < 0)
        return -1;
    return netns_remove(path, err);
}
