/*
 * test-image-volume-etc.c: /etc/passwd and /etc/group of an image's tree
 * (volume_read_etc, what pull copies into the root volume and exec reads
 * from a NOHYPER container's live rootfs) are read only when they are
 * regular files: a device node there is never opened, nor a FIFO.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image/volume.h"

static int setup(void **state)
{
    char *dir = strdup("/tmp/test-voletc.XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    char p[128];
    snprintf(p, sizeof(p), "%s/etc", dir);
    if (mkdir(p, 0755) < 0)
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", (char *)*state);
    free(*state);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *dir, const char *rel)
{
    static char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    return p;
}

/* A character major no driver of this host registered (/proc/devices):
 * opening a node of it fails with ENXIO, so an open shows. */
static unsigned free_char_major(void)
{
    FILE *f = fopen("/proc/devices", "r");
    assert_non_null(f);
    bool used[512] = {false};
    char line[128];
    while (fgets(line, sizeof(line), f) && strncmp(line, "Block", 5)) {
        unsigned m;
        if (sscanf(line, "%u", &m) == 1 && m < 512)
            used[m] = true;
    }
    fclose(f);
    for (unsigned m = 60; m < 512; m++)
        if (!used[m])
            return m;
    fail_msg("no free character major");
    return 0;
}

static void test_regular_through_symlink(void **state)
{
    const char *dir = *state;
    FILE *f = fopen(at(dir, "etc/passwd.real"), "w");
    assert_non_null(f);
    fputs("app:x:1000:1000::/:/bin/sh\n", f);
    fclose(f);
    assert_int_equal(symlink("/etc/passwd.real", at(dir, "etc/passwd")), 0);
    char *pw = NULL, *gr = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(volume_read_etc(dir, &pw, &gr, &err), 0);
    assert_non_null(pw);
    assert_string_equal(pw, "app:x:1000:1000::/:/bin/sh\n");
    assert_null(gr);
    free(pw);
}

/* A FIFO is skipped without blocking; a device node (an image pulled
 * with --allow-devices, or a container with CAP_MKNOD) is not opened: the
 * old code opened it, which failed with ENXIO here (EACCES on a nodev
 * tree) and opened the host's device for a major a driver has. */
static void test_device_and_fifo_not_opened(void **state)
{
    const char *dir = *state;
    assert_int_equal(mkfifo(at(dir, "etc/group"), 0644), 0);
    char *pw = NULL, *gr = NULL;
    xo_err err = XO_ERR_INIT;
    if (geteuid() == 0) {
        assert_int_equal(mknod(at(dir, "etc/passwd"), S_IFCHR | 0644,
                               makedev(free_char_major(), 0)),
                         0);
    }
    int rc = volume_read_etc(dir, &pw, &gr, &err);
    if (rc < 0)
        fail_msg("volume_read_etc: %s", xo_err_msg(&err));
    assert_null(pw);
    assert_null(gr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_regular_through_symlink, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_device_and_fifo_not_opened, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
