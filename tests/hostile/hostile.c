/*
 * hostile.c: a container that attacks its own DomainStatus.  Static, run
 * inside a domain by the lab (tests/lab/11-hostile.sh).  It tries to write
 * dom0's /tool/xl-oci/ tree (xenstored must refuse) and fills its own
 * data/xl-oci/ with garbage (the monitor must ignore it), printing one
 * "hostile: ..." line per attempt.  It exits 0; what DomainStatus shows
 * afterwards is the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

static void attempt(struct xs_handle *xs, const char *path, const char *v,
                    size_t len)
{
    bool ok = xs_write(xs, XBT_NULL, path, v, (unsigned)len);
    printf("hostile: write %s (%zu bytes): %s\n", path, len,
           ok ? "ALLOWED" : "refused");
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "hostile";
    struct xs_handle *xs = xs_open(0);
    if (!xs) {
        printf("hostile: cannot open xenstore\n");
        return 2;
    }
    char path[256];
    snprintf(path, sizeof(path), "/tool/xl-oci/%s/state", name);
    attempt(xs, path, "running", 7);
    snprintf(path, sizeof(path), "/tool/xl-oci/%s/exit-code", name);
    attempt(xs, path, "0", 1);
    attempt(xs, "/tool/xl-oci/forged/state", "running", 7);

    /* Garbage in its own report area: relative to the domain's home. */
    size_t big = 64 * 1024;
    char *junk = malloc(big);
    if (!junk)
        return 2;
    memset(junk, 'X', big);
    attempt(xs, "data/xl-oci/error", junk, big);
    attempt(xs, "data/xl-oci/exit-code", "abc", 3);
    attempt(xs, "data/xl-oci/exit-code", "-5", 2);
    attempt(xs, "data/xl-oci/exit-code", "99999", 5);
    attempt(xs, "data/xl-oci/phase", "pwned", 5);
    attempt(xs, "data/xl-oci/state", "running", 7);
    attempt(xs, "data/xl-oci/error", "line\nbreak\x1b[2J", 16);
    for (int i = 0; i < 40; i++) {
        char k[64];
        snprintf(k, sizeof(k), "data/xl-oci/junk%d", i);
        attempt(xs, k, "x", 1);
    }
    free(junk);
    xs_close(xs);
    fflush(stdout);
    return 0;
}
