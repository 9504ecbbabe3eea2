/*
 * signature.h: requiring a cosign signature (verifier/cosign.h) before an
 * image is used.  The key comes from `pull --verify-key`, or from the
 * policy file (--policy FILE, else <root>/policy.json when present):
 *
 *   {"signatures": [{"prefix": "docker://registry.example/team/",
 *                    "verify_key": "/etc/xl-oci/keys/team.pem"}]}
 *
 * The entry with the longest prefix of the image's canonical name applies;
 * a name no entry matches needs no signature.
 */
#ifndef XL_OCI_IMAGE_SIGNATURE_H
#define XL_OCI_IMAGE_SIGNATURE_H

#include "blobstore.h"
#include "common/error.h"
#include "source.h"

#define POLICY_FILE_MAX (1 << 20)
#define SIGNATURE_MAX_LAYERS 16

/* The key path the policy requires for `name` (owned; NULL: none). */
int signature_policy_key(char **key_r, const char *policy_file,
                         const char *name, xo_err *err);

/*
 * Fetches the "sha256-<hex>.sig" tag of `signed_digest` from src and
 * checks that one of its signatures verifies with the key at key_path.
 */
int signature_check(struct image_source *src, const struct blob_store *bs,
                    const struct digest *signed_digest, const char *key_path,
                    xo_err *err);

#endif
