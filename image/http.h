/*
 * http.h: the few HTTP requests the registry source needs, over libcurl:
 * GETs, and the one POST of an OAuth2 token request.
 * Bodies go either to a capped memory buffer (manifests, tokens) or
 * straight into a blob_writer (layers), which hashes while it writes and
 * cuts the transfer off at the declared size.  A blob_writer holding a
 * partial file resumes with a Range request.
 */
#ifndef XL_OCI_IMAGE_HTTP_H
#define XL_OCI_IMAGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "blobstore.h"
#include "common/error.h"

/* Response headers kept are capped at this length. */
#define HTTP_HEADER_MAX 4096
/* The combined CA bundle (system bundle + --cert-dir) is capped. */
#define HTTP_CA_MAX (8 << 20)

struct http_client {
    bool tls_no_verify;
    char *ca; /* PEM bundle, or NULL for curl's default */
    size_t ca_len;
    /* A client certificate and its key (PEM files) for registries that
     * ask for one (mutual TLS), or NULL. */
    char *client_cert, *client_key;
};

/* Bytes of a blob request's error body kept (a registry's JSON error). */
#define HTTP_ERROR_BODY_MAX 2048

struct http_resp {
    long status;
    char content_type[256];
    char www_auth[HTTP_HEADER_MAX];
    char docker_digest[128];
    char content_encoding[32]; /* "" when none (asked: identity) */
    /* http_get_blob: the scheme://host[:port] that answered when the
     * registry redirected the request (a CDN, object storage), else "" */
    char redirected_to[256];
    /* http_get_blob: the start of a non-2xx body, NUL-terminated (a body
     * cut short or holding a NUL byte is of no use to quote: "") */
    char error_body[HTTP_ERROR_BODY_MAX];
    /* The Retry-After header's value as sent (RFC 9110 10.2.3: seconds,
     * or an HTTP date), "" when none. */
    char retry_after[64];
    /* A failed transfer another may get through: the connection dropped,
     * timed out or gave nothing (not a certificate, a name or a proxy's
     * refusal, which the next attempt meets again). */
    bool transient;
    /* The TLS handshake failed (CURLE_SSL_CONNECT_ERROR): a server that
     * talks plain HTTP fails so. */
    bool tls_failed;
    /* Nothing listened (CURLE_COULDNT_CONNECT): an insecure registry may
     * talk plain HTTP on another port (port 80, named without one). */
    bool couldnt_connect;
};

/*
 * One response header line as the server sent it (buf[len], no NUL after
 * it, CRLF included) into r: the headers kept above are copied, trimmed,
 * capped, and printable ASCII or tab ('?' for any other byte); a status
 * line ("HTTP/...", after a redirect or a 100) starts them over.
 * libcurl's header callback.
 */
void http_resp_header(struct http_resp *r, const char *buf, size_t len);

/* Opens libcurl on first use (http_lib.h; its error when that fails),
 * then, when cert_dir is given, reads it as docker's and skopeo's
 * certs.d directories are read: every *.crt is a CA, added to the system
 * bundle; a NAME.cert with its NAME.key is the client certificate (the
 * first by name; a .cert without its .key is an error naming it). */
int http_client_init(struct http_client *c, const char *cert_dir,
                     bool tls_no_verify, xo_err *err);
void http_client_dispose(struct http_client *c);

/*
 * GET url into memory (at most max bytes; more fails).  `headers` is a
 * NULL-terminated list of extra request headers ("Name: value").  A
 * non-2xx status is not an error here: look at resp->status.
 */
int http_get_mem(const struct http_client *c, const char *url,
                 const char *const *headers, size_t max, char **body_r,
                 size_t *len_r, struct http_resp *resp, xo_err *err);

/*
 * POST `form` (application/x-www-form-urlencoded, already escaped: see
 * http_escape) to url, the response into memory as http_get_mem.  For
 * an OAuth2 token request (RFC 6749 section 6).
 */
int http_post_form_mem(const struct http_client *c, const char *url,
                       const char *const *headers, const char *form, size_t max,
                       char **body_r, size_t *len_r, struct http_resp *resp,
                       xo_err *err);

/*
 * GET url into w, resuming from blob_writer_offset(w).  Returns 0 with
 * resp->status set when the transfer completed (any status), -1 on a
 * transport or write error; *retryable_r says whether trying again (with
 * the partial kept) makes sense.
 */
int http_get_blob(const struct http_client *c, const char *url,
                  const char *const *headers, struct blob_writer *w,
                  struct http_resp *resp, bool *retryable_r, xo_err *err);

/* Whether `host` ("name[:port]", "[v6]:port") is the loopback:
 * "localhost", 127.0.0.0/8 or [::1]. */
bool http_host_is_loopback(const char *host);

/* URL-encodes s (RFC 3986 unreserved kept); owned by the caller, never
 * NULL. */
char *http_escape(const char *s);

#endif
