/*
 * http_lib.h: libcurl, opened on first use (common/dlib.h), for http.c.
 *
 * http_curl_load() runs in http_client_init(); every call afterwards goes
 * through the table `http_curl`, whose fields have the types of curl.h's
 * functions.  curl_easy_setopt and curl_easy_getinfo are variadic, and
 * curl.h's macros that check their arguments do not apply to a call
 * through a pointer, so they are called only through the typed wrappers
 * below: each passes its value with the exact type libcurl reads with
 * va_arg for that kind of option, and refuses at compile time an option
 * of another kind (the kind is encoded in the option's value:
 * CURLOPTTYPE_* and CURLINFO_TYPEMASK in curl.h).
 */
#ifndef XL_OCI_IMAGE_HTTP_LIB_H
#define XL_OCI_IMAGE_HTTP_LIB_H

#include <curl/curl.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions http.c calls: (field, curl.h's function). */
#define HTTP_CURL_FUNCS(X)                                                     \
    X(global_init, curl_global_init)                                           \
    X(easy_init, curl_easy_init)                                               \
    X(easy_setopt, curl_easy_setopt)                                           \
    X(easy_getinfo, curl_easy_getinfo)                                         \
    X(easy_perform, curl_easy_perform)                                         \
    X(easy_cleanup, curl_easy_cleanup)                                         \
    X(easy_strerror, curl_easy_strerror)                                       \
    X(slist_append, curl_slist_append)                                         \
    X(slist_free_all, curl_slist_free_all)

struct http_curl_fns {
    HTTP_CURL_FUNCS(XO_DLIB_FIELD)
};

/* Valid after http_curl_load() returned 0. */
extern struct http_curl_fns http_curl;

/* Opens libcurl (XO_CURL_SONAME, from configure) once per process;
 * errors as xo_dlib_load(). */
int http_curl_load(xo_err *err);

/* The kind of a CURLoption: CURLOPTTYPE_LONG, _OBJECTPOINT, ... */
#define HTTP_OPT_KIND(opt) ((opt) - (opt) % 10000)

#define HTTP_OPT_CHECK(opt, kind, what)                                        \
    _Static_assert(HTTP_OPT_KIND(opt) == (kind), #opt " does not take " what)

static inline void http_set_long_(CURL *h, CURLoption o, long v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_str_(CURL *h, CURLoption o, const char *v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_slist_(CURL *h, CURLoption o, struct curl_slist *v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_data_(CURL *h, CURLoption o, void *v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_fn_(CURL *h, CURLoption o, curl_write_callback v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_xferinfo_(CURL *h, CURLoption o,
                                      curl_xferinfo_callback v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_off_(CURL *h, CURLoption o, curl_off_t v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_set_blob_(CURL *h, CURLoption o, struct curl_blob *v)
{
    http_curl.easy_setopt(h, o, v);
}
static inline void http_info_long_(CURL *h, CURLINFO i, long *v)
{
    http_curl.easy_getinfo(h, i, v);
}
static inline void http_info_str_(CURL *h, CURLINFO i, char **v)
{
    *v = NULL;
    http_curl.easy_getinfo(h, i, v);
}

/* Options taking a long, a string, a curl_slist, a callback's data
 * pointer, a write or header callback, a curl_off_t, a curl_blob; and
 * the information that is a long.  Results are ignored, as libcurl
 * refuses only an unknown option or a value out of range, both fixed
 * here at compile time. */
#define http_set_long(h, opt, v)                                               \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_LONG, "a long");                       \
        http_set_long_(h, opt, v);                                             \
    } while (0)
#define http_set_str(h, opt, v)                                                \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_OBJECTPOINT, "a string");              \
        http_set_str_(h, opt, v);                                              \
    } while (0)
#define http_set_slist(h, opt, v)                                              \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_OBJECTPOINT, "a curl_slist");          \
        http_set_slist_(h, opt, v);                                            \
    } while (0)
#define http_set_data(h, opt, v)                                               \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_OBJECTPOINT, "a data pointer");        \
        http_set_data_(h, opt, v);                                             \
    } while (0)
#define http_set_fn(h, opt, v)                                                 \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_FUNCTIONPOINT, "a callback");          \
        http_set_fn_(h, opt, v);                                               \
    } while (0)
#define http_set_xferinfo(h, v)                                                \
    do {                                                                       \
        HTTP_OPT_CHECK(CURLOPT_XFERINFOFUNCTION, CURLOPTTYPE_FUNCTIONPOINT,    \
                       "a callback");                                          \
        http_set_xferinfo_(h, CURLOPT_XFERINFOFUNCTION, v);                    \
    } while (0)
#define http_set_off(h, opt, v)                                                \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_OFF_T, "a curl_off_t");                \
        http_set_off_(h, opt, v);                                              \
    } while (0)
#define http_set_blob(h, opt, v)                                               \
    do {                                                                       \
        HTTP_OPT_CHECK(opt, CURLOPTTYPE_BLOB, "a curl_blob");                  \
        http_set_blob_(h, opt, v);                                             \
    } while (0)
#define http_info_long(h, info, v)                                             \
    do {                                                                       \
        _Static_assert(((info)&CURLINFO_TYPEMASK) == CURLINFO_LONG,            \
                       #info " is not a long");                                \
        http_info_long_(h, info, v);                                           \
    } while (0)
#define http_info_str(h, info, v)                                              \
    do {                                                                       \
        _Static_assert(((info)&CURLINFO_TYPEMASK) == CURLINFO_STRING,          \
                       #info " is not a string");                              \
        http_info_str_(h, info, v);                                            \
    } while (0)

#endif
