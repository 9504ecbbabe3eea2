/*
 * journal_time.c: the times `xl-oci events --since/--until` take and a
 * record's "time" (journal.h): RFC 3339, Unix seconds, or a duration
 * before now.  Strict: exact digit counts, ranges checked, nothing left
 * over, so a typo is an error rather than another time.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "journal.h"

/* n decimal digits at *p into *v; advances *p. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

static int expect(const char **p, const char *set)
{
    if (!**p || !strchr(set, **p))
        return -1;
    (*p)++;
    return 0;
}

int journal_parse_rfc3339(const char *text, long long *ms_r)
{
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, off = 0;
    if (digits(&p, 4, &y) < 0 || expect(&p, "-") < 0 ||
        digits(&p, 2, &mo) < 0 || expect(&p, "-") < 0 || digits(&p, 2, &d) < 0)
        return -1;
    if (*p) { /* a date alone is that day's midnight UTC */
        if (expect(&p, "Tt ") < 0 || digits(&p, 2, &h) < 0 ||
            expect(&p, ":") < 0 || digits(&p, 2, &mi) < 0 ||
            expect(&p, ":") < 0 || digits(&p, 2, &s) < 0)
            return -1;
        if (*p == '.') { /* a fraction: milliseconds kept, more ignored */
            p++;
            if (!isdigit((unsigned char)*p))
                return -1;
            for (int i = 0; isdigit((unsigned char)*p); i++, p++)
                if (i < 3)
                    ms += (*p - '0') * (i == 0 ? 100 : i == 1 ? 10 : 1);
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else {
            int sign = *p == '+' ? 1 : *p == '-' ? -1 : 0, oh, om;
            if (!sign)
                return -1;
            p++;
            if (digits(&p, 2, &oh) < 0 || expect(&p, ":") < 0 ||
                digits(&p, 2, &om) < 0 || oh > 23 || om > 59)
                return -1;
            off = sign * (oh * 60 + om) * 60;
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        s > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s > 59 ? 59 : s};
    time_t t = timegm(&tm);
    /* timegm normalises: 31 April comes back as 1 May. */
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return -1;
    *ms_r = ((long long)t - off) * 1000 + ms;
    return 0;
}

/* NUMBER+UNIT parts ("1h30m") into ms; -1 when it is not that. */
static int parse_duration(const char *p, long long *ms_r)
{
    long long total = 0;
    if (!*p)
        return -1;
    while (*p) {
        long long n = 0;
        if (!isdigit((unsigned char)*p))
            return -1;
        for (; isdigit((unsigned char)*p); p++) {
            n = n * 10 + (*p - '0');
            if (n > 1000000000LL) /* over 31 years in seconds */
                return -1;
        }
        long long unit = *p == 's'   ? 1000LL
                         : *p == 'm' ? 60000LL
                         : *p == 'h' ? 3600000LL
                         : *p == 'd' ? 86400000LL
                                     : 0;
        if (!unit)
            return -1;
        p++;
        total += n * unit;
        if (total > 1000000000LL * 86400000LL)
            return -1;
    }
    *ms_r = total;
    return 0;
}

int journal_parse_time(const char *text, long long now_ms, long long *ms_r,
                       xo_err *err)
{
    long long v = 0;
    const char *p = text;
    while (isdigit((unsigned char)*p))
        p++;
    if (p != text && !*p && p - text <= 12) { /* Unix seconds */
        for (p = text; *p; p++)
            v = v * 10 + (*p - '0');
        *ms_r = v * 1000;
        return 0;
    }
    if (parse_duration(text, &v) == 0) {
        *ms_r = now_ms - v;
        return 0;
    }
    if (journal_parse_rfc3339(text, ms_r) == 0)
        return 0;
    return xo_err_set(
        err, EINVAL,
        "bad time \"%s\": give RFC 3339 (2026-11-30T13:04:05Z), Unix seconds, or a duration before now (10m, 1h30m; units s m h d)",
        text);
}
