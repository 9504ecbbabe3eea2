/*
 * cmd_inspect.c: `xl-oci inspect [--json] NAME`: a container's whole
 * record in one place, gathered from its owners: the saved config (the
 * state dir's app.cfg and the runtime spec create rendered, state.h),
 * labels and annotations (metastore.h), DomainStatus (status.h), its
 * network leases (netback.h) and volumes (the runtime spec's block
 * mounts).  The record is built as one JSON object; the text form is
 * printed from that object (inspect_print.c), so the two cannot differ.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "domcfg/app_cfg.h"
#include "domcfg/runtime_spec.h"
#include "inspect.h"
#include "metastore.h"
#include "monitor_spawn.h"
#include "netback/netback.h"
#include "state.h"
#include "status.h"
#include "status_json.h"
#include "xen.h"
#include "xl_oci.h"

static json_object *strv_json(char *const *v, size_t n)
{
    json_object *a = xo_jarr();
    for (size_t i = 0; i < n; i++)
        xo_jpush(a, xo_jstr(v[i]));
    return a;
}

static json_object *process_json(const struct runtime_spec *rs)
{
    const struct runtime_process *p = &rs->process;
    json_object *o = xo_jobj();
    xo_jset(o, "args", strv_json(p->args, p->n_args));
    xo_jset(o, "env", strv_json(p->env, p->n_env));
    xo_jset(o, "cwd", xo_jstr(p->cwd ? p->cwd : "/"));
    xo_jset(o, "uid", xo_jint64(p->uid));
    xo_jset(o, "gid", xo_jint64(p->gid));
    json_object *g = xo_jarr();
    for (size_t i = 0; i < p->n_additional_gids; i++)
        xo_jpush(g, xo_jint64(p->additional_gids[i]));
    xo_jset(o, "additional_gids", g);
    xo_jset(o, "terminal", xo_jbool(p->terminal));
    return o;
}

/* The volumes: the spec's mounts of block images (oci_volumes) and its
 * binds of host paths (shares, a runtime spec's binds); the kernel file
 * systems and the /etc binds (relative sources) are in every spec. */
static json_object *volumes_json(const struct runtime_spec *rs)
{
    json_object *a = xo_jarr();
    for (size_t i = 0; rs && i < rs->n_mounts; i++) {
        const struct runtime_mount *m = &rs->mounts[i];
        if (m->kind != RUNTIME_MOUNT_OTHER &&
            (m->kind != RUNTIME_MOUNT_BIND || m->source[0] != '/'))
            continue;
        json_object *o = xo_jobj();
        xo_jset(o, "destination", xo_jstr(m->destination));
        xo_jset(o, "source", xo_jstr(m->source));
        xo_jset(o, "type", xo_jstr(m->type));
        xo_jset(o, "read_only", xo_jbool(m->read_only));
        xo_jpush(a, o);
    }
    return a;
}

/* The saved app.cfg's path, its oci_image or oci_root, and the root
 * volume create recorded. */
static int config_json(json_object **out_r, const char *root, const char *name,
                       const struct runtime_spec *rs, xo_err *err)
{
    char cfg[4096], rvpath[4096];
    char *rv = NULL;
    if (state_domain_file(cfg, sizeof(cfg), root, name, STATE_FILE_APP_CFG,
                          err) < 0 ||
        state_domain_file(rvpath, sizeof(rvpath), root, name,
                          STATE_FILE_ROOT_VOLUME, err) < 0 ||
        xo_read_file(&rv, NULL, rvpath, 4096, err) < 0)
        return -1;
    json_object *o = xo_jobj();
    xo_jset(o, "file", xo_jstr(cfg));
    struct app_cfg *ac = NULL;
    const char *ref = NULL, *dir = NULL;
    if (app_cfg_read(&ac, cfg, err) < 0) {
        free(rv);
        json_object_put(o);
        return -1;
    }
    xo_err ignore = XO_ERR_INIT; /* a bad value was refused at create */
    const char *writable = NULL;
    char **vols = NULL;
    size_t nvols = 0;
    app_cfg_string(ac, "oci_image", &ref, &ignore);
    app_cfg_string(ac, "oci_root", &dir, &ignore);
    app_cfg_string(ac, "oci_writable", &writable, &ignore);
    app_cfg_list(ac, "oci_volumes", 256, &vols, &nvols, &ignore);
    xo_err_clear(&ignore);
    xo_jset(o, "oci_image", ref ? xo_jstr(ref) : NULL);
    xo_jset(o, "oci_root", dir ? xo_jstr(dir) : NULL);
    /* The writable layer: a tmpfs (the default) or the image or volume. */
    xo_jset(o, "writable", xo_jstr(writable ? writable : "tmpfs"));
    /* tmpfs volumes, which the spec cannot tell from the kernel's own
     * tmpfs mounts: as app.cfg gives them, "tmpfs:/PATH[:SIZE]". */
    json_object *tmpfs = xo_jarr();
    for (size_t i = 0; i < nvols; i++)
        if (strncmp(vols[i], "tmpfs:", 6) == 0)
            xo_jpush(tmpfs, xo_jstr(vols[i]));
    xo_jset(o, "tmpfs_volumes", tmpfs);
    xo_strv_free(vols);
    app_cfg_free(ac);
    xo_jset(o, "root_volume", xo_jstr(rv));
    free(rv);
    xo_jset(o, "hostname", rs && rs->hostname ? xo_jstr(rs->hostname) : NULL);
    xo_jset(o, "process", rs ? process_json(rs) : NULL);
    json_object *sc = xo_jobj();
    for (size_t i = 0; rs && i < rs->n_sysctl; i++) {
        const char *eq = strchr(rs->sysctl[i], '=');
        char *k = xo_xstrndup(rs->sysctl[i], (size_t)(eq - rs->sysctl[i]));
        xo_jset(sc, k, xo_jstr(eq + 1));
        free(k);
    }
    xo_jset(o, "sysctl", sc);
    *out_r = o;
    return 0;
}

static json_object *lease_json(const char *network,
                               const struct netback_lease *l)
{
    json_object *o = xo_jobj();
    xo_jset(o, "network", xo_jstr(network));
    xo_jset(o, "interface", xo_jint64(l->vif_index));
    xo_jset(o, "mac", xo_jstr(l->mac));
    xo_jset(o, "ipv4", xo_jstr(l->ipv4));
    xo_jset(o, "ipv6", l->ipv6[0] ? xo_jstr(l->ipv6) : NULL);
    xo_jset(o, "static", xo_jbool(l->is_static));
    xo_jset(o, "vif", l->vif[0] ? xo_jstr(l->vif) : NULL);
    json_object *ports = xo_jarr();
    for (size_t i = 0; i < l->n_ports; i++) {
        char text[XO_PORT_SPEC_TEXT];
        xo_port_spec_format(text, &l->ports[i]);
        xo_jpush(ports, xo_jstr(text));
    }
    xo_jset(o, "ports", ports);
    return o;
}

/* The leases `name` holds, on every network. */
static int leases_json(json_object **out_r, const char *root, const char *name,
                       xo_err *err)
{
    char **nets = NULL;
    size_t n_nets = 0;
    if (netback_network_list(&nets, &n_nets, root, err) < 0)
        return -1;
    json_object *a = xo_jarr();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_nets; i++) {
        struct netback_network net;
        struct netback_lease *leases = NULL;
        size_t n = 0;
        rc = netback_network_inspect(&net, &leases, &n, root, nets[i], err);
        for (size_t j = 0; rc == 0 && j < n; j++)
            if (strcmp(leases[j].container, name) == 0)
                xo_jpush(a, lease_json(net.name, &leases[j]));
        netback_leases_free(leases, n);
    }
    xo_strv_free(nets);
    if (rc < 0) {
        json_object_put(a);
        return -1;
    }
    *out_r = a;
    return 0;
}

int inspect_collect(json_object **out_r, struct xo_xs *xs, const char *root,
                    const char *name, xo_err *err)
{
    struct domain_status st;
    bool have_status = status_read(xs, name, &st, err) == 0;
    if (!have_status && err->errnum != ENOENT)
        return -1;
    xo_err_clear(err);
    if (!state_domain_exists(root, name))
        return xo_err_set(err, ENOENT, "no container domain named %s", name);

    char spec[4096];
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    json_object *o = xo_jobj(), *cfg = NULL, *labels = NULL, *ann = NULL,
                *leases = NULL;
    int rc = -1;
    if (state_domain_file(spec, sizeof(spec), root, name,
                          STATE_FILE_RUNTIME_SPEC, err) < 0 ||
        runtime_spec_load(&rs, spec, err) < 0 ||
        config_json(&cfg, root, name, &rs, err) < 0 ||
        metastore_read(&labels, &ann, root, name, err) < 0 ||
        leases_json(&leases, root, name, err) < 0)
        goto out;
    xo_jset(o, "name", xo_jstr(name));
    xo_jset(o, "config", cfg);
    xo_jset(o, "labels", labels);
    xo_jset(o, "annotations", ann);
    xo_jset(o, "status", have_status ? cmd_status_json(xs, root, &st) : NULL);
    xo_jset(o, "leases", leases);
    xo_jset(o, "volumes", volumes_json(&rs));
    cfg = labels = ann = leases = NULL;
    *out_r = o;
    o = NULL;
    rc = 0;
out:
    json_object_put(o);
    json_object_put(cfg);
    json_object_put(labels);
    json_object_put(ann);
    json_object_put(leases);
    runtime_spec_dispose(&rs);
    return rc;
}

int main_inspect(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "inspect", 1);
    struct xen_handles h = {0};
    xo_err err = XO_ERR_INIT;
    json_object *rec = NULL;
    if (xen_open_xs(&h, &err) < 0)
        goto fail;
    /* A live monitor first, so the status shown is the truth. */
    monitor_recover(h.xs, cmd_state_root());
    if (inspect_collect(&rec, h.xs, cmd_state_root(), argv[optind], &err) < 0)
        goto fail;
    xen_close(&h);
    int rc = json ? inspect_print_json(rec) : inspect_print_text(rec);
    json_object_put(rec);
    if (rc < 0) {
        xo_err_sys(&err, "cannot write to stdout");
        return cmd_fail(&err);
    }
    return XO_EXIT_OK;
fail:
    xen_close(&h);
    return cmd_fail(&err);
}
