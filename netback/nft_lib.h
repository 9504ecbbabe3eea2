/*
 * nft_lib.h: libnftables, opened on first use (common/dlib.h), for nft.c.
 *
 * nb_nftlib_load() runs before each libnftables context is made (nft.c's
 * run_buffer); the calls go through the table `nb_nftlib`, whose fields
 * have the types of nftables/libnftables.h's functions, so the compiler
 * checks each call as it did the direct ones.
 */
#ifndef XL_OCI_NETBACK_NFT_LIB_H
#define XL_OCI_NETBACK_NFT_LIB_H

#include <nftables/libnftables.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions nft.c calls: (field, libnftables' function). */
#define NB_NFT_FUNCS(X)                                                        \
    X(ctx_new, nft_ctx_new)                                                    \
    X(ctx_free, nft_ctx_free)                                                  \
    X(ctx_output_set_flags, nft_ctx_output_set_flags)                          \
    X(ctx_buffer_output, nft_ctx_buffer_output)                                \
    X(ctx_buffer_error, nft_ctx_buffer_error)                                  \
    X(ctx_get_error_buffer, nft_ctx_get_error_buffer)                          \
    X(run_cmd_from_buffer, nft_run_cmd_from_buffer)

struct nb_nft_fns {
    NB_NFT_FUNCS(XO_DLIB_FIELD)
};

/* Valid after nb_nftlib_load() returned 0. */
extern struct nb_nft_fns nb_nftlib;

/* Opens libnftables (XO_NFTABLES_SONAME, from configure) once per
 * process; errors as xo_dlib_load(). */
int nb_nftlib_load(xo_err *err);

#endif
