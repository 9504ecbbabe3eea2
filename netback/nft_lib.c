/* nft_lib.c: libnftables' table, filled on first use (nft_lib.h). */
#include "netback/nft_lib.h"

struct nb_nft_fns nb_nftlib;

static const char *const nft_names[] = {NB_NFT_FUNCS(XO_DLIB_NAME)};
static void *nft_addrs[sizeof(nft_names) / sizeof(nft_names[0])];

/* void * to a function pointer: the conversion POSIX guarantees for
 * dlsym's results. */
static void nft_bind(void *const *a)
{
    size_t i = 0;
#define NB_NFT_BIND(field, fn) nb_nftlib.field = (__typeof__(fn) *)a[i++];
    NB_NFT_FUNCS(NB_NFT_BIND)
#undef NB_NFT_BIND
}

static struct xo_dlib nft_lib =
    XO_DLIB_INIT(XO_NFTABLES_SONAME, "changing nftables rules", nft_names,
                 nft_addrs, nft_bind);

int nb_nftlib_load(xo_err *err)
{
    return xo_dlib_load(&nft_lib, err);
}
