/*
 * fuzz-registry-response.c: libFuzzer target for what a registry's
 * answer holds besides the blobs: its response headers, line by line as
 * libcurl hands them over (http_resp_header(): Content-Type,
 * WWW-Authenticate, several of which add up, Docker-Content-Digest,
 * Content-Encoding, Retry-After; a status line starting over), then what
 * registry.c makes of them (digest_parse() of Docker-Content-Digest,
 * auth_parse_challenge() of the challenges, registry_retry_pause() of
 * Retry-After), and its error body (registry_error_text(): the spec's
 * {"errors":[{"code","message"}]}).  The input is header lines up to the
 * first empty one, then the body.  Every header kept is NUL-terminated
 * within its field and printable ASCII or tab (it reaches messages and
 * the image's media type); the error text is printable ASCII within its cap.
 * Location, Content-Range and Link are libcurl's or not read.  Built
 * without libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/auth.h"
#include "image/http.h"
#include "image/registry_retry.h"
#include "replay.h"
#include "verifier/digest.h"

static void printable(const char *s, size_t cap)
{
    const char *end = memchr(s, 0, cap);
    if (!end)
        __builtin_trap();
    for (const char *p = s; p < end; p++)
        if ((*p < 0x20 && *p != '\t') || *p > 0x7e)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_resp r;
    memset(&r, 0, sizeof(r));
    size_t i = 0;
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
        /* A line of its own bytes only: ASan sees a read past it. */
        char *line = malloc(len ? len : 1);
        if (!line)
            abort();
        memcpy(line, data + i, len);
        http_resp_header(&r, line, len);
        free(line);
        i += len;
        if (len <= 2 && (len == 1 || data[i - 2] == '\r'))
            break; /* the empty line: the body follows */
    }
    printable(r.content_type, sizeof(r.content_type));
    printable(r.www_auth, sizeof(r.www_auth));
    printable(r.docker_digest, sizeof(r.docker_digest));
    printable(r.content_encoding, sizeof(r.content_encoding));
    printable(r.retry_after, sizeof(r.retry_after));

    xo_err err = XO_ERR_INIT;
    struct digest d;
    if (digest_parse(&d, r.docker_digest, &err) < 0 && !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    struct auth_challenge ch;
    if (auth_parse_challenge(&ch, r.www_auth, &err) < 0 && !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    for (unsigned n = 1; n < 6; n++)
        if (registry_retry_pause(n, r.retry_after) > REGISTRY_PAUSE_MAX)
            __builtin_trap();

    /* The body as registry.c holds it: its own bytes, no NUL after. */
    size_t blen = size - i;
    char *body = malloc(blen ? blen : 1);
    if (!body)
        abort();
    memcpy(body, data + i, blen);
    char why[REGISTRY_ERROR_TEXT_MAX + 80];
    memset(why, 'x', sizeof(why));
    registry_error_text(why, sizeof(why), body, blen);
    if (!memchr(why, 0, sizeof(why)))
        __builtin_trap();
    for (const char *p = why; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            __builtin_trap();
    if (why[0] && strncmp(why, ": ", 2) != 0)
        __builtin_trap();
    free(body);
    return 0;
}
