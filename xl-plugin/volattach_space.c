/*
 * volattach_space.c: volattach_warn_overcommit(), a warning when a
 * container's sparse disk images can grow past the free space under them.
 *
 * Why: the writable layer's image, `volume create --size` and the
 * anonymous volumes are sparse files.  Once the host file system holding
 * them is full, the container's writes still succeed into the page cache
 * and are lost at writeback ("potential data loss", the journal aborted),
 * with no error in the container (helper-72: 40 MiB written into a 64 MiB
 * image on a 20 MiB file system, gone after destroy).  Docker's layers
 * and volumes live on the host file system, where write() says ENOSPC.
 * Preallocating every image would cost the space up front; a warning at
 * create lets the admin decide.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "domcfg/domain_config.h"
#include "volattach.h"

#define MAX_IMAGES (DC_MAX_VOLUMES + 1)

struct image_space {
    const char *path;
    dev_t dev;
    uint64_t growth; /* bytes not yet allocated */
};

static void add(struct image_space *v, size_t *n, const char *path)
{
    struct stat st;
    if (!path || *n == MAX_IMAGES || stat(path, &st) < 0 ||
        !S_ISREG(st.st_mode))
        return;
    uint64_t used = (uint64_t)st.st_blocks * 512;
    if ((uint64_t)st.st_size > used)
        v[(*n)++] =
            (struct image_space){path, st.st_dev, (uint64_t)st.st_size - used};
}

void volattach_warn_overcommit(const struct domain_config *dc)
{
    struct image_space v[MAX_IMAGES];
    size_t n = 0;
    /* Only what the container writes: a qcow2 grows through QEMU, which
     * reports ENOSPC to the guest as an I/O error, not a silent loss. */
    if (dc->writable == DC_WRITABLE_DISK && !dc->writable_qcow2)
        add(v, &n, dc->writable_source);
    for (size_t i = 0; i < dc->n_volumes; i++) {
        const struct dc_volume *vol = &dc->volumes[i];
        if ((vol->kind == DC_VOLUME_FILE || vol->kind == DC_VOLUME_NAMED) &&
            !vol->read_only && !vol->qcow2)
            add(v, &n, vol->source);
    }
    /* Per file system: the sum of what its images may still take. */
    for (size_t i = 0; i < n; i++) {
        bool first = true;
        uint64_t growth = 0;
        for (size_t k = 0; k < n; k++) {
            if (v[k].dev != v[i].dev)
                continue;
            if (k < i)
                first = false;
            growth += v[k].growth;
        }
        struct statvfs fs;
        if (!first || statvfs(v[i].path, &fs) < 0)
            continue;
        uint64_t avail = (uint64_t)fs.f_bavail * fs.f_frsize;
        if (growth > avail)
            fprintf(
                stderr,
                "xl-oci: warning: %s: its disk images on the file system of %s may grow by %llu MiB more, and it has %llu MiB free: once it is full, what the container writes there is lost without an error (free space there, or make the images smaller)\n",
                dc->name, v[i].path, (unsigned long long)(growth >> 20),
                (unsigned long long)(avail >> 20));
    }
}
