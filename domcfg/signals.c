/*
 * signals.c: stop signal names.  The table is Linux x86's numbering, which
 * is what the guest kernel uses; the host's <signal.h> is not consulted so
 * the result does not depend on where domcfg runs.
 */
#include "signals.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int num;
} sigs[] = {
    {"HUP", 1},     {"INT", 2},   {"QUIT", 3},   {"ILL", 4},   {"TRAP", 5},
    {"ABRT", 6},    {"BUS", 7},   {"FPE", 8},    {"KILL", 9},  {"USR1", 10},
    {"SEGV", 11},   {"USR2", 12}, {"PIPE", 13},  {"ALRM", 14}, {"TERM", 15},
    {"STKFLT", 16}, {"CHLD", 17}, {"CONT", 18},  {"STOP", 19}, {"TSTP", 20},
    {"TTIN", 21},   {"TTOU", 22}, {"URG", 23},   {"XCPU", 24}, {"XFSZ", 25},
    {"VTALRM", 26}, {"PROF", 27}, {"WINCH", 28}, {"IO", 29},   {"PWR", 30},
    {"SYS", 31},    {"IOT", 6},   {"CLD", 17},   {"POLL", 29}, {"RTMIN", 34},
    {"RTMAX", 64},
};

int signal_from_string(const char *s)
{
    if (!s || !*s)
        return -1;
    if (s[0] >= '0' && s[0] <= '9') {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end || v < 1 || v > 64)
            return -1;
        return (int)v;
    }
    const char *n = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (strcasecmp(n, sigs[i].name) == 0)
            return sigs[i].num;
    /* Real-time signals: RTMIN+N and RTMAX-N, as Docker's table names
     * them (RTMIN is glibc's 34, RTMAX 64). */
    bool plus = strncasecmp(n, "RTMIN+", 6) == 0,
         minus = strncasecmp(n, "RTMAX-", 6) == 0;
    if ((plus || minus) && n[6] >= '0' && n[6] <= '9') {
        char *end;
        long v = strtol(n + 6, &end, 10);
        if (!*end && v >= 0 && v <= 30)
            return plus ? 34 + (int)v : 64 - (int)v;
    }
    return -1;
}
