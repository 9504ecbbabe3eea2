/*
 * cmd_shutdown_action.c: `xl-oci shutdown-action NAME DOMID REASON`, run
 * by the domain's monitor (which links no libxl) when the domain has shut
 * down: applies on_poweroff, on_reboot or on_crash from the domain's saved
 * libxl config.  A restart creates the domain again and records the new
 * domid in DomainStatus, where the monitor picks it up.  With REASON
 * "restart-policy" it is the restart policy's start after its backoff
 * (monitor_restart.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "create.h"
#include "journal.h"
#include "create_ramdisk.h"
#include "loopdev.h"
#include "qdisk_share.h"
#include "share_views.h"
#include "monitor_restart.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include <libxl_utils.h>
#include "xl_oci.h"
#include "common/fault.h"
#include "common/xenlight_lib.h"

int create_load_saved_config(libxl_ctx *ctx, const char *name,
                             libxl_domain_config *d, xo_err *err)
{
    char dir[4096], path[4096];
    char *json = NULL;
    if (state_domain_dir(dir, sizeof(dir), cmd_state_root(), name, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/domain-config.json", dir) <
            0 ||
        xo_read_file(&json, NULL, path, 1024 * 1024, err) < 0)
        return -1;
    int rc = xo_xl.domain_config_from_json(ctx, d, json);
    free(json);
    if (rc)
        return xo_err_set(err, EINVAL, "%s: libxl cannot read it", path);
    return 0;
}

/* Every disk's file or device is still there: one moved or removed since
 * create would fail deep in libxl ("could not create the domain") or its
 * hotplug script, naming nothing (lab 17: the root volume moved away). */
static int check_disk_paths(const libxl_domain_config *d, xo_err *err)
{
    for (int i = 0; i < d->num_disks; i++) {
        const libxl_device_disk *disk = &d->disks[i];
        struct stat st;
        if (disk->pdev_path && disk->pdev_path[0] == '/' &&
            stat(disk->pdev_path, &st) < 0)
            return xo_err_sys(err, "disk %s: %s", disk->vdev ? disk->vdev : "?",
                              disk->pdev_path);
    }
    return 0;
}

int create_from_saved_config(libxl_ctx *ctx, const libxl_domain_config *saved,
                             uint32_t *domid_r, xo_err *err)
{
    /* The saved config names files; attach them afresh, as create does. */
    libxl_domain_config d;
    xo_xl.domain_config_init(&d);
    xo_xl.domain_config_copy(ctx, &d, saved);
    struct loop_holds loops;
    int rc = check_disk_paths(&d, err);
    if (rc == 0)
        rc = create_ramdisk_restore(&d, err);
    /* Shares are served from views, which a dom0 restart unmounted. */
    if (rc == 0 && d.num_p9s > 0)
        rc = share_views_ensure(cmd_state_root(), d.c_info.name, err);
    /* What QEMU serves is shared by the rule loop devices follow: another
     * domain may have taken the image while this one was down. */
    struct xo_xs *xs = rc == 0 ? xo_xs_open() : NULL;
    if (rc == 0 && !xs)
        rc = xo_err_sys(err, "cannot open xenstore");
    if (rc == 0)
        rc = xen_qdisk_check_sharing(xs, &d, err);
    xo_xs_close(xs);
    if (rc == 0 && (rc = loopdev_attach_disks(
                        &d, &loops, LOOPDEV_WAIT_RESTART_MS, err)) == 0) {
        rc = xo_xl.domain_create_new(ctx, &d, domid_r, NULL, NULL);
        loopdev_holds_release(&loops);
        if (rc)
            xo_err_set(err, EIO, "libxl could not create the domain again");
    }
    create_ramdisk_drop(&d);
    xo_xl.domain_config_dispose(&d);
    if (rc)
        return -1;
    if (xo_xl.domain_unpause(ctx, *domid_r, NULL)) {
        xo_xl.domain_destroy(ctx, *domid_r, NULL);
        return xo_err_set(err, EIO, "libxl could not unpause domain %u",
                          *domid_r);
    }
    return 0;
}

static int restart(struct xen_handles *h, const char *name, uint32_t domid,
                   const libxl_domain_config *saved, xo_err *err)
{
    struct domain_status st;
    if (status_read(h->xs, name, &st, err) < 0)
        return -1;
    if (domid != (uint32_t)INVALID_DOMID)
        xo_xl.domain_destroy(h->ctx, domid, NULL);
    XO_FAULT_POINT("shutdown-action.destroyed");
    uint32_t newid = 0;
    if (create_from_saved_config(h->ctx, saved, &newid, err) < 0)
        return -1;
    XO_FAULT_POINT("shutdown-action.recreated");
    /* next-restart before restarts, as monitor_restart_done (wait). */
    if (xen_publish_domain(h, name, newid, err) < 0 ||
        status_remove_field(h->xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, err) <
            0 ||
        status_setf(h->xs, name, DOMAIN_STATUS_KEY_RESTARTS, err, "%ld",
                    st.restarts + 1) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_EXIT_CODE, "", err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_ERROR, "", err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_STARTED, "", err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_FINISHED, "", err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_ENDED_BY, "", err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_OOM_KILLED, "", err) < 0 ||
        status_remove_field(h->xs, name, DOMAIN_STATUS_KEY_NET, err) < 0 ||
        status_set_state(h->xs, name, DOMAIN_STATE_BOOTING, err) < 0)
        return -1;
    xo_info("domain %s restarted as domid %u", name, newid);
    return 0;
}

/* The action the config gives for a shutdown `reason` (libxl's names). */
static libxl_action_on_shutdown pick_action(const libxl_domain_config *d,
                                            const char *reason)
{
    libxl_shutdown_reason r = LIBXL_SHUTDOWN_REASON_UNKNOWN;
    xo_xl.shutdown_reason_from_string(reason, &r);
    switch (r) {
    case LIBXL_SHUTDOWN_REASON_REBOOT:
        return d->on_reboot;
    case LIBXL_SHUTDOWN_REASON_CRASH:
        return d->on_crash;
    case LIBXL_SHUTDOWN_REASON_WATCHDOG:
        return d->on_watchdog;
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
        return d->on_soft_reset;
    default:
        return d->on_poweroff;
    }
}

/* Applies the action for `reason` to the container's domain `domid`:
 * 0 done (or not ours), 1 when a restart could not run (recorded,
 * SHUTDOWN_ACTION_EXIT_RESTART_FAILED), -1 with err. */
static int apply(struct xen_handles *h, const char *name, uint32_t domid,
                 const char *reason, xo_err *err)
{
    /* Only the container's domain is ours to act on, known by its UUID
     * whatever its name (helper-69: after `xl rename` the shut down
     * domain was left in Xen with its devices); a suspend is the saver's
     * (xl save, migrate), as xl's own domain watch leaves it. */
    struct domain_status st;
    xo_err gone = XO_ERR_INIT;
    bool ours = false;
    if (status_read(h->xs, name, &st, &gone) == 0) {
        uint32_t mine;
        ours = xen_container_domid(h, name, &st, &mine) == 0 && mine == domid;
    }
    xo_err_clear(&gone);
    if (!ours || strcmp(reason, "suspend") == 0)
        return 0;

    libxl_domain_config d;
    xo_xl.domain_config_init(&d);
    libxl_action_on_shutdown a = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    if (create_load_saved_config(h->ctx, name, &d, err) == 0) {
        a = pick_action(&d, reason);
    } else {
        /* Without its config the domain cannot be restarted; destroying
         * it, xl's default, frees its memory and devices. */
        xo_warn("%s; destroying %s", xo_err_msg(err), name);
        xo_err_clear(err);
    }
    xo_info("domain %s (%u) shut down (%s): %s", name, domid, reason,
            xo_xl.action_on_shutdown_to_string(a));
    int rc = 0;
    switch (a) {
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART:
    case LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME:
    case LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART:
        if (restart(h, name, domid, &d, err) < 0) {
            /* A restart that cannot run (its root volume's file moved
             * away, a disk image gone) leaves the container halted with
             * the error, as Docker leaves it exited: the monitor, which
             * finds it still halting, journals the run's exit and writes
             * the final state, and `start` runs it once the cause is
             * gone (it was broken for good, and destroy the only way
             * out).  restart() destroyed the old domain first; had it
             * failed before that, start names the domain left. */
            xo_warn("%s: restart failed: %s", name, xo_err_msg(err));
            xo_err e = XO_ERR_INIT;
            status_setf(h->xs, name, DOMAIN_STATUS_KEY_ERROR, &e,
                        "restart failed: %s", xo_err_msg(err));
            xo_err_clear(&e);
            xo_err_clear(err);
            rc = 1;
        }
        break;
    case LIBXL_ACTION_ON_SHUTDOWN_PRESERVE:
        break;
    default:
        if (xo_xl.domain_destroy(h->ctx, domid, NULL))
            rc = xo_err_set(err, EIO, "libxl could not destroy %s (%u)", name,
                            domid);
        break;
    }
    xo_xl.domain_config_dispose(&d);
    return rc;
}

/*
 * The restart policy's start after its backoff (the monitor runs us with
 * REASON MONITOR_RESTART_REASON): the container's domain was destroyed by
 * its shutdown action (or, preserved, is destroyed now) and is created
 * again from the saved config, unless a stop ended the policy meanwhile.
 */
static int policy_restart(struct xen_handles *h, const char *name, xo_err *err)
{
    /* Only a container still in its backoff: a destroy may have taken the
     * global lock first (it killed the monitor that ran us, not us), and
     * a name created again meanwhile is another container.  Any write
     * here would make a DomainStatus node again for one that is gone
     * (helper-88; lab 35 found one left). */
    struct domain_status cur;
    xo_err gone = XO_ERR_INIT;
    if (status_read(h->xs, name, &cur, &gone) < 0 ||
        cur.state != DOMAIN_STATE_RESTARTING) {
        xo_err_clear(&gone);
        xo_info("domain %s: no longer in its restart backoff: nothing to do",
                name);
        return 0;
    }
    if (monitor_restart_stop_requested(h->xs, name)) {
        xo_info("domain %s: stopped in its restart backoff", name);
        return status_set_state(h->xs, name, DOMAIN_STATE_HALTED, err);
    }
    libxl_domain_config d;
    xo_xl.domain_config_init(&d);
    uint32_t old;
    int rc = -1;
    if (create_load_saved_config(h->ctx, name, &d, err) < 0)
        goto out;
    /* restart() destroys the old domain first: one that a preserve
     * action kept, or none; known by its UUID, never a domain that only
     * took the name during the backoff (helper-69). */
    struct domain_status st;
    if (status_read(h->xs, name, &st, err) < 0)
        goto out;
    if (xen_container_domid(h, name, &st, &old) != 0)
        old = INVALID_DOMID;
    if (restart(h, name, old, &d, err) < 0)
        goto out;
    rc = 0;
out:
    xo_xl.domain_config_dispose(&d);
    if (rc < 0) {
        /* Halted with the error, as a failed restart on shutdown above;
         * the monitor, which finds it no longer restarting, is done. */
        xo_warn("%s: restart failed: %s", name, xo_err_msg(err));
        xo_err e = XO_ERR_INIT;
        status_setf(h->xs, name, DOMAIN_STATUS_KEY_ERROR, &e,
                    "restart failed: %s", xo_err_msg(err));
        status_remove_field(h->xs, name, DOMAIN_STATUS_KEY_NEXT_RESTART, &e);
        xo_err_clear(&e);
        status_set_state(h->xs, name, DOMAIN_STATE_HALTED, &e);
        xo_err_clear(&e);
        journal_note(cmd_state_root(), EVENT_RESTART_FAILED, name,
                     xo_err_msg(err));
        xo_err_clear(err);
        rc = 0;
    }
    return rc;
}

int main_shutdown_action(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "shutdown-action", 3)) != -1)
        ;
    const char *name = argv[optind], *reason = argv[optind + 2];
    char *end;
    errno = 0;
    unsigned long domid = strtoul(argv[optind + 1], &end, 10);
    if (errno || *end || end == argv[optind + 1] || domid == 0 ||
        domid >= 0x7ff0) {
        fprintf(stderr, "xl-oci shutdown-action: bad domid '%s'\n",
                argv[optind + 1]);
        return XO_EXIT_USAGE;
    }
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    /* Under the global lock, like every command that changes domains: a
     * destroy of this domain runs either wholly before (then the domain
     * is no longer NAME's and nothing is done) or wholly after. */
    int lock = -1;
    bool policy = strcmp(reason, MONITOR_RESTART_REASON) == 0;
    int done = -1;
    if (xen_open(&h, &err) == 0 &&
        (lock = state_lock(cmd_state_root(), &err)) >= 0)
        done = policy ? policy_restart(&h, name, &err)
                      : apply(&h, name, (uint32_t)domid, reason, &err);
    int rc = done < 0    ? cmd_fail(&err)
             : done == 1 ? SHUTDOWN_ACTION_EXIT_RESTART_FAILED
                         : XO_EXIT_OK;
    if (lock >= 0)
        close(lock);
    xen_close(&h);
    return rc;
}
