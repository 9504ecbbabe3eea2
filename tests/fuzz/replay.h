/*
 * replay.h: the main() of a fuzz target built without libFuzzer.  Each
 * argument is a file or a directory of files; every file is fed once to
 * LLVMFuzzerTestOneInput, so each crash the fuzzer ever found stays a
 * regression test (as crun's tests_libcrun_fuzzer.c does).
 */
#ifndef XL_OCI_TESTS_FUZZ_REPLAY_H
#define XL_OCI_TESTS_FUZZ_REPLAY_H

#ifndef XO_LIBFUZZER
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int n = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            struct dirent **names = NULL;
            int k = scandir(argv[i], &names, NULL, alphasort);
            for (int j = 0; j < k; j++) {
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", argv[i], names[j]->d_name);
                if (names[j]->d_name[0] != '.' && stat(p, &st) == 0 &&
                    S_ISREG(st.st_mode)) {
                    bad += replay_file(p) < 0;
                    n++;
                }
                free(names[j]);
            }
            free(names);
        } else {
            bad += replay_file(argv[i]) < 0;
            n++;
        }
    }
    printf("replayed %d inputs\n", n - bad);
    return bad ? 1 : 0;
}
#endif

#endif
