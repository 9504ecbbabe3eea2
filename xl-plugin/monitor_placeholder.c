/* monitor_placeholder.c: xl-oci-runc's placeholder (see
 * monitor_placeholder.h).  It polls the log and the status every 100 ms:
 * the console log is a file the monitor appends to, and a status watch
 * would still need the file read. */
#include "monitor_placeholder.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/guest_report.h"
#include "state.h"
#include "status.h"

/*
 * The console is the loader's and the kernel's too: their lines are not
 * the container's output.  Lines are held until their newline (at most
 * LINE_MAX_HELD bytes; a longer one goes out as it comes, unfiltered).
 */
#define LINE_MAX_HELD 4096
static char held[LINE_MAX_HELD];
static size_t n_held;
static bool passing; /* in a line too long to hold: copying it through */

/* A kernel message as the console shows it: "[  12.345678] ...". */
static bool kernel_line(const char *s, size_t n)
{
    size_t i = 0;
    if (n < 4 || s[i++] != '[')
        return false;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d || i >= n || s[i++] != '.')
        return false;
    d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > d && i + 1 < n && s[i] == ']' && s[i + 1] == ' ';
}

static void emit_held(void)
{
    size_t pl = sizeof(GUEST_MARKER_PREFIX) - 1;
    bool marker = n_held >= pl && memcmp(held, GUEST_MARKER_PREFIX, pl) == 0;
    if (!marker && !kernel_line(held, n_held))
        (void)!write(1, held, n_held);
    n_held = 0;
}

static void filter(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (passing) {
            const char *nl = memchr(buf + i, '\n', len - i);
            size_t k = nl ? (size_t)(nl - (buf + i)) + 1 : len - i;
            (void)!write(1, buf + i, k);
            i += k - 1;
            passing = nl == NULL;
            continue;
        }
        held[n_held++] = buf[i];
        if (buf[i] == '\n') {
            emit_held();
        } else if (n_held == sizeof(held)) {
            (void)!write(1, held, n_held);
            n_held = 0;
            passing = true;
        }
    }
}

/* Copies what `fd` has beyond its offset to stdout, filtered. */
static void drain(int fd)
{
    char buf[16384];
    ssize_t r;
    while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
        filter(buf, (size_t)r);
}

int monitor_placeholder_run(struct xo_xs *xs, const char *name)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    /* The shim closing our stdout is no reason to stop waiting for the
     * exit code. */
    signal(SIGPIPE, SIG_IGN);
    if (state_log_path(path, sizeof(path), name, &err) < 0)
        return 255;
    int fd = -1;
    ino_t ino = 0;
    for (;;) {
        struct domain_status st;
        bool have = status_read(xs, name, &st, &err) == 0;
        xo_err_clear(&err);
        bool final = !have || domain_state_is_final(st.state);
        struct stat now;
        if (stat(path, &now) == 0 && (fd < 0 || now.st_ino != ino)) {
            /* First sight, or the monitor rotated it: finish the old. */
            drain(fd);
            if (fd >= 0)
                close(fd);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            ino = now.st_ino;
        }
        drain(fd);
        if (final && n_held)
            emit_held(); /* a last line without its newline */
        if (final)
            return !have ? 137 : st.exit_code >= 0 ? st.exit_code : 255;
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int monitor_sandbox_run(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    sigwait(&set, &sig);
    return 0;
}
