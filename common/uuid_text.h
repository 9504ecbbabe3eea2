/*
 * uuid_text.h: a random (version 4, RFC 9562 section 5.4) UUID in the
 * canonical text form libxl prints (LIBXL_UUID_FMT: 8-4-4-4-12 lowercase
 * hex digits), for what has no Xen domain to take one from: a NOHYPER
 * container's DomainStatus uuid.  libxl's own generator is not there
 * without Xen (common/xenlight_lib.h loads it lazily).
 */
#ifndef XL_OCI_COMMON_UUID_TEXT_H
#define XL_OCI_COMMON_UUID_TEXT_H

#include "common/error.h"

/* 36 characters, without the NUL. */
#define XO_UUID_TEXT_LEN 36

/*
 * Writes a new random UUID and its NUL to out (XO_UUID_TEXT_LEN + 1
 * bytes).  -1 with err (errno of getrandom(2)) when the kernel gives no
 * random bytes.
 */
int xo_uuid_random_text(char out[XO_UUID_TEXT_LEN + 1], xo_err *err);

#endif
