/*
 * runc_main.c: xl-oci-runc's command line (runc.h): runc's global flags,
 * then a verb.  Errors are printed once: as a JSON line in the --log file
 * when one is given (where containerd's shim reads them back), else on
 * stderr.  On a host without Xen every call is handed to runc unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/exec_path.h"
#include "common/alloc.h"
#include "common/json_build.h"
#include "common/log.h"
#include "common/pathfmt.h"
#include "runc.h"
#include "xen.h"
#include "xl_oci.h"

#define RUNC_DEFAULT_ROOT "/run/xl-oci-runc"

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xl-oci-runc [--root DIR] [--log FILE] [--log-format json] VERB [ARGS] ID\nA runc-compatible runtime for containerd's runc shim that runs each container\nas a Xen domain (see xl-oci-runc(1)); without Xen it runs runc.\nVerbs: create -b|--bundle DIR [--pid-file FILE] [--console-socket SOCK]\n    [--no-pivot] [--no-new-keyring] [--preserve-fds 0] ID,\n  start ID, state ID, list [-q] [--format table|json],\n  kill [-a|--all] ID [SIGNAL], delete [-f|--force] ID,\n  ps [-f|--format json] ID, pause ID, resume ID, features,\n  exec [--process FILE] [--detach] [--pid-file FILE] [--tty]\n    [--console-socket SOCK] [-e|--env K=V] [--cwd DIR] [-u|--user UID[:GID]]\n    ID [CMD ARG...],\n  update [--resources FILE|-] [--memory BYTES] [--cpu-share N]\n    [--cpu-quota US] [--cpu-period US] ID;\n  checkpoint and restore are not supported.\n  --root DIR         per-container state (default " RUNC_DEFAULT_ROOT
        ")\n  --log FILE         append errors and warnings to FILE\n  --debug            also create's steps, each with its time in ms\n  --log-format json  write them as JSON lines (what the shim reads)\n  --systemd-cgroup, --criu PATH, --rootless VALUE\n                     accepted and ignored (a domain has no cgroup)\n  --version          this version (and runc's, without Xen)\n  -h, --help         this help\n");
}

/* Appends one line at `level` ("error", "warning", "debug") to the --log
 * file (JSON, as runc's logrus writes it), or prints it on stderr when
 * there is no --log or it cannot be opened. */
static bool log_line(const struct runc_global *g, const char *level,
                     const char *msg)
{
    int fd = g->log
                 ? open(g->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)
                 : -1;
    if (fd < 0) {
        fprintf(stderr, "xl-oci-runc: %s\n", msg);
    } else if (g->log_json) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        char now[64], sec[24];
        strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
        /* cannot truncate: 19 + 8 bytes, tv_nsec < 1e9 */
        snprintf(now, sizeof(now), "%s.%06dZ", sec,
                 (int)(ts.tv_nsec / 1000 % 1000000));
        json_object *o = xo_jobj();
        xo_jset(o, "level", xo_jstr(level));
        xo_jset(o, "msg", xo_jstr(msg));
        xo_jset(o, "time", xo_jstr(now));
        const char *s = json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
            xo_oom(); /* json-c's print buffer could not grow */
        dprintf(fd, "%s\n", s);
        json_object_put(o);
    } else {
        dprintf(fd, "xl-oci-runc: %s: %s\n", level, msg);
    }
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* The error to the --log file and, but for create, to stderr as well,
 * as runc does: go-runc builds a failed verb's error from its output
 * (the shim's kill and delete look there for "container not running" and
 * "does not exist"), while create's stderr is the container's. */
static int fail(const struct runc_global *g, const char *verb, xo_err *err)
{
    bool in_file = log_line(g, "error", xo_err_msg(err));
    if (in_file && strcmp(verb, "create") != 0)
        fprintf(stderr, "%s\n", xo_err_msg(err));
    xo_err_clear(err);
    return 1;
}

/* Our warnings, and with --debug create's stamps, go where runc's do: the
 * --log file.  Our stderr is the container's (the shim hands the
 * container's stdio to `create`). */
static void log_sink(enum xo_log_level level, const char *msg, void *opaque)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void)log_line(opaque, names[level], msg);
}

/* The value of global flag `name` at argv[*i] ("--name V" or
 * "--name=V"), advancing *i; NULL when argv[*i] is not that flag. */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] || *i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* The file execvp() would run for `prog` into path: prog itself when it
 * has a '/', else the first executable regular file of that name in
 * $PATH.  -1 with errno. */
static int find_program(const char *prog, char path[PATH_MAX])
{
    if (strchr(prog, '/'))
        return xo_path_fmt(path, PATH_MAX, NULL, "%s", prog) < 0 ? -1 : 0;
    const char *p = getenv("PATH");
    if (!p || !*p)
        p = XO_EXEC_DEFAULT_PATH;
    for (;;) {
        size_t n = strcspn(p, ":");
        struct stat st;
        /* As execvp(3) and Go's exec.LookPath: a directory, or a file we
         * may not run, is passed over for the next entry. */
        if (xo_path_fmt(path, PATH_MAX, NULL, "%.*s/%s", (int)n, n ? p : ".",
                        prog) >= 0 &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            access(path, X_OK) == 0)
            return 0;
        if (!p[n])
            break;
        p += n + 1;
    }
    errno = ENOENT;
    return -1;
}

/* The --log and --log-format flags among runc's global flags, for an
 * error of our own without Xen (every other flag is runc's to judge). */
static void scan_log_flags(int argc, char **argv, struct runc_global *g)
{
    for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *v;
        if ((v = flag_value(argc, argv, &i, "--log-format")))
            g->log_json = strcmp(v, "json") == 0;
        else if ((v = flag_value(argc, argv, &i, "--log")))
            g->log = v;
        else if (!flag_value(argc, argv, &i, "--root") &&
                 !flag_value(argc, argv, &i, "--criu"))
            (void)flag_value(argc, argv, &i, "--rootless"); /* values skipped */
    }
}

/* True when `name` or `short_name` is among the global flags, those
 * before the verb (runc's global --help and --version end the run). */
static bool global_flag(int argc, char **argv, const char *name,
                        const char *short_name)
{
    for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], name) == 0 || strcmp(argv[i], short_name) == 0)
            return true;
        if (!flag_value(argc, argv, &i, "--log-format") &&
            !flag_value(argc, argv, &i, "--log") &&
            !flag_value(argc, argv, &i, "--root") &&
            !flag_value(argc, argv, &i, "--criu"))
            (void)flag_value(argc, argv, &i, "--rootless"); /* values skipped */
    }
    return false;
}

/*
 * Without Xen: runc itself, with our arguments ($XL_OCI_RUNC, else runc
 * from PATH).  A runc that is this program (installed as runc, or named
 * by XL_OCI_RUNC) is refused: it would run itself forever; so is one
 * that runs xl-oci-runc again (a wrapper script named runc), which the
 * environment tells (PASSED_ENV, set for the runc we run: runc passes
 * its environment to no container or hook).  Our error
 * goes where runc's would, the --log file (where the shim reads create's
 * error) as well as stderr; exit 127 as a shell's for a program it
 * cannot run.
 */
#define PASSED_ENV "XL_OCI_RUNC_PASSED_TO"

static int pass_through(int argc, char **argv)
{
    const char *runc = getenv("XL_OCI_RUNC");
    if (!runc || !*runc)
        runc = "runc";
    char path[PATH_MAX];
    struct stat self, st;
    xo_err err = XO_ERR_INIT;
    const char *passed = getenv(PASSED_ENV);
    if (passed) {
        xo_err_set(
            &err, ELOOP,
            "no Xen on this host, and the runc xl-oci-runc ran (%.*s) ran xl-oci-runc again, not runc: set XL_OCI_RUNC to runc's path",
            PATH_MAX, passed);
    } else if (find_program(runc, path) < 0) {
        xo_err_sys(&err, "no Xen on this host and cannot run %s", runc);
    } else if (stat("/proc/self/exe", &self) == 0 && stat(path, &st) == 0 &&
               self.st_dev == st.st_dev && self.st_ino == st.st_ino) {
        xo_err_set(
            &err, ELOOP,
            "no Xen on this host, and %s (%s) is xl-oci-runc itself, not runc: set XL_OCI_RUNC to runc's path",
            runc, path);
    } else {
        argv[0] = (char *)runc;
        if (setenv(PASSED_ENV, path, 1) < 0)
            xo_oom();
        execv(path, argv);
        xo_err_sys(&err, "no Xen on this host and cannot run %s", path);
    }
    struct runc_global g = {.root = RUNC_DEFAULT_ROOT};
    scan_log_flags(argc, argv, &g);
    if (log_line(&g, "error", xo_err_msg(&err)) && g.log)
        fprintf(stderr, "xl-oci-runc: %s\n", xo_err_msg(&err));
    xo_err_clear(&err);
    return 127;
}

static const struct verb {
    const char *name;
    int (*run)(const struct runc_global *g, int argc, char **argv, xo_err *err);
} verbs[] = {
    {"create", runc_create},     {"start", runc_start},
    {"state", runc_state_cmd},   {"kill", runc_kill},
    {"delete", runc_delete},     {"ps", runc_ps},
    {"pause", runc_pause},       {"resume", runc_pause},
    {"features", runc_features}, {"exec", runc_exec},
    {"update", runc_update},     {"list", runc_list},
};

int main(int argc, char **argv)
{
    struct runc_global g = {.root = RUNC_DEFAULT_ROOT};
    xo_log_set_prefix("xl-oci-runc");
    if (global_flag(argc, argv, "--help", "-h")) {
        usage(stdout);
        return 0;
    }
    bool xen = xen_host_present();
    /* Ours first, also without Xen: an admin asking which runtime the
     * shim runs must not read runc's version alone (also after other
     * global flags: `--root DIR --version`). */
    if (global_flag(argc, argv, "--version", "-v")) {
        printf("xl-oci-runc version %s\nspec: 1.0.2\n", XO_VERSION);
        if (xen)
            return 0;
        printf("no Xen on this host: containers run through runc:\n");
        fflush(stdout);
        return pass_through(argc, argv);
    }
    if (!xen)
        return pass_through(argc, argv);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v;
        if ((v = flag_value(argc, argv, &i, "--root"))) {
            g.root = v;
        } else if ((v = flag_value(argc, argv, &i, "--log"))) {
            g.log = v;
        } else if ((v = flag_value(argc, argv, &i, "--log-format"))) {
            if (strcmp(v, "json") && strcmp(v, "text")) {
                fprintf(stderr, "xl-oci-runc: invalid log-format: %s\n", v);
                return 2;
            }
            g.log_json = strcmp(v, "json") == 0;
        } else if ((v = flag_value(argc, argv, &i, "--criu")) ||
                   (v = flag_value(argc, argv, &i, "--rootless"))) {
            /* accepted, as runc does, and of no use to a domain */
        } else if (strcmp(argv[i], "--debug") == 0) {
            xo_log_set_level(XO_LOG_INFO);
        } else if (strcmp(argv[i], "--systemd-cgroup") == 0) {
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0 ||
                   strcmp(argv[i], "-v") == 0) {
            printf("xl-oci-runc version %s\nspec: 1.0.2\n", XO_VERSION);
            return 0;
        } else if (i + 1 == argc &&
                   (!strcmp(argv[i], "--root") || !strcmp(argv[i], "--log") ||
                    !strcmp(argv[i], "--log-format") ||
                    !strcmp(argv[i], "--criu") ||
                    !strcmp(argv[i], "--rootless"))) {
            fprintf(stderr, "xl-oci-runc: option %s needs a value\n", argv[i]);
            return 2;
        } else {
            fprintf(stderr, "xl-oci-runc: unknown global option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (g.log)
        xo_log_set_sink(log_sink, &g);
    /* `xl-oci-runc VERB --help`, as runc takes it: the verbs' usage. */
    if (i + 1 < argc && (strcmp(argv[i + 1], "--help") == 0 ||
                         strcmp(argv[i + 1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    xo_err err = XO_ERR_INIT;
    for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
        if (strcmp(argv[i], verbs[k].name) == 0)
            return verbs[k].run(&g, argc - i, argv + i, &err) < 0
                       ? fail(&g, argv[i], &err)
                       : 0;
    if (strcmp(argv[i], "checkpoint") == 0 || strcmp(argv[i], "restore") == 0) {
        xo_err_set(&err, ENOTSUP,
                   "%s is not supported for containers run as Xen domains",
                   argv[i]);
        return fail(&g, argv[i], &err);
    }
    xo_err_set(&err, EINVAL, "unknown command \"%s\"", argv[i]);
    return fail(&g, argv[i], &err);
}
