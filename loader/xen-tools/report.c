/*
 * report.c: the guest report (common/abi/guest_report.h) in xenstore, or
 * in a test directory.
 */
#include "loader/xen-tools/report.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/guest_meminfo.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

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

/* Whether the console's last byte, written for the container, ended
 * mid-line (report_console_wrote). */
static bool console_mid_line;

void report_console_wrote(const void *buf, size_t len)
{
    if (len)
        console_mid_line = ((const char *)buf)[len - 1] != '\n';
}

void report_marker(const char *fmt, ...)
{
    char text[1024], line[1024];
    va_list ap;
    va_start(ap, fmt);
    /* may truncate: a console line, kept whole in one write */
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* A marker starts a line of its own, or the console's readers take
     * it for the end of the container's half-written line (a program on
     * a pipe flushes in blocks, not lines). */
    size_t len = 0;
    if (console_mid_line)
        line[len++] = '\n';
    console_mid_line = false;
    /* cannot truncate: a short literal into 1023 bytes */
    len +=
        (size_t)snprintf(line + len, sizeof(line) - len, GUEST_MARKER_PREFIX);
    /* A marker is one line: what it quotes (an argument of `sh -c` with
     * its newlines, a file name) must not start lines of its own, which
     * the console's readers would take for the container's output. */
    for (const char *c = text; *c && len + 3 < sizeof(line); c++) {
        if (*c == '\n' || *c == '\r') {
            line[len++] = '\\';
            line[len++] = *c == '\n' ? 'n' : 'r';
        } else {
            line[len++] = (unsigned char)*c < 0x20 && *c != '\t' ? '?' : *c;
        }
    }
    /* One write per line keeps markers whole among the container's output. */
    line[len++] = '\n';
    xo_write_all(STDOUT_FILENO, line, len);
}

static void put(const char *key, const char *value)
{
    size_t len = strlen(value);
    if (xsh) {
        char path[96];
        if (xo_path_fmt(path, sizeof(path), NULL, GUEST_REPORT_DIR "/%s", key) <
            0)
            report_marker("warning: report key %.32s...: path too long", key);
        else if (!xs_write(xsh, XBT_NULL, path, value, (unsigned)len))
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

void report_net(size_t index, const char *mac, const char *ipv4,
                const char *ipv6)
{
    if (index >= GUEST_REPORT_NET_MAX_IFACES)
        return;
    char dir[32], key[3][48];
    /* Keys cut short would be other keys: refuse them (none can be: the
     * index is under GUEST_REPORT_NET_MAX_IFACES, the leaves literals). */
    if (xo_path_fmt(dir, sizeof(dir), NULL, GUEST_REPORT_NET_DIR "/%zu",
                    index) < 0 ||
        xo_path_fmt(key[0], sizeof(key[0]), NULL,
                    "%s/" GUEST_REPORT_NET_KEY_MAC, dir) < 0 ||
        xo_path_fmt(key[1], sizeof(key[1]), NULL,
                    "%s/" GUEST_REPORT_NET_KEY_IPV4, dir) < 0 ||
        xo_path_fmt(key[2], sizeof(key[2]), NULL,
                    "%s/" GUEST_REPORT_NET_KEY_IPV6, dir) < 0) {
        report_marker("warning: net %zu: report key too long", index);
        return;
    }
    if (dirfd_ >= 0) {
        /* The test directory needs the nodes xenstore makes by itself. */
        mkdirat(dirfd_, GUEST_REPORT_NET_DIR, 0755);
        mkdirat(dirfd_, dir, 0755);
    }
    char lower[18];
    /* may truncate: the boot spec reader took 17 bytes; a MAC is no more */
    snprintf(lower, sizeof(lower), "%s", mac);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    put(key[0], lower);
    put(key[1], ipv4);
    put(key[2], ipv6);
    report_marker("net %zu %s ipv4 [%s] ipv6 [%s]", index, lower, ipv4, ipv6);
}

void report_phase(enum guest_phase phase)
{
    const char *name = guest_phase_to_string(phase);
    if (name)
        put(GUEST_REPORT_KEY_PHASE, name);
}

void report_exit_code(int code)
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", code); /* cannot truncate: an int */
    put(GUEST_REPORT_KEY_EXIT_CODE, buf);
}

void report_oom_killed(void)
{
    put(GUEST_REPORT_KEY_OOM_KILLED, "1");
    report_marker("the OOM killer ended a process while the entrypoint ran");
}

void report_failure(const char *msg)
{
    char buf[GUEST_REPORT_VALUE_MAX + 1];
    /* may truncate: the message is cut to what dom0 takes, as the guest
     * report's contract says (common/abi/guest_report.h) */
    snprintf(buf, sizeof(buf), "%s", msg);
    /* dom0 refuses control characters: a message holding one (a newline
     * from a library) would otherwise be lost whole. */
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    put(GUEST_REPORT_KEY_ERROR, buf);
    report_phase(GUEST_PHASE_FAILED);
    report_marker("failed: %s", buf);
}

void report_meminfo(unsigned long long total_kb, unsigned long long free_kb)
{
    static bool warned;
    const char *key[2] = {GUEST_MEMINFO_KEY_TOTAL, GUEST_MEMINFO_KEY_FREE};
    unsigned long long v[2] = {total_kb, free_kb};
    for (int i = 0; i < 2; i++) {
        char buf[24];
        int n = snprintf(buf, sizeof(buf), "%llu", v[i]); /* cannot truncate */
        bool ok = true;
        if (xsh) {
            ok = xs_write(xsh, XBT_NULL, key[i], buf, (unsigned)n);
        } else if (dirfd_ >= 0) {
            /* The test directory holds the leaf names only. */
            const char *leaf = strrchr(key[i], '/') + 1;
            int fd = openat(
                dirfd_, leaf,
                O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
            ok = fd >= 0 && xo_write_all(fd, buf, (size_t)n) == 0;
            if (fd >= 0)
                close(fd);
        }
        if (!ok && !warned) {
            warned = true;
            report_marker("warning: cannot write %s: %m", key[i]);
        }
    }
}
