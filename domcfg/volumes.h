/*
 * volumes.h: a container's storage in app.cfg, oci_writable and
 * oci_volumes (man/xl-oci.cfg.5.pod), and the image config's Volumes:
 *   oci_writable = "tmpfs[:SIZE]" | "/PATH/FILE" | "NAME"
 *   oci_volumes  = [ "/PATH/FILE:/TARGET[:ro|rw]",    a block image file
 *                    "NAME:/TARGET[:ro|rw][:mkfs]",   a managed volume
 *                    "tmpfs:/TARGET[:SIZE]",          a tmpfs
 *                    "share:/DIR:/TARGET[:ro|rw]" ]   dom0's DIR, live (9pfs)
 * A target the image declares in Volumes and no entry provides gets an
 * anonymous managed volume (kind NAMED, `anonymous`, no name yet), which
 * create makes and destroy removes.  Parsing stays pure: a named
 * volume's disk image, format and file system are the command layer's to
 * find (image/volstore.h) and give back with domcfg_attach_volume(), as
 * networks are given with domcfg_attach_network(); rendering refuses a
 * named volume left unattached.
 */
#ifndef XL_OCI_DOMCFG_VOLUMES_H
#define XL_OCI_DOMCFG_VOLUMES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct domain_config;
struct app_cfg;
struct image_config;

/* A tmpfs size: digits with an optional k/m/g suffix, or a percentage
 * ("64m", "10%"), at most 20 bytes. */
bool domcfg_valid_tmpfs_size(const char *s);

/*
 * The size= of a NOHYPER tmpfs (the writable layer, a tmpfs volume) into
 * buf, "" for the kernel's default: `size` (domcfg_valid_tmpfs_size) as a
 * domain reads it, a percentage being of the container's memory, and no
 * size being half of it, when app.cfg gives memory (`memory_mb` > 0,
 * dc->cgroup_memory_mb); as given, and the kernel's half of the host's
 * RAM, when it does not.  Without this a "50%" tmpfs of a 128 MiB
 * container was 12 GB here, and a write past its memory was an OOM kill,
 * where in a domain it is ENOSPC (helper-72).  -1 when buf is too small.
 */
int domcfg_nohyper_tmpfs_size(char *buf, size_t len, const char *size,
                              long memory_mb);

/* A mount target: absolute, not "/", no ".." component, no ',' or ':'
 * (they separate oci_volumes fields), at most 1024 bytes. */
bool domcfg_valid_guest_path(const char *p);

/* The 9p mount tag of the share that is volume `index` (boot spec v7
 * mount/share): BOOT_SPEC_SHARE_TAG and the index, into buf; -1 when it
 * does not fit in size or in BOOT_SPEC_MAX_SHARE_TAG. */
int domcfg_share_tag(char *buf, size_t size, size_t index);

/* "xvda", "xvdb", ... for our own disks, in order (owned). */
char *domcfg_vdev_name(size_t index);

/*
 * Parses oci_writable and oci_volumes into dc and adds anonymous volumes
 * for ic's Volumes; *next_vdev_r is the index of the first xvd left for
 * app.cfg's disk= lines.  Errors name app.cfg's file, line and key.
 */
int domcfg_build_storage(struct domain_config *dc, const struct app_cfg *ac,
                         const struct image_config *ic, size_t *next_vdev_r,
                         xo_err *err);

/* What the command layer found of a managed volume (strings borrowed). */
struct dc_volume_attachment {
    const char *source; /* its disk image, an absolute path */
    const char *fstype; /* "ext4" or "xfs" */
    bool qcow2;         /* served by QEMU's qdisk backend, else a loop */
    /* source is a throwaway qcow2 overlay of a read-only use: attached
     * read-write (QEMU 7.2's qdisk cannot open a read-only drive), the
     * guest still mounts it read-only.  Only for a qcow2 ":ro" volume. */
    bool overlay;
};

/*
 * Fills volume `index` (of dc->volumes, a NAMED one) from `a`; `name`
 * names an anonymous volume (ignored for others).  EINVAL for another
 * kind, one attached already, a relative source, an unknown fstype, or
 * an overlay for a volume that is not a read-only qcow2.
 */
int domcfg_attach_volume(struct domain_config *dc, size_t index,
                         const char *name, const struct dc_volume_attachment *a,
                         xo_err *err);

/* The same for a writable layer on a managed volume (oci_writable =
 * "NAME"), which the loader mounts as ext4. */
int domcfg_attach_writable(struct domain_config *dc,
                           const struct dc_volume_attachment *a, xo_err *err);

/* EINVAL naming the first managed volume (or writable layer) left
 * unattached: the renderers' check. */
int domcfg_volumes_check_attached(const struct domain_config *dc, xo_err *err);

#endif
