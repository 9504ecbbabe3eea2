/*
 * fuzz-cred-helper.c: libFuzzer target for what a docker-credential-*
 * helper program prints for `get` (image/cred_helper.c,
 * auth_cred_helper_parse(): {"ServerURL", "Username", "Secret"}), a
 * program the auth file names and whose output nothing vouches for.  An
 * answer accepted gives either "USER:SECRET" or, for Username "<token>",
 * the Secret as an identity token, never both and never empty, within
 * AUTH_TOKEN_MAX; a refusal says why and leaves nothing to free.  The
 * answer is the input's own bytes, no NUL after them.  Built without
 * libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/auth.h"
#include "image/cred_helper.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = malloc(size ? size : 1);
    if (!out)
        abort();
    memcpy(out, data, size);
    struct auth_creds c;
    memset(&c, 0xa5, sizeof(c));
    xo_err err = XO_ERR_INIT;
    if (auth_cred_helper_parse(&c, out, size, "fuzz", &err) == 0) {
        if (!c.userpass == !c.refresh_token)
            __builtin_trap();
        const char *s = c.userpass ? c.userpass : c.refresh_token;
        if (!*s || strlen(s) > AUTH_TOKEN_MAX + 1 ||
            (c.userpass && !strchr(c.userpass, ':')))
            __builtin_trap();
    } else if (!err.msg || c.userpass || c.refresh_token) {
        __builtin_trap();
    }
    auth_creds_dispose(&c);
    xo_err_clear(&err);
    free(out);
    return 0;
}
