/* tmpfs_options.c: the tmpfs data of a boot spec volume (see
 * tmpfs_options.h). */
#include "tmpfs_options.h"

#include <stdlib.h>
#include <string.h>

bool oci_tmpfs_size_ok(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && n < 20 &&
           (s[n] == '\0' || (strchr("kKmMgG%", s[n]) && s[n + 1] == '\0'));
}

/* n digits of `set` and nothing after them, n in 1..max. */
static bool digits(const char *s, const char *set, size_t max)
{
    size_t n = strspn(s, set);
    return n > 0 && n <= max && s[n] == '\0';
}

bool oci_tmpfs_data_word_ok(const char *w)
{
    if (!strncmp(w, "size=", 5))
        return oci_tmpfs_size_ok(w + 5);
    if (!strncmp(w, "mode=", 5))
        return digits(w + 5, "01234567", 5) && strtoul(w + 5, NULL, 8) <= 07777;
    if (!strncmp(w, "uid=", 4) || !strncmp(w, "gid=", 4))
        return digits(w + 4, "0123456789", 10) &&
               strtoull(w + 4, NULL, 10) <= 0xffffffffULL;
    return false;
}
