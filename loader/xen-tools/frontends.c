/* frontends.c: making this kernel look again at devices it may have
 * missed (frontends.h). */
#include "loader/xen-tools/frontends.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "common/pathfmt.h"

/* XenbusStateInitialising (xen/io/xenbus.h), as the frontend's state
 * node holds it. */
#define INITIALISING "1"

int frontends_nudge(const char *type)
{
    struct xs_handle *xs = xs_open(0);
    if (!xs)
        return 0;
    char dir[64];
    /* may truncate: a type is "vbd" or "vif"; a cut path reads nothing */
    snprintf(dir, sizeof(dir), "device/%s", type);
    unsigned n = 0, done = 0;
    char **ids = xs_directory(xs, XBT_NULL, dir, &n);
    for (unsigned i = 0; ids && i < n; i++) {
        char state[128], node[128];
        /* ids are the kernel's and the toolstack's short numbers: a path
         * too long for these is no frontend of ours */
        if (xo_path_fmt(state, sizeof(state), NULL, "%s/%s/state", dir,
                        ids[i]) < 0 ||
            xo_path_fmt(node, sizeof(node), NULL, "%s/%s/backend-id", dir,
                        ids[i]) < 0)
            continue;
        unsigned slen = 0, blen = 0;
        char *s = xs_read(xs, XBT_NULL, state, &slen);
        char *b = s && slen == 1 && !memcmp(s, INITIALISING, 1)
                      ? xs_read(xs, XBT_NULL, node, &blen)
                      : NULL;
        if (b && xs_write(xs, XBT_NULL, node, b, blen))
            done++;
        free(s);
        free(b);
    }
    free(ids);
    xs_close(xs);
    return (int)done;
}
