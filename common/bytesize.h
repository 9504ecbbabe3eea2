/*
 * bytesize.h: a byte size as admins write one: digits, with a fraction
 * when it comes to a whole number of bytes ("1.5G", not "1.1K"), then an
 * optional K, M, G or T (binary multiples) and an optional "iB" or "B"
 * after it, in any case: "64M", "10m", "2GiB", "1.5g", "512".  The
 * grammar of `volume create --size` and of $XL_OCI_LOG_MAX (Docker's
 * json-file max-size reads "10m" and "1.5m" too, but in powers of 1000);
 * each caller applies its own bounds.
 */
#ifndef XL_OCI_COMMON_BYTESIZE_H
#define XL_OCI_COMMON_BYTESIZE_H

#include <stdint.h>

#include "common/error.h"

/*
 * Parses `s` into *bytes_r (set on success only).  -1 with err quoting
 * `s`: EINVAL when it does not start with a digit, its unit is not K, M,
 * G or T, or its fraction is not a whole number of bytes (or has more
 * than 6 digits); ERANGE when the value does not fit 64 bits.
 */
int xo_bytesize_parse(uint64_t *bytes_r, const char *s, xo_err *err);

/*
 * A size limit from the environment's text `s`: parsed as above and held
 * within [min, max] (a value past `max`, 64-bit overflow included, is
 * `max`).  0 with *bytes_r set, or -1 (EINVAL) when `s` is no size: what
 * then happens is the caller's (XL_OCI_LOG_MAX refuses, XL_OCI_EVENTS_MAX
 * warns and keeps its default).
 */
int xo_bytesize_bounded(uint64_t *bytes_r, const char *s, uint64_t min,
                        uint64_t max);

#endif
