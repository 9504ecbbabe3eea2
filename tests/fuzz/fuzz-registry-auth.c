/*
 * fuzz-registry-auth.c: libFuzzer target for what a registry's
 * authentication answers hold (image/auth.c), all untrusted: a
 * WWW-Authenticate value (auth_parse_challenge()), the token request URL
 * and refresh form built from it (auth_token_url(), auth_token_form()),
 * and a token service's JSON response (auth_token_header()).  The input's
 * first line is the challenge (and a Retry-After value,
 * registry_retry_pause()), the rest the token response.  A Bearer
 * challenge accepted has an http(s) realm; the URL and form carry no
 * byte the challenge could use to end a header or a parameter; the
 * Authorization header holds no CR, LF or NUL.  Built without libFuzzer,
 * main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/auth.h"
#include "image/registry_retry.h"
#include "fuzz_util.h"
#include "replay.h"

static void no_break(const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p == '\r' || *p == '\n')
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t clen = nl ? (size_t)(nl - data) : size;
    char *chal = fuzz_cstr(data, clen);
    struct auth_challenge ch;
    xo_err err = XO_ERR_INIT;
    if (auth_parse_challenge(&ch, chal, &err) == 0) {
        if ((ch.scheme != AUTH_BEARER && ch.scheme != AUTH_BASIC) ||
            !memchr(ch.realm, 0, sizeof(ch.realm)) ||
            !memchr(ch.service, 0, sizeof(ch.service)) ||
            !memchr(ch.scope, 0, sizeof(ch.scope)))
            __builtin_trap();
        if (ch.scheme == AUTH_BEARER) {
            if (strncmp(ch.realm, "https://", 8) &&
                strncmp(ch.realm, "http://", 7))
                __builtin_trap();
            char *url = auth_token_url(&ch, "repository:a/b:pull");
            char *form =
                auth_token_form(&ch, "repository:a/b:pull", "r&e=f\r\n");
            /* The realm is the server's; what is added to it is escaped. */
            const char *q = url + strlen(ch.realm);
            if (strpbrk(q, " \r\n\"#") || strpbrk(form, " \r\n\"#"))
                __builtin_trap();
            /* grant_type, refresh_token, service, scope, client_id. */
            size_t amps = 0;
            for (const char *p = form; *p; p++)
                amps += *p == '&';
            if (amps != 4)
                __builtin_trap();
            free(url);
            free(form);
        }
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    /* The same line as a Retry-After value: the pause stays bounded. */
    for (unsigned n = 0; n < 6; n++)
        if (registry_retry_pause(n, chal) > REGISTRY_PAUSE_MAX)
            __builtin_trap();

    const char *body = nl ? (const char *)nl + 1 : "";
    size_t blen = nl ? size - clen - 1 : 0;
    char *hdr = NULL;
    if (auth_token_header(&hdr, body, blen, AUTH_TOKEN_MAX,
                          "https://auth.example/token", &err) == 0) {
        if (!hdr || strncmp(hdr, "Authorization: Bearer ", 22) != 0 || !hdr[22])
            __builtin_trap();
        no_break(hdr);
        free(hdr);
    } else if (!err.msg || hdr) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(chal);
    return 0;
}
