/*
 * fuzz_util.h: what several fuzz targets need around the function they
 * feed: the input as a C string, a scratch file, and a scratch state root
 * holding one network directory (ROOT/networks/lan).  Header only: each
 * target is one translation unit.  A failure of these aborts, as it is no
 * finding of the code under test.
 */
#ifndef XL_OCI_TESTS_FUZZ_UTIL_H
#define XL_OCI_TESTS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first `size` bytes of data, NUL-terminated, malloc'd (free it). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static inline const char **fuzz_scratch_slot(void)
{
    static const char *path;
    return &path;
}

static inline void fuzz_scratch_remove(void)
{
    unlink(*fuzz_scratch_slot());
}

/* Makes the file of mkstemp template `tmpl` (kept: the path is used as
 * it is), removed at exit. */
static inline void fuzz_scratch_file(char *tmpl)
{
    int fd = mkstemp(tmpl);
    if (fd < 0)
        abort();
    close(fd);
    *fuzz_scratch_slot() = tmpl;
    atexit(fuzz_scratch_remove);
}

static inline const char **fuzz_netdir_slot(void)
{
    static const char *root;
    return &root;
}

static inline void fuzz_netdir_remove(void)
{
    static const char *const sub[] = {"networks/lan/network.json",
                                      "networks/lan/leases.json",
                                      "networks/lan", "networks", ""};
    const char *root = *fuzz_netdir_slot();
    char p[256];
    for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
        /* may truncate: a scratch path under /tmp of the target's name */
        snprintf(p, sizeof(p), "%s/%s", root, sub[i]);
        if (unlink(p) < 0)
            rmdir(p);
    }
}

/* Makes the state root of mkdtemp template `tmpl` with networks/lan/ in
 * it (what netback's store reads), removed with its files at exit. */
static inline void fuzz_netdir_make(char *tmpl)
{
    char p[256];
    if (!mkdtemp(tmpl))
        abort();
    *fuzz_netdir_slot() = tmpl;
    atexit(fuzz_netdir_remove);
    /* may truncate: a scratch path under /tmp of the target's name */
    snprintf(p, sizeof(p), "%s/networks", tmpl);
    mkdir(p, 0755);
    /* may truncate: as above */
    snprintf(p, sizeof(p), "%s/networks/lan", tmpl);
    mkdir(p, 0755);
}

#endif
