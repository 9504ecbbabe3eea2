/*
 * cosign.h: verifying cosign's key-based image signatures.
 *
 * cosign stores a signature of image DIGEST as the tag
 * "sha256-<hex>.sig" in the image's repository: an image whose layers are
 * "simple signing" JSON payloads, each layer carrying the base64 DER
 * ECDSA signature of its payload in the annotation
 * "dev.cosignproject.cosign/signature".  The payload names the signed
 * manifest digest in critical.image.docker-manifest-digest.  Only ECDSA
 * P-256 with SHA-256 public keys (PEM), as `cosign generate-key-pair`
 * makes, are accepted.
 */
#ifndef XL_OCI_VERIFIER_COSIGN_H
#define XL_OCI_VERIFIER_COSIGN_H

#include <stddef.h>

#include "common/error.h"
#include "verifier/digest.h"

#define COSIGN_SIG_MEDIA_TYPE "application/vnd.dev.cosign.simplesigning.v1+json"
#define COSIGN_SIG_ANNOTATION "dev.cosignproject.cosign/signature"
#define COSIGN_PAYLOAD_TYPE "cosign container image signature"
#define COSIGN_PAYLOAD_MAX (64 * 1024)
#define COSIGN_SIG_B64_MAX 1024
#define COSIGN_KEY_MAX (16 * 1024)

struct cosign_key;

/* Loads a PEM public key file; refuses anything but EC P-256. */
int cosign_key_load(struct cosign_key **key_r, const char *path, xo_err *err);
void cosign_key_free(struct cosign_key *key);

/*
 * Checks that `sig_b64` is key's signature of `payload` and that the
 * payload is a cosign image signature of `signed_digest`.  Errors say
 * which of the two failed.
 */
int cosign_verify(const struct cosign_key *key, const char *payload, size_t len,
                  const char *sig_b64, const struct digest *signed_digest,
                  xo_err *err);

#endif
