/*
 * test-share-views.c: read-only views of shared directories
 * (xl-plugin/share_views.h).  A read-only share's source becomes a view
 * under ROOT/share-views/NAME/N that refuses writes, down to a mount
 * below the directory; a writable share is left alone; release unmounts
 * and removes every view and leaves the directory's files; a view that
 * cannot be made leaves nothing behind.  Needs root (mounts): skipped
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
    xo_err err = XO_ERR_INIT;
    if (share_views_make(&dc, f->root, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    char view[256], viewsub[300];
    snprintf(view, sizeof(view), "%s/share-views/app/1", f->root);
    assert_string_equal(dc.volumes[0].source, f->rw); /* writable: as is */
    assert_string_equal(dc.volumes[1].source, view);
    /* The view shows the directory and refuses writes, also below. */
    char buf[16] = "";
    snprintf(viewsub, sizeof(viewsub), "%s/f", view);
    FILE *in = fopen(viewsub, "r");
    assert_non_null(in);
    assert_non_null(fgets(buf, sizeof(buf), in));
    fclose(in);
    assert_string_equal(buf, "keep\n");
    assert_int_equal(try_write(view, "x"), EROFS);
    snprintf(viewsub, sizeof(viewsub), "%s/sub", view);
    assert_int_equal(try_write(viewsub, "x"), EROFS);
    /* The directory itself stays writable for dom0. */
    assert_int_equal(try_write(f->src, "x"), 0);

    assert_int_equal(share_views_release(f->root, "app", &err), 0);
    struct stat st;
    snprintf(viewsub, sizeof(viewsub), "%s/share-views/app", f->root);
    assert_int_equal(stat(viewsub, &st), -1);
    snprintf(viewsub, sizeof(viewsub), "%s/f", f->src);
    assert_int_equal(stat(viewsub, &st), 0); /* the data stays */
    /* Nothing left to release is success. */
    assert_int_equal(share_views_release(f->root, "app", &err), 0);
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
    assert_non_null(strstr(xo_err_msg(&err), "read-only share /srv/b"));
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
