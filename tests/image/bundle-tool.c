/*
 * bundle-tool.c: image/bundle_rootfs.h as a command, for the bundle tier
 * (tests/tiers/61-bundle.sh) and the benchmark until xl-oci-runc uses it.
 *   xl-oci-bundle [--root DIR] volume ROOTFS   prints "VOLUME hit|built KIND
 *                                              SECONDS" (the library call's
 *                                              own time, process start
 *                                              excluded)
 *   xl-oci-bundle [--root DIR] release VOLUME
 *   xl-oci-bundle [--root DIR] prune [VOLUME-IN-USE...]
 *   xl-oci-bundle probe ROOTFS                 prints "KIND KEY [WHY]"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/bundle_rootfs.h"
#include "image/image.h"

static int fail(xo_err *err)
{
    xo_err_print(err, "xl-oci-bundle", stderr);
    return 1;
}

struct in_use {
    char **paths;
    int n;
};

/* image_in_use_fn: the volumes named on the command line are in use. */
static int note_paths(void *opaque, image_note_fn note, void *ctx, xo_err *err)
{
    struct in_use *u = opaque;
    (void)err;
    for (int i = 0; i < u->n; i++)
        note(ctx, "bundle-tool", u->paths[i]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *root = "/var/lib/xl-oci";
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--root")) {
        root = argv[i + 1];
        i += 2;
    }
    xo_err err = XO_ERR_INIT;
    if (i + 1 < argc && !strcmp(argv[i], "volume")) {
        struct bundle_volume v;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (bundle_rootfs_volume(&v, root, argv[i + 1], NULL, &err) < 0)
            return fail(&err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%s %s %s %.3f\n", v.dir, v.hit ? "hit" : "built",
               bundle_source_kind_name(v.src.kind),
               (double)(t1.tv_sec - t0.tv_sec) +
                   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        bundle_volume_dispose(&v);
        return 0;
    }
    if (i + 1 < argc && !strcmp(argv[i], "release"))
        return bundle_rootfs_release(root, argv[i + 1], &err) < 0 ? fail(&err)
                                                                  : 0;
    if (i < argc && !strcmp(argv[i], "prune")) {
        struct in_use u = {argv + i + 1, argc - i - 1};
        struct image_users users = {note_paths, &u, NULL};
        struct image_prune_stats st;
        if (image_prune(root, &users, &st, &err) < 0)
            return fail(&err);
        printf("%zu volumes removed\n", st.volumes_removed);
        return 0;
    }
    if (i + 1 < argc && !strcmp(argv[i], "probe")) {
        struct bundle_source s;
        if (bundle_source_probe(&s, argv[i + 1], NULL, &err) < 0)
            return fail(&err);
        printf("%s %s%s%s\n", bundle_source_kind_name(s.kind), s.key.str,
               s.why[0] ? " " : "", s.why);
        bundle_source_dispose(&s);
        return 0;
    }
    fprintf(stderr, "usage: xl-oci-bundle [--root DIR] "
                    "volume ROOTFS | release VOLUME | prune [VOLUME...] | "
                    "probe ROOTFS\n");
    return 2;
}
