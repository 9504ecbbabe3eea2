/* common/abi/guest_meminfo.c: the guest's memory figures (see header). */
#include "common/abi/guest_meminfo.h"

#include <string.h>

/* Plain decimal of 1..GUEST_MEMINFO_DIGITS digits; the rest of the span
 * must be empty.  0 and *v, or -1. */
static int decimal(const char *s, size_t len, unsigned long long *v)
{
    if (len == 0 || len > GUEST_MEMINFO_DIGITS)
        return -1;
    unsigned long long n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        n = n * 10 + (unsigned)(s[i] - '0');
    }
    *v = n;
    return 0;
}

/* The number after "Key:" at the start of a line of `text`, or -1. */
static int field(const char *text, size_t len, const char *key,
                 unsigned long long *v)
{
    size_t klen = strlen(key);
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end - at > klen && !memcmp(text + at, key, klen) &&
            text[at + klen] == ':') {
            size_t i = at + klen + 1, j;
            while (i < end && text[i] == ' ')
                i++;
            for (j = i; j < end && text[j] >= '0' && text[j] <= '9'; j++)
                ;
            return decimal(text + i, j - i, v);
        }
        at = end + 1;
    }
    return -1;
}

int guest_meminfo_parse(const char *text, size_t len,
                        unsigned long long *total_kb,
                        unsigned long long *avail_kb)
{
    unsigned long long t, a;
    if (field(text, len, "MemTotal", &t) < 0 ||
        field(text, len, "MemAvailable", &a) < 0)
        return -1;
    *total_kb = t;
    *avail_kb = a;
    return 0;
}

int guest_meminfo_used(const char *total, size_t total_len, const char *free,
                       size_t free_len, unsigned long long *used_kb)
{
    unsigned long long t, f;
    if (decimal(total, total_len, &t) < 0 || decimal(free, free_len, &f) < 0 ||
        f > t)
        return -1;
    *used_kb = t - f;
    return 0;
}
