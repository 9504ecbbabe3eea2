/*
 * crypto_lib.h: libcrypto (OpenSSL 3), opened on first use
 * (common/dlib.h), for the digests and signatures of verifier/ and the
 * base64 of image/auth.c.
 *
 * libcrypto is the largest object xl-oci linked: about 21000 relocations
 * (3000 of them symbol lookups, bound at load: it is linked -z now),
 * about half of the dynamic loader's work at every start of every
 * command, yet only pulls, volume import/export, creates (MACs) and
 * network commands (bridge names, MACs) hash anything; exec, list,
 * status and stop do not (docs/decisions.md, "Optional libraries opened
 * on first use").  crypto_lib_load() runs at the entry points of that
 * code; the calls go through the table `crypto_lib`, whose fields have
 * the types of OpenSSL's functions, so the compiler checks each call as
 * it did the direct ones.
 */
#ifndef XL_OCI_VERIFIER_CRYPTO_LIB_H
#define XL_OCI_VERIFIER_CRYPTO_LIB_H

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions xl-oci calls: (field, OpenSSL's function). */
#define CRYPTO_LIB_FUNCS(X)                                                    \
    X(md_ctx_new, EVP_MD_CTX_new)                                              \
    X(md_ctx_free, EVP_MD_CTX_free)                                            \
    X(digest_init_ex, EVP_DigestInit_ex)                                       \
    X(digest_update, EVP_DigestUpdate)                                         \
    X(digest_final_ex, EVP_DigestFinal_ex)                                     \
    X(digest, EVP_Digest)                                                      \
    X(sha256, EVP_sha256)                                                      \
    X(digest_verify_init, EVP_DigestVerifyInit)                                \
    X(digest_verify, EVP_DigestVerify)                                         \
    X(pkey_free, EVP_PKEY_free)                                                \
    X(pkey_is_a, EVP_PKEY_is_a)                                                \
    X(pkey_get_utf8_string_param, EVP_PKEY_get_utf8_string_param)              \
    X(pem_read_bio_pubkey, PEM_read_bio_PUBKEY)                                \
    X(bio_new_mem_buf, BIO_new_mem_buf)                                        \
    X(bio_free, BIO_free)                                                      \
    X(decode_block, EVP_DecodeBlock)                                           \
    X(encode_block, EVP_EncodeBlock)                                           \
    X(init_crypto, OPENSSL_init_crypto)

struct crypto_lib_fns {
    CRYPTO_LIB_FUNCS(XO_DLIB_FIELD)
};

/* Valid after crypto_lib_load() returned 0. */
extern struct crypto_lib_fns crypto_lib;

/* Opens libcrypto (XO_CRYPTO_SONAME, from configure) once per process,
 * without reading openssl.cnf (SHA-256 and signature checks need no
 * configuration; parsing it was a fifth of a cached `xl-oci-runc create`'s
 * root volume step); errors as xo_dlib_load(). */
int crypto_lib_load(xo_err *err);

#endif
