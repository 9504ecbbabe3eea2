/* status_update.c: DomainStatus changed only while it is the container
 * the caller read (see status.h). */
#include "status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How often a change is made again when xenstore refuses its commit
 * because another writer (a monitor) came in between. */
#define STATUS_UPDATE_TRIES 10

/* 1 when `name`'s DomainStatus has a state and the uuid `uuid`, 0 when it
 * is gone or another container's, -1 with errno when unreadable. */
static int same_container(struct xo_xs *xs, const char *name, const char *uuid)
{
    char path[256];
    unsigned n = 0;
    /* status_update() checked that the paths fit. */
    status_key_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_STATE, NULL);
    char *v = xo_xs_read(xs, path, &n);
    if (!v)
        return errno == ENOENT ? 0 : -1;
    free(v);
    status_key_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_UUID, NULL);
    v = xo_xs_read(xs, path, &n);
    if (!v && errno != ENOENT)
        return -1;
    bool same = v ? strlen(v) == n && strcmp(v, uuid) == 0 : !uuid[0];
    free(v);
    return same ? 1 : 0;
}

/* Makes one change in the caller's transaction. */
static bool change(struct xo_xs *xs, const char *name,
                   const struct status_change *c)
{
    char path[256];
    status_key_path(path, sizeof(path), name, c->key, NULL);
    if (c->value)
        return xo_xs_write(xs, path, c->value, (unsigned)strlen(c->value));
    return xo_xs_rm(xs, path) || errno == ENOENT;
}

int status_update(struct xo_xs *xs, const char *name, const char *uuid,
                  const struct status_change *changes, size_t n, xo_err *err)
{
    char path[256];
    /* Every path fits (the uuid's is shorter than the state's). */
    if (status_key_path(path, sizeof(path), name, DOMAIN_STATUS_KEY_STATE,
                        err) < 0)
        return xo_err_wrap(err, "container domain name");
    for (size_t i = 0; i < n; i++)
        if (status_key_path(path, sizeof(path), name, changes[i].key, err) < 0)
            return xo_err_wrap(err, "container domain name");
    for (int tries = 1;; tries++) {
        if (!xo_xs_transaction_start(xs))
            return xo_err_sys(err, "xenstore: cannot start a transaction");
        int r = same_container(xs, name, uuid);
        for (size_t i = 0; r == 1 && i < n; i++)
            if (!change(xs, name, &changes[i]))
                r = -1;
        int e = errno;
        /* Nothing is committed after a failure, nor for another
         * container (the file store wrote nothing then). */
        bool ended = xo_xs_transaction_end(xs, r != 1);
        if (r == 1 && !ended && errno == EAGAIN && tries < STATUS_UPDATE_TRIES)
            continue;
        if (r == 0)
            return xo_err_set(
                err, ESTALE,
                "%s was destroyed meanwhile (or is another container now)",
                name);
        if (r < 0) {
            errno = e;
            return xo_err_sys(err, "xenstore: cannot change the status of %s",
                              name);
        }
        if (!ended)
            return xo_err_sys(err, "xenstore: cannot commit the status of %s",
                              name);
        return 0;
    }
}
