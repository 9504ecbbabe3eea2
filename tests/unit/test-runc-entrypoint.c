/*
 * test-runc-entrypoint.c: xl-oci-runc's check of a bundle's entrypoint and
 * cwd in its rootfs before a domain is built
 * (xl-plugin/runc_entrypoint.h): what runc's create refuses (a name found
 * in no PATH entry, a missing path, a directory or a file nobody may run,
 * a cwd that is a file) is refused naming the spec and the value; what
 * only the domain can know (a mount that may bring the file, a dangling
 * link on the way, an empty PATH entry) is left to the loader; links
 * resolve inside the root, as in the domain.
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
#include <sys/stat.h>
#include <unistd.h>

#include "domcfg/runtime_spec.h"
#include "image/fsat.h"
#include "xl-plugin/runc_entrypoint.h"

static char root[] = "/tmp/xl-oci-runc-entry.XXXXXX";
static char rootfs[sizeof(root) + 8];

static void make_file(const char *rel, mode_t mode)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(chmod(p, mode), 0);
}

static void make_dir(const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void make_link(const char *rel, const char *target)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", rootfs, rel);
    assert_int_equal(symlink(target, p), 0);
}

/* A merged-/usr Debian: /bin -> usr/bin, sh in it; /usr/local/bin with a
 * script nobody may run; /etc/passwd; /opt -> /srv (dangling); /app/run
 * executable; /escape -> ../../usr/bin (stays in the root). */
static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(root))
        return -1;
    snprintf(rootfs, sizeof(rootfs), "%s/rootfs", root);
    if (mkdir(rootfs, 0755) < 0)
        return -1;
    make_dir("usr");
    make_dir("usr/bin");
    make_dir("usr/local");
    make_dir("usr/local/bin");
    make_dir("etc");
    make_dir("app");
    make_link("bin", "usr/bin");
    make_file("usr/bin/sh", 0755);
    make_file("usr/local/bin/noexec", 0644);
    make_file("etc/passwd", 0644);
    make_file("app/run", 0700);
    make_link("opt", "/srv");
    make_link("escape", "../../usr/bin");
    make_dir("usr/bin/subdir");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    fsat_remove_path(root, &err);
    xo_err_clear(&err);
    return 0;
}

/* The check of a spec with process `process` and mounts `mounts` (JSON
 * array text): 0, or the error's errno with its message in msg. */
static int check_top(const char *process, const char *mounts, const char *top,
                     char *msg, size_t msg_len)
{
    char spec[2048];
    snprintf(spec, sizeof(spec),
             "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
             "\"process\": %s, \"mounts\": %s%s}",
             process, mounts ? mounts : "[]", top);
    struct runtime_spec rs;
    runtime_spec_init(&rs);
    xo_err err = XO_ERR_INIT;
    if (runtime_spec_parse(&rs, spec, strlen(spec), "config.json", &err) < 0)
        fail_msg("%s", xo_err_msg(&err));
    int rc = runc_entrypoint_check(&rs, rootfs, "config.json", &err);
    if (msg)
        snprintf(msg, msg_len, "%s", rc < 0 ? xo_err_msg(&err) : "");
    if (rc < 0)
        rc = err.errnum;
    xo_err_clear(&err);
    runtime_spec_dispose(&rs);
    return rc;
}

static int check(const char *process, const char *mounts, char *msg,
                 size_t msg_len)
{
    return check_top(process, mounts, "", msg, msg_len);
}

#define PROC(args, extra)                                                      \
    "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": " args                     \
    ", \"cwd\": \"/\"" extra "}"
#define PATH_ENV(v) ", \"env\": [\"PATH=" v "\"]"

static void test_found(void **state)
{
    (void)state;
    /* In PATH through the /bin link, by its absolute and link paths, a
     * relative path from the cwd, and through a link out of the top. */
    assert_int_equal(check(PROC("[\"sh\"]", PATH_ENV("/bin")), NULL, NULL, 0),
                     0);
    assert_int_equal(check(PROC("[\"sh\"]", ""), NULL, NULL, 0), 0);
    assert_int_equal(check(PROC("[\"/bin/sh\"]", ""), NULL, NULL, 0), 0);
    assert_int_equal(check(PROC("[\"/escape/sh\"]", ""), NULL, NULL, 0), 0);
    assert_int_equal(check("{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": "
                           "[\"./run\"], \"cwd\": \"/app\"}",
                           NULL, NULL, 0),
                     0);
    /* A PATH entry that is not there and one that is. */
    assert_int_equal(
        check(PROC("[\"sh\"]", PATH_ENV("/nope:/usr/local/bin:/usr/bin")), NULL,
              NULL, 0),
        0);
}

static void test_refused(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(check(PROC("[\"no-such-cmd\"]", PATH_ENV("/bin:/sbin")),
                           NULL, msg, sizeof(msg)),
                     ENOENT);
    assert_non_null(strstr(msg, "config.json: process.args[0]"));
    assert_non_null(strstr(msg, "\"no-such-cmd\": executable file not found "
                                "in $PATH (/bin:/sbin)"));
    /* The last PATH is the one (as domcfg merges the env): sh is in
     * /bin, not in /sbin. */
    assert_int_equal(
        check(PROC("[\"sh\"]", ", \"env\": [\"PATH=/bin\", \"PATH=/sbin\"]"),
              NULL, NULL, 0),
        ENOENT);
    assert_int_equal(
        check(PROC("[\"sh\"]", ", \"env\": [\"PATH=/sbin\", \"PATH=/bin\"]"),
              NULL, NULL, 0),
        0);
    /* No PATH: the default one, which has no such command either. */
    assert_int_equal(check(PROC("[\"no-such-cmd\"]", ""), NULL, NULL, 0),
                     ENOENT);
    assert_int_equal(
        check(PROC("[\"/no/such/command\"]", ""), NULL, msg, sizeof(msg)),
        ENOENT);
    assert_non_null(strstr(msg, "stat /no/such/command: no such file"));
    /* A file on the way is no directory. */
    assert_int_equal(check(PROC("[\"/etc/passwd/x\"]", ""), NULL, NULL, 0),
                     ENOENT);
    /* A directory, a file without an execute bit. */
    assert_int_equal(
        check(PROC("[\"/usr/bin/subdir\"]", ""), NULL, msg, sizeof(msg)),
        EACCES);
    assert_non_null(strstr(msg, "permission denied"));
    assert_int_equal(
        check(PROC("[\"/usr/local/bin/noexec\"]", ""), NULL, NULL, 0), EACCES);
    /* By name, only the unrunnable one in PATH: not found (Go's LookPath
     * passes it over). */
    assert_int_equal(
        check(PROC("[\"noexec\"]", PATH_ENV("/usr/local/bin")), NULL, NULL, 0),
        ENOENT);
    /* A relative path from a cwd where it is not. */
    assert_int_equal(check(PROC("[\"./run\"]", ""), NULL, NULL, 0), ENOENT);
    /* A link out of the top stays in the root: /escape/../.. is "/". */
    assert_int_equal(check(PROC("[\"/escape/nothing\"]", ""), NULL, NULL, 0),
                     ENOENT);
}

static void test_cwd(void **state)
{
    (void)state;
    char msg[512];
    const char *file = "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": "
                       "[\"sh\"], \"cwd\": \"/etc/passwd\"}";
    assert_int_equal(check(file, NULL, msg, sizeof(msg)), ENOTDIR);
    assert_non_null(strstr(msg, "process.cwd \"/etc/passwd\" is not a "
                                "directory"));
    const char *under = "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": "
                        "[\"sh\"], \"cwd\": \"/etc/passwd/sub\"}";
    assert_int_equal(check(under, NULL, NULL, 0), ENOTDIR);
    /* A missing cwd is made, by runc and by the loader. */
    const char *missing = "{\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": "
                          "[\"sh\"], \"cwd\": \"/work/new\"}";
    assert_int_equal(check(missing, NULL, NULL, 0), 0);
    /* A bind on the cwd decides what it is. */
    assert_int_equal(
        check(file,
              "[{\"destination\": \"/etc/passwd\", \"type\": \"bind\", "
              "\"source\": \"/tmp\", \"options\": [\"rbind\"]}]",
              NULL, 0),
        0);
}

static void test_left_to_the_domain(void **state)
{
    (void)state;
    /* A mount that may bring the file: on its directory, on the file, on
     * a parent reached through the /bin link. */
    const char *bind = "[{\"destination\": \"%s\", \"type\": \"bind\", "
                       "\"source\": \"/tmp\", \"options\": [\"rbind\"]}]";
    const char *dests[] = {"/usr/local/bin", "/usr/local/bin/tool", "/usr",
                           "/bin"};
    for (size_t i = 0; i < sizeof(dests) / sizeof(*dests); i++) {
        char mounts[256];
        snprintf(mounts, sizeof(mounts), bind, dests[i]);
        assert_int_equal(
            check(PROC("[\"tool\"]", PATH_ENV("/usr/local/bin:/usr/bin")),
                  mounts, NULL, 0),
            0);
        assert_int_equal(check(PROC("[\"/bin/tool\"]", ""), mounts, NULL, 0),
                         i == 0 || i == 1 ? ENOENT : 0);
    }
    /* A mount elsewhere changes nothing. */
    char mounts[256];
    snprintf(mounts, sizeof(mounts), bind, "/data");
    assert_int_equal(check(PROC("[\"tool\"]", ""), mounts, NULL, 0), ENOENT);
    /* A mount through a dangling link (/opt -> /srv): the loader makes
     * /srv/..., which may be anywhere: not sure. */
    snprintf(mounts, sizeof(mounts), bind, "/opt/bin");
    assert_int_equal(check(PROC("[\"tool\"]", ""), mounts, NULL, 0), 0);
    /* Through the dangling link itself, and a PATH with an empty or
     * relative entry. */
    assert_int_equal(check(PROC("[\"/opt/tool\"]", ""), NULL, NULL, 0), 0);
    assert_int_equal(
        check(PROC("[\"tool\"]", PATH_ENV("/bin::/sbin")), NULL, NULL, 0), 0);
    assert_int_equal(
        check(PROC("[\"tool\"]", PATH_ENV("bin:/sbin")), NULL, NULL, 0), 0);
}

/* Found by tests/runc/entrypoint-diff.py against runc 1.1.5: each of
 * these runc creates and runs. */
static void test_runc_differential(void **state)
{
    (void)state;
    /* A bind on /mnt/app hides the root's /mnt/app/run, a link to a
     * directory; the host directory bound there has run. */
    make_dir("mnt");
    make_dir("mnt/app");
    make_link("mnt/app/run", "../../usr/bin/subdir");
    const char *bind = "[{\"destination\": \"/mnt/app\", \"type\": "
                       "\"bind\", \"source\": \"/tmp\", \"options\": "
                       "[\"rbind\"]}]";
    assert_int_equal(check(PROC("[\"/mnt/app/run\"]", ""), bind, NULL, 0), 0);
    assert_int_equal(
        check(PROC("[\"run\"]", PATH_ENV("/mnt/app")), bind, NULL, 0), 0);
    /* A link whose target is walked through the bind: /lnk-app -> /mnt/app
     * /run. */
    make_link("lnk-app", "/mnt/app/run");
    assert_int_equal(check(PROC("[\"/lnk-app\"]", ""), bind, NULL, 0), 0);
    /* Without the bind, what the root has decides. */
    assert_int_equal(check(PROC("[\"/mnt/app/run\"]", ""), NULL, NULL, 0),
                     EACCES);
    /* A second bind into the first one's tree: runc resolves its
     * destination through the first's content, whose symlinks may lead
     * anywhere (here, perhaps to /usr/local/bin). */
    const char *nested =
        "[{\"destination\": \"/mnt/app\", \"type\": \"bind\", "
        "\"source\": \"/tmp\", \"options\": [\"rbind\"]}, "
        "{\"destination\": \"/mnt/app/lnk\", \"type\": \"bind\", "
        "\"source\": \"/tmp\", \"options\": [\"rbind\"]}]";
    assert_int_equal(
        check(PROC("[\"tool\"]", PATH_ENV("/usr/local/bin")), nested, NULL, 0),
        0);
    /* Under a tmpfs there is nothing but what runc makes: directories. */
    const char *tmpfs =
        "[{\"destination\": \"/mnt\", \"type\": \"tmpfs\", "
        "\"source\": \"tmpfs\"}, {\"destination\": \"/mnt/app/lnk\", "
        "\"type\": \"bind\", \"source\": \"/tmp\", \"options\": "
        "[\"rbind\"]}]";
    assert_int_equal(
        check(PROC("[\"tool\"]", PATH_ENV("/usr/local/bin")), tmpfs, NULL, 0),
        ENOENT);
    /* Go's LookPath joins a PATH entry to the name lexically:
     * "/bin/../usr/bin" is /usr/bin to runc, /usr/usr/bin to the kernel. */
    assert_int_equal(
        check(PROC("[\"sh\"]", PATH_ENV("/bin/../usr/bin")), NULL, NULL, 0), 0);
    assert_int_equal(
        check(PROC("[\"sh\"]", PATH_ENV("/usr/bin/..")), NULL, NULL, 0), 0);
    /* A "..name" is no "..". */
    assert_int_equal(
        check(PROC("[\"sh\"]", PATH_ENV("/..usr/bin")), NULL, NULL, 0), ENOENT);
    /* A hook that runs before runc's lookup may bring the entrypoint. */
    const char *hooks[] = {"prestart", "createRuntime", "createContainer"};
    for (size_t i = 0; i < sizeof(hooks) / sizeof(*hooks); i++) {
        char top[256];
        snprintf(top, sizeof(top),
                 ", \"hooks\": {\"%s\": [{\"path\": \"/bin/true\"}]}",
                 hooks[i]);
        assert_int_equal(check_top(PROC("[\"tool\"]", ""), NULL, top, NULL, 0),
                         0);
    }
    /* One that runs after it (startContainer) does not. */
    assert_int_equal(check_top(PROC("[\"tool\"]", ""), NULL,
                               ", \"hooks\": {\"startContainer\": [{\"path\": "
                               "\"/bin/true\"}]}",
                               NULL, 0),
                     ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_cwd),
        cmocka_unit_test(test_left_to_the_domain),
        cmocka_unit_test(test_runc_differential),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
