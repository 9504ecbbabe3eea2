/* monitor_filter.c: the container's output out of a domain's console
 * (see monitor_filter.h). */
#include "monitor_filter.h"

#include <stdbool.h>
#include <string.h>

#include "common/abi/guest_report.h"

enum verdict { UNDECIDED, OUTPUT, FILTERED };

/* A kernel message's start, "[" spaces digits "." digits "] ", against
 * the n bytes of s: FILTERED once all of it is there, UNDECIDED while s
 * is a start of it, else OUTPUT. */
static enum verdict kernel_start(const char *s, size_t n)
{
    size_t i = 0;
    if (i == n)
        return UNDECIDED;
    if (s[i++] != '[')
        return OUTPUT;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == n)
        return UNDECIDED;
    if (i == d || s[i++] != '.')
        return OUTPUT;
    d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == n)
        return UNDECIDED;
    if (i == d || s[i++] != ']')
        return OUTPUT;
    if (i == n)
        return UNDECIDED;
    return s[i] == ' ' ? FILTERED : OUTPUT;
}

static enum verdict marker_start(const char *s, size_t n)
{
    size_t pl = sizeof(GUEST_MARKER_PREFIX) - 1;
    if (memcmp(s, GUEST_MARKER_PREFIX, n < pl ? n : pl) != 0)
        return OUTPUT;
    return n >= pl ? FILTERED : UNDECIDED;
}

static enum verdict decide(const char *s, size_t n)
{
    enum verdict k = kernel_start(s, n), m = marker_start(s, n);
    if (k == FILTERED || m == FILTERED)
        return FILTERED;
    /* The held buffer's size ends a start that never decides (a "[" and
     * endless spaces): it is output. */
    if ((k == UNDECIDED || m == UNDECIDED) && n < MONITOR_FILTER_HELD)
        return UNDECIDED;
    return OUTPUT;
}

void monitor_filter_init(struct monitor_filter *f,
                         void (*out)(void *arg, const char *buf, size_t len),
                         void *arg)
{
    memset(f, 0, sizeof(*f));
    f->out = out;
    f->arg = arg;
    f->mode = CF_DECIDING;
}

void monitor_filter_feed(struct monitor_filter *f, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (f->mode != CF_DECIDING) {
            const char *nl = memchr(buf + i, '\n', len - i);
            size_t k = nl ? (size_t)(nl - (buf + i)) + 1 : len - i;
            if (f->mode == CF_PASSING)
                f->out(f->arg, buf + i, k);
            i += k;
            if (nl)
                f->mode = CF_DECIDING;
            continue;
        }
        char c = buf[i++];
        f->held[f->n_held++] = c;
        if (c == '\n') { /* a short line that was only a start */
            f->out(f->arg, f->held, f->n_held);
            f->n_held = 0;
            continue;
        }
        switch (decide(f->held, f->n_held)) {
        case UNDECIDED:
            break;
        case OUTPUT:
            f->out(f->arg, f->held, f->n_held);
            f->n_held = 0;
            f->mode = CF_PASSING;
            break;
        case FILTERED:
            f->n_held = 0;
            f->mode = CF_DROPPING;
            break;
        }
    }
}

void monitor_filter_flush(struct monitor_filter *f)
{
    if (f->n_held)
        f->out(f->arg, f->held, f->n_held);
    f->n_held = 0;
    f->mode = CF_DECIDING;
}
