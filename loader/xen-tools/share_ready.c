/* share_ready.c: a share's 9pfs frontend connected (share_ready.h). */
#include "share_ready.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "common/pathfmt.h"

#define FRONTENDS "device/9pfs" /* relative to /local/domain/<our domid> */
#define CONNECTED "4"           /* XenbusStateConnected, xen/io/xenbus.h */

/* The frontend state of the device tagged `tag` into state (empty when
 * there is none yet); -1 only when xenstore fails. */
static int state_of(struct xs_handle *xs, const char *tag, char *state,
                    size_t size)
{
    state[0] = '\0';
    unsigned n = 0;
    char **ents = xs_directory(xs, XBT_NULL, FRONTENDS, &n);
    if (!ents)
        return errno == ENOENT ? 0 : -1;
    for (unsigned i = 0; i < n && !state[0]; i++) {
        char path[128];
        if (xo_path_fmt(path, sizeof(path), NULL, FRONTENDS "/%s/tag",
                        ents[i]) < 0)
            continue; /* a name no libxl writes */
        unsigned len = 0;
        char *t = xs_read(xs, XBT_NULL, path, &len);
        bool match = t && strlen(t) == len && strcmp(t, tag) == 0;
        free(t);
        if (!match || xo_path_fmt(path, sizeof(path), NULL,
                                  FRONTENDS "/%s/state", ents[i]) < 0)
            continue;
        char *s = xs_read(xs, XBT_NULL, path, &len);
        /* may truncate: a state is one digit; "?" marks a longer one */
        snprintf(state, size, "%s", s && len < size ? s : "?");
        free(s);
    }
    free(ents);
    return 0;
}

int mounts_share_ready(const char *tag, unsigned ms, xo_err *err)
{
    struct xs_handle *xs = xs_open(0);
    if (!xs)
        return xo_err_set(err, EIO, "share %s: cannot reach xenstore", tag);
    struct timespec step = {0, 5 * 1000 * 1000};
    char state[8] = "";
    int rc = 0;
    for (unsigned waited = 0;; waited += 5) {
        if (state_of(xs, tag, state, sizeof(state)) < 0) {
            rc = xo_err_sys(err, "share %s: xenstore " FRONTENDS, tag);
            break;
        }
        if (strcmp(state, CONNECTED) == 0)
            break;
        if (waited >= ms) {
            rc = xo_err_set(
                err, ETIMEDOUT,
                "share %s: its 9pfs device did not connect in %u ms (frontend state %s)",
                tag, ms, state[0] ? state : "none: no such device");
            break;
        }
        nanosleep(&step, NULL);
    }
    xs_close(xs);
    return rc;
}
