/*
 * guest-init.c: the whole userspace of the lab's plain PV test guest.
 *
 * The harness builds this statically (libxenstore.a, libxentoolcore.a) and
 * packs it as the only file of the guest's initramfs, /init.  It mounts
 * devtmpfs so that /dev/xen/xenbus exists, writes one xenstore key below the
 * guest's own home (/local/domain/<domid>/), then sleeps until dom0 destroys
 * the domain.  The key and value come from the kernel command line: the
 * kernel hands every unknown "NAME=value" parameter to init as an environment
 * variable, so `extra="LAB_KEY=data/lab LAB_VALUE=hello"` in the xl config
 * is enough.  Defaults: key "data/lab", value "ok".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

/* How long to keep retrying while xenbus is not yet usable. */
#define XS_OPEN_TRIES 50

static void say(const char *msg)
{
    /* No stdio buffering games: the console is all we have. */
    fprintf(stderr, "lab-guest: %s\n", msg);
}

int main(void)
{
    const char *key = getenv("LAB_KEY");
    const char *value = getenv("LAB_VALUE");
    struct xs_handle *xsh = NULL;
    int i;

    if (!key || !*key)
        key = "data/lab";
    if (!value)
        value = "ok";

    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
        say("mounting devtmpfs failed");
    mkdir("/proc", 0755);
    mount("proc", "/proc", "proc", 0, NULL);

    for (i = 0; i < XS_OPEN_TRIES && !xsh; i++) {
        xsh = xs_open(0);
        if (!xsh)
            usleep(100 * 1000);
    }
    if (!xsh) {
        say("cannot open xenstore");
    } else if (!xs_write(xsh, XBT_NULL, key, value, strlen(value))) {
        say("xenstore write failed");
    } else {
        fprintf(stderr, "lab-guest: wrote %s=%s\n", key, value);
    }
    if (xsh)
        xs_close(xsh);

    /* init must never exit: the kernel would panic. dom0 destroys us. */
    for (;;)
        pause();
}
