/*
 * test-domcfg-render.c: the three renderings of a domain_config
 * (domcfg/render_*.c).  The boot spec blob is read back with libfdt and
 * compared field by field with the domain_config; the libxl config is
 * checked struct by struct; the runtime spec by its JSON.
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

#include "common/pathfmt.h"
#include "common/json.h"
#include "common/abi/sysctl.h"
#include "domcfg/sysctls.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/vif.h"
#include "loader/xen-tools/bootspec.h"

#include <libfdt.h>

#include "common/abi/boot_spec.h"
#include "domcfg_fixture.h"

#define IC(cfg)                                                                \
    "{\"os\": \"linux\", \"architecture\": \"amd64\", \"config\": {" cfg "}}"

#define BASE "name = \"web\"\noci_root = \"@RV@\"\n"

#define FULL_CFG                                                               \
    BASE "oci_writable = \"/w.img\"\n"                                         \
         "oci_volumes = [ \"/a.img:/data:ro\", \"/b.img:/logs\" ]\n"           \
         "disk = [ \"format=raw, vdev=xvdf, access=rw, target=/e.img\" ]\n"    \
         "vif = [ \"bridge=xenbr0,ip=10.0.0.2/24,mtu=1400\", "                 \
         "\"mac=00:16:3e:00:00:09,bridge=br1,vifname=v9\" ]\n"                 \
         "oci_gateway = \"10.0.0.1\"\noci_dns = [ \"10.0.0.53\" ]\n"           \
         "memory = 256\nmaxmem = 512\nvcpus = 2\nmaxvcpus = 3\n"               \
         "cpus = \"0-3,^2\"\non_crash = \"rename-restart\"\n"                  \
         "oci_user = \"1000:1001\"\noci_workdir = \"/srv\"\n"                  \
         "oci_env = [ \"A=1\" ]\noci_stop_signal = \"SIGINT\"\n"

#define FULL_IC                                                                \
    IC("\"Entrypoint\": [\"/bin/sh\", \"-c\"], \"Cmd\": [\"echo hi\"], "       \
       "\"Labels\": {\"org.example\": \"v\"}")

/* ---- boot spec --------------------------------------------------------- */

static const void *prop(const void *fdt, const char *path, const char *name,
                        int *len_r)
{
    int node = fdt_path_offset(fdt, path);
    if (node < 0)
        fail_msg("no node %s", path);
    const void *p = fdt_getprop(fdt, node, name, len_r);
    if (!p)
        fail_msg("no property %s in %s", name, path);
    return p;
}

static const char *prop_str(const void *fdt, const char *path, const char *name)
{
    int len;
    const char *s = prop(fdt, path, name, &len);
    assert_true(len >= 1);
    assert_int_equal(s[len - 1], '\0');
    assert_int_equal(strlen(s), (size_t)len - 1); /* exactly one string */
    return s;
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
    int len;
    const fdt32_t *v = prop(fdt, path, name, &len);
    assert_int_equal(len, 4);
    return fdt32_to_cpu(*v);
}

static void check_stringlist(const void *fdt, const char *path,
                             const char *name, char *const *want, size_t n)
{
    int node = fdt_path_offset(fdt, path);
    assert_true(node >= 0);
    int len = -1;
    assert_non_null(fdt_getprop(fdt, node, name, &len));
    assert_int_equal(fdt_stringlist_count(fdt, node, name), (int)n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(fdt_stringlist_get(fdt, node, name, (int)i, NULL),
                            want[i]);
}

static void *boot_spec(struct fixture *fx, size_t *len_r)
{
    void *blob = NULL;
    xo_err err = XO_ERR_INIT;
    if (domcfg_to_boot_spec(&blob, len_r, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(fdt_check_full(blob, *len_r), 0);
    assert_int_equal(fdt_totalsize(blob), *len_r);
    return blob;
}

/*
 * Leaves out what every app.cfg container gets from a later boot spec
 * version (v8: Docker's default sysctls, v9: stdin-null), so that a test
 * sees the version its own feature needs.
 */
static void no_later_defaults(struct fixture *fx)
{
    fx->dc.stdin_open = true;
    xo_strv_free(fx->dc.sysctls);
    fx->dc.sysctls = NULL;
    fx->dc.n_sysctls = 0;
}

static void test_boot_spec_full(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, FULL_IC, FULL_CFG);
    no_later_defaults(fx); /* this test is about its version */
    size_t len;
    void *fdt = boot_spec(fx, &len);
    struct domain_config *dc = &fx->dc;

    assert_string_equal(prop_str(fdt, "/", "compatible"), "xl-oci,boot-spec");
    assert_int_equal(prop_u32(fdt, "/", "version"), 3);
    assert_string_equal(prop_str(fdt, "/", "hostname"), dc->hostname);
    check_stringlist(fdt, "/process", "args", dc->args, dc->n_args);
    check_stringlist(fdt, "/process", "env", dc->env, dc->n_env);
    assert_int_equal(dc->n_args, 3);
    assert_string_equal(prop_str(fdt, "/process", "cwd"), "/srv");
    assert_string_equal(prop_str(fdt, "/process", "user"), "1000:1001");
    assert_int_equal(prop_u32(fdt, "/process", "stop-signal"), 2);
    assert_int_equal(prop_u32(fdt, "/process", "stop-timeout"), 10);

    assert_string_equal(prop_str(fdt, "/rootfs", "device"), "/dev/xvda");
    assert_string_equal(prop_str(fdt, "/rootfs", "fstype"), "erofs");
    assert_string_equal(prop_str(fdt, "/writable", "type"), "disk");
    assert_string_equal(prop_str(fdt, "/writable", "device"), "/dev/xvdb");
    assert_string_equal(prop_str(fdt, "/writable", "fstype"), "ext4");

    int len0;
    assert_int_equal(prop_u32(fdt, "/mounts/mount@0", "reg"), 0);
    assert_string_equal(prop_str(fdt, "/mounts/mount@0", "device"),
                        "/dev/xvdc");
    assert_string_equal(prop_str(fdt, "/mounts/mount@0", "target"), "/data");
    /* The image does not exist: volumes default to ext4. */
    assert_string_equal(prop_str(fdt, "/mounts/mount@0", "fstype"), "ext4");
    assert_non_null(prop(fdt, "/mounts/mount@0", "read-only", &len0));
    assert_int_equal(len0, 0);
    assert_int_equal(prop_u32(fdt, "/mounts/mount@1", "reg"), 1);
    assert_string_equal(prop_str(fdt, "/mounts/mount@1", "device"),
                        "/dev/xvdd");
    int m1 = fdt_path_offset(fdt, "/mounts/mount@1");
    assert_null(fdt_getprop(fdt, m1, "read-only", NULL));
    assert_true(fdt_path_offset(fdt, "/mounts/mount@2") < 0);

    check_stringlist(fdt, "/network", "dns", dc->dns, dc->n_dns);
    assert_string_equal(prop_str(fdt, "/network/interface@0", "mac"),
                        dc->vifs[0].mac);
    assert_string_equal(prop_str(fdt, "/network/interface@0", "address"),
                        "10.0.0.2/24");
    assert_string_equal(prop_str(fdt, "/network/interface@0", "gateway"),
                        "10.0.0.1");
    assert_string_equal(prop_str(fdt, "/network/interface@1", "mac"),
                        "00:16:3e:00:00:09");
    int i1 = fdt_path_offset(fdt, "/network/interface@1");
    /* Only the first interface carries the default route. */
    assert_null(fdt_getprop(fdt, i1, "gateway", NULL));
    assert_null(fdt_getprop(fdt, i1, "address", NULL));
    free(fdt);
}

static void test_boot_spec_minimal(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_writable = \"tmpfs:1g\"\n");
    size_t len;
    void *fdt = boot_spec(fx, &len);
    assert_string_equal(prop_str(fdt, "/writable", "type"), "tmpfs");
    assert_string_equal(prop_str(fdt, "/writable", "size"), "1g");
    int w = fdt_path_offset(fdt, "/writable");
    assert_null(fdt_getprop(fdt, w, "device", NULL));
    /* No volumes, no vifs: no nodes at all (not empty ones). */
    assert_int_equal(fdt_path_offset(fdt, "/mounts"), -FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "/network"), -FDT_ERR_NOTFOUND);
    /* user "" is root: an empty string, not an absent property. */
    assert_string_equal(prop_str(fdt, "/process", "user"), "");
    free(fdt);
}

/* A pod member's root is the disk hot-added to its pod's domain
 * (xl-plugin/runc_pod_member.h): the boot spec names that xvd. */
static void test_boot_spec_root_vdev(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    fx->dc.rootfs_vdev = strdup("xvdc");
    size_t len;
    void *fdt = boot_spec(fx, &len);
    assert_string_equal(prop_str(fdt, "/rootfs", "device"), "/dev/xvdc");
    free(fdt);
}

/*
 * A process at execve()'s byte limit fits the boot spec, and the loader's
 * reader takes it; one string more is refused by the reader too.
 */
static void test_boot_spec_exec_limit(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    xo_strv_free(fx->dc.env);
    size_t n = 16;
    fx->dc.env = calloc(n + 2, sizeof(char *));
    for (size_t i = 0; i <= n; i++) {
        fx->dc.env[i] = malloc(130001);
        memset(fx->dc.env[i], 'v', 130000);
        snprintf(fx->dc.env[i], 8, "K%02zu=", i);
        fx->dc.env[i][4] = 'v';
        fx->dc.env[i][130000] = '\0';
    }
    char *extra = fx->dc.env[n];
    fx->dc.env[n] = NULL;
    fx->dc.n_env = n;
    void *blob = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
    struct boot_spec bs;
    if (boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.nenv, n);
    assert_int_equal(strlen(bs.env[15]), 130000);
    boot_spec_free(&bs);
    free(blob);

    fx->dc.env[n] = extra;
    fx->dc.n_env = n + 1;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
    assert_int_equal(boot_spec_parse(&bs, blob, len, &err), -1);
    assert_string_equal(xo_err_msg(&err),
                        "boot spec: process: args and env take 2210164 bytes "
                        "as execve() counts them, more than 2093056");
    xo_err_clear(&err);
    free(blob);
}

/*
 * What domcfg takes as a vif's ip= the loader's reader takes from the boot
 * spec, and what the reader would refuse domcfg refuses already, naming
 * the value: both use common/inet.h.  (ip=ADDR without a prefix and /0
 * were once taken here and refused at boot.)
 */
static void test_boot_spec_addresses_read_back(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *ip;
        bool ok;
    } cases[] = {
        {"10.0.0.2/24", true},   {"10.0.0.2/32", true},
        {"10.0.0.2/1", true},    {"10.0.0.2", false},
        {"10.0.0.2/0", false},   {"10.0.0.2/33", false},
        {"10.0.0.2/024", false}, {"10.0.0.2/+8", false},
        {"010.0.0.2/24", false}, {"10.0.0.256/24", false},
        {"fd00::2/64", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char cfg[256];
        snprintf(cfg, sizeof(cfg), BASE "vif = [ \"bridge=xenbr0,ip=%s\" ]\n",
                 cases[i].ip);
        xo_err err = XO_ERR_INIT;
        int rc = build(fx, IC("\"Cmd\": [\"/x\"]"), cfg, &err);
        if (!cases[i].ok) {
            if (rc == 0)
                fail_msg("domcfg took ip=%s", cases[i].ip);
            if (!strstr(xo_err_msg(&err), cases[i].ip))
                fail_msg("ip=%s: message does not name it: %s", cases[i].ip,
                         xo_err_msg(&err));
            xo_err_clear(&err);
            continue;
        }
        if (rc < 0)
            fail_msg("ip=%s: %s", cases[i].ip, xo_err_msg(&err));
        void *blob = NULL;
        size_t len = 0;
        assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
        struct boot_spec bs;
        if (boot_spec_parse(&bs, blob, len, &err) < 0)
            fail_msg("ip=%s: the loader refuses it: %s", cases[i].ip,
                     xo_err_msg(&err));
        assert_int_equal(bs.nifaces, 1);
        assert_string_equal(bs.ifaces[0].address, cases[i].ip);
        boot_spec_free(&bs);
        free(blob);
    }
}

/*
 * process.terminal (boot spec v4): the loader reads it back; without it
 * the spec stays version 3 and has no terminal (test_runtime_spec checks
 * the runtime spec's).
 */
/*
 * Inline binds (boot spec v6): BIND volumes whose copies travel in the
 * spec have no device, fstype or disk; their entries (a directory, a file
 * with bytes that include a NUL, a symlink, an empty file) read back as
 * written, and the libxl config gets no disk for them.
 */
static void test_inline_binds_round_trip(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    no_later_defaults(fx); /* this test is about its version */
    xo_err err = XO_ERR_INIT;
    size_t vols = fx->dc.n_volumes;
    const char *targets[] = {"/etc/hosts", "/var/run/secrets"};
    for (int i = 0; i < 2; i++)
        fx->dc.volumes[fx->dc.n_volumes++] =
            (struct dc_volume){.kind = DC_VOLUME_BIND,
                               .source = strdup("/host/src"),
                               .target = strdup(targets[i]),
                               .subpath = strdup(i ? "1" : "0"),
                               .vdev = strdup("xvdz"),
                               .read_only = i == 1};
    static const char bytes[] = {'a', 0, 'b'};
    struct dc_bind_entry want[] = {
        {"0", S_IFREG | 0644, 0, 0, NULL, 0},
        {"1", S_IFDIR | 0750, 1234, 1234, NULL, 0},
        {"1/ca.crt", S_IFREG | 04640, 1234, 5, NULL, 3},
        {"1/token", S_IFLNK | 0777, 0, 0, NULL, 0},
    };
    fx->dc.binds_inline = true;
    fx->dc.n_bind_entries = 4;
    fx->dc.bind_entries = calloc(4, sizeof(*fx->dc.bind_entries));
    for (int i = 0; i < 4; i++) {
        fx->dc.bind_entries[i] = want[i];
        fx->dc.bind_entries[i].path = strdup(want[i].path);
    }
    fx->dc.bind_entries[2].data = malloc(3);
    memcpy(fx->dc.bind_entries[2].data, bytes, 3);
    fx->dc.bind_entries[3].data = strdup("..data/token");

    void *blob = NULL;
    size_t len = 0;
    if (domcfg_to_boot_spec(&blob, &len, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    struct boot_spec bs;
    if (boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 6);
    const struct bs_mount *m = &bs.mounts[bs.nmounts - 1];
    assert_true(m->in_spec);
    assert_null(m->device);
    assert_null(m->fstype);
    assert_string_equal(m->subpath, "1");
    assert_true(m->read_only);
    assert_int_equal(bs.nbinds, 4);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(bs.binds[i].path, want[i].path);
        assert_int_equal(bs.binds[i].mode, want[i].mode);
        assert_int_equal(bs.binds[i].uid, want[i].uid);
        assert_int_equal(bs.binds[i].gid, want[i].gid);
        assert_int_equal(bs.binds[i].len, want[i].len);
    }
    assert_memory_equal(bs.binds[2].data, bytes, 3);
    assert_null(bs.binds[0].data);
    assert_string_equal(bs.binds[3].link, "..data/token");
    assert_null(bs.binds[1].link);
    boot_spec_free(&bs);
    free(blob);

    libxl_domain_config d;
    libxl_domain_config_init(&d);
    if (domcfg_to_libxl(&d, &fx->dc, fx->ac, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    for (int i = 0; i < d.num_disks; i++)
        assert_string_not_equal(d.disks[i].vdev, "xvdz");
    libxl_domain_config_dispose(&d);

    /* Neither inline nor an image: the copies were not made. */
    fx->dc.binds_inline = false;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "its copy was not made"));
    xo_err_clear(&err);
    fx->dc.n_volumes = vols + 2; /* disposed with the fixture */
}

static void test_terminal_round_trip(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    void *blob = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    struct boot_spec bs;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
    assert_int_equal(boot_spec_parse(&bs, blob, len, &err), 0);
    /* No terminal, no oci_stdin: stdin is /dev/null (v9). */
    assert_int_equal(bs.version, 9);
    assert_true(bs.stdin_null);
    assert_false(bs.terminal);
    boot_spec_free(&bs);
    free(blob);
    no_later_defaults(fx);
    fx->dc.stdin_open = false; /* a terminal alone is v4 */
    fx->dc.terminal = true;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
    if (boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 4);
    assert_false(bs.stdin_null); /* a terminal is the console */
    assert_true(bs.terminal);
    assert_false(bs.late_network);
    boot_spec_free(&bs);
    free(blob);
}

/*
 * The late network (boot spec v4): a domain with late_network gets a
 * version 4 spec with `late-network` and no network node; the blob
 * domcfg_late_network() makes at start is what the loader merges, with the
 * interface's address, gateway and MTU; the loader refuses a blob that
 * holds more than a network node, another version, or one for a spec
 * without late-network, and leaves the spec's network as it was.
 */
static void test_late_network_round_trip(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    no_later_defaults(fx); /* this test is about its version */
    fx->dc.late_network = true;
    void *blob = NULL, *net = NULL;
    size_t len = 0, nlen = 0;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), 0);
    struct boot_spec bs;
    if (boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 4);
    assert_true(bs.late_network);
    assert_false(bs.has_network);

    struct dc_vif v = {.mac = "0a:58:0a:58:00:05",
                       .ip = "10.88.0.5/16",
                       .gateway = "10.88.0.1",
                       .mtu = 1450};
    assert_int_equal(domcfg_late_network(&net, &nlen, &v, 1, &err), 0);
    assert_true(nlen <= BOOT_SPEC_MAX_LATE_NETWORK);
    if (bs_merge_late_network(&bs, net, nlen, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(bs.has_network);
    assert_int_equal(bs.nifaces, 1);
    assert_string_equal(bs.ifaces[0].mac, "0a:58:0a:58:00:05");
    assert_string_equal(bs.ifaces[0].address, "10.88.0.5/16");
    assert_string_equal(bs.ifaces[0].gateway, "10.88.0.1");
    assert_int_equal(bs.ifaces[0].mtu, 1450);
    free(net);

    /* No interface: a network node with none, still a valid merge. */
    assert_int_equal(domcfg_late_network(&net, &nlen, NULL, 0, &err), 0);
    struct boot_spec bs0;
    assert_int_equal(boot_spec_parse(&bs0, blob, len, &err), 0);
    assert_int_equal(bs_merge_late_network(&bs0, net, nlen, &err), 0);
    assert_true(bs0.has_network);
    assert_int_equal(bs0.nifaces, 0);
    boot_spec_free(&bs0);

    /* The spec's own blob is not a late network (it has process...). */
    struct boot_spec bs1;
    assert_int_equal(boot_spec_parse(&bs1, blob, len, &err), 0);
    assert_int_equal(bs_merge_late_network(&bs1, blob, len, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "only network is allowed"));
    xo_err_clear(&err);
    assert_false(bs1.has_network);
    /* Garbage and oversize blobs name the key. */
    assert_int_equal(bs_merge_late_network(&bs1, "garbage", 7, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "xl-oci/network"));
    xo_err_clear(&err);
    assert_int_equal(
        bs_merge_late_network(&bs1, blob, BOOT_SPEC_MAX_LATE_NETWORK + 1, &err),
        -1);
    assert_non_null(strstr(xo_err_msg(&err), "limit"));
    xo_err_clear(&err);
    boot_spec_free(&bs1);
    free(net);

    /* A version 5 spec (a runtime spec's bind) takes start's version 4
     * blob: the network node has not changed since 4. */
    struct dc_volume *bv = &fx->dc.volumes[fx->dc.n_volumes++];
    *bv = (struct dc_volume){.kind = DC_VOLUME_BIND,
                             .source = strdup("/host/hosts"),
                             .target = strdup("/etc/hosts"),
                             .subpath = strdup("0"),
                             .vdev = strdup("xvdc")};
    fx->dc.binds_vdev = strdup("xvdc");
    fx->dc.binds_image = strdup("/st/binds.ext4");
    void *b5 = NULL;
    size_t l5 = 0;
    assert_int_equal(domcfg_to_boot_spec(&b5, &l5, &fx->dc, &err), 0);
    struct boot_spec bs5;
    if (boot_spec_parse(&bs5, b5, l5, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs5.version, 5);
    assert_string_equal(bs5.mounts[bs5.nmounts - 1].subpath, "0");
    assert_int_equal(domcfg_late_network(&net, &nlen, &v, 1, &err), 0);
    if (bs_merge_late_network(&bs5, net, nlen, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs5.nifaces, 1);
    boot_spec_free(&bs5);
    free(b5);
    free(net);
    free(bv->source);
    free(bv->target);
    free(bv->subpath);
    free(bv->vdev);
    fx->dc.n_volumes--;
    free(fx->dc.binds_vdev);
    free(fx->dc.binds_image);
    fx->dc.binds_vdev = fx->dc.binds_image = NULL;

    /* A spec without late-network takes no late network. */
    fx->dc.late_network = false;
    void *plain = NULL;
    size_t plen = 0;
    assert_int_equal(domcfg_to_boot_spec(&plain, &plen, &fx->dc, &err), 0);
    struct boot_spec bs2;
    assert_int_equal(boot_spec_parse(&bs2, plain, plen, &err), 0);
    assert_int_equal(bs2.version, 3);
    assert_int_equal(domcfg_late_network(&net, &nlen, &v, 1, &err), 0);
    assert_int_equal(bs_merge_late_network(&bs2, net, nlen, &err), -1);
    xo_err_clear(&err);
    free(net);
    boot_spec_free(&bs2);
    free(plain);
    boot_spec_free(&bs);
    free(blob);
}

/* ---- libxl ------------------------------------------------------------- */

static bool bit(const libxl_bitmap *bm, int i)
{
    return (uint32_t)i / 8 < bm->size && (bm->map[i / 8] >> (i % 8)) & 1;
}

static void test_libxl_full(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, FULL_IC, FULL_CFG);
    libxl_domain_config d;
    libxl_domain_config_init(&d);
    xo_err err = XO_ERR_INIT;
    if (domcfg_to_libxl(&d, &fx->dc, fx->ac, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));

    assert_int_equal(d.c_info.type, LIBXL_DOMAIN_TYPE_PV);
    assert_string_equal(d.c_info.name, "web");
    assert_int_equal(d.b_info.max_memkb, 512 * 1024);
    assert_int_equal(d.b_info.target_memkb, 256 * 1024);
    assert_int_equal(d.b_info.max_vcpus, 3);
    assert_true(bit(&d.b_info.avail_vcpus, 0));
    assert_true(bit(&d.b_info.avail_vcpus, 1));
    assert_false(bit(&d.b_info.avail_vcpus, 2));
    assert_int_equal(d.b_info.num_vcpu_hard_affinity, 3);
    for (int v = 0; v < 3; v++) {
        const libxl_bitmap *a = &d.b_info.vcpu_hard_affinity[v];
        assert_true(bit(a, 0) && bit(a, 1) && bit(a, 3));
        assert_false(bit(a, 2) || bit(a, 4));
    }
    assert_string_equal(d.b_info.kernel, "/ld/kernel");
    assert_string_equal(d.b_info.ramdisk, "/st/domains/web/ramdisk");
    assert_string_equal(d.b_info.cmdline, "console=hvc0 quiet printk.time=1");
    assert_int_equal(d.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(d.on_reboot, LIBXL_ACTION_ON_SHUTDOWN_RESTART);
    assert_int_equal(d.on_crash, LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME);

    /* rootfs (ro) + writable (rw) + 2 volumes + 1 extra disk. */
    assert_int_equal(d.num_disks, 5);
    const struct {
        const char *path, *vdev;
        int rw;
    } want[] = {{fx->dc.rootfs_image, "xvda", 0},
                {"/w.img", "xvdb", 1},
                {"/a.img", "xvdc", 0},
                {"/b.img", "xvdd", 1},
                {"/e.img", "xvdf", 1}};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(d.disks[i].pdev_path, want[i].path);
        assert_string_equal(d.disks[i].vdev, want[i].vdev);
        assert_int_equal(d.disks[i].readwrite, want[i].rw);
        assert_int_equal(d.disks[i].format, LIBXL_DISK_FORMAT_RAW);
    }

    assert_int_equal(d.num_nics, 2);
    unsigned m[6];
    sscanf(fx->dc.vifs[0].mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
           &m[4], &m[5]);
    for (int i = 0; i < 6; i++)
        assert_int_equal(d.nics[0].mac[i], m[i]);
    assert_int_equal(d.nics[0].devid, 0);
    assert_string_equal(d.nics[0].bridge, "xenbr0");
    assert_string_equal(d.nics[0].ip, "10.0.0.2/24");
    assert_int_equal(d.nics[0].mtu, 1400);
    assert_int_equal(d.nics[1].devid, 1);
    assert_int_equal(d.nics[1].mac[5], 9);
    assert_string_equal(d.nics[1].bridge, "br1");
    assert_string_equal(d.nics[1].ifname, "v9");
    assert_null(d.nics[1].ip);

    char *json = NULL;
    assert_int_equal(domcfg_libxl_json(&json, &d, &err), 0);
    assert_non_null(strstr(json, "\"name\": \"web\""));
    assert_non_null(strstr(json, "\"vdev\": \"xvdf\""));
    assert_non_null(strstr(json, "\"on_crash\": \"restart_rename\""));
    assert_int_equal(json[strlen(json) - 1], '\n');
    free(json);
    libxl_domain_config_dispose(&d);
}

static void test_libxl_minimal(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"),
             BASE "type = \"pvh\"\n"
                  "cpus = \"^1\"\n"
                  "vif = [ \"rate=10Mb/s\" ]\n");
    libxl_domain_config d;
    libxl_domain_config_init(&d);
    xo_err err = XO_ERR_INIT;
    if (domcfg_to_libxl(&d, &fx->dc, fx->ac, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(d.c_info.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_int_equal(d.b_info.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_int_equal(d.num_disks, 1);
    assert_int_equal(d.disks[0].readwrite, 0);
    assert_int_equal(d.num_nics, 1);
    assert_true(d.nics[0].rate_bytes_per_interval > 0);
    /* Only exclusions: every CPU but 1. */
    const libxl_bitmap *a = &d.b_info.vcpu_hard_affinity[0];
    assert_true(bit(a, 0) && bit(a, 2) && bit(a, 4095));
    assert_false(bit(a, 1));
    libxl_domain_config_dispose(&d);

    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE "vif = [ \"rate=fast\" ]\n");
    libxl_domain_config_init(&d);
    assert_int_equal(domcfg_to_libxl(&d, &fx->dc, fx->ac, &err), -1);
    assert_string_equal(xo_err_msg(&err), "app.cfg:3: vif: rate=fast is not "
                                          "a valid rate (e.g. 10Mb/s)");
    xo_err_clear(&err);
    libxl_domain_config_dispose(&d);
}

static void test_parse_action(void **state)
{
    (void)state;
    libxl_action_on_shutdown a;
    assert_int_equal(domcfg_parse_action("destroy", &a), 0);
    assert_int_equal(a, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(domcfg_parse_action("coredump-destroy", &a), 0);
    assert_int_equal(a, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY);
    assert_int_equal(domcfg_parse_action("preserve", &a), 0);
    assert_int_equal(a, LIBXL_ACTION_ON_SHUTDOWN_PRESERVE);
    assert_int_equal(domcfg_parse_action("rename-restart", &a), 0);
    assert_int_equal(a, LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME);
    assert_int_equal(domcfg_parse_action("soft-reset", &a), 0);
    assert_int_equal(a, LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET);
    /* libxl's spellings are not xl.cfg's. */
    assert_int_equal(domcfg_parse_action("restart_rename", &a), -1);
    assert_int_equal(domcfg_parse_action("coredump_destroy", &a), -1);
    assert_int_equal(domcfg_parse_action("Destroy", &a), -1);
    assert_int_equal(domcfg_parse_action("explode", &a), -1);
    assert_int_equal(domcfg_parse_action("", &a), -1);
    assert_int_equal(domcfg_parse_action("rename-restart-rename-restart-"
                                         "rename-restart",
                                         &a),
                     -1);
}

/* ---- runtime spec ------------------------------------------------------ */

static json_object *path(json_object *o, const char *a, const char *b)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, a, &v))
        fail_msg("no %s", a);
    if (b && !json_object_object_get_ex(v, b, &v))
        fail_msg("no %s.%s", a, b);
    return v;
}

static void check_json_strv(json_object *a, char *const *want, size_t n)
{
    assert_true(json_object_is_type(a, json_type_array));
    assert_int_equal(json_object_array_length(a), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(
            json_object_get_string(json_object_array_get_idx(a, i)), want[i]);
}

/* The mount of `m` at `dest`, or NULL. */
static json_object *mount_at(json_object *m, const char *dest)
{
    for (size_t i = 0; i < json_object_array_length(m); i++) {
        json_object *e = json_object_array_get_idx(m, i), *d = NULL;
        if (json_object_object_get_ex(e, "destination", &d) &&
            strcmp(json_object_get_string(d), dest) == 0)
            return e;
    }
    return NULL;
}

static void test_runtime_spec(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, FULL_IC, FULL_CFG);
    json_object *s = NULL;
    xo_err err = XO_ERR_INIT;
    if (domcfg_to_runtime_spec(&s, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(json_object_get_string(path(s, "ociVersion", NULL)),
                        "1.0.2");
    json_object *p = path(s, "process", NULL);
    check_json_strv(path(p, "args", NULL), fx->dc.args, fx->dc.n_args);
    check_json_strv(path(p, "env", NULL), fx->dc.env, fx->dc.n_env);
    assert_string_equal(json_object_get_string(path(p, "cwd", NULL)), "/srv");
    assert_int_equal(json_object_get_int64(path(p, "user", "uid")), 1000);
    assert_int_equal(json_object_get_int64(path(p, "user", "gid")), 1001);
    /* Docker's default: off (oci_no_new_privileges sets it). */
    assert_false(json_object_get_boolean(path(p, "noNewPrivileges", NULL)));
    assert_false(json_object_get_boolean(path(p, "terminal", NULL)));
    {
        json_object *t = NULL;
        fx->dc.terminal = true;
        assert_int_equal(domcfg_to_runtime_spec(&t, &fx->dc, &err), 0);
        assert_true(json_object_get_boolean(path(t, "process", "terminal")));
        json_object_put(t);
        fx->dc.terminal = false;
    }
    assert_string_equal(json_object_get_string(path(s, "root", "path")),
                        "rootfs");
    /* Writable, as a domain's root is (the image under the writable layer). */
    assert_false(json_object_get_boolean(path(s, "root", "readonly")));
    assert_string_equal(json_object_get_string(path(s, "hostname", NULL)),
                        "web");
    json_object *ann = path(s, "annotations", NULL);
    assert_string_equal(json_object_get_string(path(ann, "org.example", NULL)),
                        "v");
    assert_string_equal(
        json_object_get_string(path(ann, "org.xl-oci.stop-signal", NULL)), "2");
    /* The 7 standard mounts, the 3 /etc files and each volume, in order of
     * their destination's depth (runc mounts in the spec's order: a parent
     * after what is mounted inside it hid it). */
    json_object *m = path(s, "mounts", NULL);
    assert_int_equal(json_object_array_length(m), 12);
    for (size_t i = 1; i < 12; i++)
        assert_true(
            xo_path_depth(json_object_get_string(path(
                json_object_array_get_idx(m, i - 1), "destination", NULL))) <=
            xo_path_depth(json_object_get_string(
                path(json_object_array_get_idx(m, i), "destination", NULL))));
    json_object *hosts = mount_at(m, "/etc/hosts");
    assert_non_null(hosts);
    assert_string_equal(json_object_get_string(path(hosts, "source", NULL)),
                        "hosts");
    json_object *v0 = mount_at(m, "/data");
    assert_non_null(v0);
    assert_string_equal(json_object_get_string(path(v0, "source", NULL)),
                        "/a.img");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(
                            path(v0, "options", NULL), 0)),
                        "ro");
    json_object *v1 = mount_at(m, "/logs");
    assert_non_null(v1);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(
                            path(v1, "options", NULL), 0)),
                        "rw");
    json_object *ns = path(s, "linux", "namespaces");
    assert_int_equal(json_object_array_length(ns), 5);
    json_object_put(s);
    /* A cgroup namespace only when the command layer asks (NOHYPER on a
     * cgroup v2 host), last. */
    fx->dc.cgroupns = true;
    assert_int_equal(domcfg_to_runtime_spec(&s, &fx->dc, &err), 0);
    ns = path(s, "linux", "namespaces");
    assert_int_equal(json_object_array_length(ns), 6);
    assert_string_equal(json_object_get_string(path(
                            json_object_array_get_idx(ns, 5), "type", NULL)),
                        "cgroup");
    json_object_put(s);
    fx->dc.cgroupns = false;
}

static void test_runtime_spec_users(void **state)
{
    struct fixture *fx = *state;
    write_file(fx->dir, "passwd",
               "root:x:0:0::/root:/bin/sh\n"
               "app:x:1000:1000::/home/app:/bin/sh\n");
    write_file(fx->dir, "group",
               "root:x:0:\napp:x:1000:\nstaff:x:50:app\nextra:x:2000:app\n");
    json_object *s = NULL;
    xo_err err = XO_ERR_INIT;

    /* The primary gid heads additionalGids (CVE-2022-36109,
     * CVE-2023-25173); /etc/group memberships follow. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"User\": \"1000\""), BASE);
    assert_int_equal(domcfg_to_runtime_spec(&s, &fx->dc, &err), 0);
    json_object *u = path(path(s, "process", NULL), "user", NULL);
    assert_int_equal(json_object_get_int64(path(u, "uid", NULL)), 1000);
    assert_int_equal(json_object_get_int64(path(u, "gid", NULL)), 1000);
    json_object *g = path(u, "additionalGids", NULL);
    assert_int_equal(json_object_array_length(g), 3);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(g, 0)),
                     1000);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(g, 1)),
                     50);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(g, 2)),
                     2000);
    json_object_put(s);

    /* An explicit group adds no memberships from /etc/group. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"User\": \"app:staff\""), BASE);
    assert_int_equal(domcfg_to_runtime_spec(&s, &fx->dc, &err), 0);
    u = path(path(s, "process", NULL), "user", NULL);
    assert_int_equal(json_object_get_int64(path(u, "gid", NULL)), 50);
    g = path(u, "additionalGids", NULL);
    assert_int_equal(json_object_array_length(g), 1);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(g, 0)),
                     50);
    json_object_put(s);

    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_user = \"nobody\"\n");
    s = (json_object *)0x1;
    assert_int_equal(domcfg_to_runtime_spec(&s, &fx->dc, &err), -1);
    assert_ptr_equal(s, (json_object *)0x1);
    char want[256];
    /* Named by the key that chose the user (app.cfg's line 3), then the
     * file it was looked up in. */
    snprintf(want, sizeof(want),
             "app.cfg:3: oci_user: user nobody: no such user "
             "in the image's /etc/passwd (read from %s/passwd)",
             fx->dir);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
    /* The image's User: the config file and the field. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"User\": \"ghost\""), BASE);
    assert_int_equal(domcfg_to_runtime_spec(&s, &fx->dc, &err), -1);
    snprintf(
        want, sizeof(want),
        "%s/image-config.json: User: user ghost: no such user in the image's "
        "/etc/passwd (read from %s/passwd)",
        fx->dir, fx->dir);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);
}

/* oci_volumes "share:/DIR:/TARGET[:ro]": a 9pfs device per share (libxl
 * p9, passthrough, the tag the boot spec's v7 mount/share names), no xvd;
 * runc binds the directory itself. */
static void test_shares_round_trip(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"),
             BASE "oci_volumes = [ \"/a.img:/data\", "
                  "\"share:/srv/www:/usr/share/www:ro\", "
                  "\"share:/srv/logs:/var/log/app\" ]\n");
    no_later_defaults(fx); /* this test is about its version */
    assert_int_equal(fx->dc.n_volumes, 3);
    assert_int_equal(fx->dc.volumes[1].kind, DC_VOLUME_SHARE);
    assert_string_equal(fx->dc.volumes[1].source, "/srv/www");
    assert_true(fx->dc.volumes[1].read_only);
    assert_null(fx->dc.volumes[1].vdev);
    assert_false(fx->dc.volumes[2].read_only);
    xo_err err = XO_ERR_INIT;

    void *blob = NULL;
    size_t len = 0;
    if (domcfg_to_boot_spec(&blob, &len, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    struct boot_spec bs;
    if (boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 7);
    assert_int_equal(bs.nmounts, 3);
    assert_null(bs.mounts[0].share);
    assert_string_equal(bs.mounts[0].device, "/dev/xvdb");
    const struct bs_mount *m = &bs.mounts[1];
    assert_string_equal(m->share, BOOT_SPEC_SHARE_TAG "1");
    assert_string_equal(m->fstype, "9p");
    assert_null(m->device);
    assert_string_equal(m->target, "/usr/share/www");
    assert_true(m->read_only);
    assert_string_equal(bs.mounts[2].share, BOOT_SPEC_SHARE_TAG "2");
    assert_false(bs.mounts[2].read_only);
    boot_spec_free(&bs);
    free(blob);

    libxl_domain_config d;
    libxl_domain_config_init(&d);
    if (domcfg_to_libxl(&d, &fx->dc, fx->ac, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(d.num_disks, 2); /* root and /a.img */
    assert_int_equal(d.num_p9s, 2);
    assert_string_equal(d.p9s[0].tag, BOOT_SPEC_SHARE_TAG "1");
    assert_string_equal(d.p9s[0].path, "/srv/www");
    assert_string_equal(d.p9s[0].security_model, "passthrough");
    assert_int_equal(d.p9s[0].backend_domid, 0);
    assert_int_equal(d.p9s[0].devid, 0);
    assert_string_equal(d.p9s[1].tag, BOOT_SPEC_SHARE_TAG "2");
    assert_string_equal(d.p9s[1].path, "/srv/logs");
    assert_int_equal(d.p9s[1].devid, 1);
    libxl_domain_config_dispose(&d);

    json_object *s = NULL;
    if (domcfg_to_runtime_spec(&s, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    json_object *mounts = path(s, "mounts", NULL);
    size_t n = json_object_array_length(mounts);
    json_object *www = json_object_array_get_idx(mounts, n - 2);
    assert_string_equal(json_object_get_string(path(www, "type", NULL)),
                        "bind");
    assert_string_equal(json_object_get_string(path(www, "source", NULL)),
                        "/srv/www");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(
                            path(www, "options", NULL), 1)),
                        "ro");
    json_object_put(s);

    /* Shares are refused where they cannot be: "/", a relative or
     * climbing path, an option that is not ro or rw. */
    static const char *const bad[] = {
        "share:/:/t", "share:srv:/t",       "share:/srv/../etc:/t",
        "share:/srv", "share:/srv:/t:mkfs", "share:/srv:/t:ro:rw"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char cfg[256];
        snprintf(cfg, sizeof(cfg), BASE "oci_volumes = [ \"%s\" ]\n", bad[i]);
        assert_int_equal(build(fx, IC("\"Cmd\": [\"/x\"]"), cfg, &err), -1);
        if (!strstr(xo_err_msg(&err), "app.cfg:3: oci_volumes: item 0: "))
            fail_msg("%s: %s", bad[i], xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

/* oci_sysctl: into the boot spec (v8, in order, the last value of a name
 * given twice) and runc's linux.sysctl, its values winning over Docker's
 * two defaults; bad items name app.cfg's line. */
static void test_sysctl_round_trip(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"),
             BASE "oci_sysctl = [ \"net.ipv4.ip_unprivileged_port_start=80\", "
                  "\"kernel.shmmax=1048576\", "
                  "\"net.ipv4.ping_group_range=0 2147483647\", "
                  "\"kernel.shmmax=2097152\" ]\n");
    fx->dc.stdin_open = true; /* no v9 stdin-null: it is about v8 */
    assert_int_equal(fx->dc.n_sysctls, 3);
    xo_err err = XO_ERR_INIT;
    void *blob = NULL;
    size_t len = 0;
    struct boot_spec bs;
    if (domcfg_to_boot_spec(&blob, &len, &fx->dc, &err) < 0 ||
        boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 8);
    assert_int_equal(bs.nsysctl, 3);
    assert_string_equal(bs.sysctl[0], "net.ipv4.ip_unprivileged_port_start=80");
    assert_string_equal(bs.sysctl[1], "kernel.shmmax=2097152");
    assert_string_equal(bs.sysctl[2], "net.ipv4.ping_group_range=0 2147483647");
    boot_spec_free(&bs);
    free(blob);

    json_object *s = NULL;
    if (domcfg_to_runtime_spec(&s, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    json_object *sc = path(s, "linux", "sysctl");
    assert_int_equal(json_object_object_length(sc), 3);
    assert_string_equal(json_object_get_string(path(sc, "kernel.shmmax", NULL)),
                        "2097152");
    assert_string_equal(
        json_object_get_string(path(sc, "net.ipv4.ping_group_range", NULL)),
        "0 2147483647");
    json_object_put(s);

    /* No oci_sysctl: Docker's defaults for a container with a network
     * namespace of its own, in both renderings (a non-root program binds
     * port 80, pings without CAP_NET_RAW). */
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    fx->dc.stdin_open = true; /* no v9 stdin-null */
    if (domcfg_to_boot_spec(&blob, &len, &fx->dc, &err) < 0 ||
        boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 8);
    assert_int_equal(bs.nsysctl, 2);
    assert_string_equal(bs.sysctl[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(bs.sysctl[1], "net.ipv4.ping_group_range=0 2147483647");
    boot_spec_free(&bs);
    free(blob);
    if (domcfg_to_runtime_spec(&s, &fx->dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    sc = path(s, "linux", "sysctl");
    assert_int_equal(json_object_object_length(sc), 2);
    assert_string_equal(json_object_get_string(path(
                            sc, "net.ipv4.ip_unprivileged_port_start", NULL)),
                        "0");
    json_object_put(s);
    /* 64 items of its own: the defaults give way, the container runs. */
    char full[4096] = BASE "oci_sysctl = [ ";
    for (int i = 0; i < OCI_SYSCTL_MAX; i++)
        snprintf(full + strlen(full), sizeof(full) - strlen(full),
                 "%s\"net.n%d=1\"", i ? ", " : "", i);
    strcat(full, " ]\n");
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), full);
    assert_int_equal(fx->dc.n_sysctls, OCI_SYSCTL_MAX);

    static const struct {
        const char *item, *want;
    } bad[] = {
        {"net.ipv4.ip_forward", "is not NAME=VALUE"},
        {"=1", "is not NAME=VALUE"},
        {"../../etc/passwd=x", "is not a sysctl name"},
        {"net..ipv4=1", "is not a sysctl name"},
        {"net/ipv4/ip_forward=1", "is not a sysctl name"},
        {"kernel.hostname=evil", "is the hostname"},
        {"net.ipv4.ip_forward=", "has a value that is not"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char cfg[256];
        snprintf(cfg, sizeof(cfg), BASE "oci_sysctl = [ \"%s\" ]\n",
                 bad[i].item);
        assert_int_equal(build(fx, IC("\"Cmd\": [\"/x\"]"), cfg, &err), -1);
        if (!strstr(xo_err_msg(&err), "app.cfg:3: oci_sysctl: ") ||
            !strstr(xo_err_msg(&err), bad[i].want))
            fail_msg("%s: %s", bad[i].item, xo_err_msg(&err));
        xo_err_clear(&err);
    }
    /* 65 in all (a pod's and the container's, each within bounds): the
     * boot spec is refused before the loader would refuse it. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE);
    no_later_defaults(fx);
    for (int i = 0; i <= OCI_SYSCTL_MAX; i++) {
        char name[32];
        snprintf(name, sizeof(name), "net.n%d", i);
        domcfg_sysctl_set(&fx->dc, name, "1");
    }
    assert_int_equal(domcfg_to_boot_spec(&blob, &len, &fx->dc, &err), -1);
    if (!strstr(xo_err_msg(&err), "65 sysctls, at most 64"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
    /* More than 64 items. */
    char many[4096] = BASE "oci_sysctl = [ ";
    for (int i = 0; i <= OCI_SYSCTL_MAX; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many),
                 "%s\"net.n%d=1\"", i ? ", " : "", i);
    strcat(many, " ]\n");
    assert_int_equal(build(fx, IC("\"Cmd\": [\"/x\"]"), many, &err), -1);
    if (!strstr(xo_err_msg(&err), "oci_sysctl"))
        fail_msg("%s", xo_err_msg(&err));
    xo_err_clear(&err);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_boot_spec_full),
        T(test_boot_spec_minimal),
        T(test_boot_spec_root_vdev),
        T(test_boot_spec_exec_limit),
        T(test_libxl_full),
        T(test_libxl_minimal),
        T(test_boot_spec_addresses_read_back),
        cmocka_unit_test(test_parse_action),
        T(test_late_network_round_trip),
        T(test_terminal_round_trip),
        T(test_inline_binds_round_trip),
        T(test_shares_round_trip),
        T(test_sysctl_round_trip),
        T(test_runtime_spec),
        T(test_runtime_spec_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
