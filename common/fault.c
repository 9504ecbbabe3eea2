/*
 * fault.c: the kill points of fault.h.  Compiled to nothing unless the
 * build defines XO_FAULT_INJECTION.
 */
#include "fault.h"

#ifdef XO_FAULT_INJECTION
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

/* How many times this process has passed the point named in XL_OCI_FAULT. */
static unsigned long hits;

static void log_point(const char *name)
{
    const char *path = getenv("XL_OCI_FAULT_LOG");
    if (!path || !*path)
        return;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    /* One O_APPEND write per line keeps lines whole across processes. */
    char line[128];
    size_t len = strnlen(name, sizeof(line) - 2);
    memcpy(line, name, len);
    line[len++] = '\n';
    (void)xo_write_all(fd, line, len);
    close(fd);
}

void xo_fault_point(const char *name)
{
    log_point(name);
    const char *pause_at = getenv("XL_OCI_FAULT_PAUSE");
    if (pause_at && strcmp(pause_at, name) == 0)
        raise(SIGSTOP);
    const char *want = getenv("XL_OCI_FAULT");
    if (!want || !*want)
        return;
    const char *at = strchr(want, '@');
    size_t len = at ? (size_t)(at - want) : strlen(want);
    if (strlen(name) != len || strncmp(name, want, len) != 0)
        return;
    unsigned long nth = at ? strtoul(at + 1, NULL, 10) : 1;
    if (++hits < (nth ? nth : 1))
        return;
    kill(getpid(), SIGKILL);
    /* SIGKILL cannot be caught; this is never reached. */
    _exit(137);
}
#else
/* ISO C forbids an empty translation unit. */
typedef int xo_fault_unused;
#endif
