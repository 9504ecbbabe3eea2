/*
 * create.h: what `xl-oci create` (cmd_create.c) shares with the NOHYPER
 * create (create_nohyper.c): the options, everything domcfg renders for
 * one app.cfg, and the state directory they are written to.
 */
#ifndef XL_OCI_XL_PLUGIN_CREATE_H
#define XL_OCI_XL_PLUGIN_CREATE_H

#include <libxl.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "loader/loader.h"

struct create_opts {
    const char *cfg_path;
    const char *runtime_spec; /* file, or NULL */
    const char *boot_spec;
    bool dryrun, foreground, paused, keep_broken, console;
    bool quiet; /* print nothing on stdout (xl-oci-runc: it is the
                       container's) */
    /* Unpaused (not with paused) behind a closed start gate
     * (xen_gate.h): the guest boots and mounts its root, its entrypoint
     * waits until the gate opens (xl-oci-runc's start). */
    bool start_gate;
    /* A state lock the caller took (state_lock), handed to create_xen or
     * create_nohyper, which then own it; without, they take their own. */
    bool lock_given;
    int lock_fd;
    char name[128]; /* set by a successful create */
};

/* Everything domcfg renders for one app.cfg. */
struct rendered {
    struct app_cfg *ac;
    struct domain_config dc;
    libxl_domain_config d;
    bool have_d; /* d was initialised (libxl could be opened) */
    char *libxl_json, *spec_text;
    void *blob;
    size_t blob_len;
    struct domcfg_etc_file etc[DOMCFG_ETC_FILES]; /* beside the runtime spec */
};

void create_rendered_init(struct rendered *r);
void create_rendered_dispose(struct rendered *r);

/* app.cfg (with its image config) -> r->dc, as create reads it; managed
 * networks and volumes not yet attached. */
int create_parse_cfg(struct rendered *r, const char *cfg_path, xo_err *err);
/* The saved app.cfg of the container `name` under `root`, as start and
 * autostart run it again: oci_image is the root volume create recorded
 * (ROOT/domains/NAME/root-volume); nothing is pulled, as they hold the
 * state lock. */
int create_parse_saved_cfg(struct rendered *r, const char *root,
                           const char *name, xo_err *err);

/* The saved libxl config of `name` (its state dir's domain-config.json). */
int create_load_saved_config(libxl_ctx *ctx, const char *name,
                             libxl_domain_config *d, xo_err *err);

/* Creates the domain again from its saved config (loop devices attached
 * afresh) and unpauses it; the new domid in *domid_r. */
int create_from_saved_config(libxl_ctx *ctx, const libxl_domain_config *saved,
                             uint32_t *domid_r, xo_err *err);

/* r->dc (networks attached) -> libxl config, runtime spec, boot spec. */
int create_render_all(struct rendered *r, xo_err *err);

/* Writes what --runtime-spec and --boot-spec asked for. */
int create_write_requested(const struct rendered *r,
                           const struct create_opts *o, xo_err *err);

/* The state lock `o` hands over (cleared in `o`), or -1. */
int create_given_lock(struct create_opts *o);

/* The image digest the root volume records, or "" (volume_record.h). */
int create_image_digest(char *buf, size_t len, const char *root_volume,
                        xo_err *err);

/*
 * Writes the domain's state dir (a temporary dir, then one rename): the
 * app.cfg, every rendering, the /etc files, and with `lf` the domain's
 * ramdisk; without it (NOHYPER) config.json, so the dir is a bundle.
 */
int create_write_state_dir(const struct rendered *r, const char *cfg_path,
                           const struct loader_files *lf, xo_err *err);

/*
 * Creates r's container (r->dc built from o->cfg_path, not yet attached
 * to its networks) as a Xen domain: preflight, DomainStatus, leases,
 * state dir, loop devices, libxl, the monitor; unpaused unless
 * o->paused.  A failure undoes all of it (with o->keep_broken, keeps
 * DomainStatus as "broken").  o->name gets the name.
 */
int create_xen(struct create_opts *o, struct rendered *r, xo_err *err);

/* A NOHYPER container started again (autostart): its network namespace
 * made anew in state dir `dir` and joined to each of dc's managed
 * networks on the lease it still holds (leases go only with destroy). */
int create_nohyper_net_again(const char *dir, struct domain_config *dc,
                             xo_err *err);

/* Warns, naming file and line, of each app.cfg key set that a NOHYPER
 * container does without (create and its dry run). */
void create_nohyper_warn_xen_only(const struct app_cfg *ac);
/* The image's anonymous volumes taken out of dc, as create_nohyper()
 * takes them (they stay in the writable layer; said on stderr), so that
 * the dry run's runtime spec is the one runc gets. */
void create_nohyper_drop_anonymous(struct domain_config *dc);
/* What create_nohyper() refuses before it changes anything (what only a
 * domain has, args and env past the stack limit), for the dry run:
 * 0, or -1 with an error naming app.cfg's file, line and key. */
int create_nohyper_check(const struct create_opts *o, const struct rendered *r,
                         xo_err *err);

/* Creates r's container NOHYPER (nohyper.h); prints what a create
 * prints. */
int create_nohyper(struct create_opts *o, struct rendered *r, xo_err *err);

#endif
