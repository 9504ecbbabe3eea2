/*
 * fuzz-xs-dir.c: libFuzzer target for DomainStatus's file store
 * (common/xs_dir.h), whose paths come from domain names and guest-facing
 * keys.  The input's first line is a node path, the rest its value.  The
 * store is <work>/store; whatever the path, nothing may appear in <work>
 * beside it, a path with an empty, "." or ".." component must be refused,
 * and a value written must read back the same.  Built without libFuzzer,
 * main() replays corpus files.
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

#include "common/xs_dir.h"
#include "replay.h"

static char work[] = "/tmp/fuzz-xs-dir.XXXXXX";
static char store[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static void empty_store(void)
{
    nftw(store, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    if (mkdir(store, 0700) < 0)
        abort();
}

static void cleanup(void)
{
    nftw(store, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(work);
}

/* True when <work> holds nothing but store/. */
static bool work_clean(void)
{
    DIR *d = opendir(work);
    if (!d)
        return false;
    struct dirent *de;
    bool ok = true;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            strcmp(de->d_name, "store"))
            ok = false;
    closedir(d);
    return ok;
}

/* A path with an empty, "." or ".." component, or not absolute. */
static bool bad_path(const char *p)
{
    if (p[0] != '/')
        return true;
    for (const char *c = p + 1;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') ||
            (n == 2 && c[0] == '.' && c[1] == '.'))
            return true;
        if (!c[n])
            return false;
        c += n + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store[0]) {
        if (!mkdtemp(work))
            abort();
        snprintf(store, sizeof(store), "%s/store", work);
        if (mkdir(store, 0700) < 0)
            abort();
        atexit(cleanup);
    }
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *path = malloc(plen + 1);
    if (!path)
        return 0;
    memcpy(path, data, plen);
    path[plen] = '\0';
    const uint8_t *val = nl ? nl + 1 : data + size;
    unsigned vlen = (unsigned)(size - (size_t)(val - data));

    bool wrote = xo_xsdir_write(store, path, val, vlen);
    if (wrote && (bad_path(path) || vlen > XS_DIR_VALUE_MAX))
        __builtin_trap();
    unsigned len = 0;
    char *back = xo_xsdir_read(store, path, &len);
    if (wrote && (!back || len != vlen || memcmp(back, val, vlen) != 0 ||
                  back[len] != '\0'))
        __builtin_trap();
    free(back);
    unsigned num = 0;
    char **kids = xo_xsdir_directory(store, path, &num);
    if (kids) {
        for (unsigned i = 0; i < num; i++)
            if (!kids[i] || strchr(kids[i], '/'))
                __builtin_trap();
        if (kids[num])
            __builtin_trap();
    }
    free(kids);
    if (xo_xsdir_mkdir(store, path) && bad_path(path))
        __builtin_trap();
    if (xo_xsdir_rm(store, path) && bad_path(path))
        __builtin_trap();
    if (!work_clean())
        __builtin_trap();
    empty_store();
    free(path);
    return 0;
}
