/*
 * test-domcfg.c: app.cfg + root volume -> struct domain_config
 * (domcfg/build.c, domcfg/merge.c): the merge rule of image config and
 * app.cfg, defaults, device numbering, and the errors users see.
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
#include <sys/resource.h>
#include <unistd.h>

#include "common/json.h"
#include "domcfg/volumes.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "domcfg/exec_size.h"
#include "domcfg/vif.h"

#include "domcfg_fixture.h"

/* build() fails; its message, with the root volume's path replaced by
 * @RV@, is `want` (prefix: starts with it). */
static void fails_as(struct fixture *fx, const char *ic, const char *cfg,
                     const char *want, bool prefix)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(build(fx, ic, cfg, &err), -1);
    char got[1024];
    size_t o = 0;
    size_t dl = strlen(fx->dir);
    for (const char *p = xo_err_msg(&err); *p && o < sizeof(got) - 8;) {
        if (strncmp(p, fx->dir, dl) == 0) {
            memcpy(got + o, "@RV@", 4);
            o += 4;
            p += dl;
        } else {
            got[o++] = *p++;
        }
    }
    got[o] = '\0';
    if (prefix && strncmp(got, want, strlen(want)) != 0)
        fail_msg("expected '%s...', got '%s'", want, got);
    if (!prefix)
        assert_string_equal(got, want);
    xo_err_clear(&err);
}

static void build_fails(struct fixture *fx, const char *ic, const char *cfg,
                        const char *want)
{
    fails_as(fx, ic, cfg, want, false);
}

static void build_fails_prefix(struct fixture *fx, const char *ic,
                               const char *cfg, const char *want)
{
    fails_as(fx, ic, cfg, want, true);
}

static void assert_strv(char *const *v, size_t n, const char *const *want)
{
    size_t k = 0;
    while (want[k])
        k++;
    if (n != k)
        fail_msg("%zu entries, want %zu (first: %s)", n, k, n ? v[0] : "-");
    for (size_t i = 0; i < n; i++)
        assert_string_equal(v[i], want[i]);
    assert_null(v[n]);
}

#define IC(cfg)                                                                \
    "{\"os\": \"linux\", \"architecture\": \"amd64\", \"config\": {" cfg "}}"
#define IC_EP_CMD                                                              \
    IC("\"Entrypoint\": [\"/ep\", \"-x\"], \"Cmd\": [\"c1\", \"c2\"]")
#define BASE "name = \"web\"\noci_root = \"@RV@\"\n"

static void test_args_precedence(void **state)
{
    struct fixture *fx = *state;
    build_ok(fx, IC_EP_CMD, BASE);
    assert_strv(fx->dc.args, fx->dc.n_args,
                (const char *[]){"/ep", "-x", "c1", "c2", NULL});

    /* oci_cmd replaces Cmd and keeps the image's Entrypoint. */
    build_ok(fx, IC_EP_CMD, BASE "oci_cmd = [ \"n1\" ]\n");
    assert_strv(fx->dc.args, fx->dc.n_args,
                (const char *[]){"/ep", "-x", "n1", NULL});

    /* oci_entrypoint replaces Entrypoint and drops the image's Cmd. */
    build_ok(fx, IC_EP_CMD, BASE "oci_entrypoint = [ \"/new\" ]\n");
    assert_strv(fx->dc.args, fx->dc.n_args, (const char *[]){"/new", NULL});

    build_ok(fx, IC_EP_CMD,
             BASE "oci_entrypoint = [ \"/new\" ]\n"
                  "oci_cmd = [ \"a\", \"b\" ]\n");
    assert_strv(fx->dc.args, fx->dc.n_args,
                (const char *[]){"/new", "a", "b", NULL});

    /* Cmd alone runs; an empty oci_cmd empties it. */
    build_ok(fx, IC("\"Cmd\": [\"/bin/sh\"]"), BASE);
    assert_strv(fx->dc.args, fx->dc.n_args, (const char *[]){"/bin/sh", NULL});
    build_ok(fx, IC_EP_CMD, BASE "oci_cmd = [ ]\n");
    assert_strv(fx->dc.args, fx->dc.n_args,
                (const char *[]){"/ep", "-x", NULL});

    /* Entrypoint [""] is no entrypoint (image or app.cfg); an empty
     * string later on is an argument. */
    build_ok(fx, IC("\"Entrypoint\": [\"\"], \"Cmd\": [\"/c\", \"\"]"), BASE);
    assert_strv(fx->dc.args, fx->dc.n_args, (const char *[]){"/c", "", NULL});
    build_ok(fx, IC_EP_CMD,
             BASE "oci_entrypoint = [ \"\" ]\noci_cmd = [ \"/n\" ]\n");
    assert_strv(fx->dc.args, fx->dc.n_args, (const char *[]){"/n", NULL});
}

static void test_nothing_to_run(void **state)
{
    struct fixture *fx = *state;
    const char *want = "nothing to run: the image config "
                       "(@RV@/image-config.json) has an empty or no "
                       "Entrypoint and Cmd, and app.cfg sets neither "
                       "oci_entrypoint nor oci_cmd";
    build_fails(fx, IC(""), BASE, want);
    build_fails(fx, IC("\"Cmd\": []"), BASE, want);
    build_fails(fx, IC("\"Entrypoint\": [\"\"], \"Cmd\": []"), BASE, want);
    /* When the image has a Cmd, the key that set it aside is named. */
    build_fails(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_cmd = [ ]\n",
                "app.cfg:3: oci_cmd: [ ] leaves nothing to run: it replaces "
                "the image's Cmd, and there is no entrypoint");
    build_fails(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_entrypoint = [ \"\" ]\n",
                "app.cfg:3: oci_entrypoint: [ \"\" ] leaves nothing to run: it "
                "clears the entrypoint and, as docker run --entrypoint does, "
                "drops the image's Cmd; give the command in oci_cmd");
    build_fails(fx, IC("\"Entrypoint\": [\"/e\"], \"Cmd\": [\"/x\"]"),
                BASE "oci_entrypoint = [ ]\n",
                "app.cfg:3: oci_entrypoint: [ ] leaves nothing to run: it "
                "clears the entrypoint and, as docker run --entrypoint does, "
                "drops the image's Cmd; give the command in oci_cmd");
    build_fails(fx, IC("\"Cmd\": [\"\"]"), BASE,
                "nothing to run: the program (first word of the image's Cmd "
                "in @RV@/image-config.json) is an empty string");
    build_fails(fx, IC("\"Entrypoint\": [\"\", \"-c\"]"), BASE,
                "nothing to run: the program (first word of the image's "
                "Entrypoint in @RV@/image-config.json) is an empty string");
    /* From app.cfg: its file and line, as every app.cfg error. */
    build_fails(fx, IC(""), BASE "oci_cmd = [ \"\", \"x\" ]\n",
                "app.cfg:3: oci_cmd: nothing to run: the program (its first "
                "word) is an empty string");
}

static void test_env_merge(void **state)
{
    struct fixture *fx = *state;
    /* Merged by name: a later KEY wins in the position of the first. */
    build_ok(fx,
             IC("\"Cmd\": [\"/x\"], \"Env\": [\"PATH=/a\", \"A=1\", "
                "\"B=2\", \"A=0\"]"),
             BASE "oci_env = [ \"B=3\", \"C=4\", \"A=5\", \"EMPTY=\" ]\n");
    assert_strv(fx->dc.env, fx->dc.n_env,
                (const char *[]){"PATH=/a", "A=5", "B=3", "C=4",
                                 "EMPTY=", "HOSTNAME=web", NULL});
    /* A=1 and AB=2 are different keys. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"Env\": [\"AB=2\"]"),
             BASE "oci_env = [ \"A=1\", \"PATH=/p\" ]\n");
    assert_strv(
        fx->dc.env, fx->dc.n_env,
        (const char *[]){"AB=2", "A=1", "PATH=/p", "HOSTNAME=web", NULL});
    /* No PATH from either: the default comes last. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_env = [ \"X=y=z\" ]\n");
    assert_strv(fx->dc.env, fx->dc.n_env,
                (const char *[]){"X=y=z",
                                 "PATH=/usr/local/sbin:/usr/local/bin:"
                                 "/usr/sbin:/usr/bin:/sbin:/bin",
                                 "HOSTNAME=web", NULL});

    build_fails(fx, IC("\"Cmd\": [\"/x\"]"),
                BASE "oci_env = [ \"A=1\", \"NOEQUALS\" ]\n",
                "app.cfg:3: oci_env: \"NOEQUALS\" is not KEY=VALUE");
    build_fails(fx, IC("\"Cmd\": [\"/x\"]"), BASE "oci_env = [ \"=v\" ]\n",
                "app.cfg:3: oci_env: \"=v\" is not KEY=VALUE");
    /* An image's entry without '=' unsets its KEY (Docker, containerd):
     * the image runs, without it; a bare PATH drops the default too. */
    build_ok(fx,
             IC("\"Cmd\": [\"/x\"], \"Env\": [\"A=1\", \"B=2\", \"A\", \"C\"]"),
             BASE);
    assert_strv(fx->dc.env, fx->dc.n_env,
                (const char *[]){"B=2",
                                 "PATH=/usr/local/sbin:/usr/local/bin:"
                                 "/usr/sbin:/usr/bin:/sbin:/bin",
                                 "HOSTNAME=web", NULL});
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"Env\": [\"PATH\"]"), BASE);
    assert_strv(fx->dc.env, fx->dc.n_env,
                (const char *[]){"HOSTNAME=web", NULL});
    /* ... and oci_env sets it again after. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"Env\": [\"A=1\", \"A\"]"),
             BASE "oci_env = [ \"A=2\" ]\n");
    assert_strv(fx->dc.env, fx->dc.n_env,
                (const char *[]){"A=2",
                                 "PATH=/usr/local/sbin:/usr/local/bin:"
                                 "/usr/sbin:/usr/bin:/sbin:/bin",
                                 "HOSTNAME=web", NULL});
    build_fails(fx, IC("\"Cmd\": [\"/x\"], \"Env\": [\"=v\"]"), BASE,
                "@RV@/image-config.json: Env[0] \"=v\" has an empty KEY");
}

/* An image config with `n` Env entries "Knnnnn=vvvv" (10 bytes). */
static char *env_image(size_t n, const char *extra)
{
    size_t cap = n * 16 + 256;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t o =
        (size_t)snprintf(t, cap,
                         "{\"os\": \"linux\", \"architecture\": \"amd64\", "
                         "\"config\": {\"Cmd\": [\"/x\"]%s, \"Env\": [",
                         extra);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "%s\"K%04zu=vvvv\"", i ? "," : "",
                              i % 10000);
    snprintf(t + o, cap - o, "]}}");
    return t;
}

/*
 * Limits follow the kernel: 5000 environment entries of 10 bytes run under
 * Docker and here; what bounds args and env is execve()'s byte count.
 */
static void test_exec_limits(void **state)
{
    struct fixture *fx = *state;
    char *t = env_image(5000, "");
    build_ok(fx, t, BASE "oci_env = [ \"K0007=cfg\" ]\n");
    free(t);
    /* and the default PATH, and HOSTNAME as Docker sets it */
    assert_int_equal(fx->dc.n_env, 5002);
    assert_string_equal(fx->dc.env[4999], "K4999=vvvv");
    assert_string_equal(fx->dc.env[7], "K0007=cfg");

    /* 20000 entries with every key set twice: merged by name, quickly. */
    t = env_image(20000, "");
    build_ok(fx, t, BASE);
    free(t);
    assert_int_equal(fx->dc.n_env, 10002);
    assert_string_equal(fx->dc.env[0], "K0000=vvvv");

    /* 1.2 MB of Env (1200 entries of 1000 bytes), under the kernel's
     * 2 MiB: in the image config and in app.cfg alike (a 1 MiB cap on
     * both files had refused it, the helper-60 field case). */
    size_t kcap = 1200 * 1010 + 512, ko = 0, co = 0;
    char *kimg = malloc(kcap), *kcfg = malloc(kcap);
    assert_non_null(kimg);
    assert_non_null(kcfg);
    ko += (size_t)snprintf(kimg, kcap,
                           "{\"os\": \"linux\", \"architecture\": "
                           "\"amd64\", \"config\": {\"Cmd\": [\"/x\"], "
                           "\"Env\": [");
    co += (size_t)snprintf(kcfg, kcap, BASE "oci_env = [ ");
    for (size_t i = 0; i < 1200; i++) {
        char v[1001];
        snprintf(v, sizeof(v), "E%04zu=%0994d", i, 0);
        ko +=
            (size_t)snprintf(kimg + ko, kcap - ko, "%s\"%s\"", i ? "," : "", v);
        co += (size_t)snprintf(kcfg + co, kcap - co, "%s\"%s\"", i ? ", " : "",
                               v);
    }
    snprintf(kimg + ko, kcap - ko, "]}}");
    snprintf(kcfg + co, kcap - co, " ]\n");
    assert_true(ko > 1024 * 1024 && co > 1024 * 1024);
    build_ok(fx, kimg, BASE);
    assert_int_equal(strlen(fx->dc.env[1199]), 1000);
    build_ok(fx, IC("\"Cmd\": [\"/x\"]"), kcfg);
    assert_int_equal(strlen(fx->dc.env[1199]), 1000);
    free(kimg);
    free(kcfg);

    /* One string: MAX_ARG_STRLEN (131072) with its NUL, not one more. */
    size_t big = BOOT_SPEC_MAX_ARG_STRLEN - 1;
    char *cfg = malloc(big + 128);
    assert_non_null(cfg);
    int o = snprintf(cfg, 128, BASE "oci_cmd = [ \"");
    memset(cfg + o, 'a', big);
    snprintf(cfg + o + big, 128, "\" ]\n");
    build_ok(fx, IC("\"Entrypoint\": [\"/e\"]"), cfg);
    assert_int_equal(strlen(fx->dc.args[1]), big);
    memset(cfg + o, 'a', big + 1);
    snprintf(cfg + o + big + 1, 128, "\" ]\n");
    build_fails(fx, IC("\"Entrypoint\": [\"/e\"]"), cfg,
                "app.cfg:3: oci_cmd: item 0 longer than 131071 bytes");
    /* The same string from the image config: execve()'s rule says no. */
    size_t icap = big + 256;
    char *img = malloc(icap);
    assert_non_null(img);
    int io = snprintf(img, icap,
                      "{\"os\": \"linux\", \"architecture\": \"amd64\", "
                      "\"config\": {\"Cmd\": [\"/x\", \"");
    memset(img + io, 'a', big + 1);
    snprintf(img + io + big + 1, icap - (size_t)io - big - 1, "\"]}}");
    build_fails(fx, img, BASE,
                "args[1] (aaaaaaaaaaaaaaaaaaaa...) is 131073 bytes; the kernel "
                "takes at most 131072 per string (MAX_ARG_STRLEN, NUL "
                "included)");
    free(img);
    free(cfg);
}

/* The total, by exec_size_check() itself (no input file holds 2 MiB). */
static void test_exec_total(void **state)
{
    (void)state;
    struct domain_config dc;
    domain_config_init(&dc);
    /* 16 strings of 130000 bytes + "/x" fit in 2 MiB less 4096. */
    size_t n = 16;
    dc.args = calloc(2, sizeof(char *));
    dc.args[0] = strdup("/x");
    dc.n_args = 1;
    dc.env = calloc(n + 2, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        dc.env[i] = malloc(130001);
        memset(dc.env[i], 'v', 130000);
        dc.env[i][0] = 'K';
        dc.env[i][1] = '=';
        dc.env[i][130000] = '\0';
    }
    dc.n_env = n;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(exec_size_check(&dc, &err), 0);
    dc.env[n] = strdup(dc.env[0]);
    dc.n_env = n + 1;
    assert_int_equal(exec_size_check(&dc, &err), -1);
    assert_int_equal(err.errnum, E2BIG);
    assert_string_equal(
        xo_err_msg(&err),
        "args and env take 2210164 bytes as execve() counts them (18 strings, "
        "each with its NUL and a 8-byte pointer); at most 2093056 fit: the "
        "kernel's 2097152 (a quarter of the default 8 MiB stack limit) less "
        "4096 kept for the loader's HOME");
    xo_err_clear(&err);
    domain_config_dispose(&dc);
}

/* The kernel takes a quarter of the stack limit the program starts under
 * (at least 128 KiB): oci_rlimits' stack lowers what fits, and the error
 * names that limit. */
static void test_exec_total_stack(void **state)
{
    struct fixture *fx = *state;
    /* Three Env entries of 100000 bytes: 300 KB, far below 2 MiB. */
    size_t cap = 3 * 100020 + 256;
    char *img = malloc(cap);
    assert_non_null(img);
    size_t o = (size_t)snprintf(img, cap,
                                "{\"os\": \"linux\", \"architecture\": "
                                "\"amd64\", \"config\": {\"Cmd\": [\"/x\"], "
                                "\"Env\": [");
    for (int i = 0; i < 3; i++) {
        o += (size_t)snprintf(img + o, cap - o, "%s\"K%d=", i ? "," : "", i);
        memset(img + o, 'v', 100000);
        o += 100000;
        img[o++] = '"';
    }
    snprintf(img + o, cap - o, "]}}");
    build_ok(fx, img, BASE);
    build_ok(fx, img, BASE "oci_rlimits = [ \"stack=unlimited\" ]\n");
    /* 4 MiB: the kernel takes 1 MiB. */
    build_ok(fx, img, BASE "oci_rlimits = [ \"stack=4194304\" ]\n");
    /* 1 MiB: the kernel takes 256 KiB. */
    build_fails(fx, img, BASE "oci_rlimits = [ \"stack=1048576:8388608\" ]\n",
                "args and env take 300142 bytes as execve() counts them (6 "
                "strings, each with its NUL and a 8-byte pointer); at most "
                "258048 fit: the kernel's 262144 under oci_rlimits' stack "
                "limit (a quarter of 1048576, at least 131072) less 4096 kept "
                "for the loader's HOME");
    /* 64 KiB: the kernel's floor, ARG_MAX. */
    build_fails(fx, img, BASE "oci_rlimits = [ \"stack=65536\" ]\n",
                "args and env take 300142 bytes as execve() counts them (6 "
                "strings, each with its NUL and a 8-byte pointer); at most "
                "126976 fit: the kernel's 131072 under oci_rlimits' stack "
                "limit (a quarter of 65536, at least 131072) less 4096 kept "
                "for the loader's HOME");
    free(img);
}

/* Under NOHYPER without oci_rlimits' stack limit the program inherits
 * runc's, which the caller's limit is: that one bounds args and env. */
static void test_exec_total_inherited(void **state)
{
    (void)state;
    struct domain_config dc;
    domain_config_init(&dc);
    dc.args = calloc(2, sizeof(char *));
    dc.args[0] = strdup("/x");
    dc.n_args = 1;
    dc.env = calloc(4, sizeof(char *));
    for (size_t i = 0; i < 3; i++) {
        dc.env[i] = malloc(100001);
        memset(dc.env[i], 'v', 100000);
        dc.env[i][0] = 'K';
        dc.env[i][1] = '=';
        dc.env[i][100000] = '\0';
    }
    dc.n_env = 3;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(exec_size_check_inherited(&dc, 8388608, "L", "H's", &err),
                     0);
    assert_int_equal(
        exec_size_check_inherited(&dc, OCI_RLIM_INFINITY, "L", "H's", &err), 0);
    assert_int_equal(exec_size_check_inherited(&dc, 1048576, "L", "H's", &err),
                     -1);
    assert_int_equal(err.errnum, E2BIG);
    assert_string_equal(
        xo_err_msg(&err),
        "args and env take 300038 bytes as execve() counts them (4 strings, "
        "each with its NUL and a 8-byte pointer); at most 258048 fit: the "
        "kernel's 262144 under L (a quarter of 1048576, at least 131072) less "
        "4096 kept for H's HOME");
    xo_err_clear(&err);
    /* oci_rlimits' stack limit is the one runc sets: the inherited one
     * does not count. */
    dc.rlimits[dc.n_rlimits++] =
        (struct dc_rlimit){RLIMIT_STACK, 8388608, 8388608};
    assert_int_equal(exec_size_check_inherited(&dc, 1048576, "L", "H's", &err),
                     0);
    dc.rlimits[dc.n_rlimits - 1].soft = 1048576;
    assert_int_equal(
        exec_size_check_inherited(&dc, OCI_RLIM_INFINITY, "L", "H's", &err),
        -1);
    assert_non_null(strstr(xo_err_msg(&err), "under oci_rlimits' stack limit"));
    xo_err_clear(&err);
    domain_config_dispose(&dc);
}

static void test_process_fields(void **state)
{
    struct fixture *fx = *state;
    const char *img = IC("\"Cmd\": [\"/x\"], \"WorkingDir\": \"/srv\", "
                         "\"User\": \"www\", \"StopSignal\": \"SIGINT\", "
                         "\"Labels\": {\"a\": \"b\"}");
    build_ok(fx, img, BASE);
    assert_string_equal(fx->dc.cwd, "/srv");
    assert_string_equal(fx->dc.user, "www");
    assert_int_equal(fx->dc.stop_signal, 2);
    assert_int_equal(fx->dc.stop_timeout, 10);
    assert_strv(fx->dc.labels, fx->dc.n_labels, (const char *[]){"a=b", NULL});
    /* no_new_privs off, as Docker's default; oci_no_new_privileges = 1 as
     * --security-opt no-new-privileges. */
    assert_false(fx->dc.no_new_privileges);
    build_ok(fx, img, BASE "oci_no_new_privileges = 1\n");
    assert_true(fx->dc.no_new_privileges);
    build_fails(fx, img, BASE "oci_no_new_privileges = 2\n",
                "app.cfg:3: oci_no_new_privileges: 2 is out of range [0, 1]");
    build_ok(fx, img, BASE);

    build_ok(fx, img,
             BASE "oci_workdir = \"/w\"\noci_user = \"1000:1000\"\n"
                  "oci_stop_signal = \"KILL\"\n"
                  "oci_stop_timeout = 3600\n");
    assert_string_equal(fx->dc.cwd, "/w");
    assert_string_equal(fx->dc.user, "1000:1000");
    assert_int_equal(fx->dc.stop_signal, 9);
    assert_int_equal(fx->dc.stop_timeout, 3600);

    /* Defaults: "/", root (""), SIGTERM. */
    build_ok(fx, IC("\"Cmd\": [\"/x\"], \"WorkingDir\": \"\""), BASE);
    assert_string_equal(fx->dc.cwd, "/");
    assert_string_equal(fx->dc.user, "");
    assert_int_equal(fx->dc.stop_signal, 15);
    assert_int_equal(fx->dc.n_labels, 0);

    build_fails(fx, img, BASE "oci_workdir = \"srv\"\n",
                "app.cfg:3: oci_workdir: \"srv\" is not an absolute path");
    build_fails(fx, IC("\"Cmd\": [\"/x\"], \"WorkingDir\": \"srv\""), BASE,
                "@RV@/image-config.json: WorkingDir \"srv\" is not an "
                "absolute path");
    build_fails(fx, img, BASE "oci_user = \"a b\"\n",
                "app.cfg:3: oci_user: \"a b\" is not a valid user[:group]");
    build_fails(fx, IC("\"Cmd\": [\"/x\"], \"User\": \"../u\""), BASE,
                "@RV@/image-config.json: User \"../u\" is not a valid "
                "user[:group]");
    build_fails(fx, img, BASE "oci_stop_signal = \"SIGNOPE\"\n",
                "app.cfg:3: oci_stop_signal: \"SIGNOPE\" is not a signal");
    build_fails(fx, IC("\"Cmd\": [\"/x\"], \"StopSignal\": \"NOPE\""), BASE,
                "@RV@/image-config.json: StopSignal \"NOPE\" is not a signal");
    /* Empty is not "unset": refused, not root or SIGTERM (helper-65). */
    build_fails(fx, img, BASE "oci_user = \"\"\n",
                "app.cfg:3: oci_user: empty: leave the key out for the "
                "image's User (root when it has none), or give one");
    build_fails(fx, img, BASE "oci_stop_signal = \"\"\n",
                "app.cfg:3: oci_stop_signal: empty: leave the key out for "
                "the image's StopSignal (SIGTERM when it has none), or give "
                "one");
    build_fails(fx, img, BASE "oci_stop_timeout = 3601\n",
                "app.cfg:3: oci_stop_timeout: 3601 is out of range [0, 3600]");
}

static void test_identity_resources(void **state)
{
    struct fixture *fx = *state;
    const char *img = IC("\"Cmd\": [\"/x\"]");
    build_ok(fx, img, "name = \"my_app.1\"\noci_root = \"@RV@\"\n");
    assert_string_equal(fx->dc.name, "my_app.1");
    /* A host name may not hold '_'. */
    assert_string_equal(fx->dc.hostname, "my-app.1");
    /* A 64-character name (a Kubernetes container ID) is one label too
     * long for a host name: its first 63 characters. */
    build_ok(fx, img,
             "name = \"0123456789abcdef0123456789abcdef0123456789abcdef"
             "0123456789abcdef\"\noci_root = \"@RV@\"\n");
    assert_int_equal(strlen(fx->dc.name), 64);
    assert_int_equal(strlen(fx->dc.hostname), 63);
    assert_true(strncmp(fx->dc.hostname, fx->dc.name, 63) == 0);
    build_ok(fx, img, "name = \"my_app.1\"\noci_root = \"@RV@\"\n");
    assert_int_equal(fx->dc.type, DC_TYPE_PV);
    assert_int_equal(fx->dc.memory_mb, 128);
    assert_int_equal(fx->dc.maxmem_mb, 128);
    assert_int_equal(fx->dc.vcpus, 1);
    assert_int_equal(fx->dc.maxvcpus, 1);
    assert_null(fx->dc.uuid);
    assert_null(fx->dc.cpus);
    assert_string_equal(fx->dc.on_poweroff, "destroy");
    assert_string_equal(fx->dc.on_reboot, "restart");
    assert_string_equal(fx->dc.on_crash, "destroy");
    assert_string_equal(fx->dc.loader_dir, "/ld");
    assert_string_equal(fx->dc.kernel, "/ld/kernel");
    assert_string_equal(fx->dc.ramdisk, "/st/domains/my_app.1/ramdisk");
    assert_string_equal(fx->dc.rootfs_fstype, "erofs");
    assert_string_equal(fx->dc.os, "linux");

    build_ok(fx, img,
             BASE "type = \"pvh\"\nmemory = 512\nmaxmem = 1024\n"
                  "vcpus = 2\nmaxvcpus = 4\ncpus = \"0-3,^2\"\n"
                  "uuid = \"0b0d7d7c-1b3a-4c1e-9d6a-2f4e5a6b7c8d\"\n"
                  "on_crash = \"coredump-restart\"\n"
                  "oci_hostname = \"app.example\"\n"
                  "oci_loader = \"/opt/loader\"\n");
    assert_int_equal(fx->dc.type, DC_TYPE_PVH);
    assert_int_equal(fx->dc.memory_mb, 512);
    assert_int_equal(fx->dc.maxmem_mb, 1024);
    assert_int_equal(fx->dc.vcpus, 2);
    assert_int_equal(fx->dc.maxvcpus, 4);
    assert_string_equal(fx->dc.cpus, "0-3,^2");
    assert_string_equal(fx->dc.uuid, "0b0d7d7c-1b3a-4c1e-9d6a-2f4e5a6b7c8d");
    assert_string_equal(fx->dc.on_crash, "coredump-restart");
    assert_string_equal(fx->dc.hostname, "app.example");
    assert_string_equal(fx->dc.kernel, "/opt/loader/kernel");

    build_fails(fx, img, "oci_root = \"@RV@\"\n",
                "app.cfg: \"name\" is missing");
    build_fails(fx, img, "name = \"-x\"\noci_root = \"@RV@\"\n",
                "app.cfg:1: name: \"-x\" must be 1-64 of [A-Za-z0-9_.-], not "
                "starting with '-' or '.'");
    build_fails(fx, img, "name = \"a/b\"\noci_root = \"@RV@\"\n",
                "app.cfg:1: name: \"a/b\" must be 1-64 of [A-Za-z0-9_.-], not "
                "starting with '-' or '.'");
    build_fails(fx, img, BASE "type = \"hvm\"\n",
                "app.cfg:3: type: \"hvm\" is not \"pv\" or \"pvh\"");
    build_fails(fx, img, BASE "uuid = \"nope\"\n",
                "app.cfg:3: uuid: \"nope\" is not a UUID");
    build_fails(fx, img, BASE "memory = 15\n",
                "app.cfg:3: memory: 15 is out of range [16, 1048576]");
    build_fails(fx, img, BASE "memory = 256\nmaxmem = 128\n",
                "app.cfg:4: maxmem: 128 is below memory (256)");
    build_fails(fx, img, BASE "vcpus = 129\n",
                "app.cfg:3: vcpus: 129 is out of range [1, 128]");
    build_fails(fx, img, BASE "vcpus = 4\nmaxvcpus = 2\n",
                "app.cfg:4: maxvcpus: 2 is below vcpus (4)");
    build_fails(fx, img, BASE "cpus = \"1-\"\n",
                "app.cfg:3: cpus: \"1-\" is not \"all\" or a list of N, N-M, "
                "^N");
    build_fails(fx, img, BASE "cpus = \"3-1\"\n",
                "app.cfg:3: cpus: \"3-1\" is not \"all\" or a list of N, N-M, "
                "^N");
    build_fails(fx, img, BASE "cpus = \"4096\"\n",
                "app.cfg:3: cpus: \"4096\" is not \"all\" or a list of N, "
                "N-M, ^N");
    build_fails(fx, img, BASE "on_reboot = \"explode\"\n",
                "app.cfg:3: on_reboot: \"explode\" is not a shutdown action "
                "(destroy, restart, preserve, rename-restart, ...)");
    build_fails(fx, img, BASE "oci_hostname = \"-bad\"\n",
                "app.cfg:3: oci_hostname: \"-bad\" is not a valid host name");
    build_fails(fx, img, BASE "oci_loader = \"rel\"\n",
                "app.cfg:3: oci_loader: loader directory must be an absolute "
                "path");
}

static void test_root_volume(void **state)
{
    struct fixture *fx = *state;
    const char *img = IC("\"Cmd\": [\"/x\"]");
    build_fails(fx, img, "name = \"a\"\n",
                "app.cfg: no root volume: set oci_root (a root volume "
                "directory) or oci_image (an image reference)");
    build_fails(fx, img, BASE "oci_image = \"busybox\"\n",
                "app.cfg:3: oci_image: set either oci_root or oci_image, not "
                "both");
    build_fails(fx, img, "name = \"a\"\noci_image = \"busybox\"\n",
                "app.cfg:2: oci_image: image references cannot be resolved "
                "here");
    build_fails(fx, img, "name = \"a\"\noci_root = \"@RV@/nope\"\n",
                "app.cfg:2: oci_root: root volume @RV@/nope is not a "
                "directory");
    build_fails(fx, IC("\"Cmd\": [\"/x\"]") " ", BASE "oci_cmd = \"x\"\n",
                "app.cfg:3: oci_cmd: must be a list");
    build_fails(fx, "{\"os\": \"linux\", \"architecture\": \"arm64\"}", BASE,
                "@RV@/image-config.json: image is for linux/arm64; only "
                "linux/amd64 images run here");
    build_fails(fx, "{\"os\": \"windows\", \"architecture\": \"amd64\"}", BASE,
                "@RV@/image-config.json: image is for windows/amd64; only "
                "linux/amd64 images run here");
    build_fails(fx, "{\"os\": \"linux\"", BASE,
                "@RV@/image-config.json: invalid JSON: unexpected end of "
                "input at offset 14");

    /* ext4 is found when there is no erofs image. */
    char p[128];
    snprintf(p, sizeof(p), "%s/rootfs.erofs", fx->dir);
    assert_int_equal(unlink(p), 0);
    build_fails(fx, img, BASE,
                "app.cfg:2: oci_root: root volume @RV@ has no rootfs image "
                "(rootfs.erofs, rootfs.ext4 or rootfs.squashfs)");
    write_file(fx->dir, "rootfs.ext4", "");
    build_ok(fx, img, BASE);
    assert_string_equal(fx->dc.rootfs_fstype, "ext4");
    snprintf(p, sizeof(p), "%s/rootfs.ext4", fx->dir);
    assert_string_equal(fx->dc.rootfs_image, p);
}

static void test_storage(void **state)
{
    struct fixture *fx = *state;
    const char *img = IC("\"Cmd\": [\"/x\"]");
    build_ok(fx, img, BASE);
    assert_int_equal(fx->dc.writable, DC_WRITABLE_TMPFS);
    assert_null(fx->dc.writable_size);
    assert_int_equal(fx->dc.n_volumes, 0);

    build_ok(fx, img, BASE "oci_writable = \"tmpfs:64m\"\n");
    assert_string_equal(fx->dc.writable_size, "64m");

    /* The writable disk takes xvdb; volumes follow; extra disks after. */
    build_ok(fx, img,
             BASE "oci_writable = \"/w.img\"\n"
                  "oci_volumes = [ \"/a.img:/data:ro\", "
                  "\"/b.img:/logs\", \"/c.img:/c:rw\" ]\n"
                  "disk = [ \"format=raw, vdev=xvdf, access=rw, "
                  "target=/e.img\" ]\n");
    assert_int_equal(fx->dc.writable, DC_WRITABLE_DISK);
    assert_string_equal(fx->dc.writable_source, "/w.img");
    assert_string_equal(fx->dc.writable_vdev, "xvdb");
    assert_int_equal(fx->dc.n_volumes, 3);
    assert_string_equal(fx->dc.volumes[0].source, "/a.img");
    assert_string_equal(fx->dc.volumes[0].target, "/data");
    assert_string_equal(fx->dc.volumes[0].vdev, "xvdc");
    assert_true(fx->dc.volumes[0].read_only);
    assert_string_equal(fx->dc.volumes[1].vdev, "xvdd");
    assert_false(fx->dc.volumes[1].read_only);
    assert_false(fx->dc.volumes[2].read_only);
    assert_int_equal(fx->dc.n_disks, 1);

    /* Without a writable disk the volumes start at xvdb. */
    build_ok(fx, img, BASE "oci_volumes = [ \"/a.img:/data\" ]\n");
    assert_string_equal(fx->dc.volumes[0].vdev, "xvdb");

    build_fails(fx, img, BASE "oci_writable = \"tmpfs:lots\"\n",
                "app.cfg:3: oci_writable: \"lots\" is not a tmpfs size (e.g. "
                "64m)");
    build_fails(
        fx, img, BASE "oci_writable = \"tmpfsx\"\n",
        "app.cfg:3: oci_writable: \"tmpfsx\" is not tmpfs[:SIZE], a block image or a volume");
    build_fails(
        fx, img, BASE "oci_writable = \"w/img\"\n",
        "app.cfg:3: oci_writable: \"w/img\" is not an absolute path to a block image or a volume name: volume name \"w/img\": byte 0x2f at 1 is not allowed (letters, digits, '_', '.', '-')");
    /* A name is a managed volume, found by the command layer. */
    build_ok(fx, img, BASE "oci_writable = \"w.img\"\n");
    assert_string_equal(fx->dc.writable_volume, "w.img");
    assert_null(fx->dc.writable_source);
    assert_string_equal(fx->dc.writable_vdev, "xvdb");
    const char *vol_err =
        "app.cfg:3: oci_volumes: item 0: \"/a.img\" needs \":/TARGET\", an absolute path without \"..\", ':' or ','";
    build_fails(fx, img, BASE "oci_volumes = [ \"/a.img\" ]\n", vol_err);
    /* A target given but not usable is named as such (helper-65: it
     * said ":/TARGET" was needed); /proc, /sys and /dev are the kernel's
     * (tmpfs:/proc passed, then runc failed on /proc/sys). */
    const char *tgt_err = "app.cfg:3: oci_volumes: item 0: target ";
    build_fails_prefix(fx, img, BASE "oci_volumes = [ \"/a.img:rel\" ]\n",
                       tgt_err);
    build_fails_prefix(fx, img, BASE "oci_volumes = [ \"/a.img:/\" ]\n",
                       tgt_err);
    build_fails_prefix(
        fx, img, BASE "oci_volumes = [ \"/a.img:/x/../../etc\" ]\n", tgt_err);
    build_fails_prefix(fx, img, BASE "oci_volumes = [ \"/a.img:/..\" ]\n",
                       tgt_err);
    build_fails(fx, img, BASE "oci_volumes = [ \"tmpfs:/proc\" ]\n",
                "app.cfg:3: oci_volumes: item 0: target /proc is the kernel's "
                "(/proc, /sys or /dev itself): no volume can be mounted there");
    build_fails_prefix(fx, img, BASE "oci_volumes = [ \"tmpfs:/sys/fs\" ]\n",
                       "app.cfg:3: oci_volumes: item 0: target /sys/fs is the "
                       "kernel's");
    build_fails_prefix(fx, img, BASE "oci_volumes = [ \"tmpfs:/dev\" ]\n",
                       "app.cfg:3: oci_volumes: item 0: target /dev is the "
                       "kernel's");
    build_ok(fx, img, BASE "oci_volumes = [ \"tmpfs:/dev/x\" ]\n");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"/a.img:/t:rx\" ]\n",
        "app.cfg:3: oci_volumes: item 0: \"rx\" is not an option here (/FILE:/TARGET[:ro|rw])");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"/a.img:/t:mkfs\" ]\n",
        "app.cfg:3: oci_volumes: item 0: \"mkfs\" is not an option here (/FILE:/TARGET[:ro|rw])");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"v:/t:ro:ro\" ]\n",
        "app.cfg:3: oci_volumes: item 0: \"ro\" is not an option here (NAME:/TARGET[:ro|rw][:mkfs])");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"v:/t:mkfs:ro\" ]\n",
        "app.cfg:3: oci_volumes: item 0: \":mkfs\" formats the volume, which \":ro\" forbids");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"-v:/t\" ]\n",
        "app.cfg:3: oci_volumes: item 0: \"-v\" is neither an absolute path, tmpfs, nor a volume name: volume name \"-v\" must begin with a letter or digit");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"tmpfs:/t:lots\" ]\n",
        "app.cfg:3: oci_volumes: item 0: size \"lots\": tmpfs:/TARGET[:SIZE], SIZE like 64m or 10%");
    build_fails(
        fx, img, BASE "oci_volumes = [ \"tmpfs:/t:1m:ro\" ]\n",
        "app.cfg:3: oci_volumes: item 0: tmpfs:/TARGET[:SIZE], SIZE like 64m or 10%");
    /* Named, file and tmpfs entries: tmpfs takes no xvd. */
    build_ok(
        fx, img,
        BASE
        "oci_volumes = [ \"db:/db:mkfs\", \"tmpfs:/t:8m\", \"/f.img:/f:ro\", \"cfg:/etc/x:ro\" ]\n");
    assert_int_equal(fx->dc.n_volumes, 4);
    assert_int_equal(fx->dc.volumes[0].kind, DC_VOLUME_NAMED);
    assert_string_equal(fx->dc.volumes[0].name, "db");
    assert_true(fx->dc.volumes[0].mkfs);
    assert_false(fx->dc.volumes[0].read_only);
    assert_false(fx->dc.volumes[0].attached);
    assert_string_equal(fx->dc.volumes[0].vdev, "xvdb");
    assert_int_equal(fx->dc.volumes[1].kind, DC_VOLUME_TMPFS);
    assert_string_equal(fx->dc.volumes[1].size, "8m");
    assert_null(fx->dc.volumes[1].vdev);
    assert_int_equal(fx->dc.volumes[2].kind, DC_VOLUME_FILE);
    assert_string_equal(fx->dc.volumes[2].vdev, "xvdc");
    assert_true(fx->dc.volumes[3].read_only);
    assert_string_equal(fx->dc.volumes[3].vdev, "xvdd");
    /* Rendering refuses a named volume the command layer left unattached;
     * attaching checks what it is given. */
    xo_err err = XO_ERR_INIT;
    assert_int_equal(domcfg_volumes_check_attached(&fx->dc, &err), -1);
    assert_string_equal(xo_err_msg(&err), "volume db (/db) is not attached");
    xo_err_clear(&err);
    struct dc_volume_attachment a = {.source = "/s/db/data.raw",
                                     .fstype = "ext4"};
    assert_int_equal(domcfg_attach_volume(&fx->dc, 1, NULL, &a, &err), -1);
    xo_err_clear(&err);
    struct dc_volume_attachment bad = {.source = "rel", .fstype = "ext4"};
    assert_int_equal(domcfg_attach_volume(&fx->dc, 0, NULL, &bad, &err), -1);
    xo_err_clear(&err);
    bad.source = "/x";
    bad.fstype = "vfat";
    assert_int_equal(domcfg_attach_volume(&fx->dc, 0, NULL, &bad, &err), -1);
    xo_err_clear(&err);
    assert_int_equal(domcfg_attach_volume(&fx->dc, 0, NULL, &a, &err), 0);
    assert_int_equal(domcfg_attach_volume(&fx->dc, 0, NULL, &a, &err), -1);
    xo_err_clear(&err);
    /* A read-only qcow2 comes as its overlay (QEMU's qdisk cannot open a
     * read-only drive): attached read-write, still mounted read-only.
     * An overlay for anything else is refused. */
    a.source = "/s/cfg/reader-app.qcow2";
    a.overlay = true;
    assert_int_equal(domcfg_attach_volume(&fx->dc, 3, NULL, &a, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "read-only qcow2 volume only"));
    xo_err_clear(&err);
    a.qcow2 = true;
    assert_int_equal(domcfg_attach_volume(&fx->dc, 3, NULL, &a, &err), 0);
    assert_true(fx->dc.volumes[3].qcow2);
    assert_true(fx->dc.volumes[3].overlay);
    assert_true(fx->dc.volumes[3].read_only);
    assert_int_equal(domcfg_volumes_check_attached(&fx->dc, &err), 0);
    libxl_domain_config d;
    libxl_domain_config_init(&d);
    assert_int_equal(domcfg_to_libxl(&d, &fx->dc, fx->ac, &err), 0);
    bool seen = false;
    for (int i = 0; i < d.num_disks; i++)
        if (!strcmp(d.disks[i].vdev, "xvdd")) {
            seen = true;
            assert_string_equal(d.disks[i].pdev_path,
                                "/s/cfg/reader-app.qcow2");
            assert_int_equal(d.disks[i].format, LIBXL_DISK_FORMAT_QCOW2);
            assert_int_equal(d.disks[i].backend, LIBXL_DISK_BACKEND_QDISK);
            assert_int_equal(d.disks[i].readwrite, 1);
        }
    assert_true(seen);
    libxl_domain_config_dispose(&d);
    build_fails(fx, img, BASE "oci_volumes = [ \"/a:/t\", \"/b:/t\" ]\n",
                "app.cfg:3: oci_volumes: target /t is given twice");
    /* "..." and "a..b" are names, not parent references. */
    build_ok(fx, img, BASE "oci_volumes = [ \"/a:/x/.../a..b\" ]\n");
    build_fails(fx, img, BASE "disk = [ \"vdev=xvda, target=/e.img\" ]\n",
                "app.cfg:3: disk: vdev xvda is used by the container's own "
                "disks (use xvdb or later)");
    build_fails(fx, img,
                BASE "oci_volumes = [ \"/a:/t\" ]\n"
                     "disk = [ \"vdev=xvdb, target=/e.img\" ]\n",
                "app.cfg:4: disk: vdev xvdb is used by the container's own "
                "disks (use xvdc or later)");
}

static void test_network(void **state)
{
    struct fixture *fx = *state;
    const char *img = IC("\"Cmd\": [\"/x\"]");
    build_ok(fx, img,
             BASE "vif = [ \"bridge=xenbr0,ip=10.0.0.2/24\", "
                  "\"mac=00:16:3e:00:00:09\", \"\" ]\n"
                  "oci_gateway = \"10.0.0.1\"\n"
                  "oci_dns = [ \"10.0.0.53\", \"9.9.9.9\" ]\n");
    assert_int_equal(fx->dc.n_vifs, 3);
    assert_string_equal(fx->dc.vifs[0].bridge, "xenbr0");
    assert_string_equal(fx->dc.vifs[0].ip, "10.0.0.2/24");
    assert_string_equal(fx->dc.vifs[1].mac, "00:16:3e:00:00:09");
    /* A vif without mac= gets a stable one from the name and index. */
    char m0[18], m2[18];
    assert_int_equal(vif_default_mac(m0, "web", 0, NULL), 0);
    assert_int_equal(vif_default_mac(m2, "web", 2, NULL), 0);
    assert_string_equal(fx->dc.vifs[0].mac, m0);
    assert_string_equal(fx->dc.vifs[2].mac, m2);
    assert_string_equal(fx->dc.gateway, "10.0.0.1");
    assert_int_equal(fx->dc.n_dns, 2);
    assert_string_equal(fx->dc.dns[1], "9.9.9.9");

    build_fails(fx, img, BASE "vif = [ \"bridge=xenbr0,colour=blue\" ]\n",
                "app.cfg:3: vif: vif \"bridge=xenbr0,colour=blue\": unknown "
                "key \"colour\"");
    build_fails(fx, img, BASE "vif = [ \"mac=01:00:5e:00:00:01\" ]\n",
                "app.cfg:3: vif: vif \"mac=01:00:5e:00:00:01\": "
                "mac=01:00:5e:00:00:01 is not a unicast MAC address");
    build_fails(fx, img,
                BASE "vif = [ \"\", \"\", \"\", \"\", \"\", \"\", "
                     "\"\", \"\", \"\" ]\n",
                "app.cfg:3: vif: 9 items, at most 8 allowed");
    build_fails(fx, img, BASE "oci_gateway = \"10.0.0.1/24\"\n",
                "app.cfg:3: oci_gateway: \"10.0.0.1/24\" is not an IPv4 "
                "address");
    build_fails(fx, img, BASE "oci_dns = [ \"dns.example\" ]\n",
                "app.cfg:3: oci_dns: \"dns.example\" is not an IPv4 address");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_args_precedence),
        T(test_nothing_to_run),
        T(test_env_merge),
        T(test_exec_limits),
        cmocka_unit_test(test_exec_total),
        T(test_exec_total_stack),
        cmocka_unit_test(test_exec_total_inherited),
        T(test_process_fields),
        T(test_identity_resources),
        T(test_root_volume),
        T(test_storage),
        T(test_network),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
