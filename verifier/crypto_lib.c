/* crypto_lib.c: libcrypto's table, filled on first use (crypto_lib.h). */
#include "verifier/crypto_lib.h"

struct crypto_lib_fns crypto_lib;

static const char *const crypto_names[] = {CRYPTO_LIB_FUNCS(XO_DLIB_NAME)};
static void *crypto_addrs[sizeof(crypto_names) / sizeof(crypto_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void crypto_bind(void *const *a)
{
    size_t i = 0;
#define CRYPTO_LIB_BIND(field, fn) crypto_lib.field = (__typeof__(fn) *)a[i++];
    CRYPTO_LIB_FUNCS(CRYPTO_LIB_BIND)
#undef CRYPTO_LIB_BIND
    /* Before any other call: OpenSSL 3 would otherwise load openssl.cnf
     * at its first use; with this, that load is never made.  A failure
     * here leaves OpenSSL to initialise itself as before. */
    crypto_lib.init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

static struct xo_dlib crypto_dlib =
    XO_DLIB_INIT(XO_CRYPTO_SONAME, "hashing and verifying", crypto_names,
                 crypto_addrs, crypto_bind);

int crypto_lib_load(xo_err *err)
{
    return xo_dlib_load(&crypto_dlib, err);
}
