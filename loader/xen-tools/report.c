/* report.c: data/xl-oci/ keys in xenstore or in a test directory. */
#include "report.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "fileio.h"

#define KEY_PREFIX "data/xl-oci/"

static struct xs_handle *xsh;
static int dirfd_ = -1;

void report_open(const char *dir)
{
    if (dir) {
        dirfd_ = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd_ < 0)
            report_marker("warning: cannot open report dir %s: %m", dir);
        return;
    }
    /* Relative paths are relative to /local/domain/<our domid>. */
    xsh = xs_open(0);
    if (!xsh)
        report_marker("warning: cannot reach xenstore: %m");
}

void report_marker(const char *fmt, ...)
{
    char line[1024];
    int n = snprintf(line, sizeof(line), "xl-oci-loader: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    /* One write per line keeps markers whole among the container's output. */
    size_t len = strlen(line);
    line[len++] = '\n';
    xo_write_all(STDOUT_FILENO, line, len);
}

static void put(const char *key, const char *value)
{
    size_t len = strlen(value);
    if (xsh) {
        char path[64];
        snprintf(path, sizeof(path), KEY_PREFIX "%s", key);
        if (!xs_write(xsh, XBT_NULL, path, value, (unsigned)len))
            report_marker("warning: xenstore write %s failed: %m", path);
    } else if (dirfd_ >= 0) {
        int fd =
            openat(dirfd_, key,
                   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 || xo_write_all(fd, value, len) < 0)
            report_marker("warning: cannot write report %s: %m", key);
        if (fd >= 0)
            close(fd);
    }
}

void report_phase(const char *phase)
{
    put("phase", phase);
}

void report_exit_code(int code)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", code);
    put("exit-code", buf);
}

void report_failure(const char *msg)
{
    /* The monitor bounds what it accepts; keep the error well inside. */
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", msg);
    put("error", buf);
    put("phase", "failed");
    report_marker("failed: %s", buf);
}
