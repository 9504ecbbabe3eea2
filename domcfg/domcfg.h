/*
 * domcfg.h: the public face of domcfg.  app.cfg + the root volume's image
 * config -> struct domain_config -> libxl config, runtime spec, boot spec.
 * Pure: reads its inputs, never talks to Xen.
 */
#ifndef XL_OCI_DOMCFG_DOMCFG_H
#define XL_OCI_DOMCFG_DOMCFG_H

#include <json-c/json.h>
#include <stddef.h>

#include <libxl.h>

#include "common/error.h"
#include "common/etc_files.h"
#include "domain_config.h"
#include "domcfg/net_request.h"

struct app_cfg;

/* Resolves `oci_image = "REF"` to a root volume directory (owned). */
typedef int (*domcfg_image_resolver)(void *ctx, const char *ref,
                                     char **root_volume_r, xo_err *err);

struct domcfg_opts {
    const char *state_root;              /* per-domain ramdisk lives under it */
    const char *default_loader;          /* oci_loader default */
    domcfg_image_resolver resolve_image; /* NULL: oci_image is an error */
    void *resolve_ctx;
    /* Called once the image config and app.cfg are merged into the
     * process, before it is checked (args, exec size): xl-oci-runc puts
     * a bundle's config.json over it.  NULL: none.  With it, an empty
     * process after the merge is no error (the override fills it), and
     * the container gets no Docker default sysctls (the spec's are all,
     * as runc sets them). */
    int (*override_process)(struct domain_config *dc, void *ctx, xo_err *err);
    void *override_ctx;
};

/* Builds `dc` (initialised by the caller) from a parsed app.cfg. */
int domcfg_from_app_cfg(struct domain_config *dc, const struct app_cfg *ac,
                        const struct domcfg_opts *opts, xo_err *err);

/* Reads app.cfg from `path` and builds `dc`. */
int domcfg_from_file(struct domain_config *dc, const char *path,
                     const struct domcfg_opts *opts, xo_err *err);

/*
 * Renders the libxl config (`d_config` must be libxl_domain_config_init'd
 * by the caller, who disposes it).  Needs no libxl ctx.
 */
int domcfg_to_libxl(libxl_domain_config *d_config,
                    const struct domain_config *dc, const struct app_cfg *ac,
                    xo_err *err);

/* libxl's own JSON for a libxl config (libxl_domain_config_gen_json). */
int domcfg_libxl_json(char **out_r, libxl_domain_config *d_config, xo_err *err);

/*
 * xl's names of shutdown actions ("destroy", "rename-restart",
 * "coredump-destroy", ...) to libxl's; 0 on success, -1 for no such action.
 */
int domcfg_parse_action(const char *s, libxl_action_on_shutdown *a_r);

/*
 * xl's cpu_weight and cap as runc's cgroup CPU controls, for NOHYPER
 * containers (the runtime spec's linux.resources.cpu, `runc update`):
 * Xen's default weight 256 is the kernel's default 1024 shares, so a
 * weight W (1..65535) is 4W shares; a cap of P percent of one CPU is a
 * CFS quota of P * DOMCFG_CPU_PERIOD_US / 100 microseconds per period
 * (P > 0; 0 is no cap, no quota).
 */
#define DOMCFG_CPU_PERIOD_US 100000L
long domcfg_cpu_shares(long weight);
long domcfg_cpu_quota_us(long cap);

/* OCI runtime-spec 1.0 config.json for the same container. */
int domcfg_to_runtime_spec(json_object **out_r, const struct domain_config *dc,
                           xo_err *err);

/*
 * The runtime's /etc files (hostname, hosts, resolv.conf) as the loader
 * writes them in a domain.  The runtime spec bind-mounts files of these
 * names from the bundle directory, beside config.json, as Docker
 * bind-mounts its own copies; whoever writes the spec writes them there.
 */
#define DOMCFG_ETC_FILES 3
struct domcfg_etc_file {
    const char *name; /* XO_ETC_HOSTNAME, ... */
    char text[XO_ETC_MAX];
    size_t len;
};
int domcfg_etc_files(struct domcfg_etc_file out[DOMCFG_ETC_FILES],
                     const struct domain_config *dc, xo_err *err);

/* The boot spec FDT blob (docs/boot-spec.md); *blob_r is malloc'd. */
int domcfg_to_boot_spec(void **blob_r, size_t *len_r,
                        const struct domain_config *dc, xo_err *err);

/*
 * The late network of a spec with late-network (common/abi/boot_spec.h,
 * version 4): compatible, version 4 and a network node with `n` interfaces
 * (0 to DC_MAX_VIFS) made of vifs[i]'s mac and, when set, ip, gateway,
 * ip6, gateway6 and mtu.  *blob_r is malloc'd, at most
 * BOOT_SPEC_MAX_LATE_NETWORK bytes (E2BIG otherwise).
 */
int domcfg_late_network(void **blob_r, size_t *len_r, const struct dc_vif *vifs,
                        size_t n, xo_err *err);

/* The vif (index into dc->vifs) of each family's default route, or -1:
 * oci_gateway's first vif, else the first managed network with a
 * gateway.  A domain's boot spec and a NOHYPER container's veths. */
void domcfg_default_routes(const struct domain_config *dc, long *v4, long *v6);

#endif
