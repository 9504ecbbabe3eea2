/*
 * fuzz-layer-unpack.c: libFuzzer target for image/unpack.c, which applies
 * an image's layers (tar, gzip or zstd: untrusted) to a rootfs directory.
 * The input holds one or two layers, split at the first "@LAYER@" (so
 * whiteouts and type changes meet lower layers); a fresh rootfs is made
 * under a work directory for every input and removed after it.  The work
 * directory's path is always "/tmp/fuzz-layer-unpack.XXXXXX" with the X
 * replaced, of the same length: every occurrence of that text in the
 * input (a pax linkpath, a GNU long link: no checksum covers them) is
 * replaced by the real path, so the corpus can aim at the work directory
 * itself with absolute and relative links.  Nothing may appear in the
 * work directory beside the rootfs and the empty "outside" directory;
 * every failure says why (FUZZ_VERBOSE=1 prints it).  Entry count and bytes are bounded small so an
 * input cannot fill the disk.
 *
 * Fuzz it as an unprivileged user (setpriv --reuid=65534 ...): a fault
 * that escapes the rootfs then writes only where that user may.  Built
 * without libFuzzer, main() replays corpus files.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/unpack.h"
#include "replay.h"

#define WORK_TEMPLATE "/tmp/fuzz-layer-unpack.XXXXXX"

static char work[] = WORK_TEMPLATE;
static char rootfs[64], outside[64];

static int unlock_dir(const char *p, const struct stat *st, int type,
                      struct FTW *f)
{
    (void)st;
    (void)f;
    if (type == FTW_D || type == FTW_DNR)
        chmod(p, 0700);
    return 0;
}

static int remove_one(const char *p, const struct stat *st, int type,
                      struct FTW *f)
{
    (void)st;
    (void)f;
    if (type == FTW_DP)
        rmdir(p);
    else
        unlink(p);
    return 0;
}

static void remove_tree(const char *dir)
{
    /* Directories a layer left without search rights first. */
    nftw(dir, unlock_dir, 16, FTW_PHYS);
    nftw(dir, unlock_dir, 16, FTW_PHYS);
    nftw(dir, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}

static void cleanup(void)
{
    remove_tree(work);
}

/* Nothing but rootfs and outside in work, nothing in outside. */
static void check_contained(void)
{
    DIR *d = opendir(work);
    if (!d)
        abort();
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            strcmp(de->d_name, "rootfs") && strcmp(de->d_name, "outside"))
            __builtin_trap();
    closedir(d);
    d = opendir(outside);
    if (!d)
        __builtin_trap(); /* removed or replaced */
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            __builtin_trap();
    closedir(d);
    struct stat st;
    if (lstat(outside, &st) < 0 || !S_ISDIR(st.st_mode) ||
        (st.st_mode & 07777) != 0700)
        __builtin_trap();
}

struct mem {
    const uint8_t *p;
    size_t left;
    size_t chunk;
};

static ssize_t mem_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    (void)err;
    struct mem *m = arg;
    size_t n = m->left < cap ? m->left : cap;
    if (n > m->chunk)
        n = m->chunk;
    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (!mkdtemp(work))
            abort();
        snprintf(rootfs, sizeof(rootfs), "%s/rootfs", work);
        snprintf(outside, sizeof(outside), "%s/outside", work);
        if (mkdir(outside, 0700) < 0 || chmod(outside, 0700) < 0)
            abort();
        atexit(cleanup);
        ready = 1;
    }
    uint8_t *in = malloc(size ? size : 1);
    if (!in)
        abort();
    memcpy(in, data, size);
    size_t wl = strlen(WORK_TEMPLATE);
    for (size_t i = 0; i + wl <= size; i++)
        if (!memcmp(in + i, WORK_TEMPLATE, wl))
            memcpy(in + i, work, wl);
    const char *mark = "@LAYER@";
    uint8_t *sep = memmem(in, size, mark, strlen(mark));
    size_t l1 = sep ? (size_t)(sep - in) : size;

    if (mkdir(rootfs, 0700) < 0)
        abort();
    struct unpack_opts o = {.max_entries = 2000, .max_bytes = 8 << 20};
    struct unpack_ctx *c = NULL;
    xo_err err = XO_ERR_INIT;
    if (unpack_begin(&c, rootfs, &o, &err) < 0)
        abort();
    struct mem m1 = {in, l1, size % 2 ? 7 : 65536};
    struct unpack_reader r1 = {mem_read, &m1};
    int rc = unpack_layer_from(c, &r1, "layer 1", &err);
    if (rc == 0 && sep) {
        struct mem m2 = {sep + strlen(mark), size - l1 - strlen(mark), 65536};
        struct unpack_reader r2 = {mem_read, &m2};
        rc = unpack_layer_from(c, &r2, "layer 2", &err);
    }
    if (rc == 0)
        rc = unpack_finish(c, &err);
    if (rc < 0 && !err.msg)
        __builtin_trap();
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "unpack: %s\n", rc < 0 ? err.msg : "ok");
    xo_err_clear(&err);
    unpack_free(c);
    check_contained();
    remove_tree(rootfs);
    struct stat st;
    if (lstat(rootfs, &st) == 0)
        abort(); /* the harness could not clean: a bug of its own */
    free(in);
    return 0;
}
