/*
 * test-runtime-spec.c: reading OCI runtime spec config.json files
 * (domcfg/runtime_spec.h) and mapping them onto domain_config
 * (domcfg/from_runtime_spec.h).  Samples shaped as containerd 1.6 writes
 * them (ctr run, a CRI app container, a CRI sandbox), and one containerd
 * 1.6.20 wrote for `ctr run --env A=1 IMAGE ID /usr/sbin/nginx -v` of the
 * real-image tier's web image, live in tests/unit/runtime_spec/
 * (malformed specs: test-runtime-spec-errors.c).  The round trip
 * renders a domain_config with domcfg_to_runtime_spec() and reads it back.
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
#include <unistd.h>

#include "common/abi/capabilities.h"
#include "common/abi/rlimits.h"
#include "common/json.h"
#include "common/user.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/from_runtime_spec.h"
#include "domcfg/runtime_spec.h"

#include "loader/xen-tools/bootspec.h"
#include "domcfg_fixture.h"

#define SAMPLES "tests/unit/runtime_spec/"

static uint64_t cap(const char *name)
{
    int c = oci_cap_from_name(name);
    assert_true(c >= 0);
    return UINT64_C(1) << c;
}

static void load_ok(struct runtime_spec *rs, const char *file)
{
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(rs);
    if (runtime_spec_load(rs, file, &err) < 0)
        fail_msg("%s: %s", file, xo_err_msg(&err));
}

static void map_ok(struct domain_config *dc, const struct runtime_spec *rs)
{
    xo_err err = XO_ERR_INIT;
    if (domcfg_from_runtime_spec(dc, rs, "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
}

static const struct runtime_mount *mount_at(const struct runtime_spec *rs,
                                            const char *dst)
{
    for (size_t i = 0; i < rs->n_mounts; i++)
        if (strcmp(rs->mounts[i].destination, dst) == 0)
            return &rs->mounts[i];
    fail_msg("no mount at %s", dst);
    return NULL;
}

static void test_ctr_run(void **state)
{
    (void)state;
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "ctr-run.json");
    const struct runtime_process *p = &rs.process;
    assert_string_equal(rs.oci_version, "1.0.2-dev");
    assert_string_equal(rs.root_path, "rootfs");
    assert_false(rs.root_readonly);
    assert_string_equal(rs.hostname, "probe");
    assert_int_equal(p->n_args, 3);
    assert_string_equal(p->args[2], "echo hi; exit 42");
    assert_int_equal(p->n_env, 3);
    assert_string_equal(p->cwd, "/");
    assert_int_equal(p->uid, 0);
    assert_int_equal(p->n_additional_gids, 2);
    assert_int_equal(p->additional_gids[1], 10);
    assert_false(p->terminal);
    assert_true(p->no_new_privileges);
    assert_true(p->has_capabilities);
    assert_int_equal(__builtin_popcountll(p->caps[RUNTIME_CAP_BOUNDING]), 14);
    assert_true(p->caps[RUNTIME_CAP_EFFECTIVE] ==
                (cap("CAP_CHOWN") | cap("CAP_KILL")));
    assert_true(p->caps[RUNTIME_CAP_AMBIENT] == 0);
    assert_int_equal(p->n_rlimits, 2);
    assert_int_equal(p->rlimits[1].resource,
                     oci_rlimit_from_name("RLIMIT_CORE"));
    assert_true(p->rlimits[1].hard == OCI_RLIM_INFINITY);
    assert_true(p->rlimits[1].soft == 0);
    assert_int_equal(rs.n_mounts, 9);
    assert_int_equal(mount_at(&rs, "/proc")->kind, RUNTIME_MOUNT_PROVIDED);
    assert_int_equal(mount_at(&rs, "/dev")->kind, RUNTIME_MOUNT_PROVIDED);
    assert_int_equal(mount_at(&rs, "/dev/shm")->kind, RUNTIME_MOUNT_PROVIDED);
    assert_int_equal(mount_at(&rs, "/run")->kind, RUNTIME_MOUNT_TMPFS);
    const struct runtime_mount *r = mount_at(&rs, "/etc/resolv.conf");
    assert_int_equal(r->kind, RUNTIME_MOUNT_BIND);
    assert_true(r->read_only);
    assert_true(r->recursive);
    /* No type, a "bind" option: a bind mount; "rw" after "ro" wins. */
    const struct runtime_mount *d = mount_at(&rs, "/data");
    assert_int_equal(d->kind, RUNTIME_MOUNT_BIND);
    assert_string_equal(d->type, "");
    assert_false(d->read_only);
    assert_int_equal(rs.container_type, RUNTIME_CONTAINER_PLAIN);
    assert_null(rs.sandbox_id);
    /* A network entry without a path: a new namespace. */
    const struct runtime_namespace *ns = runtime_spec_namespace(&rs, "network");
    assert_non_null(ns);
    assert_null(ns->path);
    assert_null(runtime_spec_namespace(&rs, "user"));
    runtime_spec_dispose(&rs);
    runtime_spec_dispose(&rs); /* idempotent */
}

static void test_cri(void **state)
{
    (void)state;
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "cri-app.json");
    assert_int_equal(rs.container_type, RUNTIME_CONTAINER_CRI);
    assert_string_equal(rs.sandbox_id, "f00");
    assert_true(rs.process.terminal);
    assert_true(rs.process.has_umask);
    assert_int_equal(rs.process.umask, 022);
    assert_false(rs.process.no_new_privileges);
    assert_true(rs.process.caps[RUNTIME_CAP_AMBIENT] ==
                cap("CAP_NET_BIND_SERVICE"));
    assert_true(rs.root_readonly);
    assert_null(rs.hostname);
    assert_string_equal(runtime_spec_namespace(&rs, "network")->path,
                        "/var/run/netns/cni-1234");
    assert_string_equal(runtime_spec_namespace(&rs, "ipc")->path,
                        "/proc/4242/ns/ipc");
    assert_null(runtime_spec_namespace(&rs, "uts")->path); /* "" */
    assert_int_equal(mount_at(&rs, "/cache")->kind, RUNTIME_MOUNT_TMPFS);
    assert_int_equal(mount_at(&rs, "/sys/fs/cgroup")->kind,
                     RUNTIME_MOUNT_PROVIDED);
    assert_string_equal(
        runtime_spec_annotation(&rs, "io.kubernetes.cri.container-name"),
        "web");
    runtime_spec_dispose(&rs);

    load_ok(&rs, SAMPLES "cri-sandbox.json");
    assert_int_equal(rs.container_type, RUNTIME_CONTAINER_SANDBOX);
    assert_int_equal(rs.process.uid, 65535);
    assert_false(rs.process.has_capabilities);
    assert_int_equal(rs.n_mounts, 0);
    assert_int_equal(rs.process.n_env, 0);
    assert_non_null(rs.process.env);
    runtime_spec_dispose(&rs);
}

/* What containerd 1.6.20 itself wrote, read and mapped. */
static void test_containerd_written(void **state)
{
    struct fixture *fx = *state;
    write_file(fx->dir, "passwd",
               "root:x:0:0:root:/root:/bin/sh\n"
               "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n");
    write_file(fx->dir, "group", "root:x:0:\nwww-data:x:33:\n");
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "containerd-1.6-ctr-run.json");
    assert_int_equal(rs.process.n_args, 2);
    assert_string_equal(rs.process.args[0], "/usr/sbin/nginx");
    assert_int_equal(rs.n_mounts, 7);
    for (size_t i = 0; i < rs.n_mounts; i++)
        if (strcmp(rs.mounts[i].destination, "/run") != 0)
            assert_int_equal(rs.mounts[i].kind, RUNTIME_MOUNT_PROVIDED);
    assert_int_equal(mount_at(&rs, "/run")->kind, RUNTIME_MOUNT_TMPFS);
    assert_null(runtime_spec_namespace(&rs, "network")->path);
    struct domain_config dc;
    domain_config_init(&dc);
    dc.root_volume = strdup(fx->dir);
    map_ok(&dc, &rs);
    assert_string_equal(dc.user, "33:33");
    assert_string_equal(dc.env[1], "A=1");
    assert_null(dc.hostname); /* ctr run sets none: the caller names it */
    assert_int_equal(__builtin_popcountll(dc.caps.bounding), 14);
    assert_true(dc.caps.bounding == dc.caps.effective);
    assert_true(dc.caps.inheritable == 0 && dc.caps.ambient == 0);
    assert_true(dc.no_new_privileges);
    assert_string_equal(dc.cwd, "/");
    /* containerd passes an image's WorkingDir on as written: cleaned as
     * Docker cleans it, so the loader's walk meets no "..". */
    free(rs.process.cwd);
    rs.process.cwd = strdup("/srv/../app/./data//");
    map_ok(&dc, &rs);
    assert_string_equal(dc.cwd, "/app/data");
    domain_config_dispose(&dc);
    runtime_spec_dispose(&rs);
}

/* Renders dc's boot spec and reads it back as the loader does. */
static void boot_spec_of(struct boot_spec *bs, struct domain_config *dc)
{
    void *blob = NULL;
    size_t len = 0;
    xo_err err = XO_ERR_INIT;
    if (!dc->rootfs_fstype)
        dc->rootfs_fstype = strdup("erofs"); /* what create sets */
    if (!dc->hostname)
        dc->hostname = strdup("c1"); /* create names it by the ID */
    if (domcfg_to_boot_spec(&blob, &len, dc, &err) < 0 ||
        boot_spec_parse(bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    free(blob);
}

/* A bundle's linux.maskedPaths and readonlyPaths reach the loader as the
 * bundle has them (boot spec v12), not as the bounding set suggests:
 * Docker's masks with every capability (`--cap-add ALL`) stay, and a
 * privileged bundle lacking a capability gets none. */
static void test_path_policy(void **state)
{
    struct fixture *fx = *state;
    write_file(fx->dir, "passwd", "root:x:0:0:root:/root:/bin/sh\n");
    write_file(fx->dir, "group", "root:x:0:\nwww-data:x:33:\n");
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "containerd-1.6-ctr-run.json");
    assert_int_equal(rs.n_masked_paths, 10);
    assert_string_equal(rs.masked_paths[9], "/proc/scsi");
    assert_int_equal(rs.n_readonly_paths, 5);
    struct domain_config dc;
    domain_config_init(&dc);
    dc.root_volume = strdup(fx->dir);
    rs.process.caps[RUNTIME_CAP_BOUNDING] = OCI_CAP_ALL;
    map_ok(&dc, &rs);
    assert_true(dc.privileged); /* by the bounding set, for the NOHYPER view */
    assert_true(dc.has_path_policy);
    assert_false(dc.sys_read_write); /* its sysfs mount says "ro" */
    struct boot_spec bs;
    boot_spec_of(&bs, &dc);
    assert_int_equal(bs.version, 12);
    assert_true(bs.has_path_policy);
    assert_false(bs.sys_read_write);
    assert_int_equal(bs.nmasked_paths, 10);
    for (size_t i = 0; i < 10; i++)
        assert_string_equal(bs.masked_paths[i], rs.masked_paths[i]);
    assert_int_equal(bs.nreadonly_paths, 5);
    assert_string_equal(bs.readonly_paths[3], "/proc/sys");
    boot_spec_free(&bs);

    /* containerd's WithPrivileged: no lists, /sys "rw"; one capability
     * short of all. */
    xo_strv_free(rs.masked_paths);
    xo_strv_free(rs.readonly_paths);
    rs.masked_paths = rs.readonly_paths = NULL;
    rs.n_masked_paths = rs.n_readonly_paths = 0;
    struct runtime_mount *sys = (struct runtime_mount *)mount_at(&rs, "/sys");
    sys->read_only = false;
    rs.process.caps[RUNTIME_CAP_BOUNDING] =
        OCI_CAP_ALL & ~cap("CAP_SYS_MODULE");
    map_ok(&dc, &rs);
    assert_false(dc.privileged);
    boot_spec_of(&bs, &dc);
    assert_true(bs.has_path_policy && bs.sys_read_write);
    assert_int_equal(bs.nmasked_paths + bs.nreadonly_paths, 0);
    boot_spec_free(&bs);

    /* No sysfs mount at all: /sys read-only (runc would mount none). */
    sys->type[0] = '\0';
    sys->kind = RUNTIME_MOUNT_OTHER;
    map_ok(&dc, &rs);
    assert_false(dc.sys_read_write);
    domain_config_dispose(&dc);
    runtime_spec_dispose(&rs);

    /* "//", "/./" and a trailing '/' cleaned as the kernel reads them. */
    const char *odd =
        "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
        "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, "
        "\"args\": [\"/x\"], \"cwd\": \"/\"}, \"linux\": "
        "{\"maskedPaths\": [\"/proc//kcore\", \"/sys/./fs/\"]}}";
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(&rs);
    if (runtime_spec_parse(&rs, odd, strlen(odd), "c", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(rs.n_masked_paths, 2);
    assert_string_equal(rs.masked_paths[0], "/proc/kcore");
    assert_string_equal(rs.masked_paths[1], "/sys/fs");
    assert_null(rs.readonly_paths);
    runtime_spec_dispose(&rs);
}

/* ---- onto domain_config --------------------------------------------- */

static void test_map(void **state)
{
    struct fixture *fx = *state;
    write_file(fx->dir, "passwd", "root:x:0:0:root:/root:/bin/sh\n");
    write_file(fx->dir, "group", "root:x:0:\nwheel:x:10:root\n");
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "ctr-run.json");
    struct domain_config dc;
    domain_config_init(&dc);
    dc.root_volume = strdup(fx->dir);
    map_ok(&dc, &rs);
    /* gid 0 with groups {0, 10}: what "0" gives with this /etc/group. */
    assert_string_equal(dc.user, "0");
    assert_int_equal(dc.n_env, 2);
    assert_string_equal(dc.env[1], "A=2"); /* the later one wins */
    assert_string_equal(dc.hostname, "probe");
    assert_false(dc.privileged);
    assert_true(dc.no_new_privileges);
    assert_true(dc.caps.permitted == (cap("CAP_CHOWN") | cap("CAP_KILL")));
    assert_int_equal(dc.n_rlimits, 2);
    assert_int_equal(dc.n_labels, 1);
    assert_string_equal(dc.labels[0], "org.example.team=web");
    assert_int_equal(dc.stop_signal, 15);

    assert_int_equal(dc.n_groups, 0); /* the loader takes /etc/group's */

    /* The same groups are not what /etc/group gives any more (as CRI's
     * fsGroup and supplementalGroups are not): the spec's groups go to
     * the loader exactly, primary first, as runc sets additionalGids. */
    write_file(fx->dir, "group", "root:x:0:\n");
    xo_err err = XO_ERR_INIT;
    if (domcfg_from_runtime_spec(&dc, &rs, "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_string_equal(dc.user, "0:0");
    assert_int_equal(dc.n_groups, 2);
    assert_int_equal(dc.groups[0], 0);
    assert_int_equal(dc.groups[1], 10);
    /* Without a root volume: "UID:GID" and the groups. */
    free(dc.root_volume);
    dc.root_volume = NULL;
    if (domcfg_from_runtime_spec(&dc, &rs, "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(dc.n_groups, 2);
    dc.rootfs_fstype = strdup("erofs"); /* what create sets */
    dc.stdin_open = true;       /* no v9 stdin-null: the groups make it v6 */
    dc.has_path_policy = false; /* a bundle's path lists would make it v12 */
    void *blob = NULL;
    size_t len = 0;
    struct boot_spec bs;
    if (domcfg_to_boot_spec(&blob, &len, &dc, &err) < 0 ||
        boot_spec_parse(&bs, blob, len, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(bs.version, 6);
    assert_int_equal(bs.ngroups, 2);
    assert_int_equal(bs.groups[0], 0);
    assert_int_equal(bs.groups[1], 10);
    boot_spec_free(&bs);
    free(blob);
    runtime_spec_dispose(&rs);

    /* A pod's app container has no hostname: the pod's, from CRI's
     * HOSTNAME, not the domain's name (its container ID). */
    load_ok(&rs, SAMPLES "cri-app.json");
    free(dc.hostname);
    dc.hostname = strdup("0123456789abcdef");
    dc.vcpus = dc.maxvcpus = 1;
    map_ok(&dc, &rs);
    assert_string_equal(dc.hostname, "web-0");
    /* Its limits: 256 MiB and a byte, 1.5 CPUs. */
    assert_int_equal(dc.container_memory_mb, 257);
    assert_int_equal(dc.vcpus, 2);
    assert_int_equal(dc.maxvcpus, 2);
    /* cpu.shares 1536 (1.5 CPUs requested): weight 384, Xen's 256 a CPU. */
    assert_int_equal(dc.cpu_weight, 384);
    /* readOnlyRootFilesystem and the umask reach the loader (v6). */
    assert_true(dc.root_readonly);
    assert_false(dc.has_umask); /* 022, the loader's own: not carried */
    dc.has_umask = true;        /* as a spec with 027 maps */
    dc.umask = 027;
    dc.has_path_policy = false; /* a bundle's path lists would make it v12 */
    {
        void *b = NULL;
        size_t bl = 0;
        struct boot_spec s6;
        xo_err e = XO_ERR_INIT;
        if (domcfg_to_boot_spec(&b, &bl, &dc, &e) < 0 ||
            boot_spec_parse(&s6, b, bl, &e) < 0)
            fail_msg("%s", xo_err_msg(&e));
        assert_int_equal(s6.version, 6);
        assert_true(s6.root_readonly);
        assert_true(s6.has_umask);
        assert_int_equal(s6.umask, 027);
        boot_spec_free(&s6);
        free(b);
    }
    runtime_spec_dispose(&rs);

    load_ok(&rs, SAMPLES "cri-sandbox.json");
    /* CRI's pod sysctls, as containerd writes them into the sandbox. */
    assert_int_equal(rs.n_sysctl, 3);
    assert_string_equal(rs.sysctl[0], "net.ipv4.ip_unprivileged_port_start=0");
    assert_string_equal(rs.sysctl[1], "net.ipv4.ping_group_range=0 2147483647");
    assert_null(rs.sysctl[3]);
    map_ok(&dc, &rs);
    assert_int_equal(dc.n_sysctls, 3);
    assert_string_equal(dc.sysctls[2], "kernel.shm_rmid_forced=1");
    assert_string_equal(dc.user, "65535:65535");
    assert_true(dc.caps.bounding == 0 && dc.caps.effective == 0);
    runtime_spec_dispose(&rs);

    const char *badhost =
        "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
        "\"hostname\": \"a/b\", \"process\": {\"user\": {\"uid\": 0, "
        "\"gid\": 0}, \"args\": [\"/x\"], \"cwd\": \"/\"}}";
    runtime_spec_init(&rs);
    assert_int_equal(
        runtime_spec_parse(&rs, badhost, strlen(badhost), "c", &err), 0);
    assert_int_equal(domcfg_from_runtime_spec(&dc, &rs, "c", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "c: hostname: \"a/b\""));
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    domain_config_dispose(&dc);
}

#define IC(cfg)                                                                \
    "{\"os\": \"linux\", \"architecture\": \"amd64\", \"config\": {" cfg "}}"

static void same_ids(const char *etc, const char *a, const char *b)
{
    struct xo_user_ids x, y;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_user_resolve(&x, a, etc, &err), 0);
    assert_int_equal(xo_user_resolve(&y, b, etc, &err), 0);
    assert_int_equal(x.uid, y.uid);
    assert_int_equal(x.gid, y.gid);
    assert_int_equal(x.ngroups, y.ngroups);
    assert_memory_equal(x.groups, y.groups, x.ngroups * sizeof(gid_t));
    xo_user_ids_dispose(&x);
    xo_user_ids_dispose(&y);
}

static void strv_equal(char **a, size_t na, char **b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        assert_string_equal(a[i], b[i]);
}

/* domcfg_to_runtime_spec, serialized, read back: the same fields. */
static void round_trip(struct fixture *fx, const char *ic, const char *cfg)
{
    build_ok(fx, ic, cfg);
    const struct domain_config *dc = &fx->dc;
    json_object *s = NULL;
    xo_err err = XO_ERR_INIT;
    if (domcfg_to_runtime_spec(&s, dc, &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    char *text = xo_json_to_string(s);
    json_object_put(s);
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    if (runtime_spec_parse(&rs, text, strlen(text), "rendered", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    free(text);
    struct domain_config back;
    domain_config_init(&back);
    back.root_volume = strdup(dc->root_volume);
    map_ok(&back, &rs);
    strv_equal(back.args, back.n_args, dc->args, dc->n_args);
    strv_equal(back.env, back.n_env, dc->env, dc->n_env);
    assert_string_equal(back.cwd, dc->cwd);
    assert_string_equal(back.hostname, dc->hostname);
    same_ids(dc->root_volume, back.user, dc->user);
    assert_int_equal(back.privileged, dc->privileged);
    assert_memory_equal(&back.caps, &dc->caps, sizeof(dc->caps));
    assert_int_equal(back.no_new_privileges, dc->no_new_privileges);
    assert_int_equal(back.n_rlimits, dc->n_rlimits);
    assert_memory_equal(back.rlimits, dc->rlimits,
                        dc->n_rlimits * sizeof(dc->rlimits[0]));
    strv_equal(back.labels, back.n_labels, dc->labels, dc->n_labels);
    assert_int_equal(back.stop_signal, dc->stop_signal);
    /* What the runtime provides, found as such. */
    assert_int_equal(mount_at(&rs, "/proc")->kind, RUNTIME_MOUNT_PROVIDED);
    assert_int_equal(mount_at(&rs, "/etc/hosts")->kind, RUNTIME_MOUNT_BIND);
    runtime_spec_dispose(&rs);
    domain_config_dispose(&back);
}

static void test_round_trip(void **state)
{
    struct fixture *fx = *state;
    write_file(fx->dir, "passwd",
               "root:x:0:0:root:/root:/bin/sh\n"
               "www-data:x:33:33:www:/var/www:/usr/sbin/nologin\n");
    write_file(fx->dir, "group",
               "root:x:0:\nwww-data:x:33:\nweb:x:500:www-data\n"
               "log:x:501:www-data\n");
    round_trip(fx,
               IC("\"Entrypoint\": [\"/bin/sh\", \"-c\"], \"Cmd\": [\"echo "
                  "hi\"], \"Env\": [\"PATH=/bin\", \"B=2\"], "
                  "\"WorkingDir\": \"/srv\", \"User\": \"www-data\", "
                  "\"Labels\": {\"org.example\": \"v\", \"b\": \"x=y\"}"),
               "name = \"web\"\noci_root = \"@RV@\"\n"
               "oci_env = [ \"A=1\" ]\noci_stop_signal = \"SIGINT\"\n"
               "oci_rlimits = [ \"nproc=10:20\", \"core=unlimited\" ]\n");
    round_trip(fx, IC("\"Cmd\": [\"/x\"]"),
               "name = \"p\"\noci_root = \"@RV@\"\noci_privileged = 1\n"
               "oci_user = \"1000:1001\"\noci_hostname = \"box.local\"\n");
    round_trip(fx, IC("\"Cmd\": [\"/x\"], \"User\": \"33\""),
               "name = \"u\"\noci_root = \"@RV@\"\n");
}

/* A LinuxResources object on its own (runc update --resources). */
static void test_resources_alone(void **state)
{
    (void)state;
    struct runtime_spec rs;
    xo_err err = XO_ERR_INIT;
    runtime_spec_init(&rs);
    const char *ok = "{\"memory\": {\"limit\": 50331648}, \"cpu\": "
                     "{\"shares\": 2048, \"quota\": 50000, \"period\": "
                     "100000}, \"pids\": {\"limit\": 10}}";
    if (runtime_spec_resources_parse(&rs, ok, strlen(ok), "stdin", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    assert_int_equal(rs.memory_limit, 50331648);
    assert_int_equal(rs.cpu_shares, 2048);
    assert_int_equal(rs.cpu_quota, 50000);
    assert_int_equal(rs.cpu_period, 100000);
    runtime_spec_dispose(&rs);
    static const struct {
        const char *json, *want;
    } bad[] = {{"[]", "stdin: not a JSON object"},
               {"{\"memory\": {\"limit\": \"1g\"}}",
                "stdin: linux.resources.memory.limit: must be"},
               {"{\"cpu\": {\"shares\": 1.5}}",
                "stdin: linux.resources.cpu.shares: must be"},
               {"{\"memory\": ", "stdin"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        runtime_spec_init(&rs);
        assert_int_equal(runtime_spec_resources_parse(&rs, bad[i].json,
                                                      strlen(bad[i].json),
                                                      "stdin", &err),
                         -1);
        if (!strstr(xo_err_msg(&err), bad[i].want))
            fail_msg("%s: %s", bad[i].json, xo_err_msg(&err));
        xo_err_clear(&err);
        runtime_spec_dispose(&rs);
    }
}

/* org.xl-oci.memory-max: bytes or Kubernetes' binary quantities, rounded
 * up to MiB; out of 1 MiB..1 TiB or malformed is refused naming it. */
static void test_memory_max(void **state)
{
    (void)state;
    struct runtime_spec rs;
    load_ok(&rs, SAMPLES "ctr-run.json");
    struct runtime_annotation *saved = rs.annotations;
    size_t nsaved = rs.n_annotations;
    struct runtime_annotation a = {(char *)DOMCFG_MEMORY_MAX_ANNOTATION, NULL};
    rs.annotations = &a;
    rs.n_annotations = 1;
    static const struct {
        const char *v;
        long mb;
    } cases[] = {{"1Gi", 1024},
                 {"512Mi", 512},
                 {"1048576", 1},
                 {"1048577", 2},
                 {"2048Ki", 2},
                 {"1024Gi", 1L << 20},
                 {"1Ki", -1},
                 {"1025Gi", -1},
                 {"1G", -1},
                 {"-1Gi", -1},
                 {"", -1},
                 {" 1Gi", -1},
                 {"1Gi ", -1},
                 {"99999999999999999999", -1},
                 {"17179869184Gi", -1}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct domain_config dc;
        domain_config_init(&dc);
        xo_err err = XO_ERR_INIT;
        a.value = (char *)cases[i].v;
        int r = domcfg_from_runtime_spec(&dc, &rs, "config.json", &err);
        if (cases[i].mb < 0) {
            if (r == 0 ||
                !strstr(xo_err_msg(&err), DOMCFG_MEMORY_MAX_ANNOTATION))
                fail_msg("\"%s\": not refused: %s", cases[i].v,
                         xo_err_msg(&err));
        } else {
            if (r < 0)
                fail_msg("\"%s\": %s", cases[i].v, xo_err_msg(&err));
            assert_int_equal(dc.container_memory_max_mb, cases[i].mb);
            assert_int_equal(dc.n_labels, 0); /* not a label */
        }
        xo_err_clear(&err);
        domain_config_dispose(&dc);
    }
    rs.annotations = saved;
    rs.n_annotations = nsaved;
    runtime_spec_dispose(&rs);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resources_alone),
        cmocka_unit_test(test_memory_max),
        cmocka_unit_test(test_ctr_run),
        cmocka_unit_test(test_cri),
        T(test_map),
        T(test_round_trip),
        T(test_containerd_written),
        T(test_path_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
