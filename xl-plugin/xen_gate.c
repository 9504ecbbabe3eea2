/* xen_gate.c: writing a domain's start gate (xen_gate.h). */
#include "xen_gate.h"

#include <errno.h>
#include <string.h>

#include "common/pathfmt.h"

int xen_gate_write(struct xo_xs *xs, uint32_t domid, enum start_gate g,
                   xo_err *err)
{
    char path[64];
    const char *v = start_gate_to_string(g);
    if (!v)
        return xo_err_set(err, EINVAL, "start gate: no state %d", (int)g);
    if (xo_path_fmt(path, sizeof(path), err, "/local/domain/%u/" START_GATE_KEY,
                    domid) < 0)
        return -1;
    if (!xo_xs_write(xs, path, v, (unsigned)strlen(v)))
        return xo_err_sys(err, "cannot write xenstore %s", path);
    return 0;
}
