/*
 * auth.h: registry credentials and challenges.
 *
 * Credentials come from --creds USER:PASS, or from a containers auth file
 * (auth.json) or docker config.json -- both {"auths": {"HOST": {"auth":
 * base64("user:pass")}}}.  The file is --authfile, else
 * $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json, else
 * ~/.docker/config.json; a missing default file means no credentials.
 * An entry may hold "username" and "password" instead of "auth", and an
 * "identitytoken" (docker login's OAuth2 refresh token), which
 * auth_token_form turns into a token request.
 */
#ifndef XL_OCI_IMAGE_AUTH_H
#define XL_OCI_IMAGE_AUTH_H

#include <stddef.h>

#include "common/error.h"

#define AUTH_FILE_MAX (1 << 20)
#define AUTH_FIELD_MAX 1024

/* Bytes of an identitytoken kept at most (a refresh token is a JWT). */
#define AUTH_TOKEN_MAX (16 * 1024)

/* What the credentials for a registry host are; each owned, NULL when
 * none is configured. */
struct auth_creds {
    char *userpass;      /* "user:pass", for Basic and token GETs */
    char *refresh_token; /* an auth file's "identitytoken" (OAuth2) */
};

/*
 * The credentials for host: --creds USER:PASS (`creds`), else the auth
 * file's entry for host.  An explicit auth_file that cannot be read or
 * parsed, or an entry that is malformed, is an error naming the file and
 * the host; nothing is left in *c then.
 */
int auth_lookup(struct auth_creds *c, const char *host, const char *auth_file,
                const char *creds, xo_err *err);
void auth_creds_dispose(struct auth_creds *c);

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
 * The body of an OAuth2 refresh-token request to a Bearer challenge's
 * realm (distribution's token spec, "OAuth2 token": RFC 6749 section 6):
 * grant_type=refresh_token with the token, the service, the challenge's
 * scope or else `scope`, and client_id=xl-oci; values escaped.  To POST
 * as application/x-www-form-urlencoded.  Owned, never NULL.
 */
char *auth_token_form(const struct auth_challenge *ch, const char *scope,
                      const char *refresh_token);

/*
 * "Authorization: Bearer TOKEN" (owned, *hdr_r) from a token service's
 * JSON response ({"token": ...} or {"access_token": ...}, at most `max`
 * bytes).  Fails naming `realm` when the response is not JSON, holds a
 * NUL in any string, or has no usable token.
 */
int auth_token_header(char **hdr_r, const char *body, size_t len, size_t max,
                      const char *realm, xo_err *err);

#endif
