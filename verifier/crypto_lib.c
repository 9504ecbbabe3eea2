/* crypto_lib.c: libcrypto's table, filled on first use (crypto_lib.h). */
#include "verifier/crypto_lib.h"

struct vf_crypto_fns vf_crypto;

static const char *const crypto_names[] = {VF_CRYPTO_FUNCS(XO_DLIB_NAME)};
static void *crypto_addrs[sizeof(crypto_names) / sizeof(crypto_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void crypto_bind(void *const *a)
{
    size_t i = 0;
#define VF_CRYPTO_BIND(field, fn) vf_crypto.field = (__typeof__(fn) *)a[i++];
    VF_CRYPTO_FUNCS(VF_CRYPTO_BIND)
#undef VF_CRYPTO_BIND
}

static struct xo_dlib crypto_lib =
    XO_DLIB_INIT(XO_CRYPTO_SONAME, "hashing and verifying", crypto_names,
                 crypto_addrs, crypto_bind);

int vf_crypto_load(xo_err *err)
{
    return xo_dlib_load(&crypto_lib, err);
}
