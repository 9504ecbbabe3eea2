/* modules.c: finit_module in the order the builder wrote (see modules.h). */
#include "modules.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"

int modules_load(const char *list, bool unlink_after, xo_err *err)
{
    char *buf = NULL;
    size_t len;
    if (xo_read_file(&buf, &len, list, 64 * 1024, err) < 0) {
        if (err->errnum == ENOENT) {
            /* A loader built without modules (all built in) is valid. */
            xo_err_clear(err);
            return 0;
        }
        return -1;
    }
    int rc = 0, n = 0;
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l && rc == 0;
         l = strtok_r(NULL, "\n", &save)) {
        if (++n > MODULES_MAX) {
            rc = xo_err_set(err, E2BIG, "%s: more than %d modules", list,
                            MODULES_MAX);
            break;
        }
        int fd = open(l, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            rc = xo_err_sys(err, "module %s", l);
            break;
        }
        if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
            rc = xo_err_sys(err, "loading module %s", l);
        close(fd);
        /* The initramfs is RAM the container could use: free the copy. */
        if (unlink_after)
            unlink(l);
    }
    free(buf);
    return rc;
}
