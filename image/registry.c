/*
 * registry.c: the OCI distribution API as a source (see source.h).
 *
 * GET /v2/REPO/manifests/REF and /v2/REPO/blobs/DIGEST over libcurl
 * (http.h).  A 401 is answered once per challenge: Basic with the
 * configured credentials, or Bearer by fetching a token from the realm
 * (with the credentials, when any).  Manifests are capped and their
 * digest checked against the pinned digest and the registry's own
 * Docker-Content-Digest; blobs stream into a resumable blob_writer and a
 * dropped transfer is retried from where it stopped.  fetch() may run in
 * several threads at once (pull.c downloads layers in parallel): the
 * shared auth header is guarded by a mutex.
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "common/alloc.h"
#include "progress.h"
#include "auth.h"
#include "blobtap.h"
#include "http.h"
#include "image.h"
#include "common/json.h"
#include "insecure_registry.h"
#include "registry_retry.h"
#include "source.h"

#define REGISTRY_TOKEN_MAX (64 * 1024)
/* Attempts at one blob in all, however much each got further. */
#define REGISTRY_ROUNDS 32

static const char accept_manifests[] =
    "Accept: " MT_OCI_MANIFEST ", " MT_OCI_INDEX ", " MT_DOCKER_MANIFEST
    ", " MT_DOCKER_LIST;

struct registry_source {
    struct image_source base;
    char *host, *repo, *tag;
    bool pinned;
    struct digest digest;
    char *base_url;          /* scheme://host/v2/repo */
    struct auth_creds creds; /* each NULL when not configured */
    struct http_client http;
    pthread_mutex_t lock; /* guards auth */
    char *auth;           /* "Authorization: ..." or NULL */
    bool sent_creds;      /* the last auth carried the credentials */
};

/* A failure of a body the server sent encoded although asked for
 * identity (http.c): the encoding is the likely cause, and said. */
static void note_encoding(const char *enc, xo_err *err)
{
    if (!enc[0] || !strcasecmp(enc, "identity"))
        return;
    char *msg = xo_xstrdup(xo_err_msg(err));
    xo_err_set(
        err, err->errnum ? err->errnum : EIO,
        "%s (the registry sent it with Content-Encoding: %s, where xl-oci asks for identity: it keeps the bytes a digest names, undecoded)",
        msg, enc);
    free(msg);
}

static char *auth_copy(struct registry_source *rs)
{
    pthread_mutex_lock(&rs->lock);
    char *a = rs->auth ? xo_xstrdup(rs->auth) : NULL;
    pthread_mutex_unlock(&rs->lock);
    return a;
}

/* An OAuth2 token request with the auth file's identitytoken (a POST to
 * the realm).  0 with *body_r when the service answered it; 1 when it
 * does not take such requests, or refused this one, and a GET is to be
 * tried: token services without OAuth2's POST answer 404 (GCR), 401
 * (Artifactory), 400 (ACR) or 405, and containerd then asks with a GET,
 * as this does.  *status_r is the POST's status. */
static int fetch_token_oauth(struct registry_source *rs,
                             const struct auth_challenge *ch, const char *scope,
                             char **body_r, size_t *len_r, long *status_r,
                             xo_err *err)
{
    struct http_resp resp;
    char *form = auth_token_form(ch, scope, rs->creds.refresh_token);
    int rc = http_post_form_mem(&rs->http, ch->realm, NULL, form,
                                REGISTRY_TOKEN_MAX, body_r, len_r, &resp, err);
    free(form);
    if (rc < 0)
        return -1;
    *status_r = resp.status;
    if (resp.status == 400 || resp.status == 401 || resp.status == 404 ||
        resp.status == 405) {
        free(*body_r);
        *body_r = NULL;
        return 1;
    }
    return 0;
}

static int fetch_token(struct registry_source *rs,
                       const struct auth_challenge *ch, char **hdr_r,
                       xo_err *err)
{
    char *body = NULL;
    size_t len = 0;
    int rc = -1;
    long oauth_status = 0;
    char *scope = xo_xasprintf("repository:%s:pull", rs->repo);
    char *url = auth_token_url(ch, scope);
    char *basic = NULL;
    struct http_resp resp = {0};
    const char *userpass = rs->creds.userpass;
    if (rs->creds.refresh_token) {
        int orc =
            fetch_token_oauth(rs, ch, scope, &body, &len, &oauth_status, err);
        if (orc < 0)
            goto out;
        resp.status = oauth_status;
        if (orc == 0)
            goto answered;
    }
    if (userpass && auth_basic_header(&basic, userpass, err) < 0)
        goto out;
    const char *hdrs[] = {basic, NULL};
    if (http_get_mem(&rs->http, url, hdrs, REGISTRY_TOKEN_MAX, &body, &len,
                     &resp, err) < 0)
        goto out;
answered:
    if (resp.status == 401 || resp.status == 403) {
        if (rs->creds.refresh_token)
            xo_err_set(
                err, EACCES,
                "%s: the token service %s refused the auth file's identitytoken (HTTP %ld to the OAuth2 request; log in to %s again)",
                rs->host, ch->realm, oauth_status, rs->host);
        else if (userpass)
            xo_err_set(err, EACCES,
                       "%s: authentication failed for user \"%.*s\" (HTTP %ld)",
                       rs->host, (int)strcspn(userpass, ":"), userpass,
                       resp.status);
        else
            xo_err_set(
                err, EACCES,
                "%s: authentication required (HTTP %ld; give --creds or an auth file)",
                rs->host, resp.status);
        goto out;
    }
    if (resp.status != 200) {
        xo_err_set(err, EIO, "token service %s: HTTP %ld", ch->realm,
                   resp.status);
        goto out;
    }
    if (auth_token_header(hdr_r, body, len, REGISTRY_TOKEN_MAX, ch->realm,
                          err) < 0)
        goto out;
    rc = 0;
out:
    free(scope);
    free(url);
    free(body);
    free(basic);
    return rc;
}

/* Answers a 401 challenge; fails when it cannot do better than last time. */
static int authenticate(struct registry_source *rs, const char *challenge,
                        const char *used, xo_err *err)
{
    struct auth_challenge ch;
    if (!challenge[0])
        return xo_err_set(err, EACCES,
                          "%s/%s: unauthorized (HTTP 401 without a challenge)",
                          rs->host, rs->repo);
    if (auth_parse_challenge(&ch, challenge, err) < 0)
        return xo_err_wrap(err, "%s", rs->host);
    char *hdr = NULL;
    pthread_mutex_lock(&rs->lock);
    int rc = 0;
    /* Another thread may have refreshed it already. */
    if (rs->auth && (!used || strcmp(rs->auth, used) != 0))
        goto out;
    if (ch.scheme == AUTH_BASIC) {
        const char *userpass = rs->creds.userpass;
        if (!userpass)
            rc = xo_err_set(
                err, EACCES,
                "%s requires authentication (give --creds or an auth file)",
                rs->host);
        else if (used)
            rc = xo_err_set(
                err, EACCES,
                "%s: authentication failed for user \"%.*s\" (HTTP 401)",
                rs->host, (int)strcspn(userpass, ":"), userpass);
        else
            rc = auth_basic_header(&hdr, userpass, err);
    } else {
        rc = fetch_token(rs, &ch, &hdr, err);
        if (rc == 0 && used && !strcmp(hdr, used))
            rc = xo_err_set(
                err, EACCES,
                "%s/%s: access denied: the registry refused the token it had just given (the repository does not exist, or needs other credentials: --creds or an auth file)",
                rs->host, rs->repo);
    }
    if (rc == 0) {
        free(rs->auth);
        rs->auth = hdr;
        hdr = NULL;
    }
out:
    pthread_mutex_unlock(&rs->lock);
    free(hdr);
    return rc;
}

/* `body` (may be NULL): the response, whose registry error is quoted.
 * `name_repo`: `what` is a manifest's tag or digest, named with host/repo
 * (a blob's caller adds them itself to its digest). */
static int status_err(struct registry_source *rs, bool name_repo,
                      const char *what, long status, const char *body,
                      size_t len, xo_err *err)
{
    char why[REGISTRY_ERROR_TEXT_MAX + 80];
    registry_error_text(why, sizeof(why), body, len);
    /* A manifest is named as a reference is written, HOST/REPO:TAG or
     * HOST/REPO@DIGEST; a blob by its digest. */
    char *who = name_repo
                    ? xo_xasprintf("%s/%s%s%s: manifest", rs->host, rs->repo,
                                   strchr(what, ':') ? "@" : ":", what)
                    : xo_xstrdup(what);
    int rc;
    if (status == 404)
        rc = xo_err_set(err, ENOENT, "%s not found%s", who, why);
    else if (status == 401 || status == 403)
        rc = xo_err_set(err, EACCES, "%s: access denied (HTTP %ld)%s", who,
                        status, why);
    else if (status == 400 && strncmp(rs->base_url, "http://", 7) == 0 &&
             body && memmem(body, len, "HTTP request to an HTTPS server", 31))
        /* Go's net/http answers a plain request on a TLS port so
         * (helper-68: --plain-http to a TLS registry said HTTP 400). */
        rc = xo_err_set(
            err, EPROTO,
            "%s: HTTP 400: the registry talks HTTPS: pull without --plain-http",
            who);
    else
        rc = xo_err_set(err, EIO, "%s: HTTP %ld%s", who, status, why);
    free(who);
    return rc;
}

/* GET a manifest into memory, authenticating as asked. */
static int get_manifest(struct registry_source *rs, const char *ref,
                        char **body_r, size_t *len_r, struct http_resp *resp,
                        xo_err *err)
{
    char *url = xo_xasprintf("%s/manifests/%s", rs->base_url, ref);
    int rc = -1;
    unsigned failures = 0;
    for (int auths = 0; auths < 3;) {
        char *auth = auth_copy(rs);
        const char *hdrs[] = {accept_manifests, auth, NULL};
        char *body = NULL;
        size_t len = 0;
        rc = http_get_mem(&rs->http, url, hdrs, MANIFEST_MAX_BYTES, &body, &len,
                          resp, err);
        if (rc < 0)
            manifest_note_cap(err);
        if (rc == 0 && resp->status == 401) {
            free(body);
            rc = authenticate(rs, resp->www_auth, auth, err);
            free(auth);
            if (rc < 0)
                break;
            rc = -1;
            auths++;
            continue;
        }
        free(auth);
        if (((rc < 0 && resp->transient) ||
             (rc == 0 && registry_status_transient(resp->status))) &&
            failures < REGISTRY_RETRIES) {
            unsigned s = registry_retry_pause(++failures, resp->retry_after);
            image_progress(rs->base.progress, rs->base.progress_arg,
                           "%s: %s; again in %u s", ref,
                           rc < 0 ? xo_err_msg(err) : "the registry is busy",
                           s);
            free(body);
            xo_err_clear(err);
            registry_pause(s);
            continue;
        }
        if (rc == 0 && resp->status != 200) {
            rc = status_err(rs, true, ref, resp->status, body, len, err);
            free(body);
        } else if (rc == 0) {
            *body_r = body;
            *len_r = len;
        }
        break;
    }
    /* A tag never holds ':', a digest always does. */
    if (rc < 0 && !err->msg)
        xo_err_set(
            err, EACCES,
            "%s/%s%s%s: access denied: the registry refused every token it gave (the repository does not exist, or needs other credentials: --creds or an auth file)",
            rs->host, rs->repo, strchr(ref, ':') ? "@" : ":", ref);
    free(url);
    return rc;
}

/* Stores a manifest fetched by reference; checks every digest we know. */
static int store_manifest(struct registry_source *rs,
                          const struct blob_store *bs, const char *ref,
                          const struct digest *expect, int64_t expect_size,
                          struct oci_descriptor *d_r, xo_err *err)
{
    char *body = NULL;
    size_t len = 0;
    struct http_resp resp;
    struct digest got, header;
    if (get_manifest(rs, ref, &body, &len, &resp, err) < 0)
        return -1;
    int rc = digest_buffer(&got, body, len, err);
    if (rc == 0 && expect)
        rc = digest_check(expect, &got, "manifest", err);
    if (rc == 0 && expect_size >= 0 && (int64_t)len != expect_size)
        rc = xo_err_set(err, EBADMSG, "manifest %s: %zu bytes, %lld declared",
                        got.str, len, (long long)expect_size);
    if (rc == 0 && resp.docker_digest[0]) {
        xo_err ignore = XO_ERR_INIT;
        if (digest_parse(&header, resp.docker_digest, &ignore) == 0)
            rc = digest_check(&header, &got,
                              "manifest (registry's Docker-Content-Digest)",
                              err);
        xo_err_clear(&ignore);
    }
    if (rc < 0)
        note_encoding(resp.content_encoding, err);
    if (rc == 0 && !blobstore_has(bs, &got, (int64_t)len))
        rc = blobstore_put(bs, &got, body, len, err);
    if (rc == 0 && d_r) {
        memset(d_r, 0, sizeof(*d_r));
        d_r->digest = got;
        d_r->size = (int64_t)len;
        resp.content_type[strcspn(resp.content_type, "; ")] = '\0';
        d_r->media_type = xo_xstrdup(resp.content_type);
    }
    free(body);
    /* A tag never holds ':', a digest always does: name it as the user
     * would write it, repo:tag or repo@sha256:HEX. */
    if (rc < 0)
        xo_err_wrap(err, "%s/%s%s%s", rs->host, rs->repo,
                    strchr(ref, ':') ? "@" : ":", ref);
    return rc;
}

static int reg_resolve(struct image_source *base, const struct blob_store *bs,
                       struct oci_descriptor *top_r, xo_err *err)
{
    struct registry_source *rs = (struct registry_source *)base;
    image_progress(rs->base.progress, rs->base.progress_arg,
                   "resolving %s/%s%s%s", rs->host, rs->repo,
                   rs->pinned ? "@" : ":",
                   rs->pinned ? rs->digest.str : rs->tag);
    return store_manifest(rs, bs, rs->pinned ? rs->digest.str : rs->tag,
                          rs->pinned ? &rs->digest : NULL, -1, top_r, err);
}

static int reg_resolve_tag(struct image_source *base,
                           const struct blob_store *bs, const char *tag,
                           struct oci_descriptor *top_r, xo_err *err)
{
    struct registry_source *rs = (struct registry_source *)base;
    return store_manifest(rs, bs, tag, NULL, -1, top_r, err);
}

/* One attempt at a blob; *retry_r when worth another (partial kept),
 * with the server's Retry-After in retry_after (registry_retry.h). */
static int blob_attempt(struct registry_source *rs, const char *url,
                        const struct oci_descriptor *d, struct blob_writer *w,
                        char enc[32], bool *retry_r, char retry_after[64],
                        xo_err *err)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        char *auth = auth_copy(rs);
        const char *hdrs[] = {auth, NULL};
        struct http_resp resp;
        int rc = http_get_blob(&rs->http, url, hdrs, w, &resp, retry_r, err);
        memcpy(enc, resp.content_encoding, sizeof(resp.content_encoding));
        memcpy(retry_after, resp.retry_after, sizeof(resp.retry_after));
        if (rc == 0 && resp.status == 401) {
            rc = authenticate(rs, resp.www_auth, auth, err);
            free(auth);
            if (rc < 0)
                return -1;
            continue;
        }
        free(auth);
        if (rc < 0)
            return -1;
        if (resp.status != 200 && resp.status != 206) {
            *retry_r = registry_status_transient(resp.status);
            status_err(rs, false, d->digest.str, resp.status, resp.error_body,
                       strlen(resp.error_body), err);
            /* The registry sent it elsewhere: that server answered. */
            if (resp.redirected_to[0])
                xo_err_wrap(err, "redirected by the registry to %s",
                            resp.redirected_to);
            return -1;
        }
        return 0;
    }
    return xo_err_set(
        err, EACCES,
        "%s/%s: blob %s: access denied: the registry refused every token it gave (other credentials may be needed: --creds or an auth file)",
        rs->host, rs->repo, d->digest.str);
}

/* registry_pause_unless()'s stop: the pull stopped (blobtap.h); never
 * without a tap. */
static bool tap_stopped(void *tap)
{
    return tap && blob_tap_cancelled(tap);
}

static int reg_fetch(struct image_source *base, const struct blob_store *bs,
                     const struct oci_descriptor *d, int64_t max,
                     struct blob_tap *tap, xo_err *err)
{
    struct registry_source *rs = (struct registry_source *)base;
    if (blobstore_has(bs, &d->digest, d->size))
        return 0;
    if (manifest_media_kind(d->media_type) != OCI_KIND_UNKNOWN)
        return store_manifest(rs, bs, d->digest.str, &d->digest, d->size, NULL,
                              err);
    char *url = xo_xasprintf("%s/blobs/%s", rs->base_url, d->digest.str);
    char enc[32] = "", retry_after[64] = "";
    int rc = -1;
    /* Failures without progress count: an attempt that got further than
     * the one before resumes from there, as often as that helps (up to
     * REGISTRY_ROUNDS attempts), and only REGISTRY_RETRIES in a row that
     * got nowhere end the pull (helper-68: a layer cut three times failed
     * although each attempt resumed and made progress). */
    unsigned failures = 0;
    uint64_t last_off = 0;
    bool restarted = false;
    for (int t = 0; t < REGISTRY_ROUNDS; t++) {
        struct blob_writer *w = NULL;
        if (blob_writer_begin(&w, bs, &d->digest, d->size, max,
                              BLOB_WRITER_RESUME, err) < 0)
            break;
        blob_writer_set_tap(w, tap);
        uint64_t off = blob_writer_offset(w);
        if (t > 0 && off > last_off)
            failures = 0;
        last_off = off;
        if (off)
            image_progress(rs->base.progress, rs->base.progress_arg,
                           "resuming %s at byte %llu of %lld", d->digest.str,
                           (unsigned long long)off, (long long)d->size);
        else
            image_progress(rs->base.progress, rs->base.progress_arg,
                           "fetching %s (%lld bytes)", d->digest.str,
                           (long long)d->size);
        bool retry = false;
        rc = blob_attempt(rs, url, d, w, enc, &retry, retry_after, err);
        if (rc < 0) {
            /* Stopped because another layer failed: what came is kept,
             * for the next pull to resume, and nothing is tried again. */
            bool stopped = blob_writer_cancelled(w);
            blob_writer_abort(w, retry || stopped);
            if (!retry || stopped || failures >= REGISTRY_RETRIES ||
                t + 1 == REGISTRY_ROUNDS)
                break;
            unsigned s = registry_retry_pause(++failures, retry_after);
            /* The message names the blob already. */
            image_progress(rs->base.progress, rs->base.progress_arg,
                           "%s; again in %u s", xo_err_msg(err), s);
            if (registry_pause_unless(s, tap_stopped, tap)) {
                /* Another layer failed meanwhile: that is the pull's
                 * error; this one's is said as a stop. */
                xo_err_clear(err);
                rc = xo_err_set(err, ECANCELED, "blob %s: the pull stopped",
                                d->digest.str);
                break;
            }
            xo_err_clear(err);
            continue;
        }
        rc = blob_writer_commit(w, err);
        /* A bad resumed partial (left by a crash mid-write, or by a server
         * that changed the blob) is gone now: try once more from byte 0. */
        if (rc < 0 && off > 0 && !restarted && t + 1 < REGISTRY_ROUNDS) {
            restarted = true;
            last_off = 0;
            xo_err_clear(err);
            continue;
        }
        break;
    }
    free(url);
    if (rc < 0) {
        note_encoding(enc, err);
        xo_err_wrap(err, "%s/%s", rs->host, rs->repo);
    }
    return rc;
}

static void reg_free(struct image_source *base)
{
    struct registry_source *rs = (struct registry_source *)base;
    free(rs->host);
    free(rs->repo);
    free(rs->tag);
    free(rs->base_url);
    auth_creds_dispose(&rs->creds);
    free(rs->auth);
    http_client_dispose(&rs->http);
    pthread_mutex_destroy(&rs->lock);
    free(rs);
}

static const struct image_source_ops registry_ops = {
    .resolve = reg_resolve,
    .resolve_tag = reg_resolve_tag,
    .fetch = reg_fetch,
    .free = reg_free,
};

/*
 * The certs.d directory of registry `host` ("HOST[:PORT]") when no
 * --cert-dir was given: the first of XL_OCI_CERTS_D's directories (':'
 * between them; default /etc/containers/certs.d then /etc/docker/certs.d,
 * where podman, skopeo and docker look) that has a HOST[:PORT]
 * subdirectory, or NULL (helper-68: a registry with a private CA or a
 * client certificate needed --cert-dir on every pull, and create could
 * not pass it).  The caller frees it.
 */
static char *certs_d_for(const char *host)
{
    const char *list = getenv("XL_OCI_CERTS_D");
    if (!list)
        list = "/etc/containers/certs.d:/etc/docker/certs.d";
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ":");
        if (n > 0) {
            char *dir = xo_xasprintf("%.*s/%s", (int)n, p, host);
            struct stat st;
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return dir;
            free(dir);
        }
        p += n + (p[n] == ':');
    }
    return NULL;
}

/*
 * Docker's rule for an insecure registry (listed in its daemon.json,
 * insecure_registry.h), which a registry on the loopback is with no
 * configuration: HTTPS first, plain HTTP when the TLS handshake fails, as
 * it does against a server that talks plain HTTP (a local
 * docker-registry on 127.0.0.1:5000).  A certificate that does not
 * verify is no reason: that server talks TLS.  What crosses a network to
 * a registry not listed keeps HTTPS unless --plain-http.
 */
static void insecure_plain_http(struct registry_source *rs, bool listed)
{
    char *url = xo_xasprintf("https://%s/v2/", rs->host);
    const char *const no_headers[] = {NULL};
    struct http_resp resp;
    char *body = NULL;
    size_t len = 0;
    xo_err e = XO_ERR_INIT;
    bool plain = false;
    /* One listed in daemon.json is also tried over HTTP when nothing
     * listens for HTTPS, as Docker tries it (named without a port: 443,
     * then 80); the loopback's rule stays the handshake (helper-95). */
    if (http_get_mem(&rs->http, url, no_headers, 64 * 1024, &body, &len, &resp,
                     &e) < 0 &&
        (resp.tls_failed || (listed && resp.couldnt_connect))) {
        /* A handshake also fails on a TLS server's alert (a client
         * certificate it wants, a protocol it refuses): plain HTTP only
         * when the server answers it (helper-76: an mTLS registry's error
         * became "Empty reply from server" over http://). */
        free(body);
        body = NULL;
        free(url);
        url = xo_xasprintf("http://%s/v2/", rs->host);
        xo_err_clear(&e);
        plain = http_get_mem(&rs->http, url, no_headers, 64 * 1024, &body, &len,
                             &resp, &e) == 0 &&
                resp.status >= 200 && resp.status < 500;
    }
    if (plain) {
        free(rs->base_url);
        rs->base_url = xo_xasprintf("http://%s/v2/%s", rs->host, rs->repo);
    }
    xo_err_clear(&e);
    free(body);
    free(url);
}

int registry_source_new(struct image_source **src_r, const char *host,
                        const char *repo, const char *tag,
                        const struct digest *pinned,
                        const struct image_pull_opts *o, xo_err *err)
{
    bool plain = o && o->plain_http, insecure = false;
    if (!plain && registry_insecure(&insecure, host, err) < 0)
        return -1;
    struct registry_source *rs = xo_xcalloc(1, sizeof(*rs));
    pthread_mutex_init(&rs->lock, NULL);
    rs->base.ops = &registry_ops;
    rs->base.parallel = true;
    rs->host = xo_xstrdup(host);
    rs->repo = xo_xstrdup(repo);
    rs->tag = tag ? xo_xstrdup(tag) : NULL;
    if (pinned) {
        rs->pinned = true;
        rs->digest = *pinned;
    }
    rs->base_url =
        xo_xasprintf("%s://%s/v2/%s", plain ? "http" : "https", host, repo);
    char *certs_d = o && o->cert_dir ? NULL : certs_d_for(host);
    /* TLS configured for the host (certs.d, --cert-dir): never plain. */
    bool tls_configured = certs_d || (o && o->cert_dir);
    int tls = http_client_init(&rs->http,
                               certs_d ? certs_d
                               : o     ? o->cert_dir
                                       : NULL,
                               (o && o->tls_no_verify) || insecure, err);
    if (tls < 0 && certs_d)
        xo_err_wrap(err, "the registry's certs.d directory");
    free(certs_d);
    if (tls < 0 || auth_lookup(&rs->creds, host, o ? o->auth_file : NULL,
                               o ? o->creds : NULL, err) < 0) {
        reg_free(&rs->base);
        return -1;
    }
    if (!plain && !tls_configured && (insecure || http_host_is_loopback(host)))
        insecure_plain_http(rs, insecure);
    *src_r = &rs->base;
    return 0;
}
