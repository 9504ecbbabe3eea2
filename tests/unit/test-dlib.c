/* test-dlib.c: libraries opened on first use (common/dlib.h), and the
 * tables built on it: every function they list exists in the
 * library configure named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "common/dlib.h"
#include "common/xenlight_lib.h"
#include "image/http_lib.h"
#include "image/unpack_lib.h"
#include "netback/nft_lib.h"
#include "verifier/crypto_lib.h"
#include "verifier/digest.h"

/* A table of one function of libcurl, as the real users build theirs. */
#define T_FUNCS(X) X(version, curl_version)
static struct {
    T_FUNCS(XO_DLIB_FIELD)
} t_curl;
static int t_binds;

static void t_bind(void *const *a)
{
    t_curl.version = (__typeof__(curl_version) *)a[0];
    t_binds++;
}

static const char *const t_names[] = {T_FUNCS(XO_DLIB_NAME)};

static void test_absent_library(void **state)
{
    (void)state;
    static void *addrs[1];
    struct xo_dlib l = XO_DLIB_INIT("libxl-oci-absent.so.0", "testing", t_names,
                                    addrs, t_bind);
    xo_err err = XO_ERR_INIT;
    t_binds = 0;
    assert_int_equal(xo_dlib_load(&l, &err), -1);
    assert_int_equal(err.errnum, ELIBACC);
    assert_non_null(strstr(xo_err_msg(&err), "testing needs "
                                             "libxl-oci-absent.so.0: "));
    assert_int_equal(t_binds, 0);
    assert_false(l.loaded);
    xo_err_clear(&err);
}

static void test_absent_function(void **state)
{
    (void)state;
    static const char *const names[] = {"curl_version", "xo_no_such_fn"};
    static void *addrs[2];
    struct xo_dlib l =
        XO_DLIB_INIT(XO_CURL_SONAME, "testing", names, addrs, t_bind);
    xo_err err = XO_ERR_INIT;
    t_binds = 0;
    assert_int_equal(xo_dlib_load(&l, &err), -1);
    assert_int_equal(err.errnum, ELIBBAD);
    assert_non_null(strstr(xo_err_msg(&err),
                           "testing needs xo_no_such_fn from " XO_CURL_SONAME));
    assert_int_equal(t_binds, 0);
    assert_false(l.loaded);
    xo_err_clear(&err);
}

static void *load_in_thread(void *arg)
{
    xo_err err = XO_ERR_INIT;
    intptr_t rc = xo_dlib_load(arg, &err);
    xo_err_clear(&err);
    return (void *)rc;
}

/* Loaded once however many threads ask at once, and the typed pointer
 * calls the library's function. */
static void test_loads_once(void **state)
{
    (void)state;
    static void *addrs[1];
    static struct xo_dlib l =
        XO_DLIB_INIT(XO_CURL_SONAME, "testing", t_names, addrs, t_bind);
    pthread_t th[8];
    t_binds = 0;
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&th[i], NULL, load_in_thread, &l), 0);
    for (size_t i = 0; i < 8; i++) {
        void *rc;
        assert_int_equal(pthread_join(th[i], &rc), 0);
        assert_ptr_equal(rc, (void *)0);
    }
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_dlib_load(&l, &err), 0);
    assert_int_equal(t_binds, 1);
    assert_true(l.loaded);
    assert_memory_equal(t_curl.version(), "libcurl/", 8);
}

/* Each table resolves every function it lists from the SONAME configure
 * read, and its pointers then work. */
static void test_real_tables(void **state)
{
    (void)state;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(http_curl_load(&err), 0);
    assert_int_equal(unpack_archive_load(&err), 0);
    assert_int_equal(nb_nftlib_load(&err), 0);
    CURL *h = http_curl.easy_init();
    assert_non_null(h);
    http_curl.easy_cleanup(h);
    struct archive *a = unpack_la.read_new();
    assert_non_null(a);
    assert_int_equal(unpack_la.read_free(a), ARCHIVE_OK);
    assert_non_null(nb_nftlib.ctx_free);
    assert_int_equal(crypto_lib_load(&err), 0);
    assert_non_null(crypto_lib.sha256());
    assert_int_equal(xo_xenlight_load(&err), 0);
    assert_true(xo_xenlight_loaded());
    libxl_domain_config d;
    xo_xl.domain_config_init(&d);
    assert_int_equal(d.b_info.type, LIBXL_DOMAIN_TYPE_INVALID);
    xo_xl.domain_config_dispose(&d);
    XLU_Config *c = xo_xlu.cfg_init(stderr, "test");
    assert_non_null(c);
    assert_int_equal(xo_xlu.cfg_readdata(c, "a = 1\n", 6), 0);
    xo_xlu.cfg_destroy(c);
    yajl_gen g = xo_yajl.gen_alloc(NULL);
    assert_non_null(g);
    xo_yajl.gen_free(g);
}

/* The one-shot SHA-256 the derived names use: FIPS 180-2's "abc". */
static void test_sha256_bin(void **state)
{
    (void)state;
    static const unsigned char abc[DIGEST_BIN_LEN] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    unsigned char md[DIGEST_BIN_LEN];
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_sha256_bin(md, "abc", 3, &err), 0);
    assert_memory_equal(md, abc, sizeof(abc));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent_library),
        cmocka_unit_test(test_absent_function),
        cmocka_unit_test(test_loads_once),
        cmocka_unit_test(test_real_tables),
        cmocka_unit_test(test_sha256_bin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
