/*
 * cmd_autostart.c: `xl-oci autostart`, run at host boot by
 * xl-oci-autostart.service (as xendomains starts xl's domains): starts
 * again every container that was running when dom0 went down ("down",
 * cmd_container_down) and whose restart policy is always or
 * unless-stopped, and, as Docker's daemon does, an "always" one the user
 * stopped once the host has restarted since.  Its run-state (state.h)
 * tells them apart: one that ended by itself is left alone.
 *
 * A Xen domain lost its DomainStatus with xenstore: it is rebuilt (the
 * restart policy, deadline and image from the saved app.cfg, as create
 * reads it) and the domain is created from the saved libxl config, as
 * the restart policy creates it again: same MAC, addresses, disks and
 * volumes, loop devices attached afresh; then its monitor is started.  A
 * NOHYPER container keeps DomainStatus on disk: its stale runc container
 * is deleted, its root mounted again, and its monitor starts it through
 * runc.  Either way the journal gets "created" with detail "autostart".
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "create.h"
#include "journal.h"
#include "monitor_spawn.h"
#include "nohyper.h"
#include "state.h"
#include "status.h"
#include "xen.h"
#include "volattach.h"
#include "xl_oci.h"
#include "common/xenlight_lib.h"

bool cmd_container_gone(const char *root, const char *name,
                        const struct domain_status *st)
{
    if (!st->nohyper)
        return false; /* its monitor (or monitor_recover) knows */
    /* NOHYPER: its status says it runs, but neither its monitor nor its
     * process is there (a restart waits for monitor_recover instead). */
    if (st->state != DOMAIN_STATE_BOOTING &&
        st->state != DOMAIN_STATE_RUNNING && st->state != DOMAIN_STATE_PAUSED &&
        st->state != DOMAIN_STATE_HALTING)
        return false;
    if (state_monitor_alive(root, name))
        return false;
    return !nohyper_alive(root, name);
}

bool cmd_container_down(const char *root, const char *name, bool have_status,
                        const struct domain_status *st)
{
    if (state_run_get(root, name) != STATE_RUN_RUNNING)
        return false;
    if (!have_status) /* a Xen container's, gone with xenstore */
        return true;
    return cmd_container_gone(root, name, st);
}

/* DomainStatus of a Xen container rebuilt from its saved config, then its
 * domain created again and its monitor started. */
static int start_xen(struct xen_handles *h, const char *name,
                     const struct rendered *r, xo_err *err)
{
    char image[128], now[32];
    uint32_t domid = 0;
    libxl_domain_config d;
    xo_xl.domain_config_init(&d);
    status_now(now, sizeof(now));
    int rc = -1;
    if (create_image_digest(image, sizeof(image), r->dc.root_volume, err) < 0 ||
        create_load_saved_config(h->ctx, name, &d, err) < 0 ||
        status_create(h->xs, name, err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_CREATED, now, err) < 0 ||
        status_set(h->xs, name, DOMAIN_STATUS_KEY_IMAGE, image, err) < 0 ||
        status_write_policies(h->xs, name, &r->dc.restart, r->dc.deadline_s,
                              r->dc.stop_timeout, err) < 0)
        goto out;
    if (create_from_saved_config(h->ctx, &d, &domid, err) < 0)
        goto out;
    if (xen_publish_domain(h, name, domid, err) < 0 ||
        status_set_state(h->xs, name, DOMAIN_STATE_BOOTING, err) < 0 ||
        monitor_spawn(cmd_state_root(), name, err) < 0)
        goto out;
    rc = 0;
out:
    xo_xl.domain_config_dispose(&d);
    if (rc < 0) {
        xo_err e = XO_ERR_INIT;
        status_set(h->xs, name, DOMAIN_STATUS_KEY_ERROR, xo_err_msg(err), &e);
        status_set_state(h->xs, name, DOMAIN_STATE_BROKEN, &e);
        xo_err_clear(&e);
    }
    return rc;
}

/* A NOHYPER container's root mounted again, its network namespace made
 * again, and its monitor started on a status that says it boots. */
static int start_nohyper(struct xen_handles *h, const char *name,
                         struct rendered *r, xo_err *err)
{
    const char *root = cmd_state_root();
    char dir[4096];
    static const char *const cleared[] = {DOMAIN_STATUS_KEY_PID,
                                          DOMAIN_STATUS_KEY_EXIT_CODE,
                                          DOMAIN_STATUS_KEY_FINISHED,
                                          DOMAIN_STATUS_KEY_ERROR,
                                          DOMAIN_STATUS_KEY_ENDED_BY,
                                          DOMAIN_STATUS_KEY_STARTED,
                                          DOMAIN_STATUS_KEY_STOP_REQUESTED,
                                          DOMAIN_STATUS_KEY_OOM_KILLED};
    /* The image's volume targets, kept in the writable layer (a tmpfs
     * one is new): made again where the image lacks them. */
    char **kept = xo_xcalloc(r->dc.n_volumes + 1, sizeof(*kept));
    size_t n_kept = 0;
    for (size_t i = 0; i < r->dc.n_volumes; i++)
        if (r->dc.volumes[i].kind == DC_VOLUME_NAMED &&
            r->dc.volumes[i].anonymous)
            kept[n_kept++] = r->dc.volumes[i].target;
    /* A share's directory is checked before anything changes, as the
     * root volume is: its monitor would find it missing only once it
     * had torn the last run down (helper-85: broken for good). */
    int made =
        volattach_check_shares(&r->dc, err) < 0 ||
                state_domain_dir(dir, sizeof(dir), root, name, err) < 0 ||
                nohyper_teardown(root, name, true, err) < 0 ||
                nohyper_mount(dir, &r->dc, err) < 0 ||
                nohyper_mount_points(dir, kept, n_kept, err) < 0 ||
                nohyper_mount_points(dir, &r->dc.cwd, 1, err) < 0 ||
                create_nohyper_net_again(dir, &r->dc, err) < 0
            ? -1
            : 0;
    free(kept); /* the strings are r's */
    if (made < 0)
        return -1;
    for (size_t i = 0; i < sizeof(cleared) / sizeof(cleared[0]); i++)
        if (status_set(h->xs, name, cleared[i], "", err) < 0)
            return -1;
    if (status_set_state(h->xs, name, DOMAIN_STATE_BOOTING, err) < 0 ||
        monitor_spawn_nohyper(root, name, err) < 0)
        return -1;
    return 0;
}

int cmd_start_again(struct xen_handles *h, const char *name, bool nohyper,
                    struct rendered *r, xo_err *err)
{
    return nohyper ? start_nohyper(h, name, r, err)
                   : start_xen(h, name, r, err);
}

/* When the host booted (/proc/stat's btime, Unix seconds), or -1. */
static long long boot_time(void)
{
    char *text = NULL;
    xo_err err = XO_ERR_INIT;
    long long t = -1;
    if (xo_read_file(&text, NULL, "/proc/stat", 1 << 20, &err) == 0) {
        const char *b = strstr(text, "\nbtime ");
        if (b)
            t = strtoll(b + 7, NULL, 10);
    }
    xo_err_clear(&err);
    free(text);
    return t;
}

/*
 * An "always" container the user stopped starts again once the host has
 * restarted since (Docker's rule; unless-stopped's differs only there):
 * a Xen one has lost its DomainStatus, a NOHYPER one finished before the
 * host booted.
 */
static bool stopped_before_boot(bool have_status,
                                const struct domain_status *st)
{
    if (!have_status)
        return true;
    struct tm tm = {0};
    if (!st->nohyper || !st->finished[0] ||
        !strptime(st->finished, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return false;
    long long boot = boot_time();
    return boot > 0 && (long long)timegm(&tm) < boot;
}

/* 1 when `name` was started, 0 when it was left alone, -1 with err. */
static int autostart_one(struct xen_handles *h, const char *name, xo_err *err)
{
    const char *root = cmd_state_root();
    struct domain_status st;
    xo_err ignore = XO_ERR_INIT;
    bool have = status_read(h->xs, name, &st, &ignore) == 0;
    xo_err_clear(&ignore);
    enum state_run run = state_run_get(root, name);
    bool down = cmd_container_down(root, name, have, &st);
    bool stopped = run == STATE_RUN_STOPPED && stopped_before_boot(have, &st);
    if (!down && !stopped)
        return 0;
    if (!have && !xen_host_present())
        return 0; /* a Xen container on a host without Xen now */
    struct rendered r;
    create_rendered_init(&r);
    int rc = -1;
    if (create_parse_saved_cfg(&r, root, name, err) < 0)
        goto out;
    enum restart_mode mode = r.dc.restart.mode;
    if (stopped && !down) {
        rc = 0;
        if (mode != RESTART_ALWAYS)
            goto out; /* stopped by the user: stays so */
    } else if (mode != RESTART_ALWAYS && mode != RESTART_UNLESS_STOPPED) {
        char text[RESTART_POLICY_TEXT_MAX + 1];
        restart_policy_format(text, sizeof(text), &r.dc.restart);
        printf("%s: down, restart policy \"%s\": left down\n", name, text);
        rc = 0;
        goto out;
    }
    /* Before the monitor journals "started". */
    struct event_record ev;
    journal_record_init(&ev, EVENT_CREATED, name);
    journal_set_text(ev.detail, "autostart");
    journal_emit(root, &ev);
    if (cmd_start_again(h, name, have && st.nohyper, &r, err) < 0) {
        journal_note(root, EVENT_BROKEN, name, xo_err_msg(err));
        goto out;
    }
    if (state_run_set(root, name, STATE_RUN_RUNNING, err) < 0)
        goto out;
    printf("%s: started\n", name);
    rc = 1;
out:
    create_rendered_dispose(&r);
    return rc;
}

int main_autostart(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "autostart", 0)) != -1)
        ;
    cmd_container_umask();
    if (argc - optind != 0) {
        fprintf(stderr, "xl-oci autostart: no arguments expected\n");
        return XO_EXIT_USAGE;
    }
    const char *root = cmd_state_root();
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    char **names = NULL;
    int lock = -1, failed = 0;
    if (xen_open_xs(&h, &err) < 0 ||
        (xen_host_present() && xen_open(&h, &err) < 0) ||
        state_domain_names(root, &names, &err) < 0)
        goto fail;
    /* One at a time under the global lock, as create and the restart
     * policy change domains. */
    if ((lock = state_lock(root, &err)) < 0)
        goto fail;
    for (char **n = names; *n; n++) {
        if (autostart_one(&h, *n, &err) < 0) {
            fprintf(stderr, "xl-oci: %s: %s\n", *n, xo_err_msg(&err));
            xo_err_clear(&err);
            failed++;
        }
    }
    close(lock);
    xo_strv_free(names);
    xen_close(&h);
    return failed ? XO_EXIT_FAIL : XO_EXIT_OK;
fail:
    if (lock >= 0)
        close(lock);
    xo_strv_free(names);
    xen_close(&h);
    return cmd_fail(&err);
}
