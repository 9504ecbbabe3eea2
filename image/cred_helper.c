/* cred_helper.c: running a docker credential helper (see cred_helper.h). */
#include "cred_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"

extern char **environ;

/* docker-credential-helpers' words for "nothing stored for this server"
 * (credentials.ErrCredentialsNotFound), which docker takes as no
 * credentials, not as a failure. */
#define NOT_FOUND_TEXT "credentials not found"

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > CRED_HELPER_NAME_MAX)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
            return false;
    return name[0] != '.';
}

/* Runs argv with stdin the bytes of `in` and stdout, stderr in memory
 * files (a helper that writes much never blocks on a pipe).  0 with
 * *status_r (waitpid's), *out_r and *out_len_r (its stdout, owned,
 * NUL-terminated, at most CRED_HELPER_OUT_MAX bytes) and the tail of its
 * stderr in errtail. */
static int run_helper(const char *const argv[], const char *in, int *status_r,
                      char **out_r, size_t *out_len_r, char *errtail,
                      size_t errcap, xo_err *err)
{
    int fi = memfd_create("xl-oci-cred-in", MFD_CLOEXEC);
    int fo = memfd_create("xl-oci-cred-out", MFD_CLOEXEC);
    int fe = memfd_create("xl-oci-cred-err", MFD_CLOEXEC);
    int rc = -1;
    if (fi < 0 || fo < 0 || fe < 0) {
        xo_err_sys(err, "%s: cannot make its input and output files", argv[0]);
        goto out;
    }
    if (xo_write_all(fi, in, strlen(in)) < 0 || lseek(fi, 0, SEEK_SET) < 0) {
        xo_err_sys(err, "%s: cannot write its input", argv[0]);
        goto out;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fi, 0);
    posix_spawn_file_actions_adddup2(&fa, fo, 1);
    posix_spawn_file_actions_adddup2(&fa, fe, 2);
    pid_t pid;
    int r =
        posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0) {
        errno = r;
        xo_err_sys(err, "cannot run %s (is it installed, on PATH?)", argv[0]);
        goto out;
    }
    while (waitpid(pid, status_r, 0) < 0)
        if (errno != EINTR) {
            xo_err_sys(err, "%s: waiting for it", argv[0]);
            goto out;
        }
    off_t len = lseek(fo, 0, SEEK_END);
    if (len < 0 || len > CRED_HELPER_OUT_MAX) {
        xo_err_set(err, EFBIG, "%s: it answered more than %d bytes", argv[0],
                   CRED_HELPER_OUT_MAX);
        goto out;
    }
    char *buf = xo_xmalloc((size_t)len + 1);
    ssize_t n = pread(fo, buf, (size_t)len, 0);
    if (n < 0) {
        free(buf);
        xo_err_sys(err, "%s: reading its answer", argv[0]);
        goto out;
    }
    buf[n] = '\0';
    *out_r = buf;
    *out_len_r = (size_t)n;
    xo_fd_tail(fe, errtail, errcap);
    rc = 0;
out:
    if (fi >= 0)
        close(fi);
    if (fo >= 0)
        close(fo);
    if (fe >= 0)
        close(fe);
    return rc;
}

/* Username and Secret of the helper's JSON answer into *c. */
static int parse_answer(struct auth_creds *c, const char *out, size_t len,
                        const char *where, xo_err *err)
{
    json_object *o = NULL;
    const char *user = NULL, *secret = NULL;
    int rc = xo_json_parse(&o, out, len, CRED_HELPER_OUT_MAX, where, err);
    if (rc == 0 && !json_object_is_type(o, json_type_object))
        rc = xo_err_set(err, EINVAL, "%s: not a JSON object", where);
    if (rc == 0 &&
        (xo_json_get_string(&user, o, "Username", false, where, err) < 0 ||
         xo_json_get_string(&secret, o, "Secret", false, where, err) < 0))
        rc = -1;
    if (rc == 0 && (!secret || !*secret))
        rc = xo_err_set(err, EINVAL, "%s: no Secret", where);
    if (rc == 0 && strlen(secret) + (user ? strlen(user) : 0) > AUTH_TOKEN_MAX)
        rc = xo_err_set(err, EINVAL, "%s: the credentials are too long", where);
    if (rc == 0) {
        if (user && !strcmp(user, "<token>"))
            c->refresh_token = xo_xstrdup(secret);
        else
            c->userpass = xo_xasprintf("%s:%s", user ? user : "", secret);
    }
    json_object_put(o);
    return rc;
}

int auth_cred_helper_get(struct auth_creds *c, const char *name,
                         const char *server, const char *what, xo_err *err)
{
    *c = (struct auth_creds){0};
    if (!name_ok(name))
        return xo_err_set(
            err, EINVAL,
            "%s: \"%.80s\" is not a credential helper's name (letters, digits, '-', '_' and '.', at most %d)",
            what, name, CRED_HELPER_NAME_MAX);
    char prog[sizeof("docker-credential-") + CRED_HELPER_NAME_MAX];
    /* cannot truncate: name is at most CRED_HELPER_NAME_MAX bytes */
    snprintf(prog, sizeof(prog), "docker-credential-%s", name);
    const char *argv[] = {prog, "get", NULL};
    char *out = NULL, errtail[256];
    size_t len = 0;
    int status = 0;
    if (run_helper(argv, server, &status, &out, &len, errtail, sizeof(errtail),
                   err) < 0)
        return xo_err_wrap(err, "%s", what);
    int rc;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        char where[512];
        /* may truncate: names the source in messages */
        snprintf(where, sizeof(where), "%s: %s's answer for %s", what, prog,
                 server);
        rc = parse_answer(c, out, len, where, err) < 0 ? -1 : 1;
    } else if (strstr(out, NOT_FOUND_TEXT)) {
        rc = 0;
    } else {
        char said[256];
        /* cannot truncate: 120 + 1 + 120 bytes */
        snprintf(said, sizeof(said), "%.120s%s%.120s", out,
                 out[0] && errtail[0] ? " " : "", errtail);
        for (char *p = said; *p; p++)
            if (*p == '\n')
                *p = ' ';
        xo_text_printable(said);
        if (WIFEXITED(status))
            rc = xo_err_set(err, EACCES, "%s: %s get %s: exit %d%s%s", what,
                            prog, server, WEXITSTATUS(status),
                            said[0] ? ": " : "", said);
        else
            rc = xo_err_set(err, EACCES, "%s: %s get %s: killed by signal %d",
                            what, prog, server, WTERMSIG(status));
    }
    free(out);
    if (rc < 0)
        auth_creds_dispose(c);
    return rc;
}
