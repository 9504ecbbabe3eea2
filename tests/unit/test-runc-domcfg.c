/*
 * test-runc-domcfg.c: the domain_config xl-oci-runc create builds for a
 * bundle (xl-plugin/runc_domcfg.h), from the app.cfg create writes and
 * the bundle's config.json: its sysctls are exactly the spec's (after
 * its pod's), in both renderings, as runc sets them; Docker's two
 * defaults, which the same app.cfg gets without a spec, are not added.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/runtime_spec.h"
#include "loader/xen-tools/bootspec.h"
#include "xl-plugin/runc_domcfg.h"

static char dir[] = "/tmp/xl-oci-runc-domcfg.XXXXXX";

#define SPEC(linux)                                                            \
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "           \
    "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"/x\"], "   \
    "\"cwd\": \"/\"}, \"linux\": " linux "}"

static void put(const char *name, const char *text)
{
    char p[256];
    xo_err err = XO_ERR_INIT;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    if (xo_write_file_atomic(p, text, strlen(text), 0644, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
}

static int setup(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    char p[256];
    if (!mkdtemp(dir))
        return -1;
    /* A root volume as bundle_rootfs_volume leaves it (its image config
     * says nothing of the process) and the bundle's directory. */
    snprintf(p, sizeof(p), "%s/volume", dir);
    if (xo_mkdir_p(p, 0755, &err) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/bundle/rootfs", dir);
    if (xo_mkdir_p(p, 0755, &err) < 0)
        return -1;
    put("volume/rootfs.erofs", "");
    put("volume/image-config.json",
        "{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": {}}");
    snprintf(p, sizeof(p), "%s/app.cfg", dir);
    char vol[128];
    snprintf(vol, sizeof(vol), "%s/volume", dir);
    return runc_domcfg_write_app_cfg(p, "c1", vol, &err);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Builds dc as runc_create does, from the app.cfg of setup() and `spec`
 * with the pod's sysctls `pod` (NULL: none). */
static void build(struct domain_config *dc, const char *spec, char **pod)
{
    char cfg[256], spec_path[300], bundle[256];
    snprintf(cfg, sizeof(cfg), "%s/app.cfg", dir);
    snprintf(bundle, sizeof(bundle), "%s/bundle", dir);
    snprintf(spec_path, sizeof(spec_path), "%s/config.json", bundle);
    struct runtime_spec rs;
    struct app_cfg *ac = NULL;
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(&rs);
    domain_config_init(dc);
    struct runc_domcfg_in in = {
        .rs = &rs,
        .spec_path = spec_path,
        .bundle = bundle,
        .pod_sysctls = pod,
        .state_root = "/st",
        .default_loader = "/ld",
    };
    if (runtime_spec_parse(&rs, spec, strlen(spec), spec_path, &err) < 0 ||
        app_cfg_read(&ac, cfg, &err) < 0 ||
        runc_domcfg_build(dc, ac, &in, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    app_cfg_free(ac);
    runtime_spec_dispose(&rs);
}

/* dc's sysctls in both renderings: the boot spec's list and runc's
 * linux.sysctl, each as "NAME=VALUE" joined by ';'. */
static void renderings(const struct domain_config *dc, char *boot, char *rt,
                       size_t len)
{
    xo_err err = XO_ERR_INIT;
    void *blob = NULL;
    size_t bl = 0;
    struct boot_spec bs;
    if (domcfg_to_boot_spec(&blob, &bl, dc, &err) < 0 ||
        boot_spec_parse(&bs, blob, bl, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    boot[0] = '\0';
    for (size_t i = 0; i < bs.nsysctl; i++)
        snprintf(boot + strlen(boot), len - strlen(boot), "%s%s", i ? ";" : "",
                 bs.sysctl[i]);
    boot_spec_free(&bs);
    free(blob);
    json_object *s = NULL, *l = NULL, *sc = NULL;
    if (domcfg_to_runtime_spec(&s, dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    rt[0] = '\0';
    if (json_object_object_get_ex(s, "linux", &l) &&
        json_object_object_get_ex(l, "sysctl", &sc)) {
        json_object_object_foreach (sc, k, v) {
            snprintf(rt + strlen(rt), len - strlen(rt), "%s%s=%s",
                     rt[0] ? ";" : "", k, json_object_get_string(v));
        }
    }
    json_object_put(s);
}

static void test_spec_sysctls_exactly(void **st)
{
    (void)st;
    struct domain_config dc;
    char boot[512], rt[512];
    build(&dc, SPEC("{\"sysctl\": {\"net.core.somaxconn\": \"1024\"}}"), NULL);
    assert_int_equal(dc.n_sysctls, 1);
    assert_string_equal(dc.sysctls[0], "net.core.somaxconn=1024");
    renderings(&dc, boot, rt, sizeof(boot));
    assert_string_equal(boot, "net.core.somaxconn=1024");
    assert_string_equal(rt, "net.core.somaxconn=1024");
    domain_config_dispose(&dc);

    /* None in the spec: none at all, as under runc. */
    build(&dc, SPEC("{}"), NULL);
    assert_int_equal(dc.n_sysctls, 0);
    renderings(&dc, boot, rt, sizeof(boot));
    assert_string_equal(boot, "");
    assert_string_equal(rt, "");
    domain_config_dispose(&dc);
}

/* The pod's first, then the container's own, which wins a name both set;
 * nothing else. */
static void test_pod_then_spec(void **st)
{
    (void)st;
    struct domain_config dc;
    char *pod[] = {"net.ipv4.ip_unprivileged_port_start=0",
                   "kernel.shm_rmid_forced=1", "net.core.somaxconn=555", NULL};
    build(&dc, SPEC("{\"sysctl\": {\"net.core.somaxconn\": \"777\"}}"), pod);
    assert_int_equal(dc.n_sysctls, 3);
    assert_string_equal(dc.sysctls[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(dc.sysctls[1], "kernel.shm_rmid_forced=1");
    assert_string_equal(dc.sysctls[2], "net.core.somaxconn=777");
    domain_config_dispose(&dc);
}

/* The contrast: the same app.cfg with a process of its own and no spec
 * over it, an app.cfg container, gets Docker's two defaults, so their
 * absence above is the runtime spec's doing. */
static void test_app_cfg_alone_gets_defaults(void **st)
{
    (void)st;
    char cfg[256], text[512];
    snprintf(cfg, sizeof(cfg), "%s/app.cfg", dir);
    struct app_cfg *ac = NULL;
    char *own = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    if (xo_read_file(&own, &len, cfg, 4096, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    snprintf(text, sizeof(text), "%soci_cmd = [ \"/x\" ]\n", own);
    free(own);
    struct domain_config dc;
    domain_config_init(&dc);
    struct domcfg_opts opts = {.state_root = "/st", .default_loader = "/ld"};
    if (app_cfg_read_data(&ac, "plain.cfg", text, strlen(text), &err) < 0 ||
        domcfg_from_app_cfg(&dc, ac, &opts, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(dc.n_sysctls, 2);
    assert_string_equal(dc.sysctls[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(dc.sysctls[1],
                        "net.ipv4.ping_group_range=0 2147483647");
    domain_config_dispose(&dc);
    app_cfg_free(ac);
}

/* What runc runs and a domain refused (helper-63): a hostname with '_',
 * a cwd through "..", a user without gid, a umask past 0777. */
static void test_spec_as_runc_reads_it(void **st)
{
    (void)st;
    struct domain_config dc;
    build(&dc,
          "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
          "\"hostname\": \"my_host\", \"process\": {\"user\": {\"uid\": 7, "
          "\"umask\": 4095}, \"args\": [\"/x\"], \"cwd\": \"/bin/../tmp\"}}",
          NULL);
    assert_string_equal(dc.hostname, "my_host");
    assert_string_equal(dc.cwd, "/tmp");
    assert_string_equal(dc.user, "7:0");
    assert_true(dc.has_umask);
    assert_int_equal(dc.umask, 0777);
    domain_config_dispose(&dc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_sysctls_exactly),
        cmocka_unit_test(test_pod_then_spec),
        cmocka_unit_test(test_app_cfg_alone_gets_defaults),
        cmocka_unit_test(test_spec_as_runc_reads_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
