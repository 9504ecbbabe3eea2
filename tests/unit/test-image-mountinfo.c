/*
 * test-image-mountinfo.c: image/mountinfo.h on mountinfo text written
 * here in the kernel's format (proc(5)): octal escapes, optional fields,
 * the top mount winning, overlay layers with "\:" escapes, relative
 * layers given as they are, and the options refused (no lowerdir, an
 * empty layer, a relative upper).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "image/mountinfo.h"

static const char table[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "40 22 0:38 / /run/b\\040x/rootfs rw,relatime shared:5 master:2 - "
    "overlay overlay rw,lowerdir=/s/5/fs:/s/4\\134:x/fs:/s/3\\054y,upperdir=/s/8/fs,"
    "workdir=/s/8/work\n"
    "41 22 0:39 / /run/c/rootfs rw - tmpfs tmpfs rw\n"
    "42 41 0:40 / /run/c/rootfs rw - overlay overlay ro,lowerdir=12/fs:b/fs\n"
    "43 22 8:1 /sub /run/d rw - ext4 /dev/sda1 rw\n";

static char path[] = "/tmp/test-mountinfo.XXXXXX";

static int setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, table, sizeof(table) - 1) < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return unlink(path);
}

static void test_find(void **state)
{
    (void)state;
    struct mountinfo_entry e;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(mountinfo_find(&e, path, "/run/b x/rootfs", &err), 1);
    assert_string_equal(e.fstype, "overlay");
    assert_string_equal(e.root, "/");
    struct mountinfo_overlay o;
    assert_int_equal(mountinfo_overlay_layers(&o, e.super_opts, &err), 0);
    assert_int_equal(o.n_lowers, 3);
    assert_string_equal(o.lowers[0], "/s/5/fs");
    assert_string_equal(o.lowers[1], "/s/4:x/fs"); /* "\:" undone */
    /* A ',' in a path is not an option separator. */
    assert_string_equal(o.lowers[2], "/s/3,y");
    assert_null(o.lowers[3]);
    assert_string_equal(o.upper, "/s/8/fs");
    assert_string_equal(o.work, "/s/8/work");
    mountinfo_overlay_dispose(&o);
    mountinfo_entry_dispose(&e);

    /* The last line for a mount point is the mount on top. */
    assert_int_equal(mountinfo_find(&e, path, "/run/c/rootfs", &err), 1);
    assert_string_equal(e.fstype, "overlay");
    /* containerd's relative layers (options past a page) are given as
     * they are: bundle_source.c resolves them. */
    assert_int_equal(mountinfo_overlay_layers(&o, e.super_opts, &err), 0);
    assert_int_equal(o.n_lowers, 2);
    assert_string_equal(o.lowers[0], "12/fs");
    assert_string_equal(o.lowers[1], "b/fs");
    assert_null(o.upper);
    assert_null(o.work);
    mountinfo_overlay_dispose(&o);
    assert_int_equal(mountinfo_overlay_layers(&o, "rw,upperdir=/u", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "without lowerdir"));
    xo_err_clear(&err);
    /* An upper or work directory must be absolute. */
    assert_int_equal(
        mountinfo_overlay_layers(&o, "lowerdir=/a,upperdir=u,workdir=/w", &err),
        -1);
    assert_non_null(strstr(xo_err_msg(&err), "not an absolute path"));
    xo_err_clear(&err);
    assert_int_equal(mountinfo_overlay_layers(&o, "lowerdir=/a::/b", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "empty layer"));
    xo_err_clear(&err);
    mountinfo_entry_dispose(&e);

    assert_int_equal(mountinfo_find(&e, path, "/run/d", &err), 1);
    assert_string_equal(e.root, "/sub");
    mountinfo_entry_dispose(&e);
    assert_int_equal(mountinfo_find(&e, path, "/run/b", &err), 0);
    assert_int_equal(mountinfo_find(&e, "/nonexistent/mi", "/", &err), -1);
    xo_err_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_find)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
