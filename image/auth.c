/* auth.c: registry credentials and WWW-Authenticate parsing (see auth.h). */
#include "auth.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "http.h"
#include "common/json.h"
#include "common/pathfmt.h"
#include "cred_helper.h"
#include "ref.h"
#include "verifier/crypto_lib.h"

/* Called once libcrypto is loaded (auth_lookup). */
static char *b64_decode(const char *in)
{
    size_t n = strlen(in);
    if (n == 0 || n % 4 || n > AUTH_FIELD_MAX * 2)
        return NULL;
    unsigned char *out = xo_xmalloc(n / 4 * 3 + 1);
    int len = crypto_lib.decode_block(out, (const unsigned char *)in, (int)n);
    if (len < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts padding as zero bytes. */
    if (n >= 1 && in[n - 1] == '=')
        len--;
    if (n >= 2 && in[n - 2] == '=')
        len--;
    out[len] = '\0';
    if (memchr(out, '\0', (size_t)len) || !strchr((char *)out, ':')) {
        free(out);
        return NULL;
    }
    return (char *)out;
}

int auth_basic_header(char **hdr_r, const char *userpass, xo_err *err)
{
    if (crypto_lib_load(err) < 0)
        return -1;
    size_t n = strlen(userpass);
    char *b64 = xo_xmalloc(4 * ((n + 2) / 3) + 1);
    crypto_lib.encode_block((unsigned char *)b64,
                            (const unsigned char *)userpass, (int)n);
    *hdr_r = xo_xasprintf("Authorization: Basic %s", b64);
    free(b64);
    return 0;
}

static char *default_auth_file(void)
{
    const char *env = getenv("REGISTRY_AUTH_FILE");
    if (env && *env)
        return xo_xstrdup(env);
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg) {
        char *p = xo_path_join(xdg, "containers/auth.json");
        if (access(p, F_OK) == 0)
            return p;
        free(p);
    }
    const char *home = getenv("HOME");
    return xo_path_join(home ? home : "/root", ".docker/config.json");
}

/* The registry host an auths key names, as docker's ConvertToHostname
 * reads one: without "http://" or "https://" and without a path
 * ("https://127.0.0.1:5000/v2/" is "127.0.0.1:5000"); Docker Hub's
 * names (its v1 index URL among them) are its registry's. */
static bool key_names_host(const char *key, const char *host)
{
    if (!strncmp(key, "https://", 8))
        key += 8;
    else if (!strncmp(key, "http://", 7))
        key += 7;
    size_t n = strcspn(key, "/");
    if (!strcmp(host, REF_DEFAULT_REGISTRY))
        return (n == 15 && !strncmp(key, "index.docker.io", n)) ||
               (n == 9 && !strncmp(key, "docker.io", n)) ||
               (n == strlen(host) && !strncmp(key, host, n));
    return n == strlen(host) && !strncmp(key, host, n);
}

/* The auths entry for `host`: the key that is the host itself, else the
 * first that names it (key_names_host).  1 with *entry_r, 0 for none. */
static int find_entry(json_object **entry_r, json_object *auths,
                      const char *host, const char *path, xo_err *err)
{
    int rc = xo_json_get_object(entry_r, auths, host, false, path, err);
    if (rc != 0)
        return rc;
    json_object_object_foreach (auths, key, val)
        if (key_names_host(key, host)) {
            if (!json_object_is_type(val, json_type_object))
                return xo_err_set(err, EINVAL,
                                  "%s: auths \"%.200s\" must be an object",
                                  path, key);
            *entry_r = val;
            return 1;
        }
    return 0;
}

/* The credentials of an auths entry: USER:PASSWORD from its "auth"
 * (base64), else from its "username" and "password" (docker's config
 * loader reads both forms); and its "identitytoken", an OAuth2 refresh
 * token that docker login writes for registries with OAuth2 logins
 * (Azure's, among others), beside an "auth" that holds no real password. */
static int entry_creds(struct auth_creds *c, json_object *entry,
                       const char *host, const char *path, xo_err *err)
{
    const char *b64 = NULL, *user = NULL, *pass = NULL, *idtok = NULL;
    if (xo_json_get_string(&idtok, entry, "identitytoken", false, path, err) <
        0)
        return -1;
    if (idtok && strlen(idtok) > AUTH_TOKEN_MAX)
        return xo_err_set(err, EINVAL,
                          "%s: the identitytoken of %s is longer than %d bytes",
                          path, host, AUTH_TOKEN_MAX);
    if (idtok && *idtok)
        c->refresh_token = xo_xstrdup(idtok);
    int rc = xo_json_get_string(&b64, entry, "auth", false, path, err);
    if (rc == 1 && *b64) {
        if (crypto_lib_load(err) < 0)
            return -1;
        if (!(c->userpass = b64_decode(b64)))
            return xo_err_set(
                err, EINVAL,
                "%s: the \"auth\" of %s is not base64 of USER:PASSWORD", path,
                host);
        return 0;
    }
    if (rc < 0 ||
        xo_json_get_string(&user, entry, "username", false, path, err) < 0 ||
        xo_json_get_string(&pass, entry, "password", false, path, err) < 0)
        return -1;
    if (!user || !*user)
        return 0;
    if (strlen(user) + strlen(pass ? pass : "") > AUTH_FIELD_MAX)
        return xo_err_set(err, EINVAL, "%s: the credentials of %s are too long",
                          path, host);
    c->userpass = xo_xasprintf("%s:%s", user, pass ? pass : "");
    return 0;
}

/* The credential helper the auth file names for host: its "credHelpers"
 * entry for the host, else its "credsStore" (docker's order).  1 with
 * *name_r and what names it (for messages) in `what`, 0 for none. */
static int find_helper(const char **name_r, char *what, size_t cap,
                       json_object *o, const char *host, const char *path,
                       xo_err *err)
{
    json_object *helpers = NULL;
    const char *store = NULL;
    int rc = xo_json_get_object(&helpers, o, "credHelpers", false, path, err);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        json_object_object_foreach (helpers, key, val)
            if (key_names_host(key, host)) {
                if (!json_object_is_type(val, json_type_string))
                    return xo_err_set(
                        err, EINVAL,
                        "%s: credHelpers \"%.200s\" must be a string", path,
                        key);
                *name_r = json_object_get_string(val);
                /* may truncate: names the source in messages */
                snprintf(what, cap, "%s: credHelpers \"%.200s\"", path, key);
                return 1;
            }
    }
    if (xo_json_get_string(&store, o, "credsStore", false, path, err) < 0)
        return -1;
    if (!store || !*store)
        return 0;
    *name_r = store;
    /* may truncate: names the source in messages */
    snprintf(what, cap, "%s: credsStore", path);
    return 1;
}

void auth_creds_dispose(struct auth_creds *c)
{
    free(c->userpass);
    free(c->refresh_token);
    *c = (struct auth_creds){0};
}

int auth_lookup(struct auth_creds *c, const char *host, const char *auth_file,
                const char *creds, xo_err *err)
{
    *c = (struct auth_creds){0};
    if (creds) {
        if (!strchr(creds, ':') || strlen(creds) > AUTH_FIELD_MAX)
            return xo_err_set(err, EINVAL, "--creds must be USER:PASSWORD");
        c->userpass = xo_xstrdup(creds);
        return 0;
    }
    bool explicit_file = auth_file != NULL;
    char *path = explicit_file ? xo_xstrdup(auth_file) : default_auth_file();
    if (!explicit_file && access(path, F_OK) < 0) {
        free(path);
        return 0;
    }
    json_object *o = NULL, *auths = NULL, *entry = NULL;
    int rc = xo_json_parse_file(&o, path, AUTH_FILE_MAX, err);
    if (rc == 0 && !json_object_is_type(o, json_type_object))
        rc = xo_err_set(err, EINVAL, "%s: must be a JSON object", path);
    const char *helper = NULL;
    char what[AUTH_FIELD_MAX];
    if (rc == 0)
        rc = find_helper(&helper, what, sizeof(what), o, host, path, err);
    if (rc == 1) {
        /* The helper's answer is the whole answer, "not found" too, as
         * docker's native store takes it. */
        const char *server = strcmp(host, REF_DEFAULT_REGISTRY)
                                 ? host
                                 : "https://index.docker.io/v1/";
        if (auth_cred_helper_get(c, helper, server, what, err) >= 0)
            rc = 0;
        else
            rc = -1;
        goto out;
    }
    if (rc == 0)
        rc = xo_json_get_object(&auths, o, "auths", false, path, err);
    if (rc == 1)
        rc = find_entry(&entry, auths, host, path, err);
    if (rc == 1)
        rc = entry_creds(c, entry, host, path, err);
out:
    json_object_put(o);
    free(path);
    if (rc < 0) {
        auth_creds_dispose(c);
        return -1;
    }
    return 0;
}

/* Copies a quoted or bare parameter value; returns the end of it. */
static const char *param_value(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
        if (*p == '"')
            p++;
    } else {
        while (*p && *p != ',' && *p != ' ') {
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
    }
    out[n] = '\0';
    return p;
}

/* The length of the token at p (RFC 7235: an auth-scheme or a parameter
 * name): anything up to a space, '=', ',' or the end. */
static size_t token_len(const char *p)
{
    return strcspn(p, " \t=,");
}

/* Parses the parameters of one challenge at v into ch (when non-NULL)
 * until the next scheme; returns where that scheme (or the end) is. */
static const char *parse_params(const char *v, struct auth_challenge *ch)
{
    for (;;) {
        while (*v == ' ' || *v == '\t' || *v == ',')
            v++;
        size_t klen = token_len(v);
        const char *eq = v + klen;
        while (*eq == ' ' || *eq == '\t')
            eq++;
        if (!*v || klen == 0 || *eq != '=')
            return v; /* the end, or the next challenge's scheme */
        char tmp[AUTH_FIELD_MAX];
        char *dst = tmp;
        size_t cap = sizeof(tmp);
        if (ch && klen == 5 && !strncasecmp(v, "realm", 5))
            dst = ch->realm, cap = sizeof(ch->realm);
        else if (ch && klen == 7 && !strncasecmp(v, "service", 7))
            dst = ch->service, cap = sizeof(ch->service);
        else if (ch && klen == 5 && !strncasecmp(v, "scope", 5))
            dst = ch->scope, cap = sizeof(ch->scope);
        eq++;
        while (*eq == ' ' || *eq == '\t')
            eq++;
        v = param_value(eq, dst, cap);
    }
}

int auth_parse_challenge(struct auth_challenge *ch, const char *v, xo_err *err)
{
    memset(ch, 0, sizeof(*ch));
    const char *first = v;
    /* One header may offer several challenges ("Basic realm=..., Bearer
     * realm=..."), as may several headers joined with ", ".  Bearer is
     * preferred: it is what registries mean for pulls; else Basic. */
    struct auth_challenge basic;
    bool have_basic = false, have_bearer = false;
    while (*v && !have_bearer) {
        while (*v == ' ' || *v == '\t' || *v == ',')
            v++;
        size_t slen = token_len(v);
        if (slen == 0)
            break;
        struct auth_challenge *dst = NULL;
        if (slen == 6 && !strncasecmp(v, "Bearer", 6)) {
            dst = ch;
            have_bearer = true;
        } else if (slen == 5 && !strncasecmp(v, "Basic", 5) && !have_basic) {
            memset(&basic, 0, sizeof(basic));
            dst = &basic;
            have_basic = true;
        }
        const char *next = parse_params(v + slen, dst);
        if (next == v + slen && *next && !strchr(" \t,", *next))
            break; /* a token68 or garbage: nothing more to read */
        v = next;
    }
    if (have_bearer) {
        ch->scheme = AUTH_BEARER;
        if (strncmp(ch->realm, "https://", 8) &&
            strncmp(ch->realm, "http://", 7))
            return xo_err_set(err, EINVAL,
                              "bearer challenge without an http(s) realm");
        return 0;
    }
    if (have_basic) {
        *ch = basic;
        ch->scheme = AUTH_BASIC;
        return 0;
    }
    return xo_err_set(err, EINVAL,
                      "unsupported authentication challenge \"%.64s\"", first);
}

char *auth_token_url(const struct auth_challenge *ch, const char *scope)
{
    char *svc = ch->service[0] ? http_escape(ch->service) : NULL;
    char *esc = http_escape(ch->scope[0] ? ch->scope : scope);
    /* No empty service= when the challenge has none: token servers may
     * refuse a service they do not know, and "" is not theirs. */
    char *url = xo_xasprintf(
        "%s%s%s%s%sscope=%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
        svc ? "service=" : "", svc ? svc : "", svc ? "&" : "", esc);
    free(svc);
    free(esc);
    return url;
}

char *auth_token_form(const struct auth_challenge *ch, const char *scope,
                      const char *refresh_token)
{
    char *svc = http_escape(ch->service);
    char *esc = http_escape(ch->scope[0] ? ch->scope : scope);
    char *tok = http_escape(refresh_token);
    char *form = xo_xasprintf(
        "grant_type=refresh_token&refresh_token=%s&service=%s&scope=%s&client_id=xl-oci",
        tok, svc, esc);
    free(svc);
    free(esc);
    free(tok);
    return form;
}

int auth_token_header(char **hdr_r, const char *body, size_t len, size_t max,
                      const char *realm, xo_err *err)
{
    json_object *o = NULL;
    const char *tok = NULL;
    char where[AUTH_FIELD_MAX + 32];
    /* may truncate: names the source in messages (realm is bounded) */
    snprintf(where, sizeof(where), "token response from %s", realm);
    if (xo_json_parse(&o, body, len, max, where, err) < 0)
        return -1;
    /* access_token when it is not empty, else token, as docker's
     * distribution client and containerd take them. */
    int rc =
        json_object_is_type(o, json_type_object)
            ? xo_json_get_string(&tok, o, "access_token", false, where, err)
            : 0;
    if ((rc == 0 || (rc == 1 && !*tok)) &&
        json_object_is_type(o, json_type_object))
        rc = xo_json_get_string(&tok, o, "token", false, where, err);
    if (rc == 1 && (!*tok || strlen(tok) > max || strpbrk(tok, "\r\n ")))
        rc = 0;
    if (rc == 0)
        rc = xo_err_set(err, EINVAL, "%s: no usable token", where);
    if (rc == 1)
        *hdr_r = xo_xasprintf("Authorization: Bearer %s", tok);
    json_object_put(o);
    return rc < 0 ? -1 : 0;
}
