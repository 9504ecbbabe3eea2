/* uuid_text.c: see uuid_text.h. */
#include "common/uuid_text.h"

#include <stddef.h>
#include <sys/random.h>

int xo_uuid_random_text(char out[XO_UUID_TEXT_LEN + 1], xo_err *err)
{
    unsigned char b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        return xo_err_sys(err, "cannot make a UUID: getrandom");
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (size_t i = 0; i < sizeof(b); i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 0x0f];
    }
    *o = '\0';
    return 0;
}
