/* http.c: capped libcurl GETs (see http.h). */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "http_lib.h"

static bool loopback_url(const char *url);

/* What an admin can do about a transfer error, where it is plain. */
static const char *hint(CURLcode cc, const char *url, bool client_cert,
                        long status)
{
    bool tls = strncmp(url, "https://", 8) == 0;
    /* A TLS handshake with a server that talks plain HTTP fails so; on
     * the loopback plain HTTP was tried already (registry.c). */
    if (cc == CURLE_SSL_CONNECT_ERROR && tls && !loopback_url(url))
        return " (if the registry talks plain HTTP, pull with --plain-http, or list it in insecure-registries of /etc/docker/daemon.json)";
    if (cc == CURLE_PEER_FAILED_VERIFICATION)
        return " (a registry with a private CA: pull with --cert-dir DIR, DIR holding the CA's .crt)";
    /* TLS 1.3: a server that wants a client certificate ends the
     * connection after the handshake, and curl only sees it gone. */
    if (tls && !client_cert && status == 0 &&
        (cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR ||
         cc == CURLE_GOT_NOTHING))
        return " (a registry that asks for a client certificate ends the connection so: put NAME.cert and NAME.key in --cert-dir DIR or in its certs.d directory)";
    return "";
}

/* A failed transfer, said with curl's own words (CURLOPT_ERRORBUFFER:
 * which certificate check failed, what a proxy answered, which host and
 * port did not answer; helper-68: only the code's generic text was
 * given), else its code's text; and the server the registry redirected
 * the request to, when it did, since that server failed, not the
 * registry. */
static int transfer_failed(xo_err *err, const struct http_client *c,
                           const char *url, CURLcode cc, const char *detail,
                           struct http_resp *resp)
{
    /* Not a refused connection: a wrong port or a host that is down
     * answers the same way a few seconds later. */
    resp->transient = cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR ||
                      cc == CURLE_PARTIAL_FILE ||
                      cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_GOT_NOTHING;
    resp->tls_failed = cc == CURLE_SSL_CONNECT_ERROR;
    resp->couldnt_connect = cc == CURLE_COULDNT_CONNECT;
    const char *to = resp->redirected_to;
    return xo_err_set(err, EIO, "%s%s%s%s: %s%s", url,
                      to[0] ? " (redirected by the registry to " : "", to,
                      to[0] ? ")" : "",
                      detail[0] ? detail : http_curl.easy_strerror(cc),
                      hint(cc, url, c->client_cert != NULL, resp->status));
}

#define HTTP_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"
#define HTTP_CONNECT_TIMEOUT 30L
/* A transfer slower than 1 kB/s for 60 s is dead. */
#define HTTP_LOW_SPEED 1024L
#define HTTP_LOW_TIME 60L
#define HTTP_MAX_REDIRS 5L
/* Bytes per write callback of a blob download (curl's default is 16 KiB):
 * each callback hashes, writes and wakes an unpacker following the blob
 * (blobtap.h), so fewer, larger ones cost fewer system calls. */
#define HTTP_BLOB_BUFFER (512L * 1024)

static int ca_append(struct http_client *c, const char *path, xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (xo_read_file(&buf, &len, path, HTTP_CA_MAX, err) < 0)
        return -1;
    if (c->ca_len + len + 1 > HTTP_CA_MAX) {
        free(buf);
        return xo_err_set(err, EFBIG,
                          "CA certificates: more than %d bytes at %s",
                          HTTP_CA_MAX, path);
    }
    c->ca = xo_xrealloc(c->ca, c->ca_len + len + 2);
    memcpy(c->ca + c->ca_len, buf, len);
    c->ca_len += len;
    c->ca[c->ca_len++] = '\n';
    c->ca[c->ca_len] = '\0';
    free(buf);
    return 0;
}

int http_client_init(struct http_client *c, const char *cert_dir,
                     bool tls_no_verify, xo_err *err)
{
    memset(c, 0, sizeof(*c));
    c->tls_no_verify = tls_no_verify;
    if (http_curl_load(err) < 0)
        return -1;
    http_curl.global_init(CURL_GLOBAL_DEFAULT);
    if (!cert_dir)
        return 0;
    /* Like skopeo's --cert-dir: every *.crt is a CA, added to the system
     * bundle rather than replacing it. */
    xo_err ignore = XO_ERR_INIT;
    if (ca_append(c, HTTP_SYSTEM_CA, &ignore) < 0)
        xo_err_clear(&ignore);
    struct dirent **names = NULL;
    int n = scandir(cert_dir, &names, NULL, alphasort);
    if (n < 0)
        return xo_err_sys(err, "cannot read certificate directory %s",
                          cert_dir);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (rc == 0 && len > 4 && !strcmp(name + len - 4, ".crt")) {
            char *p = xo_path_join(cert_dir, name);
            rc = ca_append(c, p, err);
            free(p);
        } else if (rc == 0 && len > 5 && !strcmp(name + len - 5, ".cert") &&
                   !c->client_cert) {
            /* Docker's pairing: client.cert goes with client.key. */
            c->client_cert = xo_path_join(cert_dir, name);
            c->client_key =
                xo_xasprintf("%s/%.*s.key", cert_dir, (int)(len - 5), name);
            if (access(c->client_key, R_OK) < 0)
                rc = xo_err_sys(
                    err,
                    "client certificate %s: cannot read its key %s (a NAME.cert goes with NAME.key)",
                    c->client_cert, c->client_key);
        }
        free(names[i]);
    }
    free(names);
    if (rc < 0)
        http_client_dispose(c);
    return rc;
}

void http_client_dispose(struct http_client *c)
{
    free(c->ca);
    free(c->client_cert);
    free(c->client_key);
    memset(c, 0, sizeof(*c));
}

char *http_escape(const char *s)
{
    size_t n = strlen(s);
    char *out = xo_xmalloc(n * 3 + 1), *o = out;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || strchr("-._~", ch))
            *o++ = (char)ch;
        else
            o += sprintf(o, "%%%02X", ch);
    }
    *o = '\0';
    return out;
}

static void copy_value(char *dst, size_t cap, const char *v, size_t len)
{
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 &&
           (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
        len--;
    if (len >= cap)
        len = cap - 1;
    /* Printable ASCII and tab, as the headers we keep are written: a
     * control byte would reach messages (Content-Encoding's) and the
     * stored media type (Content-Type's) as the server sent it. */
    for (size_t i = 0; i < len; i++)
        dst[i] = (v[i] >= 0x20 && v[i] <= 0x7e) || v[i] == '\t' ? v[i] : '?';
    dst[len] = '\0';
}

void http_resp_header(struct http_resp *r, const char *buf, size_t len)
{
    if (len >= 5 && !strncmp(buf, "HTTP/", 5)) {
        r->content_type[0] = r->www_auth[0] = r->docker_digest[0] =
            r->content_encoding[0] = r->retry_after[0] = '\0';
        return;
    }
    const char *colon = memchr(buf, ':', len);
    if (!colon)
        return;
    size_t klen = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vlen = len - klen - 1;
    if (klen == 12 && !strncasecmp(buf, "Content-Type", 12))
        copy_value(r->content_type, sizeof(r->content_type), v, vlen);
    else if (klen == 16 && !strncasecmp(buf, "WWW-Authenticate", 16)) {
        /* Several headers are one list of challenges (RFC 7230 3.2.2). */
        size_t have = strlen(r->www_auth);
        if (have > 0 && have + 2 < sizeof(r->www_auth)) {
            memcpy(r->www_auth + have, ", ", 3);
            have += 2;
        }
        copy_value(r->www_auth + have, sizeof(r->www_auth) - have, v, vlen);
    } else if (klen == 21 && !strncasecmp(buf, "Docker-Content-Digest", 21))
        copy_value(r->docker_digest, sizeof(r->docker_digest), v, vlen);
    else if (klen == 16 && !strncasecmp(buf, "Content-Encoding", 16))
        copy_value(r->content_encoding, sizeof(r->content_encoding), v, vlen);
    else if (klen == 11 && !strncasecmp(buf, "Retry-After", 11))
        copy_value(r->retry_after, sizeof(r->retry_after), v, vlen);
}

/* CURLOPT_HEADERFUNCTION: each header line as it comes. */
static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    http_resp_header(arg, buf, size * n);
    return size * n;
}

bool http_host_is_loopback(const char *host)
{
    /* The name alone: "[v6]" without its brackets, else up to the port
     * (or a URL's path).  Literal addresses and "localhost" only, never a
     * name that a resolver could point anywhere (helper-76:
     * "127.evil.example" was taken for the loopback). */
    char name[64];
    const char *h = host, *end;
    if (*h == '[') {
        h++;
        end = strchr(h, ']');
        if (!end)
            return false;
    } else {
        end = h + strcspn(h, ":/");
    }
    size_t n = (size_t)(end - h);
    if (n == 0 || n >= sizeof(name))
        return false;
    memcpy(name, h, n);
    name[n] = '\0';
    if (strcasecmp(name, "localhost") == 0)
        return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, name, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return host[0] == '[' && inet_pton(AF_INET6, name, &a6) == 1 &&
           (IN6_IS_ADDR_LOOPBACK(&a6) ||
            (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127));
}

/* Whether `url`'s host is the loopback. */
static bool loopback_url(const char *url)
{
    const char *h = strstr(url, "://");
    return http_host_is_loopback(h ? h + 3 : url);
}

/*
 * The proxy environment as Docker, containerd and skopeo read it (Go's
 * ProxyFromEnvironment), where curl reads it otherwise (helper-68): the
 * loopback is never proxied (a registry on localhost:5000 went to the
 * company proxy, which cannot reach the host's loopback), and
 * HTTP_PROXY in upper case counts for http:// (curl takes only the lower
 * case, against "httpoxy", a CGI hazard that a command is not).  The
 * rest (https_proxy, HTTPS_PROXY, NO_PROXY) curl reads as Go does.
 */
static void proxy_from_env(CURL *h, const char *url)
{
    if (loopback_url(url)) {
        http_set_str(h, CURLOPT_PROXY, "");
        return;
    }
    const char *upper = getenv("HTTP_PROXY");
    if (!strncmp(url, "http://", 7) && !getenv("http_proxy") && upper && *upper)
        http_set_str(h, CURLOPT_PROXY, upper);
}

static CURL *easy_new(const struct http_client *c, const char *url,
                      struct curl_slist *hdrs, struct http_resp *resp)
{
    CURL *h = http_curl.easy_init();
    if (!h) /* without memory, or libcurl's global init failed */
        return NULL;
    http_set_str(h, CURLOPT_URL, url);
    http_set_long(h, CURLOPT_NOSIGNAL, 1L);
    http_set_long(h, CURLOPT_FOLLOWLOCATION, 1L);
    http_set_long(h, CURLOPT_MAXREDIRS, HTTP_MAX_REDIRS);
    http_set_str(h, CURLOPT_PROTOCOLS_STR, "http,https");
    http_set_str(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    http_set_long(h, CURLOPT_CONNECTTIMEOUT, HTTP_CONNECT_TIMEOUT);
    http_set_long(h, CURLOPT_LOW_SPEED_LIMIT, HTTP_LOW_SPEED);
    http_set_long(h, CURLOPT_LOW_SPEED_TIME, HTTP_LOW_TIME);
    http_set_str(h, CURLOPT_USERAGENT, "xl-oci/" XO_VERSION);
    proxy_from_env(h, url);
    http_set_slist(h, CURLOPT_HTTPHEADER, hdrs);
    http_set_fn(h, CURLOPT_HEADERFUNCTION, on_header);
    http_set_data(h, CURLOPT_HEADERDATA, resp);
    if (c->tls_no_verify) {
        http_set_long(h, CURLOPT_SSL_VERIFYPEER, 0L);
        http_set_long(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (c->ca) {
        struct curl_blob blob = {
            .data = c->ca, .len = c->ca_len, .flags = CURL_BLOB_COPY};
        http_set_blob(h, CURLOPT_CAINFO_BLOB, &blob);
    }
    if (c->client_cert) {
        http_set_str(h, CURLOPT_SSLCERT, c->client_cert);
        http_set_str(h, CURLOPT_SSLKEY, c->client_key);
        /* An encrypted key is refused, as Go's clients refuse it, rather
         * than OpenSSL asking for its passphrase on the terminal (a pull
         * or create hung there: helper-74). */
        http_set_str(h, CURLOPT_KEYPASSWD, "");
    }
    return h;
}

/* The caller's headers, and always "Accept-Encoding: identity": a
 * request without one takes any encoding (RFC 9110 12.5.3), and a blob
 * or manifest a server then gzips would be stored encoded, its digest
 * wrong.  Blobs are named by their bytes as they are; none is decoded. */
/* Where a redirected request ended: its URL's scheme://host[:port]. */
static void note_redirect(CURL *h, struct http_resp *resp)
{
    long redirects = 0;
    char *url = NULL;
    http_info_long(h, CURLINFO_REDIRECT_COUNT, &redirects);
    if (redirects <= 0)
        return;
    http_info_str(h, CURLINFO_EFFECTIVE_URL, &url);
    if (!url)
        return;
    const char *host = strstr(url, "://");
    size_t n = host ? (size_t)(host + 3 - url) + strcspn(host + 3, "/?#") : 0;
    if (n && n < sizeof(resp->redirected_to)) {
        memcpy(resp->redirected_to, url, n);
        resp->redirected_to[n] = '\0';
    }
}

static struct curl_slist *make_headers(const char *const *headers)
{
    struct curl_slist *l = NULL;
    for (const char *const *p = headers; p && *p; p++) {
        /* curl_slist_append fails only without memory. */
        struct curl_slist *n = http_curl.slist_append(l, *p);
        if (!n)
            xo_oom();
        l = n;
    }
    struct curl_slist *n =
        http_curl.slist_append(l, "Accept-Encoding: identity");
    if (!n)
        xo_oom();
    return n;
}

struct membuf {
    char *p;
    size_t len, max;
    bool over;
};

static size_t on_mem(char *buf, size_t size, size_t n, void *arg)
{
    struct membuf *m = arg;
    size_t len = size * n;
    if (len > m->max - m->len) {
        m->over = true;
        return 0;
    }
    /* Bounded by m->max, the caller's limit for this response. */
    m->p = xo_xrealloc(m->p, m->len + len + 1);
    memcpy(m->p + m->len, buf, len);
    m->len += len;
    m->p[m->len] = '\0';
    return len;
}

/* GET url, or POST `form` to it when form is not NULL: http_get_mem's
 * and http_post_form_mem's shared body. */
static int mem_request(const struct http_client *c, const char *url,
                       const char *const *headers, const char *form, size_t max,
                       char **body_r, size_t *len_r, struct http_resp *resp,
                       xo_err *err)
{
    memset(resp, 0, sizeof(*resp));
    struct membuf m = {.max = max};
    struct curl_slist *hl = make_headers(headers);
    CURL *h = easy_new(c, url, hl, resp);
    if (!h) {
        http_curl.slist_free_all(hl);
        return xo_err_set(err, EIO, "%s: libcurl cannot start a transfer", url);
    }
    http_set_fn(h, CURLOPT_WRITEFUNCTION, on_mem);
    http_set_data(h, CURLOPT_WRITEDATA, &m);
    /* Copied by libcurl; a POST with the form content type by default. */
    if (form)
        http_set_str(h, CURLOPT_COPYPOSTFIELDS, form);
    char detail[CURL_ERROR_SIZE] = "";
    http_set_data(h, CURLOPT_ERRORBUFFER, detail);
    CURLcode cc = http_curl.easy_perform(h);
    http_info_long(h, CURLINFO_RESPONSE_CODE, &resp->status);
    note_redirect(h, resp);
    http_curl.easy_cleanup(h);
    http_curl.slist_free_all(hl);
    if (m.over) {
        free(m.p);
        return xo_err_set(err, EFBIG, "%s: response larger than %zu bytes", url,
                          max);
    }
    if (cc != CURLE_OK) {
        free(m.p);
        return transfer_failed(err, c, url, cc, detail, resp);
    }
    if (!m.p)
        m.p = xo_xcalloc(1, 1);
    *body_r = m.p;
    *len_r = m.len;
    return 0;
}

int http_get_mem(const struct http_client *c, const char *url,
                 const char *const *headers, size_t max, char **body_r,
                 size_t *len_r, struct http_resp *resp, xo_err *err)
{
    return mem_request(c, url, headers, NULL, max, body_r, len_r, resp, err);
}

int http_post_form_mem(const struct http_client *c, const char *url,
                       const char *const *headers, const char *form, size_t max,
                       char **body_r, size_t *len_r, struct http_resp *resp,
                       xo_err *err)
{
    return mem_request(c, url, headers, form, max, body_r, len_r, resp, err);
}

struct blobsink {
    CURL *h;
    struct blob_writer *w;
    struct http_resp *resp;
    size_t error_len; /* of resp->error_body; past its cap: given up */
    xo_err *err;
    bool checked; /* status looked at before the first byte */
    bool failed;  /* the writer refused: not retryable */
    bool ignore;  /* non-2xx body: kept in resp->error_body, if it fits */
};

/* Keeps a non-2xx body in resp->error_body while it fits whole. */
static void keep_error_body(struct blobsink *s, const char *buf, size_t len)
{
    char *eb = s->resp->error_body;
    if (s->error_len + len >= sizeof(s->resp->error_body) ||
        memchr(buf, '\0', len)) {
        s->error_len = sizeof(s->resp->error_body);
        eb[0] = '\0';
        return;
    }
    memcpy(eb + s->error_len, buf, len);
    s->error_len += len;
    eb[s->error_len] = '\0';
}

static size_t on_blob(char *buf, size_t size, size_t n, void *arg)
{
    struct blobsink *s = arg;
    size_t len = size * n;
    if (!s->checked) {
        long st = 0;
        http_info_long(s->h, CURLINFO_RESPONSE_CODE, &st);
        s->checked = true;
        if (st < 200 || st > 299)
            s->ignore = true;
        else if (st == 200 && blob_writer_offset(s->w) > 0 &&
                 blob_writer_reset(s->w, s->err) < 0) {
            s->failed = true;
            return 0;
        }
    }
    if (s->ignore) {
        keep_error_body(s, buf, len);
        return len;
    }
    if (blob_writer_write(s->w, buf, len, s->err) < 0) {
        s->failed = true;
        return 0;
    }
    return len;
}

/* CURLOPT_XFERINFOFUNCTION, called about once a second even when no byte
 * comes: a download whose pull stopped ends now, not at its last byte or
 * the low-speed timeout. */
static int blob_xferinfo(void *arg, curl_off_t dltotal, curl_off_t dlnow,
                         curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return blob_writer_cancelled(arg) ? 1 : 0;
}

int http_get_blob(const struct http_client *c, const char *url,
                  const char *const *headers, struct blob_writer *w,
                  struct http_resp *resp, bool *retryable_r, xo_err *err)
{
    memset(resp, 0, sizeof(*resp));
    *retryable_r = false;
    struct curl_slist *hl = make_headers(headers);
    CURL *h = easy_new(c, url, hl, resp);
    if (!h) {
        http_curl.slist_free_all(hl);
        return xo_err_set(err, EIO, "%s: libcurl cannot start a transfer", url);
    }
    struct blobsink s = {.h = h, .w = w, .resp = resp, .err = err};
    http_set_long(h, CURLOPT_BUFFERSIZE, HTTP_BLOB_BUFFER);
    http_set_fn(h, CURLOPT_WRITEFUNCTION, on_blob);
    http_set_data(h, CURLOPT_WRITEDATA, &s);
    http_set_xferinfo(h, blob_xferinfo);
    http_set_data(h, CURLOPT_XFERINFODATA, w);
    http_set_long(h, CURLOPT_NOPROGRESS, 0L);
    uint64_t off = blob_writer_offset(w);
    if (off > 0)
        http_set_off(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)off);
    char detail[CURL_ERROR_SIZE] = "";
    http_set_data(h, CURLOPT_ERRORBUFFER, detail);
    CURLcode cc = http_curl.easy_perform(h);
    http_info_long(h, CURLINFO_RESPONSE_CODE, &resp->status);
    note_redirect(h, resp);
    http_curl.easy_cleanup(h);
    http_curl.slist_free_all(hl);
    if (s.failed)
        return -1; /* err filled by the writer */
    if (cc == CURLE_ABORTED_BY_CALLBACK)
        return xo_err_set(err, ECANCELED, "%s: the pull stopped", url);
    if (cc == CURLE_RANGE_ERROR || resp->status == 416) {
        /* The server will not resume: start over next time. */
        *retryable_r = true;
        if (blob_writer_reset(w, err) < 0)
            return -1;
        return xo_err_set(err, EIO, "%s: server refused to resume", url);
    }
    if (cc != CURLE_OK) {
        int rc = transfer_failed(err, c, url, cc, detail, resp);
        *retryable_r = resp->transient;
        return rc;
    }
    return 0;
}
