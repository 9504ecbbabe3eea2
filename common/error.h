/*
 * error.h: the one error contract of xl-oci.
 *
 * A fallible library function returns a negative value and fills an
 * `xo_err` with an errno value (0 when none applies) and a message that
 * names the file, key or digest at fault.  Callers add context with
 * xo_err_wrap() ("loading image config: sha256:ab..: ...").  Only the
 * command layer prints an error, once, with xo_err_print().
 */
#ifndef XL_OCI_COMMON_ERROR_H
#define XL_OCI_COMMON_ERROR_H

#include <stdio.h>

typedef struct xo_err {
    int errnum; /* errno value, 0 when none applies */
    char *msg;  /* owned, NULL when no error is held */
} xo_err;

/* clang-format would lay this initializer out as a block. */
/* clang-format off */
#define XO_ERR_INIT { 0, NULL }
/* clang-format on */

#if defined(__GNUC__)
#define XO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define XO_PRINTF(a, b)
#endif

/* Sets *err (replacing any message held) and returns -1. */
int xo_err_set(xo_err *err, int errnum, const char *fmt, ...) XO_PRINTF(3, 4);

/* Like xo_err_set() with errnum = errno, appending ": strerror(errno)". */
int xo_err_sys(xo_err *err, const char *fmt, ...) XO_PRINTF(2, 3);

/* Prefixes the held message with "context: " and returns -1. */
int xo_err_wrap(xo_err *err, const char *fmt, ...) XO_PRINTF(2, 3);

/* Frees the message; safe to call on a cleared error, any number of times. */
void xo_err_clear(xo_err *err);

/* Prints "PROG: MESSAGE\n" to `out` and clears the error.  A control
 * byte of the message but tab and newline is printed as '?': a message
 * quotes what registries, images and programs said (a media type, a
 * header, a file name), and an escape sequence there must not reach the
 * admin's terminal.  UTF-8 passes (file names). */
void xo_err_print(xo_err *err, const char *prog, FILE *out);

/* The message held, or "unknown error" (never NULL). */
const char *xo_err_msg(const xo_err *err);

/* Replaces every byte of s outside printable ASCII with '?': for text
 * from outside (a registry's or a program's words) quoted in a message
 * that reaches a terminal. */
void xo_text_printable(char *s);

#endif
