/*
 * test-spec-mounts.c: a runtime spec's mounts as a domain's volumes
 * (domcfg/spec_mounts.h): what the loader provides is left out, a tmpfs
 * becomes a tmpfs volume, binds become BIND volumes on one disk, and what
 * a domain cannot mount is refused naming the mount.  Then the boot spec
 * a bind renders (version 5, subpath), read back by the loader's reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domcfg/domain_config.h"
#include "domcfg/runtime_spec.h"
#include "domcfg/spec_mounts.h"

#define SAMPLES "tests/unit/runtime_spec/"

static void load_ok(struct runtime_spec *rs, const char *file)
{
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(rs);
    if (runtime_spec_load(rs, file, &err) < 0)
        fail_msg("%s: %s", file, xo_err_msg(&err));
}

/* A spec whose mounts are MOUNTS (JSON array text). */
static int parse_mounts(struct runtime_spec *rs, const char *mounts,
                        xo_err *err)
{
    char json[8192];
    snprintf(json, sizeof(json),
             "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
             "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, "
             "\"args\": [\"/bin/true\"], \"cwd\": \"/\"}, \"mounts\": %s}",
             mounts);
    runtime_spec_init(rs);
    return runtime_spec_parse(rs, json, strlen(json), "config.json", err);
}

static void test_ctr_run(void **state)
{
    (void)state;
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "ctr-run.json");
    struct domain_config dc;
    domain_config_init(&dc);
    xo_err err = XO_ERR_INIT;
    if (domcfg_spec_mounts(&dc, &rs, "/b", "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    /* proc, /dev, devpts, /dev/shm, mqueue, sysfs: the loader's own. */
    assert_int_equal(dc.n_volumes, 3);
    assert_int_equal(dc.volumes[0].kind, DC_VOLUME_TMPFS);
    assert_string_equal(dc.volumes[0].target, "/run");
    assert_string_equal(dc.volumes[0].size, "65536k");
    assert_null(dc.volumes[0].vdev);
    assert_int_equal(dc.volumes[1].kind, DC_VOLUME_BIND);
    assert_string_equal(dc.volumes[1].target, "/etc/resolv.conf");
    assert_string_equal(dc.volumes[1].source, "/etc/resolv.conf");
    assert_string_equal(dc.volumes[1].subpath, "0");
    assert_true(dc.volumes[1].read_only);
    /* No type, a "bind" option; "rw" after "ro". */
    assert_int_equal(dc.volumes[2].kind, DC_VOLUME_BIND);
    assert_string_equal(dc.volumes[2].source, "/srv/data");
    assert_string_equal(dc.volumes[2].subpath, "1");
    assert_false(dc.volumes[2].read_only);
    /* One disk for both, after the root (no writable disk here). */
    assert_string_equal(dc.binds_vdev, "xvdb");
    assert_string_equal(dc.volumes[1].vdev, "xvdb");
    assert_string_equal(dc.volumes[2].vdev, "xvdb");
    /* Rendering waits for the copies. */
    assert_int_equal(domcfg_binds_check_made(&dc, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "/etc/resolv.conf"));
    xo_err_clear(&err);
    dc.binds_image = strdup("/st/binds.ext4");
    assert_int_equal(domcfg_binds_check_made(&dc, &err), 0);
    runtime_spec_dispose(&rs);
    domain_config_dispose(&dc);
}

/* CRI's app container: binds under /etc and /dev, a cgroup mount, a
 * tmpfs with its size; the writable disk and a volume come first. */
static void test_cri_after_disks(void **state)
{
    (void)state;
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "cri-app.json");
    struct domain_config dc;
    domain_config_init(&dc);
    dc.writable_vdev = strdup("xvdb");
    dc.volumes[0] = (struct dc_volume){.kind = DC_VOLUME_FILE,
                                       .source = strdup("/img"),
                                       .target = strdup("/data"),
                                       .vdev = strdup("xvdc")};
    dc.n_volumes = 1;
    xo_err err = XO_ERR_INIT;
    if (domcfg_spec_mounts(&dc, &rs, "/b", "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(dc.binds_vdev, "xvdd");
    assert_int_equal(dc.n_volumes, 4);
    assert_string_equal(dc.volumes[1].target, "/etc/hosts");
    assert_string_equal(dc.volumes[2].target, "/dev/termination-log");
    assert_string_equal(dc.volumes[2].subpath, "1");
    assert_int_equal(dc.volumes[3].kind, DC_VOLUME_TMPFS);
    assert_string_equal(dc.volumes[3].size, "1m");
    runtime_spec_dispose(&rs);
    domain_config_dispose(&dc);
}

static void test_relative_source_and_shm(void **state)
{
    (void)state;
    struct runtime_spec rs;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        parse_mounts(&rs,
                     "[{\"destination\": \"/etc/hosts\", \"type\": \"bind\", "
                     "\"source\": \"hosts\", \"options\": [\"rbind\"]}, "
                     "{\"destination\": \"/dev/shm\", \"type\": \"bind\", "
                     "\"source\": \"/run/pod/shm\", \"options\": [\"rbind\"]}]",
                     &err),
        0);
    struct domain_config dc;
    domain_config_init(&dc);
    assert_int_equal(domcfg_spec_mounts(&dc, &rs, "/bundle", "c", &err), 0);
    assert_int_equal(dc.n_volumes, 1); /* /dev/shm: the loader's tmpfs */
    assert_string_equal(dc.volumes[0].source, "/bundle/hosts");
    runtime_spec_dispose(&rs);
    domain_config_dispose(&dc);
}

static void expect_refused(const char *mounts, int code, const char *want)
{
    struct runtime_spec rs;
    xo_err err = XO_ERR_INIT;
    if (parse_mounts(&rs, mounts, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    struct domain_config dc;
    domain_config_init(&dc);
    assert_int_equal(domcfg_spec_mounts(&dc, &rs, "/b", "config.json", &err),
                     -1);
    assert_int_equal(err.errnum, code);
    if (!strstr(xo_err_msg(&err), want))
        fail_msg("expected '%s' in '%s'", want, xo_err_msg(&err));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    domain_config_dispose(&dc);
}

static void test_refused(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    expect_refused("[{\"destination\": \"/proc\", \"type\": \"proc\"}, "
                   "{\"destination\": \"/mnt\", \"type\": \"nfs\", "
                   "\"source\": \"srv:/x\"}]",
                   EINVAL, "config.json: mounts[1]: type \"nfs\" at /mnt");
    expect_refused("[{\"destination\": \"/sys/kernel/x\", \"type\": \"bind\", "
                   "\"source\": \"/x\"}]",
                   EINVAL, "mounts[0]: destination /sys/kernel/x");
    expect_refused("[{\"destination\": \"/a,b\", \"type\": \"tmpfs\"}]", EINVAL,
                   "mounts[0]: destination /a,b");
    /* Destinations resolved as runc resolves them, inside /: a trailing
     * '/' (CRI passes Kubernetes' mountPath as written), "//", "/./",
     * ".." and a relative one (helper-63: refused); / is no mount
     * point. */
    static const char *const odd[][2] = {{"/data/", "/data"},
                                         {"//etc/hosts", "/etc/hosts"},
                                         {"/etc/./hosts", "/etc/hosts"},
                                         {"/mnt/../opt", "/opt"},
                                         {"../../x", "/x"},
                                         {"mnt", "/mnt"}};
    for (size_t k = 0; k < sizeof(odd) / sizeof(*odd); k++) {
        char m[256];
        snprintf(m, sizeof(m),
                 "[{\"destination\": \"%s\", \"type\": \"tmpfs\"}]", odd[k][0]);
        struct runtime_spec r2;
        struct domain_config d2;
        domain_config_init(&d2);
        if (parse_mounts(&r2, m, &err) < 0 ||
            domcfg_spec_mounts(&d2, &r2, "/b", "config.json", &err) < 0)
            fail_msg("%s: %s", odd[k][0], xo_err_msg(&err));
        assert_string_equal(d2.volumes[0].target, odd[k][1]);
        domain_config_dispose(&d2);
        runtime_spec_dispose(&r2);
    }
    expect_refused("[{\"destination\": \"/a/..\", \"type\": \"tmpfs\"}]",
                   EINVAL, "mounts[0]: destination /: must be");
    /* A tmpfs's options as runc mounts them (helper-63: only size= got
     * through): ro as read-only, the rest in order; others named. */
    {
        struct runtime_spec r2;
        struct domain_config d2;
        domain_config_init(&d2);
        if (parse_mounts(&r2,
                         "[{\"destination\": \"/t\", \"type\": \"tmpfs\", "
                         "\"options\": [\"nosuid\", \"size=1m\", \"mode=700\", "
                         "\"ro\", \"noexec\", \"uid=5\", \"rprivate\"]}]",
                         &err) < 0 ||
            domcfg_spec_mounts(&d2, &r2, "/b", "config.json", &err) < 0)
            fail_msg("%s", xo_err_msg(&err));
        assert_string_equal(d2.volumes[0].size, "1m");
        assert_string_equal(d2.volumes[0].tmpfs_opts,
                            "nosuid,mode=700,noexec,uid=5");
        assert_true(d2.volumes[0].read_only);
        domain_config_dispose(&d2);
        runtime_spec_dispose(&r2);
    }
    expect_refused("[{\"destination\": \"/t\", \"type\": \"tmpfs\", "
                   "\"options\": [\"nr_inodes=5\"]}]",
                   EINVAL,
                   "mounts[0] (/t): tmpfs option \"nr_inodes=5\" cannot");
    expect_refused(
        "[{\"destination\": \"/t\", \"type\": \"tmpfs\", "
        "\"options\": [\"mode=8777\"]}]",
        EINVAL, "mounts[0] (/t): tmpfs option \"mode=8777\": mode= is octal");
    expect_refused("[{\"destination\": \"/t\", \"type\": \"tmpfs\", "
                   "\"options\": [\"size=lots\"]}]",
                   EINVAL, "mounts[0] (/t): size=lots");
    char many[4096] = "[";
    for (int i = 0; i < DC_MAX_VOLUMES + 1; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many),
                 "%s{\"destination\": \"/t%d\", \"type\": \"tmpfs\"}",
                 i ? ", " : "", i);
    strcat(many, "]");
    expect_refused(many, E2BIG, "mounts[16] (/t16): a domain takes at most 16");
}

/* A spec with MOUNTS and the shared-mounts annotation set to SHARED. */
static int parse_shared(struct runtime_spec *rs, const char *mounts,
                        const char *shared, xo_err *err)
{
    char json[8192];
    snprintf(json, sizeof(json),
             "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
             "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, "
             "\"args\": [\"/bin/true\"], \"cwd\": \"/\"}, \"mounts\": %s, "
             "\"annotations\": {\"" DOMCFG_SHARED_MOUNTS_ANNOTATION
             "\": \"%s\"}}",
             mounts, shared);
    runtime_spec_init(rs);
    return runtime_spec_parse(rs, json, strlen(json), "config.json", err);
}

/* org.xl-oci.shared-mounts: the binds it names are SHARE volumes (a
 * directory, resolved), "*" shares every directory and copies files, and
 * what cannot be shared is refused naming the mount or the annotation. */
static void test_shared_mounts(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-spec-mounts.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], file[128], link[128], mounts[1024];
    snprintf(sub, sizeof(sub), "%s/d", dir);
    snprintf(file, sizeof(file), "%s/f", dir);
    snprintf(link, sizeof(link), "%s/l", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink("d", link), 0);
    snprintf(mounts, sizeof(mounts),
             "[{\"destination\": \"/data\", \"type\": \"bind\", "
             "\"source\": \"%s\", \"options\": [\"rbind\", \"ro\"]}, "
             "{\"destination\": \"/etc/f\", \"type\": \"bind\", "
             "\"source\": \"%s\", \"options\": [\"rbind\"]}, "
             "{\"destination\": \"/logs\", \"type\": \"bind\", "
             "\"source\": \"%s\", \"options\": [\"rbind\"]}]",
             link, file, sub);
    struct {
        const char *shared;
        const char *error; /* NULL: accepted */
        enum dc_volume_kind kinds[3];
    } cases[] = {
        {"*", NULL, {DC_VOLUME_SHARE, DC_VOLUME_BIND, DC_VOLUME_SHARE}},
        {"/logs", NULL, {DC_VOLUME_BIND, DC_VOLUME_BIND, DC_VOLUME_SHARE}},
        {"/data,/logs",
         NULL,
         {DC_VOLUME_SHARE, DC_VOLUME_BIND, DC_VOLUME_SHARE}},
        {"/etc/f", "mounts[1]: source ", {0}},
        {"/data,/nope",
         "\"/nope\" is not the destination of a bind mount",
         {0}},
        {"/dat", "\"/dat\" is not the destination of a bind mount", {0}},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct runtime_spec rs;
        struct domain_config dc;
        domain_config_init(&dc);
        xo_err err = XO_ERR_INIT;
        if (parse_shared(&rs, mounts, cases[c].shared, &err) < 0)
            fail_msg("%s", xo_err_msg(&err));
        int r = domcfg_spec_mounts(&dc, &rs, "/b", "config.json", &err);
        if (cases[c].error) {
            assert_int_equal(r, -1);
            if (!strstr(xo_err_msg(&err), cases[c].error))
                fail_msg("%s: %s", cases[c].shared, xo_err_msg(&err));
            xo_err_clear(&err);
        } else {
            if (r < 0)
                fail_msg("%s: %s", cases[c].shared, xo_err_msg(&err));
            assert_int_equal(dc.n_volumes, 3);
            size_t binds = 0;
            for (size_t i = 0; i < 3; i++) {
                const struct dc_volume *v = &dc.volumes[i];
                assert_int_equal(v->kind, cases[c].kinds[i]);
                if (v->kind == DC_VOLUME_SHARE) {
                    assert_string_equal(v->source, sub); /* link resolved */
                    assert_null(v->vdev);
                    assert_null(v->subpath);
                } else {
                    binds++;
                    assert_non_null(v->subpath);
                }
            }
            assert_true(dc.volumes[0].read_only);
            assert_false(dc.volumes[2].read_only);
            /* The copies' disk only when a bind is left to copy. */
            assert_true(binds > 0 ? dc.binds_vdev != NULL
                                  : dc.binds_vdev == NULL);
        }
        domain_config_dispose(&dc);
        runtime_spec_dispose(&rs);
    }
    unlink(link);
    unlink(file);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctr_run),
        cmocka_unit_test(test_cri_after_disks),
        cmocka_unit_test(test_relative_source_and_shm),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_shared_mounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
