/* http_lib.c: libcurl's table, filled on first use (http_lib.h). */
#include "http_lib.h"

struct http_curl_fns http_curl;

static const char *const curl_names[] = {HTTP_CURL_FUNCS(XO_DLIB_NAME)};
static void *curl_addrs[sizeof(curl_names) / sizeof(curl_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void curl_bind(void *const *a)
{
    size_t i = 0;
#define HTTP_CURL_BIND(field, fn) http_curl.field = (__typeof__(fn) *)a[i++];
    HTTP_CURL_FUNCS(HTTP_CURL_BIND)
#undef HTTP_CURL_BIND
}

static struct xo_dlib curl_lib = XO_DLIB_INIT(
    XO_CURL_SONAME, "talking to a registry", curl_names, curl_addrs, curl_bind);

int http_curl_load(xo_err *err)
{
    return xo_dlib_load(&curl_lib, err);
}
