/*
 * test-bootspec.c: the loader's boot spec reader (loader/xen-tools/
 * bootspec.c) against blobs written here with libfdt's sequential-write
 * API, the same way domcfg writes them, plus mutated blobs that must be
 * rejected without a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/xen-tools/bootspec.h"

/* Knobs for one generated blob; zero values give a valid spec. */
struct gen {
    uint32_t version; /* 0 = 1 */
    int args_len;     /* >0: raw args property of that many bytes */
    int nmounts;
    int first_mount;   /* index of the first mount node */
    bool short_signal; /* stop-signal as 2 bytes */
    bool network;
    /* Version 2 network properties: two interfaces, IPv6, MTU, search. */
    bool v2net;
    const char *address6;   /* interface@1's, "" = none */
    uint32_t mtu;           /* interface@1's, 0 = none */
    bool second_gateway;    /* a gateway on interface@1 too */
    const char *dns2;       /* a second DNS entry instead of fd00::1 */
    bool terminal;          /* process/terminal (v4) */
    const char *subpath;    /* mount@0's subpath (v5), NULL = none */
    const char *sub_fstype; /* mount@0's fstype, NULL = ext4 */
    const char *share;      /* mount@0's share tag (v7), NULL = none */
    bool share_device;      /* mount@0, a share, keeps device and fstype */
    const char *sysctl;     /* the root's sysctl (v8), raw bytes, NULL = none */
    int sysctl_len;         /* its length, NULs included */
    bool dns_forward;       /* network/dns-forward (v10), with .network */
    const char *dns_domains; /* network/dns-domains (v11), raw bytes */
    int dns_domains_len;     /* its length, NULs included */
    /* process/masked-paths and readonly-paths (v12), raw bytes, NULL =
     * absent; sys-read-write. */
    const char *masked;
    int masked_len;
    const char *readonly;
    int readonly_len;
    bool sys_rw;
};

static size_t gen_blob(char *buf, size_t sz, const struct gen *g)
{
    assert_int_equal(fdt_create(buf, (int)sz), 0);
    assert_int_equal(fdt_finish_reservemap(buf), 0);
    assert_int_equal(fdt_begin_node(buf, ""), 0);
    fdt_property_string(buf, "compatible", "xl-oci,boot-spec");
    fdt_property_u32(buf, "version", g->version ? g->version : 1);
    fdt_property_string(buf, "hostname", "app");
    if (g->sysctl)
        fdt_property(buf, "sysctl", g->sysctl, g->sysctl_len);
    fdt_begin_node(buf, "process");
    if (g->args_len > 0) {
        char raw[8192];
        memset(raw, 'a', sizeof(raw));
        fdt_property(buf, "args", raw, g->args_len);
    } else {
        static const char args[] = "/bin/sh\0-c\0echo hi";
        fdt_property(buf, "args", args, sizeof(args));
    }
    static const char env[] = "PATH=/bin\0A=b=c";
    fdt_property(buf, "env", env, sizeof(env));
    fdt_property_string(buf, "cwd", "/srv");
    fdt_property_string(buf, "user", "1000:1000");
    if (g->short_signal)
        fdt_property(buf, "stop-signal", "\0\017", 2);
    else
        fdt_property_u32(buf, "stop-signal", 15);
    fdt_property_u32(buf, "stop-timeout", 10);
    if (g->terminal)
        fdt_property(buf, "terminal", NULL, 0);
    if (g->masked)
        fdt_property(buf, "masked-paths", g->masked, g->masked_len);
    if (g->readonly)
        fdt_property(buf, "readonly-paths", g->readonly, g->readonly_len);
    if (g->sys_rw)
        fdt_property(buf, "sys-read-write", NULL, 0);
    if (g->version >= 3) { /* required from version 3 */
        static const char *const sets[] = {"bounding", "effective", "permitted",
                                           "inheritable", "ambient"};
        fdt_begin_node(buf, "capabilities");
        for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++)
            fdt_property_string(buf, sets[i], "CAP_CHOWN");
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    fdt_begin_node(buf, "rootfs");
    fdt_property_string(buf, "device", "/dev/xvda");
    fdt_property_string(buf, "fstype", "erofs");
    fdt_end_node(buf);
    fdt_begin_node(buf, "writable");
    fdt_property_string(buf, "type", "tmpfs");
    fdt_property_string(buf, "size", "64m");
    fdt_end_node(buf);
    if (g->nmounts) {
        fdt_begin_node(buf, "mounts");
        fdt_property_u32(buf, "#address-cells", 1);
        fdt_property_u32(buf, "#size-cells", 0);
        /* Written last-first: the reader must order by unit address. */
        for (int i = g->first_mount + g->nmounts - 1; i >= g->first_mount;
             i--) {
            char name[32], target[32];
            snprintf(name, sizeof(name), "mount@%d", i);
            snprintf(target, sizeof(target), "/v%d", i);
            fdt_begin_node(buf, name);
            fdt_property_u32(buf, "reg", (uint32_t)i);
            bool share = i == 0 && g->share;
            if (!share || g->share_device)
                fdt_property_string(buf, "device", "/dev/xvdc");
            fdt_property_string(buf, "target", target);
            if (!share || g->share_device)
                fdt_property_string(buf, "fstype",
                                    i == 0 && g->sub_fstype ? g->sub_fstype
                                                            : "ext4");
            if (share)
                fdt_property_string(buf, "share", g->share);
            fdt_property_string(buf, "options", "");
            if (i % 2)
                fdt_property(buf, "read-only", NULL, 0);
            if (i == 0 && g->subpath)
                fdt_property_string(buf, "subpath", g->subpath);
            fdt_end_node(buf);
        }
        fdt_end_node(buf);
    }
    if (g->network) {
        fdt_begin_node(buf, "network");
        static const char dns[] = "10.0.0.1\0fd00::1";
        fdt_property(buf, "dns", dns, sizeof(dns));
        if (g->dns_forward)
            fdt_property(buf, "dns-forward", NULL, 0);
        if (g->dns_domains)
            fdt_property(buf, "dns-domains", g->dns_domains,
                         g->dns_domains_len);
        fdt_begin_node(buf, "interface@0");
        fdt_property_string(buf, "mac", "00:16:3e:00:00:01");
        fdt_property_string(buf, "address", "10.0.0.2/24");
        if (g->v2net)
            fdt_property_string(buf, "gateway", "10.0.0.1");
        fdt_end_node(buf);
        fdt_end_node(buf);
    }
    if (g->v2net) {
        fdt_begin_node(buf, "network");
        char dns[64];
        const char *d2 = g->dns2 ? g->dns2 : "fd00::1";
        size_t dl = (size_t)snprintf(dns, sizeof(dns), "10.0.0.1%c%s", 0, d2);
        fdt_property(buf, "dns", dns, (int)dl + 1);
        static const char search[] = "default\0corp.example";
        fdt_property(buf, "search", search, sizeof(search));
        fdt_begin_node(buf, "interface@0");
        fdt_property_string(buf, "mac", "00:16:3e:00:00:01");
        fdt_property_string(buf, "address", "10.0.0.2/24");
        fdt_property_string(buf, "gateway", "10.0.0.1");
        fdt_end_node(buf);
        fdt_begin_node(buf, "interface@1");
        fdt_property_string(buf, "mac", "00:16:3e:00:00:02");
        fdt_property_string(buf, "address", "10.1.0.2/16");
        if (g->second_gateway)
            fdt_property_string(buf, "gateway", "10.1.0.1");
        const char *a6 = g->address6 ? g->address6 : "fd00:1::5/64";
        if (*a6)
            fdt_property_string(buf, "address6", a6);
        fdt_property_string(buf, "gateway6", "fd00:1::1");
        if (g->mtu)
            fdt_property_u32(buf, "mtu", g->mtu);
        fdt_end_node(buf);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    assert_int_equal(fdt_finish(buf), 0);
    return fdt_totalsize(buf);
}

static char blob[BS_MAX_BLOB];

static void test_valid(void **state)
{
    (void)state;
    struct gen g = {.nmounts = 3, .network = true};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(boot_spec_parse(&s, blob, len, &err), 0);
    assert_int_equal(s.nargs, 3);
    assert_string_equal(s.args[2], "echo hi");
    assert_null(s.args[3]);
    assert_int_equal(s.nenv, 2);
    assert_string_equal(s.env[1], "A=b=c");
    assert_string_equal(s.cwd, "/srv");
    assert_string_equal(s.user, "1000:1000");
    assert_int_equal(s.stop_signal, 15);
    assert_string_equal(s.hostname, "app");
    assert_string_equal(s.wr_size, "64m");
    assert_null(s.wr_device);
    assert_int_equal(s.nmounts, 3);
    for (int i = 0; i < 3; i++) {
        char t[16];
        snprintf(t, sizeof(t), "/v%d", i);
        assert_string_equal(s.mounts[i].target, t);
        assert_int_equal(s.mounts[i].read_only, i % 2 == 1);
    }
    assert_true(s.has_network);
    assert_int_equal(s.ndns, 2);
    assert_int_equal(s.nifaces, 1);
    assert_null(s.ifaces[0].gateway);
    boot_spec_free(&s);
    boot_spec_free(&s); /* idempotent */
}

static void test_valid_v2(void **state)
{
    (void)state;
    struct gen g = {.version = 2, .v2net = true, .mtu = 1400};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(s.version, 2);
    assert_int_equal(s.ndns, 2);
    assert_string_equal(s.dns[1], "fd00::1");
    assert_int_equal(s.nsearch, 2);
    assert_string_equal(s.search[1], "corp.example");
    assert_null(s.search[2]);
    assert_int_equal(s.nifaces, 2);
    assert_string_equal(s.ifaces[0].gateway, "10.0.0.1");
    assert_null(s.ifaces[0].address6);
    assert_int_equal(s.ifaces[0].mtu, 0);
    assert_null(s.ifaces[1].gateway);
    assert_string_equal(s.ifaces[1].address6, "fd00:1::5/64");
    assert_string_equal(s.ifaces[1].gateway6, "fd00:1::1");
    assert_int_equal(s.ifaces[1].mtu, 1400);
    boot_spec_free(&s);
}

static void expect_bad(const struct gen *g, const char *why)
{
    size_t len = gen_blob(blob, sizeof(blob), g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(boot_spec_parse(&s, blob, len, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("expected '%s' in '%s'", why, xo_err_msg(&err));
    assert_null(s.blob);
    xo_err_clear(&err);
}

/* v11 dns-domains: a domain or "" per dns entry, only with dns-forward;
 * absent, every server has none. */
static void test_dns_domains(void **state)
{
    (void)state;
    struct gen g = {.version = 11,
                    .network = true,
                    .dns_forward = true,
                    .dns_domains = "\0back",
                    .dns_domains_len = 6};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(boot_spec_parse(&s, blob, len, &err), 0);
    assert_true(s.dns_forward);
    assert_string_equal(s.dns_domains[0], "");
    assert_string_equal(s.dns_domains[1], "back");
    boot_spec_free(&s);
    g.dns_domains = NULL;
    len = gen_blob(blob, sizeof(blob), &g);
    assert_int_equal(boot_spec_parse(&s, blob, len, &err), 0);
    assert_string_equal(s.dns_domains[0], "");
    assert_string_equal(s.dns_domains[1], "");
    boot_spec_free(&s);
    g.dns_domains = "back";
    g.dns_domains_len = 5;
    expect_bad(&g, "network/dns-domains: 1 entries, for 2 of dns");
    g.dns_domains = "\0ba/ck";
    g.dns_domains_len = 7;
    expect_bad(&g, "ba/ck is not a domain name or empty");
    g.dns_domains = "\0back";
    g.dns_domains_len = 6;
    g.version = 10;
    expect_bad(&g, "network/dns-domains: not in boot spec version 10");
    g.version = 11;
    g.dns_forward = false;
    expect_bad(&g, "and only with dns-forward");
}

static void test_invalid(void **state)
{
    (void)state;
    expect_bad(&(struct gen){.version = 13},
               "unsupported boot spec version 13");
    expect_bad(&(struct gen){.version = 6, .nmounts = 1, .share = "s0"},
               "mounts/mount@0/share: not in boot spec version 6");
    static const char *const bad_tags[] = {
        "",     "a/b",        "a b",
        "../x", "t,trans=fd", "abcdefghijklmnopqrstuvwxyz-012345"};
    for (size_t i = 0; i < sizeof(bad_tags) / sizeof(*bad_tags); i++)
        expect_bad(
            &(struct gen){.version = 7, .nmounts = 1, .share = bad_tags[i]},
            "a share mount has a tag of at most 31 letters, digits or '-'");
    expect_bad(
        &(struct gen){
            .version = 7, .nmounts = 1, .share = "s0", .share_device = true},
        "a share mount has a tag of at most 31");
    expect_bad(
        &(struct gen){
            .version = 7, .nmounts = 1, .share = "s0", .subpath = "0"},
        "a share mount has a tag of at most 31");
    expect_bad(&(struct gen){.version = 1, .v2net = true},
               "network/search: not in boot spec version 1");
    struct gen v2 = {.version = 2, .v2net = true, .mtu = 1400};
    v2.address6 = "fd00:1::5";
    expect_bad(&v2, "address6: fd00:1::5 is not IPv6/prefix");
    v2.address6 = "fd00:1::5/129";
    expect_bad(&v2, "address6: fd00:1::5/129 is not IPv6/prefix");
    v2.address6 = "10.0.0.9/24";
    expect_bad(&v2, "is not IPv6/prefix");
    v2.address6 = NULL;
    v2.mtu = 1279; /* IPv6 needs 1280 */
    expect_bad(&v2, "interface@1/mtu: 1279 not in 1280..65535");
    v2.mtu = 1400;
    v2.second_gateway = true;
    expect_bad(&v2, "more than one interface has a gateway");
    v2.second_gateway = false;
    v2.dns2 = "not-an-ip";
    expect_bad(&v2, "network/dns: not-an-ip is not an IP address");
    expect_bad(&(struct gen){.args_len = 10}, "last string not terminated");
    expect_bad(&(struct gen){.short_signal = true}, "expected one u32 cell");
    expect_bad(&(struct gen){.nmounts = 2, .first_mount = 1},
               "mount@0 missing");
    expect_bad(&(struct gen){.nmounts = 17}, "at most 16 entries");
    expect_bad(&(struct gen){.version = 2, .terminal = true},
               "process/terminal: not in boot spec version 2");
    expect_bad(&(struct gen){.version = 4, .nmounts = 1, .subpath = "0"},
               "mounts/mount@0/subpath: not in boot spec version 4");
    static const char *const bad_subpaths[] = {
        "",
        "/0",
        "0/",
        "../0",
        "a/../b",
        "a//b",
        "./a",
        "a/.",
        "..",
        "012345678901234567890123456789012345678901234567890123456789abcde"};
    for (size_t i = 0; i < sizeof(bad_subpaths) / sizeof(*bad_subpaths); i++)
        expect_bad(&(struct gen){.version = 5,
                                 .nmounts = 1,
                                 .subpath = bad_subpaths[i]},
                   "is not a relative path of at most 64 bytes");
    expect_bad(
        &(struct gen){
            .version = 5, .nmounts = 1, .subpath = "0", .sub_fstype = "erofs"},
        "a subpath mount is ext4 without options");
}

/* v7: a share mount reads as 9p, with its tag and no device. */
static void test_share(void **state)
{
    (void)state;
    char buf[16384];
    struct gen g = {.version = 7, .nmounts = 2, .share = "xl-oci-share0"};
    size_t len = gen_blob(buf, sizeof(buf), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&s, buf, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(s.mounts[0].share, "xl-oci-share0");
    assert_string_equal(s.mounts[0].fstype, "9p");
    assert_null(s.mounts[0].device);
    assert_null(s.mounts[1].share);
    assert_string_equal(s.mounts[1].device, "/dev/xvdc");
    assert_true(s.mounts[1].read_only);
    boot_spec_free(&s);
}

/* v8: sysctl entries read in order; each one checked as domcfg checks it. */
#define SYSCTL(s) .sysctl = s, .sysctl_len = sizeof(s)
static void test_sysctl(void **state)
{
    (void)state;
    struct gen g = {.version = 8,
                    SYSCTL("net.ipv4.ip_unprivileged_port_start=0\0"
                           "net.ipv4.ping_group_range=0 2147483647\0"
                           "kernel.shmmax=68719476736")};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(s.nsysctl, 3);
    assert_string_equal(s.sysctl[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(s.sysctl[1], "net.ipv4.ping_group_range=0 2147483647");
    assert_string_equal(s.sysctl[2], "kernel.shmmax=68719476736");
    assert_null(s.sysctl[3]);
    boot_spec_free(&s);

    /* Absent: none; an empty list: none either. */
    len = gen_blob(blob, sizeof(blob), &(struct gen){.version = 8});
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(s.nsysctl, 0);
    boot_spec_free(&s);
    len = gen_blob(blob, sizeof(blob),
                   &(struct gen){.version = 8, .sysctl = "", .sysctl_len = 0});
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(s.nsysctl, 0);
    assert_null(s.sysctl[0]);
    boot_spec_free(&s);

    expect_bad(&(struct gen){.version = 7, SYSCTL("net.a=1")},
               "sysctl: not in boot spec version 7");
    expect_bad(&(struct gen){.version = 8, SYSCTL("net.a")},
               "sysctl: entry 0 is not NAME=VALUE");
    expect_bad(&(struct gen){.version = 8, SYSCTL("net.a=1\0=2")},
               "sysctl: entry 1 is not NAME=VALUE");
    /* Names that would leave /proc/sys, or are not names at all. */
    static const char *const names[] = {
        "..=1",       "net..ipv4=1", ".net=1",     "net.=1",
        "net/ipv4=1", "net.ip v4=1", "net.\x01=1", "kernel.hostname=x"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char raw[64];
        size_t n = strlen(names[i]) + 1;
        memcpy(raw, names[i], n);
        expect_bad(
            &(struct gen){.version = 8, .sysctl = raw, .sysctl_len = (int)n},
            "boot spec: sysctl: ");
    }
    expect_bad(&(struct gen){.version = 8, SYSCTL("net.a=1\nnet.b=2")},
               "net.a has a value that is not");
    expect_bad(&(struct gen){.version = 8, SYSCTL("net.a=")},
               "net.a has a value that is not");
    expect_bad(&(struct gen){.version = 8, SYSCTL("net.a=1\0net.a=2")},
               "sysctl: net.a is set twice");
    expect_bad(
        &(struct gen){.version = 8, .sysctl = "net.a=1", .sysctl_len = 7},
        "sysctl: last string not terminated");
    /* More than OCI_SYSCTL_MAX entries. */
    char many[(OCI_SYSCTL_MAX + 1) * 16];
    size_t used = 0;
    for (int i = 0; i <= OCI_SYSCTL_MAX; i++)
        used +=
            (size_t)snprintf(many + used, sizeof(many) - used, "net.n%d=1", i) +
            1;
    expect_bad(
        &(struct gen){.version = 8, .sysctl = many, .sysctl_len = (int)used},
        "sysctl: more than 64 entries");
}

#define LIST(field, s) .field = s, .field##_len = sizeof(s)
/* v12: a runtime spec's masked and read-only paths, exactly. */
static void test_path_policy(void **state)
{
    (void)state;
    struct gen g = {.version = 12,
                    LIST(masked, "/proc/kcore\0/sys/firmware"),
                    LIST(readonly, "/proc/sys")};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(s.has_path_policy);
    assert_false(s.sys_read_write);
    assert_int_equal(s.nmasked_paths, 2);
    assert_string_equal(s.masked_paths[1], "/sys/firmware");
    assert_null(s.masked_paths[2]);
    assert_int_equal(s.nreadonly_paths, 1);
    assert_string_equal(s.readonly_paths[0], "/proc/sys");
    boot_spec_free(&s);

    /* Both empty, /sys read-write: a privileged bundle. */
    len = gen_blob(
        blob, sizeof(blob),
        &(struct gen){
            .version = 12, .masked = "", .readonly = "", .sys_rw = true});
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_true(s.has_path_policy && s.sys_read_write);
    assert_int_equal(s.nmasked_paths + s.nreadonly_paths, 0);
    assert_null(s.masked_paths[0]);
    boot_spec_free(&s);

    /* Absent: the loader's defaults. */
    len = gen_blob(blob, sizeof(blob), &(struct gen){.version = 12});
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_false(s.has_path_policy);
    boot_spec_free(&s);

    g.version = 11;
    expect_bad(&g, "process: masked-paths, readonly-paths or sys-read-write: "
                   "not in boot spec version 11");
    expect_bad(&(struct gen){.version = 12, LIST(masked, "/proc/kcore")},
               "masked-paths and readonly-paths go together");
    expect_bad(&(struct gen){.version = 12, .sys_rw = true},
               "masked-paths and readonly-paths go together");
    static const char *const bad[] = {
        "proc/kcore", "/", "/proc/../etc", "/proc//kcore", "/proc/./x",
        "/proc/",     ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char raw[32];
        size_t n = strlen(bad[i]) + 1;
        memcpy(raw, bad[i], n);
        expect_bad(&(struct gen){.version = 12,
                                 .masked = "",
                                 .readonly = raw,
                                 .readonly_len = (int)n},
                   "process/readonly-paths: entry 0 (");
    }
    expect_bad(
        &(struct gen){
            .version = 12, .masked = "/x", .masked_len = 2, .readonly = ""},
        "process/masked-paths: last string not terminated");
    char many[(BOOT_SPEC_MAX_PATH_LIST + 1) * 8];
    size_t used = 0;
    for (int i = 0; i <= BOOT_SPEC_MAX_PATH_LIST; i++)
        used +=
            (size_t)snprintf(many + used, sizeof(many) - used, "/p%d", i) + 1;
    expect_bad(&(struct gen){.version = 12,
                             .masked = many,
                             .masked_len = (int)used,
                             .readonly = ""},
               "process/masked-paths: more than 64 entries");
}

/* v5: a subpath mount, and the lookup the /etc writer gives way to. */
static void test_subpath(void **state)
{
    (void)state;
    struct gen g = {.version = 5, .nmounts = 2, .subpath = "sub/12"};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    if (boot_spec_parse(&s, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(s.mounts[0].subpath, "sub/12");
    assert_null(s.mounts[1].subpath);
    assert_ptr_equal(bs_subpath_mount_at(&s, "/v0"), &s.mounts[0]);
    assert_null(bs_subpath_mount_at(&s, "/v1")); /* no subpath */
    assert_null(bs_subpath_mount_at(&s, "/etc/hosts"));
    /* A bind of a directory covers what is under it, not a sibling. */
    assert_ptr_equal(bs_subpath_mount_at(&s, "/v0/hosts"), &s.mounts[0]);
    assert_null(bs_subpath_mount_at(&s, "/v0x"));
    boot_spec_free(&s);
}

static void test_truncated(void **state)
{
    (void)state;
    struct gen g = {.nmounts = 2};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    struct boot_spec s;
    xo_err err = XO_ERR_INIT;
    for (size_t cut = 0; cut < len; cut += 7) {
        assert_int_equal(boot_spec_parse(&s, blob, cut, &err), -1);
        xo_err_clear(&err);
    }
    assert_int_equal(boot_spec_parse(&s, blob, BS_MAX_BLOB + 1, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "limit"));
    xo_err_clear(&err);
}

/*
 * A property length that reads as negative or runs past the structure
 * block: refused, not looped on (libfdt 1.6.1's fdt_check_full() loops
 * for ever on a negative one; fuzz corpus timeout-negative-prop-len).  The
 * alarm turns a hang into a failure.
 */
static void test_bad_prop_len(void **state)
{
    (void)state;
    const uint32_t lens[] = {0xfffffff4u, 0xfffffffcu, 0x80000000u, 0xfffffff0u,
                             0x00100000u};
    alarm(20);
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        struct gen g = {.nmounts = 1};
        size_t len = gen_blob(blob, sizeof(blob), &g);
        int node = fdt_path_offset(blob, "/process");
        assert_true(node >= 0);
        int plen = 0;
        const char *args = fdt_getprop(blob, node, "args", &plen);
        assert_non_null(args);
        /* struct fdt_property: tag, len, nameoff, then the value */
        uint32_t be = cpu_to_fdt32(lens[i]);
        memcpy((char *)args - 8, &be, 4);
        struct boot_spec s;
        xo_err err = XO_ERR_INIT;
        assert_int_equal(boot_spec_parse(&s, blob, len, &err), -1);
        assert_non_null(strstr(xo_err_msg(&err), "not a valid FDT"));
        xo_err_clear(&err);
    }
    alarm(0);
}

/* Random byte flips: every outcome is fine except a crash or a leak. */
static void test_mutations(void **state)
{
    (void)state;
    struct gen g = {.nmounts = 2, .network = true};
    size_t len = gen_blob(blob, sizeof(blob), &g);
    static char copy[BS_MAX_BLOB];
    srand(42);
    int accepted = 0;
    for (int round = 0; round < 20000; round++) {
        memcpy(copy, blob, len);
        int flips = 1 + rand() % 4;
        for (int f = 0; f < flips; f++)
            copy[rand() % (int)len] = (char)rand();
        struct boot_spec s;
        xo_err err = XO_ERR_INIT;
        if (boot_spec_parse(&s, copy, len, &err) == 0) {
            accepted++;
            for (size_t i = 0; i < s.nargs; i++)
                assert_true(strlen(s.args[i]) < BS_MAX_STR);
            boot_spec_free(&s);
        }
        xo_err_clear(&err);
    }
    print_message("mutations accepted: %d of 20000\n", accepted);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),        cmocka_unit_test(test_valid_v2),
        cmocka_unit_test(test_invalid),      cmocka_unit_test(test_dns_domains),
        cmocka_unit_test(test_truncated),    cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_bad_prop_len), cmocka_unit_test(test_path_policy),
        cmocka_unit_test(test_subpath),      cmocka_unit_test(test_share),
        cmocka_unit_test(test_sysctl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
