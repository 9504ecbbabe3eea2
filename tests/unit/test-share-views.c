/*
 * test-share-views.c: the views QEMU serves for shares
 * (xl-plugin/share_views.h).  Every share's source becomes a view under
 * ROOT/share-views/NAME/N where device nodes do not open; a read-only one
 * refuses writes, down to a mount below the directory; views unmounted
 * by a dom0 restart are made again from their records; release unmounts
 * (also a view mounted twice) and removes every view and leaves the
 * directory's files; a view that cannot be made leaves nothing behind.  Needs root (mounts): skipped
 * otherwise, as CI runs the unit tests as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "domcfg/domain_config.h"
#include "xl-plugin/share_views.h"

struct fx {
    char top[64];
    char root[128], src[128], sub[128], rw[128];
};

static int setup(void **state)
{
    if (geteuid() != 0)
        return 0;
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->top, "/tmp/test-share-views.XXXXXX");
    if (!mkdtemp(f->top))
        return -1;
    snprintf(f->root, sizeof(f->root), "%s/state", f->top);
    snprintf(f->src, sizeof(f->src), "%s/src", f->top);
    snprintf(f->sub, sizeof(f->sub), "%s/src/sub", f->top);
    snprintf(f->rw, sizeof(f->rw), "%s/rw", f->top);
    if (mkdir(f->root, 0700) || mkdir(f->src, 0755) || mkdir(f->sub, 0755) ||
        mkdir(f->rw, 0755))
        return -1;
    char file[160];
    snprintf(file, sizeof(file), "%s/f", f->src);
    FILE *o = fopen(file, "w");
    if (!o)
        return -1;
    fputs("keep\n", o);
    fclose(o);
    /* A mount below the shared directory: the view must make it
     * read-only too. */
    if (mount("tmpfs", f->sub, "tmpfs", 0, "size=64k") < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (!f)
        return 0;
    /* A failed test may have left views: never remove through them. */
    xo_err err = XO_ERR_INIT;
    share_views_release(f->root, "app", &err);
    xo_err_clear(&err);
    share_views_release(f->root, "bad", &err);
    xo_err_clear(&err);
    share_views_release(f->root, "lost", &err);
    xo_err_clear(&err);
    umount2(f->sub, MNT_DETACH);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system %s", f->top);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void add_share(struct domain_config *dc, const char *src,
                      const char *target, bool ro)
{
    struct dc_volume *v = &dc->volumes[dc->n_volumes++];
    memset(v, 0, sizeof(*v));
    v->kind = DC_VOLUME_SHARE;
    v->source = strdup(src);
    v->target = strdup(target);
    v->read_only = ro;
}

/* 0 when a file can be made at dir/name, else errno. */
static int try_write(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    close(fd);
    unlink(p);
    return 0;
}

static void test_views(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip(); /* not root: no mounts */
    struct domain_config dc;
    domain_config_init(&dc);
    dc.name = strdup("app");
    add_share(&dc, f->rw, "/srv/rw", false);
    add_share(&dc, f->src, "/srv/ro", true);
    /* A device node a guest could have made through QEMU. */
    char node[200];
    snprintf(node, sizeof(node), "%s/null", f->rw);
    assert_int_equal(mknod(node, S_IFCHR | 0666, makedev(1, 3)), 0);
    xo_err err = XO_ERR_INIT;
    if (share_views_make(&dc, f->root, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    char view0[256], view1[256], p[320];
    snprintf(view0, sizeof(view0), "%s/share-views/app/0", f->root);
    snprintf(view1, sizeof(view1), "%s/share-views/app/1", f->root);
    /* Every share is served from its view. */
    assert_string_equal(dc.volumes[0].source, view0);
    assert_string_equal(dc.volumes[1].source, view1);
    assert_string_equal(dc.volumes[0].share_dir, f->rw);
    assert_string_equal(dc.volumes[1].share_dir, f->src);
    /* The read-only view shows the directory and refuses writes, also in
     * a mount below it; the writable one takes them. */
    char buf[16] = "";
    snprintf(p, sizeof(p), "%s/f", view1);
    FILE *in = fopen(p, "r");
    assert_non_null(in);
    assert_non_null(fgets(buf, sizeof(buf), in));
    fclose(in);
    assert_string_equal(buf, "keep\n");
    assert_int_equal(try_write(view1, "x"), EROFS);
    snprintf(p, sizeof(p), "%s/sub", view1);
    assert_int_equal(try_write(p, "x"), EROFS);
    assert_int_equal(try_write(view0, "x"), 0);
    /* nodev: a device node does not open through a view. */
    snprintf(p, sizeof(p), "%s/null", view0);
    int fd = open(p, O_WRONLY | O_CLOEXEC);
    assert_int_equal(fd, -1);
    assert_int_equal(errno, EACCES);
    fd = open(node, O_WRONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    close(fd);
    /* The directory itself stays writable for dom0. */
    assert_int_equal(try_write(f->src, "x"), 0);

    /* dom0 restarted: the views are gone, their records are not;
     * ensure makes them again, read-only where they were. */
    assert_int_equal(umount2(view1, MNT_DETACH), 0);
    assert_int_equal(umount2(view0, MNT_DETACH), 0);
    assert_int_not_equal(try_write(view1, "x"), EROFS); /* a bare dir */
    if (share_views_ensure(f->root, "app", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(try_write(view1, "x"), EROFS);
    snprintf(p, sizeof(p), "%s/f", view1);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(try_write(view0, "y"), 0);
    /* ensure again: nothing to do, nothing stacked. */
    assert_int_equal(share_views_ensure(f->root, "app", &err), 0);

    /* A view mounted twice (creates killed midway) is released whole. */
    assert_int_equal(mount(f->rw, view0, NULL, MS_BIND, NULL), 0);
    assert_int_equal(share_views_release(f->root, "app", &err), 0);
    snprintf(p, sizeof(p), "%s/share-views/app", f->root);
    assert_int_equal(stat(p, &st), -1);
    snprintf(p, sizeof(p), "%s/f", f->src);
    assert_int_equal(stat(p, &st), 0); /* the data stays */
    /* Nothing left to release or ensure is success. */
    assert_int_equal(share_views_release(f->root, "app", &err), 0);
    assert_int_equal(share_views_ensure(f->root, "app", &err), 0);
    unlink(node);
    domain_config_dispose(&dc);
}

/* A directory gone since create: ensure fails naming it. */
static void test_ensure_missing_dir(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip(); /* not root: no mounts */
    char gone[160];
    snprintf(gone, sizeof(gone), "%s/later-gone", f->top);
    assert_int_equal(mkdir(gone, 0755), 0);
    struct domain_config dc;
    domain_config_init(&dc);
    dc.name = strdup("lost");
    add_share(&dc, gone, "/srv/g", false);
    xo_err err = XO_ERR_INIT;
    if (share_views_make(&dc, f->root, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    char view[256];
    snprintf(view, sizeof(view), "%s/share-views/lost/0", f->root);
    assert_int_equal(umount2(view, MNT_DETACH), 0);
    assert_int_equal(rmdir(gone), 0);
    assert_int_equal(share_views_ensure(f->root, "lost", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "later-gone"));
    xo_err_clear(&err);
    assert_int_equal(share_views_release(f->root, "lost", &err), 0);
    domain_config_dispose(&dc);
}

static void test_failure_leaves_nothing(void **state)
{
    struct fx *f = *state;
    if (!f)
        skip(); /* not root: no mounts */
    struct domain_config dc;
    domain_config_init(&dc);
    dc.name = strdup("bad");
    add_share(&dc, f->src, "/srv/a", true);
    char gone[160];
    snprintf(gone, sizeof(gone), "%s/no-such-dir", f->top);
    add_share(&dc, gone, "/srv/b", true);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(share_views_make(&dc, f->root, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "share /srv/b: "));
    xo_err_clear(&err);
    char dir[256];
    struct stat st;
    snprintf(dir, sizeof(dir), "%s/share-views/bad", f->root);
    assert_int_equal(stat(dir, &st), -1);
    domain_config_dispose(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_views),
        cmocka_unit_test(test_failure_leaves_nothing),
        cmocka_unit_test(test_ensure_missing_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
