/* cred_helper.c: running a docker credential helper (see cred_helper.h). */
#include "cred_helper.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/run_capture.h"

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

/* The helper's stdout (owned, NUL-terminated, at most
 * CRED_HELPER_OUT_MAX bytes) and the tail of its stderr in errtail. */
static int read_answer(const struct xo_run *r, const char *prog, char **out_r,
                       size_t *len_r, char *errtail, size_t errcap, xo_err *err)
{
    off_t len = lseek(r->out_fd, 0, SEEK_END);
    if (len < 0 || len > CRED_HELPER_OUT_MAX)
        return xo_err_set(err, EFBIG, "%s: it answered more than %d bytes",
                          prog, CRED_HELPER_OUT_MAX);
    char *buf = xo_xmalloc((size_t)len + 1);
    ssize_t n = pread(r->out_fd, buf, (size_t)len, 0);
    if (n < 0) {
        free(buf);
        return xo_err_sys(err, "%s: reading its answer", prog);
    }
    buf[n] = '\0';
    *out_r = buf;
    *len_r = (size_t)n;
    xo_fd_tail(r->err_fd, errtail, errcap);
    return 0;
}

/* Username and Secret of the helper's JSON answer (cred_helper.h). */
int auth_cred_helper_parse(struct auth_creds *c, const char *out, size_t len,
                           const char *where, xo_err *err)
{
    *c = (struct auth_creds){0};
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
    struct xo_run run;
    if (xo_run_capture(&run, argv, server, "is it installed, on PATH?", err) <
        0)
        return xo_err_wrap(err, "%s", what);
    int got =
        read_answer(&run, prog, &out, &len, errtail, sizeof(errtail), err);
    int status = run.status;
    xo_run_dispose(&run);
    if (got < 0)
        return xo_err_wrap(err, "%s", what);
    int rc;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        char where[512];
        /* may truncate: names the source in messages */
        snprintf(where, sizeof(where), "%s: %s's answer for %s", what, prog,
                 server);
        rc = auth_cred_helper_parse(c, out, len, where, err) < 0 ? -1 : 1;
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
