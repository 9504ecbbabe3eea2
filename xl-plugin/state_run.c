/* state_run.c: a container's run-state file and the list of domain dirs
 * (see state.h).  Linked into the monitor too, which writes "ended". */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

#define RUN_STATE_FILE "run-state"

static const char *const run_names[] = {
    [STATE_RUN_UNKNOWN] = "unknown",
    [STATE_RUN_RUNNING] = "running",
    [STATE_RUN_STOPPED] = "stopped",
    [STATE_RUN_ENDED] = "ended",
};

const char *state_run_to_string(enum state_run run)
{
    if ((unsigned)run >= sizeof(run_names) / sizeof(run_names[0]))
        return run_names[STATE_RUN_UNKNOWN];
    return run_names[run];
}

int state_run_set(const char *root, const char *name, enum state_run run,
                  xo_err *err)
{
    char path[4096], text[16];
    if (run == STATE_RUN_UNKNOWN)
        return xo_err_set(err, EINVAL, "no run-state to write");
    if (xo_path_fmt(path, sizeof(path), err, "%s/domains/%s/" RUN_STATE_FILE,
                    root, name) < 0 ||
        xo_path_fmt(text, sizeof(text), err, "%s\n", state_run_to_string(run)) <
            0)
        return -1;
    return xo_write_file_atomic(path, text, strlen(text), 0600, err);
}

enum state_run state_run_get(const char *root, const char *name)
{
    char path[4096], *text = NULL;
    xo_err err = XO_ERR_INIT;
    if (xo_path_fmt(path, sizeof(path), NULL, "%s/domains/%s/" RUN_STATE_FILE,
                    root, name) < 0 ||
        xo_read_file(&text, NULL, path, 64, &err) < 0) {
        xo_err_clear(&err);
        return STATE_RUN_UNKNOWN;
    }
    text[strcspn(text, "\n")] = '\0';
    enum state_run run = STATE_RUN_UNKNOWN;
    for (size_t i = 1; i < sizeof(run_names) / sizeof(run_names[0]); i++)
        if (strcmp(text, run_names[i]) == 0)
            run = (enum state_run)i;
    free(text);
    return run;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_domain_names(const char *root, char ***names_r, xo_err *err)
{
    char dir[4096];
    if (xo_path_fmt(dir, sizeof(dir), err, "%s/domains", root) < 0)
        return -1;
    size_t n = 0, cap = 16;
    char **v = xo_xcalloc(cap + 1, sizeof(*v));
    DIR *d = opendir(dir);
    if (!d && errno != ENOENT) {
        free(v);
        return xo_err_sys(err, "cannot read %s", dir);
    }
    for (struct dirent *e; d && (e = readdir(d));) {
        /* ".", "..", and a create's ".new-NAME-XXXXXX". */
        if (e->d_name[0] == '.' || e->d_type != DT_DIR)
            continue;
        if (n == cap) {
            v = xo_xreallocarray(v, 2 * cap + 1, sizeof(*v));
            cap *= 2;
        }
        v[n] = xo_xstrdup(e->d_name);
        v[++n] = NULL;
    }
    if (d)
        closedir(d);
    qsort(v, n, sizeof(*v), by_name);
    *names_r = v;
    return 0;
}
