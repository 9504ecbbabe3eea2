/*
 * hostile.c: a container that attacks its own DomainStatus.  Static, run
 * inside a domain by the lab (tests/lab/11-hostile.sh).  It tries to write
 * dom0's /tool/xl-oci/ tree (xenstored must refuse) and fills its own
 * data/xl-oci/ with garbage (the monitor must ignore it), printing one
 * "hostile: ..." line per attempt.  It exits 0; what DomainStatus shows
 * afterwards is the test.
 *
 * The container's /dev is runc's, without the guest's xenbus device; a
 * compromised root process holding CAP_MKNOD (one of Docker's defaults)
 * makes the node itself from /proc/misc, and so does this one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <xenstore.h>

static void attempt(struct xs_handle *xs, const char *path, const char *v,
                    size_t len)
{
    bool ok = xs_write(xs, XBT_NULL, path, v, (unsigned)len);
    printf("hostile: write %s (%zu bytes): %s\n", path, len,
           ok ? "ALLOWED" : "refused");
}

/* Makes /dev/xen/xenbus from its misc minor when it is not there. */
static void make_xenbus(void)
{
    struct stat st;
    if (stat("/dev/xen/xenbus", &st) == 0)
        return;
    FILE *f = fopen("/proc/misc", "r");
    unsigned minor = 0;
    char dev[64];
    bool found = false;
    while (f && !found && fscanf(f, "%u %63s", &minor, dev) == 2)
        found = strcmp(dev, "xen/xenbus") == 0;
    if (f)
        fclose(f);
    if (!found) {
        printf("hostile: no xen/xenbus in /proc/misc\n");
        return;
    }
    mkdir("/dev/xen", 0755);
    int r = mknod("/dev/xen/xenbus", S_IFCHR | 0600, makedev(10, minor));
    printf("hostile: mknod /dev/xen/xenbus (10:%u): %s\n", minor,
           r == 0 ? "ok" : "refused");
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "hostile";
    make_xenbus();
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
