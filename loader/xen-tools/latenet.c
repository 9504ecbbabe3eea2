/* latenet.c: the late network from xenstore or a file (latenet.h). */
#include "loader/xen-tools/latenet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/boot_spec.h"

/* One byte more than the limit tells "too large" from "exactly the limit". */
static int read_file(const char *path, char *buf, size_t cap, size_t *len_r,
                     xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "late network: %s", path);
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return xo_err_sys(err, "late network: reading %s", path);
        }
        if (n == 0 || (len += (size_t)n) == cap)
            break;
    }
    close(fd);
    *len_r = len;
    return 0;
}

int bs_load_late_network(struct boot_spec *spec, const char *file, xo_err *err)
{
    char buf[BOOT_SPEC_MAX_LATE_NETWORK + 1];
    size_t len = 0;
    if (file) {
        if (read_file(file, buf, sizeof(buf), &len, err) < 0)
            return -1;
        return bs_merge_late_network(spec, buf, len, err) < 0
                   ? xo_err_wrap(err, "%s", file)
                   : 0;
    }
    /* Relative to /local/domain/<our domid>. */
    struct xs_handle *xs = xs_open(0);
    if (!xs)
        return xo_err_sys(err, "late network: cannot reach xenstore");
    unsigned int n = 0;
    void *v = xs_read(xs, XBT_NULL, BOOT_SPEC_LATE_NETWORK_KEY, &n);
    int saved = errno;
    xs_close(xs);
    if (!v)
        return xo_err_set(
            err, saved ? saved : ENOENT,
            "late network: xenstore key " BOOT_SPEC_LATE_NETWORK_KEY
            " of this domain: %s (the toolstack writes it before it opens the start gate)",
            strerror(saved ? saved : ENOENT));
    int rc = bs_merge_late_network(spec, v, n, err);
    free(v);
    return rc;
}
