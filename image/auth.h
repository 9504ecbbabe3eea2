/*
 * auth.h: registry credentials and challenges.
 *
 * Credentials come from --creds USER:PASS, or from a containers auth file
 * (auth.json) or docker config.json -- both {"auths": {"HOST": {"auth":
 * base64("user:pass")}}}.  The file is --authfile, else
 * $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else
 * ~/.docker/config.json; a missing default file means no credentials.
 */
#ifndef XL_OCI_IMAGE_AUTH_H
#define XL_OCI_IMAGE_AUTH_H

#include <stddef.h>

#include "common/error.h"

#define AUTH_FILE_MAX (1 << 20)
#define AUTH_FIELD_MAX 1024

/*
 * "user:pass" for host (owned, NULL when none is configured).  An explicit
 * auth_file that cannot be read or parsed is an error.
 */
int auth_lookup(char **userpass_r, const char *host, const char *auth_file,
                const char *creds, xo_err *err);

/* *hdr_r = "Authorization: Basic base64(userpass)", owned.  Fails only
 * when libcrypto (its base64) cannot be opened (ELIBACC, ELIBBAD). */
int auth_basic_header(char **hdr_r, const char *userpass, xo_err *err);

enum auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct auth_challenge {
    enum auth_scheme scheme;
    char realm[AUTH_FIELD_MAX];
    char service[AUTH_FIELD_MAX];
    char scope[AUTH_FIELD_MAX];
};

/*
 * Parses a WWW-Authenticate value (RFC 7235: one or more challenges, each
 * a scheme and k=v or k="v" params, separated by commas).  Bearer is
 * chosen when offered, else Basic; a Bearer challenge needs an http(s)
 * realm.  Fails naming the value when neither is offered.
 */
int auth_parse_challenge(struct auth_challenge *ch, const char *value,
                         xo_err *err);

/*
 * The token request URL for a Bearer challenge (distribution's token
 * spec): realm?service=S&scope=SC, with the challenge's scope or else
 * `scope` ("repository:REPO:pull"), values escaped; no service parameter
 * when the challenge names none.  Owned, never NULL.
 */
char *auth_token_url(const struct auth_challenge *ch, const char *scope);

/*
 * "Authorization: Bearer TOKEN" (owned, *hdr_r) from a token service's
 * JSON response ({"token": ...} or {"access_token": ...}, at most `max`
 * bytes).  Fails naming `realm` when the response is not JSON, holds a
 * NUL in any string, or has no usable token.
 */
int auth_token_header(char **hdr_r, const char *body, size_t len, size_t max,
                      const char *realm, xo_err *err);

#endif
