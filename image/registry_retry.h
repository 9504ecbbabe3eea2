/*
 * registry_retry.h: when a registry request is tried again, and after how
 * long.  A registry, its CDN or a proxy in front of it answers 429 when it
 * rate-limits (Docker Hub does), 502/503/504 while a backend restarts, and
 * connections drop; skopeo and containerd wait Retry-After and ask again,
 * Docker's puller tries a layer 5 times with growing pauses (helper-68:
 * each failed the pull at once, or after 3 attempts back to back).
 */
#ifndef XL_OCI_IMAGE_REGISTRY_RETRY_H
#define XL_OCI_IMAGE_REGISTRY_RETRY_H

#include <stdbool.h>
#include <stddef.h>

/* Attempts after the first without progress: 5 in all. */
#define REGISTRY_RETRIES 4
/* Seconds: the longest pause; a longer Retry-After is cut to it. */
#define REGISTRY_PAUSE_MAX 60

/* 429, 502, 503 and 504: a moment's trouble, not the request's fault. */
bool registry_status_transient(long status);

/*
 * Seconds to wait before retry `n` (1 for the first): the Retry-After
 * header's delay-seconds (RFC 9110 10.2.3) when `retry_after` holds one,
 * at most REGISTRY_PAUSE_MAX; else 1, 2, 4, then 8 (an HTTP date too: a
 * clock of the server's is no better than our backoff).
 */
unsigned registry_retry_pause(unsigned n, const char *retry_after);

/* Sleeps `seconds`, through EINTR. */
void registry_pause(unsigned seconds);
/* registry_pause(), ended early when stop(arg) says so (looked at every
 * 100 ms): a download another layer's failure stopped does not sleep out
 * a Retry-After of up to REGISTRY_PAUSE_MAX.  True when it was stopped. */
bool registry_pause_unless(unsigned seconds, bool (*stop)(void *), void *arg);

/* A registry's error body read at most, bytes. */
#define REGISTRY_ERROR_BODY_MAX (64 * 1024)
/* Bytes of a registry's own error message kept for ours. */
#define REGISTRY_ERROR_TEXT_MAX 200

/*
 * The first entry of the distribution spec's error body `body` (len
 * bytes, the server's; NULL allowed)
 * ({"errors":[{"code":"TOOMANYREQUESTS","message":"..."}]}) into out[cap]
 * as ": CODE: message", printable ASCII only; "" when the body is not
 * one.  It says why (a rate limit, a denied scope, a name unknown) where
 * the status alone does not.
 */
void registry_error_text(char *out, size_t cap, const char *body, size_t len);

#endif
