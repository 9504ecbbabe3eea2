/*
 * fuzz-image-archive.c: libFuzzer target for the image archive sources
 * (image/tarindex.c, archive_source.c, docker_archive.c): the input is
 * the archive file a user names in docker-archive:FILE or
 * oci-archive:FILE, untrusted.  The first byte picks the kind and the
 * selector; the rest is written to a memfd, whose /proc/self/fd path is
 * the archive.  Each kind is resolved into a blob store in a temporary
 * directory (emptied after every input) and then the manifest it names,
 * its config and its layers are fetched: every failure must say why.
 * Built without libFuzzer, main() replays corpus files.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image/blobstore.h"
#include "image/manifest.h"
#include "image/source.h"
#include "replay.h"

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static const char *const selectors[] = {
    NULL, "@0", "@1", "busybox", "localhost/app:v1", "latest"};

/* Fetches what the manifest `top` names (nothing when it is an index). */
static void fetch_all(struct image_source *src, const struct blob_store *bs,
                      const struct oci_descriptor *top)
{
    xo_err err = XO_ERR_INIT;
    char *buf = NULL;
    size_t len = 0;
    struct oci_manifest m;
    if (blobstore_read(&buf, &len, bs, &top->digest, MANIFEST_MAX_BYTES, &err) <
            0 ||
        manifest_parse(&m, buf, len, "fuzz", &err) < 0) {
        if (!err.msg)
            __builtin_trap();
        xo_err_clear(&err);
        free(buf);
        return;
    }
    free(buf);
    if (src->ops->fetch(src, bs, &m.config, CONFIG_MAX_BYTES, NULL, &err) < 0)
        xo_err_clear(&err);
    for (size_t i = 0; i < m.n_layers; i++)
        if (src->ops->fetch(src, bs, &m.layers[i], 1 << 20, NULL, &err) < 0) {
            if (!err.msg)
                __builtin_trap();
            xo_err_clear(&err);
        }
    manifest_dispose(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static char dir[] = "/tmp/xl-oci-fuzz-archive.XXXXXX";
    static int made;
    if (!made && !mkdtemp(dir))
        return 0;
    made = 1;
    int fd = memfd_create("archive", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    const char *sel =
        selectors[(data[0] >> 1) % (sizeof(selectors) / sizeof(*selectors))];
    xo_err err = XO_ERR_INIT;
    struct blob_store bs;
    struct image_source *src = NULL;
    if (blobstore_open(&bs, dir, &err) == 0) {
        if (data[0] & 1)
            oci_archive_source_new(&src, path, sel, &err);
        else
            docker_archive_source_new(&src, path, sel, &err);
        struct oci_descriptor top = {0};
        if (src->ops->resolve(src, &bs, &top, &err) == 0) {
            fetch_all(src, &bs, &top);
            manifest_descriptor_dispose(&top);
        } else if (!err.msg) {
            __builtin_trap();
        }
        src->ops->free(src);
        blobstore_dispose(&bs);
    }
    xo_err_clear(&err);
    close(fd);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
