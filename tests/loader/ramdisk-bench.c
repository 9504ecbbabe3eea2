/*
 * ramdisk-bench.c: times loader_ramdisk_build() on a real loader
 * initramfs, the per-create cost measured in BENCHMARKS.md.
 *
 * usage: ramdisk-bench INITRAMFS SPEC.dtb OUTDIR [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fileio.h"
#include "loader/loader.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: ramdisk-bench INITRAMFS SPEC OUTDIR [N]\n");
        return 2;
    }
    int rounds = argc > 4 ? atoi(argv[4]) : 20;
    xo_err err = XO_ERR_INIT;
    char *spec;
    size_t len;
    if (xo_read_file(&spec, &len, argv[2], BOOT_SPEC_MAX_BLOB, &err) < 0) {
        xo_err_print(&err, "ramdisk-bench", stderr);
        return 1;
    }
    double best = 1e9, total = 0;
    for (int i = 0; i < rounds; i++) {
        char out[4096];
        snprintf(out, sizeof(out), "%s/ramdisk-%d", argv[3], i);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (loader_ramdisk_build(argv[1], spec, len, out, &err) < 0) {
            xo_err_print(&err, "ramdisk-bench", stderr);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
                    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        total += ms;
        if (ms < best)
            best = ms;
    }
    printf("ramdisk-bench: %d rounds, best %.3f ms, mean %.3f ms\n", rounds,
           best, total / rounds);
    free(spec);
    return 0;
}
